//! Reading version tokens (docs/API.md, "Conventions") off files: the nanosecond mtime and the
//! SHA-256 etag.

use model::{Etag, MtimeNs};
use sha2::{Digest, Sha256};
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;

/// The file's modification time in nanoseconds; times before the epoch count as 0.
pub fn mtime_ns(meta: &Metadata) -> MtimeNs {
    let secs = meta.mtime();
    let nanos = meta.mtime_nsec();
    let total = i128::from(secs) * 1_000_000_000 + i128::from(nanos);
    MtimeNs(u128::try_from(total).unwrap_or(0))
}

/// Lowercase hex SHA-256 of the bytes.
pub fn etag_of(bytes: &[u8]) -> Etag {
    Etag::from_digest(&Sha256::digest(bytes).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_is_lowercase_sha256() {
        assert_eq!(etag_of(b"abc").as_str(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
