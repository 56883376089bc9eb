//! [`Module`]: a compiled core module an embedder hands a component, for
//! an import of a core module (`(import "m" (core module ...))`).
//!
//! Components usually carry their core modules inside them; a module
//! import lets the host supply one instead (wasmtime's spectest host
//! exports `host#simple-module` this way). The linker checks the module
//! against the import's type (`module_shape`) before the component sees it.

use crate::config::Engine;
use crate::engine::CoreModule;
use crate::error::Error;

/// A compiled core module, ready to be defined in a
/// [`LinkerInstance`](crate::LinkerInstance) with `module`.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: CoreModule,
}

impl Module {
    /// Validates and compiles a core module binary.
    ///
    /// # Errors
    ///
    /// [`LoadError::CoreCompile`](crate::LoadError) if the engine rejects
    /// `bytes` (not a core module, invalid, a feature it lacks).
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Self, Error> {
        Ok(Self {
            inner: engine.inner.compile(bytes)?,
        })
    }
}
