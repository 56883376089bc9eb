//! The crate's single error type and one error enum per subsystem.
//!
//! [`Error`] is a boxed [`ErrorKind`] so results stay one word wide. Loading
//! (`translate`), linking (`runtime::linker`), calling (`runtime::func`) and
//! guest traps each have their own enum or struct so that a caller can tell
//! "your file is broken" from "your guest trapped" without string matching.

use std::fmt;

/// The error returned by every fallible operation of this crate.
pub struct Error {
    kind: Box<ErrorKind>,
}

/// What went wrong, by subsystem.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The bytes are not a valid component.
    Load(LoadError),
    /// Imports could not be satisfied or a definition clashed.
    Link(LinkError),
    /// A call was made with the wrong function, arguments or results.
    Call(CallError),
    /// The guest (or the canonical ABI on its behalf) trapped.
    Trap(Trap),
    /// The guest asked to exit the process (e.g. `wasi:cli/exit`).
    Exit(i32),
    /// An error raised by host code, e.g. a host function.
    Host(String),
}

/// Why a component failed to load.
#[derive(Debug)]
#[non_exhaustive]
pub enum LoadError {
    /// The binary failed to parse or validate.
    Invalid(String),
    /// The bytes are a core module, not a component.
    CoreModule,
    /// A core module inside the component was rejected by the core engine.
    CoreCompile(String),
    /// A valid construct this harness does not implement yet.
    Unsupported(String),
}

/// Why instantiation could not connect imports to definitions.
#[derive(Debug)]
#[non_exhaustive]
pub enum LinkError {
    /// No definition exists for the import `name` of the given type.
    MissingImport {
        /// The import's name.
        name: String,
        /// Its type, rendered for the message.
        ty: String,
    },
    /// A definition exists but has the wrong kind or type.
    ImportMismatch {
        /// The import's name.
        name: String,
        /// How the definition differs from the import.
        reason: String,
    },
    /// A name was defined twice in a linker.
    Duplicate(String),
    /// An instance (usually an import) lacks an export a component uses.
    MissingExport(String),
    /// Core-level instantiation failed (e.g. a core import type mismatch).
    Core(String),
}

/// Why a call could not be made.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallError {
    /// No export of that name (or it is not a function).
    UnknownExport(String),
    /// The arguments or the result buffer do not match the function type.
    TypeMismatch(String),
    /// The function or instance belongs to a different store.
    WrongStore,
    /// Calling this function is not implemented yet (e.g. an async builtin).
    Unsupported(String),
}

/// A guest trap, carrying the message the spec's reference tests expect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    message: String,
}

impl Trap {
    /// A trap with the given message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The trap message, e.g. `unknown handle index 1`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Self {
            kind: Box::new(kind),
        }
    }

    /// An error raised by host code, with a human-readable message.
    pub fn msg(message: impl fmt::Display) -> Self {
        Self::new(ErrorKind::Host(message.to_string()))
    }

    /// A trap with the given message (host functions use this to trap the
    /// calling guest).
    pub fn trap(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Trap(Trap::new(message)))
    }

    /// A request to exit with `code` (used by `wasi:cli/exit`).
    pub fn exit(code: i32) -> Self {
        Self::new(ErrorKind::Exit(code))
    }

    /// Which subsystem failed, and how.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match &*self.kind {
            ErrorKind::Trap(t) => Some(t),
            _ => None,
        }
    }

    /// The exit code, if the guest asked to exit.
    pub fn exit_code(&self) -> Option<i32> {
        match &*self.kind {
            ErrorKind::Exit(code) => Some(*code),
            _ => None,
        }
    }
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        Self::new(ErrorKind::Load(e))
    }
}
impl From<LinkError> for Error {
    fn from(e: LinkError) -> Self {
        Self::new(ErrorKind::Link(e))
    }
}
impl From<CallError> for Error {
    fn from(e: CallError) -> Self {
        Self::new(ErrorKind::Call(e))
    }
}
impl From<Trap> for Error {
    fn from(e: Trap) -> Self {
        Self::new(ErrorKind::Trap(e))
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(m) => write!(f, "invalid component: {}", single_line(m)),
            Self::CoreModule => write!(f, "expected a component but found a core module"),
            Self::CoreCompile(m) => write!(f, "invalid core module: {}", single_line(m)),
            Self::Unsupported(m) => write!(f, "not supported yet: {m}"),
        }
    }
}

/// The parser's and the core engine's messages may span lines (a bad magic
/// number prints both byte arrays pretty-printed, found by the component
/// fuzzer); errors here are one line.
fn single_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingImport { name, ty } => write!(f, "missing import `{name}` of type {ty}"),
            Self::ImportMismatch { name, reason } => {
                write!(f, "import `{name}` has the wrong type: {reason}")
            }
            Self::MissingExport(name) => write!(f, "instance has no export `{name}`"),
            Self::Duplicate(name) => write!(f, "`{name}` is defined twice"),
            Self::Core(m) => write!(f, "core instantiation failed: {m}"),
        }
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownExport(name) => write!(f, "no exported function `{name}`"),
            Self::TypeMismatch(m) => write!(f, "type mismatch: {m}"),
            Self::Unsupported(m) => write!(f, "not supported yet: {m}"),
            Self::WrongStore => write!(f, "the function belongs to a different store"),
        }
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wasm trap: {}", self.message)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Load(e) => e.fmt(f),
            Self::Link(e) => e.fmt(f),
            Self::Call(e) => e.fmt(f),
            Self::Trap(e) => e.fmt(f),
            Self::Exit(code) => write!(f, "exit with status {code}"),
            Self::Host(m) => f.write_str(m),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.kind, f)
    }
}

impl std::error::Error for Error {}

/// Shorthand for a trap result inside the crate.
pub(crate) fn trap<T>(message: impl Into<String>) -> Result<T, Error> {
    Err(Error::trap(message))
}
