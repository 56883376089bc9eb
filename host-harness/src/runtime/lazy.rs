//! Lazy task frames: the Tasks of synchronous adapted calls that stayed
//! in wasm, created only when host code needs them.
//!
//! Every call into a component instance runs as a [`Task`](super::task::Task)
//! (Concurrency.md, "Tasks"). For a synchronous caller calling a
//! synchronous callee through a fused adapter, nothing but host code ever
//! looks at that Task: the built-ins that ask for the current task
//! (`context.get`, `task.return`, waitables, ...), host functions, nested
//! host-path calls, the scheduler and the trace. So the adapter's fast
//! path (`crate::adapter::compile`) does the call's bookkeeping in wasm:
//! it checks the flags (`runtime::flags`), clears the callee's
//! `may_enter`, and pushes a *lazy frame*: it links its lowering onto a
//! store-wide chain (global `top`, the innermost frame's lowering id; each
//! lowering's `prev` global, the frame below). On the way out it pops the
//! frame and sets `may_enter` again.
//!
//! Host code is entered from wasm only through host functions, and every
//! host function but the adapters' leaf intrinsics first calls
//! [`materialize`] (the engine's [`HostEntry`](crate::engine::HostEntry)
//! hook): the lazy frames become real Tasks, pushed, entered and running
//! exactly as the adapter's `enter` intrinsic would have made them, and
//! the chain is emptied. So whenever host code runs, the Task stack is
//! what the eager path would have built. An adapter whose frame was
//! materialized finds `top` no longer naming its lowering and exits
//! through the host (`exit`), which ends the Task. A lowering is at most
//! once in the chain: its callee is entered while its frame is there.
//!
//! A trap unwinds the wasm frames without running their exits: where the
//! scheduler unwinds the Tasks the eager path pushed (`call::in_task`),
//! [`unwind`] drops the lazy frames and leaves their callees entered in
//! the host's copy of `may_enter` too (poisoned, as after an eager trap).
//!
//! The fast path is off while the store records a trace (every task then
//! gets its rows). A lazy frame takes no task id, so ids of later tasks
//! are smaller than on the eager path (they stay unique and ordered,
//! which is all the scheduler relies on). Nor does it count as a live task
//! for `StoreLimits::max_tasks` until it becomes one (it holds no host
//! memory, and the chain holds at most one frame per lowering):
//! materializing checks the limit, so a store at its limit traps when the
//! callee first needs host code, not when it is entered.

use std::sync::Arc;

use super::store::StoreData;
use super::{ComponentInstanceId, LiftedFunc, flags};
use crate::engine::{self, CoreCtxMut, CoreGlobal};
use crate::error::Error;

/// The store-wide part of the fast path.
#[derive(Debug)]
pub(crate) struct LazyFrames {
    /// Mutable i32: the innermost lazy frame's lowering id (0: none).
    pub(crate) top: CoreGlobal,
    /// Mutable i32: 1 while adapters may take the fast path.
    pub(crate) enabled: CoreGlobal,
    /// Mutable i64: the calls that took the fast path.
    pub(crate) calls: CoreGlobal,
    /// Mutable i32 0: the `may_enter` a lowering without a fast path
    /// imports, so that its adapter always takes the host's `enter` (and
    /// so never writes it).
    pub(crate) never: CoreGlobal,
    /// Lowerings with a fast path, by id - 1.
    lowerings: Vec<Lowering>,
}

/// One lowering whose adapter has a fast path.
#[derive(Debug)]
struct Lowering {
    callee: Arc<LiftedFunc>,
    /// The call's `entering_set` (the callee alone).
    entering: ComponentInstanceId,
    /// Mutable i32: the lowering id of the frame below this lowering's.
    prev: CoreGlobal,
}

/// The globals one lowering's adapter imports for its fast path.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FastImports {
    pub(crate) top: CoreGlobal,
    pub(crate) enabled: CoreGlobal,
    pub(crate) calls: CoreGlobal,
    /// Immutable i32: the lowering's id.
    pub(crate) id: CoreGlobal,
    pub(crate) prev: CoreGlobal,
    /// The callee's `may_enter`, or `never` for a call whose
    /// `entering_set` is not the callee alone.
    pub(crate) may_enter: CoreGlobal,
}

/// The store's [`LazyFrames`], made on first use (taken out of the
/// runtime; [`register`] puts it back).
fn take_frames<T>(ctx: &mut CoreCtxMut<'_, StoreData<T>>) -> LazyFrames {
    if let Some(lazy) = ctx.data_mut().rt.lazy.take() {
        return lazy;
    }
    let enabled = i32::from(ctx.data().rt.trace.is_none());
    LazyFrames {
        top: engine::mutable_i32_global(&mut *ctx, 0),
        enabled: engine::mutable_i32_global(&mut *ctx, enabled),
        calls: engine::mutable_i64_global(&mut *ctx),
        never: engine::mutable_i32_global(&mut *ctx, 0),
        lowerings: Vec::new(),
    }
}

/// Registers a lowering of `callee` entering `entering`; returns what its
/// adapter imports. Only a call that enters exactly one instance (the
/// callee) gets a fast path.
pub(crate) fn register<T>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    callee: &Arc<LiftedFunc>,
    entering: &[ComponentInstanceId],
) -> FastImports {
    let prev = engine::mutable_i32_global(&mut ctx, 0);
    let mut lazy = take_frames(&mut ctx);
    let (id, may_enter) = match entering {
        [only] => {
            lazy.lowerings.push(Lowering {
                callee: callee.clone(),
                entering: *only,
                prev,
            });
            let g = ctx.data().rt.instances[*only].flags.may_enter_global();
            (lazy.lowerings.len() as i32, g)
        }
        _ => (0, lazy.never),
    };
    let imports = FastImports {
        top: lazy.top,
        enabled: lazy.enabled,
        calls: lazy.calls,
        id: engine::const_i32_global(&mut ctx, id),
        prev,
        may_enter,
    };
    ctx.data_mut().rt.lazy = Some(lazy);
    imports
}

/// The lazy frames' callees and the instances they entered, outermost
/// first; empties the chain.
fn take_chain<T>(
    ctx: &mut CoreCtxMut<'_, StoreData<T>>,
) -> Vec<(Arc<LiftedFunc>, ComponentInstanceId)> {
    let Some(lazy) = &ctx.data().rt.lazy else {
        return Vec::new();
    };
    let top = lazy.top;
    let mut id = engine::i32_global(&*ctx, &top);
    if id == 0 {
        return Vec::new();
    }
    let mut chain = Vec::new();
    // A lowering is at most once in the chain; the bound only guards
    // against a broken chain.
    while id > 0 && chain.len() < lazy.lowerings.len() {
        let Some(l) = lazy.lowerings.get(id as usize - 1) else {
            break;
        };
        chain.push((l.callee.clone(), l.entering));
        id = engine::i32_global(&*ctx, &l.prev);
    }
    chain.reverse();
    engine::set_i32_global(ctx, &top, 0);
    chain
}

/// Turns every lazy frame into the Task the eager path would have made
/// (pushed, its callee entered, running), outermost first: called whenever
/// host code is entered from wasm.
///
/// # Errors
///
/// A trap when the store's task limit is reached (`max_tasks`).
pub(crate) fn materialize<T>(ctx: &mut CoreCtxMut<'_, StoreData<T>>) -> Result<(), Error> {
    let chain = take_chain(ctx);
    if chain.is_empty() {
        return Ok(());
    }
    // The callees are entered (the wasm side cleared their global) before
    // anything can fail, so a trap leaves them poisoned.
    let entered: Vec<_> = chain.iter().map(|(_, i)| *i).collect();
    flags::set_may_enter_all(ctx, &entered, false);
    for (callee, entering) in chain {
        let rt = &mut ctx.data_mut().rt;
        super::concurrency::limits::check_new_task(rt)?;
        let task = rt.scheduler.push_adapter_task(&callee);
        rt.scheduler.entered.push(vec![entering]);
        rt.scheduler.enter_thread(task);
    }
    Ok(())
}

/// Drops the lazy frames a trap unwound; their callees stay entered
/// (poisoned).
pub(crate) fn unwind<T>(ctx: &mut CoreCtxMut<'_, StoreData<T>>) {
    let entered: Vec<_> = take_chain(ctx).into_iter().map(|(_, i)| i).collect();
    flags::set_may_enter_all(ctx, &entered, false);
}

/// Turns the fast path on or off for the whole store (off while tracing).
pub(crate) fn set_enabled<T>(ctx: &mut CoreCtxMut<'_, StoreData<T>>, on: bool) {
    if let Some(g) = ctx.data().rt.lazy.as_ref().map(|l| l.enabled) {
        engine::set_i32_global(ctx, &g, i32::from(on));
    }
}

/// How many calls took the fast path.
pub(crate) fn fast_calls<T>(ctx: impl engine::CoreAsContext<Data = StoreData<T>>) -> u64 {
    let ctx = ctx.as_context();
    match ctx.data().rt.lazy.as_ref().map(|l| l.calls) {
        Some(g) => engine::i64_global(ctx, &g) as u64,
        None => 0,
    }
}
