//! The public [`Engine`]: the configuration that every [`Store`] and
//! [`Component`] made from it shares. It wraps the core engine of
//! [`engine`](crate::engine), so that the component layer (`translate`,
//! `runtime`) names a module path here rather than the crate root.
//!
//! [`Store`]: crate::Store
//! [`Component`]: crate::Component

use std::sync::Arc;

use crate::adapter::AdapterCache;
use crate::engine;

/// Configuration shared by every [`Store`](crate::Store) and [`Component`](crate::Component) created from it.
///
/// Cloning is cheap: clones share the underlying core engine.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: engine::CoreEngine,
    /// Fused adapters compiled so far; `None` when turned off.
    pub(crate) adapters: Option<Arc<AdapterCache>>,
}

impl Default for Engine {
    fn default() -> Self {
        Self {
            inner: engine::CoreEngine::new(),
            adapters: Some(Arc::default()),
        }
    }
}

impl Engine {
    /// Creates an engine with the default configuration (SIMD on, a deep
    /// call stack suitable for real guests).
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether calls between two guest instances run as fused adapters
    /// (generated core wasm, the default) or through the host, which lifts
    /// every value out of one guest and lowers it into the other. The host
    /// path is kept as a reference to test the adapters against.
    pub fn fused_adapters(mut self, enabled: bool) -> Self {
        self.adapters = enabled.then(Arc::default);
        self
    }
}
