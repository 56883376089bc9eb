//! Path resolution: the sandbox of every `*-at` descriptor method.

use std::path::{Path, PathBuf};

use crate::wasi::error_code::ErrorCode;

/// Resolves a guest path against a directory without leaving it.
///
/// # Errors
/// `not-permitted` for an absolute path or one whose `..` climbs above `base`.
pub fn resolve(base: &Path, guest: &str) -> Result<PathBuf, ErrorCode> {
    if guest.starts_with('/') {
        return Err(ErrorCode::NotPermitted);
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in guest.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or(ErrorCode::NotPermitted)?;
            }
            name => parts.push(name),
        }
    }
    Ok(parts
        .iter()
        .fold(base.to_path_buf(), |path, part| path.join(part)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_may_not_leave_their_directory() {
        let base = Path::new("/sandbox");
        assert_eq!(
            resolve(base, "a/./b/../c").unwrap(),
            Path::new("/sandbox/a/c")
        );
        assert_eq!(resolve(base, "a/..").unwrap(), Path::new("/sandbox"));
        assert_eq!(resolve(base, "../etc"), Err(ErrorCode::NotPermitted));
        assert_eq!(resolve(base, "a/../../x"), Err(ErrorCode::NotPermitted));
        assert_eq!(resolve(base, "/etc/passwd"), Err(ErrorCode::NotPermitted));
    }
}
