//! `wasi:random`: secure bytes from the host's entropy source, and a fast
//! insecure generator for `insecure` and `insecure-seed`.

use std::hash::{BuildHasher, Hasher};
use std::io::Read;

/// `random.get-random-bytes`: reads the host's entropy device.
///
/// # Errors
/// When the host has no entropy device to read, or cannot allocate `len`
/// bytes (the length comes from the guest).
pub fn secure_bytes(len: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = buffer(len)?;
    bytes.resize(len, 0);
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// An empty buffer with room for `len` bytes, or an error if the host
/// cannot allocate that much (never an abort).
fn buffer(len: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(len).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::OutOfMemory,
            format!("cannot allocate {len} random bytes: {e}"),
        )
    })?;
    Ok(bytes)
}

/// One insecure 64-bit value. std seeds every `RandomState` from the host's
/// entropy once per thread and then varies it, which is exactly the quality
/// `wasi:random/insecure` promises.
pub fn insecure_u64() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x9e37_79b9_7f4a_7c15);
    hasher.finish()
}

/// `insecure.get-insecure-random-bytes`.
///
/// # Errors
/// When the host cannot allocate `len` bytes.
pub fn insecure_bytes(len: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = buffer(len)?;
    while bytes.len() < len {
        let word = insecure_u64().to_le_bytes();
        let take = (len - bytes.len()).min(word.len());
        bytes.extend_from_slice(&word[..take]);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_bytes_have_the_requested_length_and_vary() {
        assert_eq!(insecure_bytes(13).unwrap().len(), 13);
        assert_ne!(insecure_bytes(32).unwrap(), insecure_bytes(32).unwrap());
        let a = secure_bytes(32).unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, secure_bytes(32).unwrap());
    }

    #[test]
    fn impossible_lengths_are_errors_not_aborts() {
        // Found by the component fuzzer: a guest asking for 2^63 bytes.
        let huge = usize::MAX / 2;
        let err = secure_bytes(huge).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::OutOfMemory);
        assert!(insecure_bytes(huge).is_err());
    }
}
