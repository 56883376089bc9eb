//! Calls across the component boundary, in host code.
//!
//! [`call_func`] is the spec's lifted `FuncInst`: it enters the callee
//! instance, lowers the arguments, runs a Task on a Thread, lifts the
//! result and runs `post-return`. Its counterpart, `canon lower` (the core
//! function a guest calls to reach any component function), is in the
//! sibling `lower`. A call between two guests whose signature the fused
//! adapter compiler (`crate::adapter`) does not handle yet lifts out of one
//! and lowers into the other here; this path is also the adapters' oracle.

use std::any::Any;
use std::sync::Arc;

use super::concurrency::subtask::SubtaskState;
use super::concurrency::{self, Until, host_call};
use super::handles::{HandleIdx, Slot};
use super::host::HostFuncBox;
use super::store::{StoreContextMut, StoreData};
use super::task::{Deferred, DeferredArgs, OnResolve, Ran, Step, TaskId, Thread, Wait};
use super::{ComponentInstanceId, FuncData, FuncId, LiftedFunc, flags, lazy};
use crate::abi::layout::MAX_FLAT_PARAMS;
use crate::abi::{self, Cx, Path};
use crate::engine::{self, CoreAsContextMut, CoreCtxMut, CoreVal};
use crate::error::{CallError, Error, trap};
use crate::types::Type;
use crate::values::Val;

/// Calls component function `id` with `args`; `caller` is the calling
/// instance (`None` for the host).
pub(crate) fn call_func<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    id: FuncId,
    args: &[Val],
    caller: Option<ComponentInstanceId>,
) -> Result<Vec<Val>, Error> {
    match ctx.data().rt.func(id).clone() {
        FuncData::Lifted(f) => {
            let path = if caller.is_some() {
                Path::Adapter
            } else {
                Path::Host
            };
            Ok(call_lifted(ctx.as_context_mut(), &f, args, caller, path)?
                .into_iter()
                .collect())
        }
        FuncData::Host { func, ty, .. } => match host_func::<T>(&func)? {
            HostFuncBox::Dynamic(f) => {
                let n = ty.as_ref().map_or(0, |t| usize::from(t.result.is_some()));
                let mut results = vec![Val::Bool(false); n];
                f(StoreContextMut::new(ctx), args, &mut results)?;
                Ok(results)
            }
            HostFuncBox::Typed(f) => f.call_vals(StoreContextMut::new(ctx), args),
            HostFuncBox::Async(_) => host_call::call_blocking(ctx, id, ty.as_ref(), args.to_vec()),
        },
    }
}

/// [`call_func`] for the host's `Func::call`, writing the results into
/// `results`: a lifted callee's result goes there without an intermediate
/// vector. As before, a wrong number of `results` slots is reported after
/// the call ran.
pub(crate) fn call_func_into<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    id: FuncId,
    args: &[Val],
    results: &mut [Val],
) -> Result<(), Error> {
    let FuncData::Lifted(f) = ctx.data().rt.func(id) else {
        let out = call_func(ctx, id, args, None)?;
        return fill_results(results, out);
    };
    let f = f.clone();
    let out = call_lifted(ctx.as_context_mut(), &f, args, None, Path::Host)?;
    fill_results(results, out)
}

/// Moves a call's results into the caller's `results` slots, which must
/// be exactly as many.
fn fill_results(
    results: &mut [Val],
    out: impl IntoIterator<Item = Val, IntoIter: ExactSizeIterator>,
) -> Result<(), Error> {
    let out = out.into_iter();
    if out.len() != results.len() {
        return Err(CallError::TypeMismatch(format!(
            "expected {} result slots, got {}",
            out.len(),
            results.len()
        ))
        .into());
    }
    for (slot, v) in results.iter_mut().zip(out) {
        *slot = v;
    }
    Ok(())
}

pub(super) fn host_func<T: 'static>(
    func: &Arc<dyn Any + Send + Sync>,
) -> Result<&HostFuncBox<T>, Error> {
    func.downcast_ref::<HostFuncBox<T>>()
        .ok_or_else(|| Error::msg("host function belongs to another store type"))
}

fn call_lifted<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    f: &Arc<LiftedFunc>,
    args: &[Val],
    caller: Option<ComponentInstanceId>,
    path: Path,
) -> Result<Option<Val>, Error> {
    let (task, started) = start_call(ctx.as_context_mut(), f, args.to_vec(), caller, path)?;
    match started {
        Started::Done(value) => Ok(value),
        // The callee blocked: a synchronous caller (or the host) waits for
        // its result, running other tasks meanwhile.
        Started::Pending => wait_for(ctx, task),
    }
}

/// Runs the event loop until call `task` (a task, or a host call) resolved,
/// and takes its result: how the host, or a caller nesting host calls,
/// waits for a call that blocked.
pub(crate) fn wait_for<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
) -> Result<Option<Val>, Error> {
    concurrency::block_until(ctx.as_context_mut(), Until::Resolved(task))?;
    let sched = &mut ctx.data_mut().rt.scheduler;
    let value = sched.take_returned(task)?;
    sched.reap(task);
    match value {
        Some(v) => Ok(v),
        None => trap("the call resolved without a value (it trapped, or was cancelled)"),
    }
}

/// How the first run of a call ended.
pub(crate) enum Started {
    /// It resolved: here is the result.
    Done(Option<Val>),
    /// It is waiting to start, or it blocked before resolving.
    Pending,
}

/// Starts a call of `f` from `caller`: creates its task and runs it until
/// it resolves or blocks. A call that backpressure (or another exclusive
/// task of the callee) holds back waits in STARTING.
pub(crate) fn start_call<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    f: &Arc<LiftedFunc>,
    args: Vec<Val>,
    caller: Option<ComponentInstanceId>,
    path: Path,
) -> Result<(TaskId, Started), Error> {
    let rt = &mut ctx.data_mut().rt;
    check_enterable(rt, f, caller)?;
    concurrency::limits::check_new_task(rt)?;
    let deferred = Deferred {
        func: f.clone(),
        args: DeferredArgs::Vals(args),
        path,
    };
    if held_back(rt, f) {
        let task = rt.scheduler.push_task(f, path);
        rt.scheduler.defer(task, deferred)?;
        rt.scheduler.stamp(task);
        return Ok((task, Started::Pending));
    }
    let task = rt.scheduler.push_task(f, path);
    run_start(ctx.as_context_mut(), task, &deferred, caller)?;
    if !f.ty.is_async {
        concurrency::thread::run_sync_call(ctx.as_context_mut(), task, f.instance, caller)?;
    }
    Ok((task, how_started(ctx, task)?))
}

/// The spec's `trap_if(not inst.may_enter_from(caller))` for a call of
/// `f`: traps unless every instance the call enters may be entered.
pub(crate) fn check_enterable(
    rt: &super::Runtime,
    f: &LiftedFunc,
    caller: Option<ComponentInstanceId>,
) -> Result<(), Error> {
    if !rt.may_enter_all(f.instance, caller) {
        return trap("cannot enter component instance");
    }
    // As the suite expects for now, a component may not call into its own
    // descendants (the reverse direction finds its ancestor entered).
    if let Some(c) = caller
        && c != f.instance
        && rt.self_and_ancestors(f.instance).contains(&c)
    {
        return trap("cannot enter component instance");
    }
    Ok(())
}

/// Whether a new call of `f` has to wait in STARTING: backpressure, or
/// another exclusive task of the callee, holds it back (only calls of an
/// `async` type wait; others run at once).
///
/// With neither, a call that arrives while earlier ones still wait in
/// STARTING may join them or barge in and start at once: the spec's
/// `enter_implicit_thread` then waits on a condition that already holds,
/// and `wait_until` may return at once or block. The Store's schedule makes
/// that choice; FIFO always queues.
pub(crate) fn held_back(rt: &mut super::Runtime, f: &LiftedFunc) -> bool {
    let exclusive = !f.opts.is_async || f.opts.callback.is_some();
    if !f.ty.is_async {
        return false;
    }
    if rt.instances[f.instance].backpressure > 0
        || (exclusive && rt.scheduler.exclusive_in(f.instance, None))
    {
        return true;
    }
    rt.scheduler.has_deferred_in(f.instance) && rt.scheduler.rng.blocks_though_ready(true)
}

/// How the first run of task `task` ended, taking its result if it
/// resolved for a caller that keeps it.
fn how_started<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
) -> Result<Started, Error> {
    let sched = &mut ctx.data_mut().rt.scheduler;
    let t = sched.task_mut(task)?;
    let value = match t.on_resolve {
        OnResolve::Keep if t.resolved => t.returned.take(),
        OnResolve::Keep | OnResolve::Subtask { .. } => None,
    };
    sched.reap(task);
    Ok(match value {
        Some(v) => Started::Done(v),
        None => Started::Pending,
    })
}

/// Runs task `task`, which a fused adapter pushed and entered (the
/// innermost running task) and whose arguments it already moved into
/// `flat_args`, until it returns or blocks: the rest of `start_call`.
pub(crate) fn start_entered<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    flat_args: &[CoreVal],
    caller: ComponentInstanceId,
) -> Result<Started, Error> {
    let rt = &mut ctx.data_mut().rt;
    if rt.scheduler.current_task().map(|t| t.id) != Some(task) {
        return trap("adapter started a task that is not running");
    }
    let f = rt.scheduler.task_mut(task)?.func.clone();
    let (running, entered) = rt.scheduler.depth();
    super::concurrency::trace::enter(rt, task, f.instance);
    let result = run_body(&mut ctx, task, &f, flat_args);
    lazy::unwind(&mut ctx);
    let rt = &mut ctx.data_mut().rt;
    super::concurrency::trace::leave(rt, task);
    rt.scheduler
        .unwind_to((running - 1, entered.saturating_sub(1)));
    let entering = rt.entering_set(f.instance, Some(caller));
    flags::set_may_enter_all(&mut ctx, &entering, true);
    after_start(ctx.as_context_mut(), task, &f, Some(caller), &result, true);
    result?;
    if !f.ty.is_async {
        concurrency::thread::run_sync_call(ctx.as_context_mut(), task, f.instance, Some(caller))?;
    }
    how_started(ctx, task)
}

/// Runs task `task`'s core function until it returns or blocks: the spec's
/// `canon lift` up to the first block.
pub(crate) fn run_start<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    call: &Deferred,
    caller: Option<ComponentInstanceId>,
) -> Result<(), Error> {
    let f = &call.func;
    let mut started = false;
    let result = in_task(ctx.as_context_mut(), task, f.instance, caller, |ctx| {
        let flat_args = match &call.args {
            DeferredArgs::Vals(args) => {
                let tys: Vec<&Type> = f.ty.params.iter().map(|(_, t)| t).collect();
                let mut cx = Cx::new(ctx.as_context_mut(), f.opts.clone(), f.instance, call.path);
                cx.borrow_scope = Some(task);
                abi::lower_flat_values(&mut cx, MAX_FLAT_PARAMS, args, &tys)?
            }
            // The adapter moves the caller's arguments now, from its
            // memory as it is when the task starts.
            DeferredArgs::Flat { start, args } => {
                let ty = engine::func_type(&*ctx, start);
                let mut flat: Vec<CoreVal> = ty.results().iter().map(engine::default_val).collect();
                engine::call_plain(ctx.as_context_mut(), start, args, &mut flat)?;
                lent_at_start(&mut ctx.data_mut().rt, task)?;
                flat
            }
        };
        started = true;
        run_body(ctx, task, f, &flat_args)
    });
    after_start(ctx, task, f, caller, &result, started);
    result
}

/// After a fused adapter's `start` moved the arguments of deferred task
/// `task`: the borrows it lent (in the task's `lent`) end with the call,
/// so an `async` caller's subtask takes them as its lenders (the spec's
/// `Subtask.lenders`); for a blocked synchronous caller the task keeps
/// them until the caller resumes with the result.
fn lent_at_start(rt: &mut super::Runtime, task: TaskId) -> Result<(), Error> {
    let t = rt.scheduler.task_mut(task)?;
    let OnResolve::Subtask {
        caller, subtask, ..
    } = t.on_resolve.clone()
    else {
        return Ok(());
    };
    let lent = std::mem::take(&mut t.lent);
    if let Ok(Slot::Subtask(s)) = rt.instance(caller).handles.get_mut(subtask)
        && let Some(lenders) = &mut s.lenders
    {
        lenders.extend(lent);
    }
    Ok(())
}

/// Calls `f`'s core function with `flat_args` as task `task`'s thread.
fn run_body<T: 'static>(
    ctx: &mut CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    f: &LiftedFunc,
    flat_args: &[CoreVal],
) -> Result<(), Error> {
    let results: Vec<CoreVal> = f.core_results.iter().map(engine::default_val).collect();
    let ran = Thread::start(
        ctx.as_context_mut(),
        &f.core,
        flat_args,
        results,
        Step::Body,
    )?;
    after_step(ctx, task, Step::Body, ran)
}

/// After a start that failed: a trap, or any failure once the core code
/// `started`, poisons the instances the call entered, and the task ends.
fn after_start<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    f: &LiftedFunc,
    caller: Option<ComponentInstanceId>,
    result: &Result<(), Error>,
    started: bool,
) {
    let poisoned = match result {
        Ok(_) => false,
        Err(e) => started || e.as_trap().is_some(),
    };
    if poisoned {
        let entering = ctx.data().rt.entering_set(f.instance, caller);
        flags::set_may_enter_all(&mut ctx, &entering, false);
    }
    if result.is_err() {
        ctx.data_mut().rt.scheduler.pop_task(task);
    }
}

/// Runs `body` as task `task`'s code in `inst`, entered from `caller`:
/// clears `may_enter` of the instances it enters (the spec's
/// `enter_from`) and marks the task running, undoing both after. A failure
/// leaves the instances entered, so later calls trap ("poisoned"): the
/// caller decides that.
pub(crate) fn in_task<T: 'static, R>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    inst: ComponentInstanceId,
    caller: Option<ComponentInstanceId>,
    body: impl FnOnce(&mut CoreCtxMut<'_, StoreData<T>>) -> Result<R, Error>,
) -> Result<R, Error> {
    let rt = &mut ctx.data_mut().rt;
    let entering = rt.entering_set(inst, caller);
    let depth = rt.scheduler.depth();
    super::enter(&mut ctx, task, &entering)?;
    super::concurrency::trace::enter(&mut ctx.data_mut().rt, task, inst);
    let result = body(&mut ctx);
    // Also unwinds what fused adapters inside `body` pushed, if it trapped
    // (their lazy frames first).
    lazy::unwind(&mut ctx);
    let rt = &mut ctx.data_mut().rt;
    super::concurrency::trace::leave(rt, task);
    rt.scheduler.unwind_to(depth);
    flags::set_may_enter_all(&mut ctx, &entering, true);
    result
}

/// Handles how a step of task `task`'s thread ended: a blocked thread is
/// kept in the task (and the thread it switches to runs); a finished one
/// completes the step.
pub(crate) fn after_step<T: 'static>(
    ctx: &mut CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    step: Step,
    ran: Ran,
) -> Result<(), Error> {
    match (ran, step) {
        (Ran::Blocked(thread), _) => concurrency::thread::park(ctx, task, thread),
        (Ran::Done(_), Step::Spawned(i)) => {
            concurrency::thread::exit_spawned(&mut ctx.data_mut().rt, task, i)
        }
        (Ran::Done(results), Step::Body | Step::Callback) => {
            finish_step(ctx.as_context_mut(), task, step, &results)
        }
    }
}

/// Completes a step whose core function returned `results`: a callback
/// status, the end of a stackful async task, or a synchronous lift's result
/// (lifted, resolved, then `post-return`).
fn finish_step<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    step: Step,
    results: &[CoreVal],
) -> Result<(), Error> {
    let t = ctx.data_mut().rt.scheduler.task_mut(task)?;
    let (f, path) = (t.func.clone(), t.path);
    if f.opts.callback.is_some() {
        return finish_callback_step(ctx, task, results);
    }
    if f.opts.is_async {
        // A stackful async export returns its value through `task.return`.
        return exit_task(ctx, task);
    }
    debug_assert_eq!(step, Step::Body, "only callback lifts have callbacks");
    let mut cx = Cx::new(ctx.as_context_mut(), f.opts.clone(), f.instance, path);
    let result = abi::lift_results(&mut cx, results, f.ty.result.as_ref())?;
    ctx.data_mut().rt.scheduler.check_returned(task)?;
    resolve(ctx.as_context_mut(), task, result)?;
    if let Some(post_return) = f.opts.post_return {
        flags::set_may_leave(&mut ctx, f.instance, false);
        let r = engine::call_plain(ctx.as_context_mut(), &post_return, results, &mut []);
        flags::set_may_leave(&mut ctx, f.instance, true);
        r?;
    }
    ctx.data_mut().rt.scheduler.task_mut(task)?.exited = true;
    Ok(())
}

/// Routes the result of task `task` as its `on_resolve` says: kept for a
/// blocked caller, or stored into an async caller's memory and reported
/// as a `RETURNED` subtask event.
pub(crate) fn resolve<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    value: Option<Val>,
) -> Result<(), Error> {
    let t = ctx.data_mut().rt.scheduler.task_mut(task)?;
    if t.resolved {
        return trap("`task.return` called twice");
    }
    t.resolved = true;
    let on_resolve = t.on_resolve.clone();
    if let Some(kept) = deliver_returned(ctx.as_context_mut(), on_resolve, value)? {
        ctx.data_mut().rt.scheduler.task_mut(task)?.returned = Some(kept);
    }
    Ok(())
}

/// Routes a call's result as `on_resolve` says: stored into an async
/// caller's memory and reported as a `RETURNED` subtask event (`None`), or
/// handed back to keep for a blocked caller (`Some`).
pub(crate) fn deliver_returned<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    on_resolve: OnResolve,
    value: Option<Val>,
) -> Result<Option<Option<Val>>, Error> {
    match on_resolve {
        OnResolve::Keep => Ok(Some(value)),
        OnResolve::Subtask {
            caller,
            subtask,
            retptr,
            opts,
            ty,
        } => {
            if let (Some(ptr), Some(val), Some(rty)) = (retptr, value.as_ref(), ty.as_ref()) {
                let mut cx = Cx::new(ctx.as_context_mut(), opts, caller, Path::Adapter);
                abi::store_result(&mut cx, val, rty, ptr)?;
            }
            let rt = &mut ctx.data_mut().rt;
            if let Ok(Slot::Subtask(s)) = rt.instance(caller).handles.get_mut(subtask) {
                s.progress(SubtaskState::Returned);
            }
            Ok(None)
        }
    }
}

/// The spec's `Task.cancel`: task `task` (told of its cancellation)
/// resolves without a value; an async caller's subtask reports it as
/// cancelled before it started or returned.
pub(crate) fn resolve_cancelled<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
) -> Result<(), Error> {
    let t = ctx.data_mut().rt.scheduler.task_mut(task)?;
    if t.resolved {
        return trap("`task.cancel` called after the task resolved");
    }
    t.resolved = true;
    match t.on_resolve.clone() {
        OnResolve::Keep => t.returned = Some(None),
        OnResolve::Subtask {
            caller, subtask, ..
        } => {
            let rt = &mut ctx.data_mut().rt;
            if let Ok(Slot::Subtask(s)) = rt.instance(caller).handles.get_mut(subtask) {
                let state = match s.state {
                    SubtaskState::Starting => SubtaskState::CancelledBeforeStarted,
                    SubtaskState::Started
                    | SubtaskState::Returned
                    | SubtaskState::CancelledBeforeStarted
                    | SubtaskState::CancelledBeforeReturned => {
                        SubtaskState::CancelledBeforeReturned
                    }
                };
                s.progress(state);
            }
        }
    }
    Ok(())
}

/// The end of an async task's implicit thread: it must have resolved and
/// dropped every borrow it received, unless threads it spawned live on
/// (the last of them to end then checks).
fn exit_task<T: 'static>(mut ctx: CoreCtxMut<'_, StoreData<T>>, task: TaskId) -> Result<(), Error> {
    let sched = &mut ctx.data_mut().rt.scheduler;
    let t = sched.task_mut(task)?;
    if !t.resolved && t.spawned.is_empty() {
        return trap("async export finished without calling `task.return`");
    }
    if !t.resolved {
        t.exited = true;
        return Ok(());
    }
    sched.check_returned(task)?;
    sched.task_mut(task)?.exited = true;
    Ok(())
}

/// Interprets the status a callback-lifted task's core function (or its
/// callback) returned (CanonicalABI.md, `canon lift`): `EXIT` ends the
/// task, `YIELD` and `WAIT` park it until the event loop calls back.
fn finish_callback_step<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    results: &[CoreVal],
) -> Result<(), Error> {
    const EXIT: u32 = 0;
    const YIELD: u32 = 1;
    const WAIT: u32 = 2;
    let packed = match results.first() {
        Some(CoreVal::I32(p)) => *p as u32,
        _ => return trap("async callback returned no status"),
    };
    let wait = match packed & 0xf {
        EXIT => return exit_task(ctx.as_context_mut(), task),
        YIELD => Wait::Yield,
        WAIT => {
            let rt = &mut ctx.data_mut().rt;
            let inst = rt.scheduler.task_mut(task)?.inst;
            let set = HandleIdx::from_guest(packed >> 4)?;
            rt.instance(inst).handles.waitable_set_mut(set)?.num_waiting += 1;
            Wait::Set(set)
        }
        _ => return trap("unsupported callback code"),
    };
    let sched = &mut ctx.data_mut().rt.scheduler;
    sched.task_mut(task)?.wait = Some(wait);
    sched.stamp(task);
    Ok(())
}
