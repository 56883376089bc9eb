//! The records, enums and flags of `wasi:filesystem/types`, as host values.

use std::collections::VecDeque;
use std::fs::Metadata;

/// `descriptor-type`, in WIT order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DescriptorType {
    Unknown,
    BlockDevice,
    CharacterDevice,
    Directory,
    Fifo,
    SymbolicLink,
    RegularFile,
    Socket,
}

impl DescriptorType {
    /// The case's name in the WIT enum.
    pub fn wit_name(self) -> &'static str {
        match self {
            DescriptorType::Unknown => "unknown",
            DescriptorType::BlockDevice => "block-device",
            DescriptorType::CharacterDevice => "character-device",
            DescriptorType::Directory => "directory",
            DescriptorType::Fifo => "fifo",
            DescriptorType::SymbolicLink => "symbolic-link",
            DescriptorType::RegularFile => "regular-file",
            DescriptorType::Socket => "socket",
        }
    }

    pub(super) fn of(file_type: std::fs::FileType) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_block_device() {
                return DescriptorType::BlockDevice;
            }
            if file_type.is_char_device() {
                return DescriptorType::CharacterDevice;
            }
            if file_type.is_fifo() {
                return DescriptorType::Fifo;
            }
            if file_type.is_socket() {
                return DescriptorType::Socket;
            }
        }
        if file_type.is_dir() {
            DescriptorType::Directory
        } else if file_type.is_file() {
            DescriptorType::RegularFile
        } else if file_type.is_symlink() {
            DescriptorType::SymbolicLink
        } else {
            DescriptorType::Unknown
        }
    }
}

/// A `datetime`: seconds and nanoseconds since the Unix epoch.
pub type Datetime = (u64, u32);

/// `descriptor-stat`.
#[derive(Debug, Clone)]
pub struct DescriptorStat {
    pub kind: DescriptorType,
    pub link_count: u64,
    pub size: u64,
    pub accessed: Option<Datetime>,
    pub modified: Option<Datetime>,
    pub status_changed: Option<Datetime>,
}

impl DescriptorStat {
    pub(super) fn of(meta: &Metadata) -> Self {
        let to_datetime = |t: std::io::Result<std::time::SystemTime>| {
            let since = t.ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
            Some((since.as_secs(), since.subsec_nanos()))
        };
        #[cfg(unix)]
        let (link_count, status_changed) = {
            use std::os::unix::fs::MetadataExt;
            let ctime = u64::try_from(meta.ctime())
                .ok()
                .map(|s| (s, u32::try_from(meta.ctime_nsec()).unwrap_or(0)));
            (meta.nlink(), ctime)
        };
        #[cfg(not(unix))]
        let (link_count, status_changed) = (1, None);
        DescriptorStat {
            kind: DescriptorType::of(meta.file_type()),
            link_count,
            size: meta.len(),
            accessed: to_datetime(meta.accessed()),
            modified: to_datetime(meta.modified()),
            status_changed,
        }
    }
}

/// `open-flags` as booleans.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenFlags {
    pub create: bool,
    pub directory: bool,
    pub exclusive: bool,
    pub truncate: bool,
}

/// The subset of `descriptor-flags` the host honours.
#[derive(Debug, Clone, Copy, Default)]
pub struct DescriptorFlags {
    pub read: bool,
    pub write: bool,
    pub mutate_directory: bool,
}

/// The entries of a directory, read once when the stream is created.
#[derive(Debug, Default)]
pub struct DirectoryEntryStream {
    pub entries: VecDeque<(DescriptorType, String)>,
}
