//! The runtime: the spec's Store, ComponentInstance and their tables.
//!
//! [`Runtime`] is the non-generic part of a store: every component instance
//! (with its `HandleTable` and flags), every component function (lifted
//! guest functions and host closures) and every guest resource type.
//! Neighbours: `instantiate` builds instances from a `ComponentDef`,
//! `call` and `lower` move values across the boundary with `crate::abi`, `task` and
//! `concurrency` are the scheduler, `linker` resolves imports.

pub(crate) mod builtins;
pub(crate) mod call;
pub(crate) mod concurrency;
pub(crate) mod flags;
pub(crate) mod func;
pub(crate) mod handles;
mod host;
pub(crate) mod instance;
mod instantiate;
pub(crate) mod items;
pub(crate) mod lazy;
pub(crate) mod linker;
pub(crate) mod lower;
pub(crate) mod pending;
pub(crate) mod resource_table;
pub(crate) mod semver;
pub(crate) mod store;
pub(crate) mod task;
pub(crate) mod typed;

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::adapter::AdapterCache;
use crate::engine::{CoreCtxMut, CoreFunc, CoreMemory};
use crate::error::{CallError, Error, trap};
use crate::index::{PrimaryMap, index_type};
use crate::translate::def::StringEncoding;
use crate::types::{FuncType, GuestResourceId, ResourceRef, ResourceType};
use crate::values::ResourceAny;
use handles::HandleTable;
use task::Scheduler;

index_type! {
    /// Index of a component instance in the store.
    pub(crate) struct ComponentInstanceId("instance");
    /// Index of a component function in the store.
    pub(crate) struct FuncId("func");
}

/// The spec's `ComponentInstance`.
#[derive(Debug)]
pub(crate) struct ComponentInstance {
    pub(crate) parent: Option<ComponentInstanceId>,
    /// Its name, for traces: given by the embedder or the component (the
    /// instance's `$id` or export name in its parent), else `instance N`.
    pub(crate) name: Arc<str>,
    pub(crate) handles: HandleTable,
    /// `may_enter` and `may_leave`, which generated code shares.
    pub(crate) flags: flags::InstanceFlags,
    pub(crate) backpressure: i32,
    /// Whether the instance defines a cooperative thread built-in
    /// (`concurrency::thread`): its threads may switch, and its
    /// synchronous tasks block while other threads are ready.
    pub(crate) uses_threads: bool,
    /// Static resource types of this instance's component, resolved to the
    /// run-time types they denote in this instantiation.
    pub(crate) resources: HashMap<ResourceRef, ResourceType>,
}

/// Canonical options with their core items resolved.
#[derive(Debug, Clone)]
pub(crate) struct RtOptions {
    pub(crate) encoding: StringEncoding,
    pub(crate) memory: Option<CoreMemory>,
    pub(crate) realloc: Option<CoreFunc>,
    pub(crate) post_return: Option<CoreFunc>,
    pub(crate) is_async: bool,
    pub(crate) callback: Option<CoreFunc>,
}

/// A guest core function lifted by `canon lift`.
#[derive(Debug)]
pub(crate) struct LiftedFunc {
    pub(crate) instance: ComponentInstanceId,
    pub(crate) core: CoreFunc,
    /// The core function's result types, to size the result buffer.
    pub(crate) core_results: Box<[crate::engine::CoreValType]>,
    pub(crate) ty: FuncType,
    pub(crate) opts: RtOptions,
    /// The name its component exports it under (or gives it), for traces.
    pub(crate) name: Option<Arc<str>>,
}

/// A component function known to the store.
#[derive(Clone)]
pub(crate) enum FuncData {
    Lifted(Arc<LiftedFunc>),
    /// A host function (`host::HostFuncBox<T>` behind `Any`, since the
    /// runtime is not generic over the embedder's data), with the type it
    /// was imported at, once known, and the import's name for errors
    /// (`wasi:cli/stdout@0.2.6#get-stdout`).
    Host {
        func: Arc<dyn Any + Send + Sync>,
        ty: Option<FuncType>,
        name: Arc<str>,
    },
}

/// A guest-defined resource type: fresh per evaluated definition.
#[derive(Debug)]
pub(crate) struct GuestResource {
    pub(crate) instance: ComponentInstanceId,
    pub(crate) dtor: Option<CoreFunc>,
}

/// Identifies a store, so handles from one store are refused by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct StoreId(pub(crate) u64);

impl StoreId {
    fn fresh() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Self(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

impl Default for StoreId {
    fn default() -> Self {
        Self::fresh()
    }
}

#[derive(Default)]
pub(crate) struct Runtime {
    pub(crate) store_id: StoreId,
    /// The embedder's limits; component instances and handles are counted
    /// here, memories, tables and core instances by the engine.
    pub(crate) limits: crate::StoreLimits,
    pub(crate) instances: PrimaryMap<ComponentInstanceId, ComponentInstance>,
    pub(crate) funcs: PrimaryMap<FuncId, FuncData>,
    pub(crate) guest_resources: PrimaryMap<GuestResourceId, GuestResource>,
    /// Host resource destructors (`host::HostDtor<T>` behind `Any`).
    pub(crate) host_dtors: HashMap<ResourceType, Arc<dyn Any + Send + Sync>>,
    pub(crate) scheduler: Scheduler,
    /// Owned guest resources lifted out to the host and not yet dropped or
    /// passed back, by ticket (see `ResourceAny::origin`).
    host_held: HashSet<u64>,
    next_ticket: u64,
    /// The engine's fused adapters (`None`: every guest-to-guest call
    /// takes the host-mediated path).
    pub(crate) adapters: Option<Arc<AdapterCache>>,
    /// Calls that went through a fused adapter's host `enter`, for tests
    /// and statistics (those that took the fast path count in `lazy`).
    pub(crate) adapter_calls: u64,
    /// The fast path's lazy task frames, once an adapter has one.
    pub(crate) lazy: Option<lazy::LazyFrames>,
    /// The string a fused adapter is transcoding, between the intrinsic
    /// that encodes it and the one that stores it (the adapter calls the
    /// destination's `realloc` in between); its buffer is reused.
    pub(crate) transcoded: crate::abi::Transcoded,
    /// The timeline, when the embedder asked for one (`--trace`).
    pub(crate) trace: Option<Box<concurrency::trace::Trace>>,
}

impl Runtime {
    pub(crate) fn new_instance(
        &mut self,
        parent: Option<ComponentInstanceId>,
        name: Option<Arc<str>>,
        flags: flags::InstanceFlags,
    ) -> Result<ComponentInstanceId, Error> {
        let max = self.limits.max_instances;
        if self.instances.len() >= max {
            return trap(format!(
                "instance limit reached: the store holds {max} component instances"
            ));
        }
        let name = name.unwrap_or_else(|| format!("instance {}", self.instances.len()).into());
        Ok(self.instances.push(ComponentInstance {
            parent,
            name,
            handles: HandleTable::with_max_len(self.limits.max_handles),
            flags,
            backpressure: 0,
            uses_threads: false,
            resources: HashMap::new(),
        }))
    }

    pub(crate) fn instance(&mut self, id: ComponentInstanceId) -> &mut ComponentInstance {
        &mut self.instances[id]
    }

    /// Registers an owned handle lifted out to the host; returns its ticket.
    pub(crate) fn hold(&mut self) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.host_held.insert(ticket);
        ticket
    }

    /// Refuses a handle lifted in another store.
    pub(crate) fn check_origin(&self, any: &ResourceAny) -> Result<(), Error> {
        match any.origin {
            Some((store, _)) if store != self.store_id => Err(CallError::WrongStore.into()),
            Some(_) | None => Ok(()),
        }
    }

    /// Takes an owned handle back from the host (it is passed to a guest or
    /// dropped); refuses one that was already taken back.
    pub(crate) fn release(&mut self, any: &ResourceAny) -> Result<(), Error> {
        self.check_origin(any)?;
        match any.origin {
            Some((_, Some(ticket))) if !self.host_held.remove(&ticket) => {
                Err(CallError::TypeMismatch(
                    "the resource handle was already dropped or passed on".into(),
                )
                .into())
            }
            Some(_) | None => Ok(()),
        }
    }

    pub(crate) fn add_func(&mut self, data: FuncData) -> FuncId {
        self.funcs.push(data)
    }

    pub(crate) fn func(&self, id: FuncId) -> &FuncData {
        &self.funcs[id]
    }

    pub(crate) fn new_guest_resource(
        &mut self,
        instance: ComponentInstanceId,
        dtor: Option<CoreFunc>,
    ) -> ResourceType {
        let id = self.guest_resources.push(GuestResource { instance, dtor });
        ResourceType(crate::types::ResourceTypeKind::Guest(id))
    }

    pub(crate) fn guest_resource(&self, id: GuestResourceId) -> &GuestResource {
        &self.guest_resources[id]
    }

    /// Resolves a static resource of `inst`'s component to its run-time type.
    pub(crate) fn resolve(
        &self,
        inst: ComponentInstanceId,
        r: ResourceRef,
    ) -> Result<ResourceType, Error> {
        match self.instances[inst].resources.get(&r) {
            Some(t) => Ok(*t),
            None => trap("resource type used before it was defined"),
        }
    }

    /// `inst` and its ancestors, innermost first.
    pub(crate) fn self_and_ancestors(&self, inst: ComponentInstanceId) -> Vec<ComponentInstanceId> {
        let mut out = vec![inst];
        let mut cur = self.instances[inst].parent;
        while let Some(p) = cur {
            out.push(p);
            cur = self.instances[p].parent;
        }
        out
    }

    /// Whether every instance of `set` may be entered.
    pub(crate) fn may_enter_set(&self, set: &[ComponentInstanceId]) -> bool {
        set.iter().all(|i| self.instances[*i].flags.may_enter())
    }

    /// Whether every instance of the `entering_set` of a call from
    /// `caller` into `callee` may be entered; the common case (a top-level
    /// callee) is answered without building the set.
    pub(crate) fn may_enter_all(
        &self,
        callee: ComponentInstanceId,
        caller: Option<ComponentInstanceId>,
    ) -> bool {
        if self.instances[callee].parent.is_none() && caller != Some(callee) {
            return self.instances[callee].flags.may_enter();
        }
        self.may_enter_set(&self.entering_set(callee, caller))
    }

    /// The spec's `entering_set`: instances a call from `caller` into
    /// `callee` enters.
    pub(crate) fn entering_set(
        &self,
        callee: ComponentInstanceId,
        caller: Option<ComponentInstanceId>,
    ) -> Vec<ComponentInstanceId> {
        // The common case: a top-level instance entered from elsewhere.
        if self.instances[callee].parent.is_none() && caller != Some(callee) {
            return vec![callee];
        }
        let mut set = self.self_and_ancestors(callee);
        if let Some(caller) = caller {
            let outer = self.self_and_ancestors(caller);
            set.retain(|i| !outer.contains(i));
        }
        set
    }
}

/// The spec's `enter_from` for task `task`'s thread: traps if an instance
/// of `entering` may not be entered, else clears their `may_enter`,
/// records them as entered by the thread (a thread that blocks lets go of
/// them) and marks the thread running. Host-path calls (`call::in_task`)
/// and fused adapters both enter through here (and `lazy` for the frames
/// an adapter's fast path entered on its own).
pub(crate) fn enter<T>(
    ctx: &mut CoreCtxMut<'_, store::StoreData<T>>,
    task: task::TaskId,
    entering: &[ComponentInstanceId],
) -> Result<(), Error> {
    if !ctx.data().rt.may_enter_set(entering) {
        return trap("cannot enter component instance");
    }
    flags::set_may_enter_all(ctx, entering, false);
    let sched = &mut ctx.data_mut().rt.scheduler;
    sched.entered.push(entering.to_vec());
    sched.enter_thread(task);
    Ok(())
}
