//! `wasi:filesystem/types.error-code` and its mapping from host I/O errors.

/// The cases of `error-code`, in WIT order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Access,
    WouldBlock,
    Already,
    BadDescriptor,
    Busy,
    Deadlock,
    Quota,
    Exist,
    FileTooLarge,
    IllegalByteSequence,
    InProgress,
    Interrupted,
    Invalid,
    Io,
    IsDirectory,
    Loop,
    TooManyLinks,
    MessageSize,
    NameTooLong,
    NoDevice,
    NoEntry,
    NoLock,
    InsufficientMemory,
    InsufficientSpace,
    NotDirectory,
    NotEmpty,
    NotRecoverable,
    Unsupported,
    NoTty,
    NoSuchDevice,
    Overflow,
    NotPermitted,
    Pipe,
    ReadOnly,
    InvalidSeek,
    TextFileBusy,
    CrossDevice,
}

impl ErrorCode {
    /// The case's name in the WIT enum.
    pub fn wit_name(self) -> &'static str {
        match self {
            ErrorCode::Access => "access",
            ErrorCode::WouldBlock => "would-block",
            ErrorCode::Already => "already",
            ErrorCode::BadDescriptor => "bad-descriptor",
            ErrorCode::Busy => "busy",
            ErrorCode::Deadlock => "deadlock",
            ErrorCode::Quota => "quota",
            ErrorCode::Exist => "exist",
            ErrorCode::FileTooLarge => "file-too-large",
            ErrorCode::IllegalByteSequence => "illegal-byte-sequence",
            ErrorCode::InProgress => "in-progress",
            ErrorCode::Interrupted => "interrupted",
            ErrorCode::Invalid => "invalid",
            ErrorCode::Io => "io",
            ErrorCode::IsDirectory => "is-directory",
            ErrorCode::Loop => "loop",
            ErrorCode::TooManyLinks => "too-many-links",
            ErrorCode::MessageSize => "message-size",
            ErrorCode::NameTooLong => "name-too-long",
            ErrorCode::NoDevice => "no-device",
            ErrorCode::NoEntry => "no-entry",
            ErrorCode::NoLock => "no-lock",
            ErrorCode::InsufficientMemory => "insufficient-memory",
            ErrorCode::InsufficientSpace => "insufficient-space",
            ErrorCode::NotDirectory => "not-directory",
            ErrorCode::NotEmpty => "not-empty",
            ErrorCode::NotRecoverable => "not-recoverable",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::NoTty => "no-tty",
            ErrorCode::NoSuchDevice => "no-such-device",
            ErrorCode::Overflow => "overflow",
            ErrorCode::NotPermitted => "not-permitted",
            ErrorCode::Pipe => "pipe",
            ErrorCode::ReadOnly => "read-only",
            ErrorCode::InvalidSeek => "invalid-seek",
            ErrorCode::TextFileBusy => "text-file-busy",
            ErrorCode::CrossDevice => "cross-device",
        }
    }
}

impl From<&std::io::Error> for ErrorCode {
    fn from(e: &std::io::Error) -> Self {
        use std::io::ErrorKind;
        match e.kind() {
            ErrorKind::NotFound => ErrorCode::NoEntry,
            ErrorKind::PermissionDenied => ErrorCode::Access,
            ErrorKind::AlreadyExists => ErrorCode::Exist,
            ErrorKind::WouldBlock => ErrorCode::WouldBlock,
            ErrorKind::InvalidInput | ErrorKind::InvalidFilename => ErrorCode::Invalid,
            ErrorKind::Interrupted => ErrorCode::Interrupted,
            ErrorKind::Unsupported => ErrorCode::Unsupported,
            ErrorKind::OutOfMemory => ErrorCode::InsufficientMemory,
            ErrorKind::NotADirectory => ErrorCode::NotDirectory,
            ErrorKind::IsADirectory => ErrorCode::IsDirectory,
            ErrorKind::DirectoryNotEmpty => ErrorCode::NotEmpty,
            ErrorKind::ReadOnlyFilesystem => ErrorCode::ReadOnly,
            ErrorKind::StorageFull => ErrorCode::InsufficientSpace,
            ErrorKind::FileTooLarge => ErrorCode::FileTooLarge,
            ErrorKind::ResourceBusy => ErrorCode::Busy,
            ErrorKind::CrossesDevices => ErrorCode::CrossDevice,
            ErrorKind::TooManyLinks => ErrorCode::TooManyLinks,
            ErrorKind::Deadlock => ErrorCode::Deadlock,
            ErrorKind::BrokenPipe => ErrorCode::Pipe,
            ErrorKind::NotSeekable => ErrorCode::InvalidSeek,
            ErrorKind::ExecutableFileBusy => ErrorCode::TextFileBusy,
            ErrorKind::QuotaExceeded => ErrorCode::Quota,
            // `ErrorKind` is non-exhaustive: everything else is a plain I/O failure.
            _ => ErrorCode::Io,
        }
    }
}

impl From<std::io::Error> for ErrorCode {
    fn from(e: std::io::Error) -> Self {
        ErrorCode::from(&e)
    }
}
