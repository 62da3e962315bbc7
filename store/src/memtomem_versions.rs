//! memtomem's own per-artifact versions (SPEC §13): a force save over a stale folder-layout agent
//! or command freezes the overwritten text as memtomem's next `versions/vN.md` plus a
//! `versions.json` row, so memtomem's Versions panel shows what ctxgate overwrote.

use std::io;
use std::path::Path;
use std::time::SystemTime;

/// The note memtomem shows for the frozen version.
pub(crate) const FORCE_NOTE: &str = "pre-overwrite snapshot (ctxgate force-save)";

/// Freezes `bytes` as the next version of the folder-layout artifact in `artifact_dir` (the
/// folder holding `agent.md` / `command.md`). The caller holds memtomem's name lock; this takes
/// `.versions.json.lock` itself. Returns the new tag (`v3`).
pub(crate) fn freeze_version(artifact_dir: &Path, bytes: &[u8], note: &str, now: SystemTime) -> io::Result<String> {
    let _ = (artifact_dir, bytes, note, now);
    Err(io::Error::other("memtomem versions are not written yet"))
}
