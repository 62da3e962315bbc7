//! Strict parsing of REST request bodies (SPEC §3): no type coercion, and every refusal names
//! the field to blame. serde's derive would refuse the same inputs but with messages that do not
//! name the field, so the fields are taken from a `serde_json::Value` one by one.

use super::error::ApiError;
use super::types::{is_valid_etag, CreateRequest, MtimeNs, UpdateRequest, ETAG_RULE, MTIME_RULE};
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

/// `{name, content}`
pub fn parse_create(body: &[u8]) -> Result<CreateRequest, ApiError> {
    let map = object(body)?;
    Ok(CreateRequest { name: required_string(&map, "name")?, content: required_string(&map, "content")? })
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
    let etag = match map.get("etag") {
        None => None,
        Some(Value::String(text)) if is_valid_etag(text) => Some(text.clone()),
        Some(_) => return Err(ApiError::invalid("etag", ETAG_RULE)),
    };
    let force = match map.get("force") {
        None => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => return Err(ApiError::invalid("force", "force must be a JSON boolean (true or false)")),
    };
    Ok(UpdateRequest { content, mtime_ns, etag, force })
}

/// The etag named by an `If-Match` header: exactly one strong tag `"<64 lowercase hex>"`.
pub fn parse_if_match(header: &str) -> Result<String, ApiError> {
    let refuse = || ApiError::invalid("If-Match", "If-Match must be one strong tag: \"<64 lowercase hex digits>\"");
    let inner = header.trim().strip_prefix('"').and_then(|rest| rest.strip_suffix('"')).ok_or_else(refuse)?;
    if is_valid_etag(inner) {
        Ok(inner.to_owned())
    } else {
        Err(refuse())
    }
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
        assert_eq!(parsed, UpdateRequest { content: "x".into(), mtime_ns: MtimeNs(12), etag: Some(etag), force: true });
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
        assert_eq!(parse_if_match(&format!("\"{etag}\"")).unwrap(), etag);
        for bad in
            ["*".to_owned(), format!("W/\"{etag}\""), format!("\"{etag}\", \"{etag}\""), etag.clone(), "\"x\"".into()]
        {
            assert!(parse_if_match(&bad).is_err(), "{bad}");
        }
    }
}
