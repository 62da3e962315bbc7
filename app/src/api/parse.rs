//! Strict parsing of REST request bodies (docs/API.md, "Conventions"): no type coercion, and every
//! refusal names the field to blame. serde's derive would refuse the same inputs but with messages
//! that do not name the field, so the fields are taken from a `serde_json::Value` one by one.

use super::error::ApiError;
use super::types::{
    ArtifactType, CheckRequest, CreateRequest, Etag, HistoryId, MtimeNs, UpdateRequest, ETAG_RULE, HISTORY_ID_RULE,
    MTIME_RULE,
};
use serde_json::{Map, Value};

fn object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|err| ApiError::Invalid {
        field: None,
        reason: format!("body is not valid JSON ({})", err.classify_name()),
    })?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::Invalid { field: None, reason: "body must be a JSON object".into() }),
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Eof => "it ends too early",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Io => "unreadable",
        }
    }
}

fn required_string(map: &Map<String, Value>, field: &str) -> Result<String, ApiError> {
    match map.get(field) {
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(ApiError::invalid(field, format!("{field} must be a string"))),
        None => Err(ApiError::invalid(field, format!("{field} is required"))),
    }
}

/// An optional etag field: absent is `None`; anything but 64 lowercase hex (`null` included) is
/// refused naming the field.
fn optional_etag(map: &Map<String, Value>, field: &str, rule: &str) -> Result<Option<Etag>, ApiError> {
    match map.get(field) {
        None => Ok(None),
        Some(Value::String(text)) => Etag::parse(text).map(Some).ok_or_else(|| ApiError::invalid(field, rule)),
        Some(_) => Err(ApiError::invalid(field, rule)),
    }
}

/// `{name, content}`
pub fn parse_create(body: &[u8]) -> Result<CreateRequest, ApiError> {
    let map = object(body)?;
    Ok(CreateRequest { name: required_string(&map, "name")?, content: required_string(&map, "content")? })
}

/// `{type, name, content}`: the type by its plural word, as in URLs.
pub fn parse_check(body: &[u8]) -> Result<CheckRequest, ApiError> {
    let map = object(body)?;
    let kind = match map.get("type") {
        Some(Value::String(word)) => ArtifactType::from_plural(word),
        Some(_) => None,
        None => return Err(ApiError::invalid("type", "type is required")),
    }
    .ok_or_else(|| ApiError::invalid("type", "type must be skills, agents or commands"))?;
    Ok(CheckRequest { kind, name: required_string(&map, "name")?, content: required_string(&map, "content")? })
}

/// `{content, mtime_ns, etag?, force?}`
pub fn parse_update(body: &[u8]) -> Result<UpdateRequest, ApiError> {
    let map = object(body)?;
    let content = required_string(&map, "content")?;
    let mtime_ns = match map.get("mtime_ns") {
        Some(Value::String(text)) => MtimeNs::parse(text).ok_or_else(|| ApiError::invalid("mtime_ns", MTIME_RULE))?,
        Some(_) => return Err(ApiError::invalid("mtime_ns", MTIME_RULE)),
        None => return Err(ApiError::invalid("mtime_ns", "mtime_ns is required")),
    };
    let etag = optional_etag(&map, "etag", ETAG_RULE)?;
    let force = match map.get("force") {
        None => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => return Err(ApiError::invalid("force", "force must be a JSON boolean (true or false)")),
    };
    let seen_etag = optional_etag(&map, "seen_etag", "seen_etag must be 64 lowercase hex digits")?;
    let restored_from = match map.get("restored_from") {
        None => None,
        Some(Value::String(id)) => Some(history_id("restored_from", id)?),
        Some(_) => return Err(ApiError::invalid("restored_from", HISTORY_ID_RULE)),
    };
    Ok(UpdateRequest { content, mtime_ns, etag, force, seen_etag, restored_from })
}

/// A history or trash id sent as `field` (a body field, or `id` in the path): parsed once here,
/// refused with `HISTORY_ID_RULE` naming the field.
pub fn history_id(field: &str, text: &str) -> Result<HistoryId, ApiError> {
    HistoryId::parse(text).ok_or_else(|| ApiError::invalid(field, HISTORY_ID_RULE))
}

/// The etag named by the `If-Match` header lines: exactly one line holding exactly one strong tag
/// `"<64 lowercase hex>"`. Two header lines are a list (RFC 9110, section 5.3), never one tag.
pub fn parse_if_match<'a>(lines: impl IntoIterator<Item = &'a [u8]>) -> Result<Etag, ApiError> {
    let refuse = || ApiError::invalid("If-Match", "If-Match must be one strong tag: \"<64 lowercase hex digits>\"");
    let mut lines = lines.into_iter();
    let (Some(line), None) = (lines.next(), lines.next()) else { return Err(refuse()) };
    let text = std::str::from_utf8(line).map_err(|_| refuse())?;
    let inner = text.trim().strip_prefix('"').and_then(|rest| rest.strip_suffix('"')).ok_or_else(refuse)?;
    Etag::parse(inner).ok_or_else(refuse)
}

/// `{overwrite?}` (import); an empty body is `{}`.
pub fn parse_import(body: &[u8]) -> Result<super::types::ImportRequest, ApiError> {
    if body.is_empty() {
        return Ok(super::types::ImportRequest::default());
    }
    let map = object(body)?;
    refuse_dry_run(&map)?;
    let overwrite = match map.get("overwrite") {
        None => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => return Err(ApiError::invalid("overwrite", "overwrite must be a JSON boolean (true or false)")),
    };
    Ok(super::types::ImportRequest { overwrite })
}

/// A sync body: optional, and when present a JSON object (its fields are not used, but a
/// `dry_run` is refused).
pub fn parse_sync(body: &[u8]) -> Result<(), ApiError> {
    if body.is_empty() {
        return Ok(());
    }
    refuse_dry_run(&object(body)?)
}

/// The refusal of a preview ctxgate does not have (memtomem's `dry_run`): a client that asked
/// to see what a sync or import would do must not get it done. `GET …/{name}/diff` shows what a
/// sync would write.
pub fn dry_run_refused() -> ApiError {
    ApiError::invalid("dry_run", "dry_run is not supported, so nothing was written; GET /api/context/{type}/{name}/diff shows what a sync would write")
}

fn refuse_dry_run(map: &serde_json::Map<String, Value>) -> Result<(), ApiError> {
    match map.get("dry_run") {
        None | Some(Value::Bool(false)) | Some(Value::Null) => Ok(()),
        Some(_) => Err(dry_run_refused()),
    }
}

/// `dry_run` in a query string (`?dry_run=true`), as memtomem's clients send it; `false` / `0`
/// are no preview.
pub fn query_asks_dry_run(query: Option<&str>) -> bool {
    query.unwrap_or_default().split('&').any(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, "true"));
        key == "dry_run" && !matches!(value.to_ascii_lowercase().as_str(), "false" | "0" | "no" | "off")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(err: ApiError) -> Option<String> {
        match err {
            ApiError::Invalid { field, .. } => field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn update_accepts_the_documented_shape() {
        let etag = "a".repeat(64);
        let body = format!(r#"{{"content":"x","mtime_ns":"0012","etag":"{etag}","force":true,"extra":1}}"#);
        let parsed = parse_update(body.as_bytes()).unwrap();
        let expected = UpdateRequest {
            content: "x".into(),
            mtime_ns: MtimeNs(12),
            etag: Etag::parse(&etag),
            force: true,
            seen_etag: None,
            restored_from: None,
        };
        assert_eq!(parsed, expected);
    }

    #[test]
    fn update_refusals_name_the_field() {
        let cases: &[(&str, &str)] = &[
            (r#"{"content":"x","mtime_ns":"abc"}"#, "mtime_ns"),
            (r#"{"content":"x","mtime_ns":12}"#, "mtime_ns"),
            (r#"{"content":"x","mtime_ns":null}"#, "mtime_ns"),
            (r#"{"content":"x"}"#, "mtime_ns"),
            (r#"{"content":"x","mtime_ns":"1","force":"true"}"#, "force"),
            (r#"{"content":"x","mtime_ns":"1","force":1}"#, "force"),
            (r#"{"content":"x","mtime_ns":"1","force":null}"#, "force"),
            (r#"{"content":"x","mtime_ns":"1","etag":"ABC"}"#, "etag"),
            (r#"{"content":"x","mtime_ns":"1","etag":null}"#, "etag"),
            (r#"{"content":"x","mtime_ns":"1","seen_etag":null}"#, "seen_etag"),
            (r#"{"content":"x","mtime_ns":"1","seen_etag":"abc"}"#, "seen_etag"),
            (r#"{"content":"x","mtime_ns":"1","restored_from":"../x"}"#, "restored_from"),
            (r#"{"content":5,"mtime_ns":"1"}"#, "content"),
            (r#"{"content":null,"mtime_ns":"1"}"#, "content"),
            (r#"{"content":["a"],"mtime_ns":"1"}"#, "content"),
            (r#"{"mtime_ns":"1"}"#, "content"),
        ];
        for (body, field) in cases {
            let err = parse_update(body.as_bytes()).unwrap_err();
            assert_eq!(field_of(err), Some((*field).to_owned()), "{body}");
        }
        for body in ["[1]", "{\"content\":", "nope", ""] {
            assert_eq!(field_of(parse_update(body.as_bytes()).unwrap_err()), None, "{body}");
        }
    }

    #[test]
    fn if_match_takes_one_strong_tag() {
        let etag = "0".repeat(64);
        let one = format!("\"{etag}\"");
        assert_eq!(parse_if_match([one.as_bytes()]).unwrap().as_str(), etag);
        for bad in
            ["*".to_owned(), format!("W/\"{etag}\""), format!("\"{etag}\", \"{etag}\""), etag.clone(), "\"x\"".into()]
        {
            assert!(parse_if_match([bad.as_bytes()]).is_err(), "{bad}");
        }
        assert!(parse_if_match([one.as_bytes(), one.as_bytes()]).is_err(), "two header lines");
        assert!(parse_if_match(std::iter::empty()).is_err());
    }
}
