//! Resource limits of one store, enforced where the core engine grows
//! memories and tables and where it runs out of fuel.
//!
//! [`CoreLimits`] lives in the store's data (the trait [`HasCoreLimits`]
//! finds it) and is the core engine's resource limiter: every linear memory
//! and table of the store draws on one budget, so a guest with two memories
//! cannot double the limit. Memories are never freed before the store is,
//! so the count only grows. Fuel and the deadline are in [`super::fuel`];
//! the public, embedder-facing settings are [`crate::StoreLimits`].
//!
//! A limit bounds memory; it does not make growing cheap. wasmi backs a
//! linear memory with a `Vec<u8>` and zero-fills every new byte on growth
//! (`ByteBuffer::grow`), so resident memory and time follow the size a
//! guest grows to, within the limit.

use std::fmt;

use super::fuel::FuelBudget;

/// The limits of one store and what it has used so far.
#[derive(Debug)]
pub(crate) struct CoreLimits {
    /// Bytes of linear memory.
    memory: Budget,
    /// Why a growth last failed; read by `realloc` to explain a trap.
    memory_denied: Option<GrowthDenied>,
    table_elements: Budget,
    max_instances: usize,
    pub(crate) fuel: FuelBudget,
}

/// Why a linear memory could not grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GrowthDenied {
    /// It would pass the store's memory limit.
    Limit,
    /// The limit allowed it, but the host could not allocate the memory.
    System,
}

/// One counted resource: what may be used, what is, and the growth last
/// approved, undone if the engine then fails to grow.
#[derive(Debug)]
struct Budget {
    max: u64,
    used: u64,
    pending: u64,
}

impl Budget {
    fn new(max: u64) -> Self {
        Self {
            max,
            used: 0,
            pending: 0,
        }
    }

    /// Takes the growth from `current` to `desired` if it fits.
    fn grow(&mut self, current: usize, desired: usize) -> bool {
        let delta = desired.saturating_sub(current) as u64;
        if self.used.saturating_add(delta) > self.max {
            return false;
        }
        self.used += delta;
        self.pending = delta;
        true
    }

    /// Gives back the growth last approved.
    fn failed(&mut self) {
        self.used -= std::mem::take(&mut self.pending);
    }
}

/// Store data that carries a [`CoreLimits`].
pub(crate) trait HasCoreLimits {
    fn core_limits(&mut self) -> &mut CoreLimits;
}

impl HasCoreLimits for CoreLimits {
    fn core_limits(&mut self) -> &mut CoreLimits {
        self
    }
}

impl CoreLimits {
    pub(crate) fn new(max_memory: u64, max_table_elements: u64, max_instances: usize) -> Self {
        Self {
            memory: Budget::new(max_memory),
            memory_denied: None,
            table_elements: Budget::new(max_table_elements),
            max_instances,
            fuel: FuelBudget::new(false),
        }
    }

    /// Changes the limits; what is already in use stays counted.
    pub(crate) fn set(&mut self, max_memory: u64, max_table_elements: u64, max_instances: usize) {
        self.memory.max = max_memory;
        self.table_elements.max = max_table_elements;
        self.max_instances = max_instances;
    }

    /// Bytes of linear memory the store's memories hold together.
    pub(crate) fn memory_used(&self) -> u64 {
        self.memory.used
    }

    pub(crate) fn max_memory(&self) -> u64 {
        self.memory.max
    }

    /// How much more the store may allocate before reaching its limit; host
    /// copies of guest values are held to it too.
    pub(crate) fn memory_left(&self) -> u64 {
        self.memory.max.saturating_sub(self.memory.used)
    }

    /// Why a growth failed since the last call, if one did; clears it.
    pub(crate) fn take_memory_denied(&mut self) -> Option<GrowthDenied> {
        self.memory_denied.take()
    }
}

impl wasmi::ResourceLimiter for CoreLimits {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, wasmi_core::LimiterError> {
        let granted = self.memory.grow(current, desired);
        if !granted {
            self.memory_denied = Some(GrowthDenied::Limit);
        }
        Ok(granted)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, wasmi_core::LimiterError> {
        Ok(self.table_elements.grow(current, desired))
    }

    fn memory_grow_failed(
        &mut self,
        _error: &wasmi::errors::MemoryError,
    ) -> Result<(), wasmi_core::LimiterError> {
        // The engine asked first and then could not grow (no system memory
        // or no fuel): the bytes were never taken.
        self.memory.failed();
        self.memory_denied = Some(GrowthDenied::System);
        Ok(())
    }

    fn table_grow_failed(
        &mut self,
        _error: &wasmi::errors::TableError,
    ) -> Result<(), wasmi_core::LimiterError> {
        self.table_elements.failed();
        Ok(())
    }

    fn instances(&self) -> usize {
        self.max_instances
    }

    fn tables(&self) -> usize {
        self.max_instances.saturating_mul(TABLES_PER_INSTANCE)
    }

    fn memories(&self) -> usize {
        self.max_instances.saturating_mul(MEMORIES_PER_INSTANCE)
    }
}

/// Tables and memories are counted by their elements and bytes; the number
/// of them only needs a bound that no real component reaches.
const TABLES_PER_INSTANCE: usize = 16;
const MEMORIES_PER_INSTANCE: usize = 16;

/// A byte count written the way `--max-memory` takes it (`4G`, `512M`).
pub(crate) struct Bytes(pub(crate) u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(u64, &str); 3] = [(1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")];
        for (size, unit) in UNITS {
            if self.0 >= size && self.0.is_multiple_of(size) {
                return write!(f, "{}{unit}", self.0 / size);
            }
        }
        match self.0 {
            1 => f.write_str("1 byte"),
            n => write!(f, "{n} bytes"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmi::ResourceLimiter;

    #[test]
    fn memories_share_one_budget_and_failed_growth_is_returned() {
        let mut limits = CoreLimits::new(4 << 16, 100, 10);
        assert!(limits.memory_growing(0, 3 << 16, None).unwrap());
        assert!(
            !limits.memory_growing(0, 2 << 16, None).unwrap(),
            "3 + 2 > 4 pages"
        );
        assert_eq!(limits.take_memory_denied(), Some(GrowthDenied::Limit));
        assert_eq!(limits.take_memory_denied(), None, "taking clears it");
        assert!(limits.memory_growing(0, 1 << 16, None).unwrap());
        limits
            .memory_grow_failed(&wasmi::errors::MemoryError::OutOfSystemMemory)
            .unwrap();
        assert_eq!(
            limits.memory_used(),
            3 << 16,
            "the failed page is not counted"
        );
    }

    #[test]
    fn byte_counts_print_with_the_largest_exact_unit() {
        assert_eq!(Bytes(4 << 30).to_string(), "4G");
        assert_eq!(Bytes(3 << 20).to_string(), "3M");
        assert_eq!(Bytes(1536).to_string(), "1536 bytes");
        assert_eq!(Bytes(0).to_string(), "0 bytes");
        assert_eq!(Bytes(1).to_string(), "1 byte");
    }
}
