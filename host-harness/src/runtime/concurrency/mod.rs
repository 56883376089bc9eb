//! The scheduler loop of Concurrency.md: which waiting thread runs next.
//!
//! Tasks are started by calls (`runtime::call`). A thread that blocks (in
//! `waitable-set.wait`, `thread.yield`, or a synchronous call into a callee
//! that has not resolved) suspends: its core call is kept, paused, in its
//! task ([`Thread`]), together with what it waits for ([`Blocked`]). A
//! callback-lifted task parks between events (`YIELD`, `WAIT`) without a
//! stack, and a call may wait in STARTING for backpressure. The loop
//! ([`block_until`], run by the host's call) picks among the ready ones
//! with the Store's PRNG ([`rng`]) until the host's call resolves; if
//! nothing is ready, that is the spec's deadlock. Threads that
//! `thread.new-indirect` spawned, switching between threads, and the loop
//! a call of a non-`async` function runs in its own instance while it
//! blocks are in [`thread`].
//!
//! Calls between instances still nest host calls (`runtime::call`), but
//! each call's task runs on its own resumable core call, so a blocked
//! callee and its blocked caller suspend independently and resume in any
//! order. The adapter's async intrinsics (issue 7) plug in at
//! [`crate::runtime::call::start_call`] (start a call, get `Done` or
//! `Pending`), [`Blocked`] (suspend the calling thread) and
//! [`crate::runtime::call::resolve`] (deliver a result).

pub(crate) mod builtins;
pub(crate) mod host_call;
pub(crate) mod host_stream;
pub(crate) mod limits;
pub(crate) mod rng;
pub(crate) mod stream;
pub(crate) mod subtask;
pub(crate) mod thread;
pub(crate) mod trace;
pub(crate) mod waitable;

use super::call::{after_step, in_task, run_start};
use super::store::StoreData;
use super::task::{Blocked, Cancel, Step, TaskId, Thread, ThreadIdx, ThreadKey, Wait};
use super::{ComponentInstanceId, Runtime, flags};
use crate::engine::{CoreAsContextMut, CoreCtxMut, CoreVal};
use crate::error::{CallError, Error, trap};
use crate::index::SecondaryMap;
use waitable::Event;

/// What a blocked host call waits for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Until {
    /// Task `0` produced its result.
    Resolved(TaskId),
    /// The guest end of host-held channel `0` offers a copy the host can
    /// take part in (a write if `1`, the host reading; else a read), or
    /// was dropped.
    Offered(stream::ChannelId, bool),
}

impl Until {
    fn holds(self, rt: &mut Runtime) -> bool {
        match self {
            Self::Resolved(t) => Self::resolved(rt, t),
            Self::Offered(channel, host_reads) => host_stream::can_copy(rt, channel, host_reads),
        }
    }
}

impl Until {
    /// Whether task (or host call) `t` produced its result.
    pub(crate) fn resolved(rt: &Runtime, t: TaskId) -> bool {
        rt.scheduler.task(t).is_none_or(|t| t.resolved) && !rt.scheduler.host_calls.is_pending(t)
    }
}

/// Something the loop can run now.
#[derive(Debug, Clone, Copy)]
enum Ready {
    /// Run the callback of a parked task.
    Callback(TaskId),
    /// Start a call that waited in STARTING.
    Start(TaskId),
    /// Resume a suspended thread whose wait is over.
    Resume(TaskId),
    /// Start or resume a ready spawned thread of a task.
    Spawned(TaskId, ThreadIdx),
}

impl Ready {
    /// The task it runs (PCT's priorities are per task).
    fn task(self) -> TaskId {
        match self {
            Self::Callback(t) | Self::Start(t) | Self::Resume(t) | Self::Spawned(t, _) => t,
        }
    }
}

/// Whether the event loop (entering from the host) could enter `inst` now.
fn instance_enterable(rt: &Runtime, inst: ComponentInstanceId) -> bool {
    rt.may_enter_set(&rt.self_and_ancestors(inst))
}

/// Whether blocked thread `thread` of a task in `inst` may continue
/// (`cancel`: a cancellation waits to be delivered to the task).
pub(super) fn wait_is_over(
    rt: &Runtime,
    inst: ComponentInstanceId,
    thread: &Thread,
    cancel: bool,
) -> bool {
    if cancel && thread.blocked.cancellable() {
        return true;
    }
    let handles = &rt.instances[inst].handles;
    match &thread.blocked {
        Blocked::Wait { set, .. } => handles.set_has_pending(*set),
        Blocked::Yield { .. } => true,
        Blocked::Suspend { woken, .. } => *woken,
        Blocked::Cancel { subtask } => handles.waitable(*subtask).is_some_and(|w| w.pending),
        Blocked::Copy { end, .. } => handles.waitable(*end).is_some_and(|w| w.pending),
        Blocked::Call { callee, .. } => Until::resolved(rt, *callee),
    }
}

/// The tasks that could run now, oldest wait first (ties in table order,
/// deterministic), and whether every one of them only yielded (see
/// [`MAX_IDLE_YIELDS`]). One read-only pass over the live tasks: which
/// instances are held exclusively is counted in the same pass, and the
/// tasks it keeps out are dropped after it; which instances may be entered
/// is worked out once per instance, not once per task; the few tasks with
/// spawned threads are looked at after it.
fn ready(rt: &mut Runtime) -> (Vec<Ready>, bool) {
    let mut holders: SecondaryMap<ComponentInstanceId, u32> = SecondaryMap::new();
    let mut enterable: SecondaryMap<ComponentInstanceId, Option<bool>> = SecondaryMap::new();
    // (since, rank, what, whether it only yielded, its instance, whether
    // it holds that instance itself): rank `2k` for the spawned threads of
    // the `k`th task, `2k + 1` for the task itself, the order one scan of
    // the table would list them in.
    let mut found: Vec<(u64, usize, Ready, bool, ComponentInstanceId, bool)> = Vec::new();
    let mut with_spawned: Vec<(usize, TaskId)> = Vec::new();
    for (k, t) in rt.scheduler.tasks().enumerate() {
        let inst = t.inst;
        let holds = rt.scheduler.holds_exclusive(t);
        holders[inst] += u32::from(holds);
        if !*enterable[inst].get_or_insert_with(|| instance_enterable(rt, inst)) {
            continue;
        }
        // Spawned threads need no exclusive use of their instance.
        if !t.spawned.is_empty() {
            with_spawned.push((k, t.id));
        }
        let cancel = t.cancel == Cancel::Pending;
        let (next, yielded) = if t.deferred.is_some() {
            if rt.instances[inst].backpressure != 0 {
                continue;
            }
            (Ready::Start(t.id), false)
        } else if let Some(th) = &t.thread {
            if !wait_is_over(rt, inst, th, cancel) {
                continue;
            }
            (Ready::Resume(t.id), yielded(th))
        } else {
            let runnable = match t.wait {
                None => false,
                Some(_) if cancel => true,
                Some(Wait::Yield) => true,
                Some(Wait::Set(s)) => rt.instances[inst].handles.set_has_pending(s),
            };
            if !runnable {
                continue;
            }
            (Ready::Callback(t.id), t.wait == Some(Wait::Yield))
        };
        found.push((t.since, 2 * k + 1, next, yielded, inst, holds));
    }
    let mut only_yielders = true;
    let mut out: Vec<(u64, usize, Ready)> = Vec::with_capacity(found.len());
    for (since, rank, next, yielded, inst, holds) in found {
        // Another task has the instance to itself.
        if holders[inst] > u32::from(holds) {
            continue;
        }
        only_yielders &= yielded;
        out.push((since, rank, next));
    }
    for (k, id) in with_spawned {
        for (i, since) in thread::ready_spawned(rt, id) {
            only_yielders &= rt.scheduler.task(id).is_some_and(|t| {
                t.spawned.iter().any(|s| {
                    s.index == i
                        && matches!(&s.state, super::task::SpawnedState::Paused(th) if yielded(th))
                })
            });
            out.push((since, 2 * k, Ready::Spawned(id, i)));
        }
    }
    // Oldest wait first: the queue order a FIFO schedule follows. The scan
    // often finds them in that order already (tasks that waited in the
    // order they were created); checking is cheaper than sorting.
    let key = |(since, rank, _): &(u64, usize, Ready)| (*since, *rank);
    if !out.is_sorted_by_key(key) {
        out.sort_by_key(key);
    }
    (out.into_iter().map(|(.., r)| r).collect(), only_yielders)
}

/// Whether thread `th` is paused in a plain yield.
fn yielded(th: &Thread) -> bool {
    matches!(th.blocked, Blocked::Yield { .. })
}

/// Whether the current task may block whenever it likes: its function
/// type is `async`, or it already returned (the first half of
/// [`check_may_block`]'s rule, which needs no other thread to be ready).
pub(crate) fn may_block_at_will(rt: &Runtime) -> bool {
    rt.scheduler
        .current_task()
        .is_some_and(|t| t.func_async || t.resolved)
}

/// The spec's `may_block` rule for guest code about to block: a task of a
/// non-`async` function type may not block before it returned unless
/// other threads are ready to run ([`thread::others_ready`]), and code
/// outside any task (a core start function) may not block at all.
pub(crate) fn check_may_block(rt: &mut Runtime) -> Result<(), Error> {
    if may_block_at_will(rt) {
        return Ok(());
    }
    let Some(inst) = rt.scheduler.current_task().map(|t| t.inst) else {
        return trap("cannot block a synchronous task before returning");
    };
    if thread::others_ready(rt, inst) {
        return Ok(());
    }
    trap("cannot block a synchronous task before returning")
}

/// Blocks the host's call until `until` holds, running ready threads
/// meanwhile; traps on deadlock.
pub(crate) fn block_until<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    until: Until,
) -> Result<(), Error> {
    if until.holds(&mut ctx.data_mut().rt) {
        return Ok(());
    }
    // The host may always wait; guest code only as `may_block` allows.
    if ctx.data().rt.scheduler.current_task().is_some() {
        check_may_block(&mut ctx.data_mut().rt)?;
    }
    let released = release_entered(&mut ctx);
    let r = run_until(ctx.as_context_mut(), until);
    reacquire(&mut ctx, released);
    r
}

/// One of `candidates`, as the Store's PRNG chooses (`None` if empty): a
/// choice that is not a scheduling step (which thread of one task).
pub(super) fn pick<C: Copy>(rt: &mut Runtime, candidates: &[C]) -> Option<C> {
    if candidates.is_empty() {
        return None;
    }
    Some(candidates[rt.scheduler.rng.pick(candidates.len())])
}

/// Which of the ready `candidates` runs next, as the Store's schedule
/// chooses (`None` if empty): a scheduling step, where PCT follows the
/// priority of each candidate's task (`task_of`).
pub(super) fn pick_next<C: Copy>(
    rt: &mut Runtime,
    candidates: &[C],
    task_of: impl Fn(&C) -> TaskId,
) -> Option<C> {
    if candidates.is_empty() {
        return None;
    }
    let keys: Vec<u64> = candidates
        .iter()
        .map(|c| task_of(c).as_u32().into())
        .collect();
    Some(candidates[rt.scheduler.rng.pick_task(&keys)])
}

/// How many times in a row the loop may run only threads that yielded
/// before it gives up: they wait for something nothing can do.
const MAX_IDLE_YIELDS: u32 = 100_000;

fn run_until<T: 'static>(mut ctx: CoreCtxMut<'_, StoreData<T>>, until: Until) -> Result<(), Error> {
    let mut idle = 0;
    loop {
        if until.holds(&mut ctx.data_mut().rt) {
            return Ok(());
        }
        if host_call::poll_woken(ctx.as_context_mut())? {
            continue;
        }
        let (candidates, only_yielders) = ready(&mut ctx.data_mut().rt);
        let Some(next) = pick_next(&mut ctx.data_mut().rt, &candidates, |r| r.task()) else {
            if host_call::wait_for_wake(&ctx.data().rt)? {
                continue;
            }
            return trap("deadlock detected: event loop cannot make further progress");
        };
        let rt = &ctx.data().rt;
        // A yielding thread may be waiting for a host call to complete.
        let only_yielders = only_yielders && !rt.scheduler.host_calls.may_progress();
        idle = if only_yielders { idle + 1 } else { 0 };
        if idle > MAX_IDLE_YIELDS {
            return Err(CallError::Unsupported(
                "livelock: every ready thread keeps yielding and nothing else can run".into(),
            )
            .into());
        }
        run_ready(ctx.as_context_mut(), next)?;
    }
}

/// Lets go of the instances the blocking call entered, as the spec's calls
/// leave their instances when the callee blocks; returns them to take back
/// once the call continues.
fn release_entered<T>(ctx: &mut CoreCtxMut<'_, StoreData<T>>) -> Vec<ComponentInstanceId> {
    let rt = &mut ctx.data_mut().rt;
    let mark = rt.scheduler.block_marks.last().copied().unwrap_or(0);
    let released: Vec<ComponentInstanceId> = rt
        .scheduler
        .entered
        .get(mark..)
        .unwrap_or_default()
        .iter()
        .flatten()
        .copied()
        .collect();
    let depth = rt.scheduler.entered.len();
    rt.scheduler.block_marks.push(depth);
    flags::set_may_enter_all(ctx, &released, true);
    released
}

fn reacquire<T>(ctx: &mut CoreCtxMut<'_, StoreData<T>>, released: Vec<ComponentInstanceId>) {
    ctx.data_mut().rt.scheduler.block_marks.pop();
    flags::set_may_enter_all(ctx, &released, false);
}

fn run_ready<T: 'static>(mut ctx: CoreCtxMut<'_, StoreData<T>>, next: Ready) -> Result<(), Error> {
    match next {
        Ready::Start(task) => {
            let Some(deferred) = ctx.data_mut().rt.scheduler.take_deferred(task) else {
                return Ok(());
            };
            // The caller learns that its subtask started.
            if let super::task::OnResolve::Subtask {
                caller, subtask, ..
            } = ctx
                .data_mut()
                .rt
                .scheduler
                .task_mut(task)?
                .on_resolve
                .clone()
                && let Ok(super::handles::Slot::Subtask(s)) =
                    ctx.data_mut().rt.instance(caller).handles.get_mut(subtask)
            {
                s.progress(subtask::SubtaskState::Started);
            }
            trace::started(&mut ctx.data_mut().rt, task);
            run_start(ctx.as_context_mut(), task, &deferred, None)?;
            ctx.data_mut().rt.scheduler.reap(task);
            Ok(())
        }
        Ready::Callback(task) => run_callback(ctx.as_context_mut(), task, None),
        Ready::Resume(task) => resume_thread(ctx.as_context_mut(), task, None),
        Ready::Spawned(task, i) => {
            thread::run_thread(ctx.as_context_mut(), task, ThreadKey::Spawned(i), None)
        }
    }
}

/// Delivers the next event (or a pending cancellation) to parked callback
/// task `task` and runs its callback once, entered from `caller`.
fn run_callback<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    caller: Option<ComponentInstanceId>,
) -> Result<(), Error> {
    let rt = &mut ctx.data_mut().rt;
    let t = rt.scheduler.task_mut(task)?;
    let (inst, wait, callback) = (t.inst, t.wait.take(), t.func.opts.callback);
    let cancelled = t.cancel == Cancel::Pending;
    if cancelled {
        t.cancel = Cancel::Delivered;
    }
    let Some(callback) = callback else {
        return trap("task has no callback");
    };
    if let Some(Wait::Set(s)) = wait
        && let Ok(set) = rt.instances[inst].handles.waitable_set_mut(s)
    {
        set.num_waiting = set.num_waiting.saturating_sub(1);
    }
    let event = match wait {
        _ if cancelled => Event {
            code: waitable::EventCode::TaskCancelled,
            p1: 0,
            p2: 0,
        },
        None | Some(Wait::Yield) => Event::NONE,
        Some(Wait::Set(s)) => rt.instances[inst]
            .handles
            .take_set_event(s, &mut rt.scheduler.rng)?
            .unwrap_or(Event::NONE),
    };
    trace::delivered(rt, task, &event);
    let args = [
        CoreVal::I32(event.code.code() as i32),
        CoreVal::I32(event.p1 as i32),
        CoreVal::I32(event.p2 as i32),
    ];
    let r = in_task(ctx.as_context_mut(), task, inst, caller, |ctx| {
        let ran = Thread::start(
            ctx.as_context_mut(),
            &callback,
            &args,
            vec![CoreVal::I32(0)],
            Step::Callback,
        )?;
        after_step(ctx, task, Step::Callback, ran)
    });
    finish_run(ctx, task, inst, r)
}

/// Resumes task `task`'s suspended thread, entered from `caller`:
/// finishes the built-in it blocked in (delivering a pending cancellation
/// if the wait allows), then continues its core call.
pub(super) fn resume_thread<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    caller: Option<ComponentInstanceId>,
) -> Result<(), Error> {
    let t = ctx.data_mut().rt.scheduler.task_mut(task)?;
    let inst = t.inst;
    let Some(thread) = t.thread.take() else {
        return Ok(());
    };
    let cancelled = t.cancel == Cancel::Pending && thread.blocked.cancellable();
    if cancelled {
        t.cancel = Cancel::Delivered;
    }
    let r = in_task(ctx.as_context_mut(), task, inst, caller, |ctx| {
        let t = ctx.data_mut().rt.scheduler.task_mut(task)?;
        let before = std::mem::replace(&mut t.current, ThreadKey::Implicit);
        let import_results =
            builtins::finish_blocked(ctx.as_context_mut(), inst, &thread.blocked, cancelled)?;
        let step = thread.step;
        let ran = thread.resume(ctx.as_context_mut(), &import_results)?;
        let r = after_step(ctx, task, step, ran);
        if let Ok(t) = ctx.data_mut().rt.scheduler.task_mut(task) {
            t.current = before;
        }
        r
    });
    finish_run(ctx, task, inst, r)
}

/// After a step run by the loop: a trap poisons the instance; a task whose
/// thread ended is removed once nobody needs its result.
pub(super) fn finish_run<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    inst: ComponentInstanceId,
    r: Result<(), Error>,
) -> Result<(), Error> {
    if r.is_err() {
        let entering = ctx.data().rt.entering_set(inst, None);
        flags::set_may_enter_all(&mut ctx, &entering, false);
        ctx.data_mut().rt.scheduler.pop_task(task);
        return r;
    }
    let rt = &mut ctx.data_mut().rt;
    rt.scheduler.reap(task);
    Ok(())
}

/// The spec's `Task.request_cancellation`, from `caller`'s `subtask.cancel`:
/// a call still waiting to start resolves as cancelled at once; a task
/// parked or blocked where cancellation may interrupt it is told now (its
/// callback or thread runs here); otherwise the request is delivered at
/// its next cancellable wait. A pending host call is dropped and resolves
/// as cancelled at once.
pub(crate) fn request_cancellation<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    caller: ComponentInstanceId,
) -> Result<(), Error> {
    let rt = &mut ctx.data_mut().rt;
    if host_call::cancel(rt, task) {
        return Ok(());
    }
    let Ok(t) = rt.scheduler.task_mut(task) else {
        return Ok(());
    };
    t.cancel = Cancel::Pending;
    if rt.scheduler.take_deferred(task).is_some() {
        rt.scheduler.task_mut(task)?.cancel = Cancel::Delivered;
        super::call::resolve_cancelled(ctx.as_context_mut(), task)?;
        ctx.data_mut().rt.scheduler.pop_task(task);
        return Ok(());
    }
    let t = rt.scheduler.task_mut(task)?;
    let inst = t.inst;
    let parked = t.wait.is_some();
    // The threads a cancellation may interrupt: the implicit one, and
    // spawned ones, blocked where it may (the spec's `Thread.cancellable`).
    let mut candidates: Vec<ThreadKey> = Vec::new();
    if t.thread.as_ref().is_some_and(|th| th.blocked.cancellable()) {
        candidates.push(ThreadKey::Implicit);
    }
    candidates.extend(t.spawned.iter().filter_map(|s| match &s.state {
        super::task::SpawnedState::Paused(th) if th.blocked.cancellable() => {
            Some(ThreadKey::Spawned(s.index))
        }
        super::task::SpawnedState::Paused(_)
        | super::task::SpawnedState::Fresh { .. }
        | super::task::SpawnedState::Running => None,
    }));
    let enterable = rt.may_enter_set(&rt.entering_set(inst, Some(caller)));
    if !enterable {
        return Ok(());
    }
    // While another task has the instance to itself, only threads that
    // need no exclusivity (spawned ones) may take the cancellation now.
    if rt.scheduler.exclusive_in(inst, Some(task)) {
        candidates.retain(|k| *k != ThreadKey::Implicit);
    } else if parked {
        return run_callback(ctx.as_context_mut(), task, Some(caller));
    }
    let Some(key) = pick(rt, &candidates) else {
        return Ok(());
    };
    thread::run_thread(ctx.as_context_mut(), task, key, Some(caller))
}
