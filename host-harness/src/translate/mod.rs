//! Translate phase: bytes -> validated, frozen [`ComponentDef`].
//!
//! One pass feeds every payload to `wasmparser`'s validator (all
//! component-model features on, including async, so async components load)
//! and, in parallel, records each section item as an [`Init`]. Core modules
//! are compiled by the core engine as they appear. Types are only known once
//! the validator reaches a component's `End`, so function types of `canon`
//! definitions and imports are filled in then (`Fixup`). The result is
//! immutable and shared by every instantiation.

mod builder;
mod canon;
mod convert;
pub(crate) mod def;
mod module;
mod module_shape;
mod names;
mod sizes;

use std::sync::Arc;

use wasmparser::{Parser, Payload, ValidPayload, Validator, WasmFeatures};

use crate::config::Engine;
use crate::error::{Error, LoadError};
use builder::Builder;
pub(crate) use def::{BoundDefault, ComponentDef};
pub use module::Module;

/// A compiled component, ready to be instantiated any number of times.
#[derive(Clone)]
pub struct Component {
    pub(crate) def: Arc<ComponentDef>,
    /// What the embedder calls it (see [`Component::named`]).
    pub(crate) name: Option<Arc<str>>,
}

impl Component {
    /// Parses, validates and compiles a component binary.
    ///
    /// # Errors
    ///
    /// [`LoadError::CoreModule`] if `bytes` is a core module,
    /// [`LoadError::Invalid`] for malformed or invalid binaries,
    /// [`LoadError::CoreCompile`] if a nested core module is rejected.
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Self, Error> {
        if bytes.starts_with(b"\0asm\x01\0\0\0") {
            return Err(LoadError::CoreModule.into());
        }
        let def = Arc::new(translate(engine, bytes)?);
        // The pairings the binary fixes get their adapters now, so that
        // instantiating it only instantiates them.
        if let Some(cache) = &engine.adapters {
            crate::adapter::prebuild(&engine.inner, cache, &def);
        }
        Ok(Self { def, name: None })
    }

    /// Names the instances made of this component `name` (a `--link`ed
    /// file's stem, say), where traces show them; without a name they go
    /// by the name the component gives itself, if any.
    #[must_use]
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The names of this component's imports, in declaration order.
    pub fn import_names(&self) -> Vec<String> {
        self.def.imports().map(|i| i.name.to_string()).collect()
    }
}

/// Frames of the nesting stack: components build definitions, modules are
/// only skipped over (the core engine compiles them from their byte range).
enum Frame {
    Component(Builder),
    Module,
}

fn invalid(e: wasmparser::BinaryReaderError) -> Error {
    LoadError::Invalid(e.to_string()).into()
}

/// The features the reference suite is run with: the defaults plus the
/// component-model extensions it exercises (async, threading, fixed-length
/// lists, maps, `implements`, 64-bit memories). Nested names and component values stay off,
/// as the suite expects them rejected.
fn features() -> WasmFeatures {
    WasmFeatures::default()
        | WasmFeatures::CM_ASYNC
        | WasmFeatures::CM_ASYNC_STACKFUL
        | WasmFeatures::CM_MORE_ASYNC_BUILTINS
        | WasmFeatures::CM_THREADING
        | WasmFeatures::CM_ERROR_CONTEXT
        | WasmFeatures::CM_FIXED_LENGTH_LISTS
        | WasmFeatures::CM_MAP
        | WasmFeatures::CM_IMPLEMENTS
        | WasmFeatures::CM64
}

fn translate(engine: &Engine, bytes: &[u8]) -> Result<ComponentDef, Error> {
    let mut validator = Validator::new_with_features(features());
    let mut stack: Vec<Frame> = Vec::new();
    let mut finished = None;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(invalid)?;
        let valid = validator.payload(&payload).map_err(invalid)?;
        match (&payload, stack.last_mut()) {
            (Payload::Version { encoding, .. }, None) => {
                if *encoding != wasmparser::Encoding::Component {
                    return Err(LoadError::CoreModule.into());
                }
                stack.push(Frame::Component(Builder::default()));
            }
            (
                Payload::ModuleSection {
                    unchecked_range, ..
                },
                Some(Frame::Component(b)),
            ) => {
                let range = unchecked_range.start as usize..unchecked_range.end as usize;
                let Some(module_bytes) = bytes.get(range) else {
                    return Err(LoadError::Invalid("unexpected end of file".into()).into());
                };
                let module = engine.inner.compile(module_bytes)?;
                b.core_module(module);
                stack.push(Frame::Module);
            }
            (Payload::ComponentSection { .. }, Some(Frame::Component(_))) => {
                stack.push(Frame::Component(Builder::default()));
            }
            (Payload::End(_), Some(_)) => {
                let frame = stack.pop().expect("matched Some");
                let ValidPayload::End(types) = valid else {
                    return Err(LoadError::Invalid("unexpected end".into()).into());
                };
                if let Frame::Component(b) = frame {
                    sizes::check_value_type_sizes(types.as_ref())?;
                    let def = b.finish(types.as_ref());
                    match stack.last_mut() {
                        Some(Frame::Component(parent)) => parent.component(Arc::new(def)),
                        Some(Frame::Module) => unreachable!("modules cannot nest components"),
                        None => finished = Some(def),
                    }
                }
            }
            (_, Some(Frame::Module)) => {}
            (payload, Some(Frame::Component(b))) => b.section(payload).map_err(invalid)?,
            (_, None) => {}
        }
    }
    finished.ok_or_else(|| LoadError::Invalid("unexpected end of file".into()).into())
}
