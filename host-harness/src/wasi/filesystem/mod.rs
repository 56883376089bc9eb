//! `wasi:filesystem`: descriptors over the directories the user preopened.
//!
//! The guest sees only the directories passed with `--dir HOST::GUEST` (or
//! [`super::WasiCtxBuilder::preopened_dir`]). A directory descriptor holds a
//! [`cap_std::fs::Dir`], an open directory handle that is the capability to
//! reach what lies beneath it and nothing else: cap-std resolves every guest
//! path (`..`, absolute paths and symbolic links included, on each component
//! and at the moment of the system call, with `openat2(RESOLVE_BENEATH)` where
//! Linux has it) so that it cannot leave that directory. A path or symlink
//! that would leave it fails with `not-permitted`, as in other WASI hosts; a
//! symlink that stays inside works. This file holds the operations on the
//! descriptor itself; `path.rs` beside it holds those that name a path
//! (`open-at`, `stat-at`, ...), and `types.rs` the WIT records.

mod path;
mod types;

use std::fs::File;
use std::sync::Arc;

use cap_fs_ext::DirExt;
use cap_std::fs::{Dir, Metadata};

use super::error_code::ErrorCode;
use super::streams::{FilePosition, InputStream, OutputStream};

pub use types::{
    DescriptorFlags, DescriptorStat, DescriptorType, DirectoryEntryStream, NewTimestamp, OpenFlags,
};

/// The host object behind a `descriptor`.
#[derive(Debug)]
pub enum Descriptor {
    /// An open directory: the capability every `*-at` method resolves
    /// paths beneath. Shared because each `get-directories` call hands out
    /// another descriptor for the same preopen.
    Dir { dir: Arc<Dir> },
    /// An open file and the access it was opened with. The file was reached
    /// through a [`Dir`], and from here on only its handle is used, never a
    /// path, so renaming or relinking it cannot redirect later reads and writes.
    File {
        file: File,
        readable: bool,
        writable: bool,
    },
}

impl Descriptor {
    /// A descriptor for a preopened directory.
    pub fn preopen(dir: &Arc<Dir>) -> Descriptor {
        Descriptor::Dir {
            dir: Arc::clone(dir),
        }
    }

    fn dir(&self) -> Result<&Dir, ErrorCode> {
        match self {
            Descriptor::Dir { dir } => Ok(dir),
            Descriptor::File { .. } => Err(ErrorCode::NotDirectory),
        }
    }

    fn file(&self) -> Result<&File, ErrorCode> {
        match self {
            Descriptor::File { file, .. } => Ok(file),
            Descriptor::Dir { .. } => Err(ErrorCode::IsDirectory),
        }
    }

    fn metadata(&self) -> Result<Metadata, ErrorCode> {
        match self {
            Descriptor::Dir { dir } => Ok(dir.dir_metadata()?),
            Descriptor::File { file, .. } => Ok(Metadata::from_file(file)?),
        }
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
        Ok(DescriptorStat::of(&self.metadata()?))
    }

    /// `metadata-hash`: a value equal for descriptors naming the same object.
    pub fn metadata_hash(&self) -> Result<(u64, u64), ErrorCode> {
        Ok(identity(&self.metadata()?))
    }

    /// `set-times`.
    ///
    /// # Errors
    /// `invalid` for a timestamp the host cannot represent.
    pub fn set_times(
        &self,
        accessed: NewTimestamp,
        modified: NewTimestamp,
    ) -> Result<(), ErrorCode> {
        let accessed = accessed.to_spec()?;
        let modified = modified.to_spec()?;
        match self {
            Descriptor::Dir { dir } => Ok(dir.set_times(".", accessed, modified)?),
            Descriptor::File { file, .. } => {
                let mut times = std::fs::FileTimes::new();
                if let Some(time) = accessed {
                    times = times.set_accessed(absolute(time));
                }
                if let Some(time) = modified {
                    times = times.set_modified(absolute(time));
                }
                Ok(file.set_times(times)?)
            }
        }
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
        for entry in self.dir()?.entries()? {
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

    /// `is-same-object`.
    pub fn is_same_object(&self, other: &Descriptor) -> bool {
        match (self.metadata_hash(), other.metadata_hash()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

/// The point in time a [`cap_fs_ext::SystemTimeSpec`] stands for.
fn absolute(time: cap_fs_ext::SystemTimeSpec) -> std::time::SystemTime {
    match time {
        cap_fs_ext::SystemTimeSpec::SymbolicNow => std::time::SystemTime::now(),
        cap_fs_ext::SystemTimeSpec::Absolute(time) => time.into_std(),
    }
}

/// Identifies a file system object: its inode and device.
fn identity(meta: &Metadata) -> (u64, u64) {
    use cap_fs_ext::MetadataExt;
    (meta.ino(), meta.dev())
}

// Unix only: the tests make their symlinks with `std::os::unix`.
#[cfg(all(test, unix))]
mod tests;
