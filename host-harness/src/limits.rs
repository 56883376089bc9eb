//! [`StoreLimits`]: the resource limits an embedder sets on a [`Store`].
//!
//! A component that users did not write may try to take everything: memory
//! through `memory.grow` or a `realloc` that never stops, table elements,
//! instances, handles. Each limit below bounds one of them for a whole
//! store; what happens at the limit is what the spec allows (`memory.grow`
//! and `table.grow` return -1) or a trap naming the limit. Fuel and time
//! limits are set on the store itself ([`Store::set_fuel`],
//! [`Store::set_timeout`]) because they need an engine that meters fuel
//! ([`crate::Config::consume_fuel`]).
//!
//! [`Store`]: crate::Store
//! [`Store::set_fuel`]: crate::Store::set_fuel
//! [`Store::set_timeout`]: crate::Store::set_timeout

/// The spec's `Table.MAX_LENGTH` for handle tables (CanonicalABI.md).
const MAX_HANDLES: u32 = (1 << 28) - 1;

/// Resource limits of one store. Build them from [`StoreLimits::default`]
/// and install them with [`crate::Store::set_limits`].
///
/// ```
/// use weft_harness::{Engine, Store, StoreLimits};
///
/// let engine = Engine::default();
/// let mut store = Store::new(&engine, ());
/// store.set_limits(StoreLimits::default().max_memory(64 << 20).max_instances(10));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreLimits {
    pub(crate) max_memory: u64,
    pub(crate) max_table_elements: u64,
    pub(crate) max_instances: usize,
    pub(crate) max_handles: u32,
    pub(crate) max_tasks: usize,
    pub(crate) max_threads: usize,
    pub(crate) max_subtasks: usize,
}

impl Default for StoreLimits {
    /// 4 GiB of linear memory, 10 million table elements, 10,000 instances,
    /// the spec's 2^28 - 1 handles per instance, and 100,000 each of live
    /// tasks, spawned threads and subtasks.
    fn default() -> Self {
        Self {
            max_memory: 4 << 30,
            max_table_elements: 10_000_000,
            max_instances: 10_000,
            max_handles: MAX_HANDLES,
            max_tasks: 100_000,
            max_threads: 100_000,
            max_subtasks: 100_000,
        }
    }
}

impl StoreLimits {
    /// The most bytes of linear memory all memories of the store may hold
    /// together. Past it `memory.grow` returns -1, instantiating a module
    /// whose memories do not fit fails, and lifting a value that would need
    /// more host memory than is left traps.
    pub fn max_memory(mut self, bytes: u64) -> Self {
        self.max_memory = bytes;
        self
    }

    /// The most table elements all tables of the store may hold together;
    /// past it `table.grow` returns -1.
    pub fn max_table_elements(mut self, elements: u64) -> Self {
        self.max_table_elements = elements;
        self
    }

    /// The most component instances, and separately the most core
    /// instances, the store may hold.
    pub fn max_instances(mut self, instances: usize) -> Self {
        self.max_instances = instances;
        self
    }

    /// The most handles one component instance's handle table may hold,
    /// at most the spec's 2^28 - 1 (larger values are clamped to it).
    pub fn max_handles(mut self, handles: u32) -> Self {
        self.max_handles = handles.min(MAX_HANDLES);
        self
    }

    /// The most tasks (calls into guests that have not ended, each with its
    /// implicit thread) the store may hold at once; a call past it traps
    /// before it starts.
    pub fn max_tasks(mut self, tasks: usize) -> Self {
        self.max_tasks = tasks;
        self
    }

    /// The most threads `thread.new-indirect` created and that have not
    /// ended the store may hold at once; creating one more traps.
    pub fn max_threads(mut self, threads: usize) -> Self {
        self.max_threads = threads;
        self
    }

    /// The most subtasks (handles of `canon lower async` calls that did
    /// not finish at once, until `subtask.drop`) the store may hold at
    /// once; one more traps where its handle would be added.
    pub fn max_subtasks(mut self, subtasks: usize) -> Self {
        self.max_subtasks = subtasks;
        self
    }

    /// The memory limit in bytes.
    pub fn memory(&self) -> u64 {
        self.max_memory
    }
}
