//! The records, enums and flags of `wasi:filesystem/types`, as host values,
//! and their conversions from what cap-std reports.

use std::collections::VecDeque;
use std::time::SystemTime;

use cap_fs_ext::{FileTypeExt, MetadataExt};
use cap_std::fs::{FileType, Metadata};

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

    pub(super) fn of(file_type: FileType) -> Self {
        if file_type.is_dir() {
            DescriptorType::Directory
        } else if file_type.is_file() {
            DescriptorType::RegularFile
        } else if file_type.is_symlink() {
            DescriptorType::SymbolicLink
        } else if file_type.is_block_device() {
            DescriptorType::BlockDevice
        } else if file_type.is_char_device() {
            DescriptorType::CharacterDevice
        } else if file_type.is_fifo() {
            DescriptorType::Fifo
        } else if file_type.is_socket() {
            DescriptorType::Socket
        } else {
            DescriptorType::Unknown
        }
    }
}

/// A `datetime`: seconds and nanoseconds since the Unix epoch.
pub type Datetime = (u64, u32);

/// `new-timestamp`: what `set-times(-at)` does to one timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewTimestamp {
    NoChange,
    Now,
    Timestamp(Datetime),
}

impl NewTimestamp {
    /// The time to set, `None` to leave the timestamp as it is.
    ///
    /// # Errors
    /// `invalid` for nanoseconds past a second or a time the host cannot hold.
    pub(super) fn to_spec(self) -> Result<Option<cap_fs_ext::SystemTimeSpec>, super::ErrorCode> {
        match self {
            NewTimestamp::NoChange => Ok(None),
            NewTimestamp::Now => Ok(Some(cap_fs_ext::SystemTimeSpec::SymbolicNow)),
            NewTimestamp::Timestamp((seconds, nanoseconds)) => {
                let time = system_time(seconds, nanoseconds).ok_or(super::ErrorCode::Invalid)?;
                Ok(Some(cap_fs_ext::SystemTimeSpec::Absolute(
                    cap_std::time::SystemTime::from_std(time),
                )))
            }
        }
    }
}

fn system_time(seconds: u64, nanoseconds: u32) -> Option<SystemTime> {
    if nanoseconds >= 1_000_000_000 {
        return None;
    }
    let since_epoch = std::time::Duration::new(seconds, nanoseconds);
    SystemTime::UNIX_EPOCH.checked_add(since_epoch)
}

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
        let to_datetime = |t: std::io::Result<cap_std::time::SystemTime>| {
            let since = t
                .ok()?
                .into_std()
                .duration_since(SystemTime::UNIX_EPOCH)
                .ok()?;
            Some((since.as_secs(), since.subsec_nanos()))
        };
        DescriptorStat {
            kind: DescriptorType::of(meta.file_type()),
            link_count: MetadataExt::nlink(meta),
            size: meta.len(),
            accessed: to_datetime(meta.accessed()),
            modified: to_datetime(meta.modified()),
            status_changed: status_changed(meta),
        }
    }
}

/// The inode's last status change (`ctime`), which only Unix hosts keep.
#[cfg(unix)]
fn status_changed(meta: &Metadata) -> Option<Datetime> {
    use cap_std::fs::MetadataExt as UnixMetadataExt;
    let seconds = u64::try_from(UnixMetadataExt::ctime(meta)).ok()?;
    let nanoseconds = u32::try_from(UnixMetadataExt::ctime_nsec(meta)).unwrap_or(0);
    Some((seconds, nanoseconds))
}

#[cfg(not(unix))]
fn status_changed(_meta: &Metadata) -> Option<Datetime> {
    None
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
