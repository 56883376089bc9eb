//! `wasi:random`: secure bytes from the host's entropy source, and a fast
//! insecure generator for `insecure` and `insecure-seed`.

use std::hash::{BuildHasher, Hasher};
use std::io::Read;

/// The most bytes one call returns: the guest picks the length, and the
/// host holds the bytes before the guest's `realloc` can refuse them.
pub const MAX_BYTES: u64 = 64 << 20;

/// A zeroed host buffer of the guest's chosen length, within [`MAX_BYTES`]
/// and allocated fallibly.
fn buffer(len: u64) -> std::io::Result<Vec<u8>> {
    if len > MAX_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{len} bytes requested, more than the {MAX_BYTES} one call may return"),
        ));
    }
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(len as usize)
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
    bytes.resize(len as usize, 0);
    Ok(bytes)
}

/// `random.get-random-bytes`: reads the host's entropy device.
///
/// # Errors
/// When the host has no entropy device to read, or `len` is beyond
/// [`MAX_BYTES`] or the host's memory.
pub fn secure_bytes(len: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = buffer(len)?;
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
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
/// When `len` is beyond [`MAX_BYTES`] or the host's memory.
pub fn insecure_bytes(len: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = buffer(len)?;
    for chunk in bytes.chunks_mut(8) {
        let word = insecure_u64().to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
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
        assert!(secure_bytes(MAX_BYTES + 1).is_err(), "beyond the cap");
        assert!(insecure_bytes(u64::MAX).is_err(), "never allocated");
        let a = secure_bytes(32).unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, secure_bytes(32).unwrap());
    }
}
