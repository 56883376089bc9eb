//! The built-in WASI 0.2 host: what `cargo build --target wasm32-wasip2`
//! guests import, implemented over the host's own stdio, clocks, entropy and
//! the directories the user preopens.
//!
//! State lives in [`WasiCtx`] (one per store, configured by
//! [`WasiCtxBuilder`]); each `wasi:*` package has a module holding its
//! behaviour as plain Rust, and `bindings` registers those functions in a
//! `Linker` under the 0.2.12 names, which serve any 0.2.x import through the
//! linker's semver matching. A guest's `wasi:cli/exit` ends its call with
//! [`Error::exit`](crate::Error::exit), which the embedder reads back with
//! [`Error::exit_code`](crate::Error::exit_code).

mod bindings;
mod ctx;
mod error_code;
mod filesystem;
mod poll;
mod random;
mod streams;
mod table;

pub use bindings::{WasiView, add_to_linker};
pub use ctx::{IoError, Preopen, WasiCtx, WasiCtxBuilder};
pub use error_code::ErrorCode;
pub use streams::{CapturedOutput, InputSource, OutputSink};
