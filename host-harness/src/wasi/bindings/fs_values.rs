//! The records, flags, enums and variants of `wasi:filesystem/types` as
//! [`ComponentValue`]s: the backend's own types where they match the WIT
//! shape, and small binding-side types where the backend keeps a plainer
//! form (a `datetime` as a pair, a hash as a pair, path flags as a `bool`).

use super::values::{Datetime, bad_value, wit_enum, wit_flags, wit_record};
use crate::wasi::error_code::ErrorCode;
use crate::wasi::filesystem::{self, DescriptorFlags, DescriptorStat, DescriptorType, OpenFlags};
use crate::{ComponentValue, Error, Type, Val};

wit_enum!(ErrorCode, "error-code" {
    Access, WouldBlock, Already, BadDescriptor, Busy, Deadlock, Quota, Exist, FileTooLarge,
    IllegalByteSequence, InProgress, Interrupted, Invalid, Io, IsDirectory, Loop, TooManyLinks,
    MessageSize, NameTooLong, NoDevice, NoEntry, NoLock, InsufficientMemory, InsufficientSpace,
    NotDirectory, NotEmpty, NotRecoverable, Unsupported, NoTty, NoSuchDevice, Overflow,
    NotPermitted, Pipe, ReadOnly, InvalidSeek, TextFileBusy, CrossDevice,
});

wit_enum!(DescriptorType, "descriptor-type" {
    Unknown, BlockDevice, CharacterDevice, Directory, Fifo, SymbolicLink, RegularFile, Socket,
});

wit_flags!(DescriptorFlags, "descriptor-flags" {
    read: "read",
    write: "write",
    mutate_directory: "mutate-directory",
});

wit_flags!(OpenFlags, "open-flags" {
    create: "create",
    directory: "directory",
    exclusive: "exclusive",
    truncate: "truncate",
});

/// `path-flags`: whether a path's last symlink is followed.
#[derive(Clone, Copy)]
pub(super) struct PathFlags {
    pub(super) symlink_follow: bool,
}

wit_flags!(PathFlags, "path-flags" {
    symlink_follow: "symlink-follow",
});

/// `advice`: accepted and ignored, as the interface allows.
#[derive(Clone, Copy)]
pub(super) enum Advice {
    Normal,
    Sequential,
    Random,
    WillNeed,
    DontNeed,
    NoReuse,
}

impl Advice {
    fn wit_name(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Sequential => "sequential",
            Self::Random => "random",
            Self::WillNeed => "will-need",
            Self::DontNeed => "dont-need",
            Self::NoReuse => "no-reuse",
        }
    }
}

wit_enum!(Advice, "advice" {
    Normal, Sequential, Random, WillNeed, DontNeed, NoReuse,
});

/// `descriptor-stat`.
pub(super) struct Stat {
    kind: DescriptorType,
    link_count: u64,
    size: u64,
    data_access_timestamp: Option<Datetime>,
    data_modification_timestamp: Option<Datetime>,
    status_change_timestamp: Option<Datetime>,
}

wit_record!(Stat, "descriptor-stat" {
    kind: "type",
    link_count: "link-count",
    size: "size",
    data_access_timestamp: "data-access-timestamp",
    data_modification_timestamp: "data-modification-timestamp",
    status_change_timestamp: "status-change-timestamp",
});

impl From<DescriptorStat> for Stat {
    fn from(s: DescriptorStat) -> Self {
        Self {
            kind: s.kind,
            link_count: s.link_count,
            size: s.size,
            data_access_timestamp: s.accessed.map(Datetime::from),
            data_modification_timestamp: s.modified.map(Datetime::from),
            status_change_timestamp: s.status_changed.map(Datetime::from),
        }
    }
}

/// `metadata-hash-value`.
pub(super) struct MetadataHash {
    lower: u64,
    upper: u64,
}

wit_record!(MetadataHash, "metadata-hash-value" {
    lower: "lower",
    upper: "upper",
});

impl From<(u64, u64)> for MetadataHash {
    fn from((lower, upper): (u64, u64)) -> Self {
        Self { lower, upper }
    }
}

/// `directory-entry`.
pub(super) struct DirectoryEntry {
    pub(super) kind: DescriptorType,
    pub(super) name: String,
}

wit_record!(DirectoryEntry, "directory-entry" {
    kind: "type",
    name: "name",
});

/// `new-timestamp` as the guest passes it; the backend's
/// [`filesystem::NewTimestamp`] is what `set-times(-at)` act on.
pub(super) enum NewTimestamp {
    NoChange,
    Now,
    Timestamp(Datetime),
}

impl From<NewTimestamp> for filesystem::NewTimestamp {
    fn from(t: NewTimestamp) -> Self {
        match t {
            NewTimestamp::NoChange => Self::NoChange,
            NewTimestamp::Now => Self::Now,
            NewTimestamp::Timestamp(t) => Self::Timestamp((t.seconds, t.nanoseconds)),
        }
    }
}

const NO_CHANGE: &str = "no-change";
const NOW: &str = "now";
const TIMESTAMP: &str = "timestamp";

impl ComponentValue for NewTimestamp {
    fn typecheck(ty: &Type) -> bool {
        match ty {
            Type::Variant(cases) => match &cases[..] {
                [(no_change, None), (now, None), (timestamp, Some(t))] => {
                    no_change == NO_CHANGE
                        && now == NOW
                        && timestamp == TIMESTAMP
                        && Datetime::typecheck(t)
                }
                _ => false,
            },
            _ => false,
        }
    }

    fn into_val(self) -> Val {
        match self {
            Self::NoChange => Val::Variant(NO_CHANGE.into(), None),
            Self::Now => Val::Variant(NOW.into(), None),
            Self::Timestamp(t) => Val::Variant(TIMESTAMP.into(), Some(Box::new(t.into_val()))),
        }
    }

    fn from_val(val: Val) -> Result<Self, Error> {
        match val {
            Val::Variant(case, None) if case == NO_CHANGE => Ok(Self::NoChange),
            Val::Variant(case, None) if case == NOW => Ok(Self::Now),
            Val::Variant(case, Some(t)) if case == TIMESTAMP => {
                Ok(Self::Timestamp(Datetime::from_val(*t)?))
            }
            other => Err(bad_value("new-timestamp", &other)),
        }
    }

    fn describe() -> String {
        "new-timestamp".into()
    }
}
