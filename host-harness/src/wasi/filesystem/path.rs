//! The `descriptor` methods that name a path relative to a directory.
//!
//! Each one hands the guest's path, untouched, to a cap-std call on the
//! directory's [`Dir`]; cap-std is what keeps the path beneath it. There is
//! deliberately no path handling of our own here: a check made on a path
//! string before the system call can be raced by a guest (or another
//! process) that swaps a symlink in between, while cap-std resolves
//! relative to open directory handles at the moment of the call.

use std::path::Path;
use std::sync::Arc;

use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};
use cap_std::fs::{Dir, Metadata, OpenOptions};

use super::{
    Descriptor, DescriptorFlags, DescriptorStat, ErrorCode, NewTimestamp, OpenFlags, identity,
};

impl Descriptor {
    /// `open-at`; `follow` is the `symlink-follow` path flag, which says
    /// whether a symlink as the last component is followed (one met earlier
    /// on the path always is, within the directory).
    ///
    /// # Errors
    /// `invalid` for `directory` with `create`, `exclusive` or `truncate`;
    /// `not-directory` for `directory` on something else; `loop` for a
    /// symlink last component without `follow`; `not-permitted` for a path
    /// that leaves the directory.
    pub fn open_at(
        &self,
        path: &str,
        follow: bool,
        open: OpenFlags,
        flags: DescriptorFlags,
    ) -> Result<Descriptor, ErrorCode> {
        let dir = self.dir()?;
        if open.directory && (open.create || open.exclusive || open.truncate) {
            return Err(ErrorCode::Invalid);
        }
        // Creating or truncating needs write access from the host, as in
        // POSIX `open`; the descriptor then reports that access.
        let writable = flags.write || open.create || open.truncate;
        let readable = flags.read || !writable;
        let mut options = OpenOptions::new();
        options
            .read(readable)
            .write(writable)
            .create(open.create && !open.exclusive)
            .create_new(open.create && open.exclusive)
            .truncate(open.truncate)
            .maybe_dir(true)
            .follow(if follow {
                FollowSymlinks::Yes
            } else {
                FollowSymlinks::No
            });
        let file = dir.open_with(path, &options)?;
        if file.metadata()?.is_dir() {
            let dir = Dir::from_std_file(file.into_std());
            return Ok(Descriptor::Dir { dir: Arc::new(dir) });
        }
        if open.directory {
            return Err(ErrorCode::NotDirectory);
        }
        Ok(Descriptor::File {
            file: file.into_std(),
            readable,
            writable,
        })
    }

    /// `stat-at`; `follow` is the `symlink-follow` path flag.
    pub fn stat_at(&self, path: &str, follow: bool) -> Result<DescriptorStat, ErrorCode> {
        Ok(DescriptorStat::of(&self.metadata_at(path, follow)?))
    }

    /// `metadata-hash-at`.
    pub fn metadata_hash_at(&self, path: &str, follow: bool) -> Result<(u64, u64), ErrorCode> {
        Ok(identity(&self.metadata_at(path, follow)?))
    }

    fn metadata_at(&self, path: &str, follow: bool) -> Result<Metadata, ErrorCode> {
        let dir = self.dir()?;
        let meta = if follow {
            dir.metadata(path)?
        } else {
            dir.symlink_metadata(path)?
        };
        Ok(meta)
    }

    /// `set-times-at`; `follow` is the `symlink-follow` path flag.
    pub fn set_times_at(
        &self,
        path: &str,
        follow: bool,
        accessed: NewTimestamp,
        modified: NewTimestamp,
    ) -> Result<(), ErrorCode> {
        let dir = self.dir()?;
        let (accessed, modified) = (accessed.to_spec()?, modified.to_spec()?);
        if follow {
            Ok(dir.set_times(path, accessed, modified)?)
        } else {
            Ok(dir.set_symlink_times(path, accessed, modified)?)
        }
    }

    /// `create-directory-at`.
    pub fn create_directory_at(&self, path: &str) -> Result<(), ErrorCode> {
        Ok(self.dir()?.create_dir(path)?)
    }

    /// `remove-directory-at`.
    pub fn remove_directory_at(&self, path: &str) -> Result<(), ErrorCode> {
        Ok(self.dir()?.remove_dir(path)?)
    }

    /// `unlink-file-at`.
    pub fn unlink_file_at(&self, path: &str) -> Result<(), ErrorCode> {
        Ok(self.dir()?.remove_file_or_symlink(path)?)
    }

    /// `readlink-at`.
    ///
    /// # Errors
    /// `not-permitted` for a link whose contents are an absolute path, as
    /// the WIT documents: the guest learns nothing of the host's layout.
    pub fn readlink_at(&self, path: &str) -> Result<String, ErrorCode> {
        let link = self.dir()?.read_link(path)?;
        link.into_os_string()
            .into_string()
            .map_err(|_| ErrorCode::IllegalByteSequence)
    }

    /// `symlink-at`: creates `new_path` holding `old_path`.
    ///
    /// # Errors
    /// `not-permitted` when `old_path` is absolute. A relative `old_path`
    /// that climbs out is stored as written, since following it fails.
    pub fn symlink_at(&self, old_path: &str, new_path: &str) -> Result<(), ErrorCode> {
        Ok(self.dir()?.symlink(Path::new(old_path), new_path)?)
    }

    /// `rename-at`, with `to` the destination directory.
    pub fn rename_at(&self, from: &str, to: &Descriptor, to_path: &str) -> Result<(), ErrorCode> {
        Ok(self.dir()?.rename(from, to.dir()?, to_path)?)
    }

    /// `link-at`, with `to` the destination directory.
    pub fn link_at(&self, from: &str, to: &Descriptor, to_path: &str) -> Result<(), ErrorCode> {
        Ok(self.dir()?.hard_link(from, to.dir()?, to_path)?)
    }
}
