//! [`ErrorContext`]: an owned `error-context` handle (Explainer,
//! "error-context").
//!
//! Unlike resources, passing an error context to another component does not
//! move it: the receiver gets its own handle to the same immutable value.
//! So lowering only reads [`ErrorContext::handle`], and dropping the Rust
//! value releases this component's handle with `error-context.drop`.

use super::builtins;
use alloc::string::String;
use core::fmt;

/// An `error-context` value owned by this component.
pub struct ErrorContext {
    handle: u32,
}

impl ErrorContext {
    /// A new error context carrying `debug_message` (which a host may
    /// replace or drop; it is only for debugging).
    pub fn new(debug_message: &str) -> ErrorContext {
        ErrorContext::from_handle(builtins::error_context_new(debug_message))
    }

    /// Takes ownership of a raw handle (from a lifted value).
    pub fn from_handle(handle: u32) -> ErrorContext {
        ErrorContext { handle }
    }

    /// The raw handle, still owned by `self`.
    pub fn handle(&self) -> u32 {
        self.handle
    }

    /// The debug message the host keeps for this error context.
    pub fn debug_message(&self) -> String {
        builtins::error_context_debug_message(self.handle)
    }
}

impl fmt::Debug for ErrorContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorContext")
            .field("debug_message", &self.debug_message())
            .finish()
    }
}

impl fmt::Display for ErrorContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.debug_message())
    }
}

impl core::error::Error for ErrorContext {}

impl Drop for ErrorContext {
    fn drop(&mut self) {
        builtins::error_context_drop(self.handle);
    }
}
