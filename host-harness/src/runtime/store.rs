//! The [`Store`]: owner of all runtime state, and its borrowed forms.
//!
//! The core engine's store carries a [`StoreData`]: the embedder's `T` plus
//! the component runtime ([`Runtime`]). Host functions receive a
//! [`StoreContextMut`], which is the same store seen from inside a call.

use std::time::Duration;

use super::Runtime;
use super::concurrency::rng::{SchedRng, Schedule};
use super::resource_table::ResourceTable;
use crate::config::Engine;
use crate::engine::{
    self, CoreAsContextMut, CoreCaller, CoreCtxMut, CoreLimits, CoreStore, HasCoreLimits, HostEntry,
};
use crate::error::Error;
use crate::limits::StoreLimits;

/// What the core engine's store holds.
pub(crate) struct StoreData<T> {
    pub(crate) user: T,
    pub(crate) rt: Runtime,
    pub(crate) table: ResourceTable,
    /// The engine-side counters of the store's [`StoreLimits`].
    pub(crate) limits: CoreLimits,
}

impl<T> HasCoreLimits for StoreData<T> {
    fn core_limits(&mut self) -> &mut CoreLimits {
        &mut self.limits
    }
}

impl<T> HostEntry for StoreData<T> {
    fn host_entered(caller: &mut CoreCaller<'_, Self>) -> Result<(), Error> {
        super::lazy::materialize(&mut caller.as_context_mut())
    }
}

/// Owns component instances, their handle tables and the embedder's data.
pub struct Store<T> {
    pub(crate) inner: CoreStore<StoreData<T>>,
    pub(crate) engine: Engine,
}

impl<T: 'static> Store<T> {
    /// Creates a store holding `data`, with the default [`StoreLimits`].
    pub fn new(engine: &Engine, data: T) -> Self {
        let limits = StoreLimits::default();
        let data = StoreData {
            user: data,
            limits: core_limits(&limits),
            rt: Runtime {
                adapters: engine.adapters.clone(),
                ..Runtime::default()
            },
            table: ResourceTable::new(),
        };
        Self {
            inner: engine.inner.new_store(data),
            engine: engine.clone(),
        }
    }

    /// Seeds the store's scheduler: every choice the component model leaves
    /// open (which ready task runs next, which pending event a wait
    /// delivers) is then drawn uniformly from a PRNG with this seed, so a
    /// run with the same component, inputs and seed repeats exactly.
    /// Without a seed the schedule is FIFO (oldest ready task first).
    pub fn set_seed(&mut self, seed: u64) {
        self.set_schedule(Schedule::random(seed));
    }

    /// Makes the store's scheduler follow `schedule` (uniform random or
    /// PCT, from its seed; see [`Schedule`]).
    pub fn set_schedule(&mut self, schedule: Schedule) {
        self.inner.data_mut().rt.scheduler.rng = SchedRng::with_schedule(schedule);
    }

    /// The seed of the store's scheduler, if it has one (see
    /// [`Self::set_seed`]).
    pub fn seed(&self) -> Option<u64> {
        self.schedule().map(|s| s.seed)
    }

    /// How many scheduling steps the store's scheduler took so far: the
    /// times it chose which of two or more ready tasks runs next. A
    /// [`Strategy::Pct`](crate::Strategy::Pct) schedule's `max_steps`
    /// should be about this for a typical run.
    pub fn schedule_steps(&self) -> u64 {
        self.inner.data().rt.scheduler.rng.steps()
    }

    /// Starts recording the scheduler's timeline (tasks, their threads'
    /// steps, waits, events, stream and future copies), for
    /// [`Self::trace_json`]. Off by default; recording costs a little per
    /// step.
    pub fn enable_trace(&mut self) {
        let rt = &mut self.inner.data_mut().rt;
        rt.trace.get_or_insert_with(Default::default);
        // Every task gets its rows: no call may skip making one.
        super::lazy::set_enabled(&mut self.inner.as_context_mut(), false);
    }

    /// The timeline recorded since [`Self::enable_trace`], as Chrome
    /// trace-event JSON (for `chrome://tracing` or Perfetto); `None` when
    /// tracing is off.
    pub fn trace_json(&self) -> Option<String> {
        self.inner.data().rt.trace.as_ref().map(|t| t.to_json())
    }

    /// The store's seeded schedule, if it has one (see
    /// [`Self::set_schedule`]).
    pub fn schedule(&self) -> Option<Schedule> {
        self.inner.data().rt.scheduler.rng.schedule()
    }

    /// Replaces the store's resource limits. Memory, tables and instances
    /// already in use stay counted against the new limits.
    pub fn set_limits(&mut self, limits: StoreLimits) {
        let data = self.inner.data_mut();
        data.limits.set(
            limits.max_memory,
            limits.max_table_elements,
            limits.max_instances,
        );
        data.rt.limits = limits;
    }

    /// The store's resource limits.
    pub fn limits(&self) -> &StoreLimits {
        &self.inner.data().rt.limits
    }

    /// Bytes of linear memory the store's memories hold together.
    pub fn memory_used(&self) -> u64 {
        self.inner.data().limits.memory_used()
    }

    /// Gives the store `fuel` units to spend (about one per instruction)
    /// from now on, replacing what was left; a guest that spends it all
    /// traps with "all fuel consumed". `None` removes the limit.
    ///
    /// # Errors
    ///
    /// If the engine does not meter fuel ([`crate::Config::consume_fuel`]).
    pub fn set_fuel(&mut self, fuel: Option<u64>) -> Result<(), Error> {
        engine::set_fuel(&mut self.inner, fuel)
    }

    /// The fuel left, if the store has a fuel limit.
    pub fn fuel(&mut self) -> Option<u64> {
        engine::fuel_remaining(&mut self.inner)
    }

    /// Ends every call (and instantiation) still running `timeout` from
    /// now with a trap naming the time limit. The clock is read between
    /// slices of fuel, so a guest runs the same instructions in the same
    /// order with or without a timeout; it only stops sooner.
    ///
    /// # Errors
    ///
    /// If the engine does not meter fuel ([`crate::Config::consume_fuel`]).
    pub fn set_timeout(&mut self, timeout: Duration) -> Result<(), Error> {
        engine::set_timeout(&mut self.inner, timeout)
    }

    /// The embedder's data.
    pub fn data(&self) -> &T {
        &self.inner.data().user
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.inner.data_mut().user
    }

    /// Consumes the store, returning the embedder's data.
    pub fn into_data(self) -> T {
        self.inner.into_data().user
    }

    /// The engine this store was created with.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The store-owned table for host resource values.
    pub fn resource_table(&mut self) -> &mut ResourceTable {
        &mut self.inner.data_mut().table
    }

    /// How many calls between two guest instances of this store ran
    /// through fused adapters (generated core code) rather than the
    /// host-mediated path; lets tests check which path a call took.
    pub fn adapter_calls(&self) -> u64 {
        self.inner.data().rt.adapter_calls + self.fast_adapter_calls()
    }

    /// How many of [`Self::adapter_calls`] entered their callee in
    /// generated code (a synchronous call's fast path, whose task is made
    /// only if host code runs during the call); lets tests check that the
    /// fast path is taken.
    pub fn fast_adapter_calls(&self) -> u64 {
        super::lazy::fast_calls(&self.inner)
    }
}

fn core_limits(limits: &StoreLimits) -> CoreLimits {
    CoreLimits::new(
        limits.max_memory,
        limits.max_table_elements,
        limits.max_instances,
    )
}

/// A store borrowed for the duration of a host call (or any call).
pub struct StoreContextMut<'a, T> {
    pub(crate) inner: CoreCtxMut<'a, StoreData<T>>,
}

impl<'a, T> StoreContextMut<'a, T> {
    pub(crate) fn new(inner: CoreCtxMut<'a, StoreData<T>>) -> Self {
        Self { inner }
    }

    /// The embedder's data.
    pub fn data(&self) -> &T {
        &self.inner.data().user
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.inner.data_mut().user
    }

    /// The store-owned table for host resource values.
    pub fn resource_table(&mut self) -> &mut ResourceTable {
        &mut self.inner.data_mut().table
    }

    /// The embedder's data and the resource table at once.
    pub fn data_and_table(&mut self) -> (&mut T, &mut ResourceTable) {
        let data = self.inner.data_mut();
        (&mut data.user, &mut data.table)
    }
}

/// Anything that can lend out a [`StoreContextMut`]: a `Store`, a
/// `&mut Store`, or a context itself.
pub trait AsContextMut {
    /// The embedder's data type.
    type Data;

    /// Borrows the store.
    fn as_context_mut(&mut self) -> StoreContextMut<'_, Self::Data>;
}

impl<T> AsContextMut for Store<T> {
    type Data = T;
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut::new(self.inner.as_context_mut())
    }
}

impl<T> AsContextMut for StoreContextMut<'_, T> {
    type Data = T;
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut::new(self.inner.as_context_mut())
    }
}

impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    type Data = C::Data;
    fn as_context_mut(&mut self) -> StoreContextMut<'_, C::Data> {
        (**self).as_context_mut()
    }
}
