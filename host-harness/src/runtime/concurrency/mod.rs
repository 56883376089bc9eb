//! The scheduler loop of Concurrency.md: which waiting task runs next.
//!
//! Tasks are started by calls (`runtime::call`); a task lifted `async` with
//! a callback parks between events (`YIELD`, `WAIT`) without holding a
//! stack, and a call may wait in STARTING for backpressure. When a thread
//! blocks (a synchronous call into an unresolved async callee, or
//! `waitable-set.wait`), [`block_until`] runs the ready parked tasks, picked
//! by the Store's PRNG ([`rng`]), until the blocked thread's condition
//! holds; if nothing is ready, that is the spec's deadlock.
//!
//! Today a blocked thread waits on the native stack: cross-instance calls
//! still nest host calls (`runtime::call`), so a thread blocked below
//! another cannot resume before it. Once calls between instances are fused
//! adapters (one core call per thread), the adapter's async intrinsics
//! suspend the whole chain instead and this loop resumes it by value.

pub(crate) mod builtins;
pub(crate) mod rng;
pub(crate) mod subtask;
pub(crate) mod waitable;

use super::call::{Started, finish_callback_step, run_start};
use super::store::StoreData;
use super::task::{TaskId, Thread, Wait};
use super::{ComponentInstanceId, Runtime};
use crate::engine::{CoreAsContextMut, CoreCtxMut, CoreVal};
use crate::error::{CallError, Error, trap};
use waitable::Event;

/// What a blocked thread waits for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Until {
    /// Task `0` produced its result.
    Resolved(TaskId),
    /// Waitable set `1` of instance `0` has a pending event.
    SetEvent(ComponentInstanceId, super::handles::HandleIdx),
}

impl Until {
    fn holds(self, rt: &mut Runtime) -> bool {
        match self {
            Self::Resolved(t) => rt.scheduler.task(t).is_none_or(|t| t.resolved),
            Self::SetEvent(inst, s) => rt.instance(inst).handles.set_has_pending(s),
        }
    }
}

/// Something the loop can run now.
#[derive(Debug, Clone, Copy)]
enum Ready {
    /// Run the callback of a parked task.
    Callback(TaskId),
    /// Start a call that waited in STARTING.
    Start(TaskId),
}

/// Whether the event loop (entering from the host) could enter `inst` now.
fn instance_enterable(rt: &Runtime, inst: ComponentInstanceId) -> bool {
    rt.self_and_ancestors(inst)
        .iter()
        .all(|i| rt.instances[*i].may_enter)
}

/// The tasks that could run now, in table order (deterministic).
fn ready(rt: &mut Runtime) -> Vec<Ready> {
    let mut out = Vec::new();
    let snapshot: Vec<(TaskId, ComponentInstanceId, Option<Wait>, bool, bool)> = rt
        .scheduler
        .tasks()
        .iter()
        .map(|t| (t.id, t.inst, t.wait, t.deferred.is_some(), t.exclusive))
        .collect();
    for (id, inst, wait, deferred, exclusive) in snapshot {
        if !instance_enterable(rt, inst) || rt.scheduler.exclusive_in(inst) {
            continue;
        }
        if deferred {
            let bp = rt.instances[inst].backpressure > 0;
            if !bp && (!exclusive || !rt.scheduler.exclusive_in(inst)) {
                out.push(Ready::Start(id));
            }
            continue;
        }
        let runnable = match wait {
            None => false,
            Some(Wait::Yield) => true,
            Some(Wait::Set(s)) => rt.instance(inst).handles.set_has_pending(s),
        };
        if runnable {
            out.push(Ready::Callback(id));
        }
    }
    out
}

/// The spec's `may_block` rule for the running task: a task of a
/// non-`async` function type may not block before it returned.
pub(crate) fn check_may_block(rt: &Runtime) -> Result<(), Error> {
    match rt.scheduler.current_task() {
        Some(t) if !t.func_async && !t.resolved => {
            trap("cannot block a synchronous task before returning")
        }
        Some(_) | None => Ok(()),
    }
}

/// Blocks the running thread until `until` holds, running other ready
/// tasks meanwhile; traps on deadlock.
pub(crate) fn block_until<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    until: Until,
) -> Result<(), Error> {
    if until.holds(&mut ctx.data_mut().rt) {
        return Ok(());
    }
    check_may_block(&ctx.data().rt)?;
    let released = release_entered(&mut ctx.data_mut().rt);
    let r = run_until(ctx.as_context_mut(), until);
    reacquire(&mut ctx.data_mut().rt, released);
    r
}

/// Runs at most one ready task other than the running thread (the spec's
/// `thread.yield`): returns whether one ran.
pub(crate) fn yield_once<T: 'static>(mut ctx: CoreCtxMut<'_, StoreData<T>>) -> Result<bool, Error> {
    if ready(&mut ctx.data_mut().rt).is_empty() {
        return Ok(false);
    }
    let released = release_entered(&mut ctx.data_mut().rt);
    let candidates = ready(&mut ctx.data_mut().rt);
    let r = match pick(&mut ctx.data_mut().rt, &candidates) {
        Some(next) => run_ready(ctx.as_context_mut(), next).map(|()| true),
        None => Ok(false),
    };
    reacquire(&mut ctx.data_mut().rt, released);
    r
}

fn pick(rt: &mut Runtime, candidates: &[Ready]) -> Option<Ready> {
    if candidates.is_empty() {
        return None;
    }
    Some(candidates[rt.scheduler.rng.pick(candidates.len())])
}

/// How many times in a row the loop may run only tasks that yielded
/// (`YIELD`) before it gives up: such tasks wait for something else, and
/// if nothing else can run, they would spin forever.
const MAX_IDLE_YIELDS: u32 = 100_000;

fn run_until<T: 'static>(mut ctx: CoreCtxMut<'_, StoreData<T>>, until: Until) -> Result<(), Error> {
    let mut idle = 0;
    loop {
        if until.holds(&mut ctx.data_mut().rt) {
            return Ok(());
        }
        let candidates = ready(&mut ctx.data_mut().rt);
        let Some(next) = pick(&mut ctx.data_mut().rt, &candidates) else {
            return trap("deadlock detected: event loop cannot make further progress");
        };
        let only_yielders = candidates.iter().all(|c| match c {
            Ready::Callback(t) => ctx
                .data()
                .rt
                .scheduler
                .task(*t)
                .is_some_and(|t| t.wait == Some(Wait::Yield)),
            Ready::Start(_) => false,
        });
        idle = if only_yielders { idle + 1 } else { 0 };
        if idle > MAX_IDLE_YIELDS {
            return Err(CallError::Unsupported(
                "every ready task keeps yielding while the blocked thread waits; resuming a \
                 thread blocked below another needs stack switching (adapters)"
                    .into(),
            )
            .into());
        }
        run_ready(ctx.as_context_mut(), next)?;
    }
}

/// Lets go of the instances the blocking thread's calls entered, as the
/// spec's calls leave their instances when the callee blocks; returns them
/// to take back once the thread continues.
fn release_entered(rt: &mut Runtime) -> Vec<ComponentInstanceId> {
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
    for i in &released {
        rt.instance(*i).may_enter = true;
    }
    let depth = rt.scheduler.entered.len();
    rt.scheduler.block_marks.push(depth);
    released
}

fn reacquire(rt: &mut Runtime, released: Vec<ComponentInstanceId>) {
    rt.scheduler.block_marks.pop();
    for i in released {
        rt.instance(i).may_enter = false;
    }
}

fn run_ready<T: 'static>(mut ctx: CoreCtxMut<'_, StoreData<T>>, next: Ready) -> Result<(), Error> {
    match next {
        Ready::Start(task) => {
            let Some(deferred) = ctx.data_mut().rt.scheduler.task_mut(task)?.deferred.take() else {
                return Ok(());
            };
            match run_start(ctx.as_context_mut(), task, &deferred, None)? {
                Started::Done(value) => super::call::resolve(ctx.as_context_mut(), task, value),
                Started::Pending => Ok(()),
            }
        }
        Ready::Callback(task) => run_callback(ctx.as_context_mut(), task),
    }
}

/// Delivers the next event to parked callback task `task` and runs its
/// callback once.
fn run_callback<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
) -> Result<(), Error> {
    let rt = &mut ctx.data_mut().rt;
    let t = rt.scheduler.task_mut(task)?;
    let (inst, wait, callback) = (t.inst, t.wait.take(), t.callback);
    let Some(callback) = callback else {
        return trap("task has no callback");
    };
    let event = match wait {
        None | Some(Wait::Yield) => Event::NONE,
        Some(Wait::Set(s)) => {
            let rt = &mut *rt;
            let table = &mut rt.instances[inst].handles;
            if let Ok(set) = table.waitable_set_mut(s) {
                set.num_waiting = set.num_waiting.saturating_sub(1);
            }
            table
                .take_set_event(s, &mut rt.scheduler.rng)?
                .unwrap_or(Event::NONE)
        }
    };
    let entering = rt.entering_set(inst, None);
    for i in &entering {
        rt.instance(*i).may_enter = false;
    }
    rt.scheduler.entered.push(entering.clone());
    rt.scheduler.enter_thread(task);
    let args = [
        CoreVal::I32(event.code.code() as i32),
        CoreVal::I32(event.p1 as i32),
        CoreVal::I32(event.p2 as i32),
    ];
    let mut out = [CoreVal::I32(0)];
    let r = Thread::start(ctx.as_context_mut(), &callback, &args, &mut out)
        .and_then(|t| t.run_to_completion(ctx.as_context_mut(), &mut out));
    let rt = &mut ctx.data_mut().rt;
    rt.scheduler.exit_thread();
    rt.scheduler.entered.pop();
    r?;
    for i in &entering {
        rt.instance(*i).may_enter = true;
    }
    let done = finish_callback_step(ctx.as_context_mut(), task, &out)?;
    if done {
        let value = ctx.data_mut().rt.scheduler.task_mut(task)?.returned.take();
        if let Some(value) = value {
            super::call::resolve(ctx.as_context_mut(), task, value)?;
        }
    }
    Ok(())
}
