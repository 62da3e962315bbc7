//! The draft stashed in `sessionStorage` before a conflict is shown (docs/USING.md, "Editing,
//! and what happens on a conflict"): its key and its JSON shape. Pure (de)serialisation here;
//! the browser side is `ui::draft`.

use crate::api::{Etag, MtimeNs};
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
    /// Digits in a string, as the API carries them.
    pub base_mtime_ns: MtimeNs,
    pub base_etag: Etag,
    /// ISO-8601 time the draft was stored.
    pub saved_at: String,
}

impl Draft {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `None` for anything that is not a well-formed draft (corrupt or foreign data, tokens
    /// that do not parse), so a bad storage entry can never break the editor.
    pub fn from_json(text: &str) -> Option<Draft> {
        serde_json::from_str(text).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Draft {
        Draft {
            content: "mine\n".into(),
            base_content: "base\n".into(),
            base_mtime_ns: MtimeNs(1_700_000_000_000_000_001),
            base_etag: Etag::parse(&"a".repeat(64)).unwrap(),
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
        let good = sample().to_json();
        assert!(good.contains("\"base_mtime_ns\":\"1700000000000000001\""), "{good}");
        let bad_mtime = good.replace("1700000000000000001", "12x");
        assert_eq!(Draft::from_json(&bad_mtime), None);
        let bad_etag = good.replace(&"a".repeat(64), &"A".repeat(64));
        assert_eq!(Draft::from_json(&bad_etag), None);
    }
}
