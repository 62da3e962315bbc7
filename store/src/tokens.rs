//! Version tokens (SPEC §2): the nanosecond mtime and the SHA-256 etag of a file's bytes.

use sha2::{Digest, Sha256};
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;

/// Nanoseconds since the epoch. `u128` so that every 20-digit client value parses; a value
/// no file can have simply never matches.
pub type MtimeNs = u128;

/// The file's modification time in nanoseconds; times before the epoch count as 0.
pub fn mtime_ns(meta: &Metadata) -> MtimeNs {
    let secs = meta.mtime();
    let nanos = meta.mtime_nsec();
    let total = i128::from(secs) * 1_000_000_000 + i128::from(nanos);
    u128::try_from(total).unwrap_or(0)
}

/// Lowercase hex SHA-256 of the bytes.
pub fn etag_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_is_lowercase_sha256() {
        assert_eq!(etag_of(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
