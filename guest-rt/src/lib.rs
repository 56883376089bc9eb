//! weft: the crate a WebAssembly component guest depends on.
//!
//! It re-exports the [`bindgen!`] macro (from `weft-macro`) and holds the
//! small runtime that the generated bindings call: canonical-ABI value
//! helpers, buffer cleanup, resource handle types and the allocator behind
//! `cabi_realloc` (see [`rt`]). The weak C symbols `wasip3_task_set` and
//! (on wasm) `cabi_realloc` live in `weft-cabi`, re-exported as [`cabi`], so
//! that a component mixing generators or weft versions keeps exactly one.
//!
//! ```
//! weft::bindgen!({
//!     inline: "
//!         package example:greeter;
//!         world greeter {
//!             import log: func(msg: string);
//!             export greet: func(name: string) -> string;
//!         }
//!     ",
//! });
//!
//! struct Component;
//!
//! impl Guest for Component {
//!     fn greet(name: String) -> String {
//!         format!("Hello, {name}!")
//!     }
//! }
//!
//! export!(Component);
//! # fn main() {
//! #     assert_eq!(Component::greet("weft".into()), "Hello, weft!");
//! # }
//! ```
//!
//! Built with `cargo build --target wasm32-wasip2`, a crate like this is a
//! component exporting `greet` and importing `log`. On other targets the
//! bindings still compile (imports are stubs that panic if called), so the
//! guest logic can be unit-tested natively.

#![no_std]
#![deny(missing_docs)]
#![warn(clippy::allow_attributes_without_reason)]

extern crate alloc;
// Native builds always have `std`: the fake canonical built-ins that let
// the async executor run natively (`rt::async_support::fake`) need it.
#[cfg(any(test, feature = "std", not(target_arch = "wasm32")))]
extern crate std;

pub use weft_macro::bindgen;

/// The `wasip3_task` C ABI shared with other bindings generators.
pub use weft_cabi as cabi;

pub mod rt;

// The async API under the same root names as wit-bindgen 0.61's.
pub use rt::async_support::{
    FutureRead, FutureReader, FutureWrite, FutureWriteError, FutureWriter, StreamRead,
    StreamReader, StreamResult, StreamWrite, StreamWriter, backpressure_dec, backpressure_inc,
    block_on, spawn_local, yield_async, yield_blocking,
};
