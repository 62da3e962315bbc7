//! The events of `GET /api/context/events` (docs/API.md, "Live changes"), one type for both
//! sides: the server writes each as a server-sent event named [`LiveEvent::event_name`] whose
//! data is [`LiveEvent::data`]; the page reads it back with [`LiveEvent::parse`].

use super::types::{ArtifactType, Etag, MtimeNs};
use serde::{Deserialize, Serialize};

/// What the page hears.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiveEvent {
    Changed(ChangedEvent),
    Removed(RemovedEvent),
    /// Events may have been missed (the server's buffer for this client overflowed; the page
    /// also says it after a reconnect or when the tab shows again): re-read what is shown.
    Resync,
}

/// `changed`: the file now has these tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedEvent {
    #[serde(rename = "type")]
    pub kind: ArtifactType,
    pub name: String,
    pub mtime_ns: MtimeNs,
    pub etag: Etag,
}

/// `removed`: the file is gone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedEvent {
    #[serde(rename = "type")]
    pub kind: ArtifactType,
    pub name: String,
}

/// The event names, in the order the page listens for them.
pub const EVENT_NAMES: [&str; 3] = ["changed", "removed", "resync"];

impl LiveEvent {
    pub fn event_name(&self) -> &'static str {
        match self {
            LiveEvent::Changed(_) => EVENT_NAMES[0],
            LiveEvent::Removed(_) => EVENT_NAMES[1],
            LiveEvent::Resync => EVENT_NAMES[2],
        }
    }

    /// The event's data, as JSON.
    pub fn data(&self) -> String {
        let json = match self {
            LiveEvent::Changed(c) => serde_json::to_string(c),
            LiveEvent::Removed(r) => serde_json::to_string(r),
            LiveEvent::Resync => return "{}".to_owned(),
        };
        // Both are plain structs of strings: serialising them cannot fail.
        json.unwrap_or_default()
    }

    /// An event as it arrived; `None` for a name or data this version does not know.
    pub fn parse(event_name: &str, data: &str) -> Option<LiveEvent> {
        match event_name {
            "changed" => serde_json::from_str(data).ok().map(LiveEvent::Changed),
            "removed" => serde_json::from_str(data).ok().map(LiveEvent::Removed),
            "resync" => Some(LiveEvent::Resync),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_reads_back_as_written() {
        let etag = Etag::parse(&"ab".repeat(32)).unwrap();
        let events = [
            LiveEvent::Changed(ChangedEvent {
                kind: ArtifactType::Agents,
                name: "rev".into(),
                mtime_ns: MtimeNs(1_795_900_000_000_000_001),
                etag: etag.clone(),
            }),
            LiveEvent::Removed(RemovedEvent { kind: ArtifactType::Skills, name: "한국어".into() }),
            LiveEvent::Resync,
        ];
        for event in events {
            assert_eq!(LiveEvent::parse(event.event_name(), &event.data()), Some(event.clone()), "{event:?}");
        }
        let changed: serde_json::Value = serde_json::from_str(
            &LiveEvent::Changed(ChangedEvent {
                kind: ArtifactType::Commands,
                name: "x".into(),
                mtime_ns: MtimeNs(7),
                etag: etag.clone(),
            })
            .data(),
        )
        .unwrap();
        assert_eq!(
            changed,
            serde_json::json!({"type": "commands", "name": "x", "mtime_ns": "7", "etag": etag.as_str()})
        );
    }

    #[test]
    fn unknown_or_malformed_events_are_ignored() {
        assert_eq!(LiveEvent::parse("other", "{}"), None);
        for data in [
            "",
            "{}",
            "{\"type\":\"widgets\",\"name\":\"x\"}",
            "{\"type\":\"skills\",\"name\":\"x\",\"mtime_ns\":\"7\",\"etag\":\"x\"}",
        ] {
            assert_eq!(LiveEvent::parse("changed", data), None, "{data}");
        }
        assert_eq!(LiveEvent::parse("removed", "[]"), None);
    }
}
