//! `wasi:filesystem/types.error-code` and its mapping from host I/O errors.

/// The cases of `error-code`, in WIT order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// `access`: permission denied.
    Access,
    /// `would-block`: the operation would block.
    WouldBlock,
    /// `already`: the operation is already in progress.
    Already,
    /// `bad-descriptor`: the descriptor is not valid for this.
    BadDescriptor,
    /// `busy`: the device or resource is busy.
    Busy,
    /// `deadlock`: the operation would deadlock.
    Deadlock,
    /// `quota`: a storage quota is exhausted.
    Quota,
    /// `exist`: the file exists.
    Exist,
    /// `file-too-large`: the file is too large.
    FileTooLarge,
    /// `illegal-byte-sequence`: invalid bytes for the encoding.
    IllegalByteSequence,
    /// `in-progress`: the operation is in progress.
    InProgress,
    /// `interrupted`: the operation was interrupted.
    Interrupted,
    /// `invalid`: an invalid argument.
    Invalid,
    /// `io`: an I/O error.
    Io,
    /// `is-directory`: the path names a directory.
    IsDirectory,
    /// `loop`: too many levels of symbolic links.
    Loop,
    /// `too-many-links`: too many hard links.
    TooManyLinks,
    /// `message-size`: the message is too large.
    MessageSize,
    /// `name-too-long`: a path component is too long.
    NameTooLong,
    /// `no-device`: no such device.
    NoDevice,
    /// `no-entry`: no such file or directory.
    NoEntry,
    /// `no-lock`: no lock is available.
    NoLock,
    /// `insufficient-memory`: out of memory.
    InsufficientMemory,
    /// `insufficient-space`: no space left on the device.
    InsufficientSpace,
    /// `not-directory`: a path component is not a directory.
    NotDirectory,
    /// `not-empty`: the directory is not empty.
    NotEmpty,
    /// `not-recoverable`: a state that cannot be recovered from.
    NotRecoverable,
    /// `unsupported`: not supported (by this host, or at all).
    Unsupported,
    /// `no-tty`: not a terminal.
    NoTty,
    /// `no-such-device`: no such device or address.
    NoSuchDevice,
    /// `overflow`: a value does not fit its type.
    Overflow,
    /// `not-permitted`: the operation is not permitted.
    NotPermitted,
    /// `pipe`: the other end of a pipe is closed.
    Pipe,
    /// `read-only`: a read-only filesystem.
    ReadOnly,
    /// `invalid-seek`: seeking is not possible here.
    InvalidSeek,
    /// `text-file-busy`: the file is being executed.
    TextFileBusy,
    /// `cross-device`: a link across filesystems.
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
    /// From the OS's own error number where there is one, since it tells
    /// apart what [`std::io::ErrorKind`] merges (`EACCES` and `EPERM`) or has
    /// no stable kind for (`ELOOP`); otherwise from the error's kind.
    fn from(e: &std::io::Error) -> Self {
        e.raw_os_error()
            .and_then(from_os_error)
            .unwrap_or_else(|| from_kind(e))
    }
}

impl From<std::io::Error> for ErrorCode {
    fn from(e: std::io::Error) -> Self {
        ErrorCode::from(&e)
    }
}

#[cfg(unix)]
fn from_os_error(code: i32) -> Option<ErrorCode> {
    use rustix::io::Errno;
    Some(match Errno::from_raw_os_error(code) {
        Errno::ACCESS => ErrorCode::Access,
        Errno::AGAIN => ErrorCode::WouldBlock,
        Errno::ALREADY => ErrorCode::Already,
        Errno::BADF => ErrorCode::BadDescriptor,
        Errno::BUSY => ErrorCode::Busy,
        Errno::DEADLK => ErrorCode::Deadlock,
        Errno::DQUOT => ErrorCode::Quota,
        Errno::EXIST => ErrorCode::Exist,
        Errno::FBIG => ErrorCode::FileTooLarge,
        Errno::ILSEQ => ErrorCode::IllegalByteSequence,
        Errno::INPROGRESS => ErrorCode::InProgress,
        Errno::INTR => ErrorCode::Interrupted,
        Errno::INVAL => ErrorCode::Invalid,
        Errno::IO => ErrorCode::Io,
        Errno::ISDIR => ErrorCode::IsDirectory,
        Errno::LOOP => ErrorCode::Loop,
        Errno::MLINK => ErrorCode::TooManyLinks,
        Errno::MSGSIZE => ErrorCode::MessageSize,
        Errno::NAMETOOLONG => ErrorCode::NameTooLong,
        Errno::NODEV => ErrorCode::NoDevice,
        Errno::NOENT => ErrorCode::NoEntry,
        Errno::NOLCK => ErrorCode::NoLock,
        Errno::NOMEM => ErrorCode::InsufficientMemory,
        Errno::NOSPC => ErrorCode::InsufficientSpace,
        Errno::NOTDIR => ErrorCode::NotDirectory,
        Errno::NOTEMPTY => ErrorCode::NotEmpty,
        Errno::NOTRECOVERABLE => ErrorCode::NotRecoverable,
        Errno::NOTSUP => ErrorCode::Unsupported,
        Errno::NOTTY => ErrorCode::NoTty,
        Errno::NXIO => ErrorCode::NoSuchDevice,
        Errno::OVERFLOW => ErrorCode::Overflow,
        Errno::PERM => ErrorCode::NotPermitted,
        Errno::PIPE => ErrorCode::Pipe,
        Errno::ROFS => ErrorCode::ReadOnly,
        Errno::SPIPE => ErrorCode::InvalidSeek,
        Errno::TXTBSY => ErrorCode::TextFileBusy,
        Errno::XDEV => ErrorCode::CrossDevice,
        // Equal to `NOTSUP` on some systems, so not a pattern of its own.
        other if other == Errno::OPNOTSUPP => ErrorCode::Unsupported,
        // Numbers with no WASI counterpart fall back to the error's kind.
        _ => return None,
    })
}

#[cfg(not(unix))]
fn from_os_error(_code: i32) -> Option<ErrorCode> {
    None
}

fn from_kind(e: &std::io::Error) -> ErrorCode {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => ErrorCode::NoEntry,
        // Without an OS number, this is cap-std refusing a path that would
        // leave its directory, which other WASI hosts report as
        // `not-permitted` too.
        ErrorKind::PermissionDenied if e.raw_os_error().is_none() => ErrorCode::NotPermitted,
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

#[cfg(all(test, unix))]
mod tests {
    use super::ErrorCode;

    #[test]
    fn os_numbers_win_over_kinds_and_refusals_are_not_permitted() {
        let os = |errno: rustix::io::Errno| std::io::Error::from_raw_os_error(errno.raw_os_error());
        assert_eq!(
            ErrorCode::from(os(rustix::io::Errno::ACCESS)),
            ErrorCode::Access
        );
        assert_eq!(
            ErrorCode::from(os(rustix::io::Errno::PERM)),
            ErrorCode::NotPermitted
        );
        assert_eq!(
            ErrorCode::from(os(rustix::io::Errno::LOOP)),
            ErrorCode::Loop
        );
        let refusal = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "escape");
        assert_eq!(ErrorCode::from(refusal), ErrorCode::NotPermitted);
        let unknown = std::io::Error::other("no number");
        assert_eq!(ErrorCode::from(unknown), ErrorCode::Io);
    }
}
