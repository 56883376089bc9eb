//! weft-harness: a component-model host built on the `wasmi` core engine.
//!
//! # Why this crate exists
//!
//! `weft` needs to load, link and run WebAssembly components without a JIT
//! runtime. Core wasm runs on `wasmi` (behind [`engine`](crate) - the only
//! module that names it); everything the component model adds (parsing and
//! validation, instantiation of nested components, handle tables, the
//! canonical ABI, tasks and threads) is implemented here, in host code.
//!
//! # The embedding API in one screen
//!
//! The shape mirrors the component API of mature runtimes, so code written
//! against one reads naturally against the other:
//!
//! ```no_run
//! use weft_harness::{Component, Engine, Linker, Store, Val};
//!
//! # fn main() -> Result<(), weft_harness::Error> {
//! let engine = Engine::default();
//! let bytes = std::fs::read("app.wasm").map_err(weft_harness::Error::msg)?;
//! let component = Component::new(&engine, &bytes)?;
//! let mut linker = Linker::<u32>::new(&engine);
//! // Host functions are closures over the store's data; imports are matched
//! // by name, with semver-compatible versions (`@0.2.4` is satisfied by a
//! // registration at `@0.2.12`).
//! linker
//!     .instance("example:host/log@0.1.0")?
//!     .func_new("log", |mut cx, params, _results| {
//!         *cx.data_mut() += 1;
//!         println!("{:?}", params);
//!         Ok(())
//!     })?;
//! let mut store = Store::new(&engine, 0u32);
//! let instance = linker.instantiate(&mut store, &component)?;
//! let run = instance
//!     .get_func(&mut store, "wasi:cli/run@0.2.0#run")
//!     .expect("exported");
//! let mut results = vec![Val::Bool(false); run.results(&mut store).len()];
//! run.call(&mut store, &[], &mut results)?;
//! # Ok(()) }
//! ```
//!
//! - [`Engine`] holds configuration and the core engine; cheap to clone.
//! - [`Store<T>`] owns every instance, handle table and host value; `T` is the
//!   embedder's data, reachable from host functions through
//!   [`StoreContextMut::data_mut`].
//! - [`Component`] is a parsed, validated, frozen component; instantiating it
//!   many times never re-parses it.
//! - [`Linker<T>`] maps import names to host functions (over [`Val`]s with
//!   [`LinkerInstance::func_new`], or over Rust types with
//!   [`LinkerInstance::func_wrap`], which lifts arguments straight from
//!   guest memory and is type-checked at instantiation), host resources
//!   ([`LinkerInstance::resource`]) and the exports of other instances
//!   ([`Linker::define_instance`], used by `weft run --link`).
//! - [`Instance::get_func`] finds an export by name or by the
//!   `interface#function` path; [`Func::call`] lowers [`Val`]s into the guest,
//!   runs it as a Task, lifts the results and runs `post-return`.
//! - [`Func::typed`] gives a [`TypedFunc`] whose calls take and return Rust
//!   values ([`ComponentValue`]: integers, floats, `char`, `String`, `Vec`,
//!   `Option`, `Result`, tuples, resources), type-checked once up front.
//! - Host resources are [`Resource<R>`] handles (the guest sees a `u32` rep)
//!   and [`ResourceTable`] is a store-owned table mapping reps to host values.
//! - Errors are one small [`Error`] whose [`ErrorKind`] says which subsystem
//!   failed; a guest trap is [`ErrorKind::Trap`] carrying the spec's message.
//!
//! # What runs today
//!
//! Everything synchronous in the component model, on the spec's execution
//! model (every call is a Task on a Thread driven by a scheduler loop), and
//! component-model async on that scheduler (`runtime::concurrency`): async
//! lifts and lowers, waitables, streams and futures, error contexts,
//! cancellation and the cooperative `thread.*` built-ins, with every
//! scheduling choice drawn from a seeded PRNG. The spec's whole `.wast`
//! suite passes except core exception handling, which wasmi lacks.
//!
//! # Layout
//!
//! `translate` (parse + validate into a frozen `ComponentDef`) ->
//! `runtime` (Store, ComponentInstance, HandleTable, Task/Thread scheduler,
//! instantiation) -> `abi` (lift/lower of every value type) -> `wast`
//! (script runner). `wasi` is the built-in WASI host.

// Lint gates of this crate (the workspace's other crates set their own):
// every public item is documented, and every `allow` says why.
#![deny(missing_docs)]
#![deny(clippy::allow_attributes_without_reason)]

mod abi;
mod adapter;
mod config;
mod engine;
mod error;
mod index;
mod limits;
mod runtime;
mod translate;
mod types;
mod values;

pub mod wasi;
pub mod wast;

pub use config::{Config, Engine};
pub use error::{CallError, Error, ErrorKind, LinkError, LoadError, Trap};
pub use limits::StoreLimits;
pub use runtime::concurrency::host_call::HostFuture;
pub use runtime::concurrency::host_stream::WritableEnd;
pub use runtime::concurrency::rng::{DEFAULT_PCT_DEPTH, DEFAULT_PCT_STEPS, Schedule, Strategy};
pub use runtime::func::Func;
pub use runtime::instance::Instance;
pub use runtime::linker::{Linker, LinkerInstance};
pub use runtime::pending::PendingCall;
pub use runtime::resource_table::ResourceTable;
pub use runtime::store::{AsContextMut, Store, StoreContextMut};
pub use runtime::typed::{ComponentParams, ComponentResult, ComponentValue, TypedFunc};
pub use translate::{Component, Module};
pub use types::{FuncType, ResourceType, Type};
pub use values::{ErrorContext, ReadableEnd, Resource, ResourceAny, Val};
