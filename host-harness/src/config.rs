//! The public [`Engine`]: the configuration that every [`Store`] and
//! [`Component`] made from it shares. It wraps the core engine of
//! [`engine`](crate::engine), so that the component layer (`translate`,
//! `runtime`) names a module path here rather than the crate root.
//!
//! [`Store`]: crate::Store
//! [`Component`]: crate::Component

use crate::engine;

/// Configuration shared by every [`Store`](crate::Store) and [`Component`](crate::Component) created from it.
///
/// Cloning is cheap: clones share the underlying core engine.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: engine::CoreEngine,
}

impl Default for Engine {
    fn default() -> Self {
        Self {
            inner: engine::CoreEngine::new(),
        }
    }
}

impl Engine {
    /// Creates an engine with the default configuration (SIMD on, a deep
    /// call stack suitable for real guests).
    pub fn new() -> Self {
        Self::default()
    }
}
