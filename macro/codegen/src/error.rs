//! Errors of a generation run.
//!
//! Each error says what the user wrote wrong, so the proc-macro can put it
//! on the right span: WIT problems carry the rendered file/line message,
//! option problems name the option entry.

use core::fmt;

/// Why generation failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading or resolving WIT failed; the message names file and line.
    Wit(String),
    /// The world could not be selected (unknown or ambiguous name).
    World(String),
    /// A `with` key that names nothing in the world.
    UnusedWith(String),
    /// An imported interface from another package that neither `with` nor
    /// `generate_all` decides about (the key it needs).
    MissingWith(String),
    /// An option's value is invalid or refers to something that does not
    /// exist; `option` is the option's name, so callers can point at it.
    Option {
        /// The option, as written in `bindgen!` (`runtime_path`, `with`, ...).
        option: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The world uses something weft cannot bind yet.
    Unsupported(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Wit(msg)
            | Error::World(msg)
            | Error::Option { message: msg, .. }
            | Error::Unsupported(msg) => f.write_str(msg),
            Error::UnusedWith(key) => {
                write!(
                    f,
                    "`with` entry `{key}` does not match any interface or type in the world"
                )
            }
            Error::MissingWith(key) => write!(
                f,
                "missing `with` mapping for the key `{key}`; specify one of: \
                 `generate_all`, `with: {{ \"{key}\": path::to::bindings }}`, or \
                 `with: {{ \"{key}\": generate }}`"
            ),
        }
    }
}

impl std::error::Error for Error {}
