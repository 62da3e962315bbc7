//! `DraftStore`: drafts in the browser's `sessionStorage` (gloo-storage), keyed per project,
//! type and name. Every failure (storage disabled, full, corrupt entry) is a value, never a panic.

use crate::text::draft::{draft_key, Draft};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftStore {
    key: String,
}

impl DraftStore {
    pub fn new(project_id: &str, artifact_type: &str, name: &str) -> DraftStore {
        DraftStore { key: draft_key(project_id, artifact_type, name) }
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// Stores the draft; `false` when the browser refused (disabled or full storage).
    pub fn save(&self, draft: &Draft) -> bool {
        #[cfg(feature = "hydrate")]
        {
            use gloo_storage::{SessionStorage, Storage};
            storage_available() && SessionStorage::set(&self.key, draft).is_ok()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = draft;
            false
        }
    }

    /// The stored draft, if there is a well-formed one.
    pub fn load(&self) -> Option<Draft> {
        #[cfg(feature = "hydrate")]
        {
            let storage = session_storage()?;
            let text = storage.get_item(&self.key).ok()??;
            Draft::from_json(&text)
        }
        #[cfg(not(feature = "hydrate"))]
        None
    }

    pub fn remove(&self) {
        #[cfg(feature = "hydrate")]
        if let Some(storage) = session_storage() {
            let _ = storage.remove_item(&self.key);
        }
    }
}

/// `window.sessionStorage`, or `None` where the browser denies it (gloo would panic there).
#[cfg(feature = "hydrate")]
fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

#[cfg(feature = "hydrate")]
fn storage_available() -> bool {
    session_storage().is_some()
}

/// Now, as ISO-8601 (for `saved_at`).
pub fn now_iso() -> String {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}
