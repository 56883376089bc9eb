//! [`Config`]: settings of an [`Engine`](crate::Engine) that every store
//! created from it shares.

/// Engine settings. [`Config::default`] is what [`Engine::default`] uses.
///
/// [`Engine::default`]: crate::Engine::default
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
