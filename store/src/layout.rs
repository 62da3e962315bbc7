//! Where artifacts live on disk (docs/USING.md, "Next to memtomem").

use model::Kind;
use std::path::{Path, PathBuf};

/// A located artifact's working file: `file` is absolute (under the root), `relative` is what
/// the API shows (`.memtomem/...`).
#[derive(Debug, Clone)]
pub struct Located {
    pub file: PathBuf,
    pub relative: String,
}

pub(crate) fn type_dir(memtomem: &Path, kind: Kind) -> PathBuf {
    memtomem.join(kind.plural())
}

pub(crate) fn folder_path(memtomem: &Path, kind: Kind, name: &str) -> PathBuf {
    type_dir(memtomem, kind).join(name)
}

pub(crate) fn folder_file_path(memtomem: &Path, kind: Kind, name: &str) -> PathBuf {
    folder_path(memtomem, kind, name).join(kind.folder_file())
}

pub(crate) fn flat_file_path(memtomem: &Path, kind: Kind, name: &str) -> PathBuf {
    type_dir(memtomem, kind).join(format!("{name}.md"))
}

pub(crate) fn relative_folder_file(kind: Kind, name: &str) -> String {
    format!(".memtomem/{}/{}/{}", kind.plural(), name, kind.folder_file())
}

pub(crate) fn relative_flat_file(kind: Kind, name: &str) -> String {
    format!(".memtomem/{}/{}.md", kind.plural(), name)
}

/// Finds the artifact's working file, following symlinks. The folder layout wins when both exist.
/// `name` must already be validated.
pub fn locate(memtomem: &Path, kind: Kind, name: &str) -> Option<Located> {
    let folder_file = folder_file_path(memtomem, kind, name);
    if folder_file.is_file() {
        return Some(Located { file: folder_file, relative: relative_folder_file(kind, name) });
    }
    if kind.has_flat_layout() {
        let flat = flat_file_path(memtomem, kind, name);
        if flat.is_file() {
            return Some(Located { file: flat, relative: relative_flat_file(kind, name) });
        }
    }
    None
}
