//! The public [`Engine`] and its [`Config`]: the settings that every
//! [`Store`] and [`Component`] made from one engine share. The engine wraps
//! the core engine of [`engine`](crate::engine), so that the component layer
//! (`translate`, `runtime`) names a module path here rather than the crate
//! root.
//!
//! [`Store`]: crate::Store
//! [`Component`]: crate::Component

use std::sync::Arc;

use crate::adapter::AdapterCache;
use crate::engine;

/// Engine settings. [`Config::default`] is what [`Engine::default`] uses.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub(crate) consume_fuel: bool,
}

impl Config {
    /// The default configuration: no fuel metering.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes guest code consume fuel as it runs, so that stores can be given
    /// a fuel limit ([`Store::set_fuel`]) or a time limit
    /// ([`Store::set_timeout`]). Metering costs some speed, so it is off by
    /// default.
    ///
    /// [`Store::set_fuel`]: crate::Store::set_fuel
    /// [`Store::set_timeout`]: crate::Store::set_timeout
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Self {
        self.consume_fuel = enable;
        self
    }
}

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
        Self::with_config(&Config::default())
    }
}

impl Engine {
    /// Creates an engine with the default configuration (SIMD on, a deep
    /// call stack suitable for real guests).
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates an engine with `config` (e.g. fuel metering for fuel and
    /// time limits).
    pub fn with_config(config: &Config) -> Self {
        Self {
            inner: engine::CoreEngine::with_fuel(config.consume_fuel),
            adapters: Some(Arc::default()),
        }
    }

    /// Whether calls between two guest instances run as fused adapters
    /// (generated core wasm, the default) or through the host, which lifts
    /// every value out of one guest and lowers it into the other. The host
    /// path is kept as a reference to test the adapters against.
    pub fn fused_adapters(mut self, enabled: bool) -> Self {
        self.adapters = enabled.then(Arc::default);
        self
    }

    /// How many distinct fused-adapter modules this engine has compiled
    /// (one per signature and options): those of the pairings a component
    /// binary fixes when it is loaded, and those of pairings made at link
    /// time when first instantiated. Lets tests check when adapters are
    /// built.
    pub fn fused_adapter_modules(&self) -> usize {
        self.adapters.as_ref().map_or(0, |c| c.len())
    }
}
