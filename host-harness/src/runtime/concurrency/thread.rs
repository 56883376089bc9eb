//! Cooperative threads (Concurrency.md, "Thread Built-ins"; CanonicalABI.md,
//! `canon thread.*`): the thread table of an instance, the built-ins that
//! create, suspend, resume and switch threads, and the loop a call of a
//! non-`async` function runs while its task blocks before returning.
//!
//! A task's implicit thread is kept in [`Task::thread`] while it is
//! paused; the threads `thread.new-indirect` adds are [`Spawned`] entries
//! of the task. Both are resumable core calls. A thread-table index is
//! given out when the guest first asks for one, and is looked up among
//! the instance's live tasks, so nothing has to be freed when a task ends.
//!
//! Switching (`thread.*-then-resume`, and `-then-promote` to a ready
//! thread) suspends the calling thread with a [`Blocked`] payload and
//! names the thread to run next in [`Scheduler::switch_to`]; once the
//! caller is parked, [`follow_switches`] runs that thread, and so on along
//! a chain of switches, in one loop rather than nested native frames.
//!
//! [`Task::thread`]: crate::runtime::task::Task::thread
//! [`Scheduler::switch_to`]: crate::runtime::task::Scheduler::switch_to

use super::builtins::{arg_u32, finish_blocked, take_pending_cancel};
use super::{check_may_block, finish_run, resume_thread, wait_is_over};
use crate::engine::{
    self, CoreAsContextMut, CoreCtxMut, CoreFunc, CoreStore, CoreVal, CoreValType, HostOutcome,
    Suspension,
};
use crate::error::{Error, trap};
use crate::runtime::builtins::check_may_leave;
use crate::runtime::call::{after_step, in_task};
use crate::runtime::store::StoreData;
use crate::runtime::task::{
    Blocked, Cancel, Spawned, SpawnedState, Step, Task, TaskId, Thread, ThreadIdx, ThreadKey,
};
use crate::runtime::{ComponentInstanceId, Runtime, flags};

/// What a thread is doing, as the spec's `Thread` predicates see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ThreadState {
    /// Running, or parked where no thread built-in may resume it (a
    /// callback task between events, a call waiting to start).
    Busy,
    /// Suspended: only an explicit resume continues it.
    Suspended,
    /// Waiting, and what it waits for has happened.
    Ready,
    /// Waiting for something that has not happened yet.
    Waiting,
}

fn paused_state(rt: &mut Runtime, inst: ComponentInstanceId, thread: &Thread) -> ThreadState {
    match thread.blocked {
        Blocked::Suspend { woken: false, .. } => ThreadState::Suspended,
        Blocked::Suspend { woken: true, .. } => ThreadState::Ready,
        Blocked::Wait { .. }
        | Blocked::Yield { .. }
        | Blocked::Cancel { .. }
        | Blocked::Copy { .. }
        | Blocked::Call { .. } => {
            if wait_is_over(rt, inst, thread, false) {
                ThreadState::Ready
            } else {
                ThreadState::Waiting
            }
        }
    }
}

/// The state of thread `key` of task `task`.
fn state_of(rt: &mut Runtime, task: TaskId, key: ThreadKey) -> ThreadState {
    let Ok(t) = rt.scheduler.task_mut(task) else {
        return ThreadState::Busy;
    };
    let inst = t.inst;
    match key {
        ThreadKey::Implicit => {
            let Some(thread) = t.thread.take() else {
                return ThreadState::Busy;
            };
            let state = paused_state(rt, inst, &thread);
            if let Ok(t) = rt.scheduler.task_mut(task) {
                t.thread = Some(thread);
            }
            state
        }
        ThreadKey::Spawned(i) => {
            let Some(s) = t.spawned.iter_mut().find(|s| s.index == i) else {
                return ThreadState::Busy;
            };
            match &s.state {
                SpawnedState::Fresh { woken: false, .. } => ThreadState::Suspended,
                SpawnedState::Fresh { woken: true, .. } => ThreadState::Ready,
                SpawnedState::Running => ThreadState::Busy,
                SpawnedState::Paused(_) => {
                    let SpawnedState::Paused(thread) =
                        std::mem::replace(&mut s.state, SpawnedState::Running)
                    else {
                        return ThreadState::Busy;
                    };
                    let state = paused_state(rt, inst, &thread);
                    if let Some(s) = spawned_mut(rt, task, i) {
                        s.state = SpawnedState::Paused(thread);
                    }
                    state
                }
            }
        }
    }
}

fn spawned_mut(rt: &mut Runtime, task: TaskId, i: ThreadIdx) -> Option<&mut Spawned> {
    let t = rt.scheduler.task_mut(task).ok()?;
    t.spawned.iter_mut().find(|s| s.index == i)
}

/// Whether the implicit thread of `t` is the one thread-table entry `i`.
fn implicit_is(t: &Task, i: ThreadIdx) -> bool {
    !t.exited && t.implicit_index == Some(i)
}

/// The thread at index `i` of `inst`'s thread table.
fn thread_at(
    rt: &Runtime,
    inst: ComponentInstanceId,
    i: u32,
) -> Result<(TaskId, ThreadKey), Error> {
    if i != 0 && i != u32::MAX {
        let idx = ThreadIdx::from_u32(i);
        for t in rt.scheduler.tasks_in(inst) {
            if implicit_is(t, idx) {
                return Ok((t.id, ThreadKey::Implicit));
            }
            if t.spawned.iter().any(|s| s.index == idx) {
                return Ok((t.id, ThreadKey::Spawned(idx)));
            }
        }
    }
    trap(format!("thread index {i} is not a live thread"))
}

/// The smallest thread-table index of `inst` that no live thread holds
/// (index 0 is never one, as in the spec's `Table`).
fn free_index(rt: &Runtime, inst: ComponentInstanceId) -> Result<ThreadIdx, Error> {
    let mut used: Vec<u32> = Vec::new();
    for t in rt.scheduler.tasks_in(inst) {
        used.extend(t.implicit_index.filter(|_| !t.exited).map(|i| i.as_u32()));
        used.extend(t.spawned.iter().map(|s| s.index.as_u32()));
    }
    used.sort_unstable();
    let mut next = 1u32;
    for u in used {
        if u == next {
            next += 1;
        } else if u > next {
            break;
        }
    }
    if next >= rt.limits.max_handles {
        return trap("thread table is full");
    }
    Ok(ThreadIdx::from_u32(next))
}

/// The index of the running thread of the running task.
fn current_index(rt: &mut Runtime) -> Result<ThreadIdx, Error> {
    let t = rt
        .scheduler
        .current_task()
        .map(|t| (t.id, t.inst, t.current, t.implicit_index));
    let Some((task, inst, current, implicit)) = t else {
        return trap("no task is running");
    };
    match (current, implicit) {
        (ThreadKey::Spawned(i), _) | (ThreadKey::Implicit, Some(i)) => Ok(i),
        (ThreadKey::Implicit, None) => {
            let i = free_index(rt, inst)?;
            rt.scheduler.task_mut(task)?.implicit_index = Some(i);
            Ok(i)
        }
    }
}

/// `thread.index`.
pub(crate) fn thread_index<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    inst: ComponentInstanceId,
) -> CoreFunc {
    engine::host_func(store, &[], &[CoreValType::I32], move |mut c, _, rets| {
        let mut ctx = c.as_context_mut();
        check_may_leave(&mut ctx, inst)?;
        let i = current_index(&mut ctx.data_mut().rt)?;
        rets[0] = CoreVal::I32(i.as_u32() as i32);
        Ok(())
    })
}

/// `thread.new-indirect`: a new, suspended thread of the running task that
/// will call the function at index `fi` of `table` with the closure
/// argument `c`. `wide`: the start function takes an `i64`.
pub(crate) fn thread_new_indirect<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    inst: ComponentInstanceId,
    table: engine::CoreTable,
    wide: bool,
) -> CoreFunc {
    // The closure argument is pointer-sized.
    let arg_ty = crate::abi::layout::ptr_type(wide);
    engine::host_func(
        store,
        &[CoreValType::I32, arg_ty],
        &[CoreValType::I32],
        move |mut c, args, rets| {
            let mut ctx = c.as_context_mut();
            check_may_leave(&mut ctx, inst)?;
            let fi = arg_u32(args, 0);
            let Some(func) = engine::table_func(&ctx, &table, fi) else {
                return trap(format!(
                    "thread.new-indirect: table element {fi} is out of bounds or null"
                ));
            };
            let ty = engine::func_type(&ctx, &func);
            if ty.params() != [arg_ty] || !ty.results().is_empty() {
                return trap("thread.new-indirect: the start function has the wrong type");
            }
            let arg = args.get(1).cloned().unwrap_or(CoreVal::I32(0));
            let rt = &mut ctx.data_mut().rt;
            super::limits::check_new_thread(rt)?;
            let index = free_index(rt, inst)?;
            let task = rt.scheduler.current_task_mut()?;
            task.spawned.push(Spawned {
                index,
                state: SpawnedState::Fresh {
                    func,
                    arg,
                    woken: false,
                },
                storage: [0; 2],
                since: 0,
            });
            rt.scheduler.spawned_bound += 1;
            rets[0] = CoreVal::I32(index.as_u32() as i32);
            Ok(())
        },
    )
}

/// The suspended thread at index `i` of `inst`, or a trap if it is not
/// suspended (the checks of `thread.resume-later` and `*-then-resume`).
fn suspended_at(
    rt: &mut Runtime,
    inst: ComponentInstanceId,
    i: u32,
) -> Result<(TaskId, ThreadKey), Error> {
    let (task, key) = thread_at(rt, inst, i)?;
    if state_of(rt, task, key) != ThreadState::Suspended {
        return trap(format!("thread {i} is not suspended"));
    }
    Ok((task, key))
}

/// `thread.resume-later`: makes the suspended thread at the index ready
/// to run; the scheduler resumes it at some later point.
pub(crate) fn thread_resume_later<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    inst: ComponentInstanceId,
) -> CoreFunc {
    engine::host_func(store, &[CoreValType::I32], &[], move |mut c, args, _| {
        let mut ctx = c.as_context_mut();
        check_may_leave(&mut ctx, inst)?;
        let rt = &mut ctx.data_mut().rt;
        let (task, key) = suspended_at(rt, inst, arg_u32(args, 0))?;
        let now = rt.scheduler.tick();
        let t = rt.scheduler.task_mut(task)?;
        match key {
            ThreadKey::Implicit => {
                if let Some(Thread {
                    blocked: Blocked::Suspend { woken, .. },
                    ..
                }) = &mut t.thread
                {
                    *woken = true;
                }
                t.since = now;
            }
            ThreadKey::Spawned(i) => {
                if let Some(s) = t.spawned.iter_mut().find(|s| s.index == i) {
                    match &mut s.state {
                        SpawnedState::Fresh { woken, .. }
                        | SpawnedState::Paused(Thread {
                            blocked: Blocked::Suspend { woken, .. },
                            ..
                        }) => *woken = true,
                        SpawnedState::Paused(_) | SpawnedState::Running => {}
                    }
                    s.since = now;
                }
            }
        }
        Ok(())
    })
}

/// What the calling thread does in a `thread.*` built-in that suspends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leave {
    /// `thread.suspend*`: it stays suspended until resumed explicitly.
    Suspend,
    /// `thread.yield*`: it stays ready to run.
    Yield,
}

/// Which thread a `thread.*` built-in switches to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// None (`thread.suspend`; `thread.yield` is in `builtins`).
    None,
    /// The suspended thread at the index (`*-then-resume`).
    Resume,
    /// The thread at the index if it is ready, else none (`*-then-promote`).
    Promote,
}

/// `thread.suspend`, `thread.{suspend,yield}-then-resume` and
/// `thread.{suspend,yield}-then-promote`: returns 1 if a cancellation of
/// the task was delivered instead (`cancellable` only), else 0 once the
/// thread continues.
pub(crate) fn thread_switch<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    inst: ComponentInstanceId,
    leave: Leave,
    target: Target,
    cancellable: bool,
) -> CoreFunc {
    let params: &[CoreValType] = match target {
        Target::None => &[],
        Target::Resume | Target::Promote => &[CoreValType::I32],
    };
    engine::host_func_suspendable(
        store,
        params,
        &[CoreValType::I32],
        move |mut c, args, rets| {
            let mut ctx = c.as_context_mut();
            check_may_leave(&mut ctx, inst)?;
            let rt = &mut ctx.data_mut().rt;
            let other = match target {
                Target::None => None,
                Target::Resume => Some(suspended_at(rt, inst, arg_u32(args, 0))?),
                Target::Promote => {
                    let (task, key) = thread_at(rt, inst, arg_u32(args, 0))?;
                    (state_of(rt, task, key) == ThreadState::Ready).then_some((task, key))
                }
            };
            if cancellable && take_pending_cancel(rt) {
                rets[0] = CoreVal::I32(1);
                return Ok(HostOutcome::Done);
            }
            let blocked = match leave {
                Leave::Suspend => Blocked::Suspend {
                    cancellable,
                    woken: false,
                },
                Leave::Yield => Blocked::Yield { cancellable },
            };
            match other {
                Some(other) => rt.scheduler.switch_to = Some(other),
                // With no thread to switch to, the thread blocks, which a
                // task that may not block may not do; a yield then just
                // goes on, as `thread.yield` does.
                None => {
                    if let Err(e) = check_may_block(rt) {
                        if leave == Leave::Yield {
                            rets[0] = CoreVal::I32(0);
                            return Ok(HostOutcome::Done);
                        }
                        return Err(e);
                    }
                }
            }
            Ok(HostOutcome::Suspend(Suspension::new(blocked)))
        },
    )
}

/// Keeps a thread that blocked in its task, then runs the thread its
/// built-in asked to switch to (if any).
pub(crate) fn park<T: 'static>(
    ctx: &mut CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    thread: Thread,
) -> Result<(), Error> {
    let rt = &mut ctx.data_mut().rt;
    match thread.step {
        Step::Spawned(i) => {
            let now = rt.scheduler.tick();
            match spawned_mut(rt, task, i) {
                Some(s) => {
                    s.state = SpawnedState::Paused(thread);
                    s.since = now;
                }
                None => return trap("a spawned thread blocked after it ended"),
            }
        }
        Step::Body | Step::Callback => {
            rt.scheduler.task_mut(task)?.thread = Some(thread);
            rt.scheduler.stamp(task);
        }
    }
    follow_switches(ctx)
}

/// Runs the threads switched to, one after the other, until one blocks
/// without naming another. Only the outermost call loops.
fn follow_switches<T: 'static>(ctx: &mut CoreCtxMut<'_, StoreData<T>>) -> Result<(), Error> {
    let sched = &mut ctx.data_mut().rt.scheduler;
    if sched.following {
        return Ok(());
    }
    sched.following = true;
    let r = loop {
        let Some((task, key)) = ctx.data_mut().rt.scheduler.switch_to.take() else {
            break Ok(());
        };
        let inst = ctx.data_mut().rt.scheduler.task_mut(task)?.inst;
        // The instance is entered already: the switch enters nothing.
        if let Err(e) = run_thread(ctx.as_context_mut(), task, key, Some(inst)) {
            break Err(e);
        }
    };
    let sched = &mut ctx.data_mut().rt.scheduler;
    sched.following = false;
    if r.is_err() {
        sched.switch_to = None;
    }
    r
}

/// Resumes thread `key` of task `task` (entered from `caller`).
pub(super) fn run_thread<T: 'static>(
    ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    key: ThreadKey,
    caller: Option<ComponentInstanceId>,
) -> Result<(), Error> {
    match key {
        ThreadKey::Implicit => resume_thread(ctx, task, caller),
        ThreadKey::Spawned(i) => resume_spawned(ctx, task, i, caller),
    }
}

/// Starts or continues spawned thread `i` of task `task`.
fn resume_spawned<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    i: ThreadIdx,
    caller: Option<ComponentInstanceId>,
) -> Result<(), Error> {
    let rt = &mut ctx.data_mut().rt;
    let t = rt.scheduler.task_mut(task)?;
    let (inst, cancel_pending) = (t.inst, t.cancel == Cancel::Pending);
    let Some(s) = spawned_mut(rt, task, i) else {
        return Ok(());
    };
    let state = std::mem::replace(&mut s.state, SpawnedState::Running);
    // A pending cancellation interrupts a wait that allows it.
    let cancelled =
        cancel_pending && matches!(&state, SpawnedState::Paused(th) if th.blocked.cancellable());
    if cancelled {
        rt.scheduler.task_mut(task)?.cancel = Cancel::Delivered;
    }
    let r = in_task(ctx.as_context_mut(), task, inst, caller, |ctx| {
        let t = ctx.data_mut().rt.scheduler.task_mut(task)?;
        let before = std::mem::replace(&mut t.current, ThreadKey::Spawned(i));
        let ran = match state {
            SpawnedState::Fresh { func, arg, .. } => Thread::start(
                ctx.as_context_mut(),
                &func,
                &[arg],
                Vec::new(),
                Step::Spawned(i),
            ),
            SpawnedState::Paused(thread) => {
                finish_blocked(ctx.as_context_mut(), inst, &thread.blocked, cancelled)
                    .and_then(|results| thread.resume(ctx.as_context_mut(), &results))
            }
            SpawnedState::Running => trap("a running thread cannot be resumed"),
        };
        let r = ran.and_then(|ran| after_step(ctx, task, Step::Spawned(i), ran));
        if let Ok(t) = ctx.data_mut().rt.scheduler.task_mut(task) {
            t.current = before;
        }
        r
    });
    finish_run(ctx, task, inst, r)
}

/// The end of spawned thread `i` of task `task`: its start function
/// returned. The last thread of a task to end must find it resolved.
pub(crate) fn exit_spawned(rt: &mut Runtime, task: TaskId, i: ThreadIdx) -> Result<(), Error> {
    let t = rt.scheduler.task_mut(task)?;
    let before = t.spawned.len();
    t.spawned.retain(|s| s.index != i);
    let ended = before - t.spawned.len();
    let unresolved = t.spawned.is_empty() && t.exited && !t.resolved;
    rt.scheduler.spawned_bound = rt.scheduler.spawned_bound.saturating_sub(ended);
    if unresolved {
        return trap("async export finished without calling `task.return`");
    }
    Ok(())
}

/// Whether ready thread `key` of task `t` may run while a call of a
/// non-`async` function waits in its instance: not the implicit thread of
/// a task that needs the instance to itself. This follows the suite
/// (`during-sync-call-no-exclusive-resume`): the current `definitions.py`
/// only skips `inst.exclusive_thread`, which is `None` while a callback
/// task waits between events, so it would resume such a task.
fn may_run_during_sync_call(t: &Task, key: ThreadKey) -> bool {
    match key {
        ThreadKey::Spawned(_) => true,
        ThreadKey::Implicit => !(t.exclusive && t.func_async),
    }
}

/// The ready threads of the tasks `pick` selects, oldest wait first.
fn ready_threads(rt: &mut Runtime, pick: impl Fn(&Task) -> bool) -> Vec<(TaskId, ThreadKey)> {
    // Every thread of the picked tasks that might be ready, with when it
    // started waiting; then the ones that are.
    let mut threads: Vec<(u64, TaskId, ThreadKey)> = Vec::new();
    for t in rt.scheduler.tasks().filter(|t| pick(t)) {
        if t.thread.is_some() && may_run_during_sync_call(t, ThreadKey::Implicit) {
            threads.push((t.since, t.id, ThreadKey::Implicit));
        }
        for s in &t.spawned {
            threads.push((s.since, t.id, ThreadKey::Spawned(s.index)));
        }
    }
    threads.retain(|(_, task, key)| state_of(rt, *task, *key) == ThreadState::Ready);
    threads.sort_by_key(|(since, ..)| *since);
    threads.into_iter().map(|(_, t, k)| (t, k)).collect()
}

/// The spawned threads that are ready to run, for the event loop (spawned
/// threads need no exclusive use of their instance).
pub(super) fn ready_spawned(rt: &mut Runtime, task: TaskId) -> Vec<(ThreadIdx, u64)> {
    let spawned: Vec<(ThreadIdx, u64)> = rt
        .scheduler
        .task(task)
        .map(|t| t.spawned.iter().map(|s| (s.index, s.since)).collect())
        .unwrap_or_default();
    spawned
        .into_iter()
        .filter(|(i, _)| {
            state_of(rt, task, ThreadKey::Spawned(*i)) == ThreadState::Ready
                || cancel_interrupts(rt, task, *i)
        })
        .collect()
}

/// Whether a pending cancellation of task `task` may interrupt the wait of
/// its spawned thread `i` (which makes the thread ready to run).
fn cancel_interrupts(rt: &Runtime, task: TaskId, i: ThreadIdx) -> bool {
    rt.scheduler.task(task).is_some_and(|t| {
        t.cancel == Cancel::Pending
            && t.spawned.iter().any(|s| {
                s.index == i
                    && matches!(&s.state, SpawnedState::Paused(th) if th.blocked.cancellable())
            })
    })
}

/// The top-level instance `inst` is nested in.
fn root(rt: &Runtime, mut inst: ComponentInstanceId) -> ComponentInstanceId {
    while let Some(p) = rt.instances[inst].parent {
        inst = p;
    }
    inst
}

/// Whether a task of a non-`async` function in `inst` may block before it
/// returned: Concurrency.md ("Blocking") lets it when other threads are
/// ready to run, which may unblock it (the current `definitions.py` has no
/// such check at all: it only traps at the end of `canon_lift` when no
/// thread of the instance is ready). As the suite expects, only threads
/// under the same top-level instance count (a thread left ready by an
/// earlier, unrelated instance does not), and a task that cannot find one
/// traps with "cannot block a synchronous task before returning"; one that
/// could, but whose instance has no thread that may run, traps in
/// [`run_sync_call`] with the deadlock message. Only instances that use
/// thread built-ins are held to this rule; the others keep the stricter
/// one (no blocking at all), which lets fused adapters call their
/// synchronous exports inline.
pub(super) fn others_ready(rt: &mut Runtime, inst: ComponentInstanceId) -> bool {
    if !rt.instances[inst].uses_threads {
        return false;
    }
    let top = root(rt, inst);
    let tasks: Vec<TaskId> = rt
        .scheduler
        .tasks()
        .filter(|t| root(rt, t.inst) == top)
        .map(|t| t.id)
        .collect();
    let callbacks_ready = tasks.iter().any(|id| {
        rt.scheduler
            .task(*id)
            .is_some_and(|t| t.wait == Some(crate::runtime::task::Wait::Yield))
    });
    // `tasks` is in id order, so a binary search finds a member.
    callbacks_ready || !ready_threads(rt, |t| tasks.binary_search(&t.id).is_ok()).is_empty()
}

/// The end of the spec's `canon lift` for a function without `async` in
/// its type: while task `task` (entered from `caller`) has not returned,
/// resume ready threads of its own instance that may run during the call;
/// trap when there is none.
pub(crate) fn run_sync_call<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    task: TaskId,
    inst: ComponentInstanceId,
    caller: Option<ComponentInstanceId>,
) -> Result<(), Error> {
    loop {
        let rt = &mut ctx.data_mut().rt;
        if rt.scheduler.task(task).is_none_or(|t| t.resolved) {
            return Ok(());
        }
        let candidates = ready_threads(rt, |t| t.inst == inst);
        let Some((t, key)) = super::pick_next(rt, &candidates, |(t, _)| *t) else {
            rt.scheduler.pop_task(task);
            let entering = rt.entering_set(inst, caller);
            flags::set_may_enter_all(&mut ctx, &entering, false);
            return trap("deadlock detected: event loop cannot make further progress");
        };
        run_thread(ctx.as_context_mut(), t, key, caller)?;
    }
}
