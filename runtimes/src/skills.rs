//! What a skill's runtime copy holds (memtomem's fan-out surface): the whole canonical folder
//! except, at any depth, `.git`, `.DS_Store`, `__pycache__` and symlinks, and at the top level
//! the store's own entries — `overrides/`, `versions/`, `versions.json` with its lock and temp
//! files, and memtomem's staging folders. `SKILL.md` is replaced by `overrides/<vendor>.md`
//! when one exists. Copied files get mode 0644, an override 0600 (memtomem writes each through
//! a different helper).

use crate::names::is_internal_artifact_dir;

pub const MANIFEST: &str = "SKILL.md";

/// Skipped at every depth, on both sides of a comparison.
pub fn copy_skips(name: &str) -> bool {
    matches!(name, ".git" | ".DS_Store" | "__pycache__")
}

/// Whether a top-level entry of a canonical skill folder is content that fans out.
pub fn is_payload_top_name(name: &str) -> bool {
    let store_file = name == "versions.json"
        || name == ".versions.json.lock"
        || (name.starts_with(".versions.json.") && name.ends_with(".tmp"));
    !(name == "overrides" || name == "versions" || is_internal_artifact_dir(name) || store_file)
}

/// File modes memtomem gives what it writes into a runtime skill folder.
pub const COPIED_MODE: u32 = 0o644;
pub const OVERRIDE_MODE: u32 = 0o600;
/// Agents and commands are written with memtomem's state-file default.
pub const RENDERED_MODE: u32 = 0o600;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_top_names() {
        for out in ["overrides", "versions", "versions.json", ".versions.json.lock", ".versions.json.x1.tmp"] {
            assert!(!is_payload_top_name(out), "{out}");
        }
        for kept in ["SKILL.md", "scripts", ".versions.json.bak", ".custom.lock", "override"] {
            assert!(is_payload_top_name(kept), "{kept}");
        }
    }
}
