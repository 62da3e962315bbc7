//! The draft stashed in `sessionStorage` before a conflict is shown
//! (docs/USING.md, "Editing, and what happens on a conflict"): its key and its JSON shape. Pure
//! (de)serialisation here; the browser side is `ui::draft`.

use serde::{Deserialize, Serialize};

/// `ctxgate:draft:<project>:<type>:<name>`; `<project>` is 12 hex digits naming the project root.
pub fn draft_key(project_id: &str, artifact_type: &str, name: &str) -> String {
    format!("ctxgate:draft:{project_id}:{artifact_type}:{name}")
}

/// What was being edited and the version it started from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub content: String,
    pub base_content: String,
    /// Digits, as the API carries them.
    pub base_mtime_ns: String,
    pub base_etag: String,
    /// ISO-8601 time the draft was stored.
    pub saved_at: String,
}

impl Draft {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `None` for anything that is not a well-formed draft (corrupt or foreign data), so a bad
    /// storage entry can never break the editor.
    pub fn from_json(text: &str) -> Option<Draft> {
        let draft: Draft = serde_json::from_str(text).ok()?;
        let well_formed =
            crate::api::MtimeNs::parse(&draft.base_mtime_ns).is_some() && crate::api::is_valid_etag(&draft.base_etag);
        well_formed.then_some(draft)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Draft {
        Draft {
            content: "mine\n".into(),
            base_content: "base\n".into(),
            base_mtime_ns: "1700000000000000001".into(),
            base_etag: "a".repeat(64),
            saved_at: "2026-11-28T04:00:00.000Z".into(),
        }
    }

    #[test]
    fn key_and_shape() {
        assert_eq!(draft_key("0123456789ab", "skills", "demo"), "ctxgate:draft:0123456789ab:skills:demo");
        let json: serde_json::Value = serde_json::from_str(&sample().to_json()).unwrap();
        let mut keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["base_content", "base_etag", "base_mtime_ns", "content", "saved_at"]);
        assert_eq!(Draft::from_json(&sample().to_json()), Some(sample()));
    }

    #[test]
    fn corrupt_or_foreign_data_is_ignored() {
        for text in ["", "null", "[]", "{}", "{\"content\":1}", "not json"] {
            assert_eq!(Draft::from_json(text), None, "{text}");
        }
        let mut bad = sample();
        bad.base_mtime_ns = "12x".into();
        assert_eq!(Draft::from_json(&bad.to_json()), None);
    }
}
