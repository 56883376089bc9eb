//! Where things are: the repository root and the read-only `../shared` data.
//!
//! Tests never copy shared data into the repository; they read it in place,
//! and `WEFT_SHARED_DIR` lets a checkout that keeps it elsewhere point at it.

use std::path::PathBuf;

/// Environment variable overriding the location of the shared data directory.
pub const SHARED_DIR_VAR: &str = "WEFT_SHARED_DIR";

/// The weft repository root (the parent of this crate).
pub fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The shared data directory: `$WEFT_SHARED_DIR`, else `<repo root>/../shared`.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os(SHARED_DIR_VAR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => repo_root().join("..").join("shared"),
    }
}

/// The root of every build the tests drive themselves: `<repo root>/target`.
///
/// Kept under the repository's own target directory (not `$CARGO_TARGET_DIR`)
/// so that guest builds are cached across runs whatever target dir the host
/// build uses.
pub fn test_target_root() -> PathBuf {
    repo_root().join("target")
}
