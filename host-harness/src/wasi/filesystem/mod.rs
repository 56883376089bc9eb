//! `wasi:filesystem`: descriptors over the directories the user preopened.
//!
//! The guest sees only the directories passed with `--dir HOST::GUEST` (or
//! [`super::WasiCtxBuilder::preopened_dir`]). Every path it names is resolved
//! relative to a descriptor and may not climb above it: absolute paths and
//! `..` past the descriptor's root are refused with `not-permitted`.
//! Symbolic links inside a preopened directory are followed by the host as-is,
//! so the sandbox is only as strong as the directory tree the user passed.

mod path;
mod types;

use std::fs::{File, Metadata, OpenOptions};
use std::path::{Path, PathBuf};

use super::error_code::ErrorCode;
use super::streams::{FilePosition, InputStream, OutputStream};

pub use path::resolve;
pub use types::{DescriptorFlags, DescriptorStat, DescriptorType, DirectoryEntryStream, OpenFlags};

/// The host object behind a `descriptor`.
#[derive(Debug)]
pub enum Descriptor {
    /// A directory, named by its host path.
    Dir { path: PathBuf },
    /// An open file and the access it was opened with.
    File {
        file: File,
        path: PathBuf,
        readable: bool,
        writable: bool,
    },
}

impl Descriptor {
    /// The host path this descriptor names.
    pub fn path(&self) -> &Path {
        match self {
            Descriptor::Dir { path } | Descriptor::File { path, .. } => path,
        }
    }

    fn dir_path(&self) -> Result<&Path, ErrorCode> {
        match self {
            Descriptor::Dir { path } => Ok(path),
            Descriptor::File { .. } => Err(ErrorCode::NotDirectory),
        }
    }

    fn file(&self) -> Result<&File, ErrorCode> {
        match self {
            Descriptor::File { file, .. } => Ok(file),
            Descriptor::Dir { .. } => Err(ErrorCode::IsDirectory),
        }
    }

    /// `open-at`.
    pub fn open_at(
        &self,
        path: &str,
        open: OpenFlags,
        flags: DescriptorFlags,
    ) -> Result<Descriptor, ErrorCode> {
        let target = resolve(self.dir_path()?, path)?;
        let is_dir = std::fs::metadata(&target).map(|m| m.is_dir());
        if open.directory || (matches!(is_dir, Ok(true)) && !open.create && !flags.write) {
            if open.create && !target.exists() {
                std::fs::create_dir(&target)?;
            } else if !std::fs::metadata(&target)?.is_dir() {
                return Err(ErrorCode::NotDirectory);
            }
            return Ok(Descriptor::Dir { path: target });
        }
        let readable = flags.read || !flags.write;
        let file = OpenOptions::new()
            .read(readable)
            .write(flags.write)
            .create(open.create && !open.exclusive)
            .create_new(open.create && open.exclusive)
            .truncate(open.truncate)
            .open(&target)?;
        Ok(Descriptor::File {
            file,
            path: target,
            readable,
            writable: flags.write,
        })
    }

    /// `get-flags`.
    pub fn flags(&self) -> DescriptorFlags {
        match self {
            Descriptor::Dir { .. } => DescriptorFlags {
                read: true,
                write: false,
                mutate_directory: true,
            },
            Descriptor::File {
                readable, writable, ..
            } => DescriptorFlags {
                read: *readable,
                write: *writable,
                mutate_directory: false,
            },
        }
    }

    /// `stat`.
    pub fn stat(&self) -> Result<DescriptorStat, ErrorCode> {
        let meta = match self {
            Descriptor::Dir { path } => std::fs::metadata(path)?,
            Descriptor::File { file, .. } => file.metadata()?,
        };
        Ok(DescriptorStat::of(&meta))
    }

    /// `stat-at`; `follow` is the `symlink-follow` path flag.
    pub fn stat_at(&self, path: &str, follow: bool) -> Result<DescriptorStat, ErrorCode> {
        let target = resolve(self.dir_path()?, path)?;
        let meta = if follow {
            std::fs::metadata(target)?
        } else {
            std::fs::symlink_metadata(target)?
        };
        Ok(DescriptorStat::of(&meta))
    }

    /// `metadata-hash`: a value equal for descriptors naming the same object.
    pub fn metadata_hash(&self) -> Result<(u64, u64), ErrorCode> {
        let meta = match self {
            Descriptor::Dir { path } => std::fs::metadata(path)?,
            Descriptor::File { file, .. } => file.metadata()?,
        };
        Ok(identity(&meta, self.path()))
    }

    /// `metadata-hash-at`.
    pub fn metadata_hash_at(&self, path: &str, follow: bool) -> Result<(u64, u64), ErrorCode> {
        let target = resolve(self.dir_path()?, path)?;
        let meta = if follow {
            std::fs::metadata(&target)?
        } else {
            std::fs::symlink_metadata(&target)?
        };
        Ok(identity(&meta, &target))
    }

    /// `read-via-stream`.
    pub fn read_via_stream(&self, offset: u64) -> Result<InputStream, ErrorCode> {
        let file = self.file()?.try_clone()?;
        Ok(InputStream::File { file, offset })
    }

    /// `write-via-stream` and `append-via-stream` (`offset` `None`).
    pub fn write_via_stream(&self, offset: Option<u64>) -> Result<OutputStream, ErrorCode> {
        if !self.flags().write {
            return Err(ErrorCode::BadDescriptor);
        }
        let file = self.file()?.try_clone()?;
        let position = offset.map_or(FilePosition::Append, FilePosition::At);
        Ok(OutputStream::File { file, position })
    }

    /// `read`: up to `length` bytes at `offset`, and whether the end was reached.
    pub fn read(&self, length: u64, offset: u64) -> Result<(Vec<u8>, bool), ErrorCode> {
        let mut stream = self.read_via_stream(offset)?;
        match stream.read(length) {
            Ok(bytes) => {
                let end = (bytes.len() as u64) < length;
                Ok((bytes, end))
            }
            Err(super::streams::StreamError::Closed) => Ok((Vec::new(), true)),
            Err(super::streams::StreamError::LastOperationFailed(_)) => Err(ErrorCode::Io),
        }
    }

    /// `write`: how many bytes were written at `offset`.
    pub fn write(&self, bytes: &[u8], offset: u64) -> Result<u64, ErrorCode> {
        let mut stream = self.write_via_stream(Some(offset))?;
        stream.write(bytes).map_err(|_| ErrorCode::Io)?;
        Ok(bytes.len() as u64)
    }

    /// `set-size`.
    pub fn set_size(&self, size: u64) -> Result<(), ErrorCode> {
        Ok(self.file()?.set_len(size)?)
    }

    /// `sync` and `sync-data`.
    pub fn sync(&self) -> Result<(), ErrorCode> {
        match self {
            Descriptor::File { file, .. } => Ok(file.sync_all()?),
            Descriptor::Dir { .. } => Ok(()),
        }
    }

    /// `read-directory`.
    pub fn read_directory(&self) -> Result<DirectoryEntryStream, ErrorCode> {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(self.dir_path()?)? {
            let entry = entry?;
            let kind = entry
                .file_type()
                .map_or(DescriptorType::Unknown, DescriptorType::of);
            let name = entry
                .file_name()
                .into_string()
                .map_err(|_| ErrorCode::IllegalByteSequence)?;
            entries.push((kind, name));
        }
        entries.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(DirectoryEntryStream {
            entries: entries.into(),
        })
    }

    /// `create-directory-at`.
    pub fn create_directory_at(&self, path: &str) -> Result<(), ErrorCode> {
        Ok(std::fs::create_dir(resolve(self.dir_path()?, path)?)?)
    }

    /// `remove-directory-at`.
    pub fn remove_directory_at(&self, path: &str) -> Result<(), ErrorCode> {
        Ok(std::fs::remove_dir(resolve(self.dir_path()?, path)?)?)
    }

    /// `unlink-file-at`.
    pub fn unlink_file_at(&self, path: &str) -> Result<(), ErrorCode> {
        Ok(std::fs::remove_file(resolve(self.dir_path()?, path)?)?)
    }

    /// `readlink-at`.
    pub fn readlink_at(&self, path: &str) -> Result<String, ErrorCode> {
        let link = std::fs::read_link(resolve(self.dir_path()?, path)?)?;
        link.into_os_string()
            .into_string()
            .map_err(|_| ErrorCode::IllegalByteSequence)
    }

    /// `rename-at`, with `to` the destination directory.
    pub fn rename_at(&self, from: &str, to: &Descriptor, to_path: &str) -> Result<(), ErrorCode> {
        let source = resolve(self.dir_path()?, from)?;
        let target = resolve(to.dir_path()?, to_path)?;
        Ok(std::fs::rename(source, target)?)
    }

    /// `link-at`, with `to` the destination directory.
    pub fn link_at(&self, from: &str, to: &Descriptor, to_path: &str) -> Result<(), ErrorCode> {
        let source = resolve(self.dir_path()?, from)?;
        let target = resolve(to.dir_path()?, to_path)?;
        Ok(std::fs::hard_link(source, target)?)
    }

    /// `is-same-object`.
    pub fn is_same_object(&self, other: &Descriptor) -> bool {
        match (self.metadata_hash(), other.metadata_hash()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

/// Identifies a file system object: device and inode where the host has them.
fn identity(meta: &Metadata, path: &Path) -> (u64, u64) {
    #[cfg(unix)]
    {
        let _ = path;
        use std::os::unix::fs::MetadataExt;
        (meta.ino(), meta.dev())
    }
    #[cfg(not(unix))]
    {
        use std::hash::{Hash, Hasher};
        let _ = meta;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        path.hash(&mut hasher);
        (hasher.finish(), 0)
    }
}
