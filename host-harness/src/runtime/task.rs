//! Tasks and threads (Concurrency.md, "Tasks" and "Threads").
//!
//! Every call into a guest creates a [`Task`] (which tracks the borrows it
//! received and how its result reaches the caller) with one implicit
//! [`Thread`]. A thread is a resumable core call. Tasks live in the
//! [`Scheduler`]'s table while they run or wait; `runtime::concurrency`
//! holds the event loop that decides which waiting task runs next.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::Arc;

use crate::engine::{
    CoreAsContextMut, CoreCall, CoreFunc, CoreMemory, CoreVal, HasCoreLimits, SuspendedCall,
};
use crate::error::{Error, trap};
use crate::types::Type;
use crate::values::Val;

use super::concurrency::host_call::HostCalls;
use super::concurrency::rng::SchedRng;
use super::concurrency::stream::{Channel, ChannelId, EndKind};
use super::handles::HandleIdx;
use super::{ComponentInstanceId, LiftedFunc, RtOptions};
use crate::abi::Path;
use crate::index::PrimaryMap;
use crate::index::index_type;

index_type! {
    /// Identifies a live task: a serial number, fresh for every call.
    pub(crate) struct TaskId("task");
}

index_type! {
    /// A thread's index in its instance's thread table, as the guest sees
    /// it (`thread.index`, `thread.new-indirect`).
    pub(crate) struct ThreadIdx("thread");
}

/// Which of a task's threads: the implicit one every call creates, or one
/// `thread.new-indirect` spawned (by its thread-table index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ThreadKey {
    Implicit,
    Spawned(ThreadIdx),
}

/// Where a spawned thread is.
#[derive(Debug)]
pub(crate) enum SpawnedState {
    /// Not started yet: it will call `func` with `arg`. `woken`: a
    /// `thread.resume-later` made it ready to run.
    Fresh {
        func: CoreFunc,
        arg: CoreVal,
        woken: bool,
    },
    /// Paused in its core call (why: [`Thread::blocked`]).
    Paused(Thread),
    /// On the native stack now.
    Running,
}

/// A thread `thread.new-indirect` added to a task.
#[derive(Debug)]
pub(crate) struct Spawned {
    pub(crate) index: ThreadIdx,
    pub(crate) state: SpawnedState,
    /// Its `context.{get,set}` storage.
    pub(crate) storage: [u64; 2],
    /// When it last started waiting (see [`Task::since`]).
    pub(crate) since: u64,
}

/// What a parked callback task waits for before its callback runs again
/// (the `YIELD` and `WAIT` callback codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    Yield,
    Set(HandleIdx),
}

/// How far a cancellation request of a task got (the spec's
/// `PENDING_CANCEL` and `CANCEL_DELIVERED` task states).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cancel {
    NotRequested,
    /// Requested; delivered at the task's next cancellable wait.
    Pending,
    /// The task was told (`TASK_CANCELLED`); it may now `task.cancel`.
    Delivered,
}

impl Blocked {
    /// Whether a cancellation may interrupt this wait.
    pub(crate) fn cancellable(&self) -> bool {
        match self {
            Self::Wait { cancellable, .. }
            | Self::Yield { cancellable }
            | Self::Suspend { cancellable, .. } => *cancellable,
            Self::Copy { .. } | Self::Call { .. } | Self::Cancel { .. } => false,
        }
    }
}

/// Where a task's result goes (the spec's `on_resolve`).
#[derive(Debug, Clone)]
pub(crate) enum OnResolve {
    /// Kept in [`Task::returned`] for a caller blocked on the task (a
    /// synchronous lowering, or the host).
    Keep,
    /// Stored through the caller's `canon lower async` options into its
    /// memory, and reported as a `SUBTASK` event of handle `subtask`.
    Subtask {
        caller: ComponentInstanceId,
        subtask: HandleIdx,
        retptr: Option<u64>,
        opts: RtOptions,
        ty: Option<Type>,
    },
}

/// A call that has not started yet: backpressure or another exclusive
/// task of the callee kept it in STARTING.
#[derive(Debug, Clone)]
pub(crate) struct Deferred {
    pub(crate) func: Arc<LiftedFunc>,
    pub(crate) args: DeferredArgs,
    pub(crate) path: Path,
}

/// The arguments of a [`Deferred`] call.
#[derive(Debug, Clone)]
pub(crate) enum DeferredArgs {
    /// Lifted by the host path when the call was made.
    Vals(Vec<Val>),
    /// The caller's core arguments as a fused adapter received them: its
    /// `start` function moves them into the callee when the task starts
    /// (the spec's `on_start`, which lifts them only then).
    Flat { start: CoreFunc, args: Vec<CoreVal> },
}

/// The spec's `Task`: one call into a component instance.
#[derive(Debug)]
pub(crate) struct Task {
    pub(crate) id: TaskId,
    /// The instance the task runs in (the spec's `Task.inst`).
    pub(crate) inst: ComponentInstanceId,
    /// Borrowed handles lowered into this task and not yet dropped.
    pub(crate) num_borrows: u32,
    /// The implicit thread's `context.{get,set}` storage.
    pub(crate) storage: [u64; 2],
    /// The implicit thread's thread-table index, given out the first time
    /// something asks for it (`thread.index`): the suite observes only
    /// that indices are distinct, and a lazy index needs no bookkeeping
    /// for the many calls that never use threads.
    pub(crate) implicit_index: Option<ThreadIdx>,
    /// The threads `thread.new-indirect` added to the task that have not
    /// returned yet.
    pub(crate) spawned: Vec<Spawned>,
    /// Which of the task's threads runs when the task is running.
    pub(crate) current: ThreadKey,
    /// Whether the callee was lifted `async` (so returns via `task.return`).
    pub(crate) is_async: bool,
    /// Whether the function type is `async` (so the task may block before
    /// it returns).
    pub(crate) func_async: bool,
    /// Whether the task runs one event at a time with the instance to
    /// itself (the spec's `needs_exclusive`: callback or sync lifts).
    pub(crate) exclusive: bool,
    /// The value passed to `task.return` (or the lifted result), once
    /// produced and not yet taken by a blocked caller.
    pub(crate) returned: Option<Option<Val>>,
    /// The caller's owned handles a fused adapter lent to this call as
    /// borrows; their lends end when the adapter exits.
    pub(crate) lent: Vec<HandleIdx>,
    /// For a task a fused adapter started: the task it was called from.
    pub(crate) adapter_caller: Option<TaskId>,
    /// Whether the task produced its result (the spec's `RESOLVED`).
    pub(crate) resolved: bool,
    /// Where the result goes.
    pub(crate) on_resolve: OnResolve,
    /// What the parked callback task waits for.
    pub(crate) wait: Option<Wait>,
    /// The call, while it waits to start.
    pub(crate) deferred: Option<Deferred>,
    /// Whether the task's implicit thread ended.
    pub(crate) exited: bool,
    /// The task's thread, while it is blocked.
    pub(crate) thread: Option<Thread>,
    /// Cancellation of the task.
    pub(crate) cancel: Cancel,
    /// When the task last started waiting (parked, blocked or deferred),
    /// on the scheduler's clock: the FIFO order of the ready queue.
    pub(crate) since: u64,
    /// The lifted function the task runs.
    pub(crate) func: Arc<LiftedFunc>,
    /// How values cross into the task (for traps and copies).
    pub(crate) path: Path,
}

/// Live tasks, the stack of running ones, and the seeded PRNG.
#[derive(Debug, Default)]
pub(crate) struct Scheduler {
    /// Live tasks by id. Ids are serial numbers that are never reused, so
    /// a dense `PrimaryMap` would keep a slot for every call ever made; an
    /// ordered map finds a task in O(log n) and iterates in id order, which
    /// is creation order: the deterministic order every scan relies on.
    ///
    /// A `Task` is large and every synchronous call between instances
    /// makes and ends one, so they are boxed: a node of the map then
    /// moves pointers, not tasks, as it fills and empties.
    tasks: BTreeMap<TaskId, Box<Task>>,
    /// The live tasks of each instance, in id order (a task's instance
    /// never changes): what a per-instance question walks instead of the
    /// whole table.
    by_instance: BTreeSet<(ComponentInstanceId, TaskId)>,
    next_id: u32,
    /// Whether `next_id` went past the last id and started again: a newer
    /// task may then have a smaller id.
    ids_wrapped: bool,
    /// Tasks whose code is on the native stack, innermost last.
    running: Vec<TaskId>,
    /// Instances each active call entered (`may_enter` cleared), innermost
    /// last; a thread that blocks lets go of the ones it entered.
    pub(crate) entered: Vec<Vec<ComponentInstanceId>>,
    /// Where each blocked thread's frames begin in `entered`.
    pub(crate) block_marks: Vec<usize>,
    pub(crate) rng: SchedRng,
    /// Counts waits, to order the ready queue.
    clock: u64,
    /// Every stream and future (their shared state).
    pub(crate) channels: PrimaryMap<ChannelId, Channel>,
    /// The thread a `thread.*-then-{resume,promote}` asked to switch to,
    /// run as soon as the asking thread has been parked.
    pub(crate) switch_to: Option<(TaskId, ThreadKey)>,
    /// Whether switches are being followed further out on the native
    /// stack (so a thread switched to does not nest another loop).
    pub(crate) following: bool,
    /// Subtask handles in any instance not yet dropped (`concurrency::limits`).
    pub(crate) live_subtasks: usize,
    /// Pending calls of async host functions.
    pub(crate) host_calls: HostCalls,
    /// Every task whose call waits in STARTING (`Task::deferred` set), and
    /// perhaps some that no longer do: a superset, so that asking whether
    /// an instance has such a call looks at a few tasks, not all.
    deferred_tasks: BTreeSet<TaskId>,
    /// At least the number of live spawned threads (one added per spawn,
    /// one taken per thread that ends; a task that ends with threads left
    /// leaves its count behind): the limit check counts exactly only when
    /// this bound reaches the limit.
    pub(crate) spawned_bound: usize,
    /// Host calls dropped unfinished, whose results nobody will take.
    pub(crate) abandoned: super::pending::Abandoned,
}

impl Scheduler {
    /// A task id no live task has (also names host calls).
    pub(crate) fn fresh_id(&mut self) -> TaskId {
        let id = TaskId::from_u32(self.next_id);
        // `u32::MAX` is the index type's reserved value: wrap before it.
        self.next_id = (self.next_id + 1) % u32::MAX;
        self.ids_wrapped |= self.next_id == 0;
        id
    }

    pub(crate) fn push_task(&mut self, f: &Arc<LiftedFunc>, path: Path) -> TaskId {
        let id = self.fresh_id();
        let task = Task {
            id,
            inst: f.instance,
            num_borrows: 0,
            storage: [0; 2],
            implicit_index: None,
            spawned: Vec::new(),
            current: ThreadKey::Implicit,
            is_async: f.opts.is_async,
            func_async: f.ty.is_async,
            exclusive: !f.opts.is_async || f.opts.callback.is_some(),
            returned: None,
            lent: Vec::new(),
            adapter_caller: None,
            resolved: false,
            on_resolve: OnResolve::Keep,
            wait: None,
            deferred: None,
            exited: false,
            thread: None,
            cancel: Cancel::NotRequested,
            since: 0,
            func: f.clone(),
            path,
        };
        self.tasks.insert(id, Box::new(task));
        self.by_instance.insert((f.instance, id));
        id
    }

    /// Pushes the Task of a call a fused adapter makes, from the running
    /// task (which ends the new one too if the call traps past its exit).
    pub(crate) fn push_adapter_task(&mut self, f: &Arc<LiftedFunc>) -> TaskId {
        let caller = self.current_task().map(|t| t.id);
        let id = self.push_task(f, Path::Adapter);
        if let Some(t) = self.tasks.get_mut(&id) {
            t.adapter_caller = caller;
        }
        id
    }

    pub(crate) fn task_mut(&mut self, id: TaskId) -> Result<&mut Task, Error> {
        match self.tasks.get_mut(&id) {
            Some(t) => Ok(&mut **t),
            None => trap("task is no longer live"),
        }
    }

    pub(crate) fn task(&self, id: TaskId) -> Option<&Task> {
        self.tasks.get(&id).map(|t| &**t)
    }

    /// The live tasks, oldest first.
    pub(crate) fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.tasks.values().map(|t| &**t)
    }

    /// The live tasks of `inst`, oldest first.
    pub(crate) fn tasks_in(&self, inst: ComponentInstanceId) -> impl Iterator<Item = &Task> {
        let first = (inst, TaskId::from_u32(0));
        // `u32::MAX` is the index type's reserved value, never an id.
        let last = (inst, TaskId::from_u32(u32::MAX - 1));
        (self.by_instance.range(first..=last))
            .filter_map(|(_, id)| self.tasks.get(id).map(|t| &**t))
    }

    /// How many tasks are live.
    pub(crate) fn task_count(&self) -> usize {
        self.tasks.len()
    }

    /// Makes task `id`'s call wait in STARTING with `call`.
    pub(crate) fn defer(&mut self, id: TaskId, call: Deferred) -> Result<(), Error> {
        self.task_mut(id)?.deferred = Some(call);
        self.deferred_tasks.insert(id);
        Ok(())
    }

    /// Takes task `id`'s call out of STARTING, if it waits there.
    pub(crate) fn take_deferred(&mut self, id: TaskId) -> Option<Deferred> {
        self.deferred_tasks.remove(&id);
        self.tasks.get_mut(&id)?.deferred.take()
    }

    /// Whether a call of `inst` waits in STARTING.
    pub(crate) fn has_deferred_in(&self, inst: ComponentInstanceId) -> bool {
        self.deferred_tasks.iter().any(|id| {
            self.tasks
                .get(id)
                .is_some_and(|t| t.inst == inst && t.deferred.is_some())
        })
    }

    /// The `context.{get,set}` storage of the running thread.
    pub(crate) fn current_storage_mut(&mut self) -> Result<&mut [u64; 2], Error> {
        let task = self.current_task_mut()?;
        match task.current {
            ThreadKey::Implicit => Ok(&mut task.storage),
            ThreadKey::Spawned(i) => match task.spawned.iter_mut().find(|s| s.index == i) {
                Some(s) => Ok(&mut s.storage),
                None => trap("the running thread is no longer live"),
            },
        }
    }

    /// The clock's next tick (see [`Task::since`]).
    pub(crate) fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// Marks task `id`'s code as running (on the native stack).
    pub(crate) fn enter_thread(&mut self, id: TaskId) {
        self.running.push(id);
    }

    pub(crate) fn exit_thread(&mut self) {
        self.running.pop();
    }

    /// How deep the running and entered stacks are, to unwind to.
    pub(crate) fn depth(&self) -> (usize, usize) {
        (self.running.len(), self.entered.len())
    }

    /// Unwinds the running and entered stacks to `depth`: what fused
    /// adapters pushed inside a call that trapped past their exit.
    pub(crate) fn unwind_to(&mut self, (running, entered): (usize, usize)) {
        self.running.truncate(running);
        self.entered.truncate(entered);
    }

    /// The task whose thread is running (the innermost one).
    pub(crate) fn current_task_mut(&mut self) -> Result<&mut Task, Error> {
        match self.running.last() {
            Some(id) => self.task_mut(*id),
            None => trap("no task is running"),
        }
    }

    pub(crate) fn current_task(&self) -> Option<&Task> {
        self.running.last().and_then(|id| self.task(*id))
    }

    /// Whether a task of `inst` other than `except` that needs the
    /// instance to itself is running, or blocked mid-call before it
    /// returned (the spec's `exclusive_thread`; a callback task lets go
    /// between events, and, as the suite expects, once it returned).
    pub(crate) fn exclusive_in(&self, inst: ComponentInstanceId, except: Option<TaskId>) -> bool {
        self.tasks_in(inst)
            .any(|t| Some(t.id) != except && self.holds_exclusive(t))
    }

    /// Whether task `t` has its instance to itself now (see
    /// [`Self::exclusive_in`]).
    pub(crate) fn holds_exclusive(&self, t: &Task) -> bool {
        t.exclusive
            && t.func_async
            && ((self.running.contains(&t.id) && t.current == ThreadKey::Implicit)
                || (t.thread.is_some() && !t.resolved))
    }

    /// The spec's `Task.return_` check: every lent borrow was dropped.
    pub(crate) fn check_returned(&mut self, id: TaskId) -> Result<(), Error> {
        if self.task_mut(id)?.num_borrows > 0 {
            return trap("borrow handles still remain at the end of the call");
        }
        Ok(())
    }

    /// Notes that task `id` starts waiting now (see [`Task::since`]).
    pub(crate) fn stamp(&mut self, id: TaskId) {
        let now = self.tick();
        if let Ok(t) = self.task_mut(id) {
            t.since = now;
        }
    }

    /// Ends task `id` (a failed call, or a fused adapter's call that
    /// returned), with the tasks fused adapters started inside it that
    /// never exited: their callee trapped and unwound past the exit.
    pub(crate) fn pop_task(&mut self, id: TaskId) {
        // Such a task was started after its caller, so has a larger id
        // (until the ids wrap): only the newer tasks are looked at, and in
        // the common case (an adapted call that exits normally is the
        // newest task) there is none.
        let from = |d| match self.ids_wrapped {
            false => Bound::Excluded(d),
            true => Bound::Unbounded,
        };
        let started_in = |tasks: &BTreeMap<TaskId, Box<Task>>, d: TaskId| {
            tasks
                .range((from(d), Bound::Unbounded))
                .filter(move |(_, t)| t.adapter_caller == Some(d))
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
        };
        let newest = self.tasks.last_key_value().map(|(k, _)| *k);
        if !self.ids_wrapped && newest.is_none_or(|n| n <= id) {
            self.remove(id);
            return;
        }
        let mut dead = vec![id];
        let mut i = 0;
        while let Some(&d) = dead.get(i) {
            dead.extend(started_in(&self.tasks, d));
            i += 1;
        }
        for d in dead {
            self.remove(d);
        }
    }

    /// Removes task `id` if its threads ended and nobody still has to take
    /// its result.
    pub(crate) fn reap(&mut self, id: TaskId) {
        if self
            .tasks
            .get(&id)
            .is_some_and(|t| t.exited && t.returned.is_none() && t.spawned.is_empty())
        {
            self.remove(id);
        }
    }

    /// Drops task `id` from the table and its indexes.
    fn remove(&mut self, id: TaskId) {
        if let Some(t) = self.tasks.remove(&id) {
            self.by_instance.remove(&(t.inst, id));
        }
        self.deferred_tasks.remove(&id);
    }
}

/// The part of a synchronous `canon lower` that runs once the callee
/// resolved: lowering its result into the caller.
#[derive(Debug, Clone)]
pub(crate) struct SyncReturn {
    pub(crate) caller: ComponentInstanceId,
    pub(crate) opts: RtOptions,
    pub(crate) result: Option<Type>,
    /// Where spilled results go (`None`: flat results).
    pub(crate) retptr: Option<u64>,
    /// The caller's handles lent to the callee for the call.
    pub(crate) lenders: Vec<HandleIdx>,
}

/// Why a suspended thread waits; the payload a blocking built-in suspends
/// with, and what the scheduler needs to finish that built-in.
#[derive(Debug, Clone)]
pub(crate) enum Blocked {
    /// `waitable-set.wait` on set `set`; the event goes to `out` in `memory`.
    Wait {
        set: HandleIdx,
        memory: CoreMemory,
        out: u64,
        cancellable: bool,
    },
    /// `thread.yield` (or a `thread.yield-then-*` that switched away).
    Yield { cancellable: bool },
    /// `thread.suspend` (or a `thread.suspend-then-*` that switched away):
    /// suspended until another thread resumes it; `woken`: a
    /// `thread.resume-later` made it ready to run.
    Suspend { cancellable: bool, woken: bool },
    /// A synchronous `subtask.cancel`, until the subtask resolves.
    Cancel { subtask: HandleIdx },
    /// A synchronous read, write or cancel of a stream or future end.
    Copy { end: HandleIdx, kind: EndKind },
    /// A synchronous call into `callee`, which has not resolved yet.
    Call {
        callee: TaskId,
        ret: Box<SyncReturn>,
    },
}

/// Which core function a thread is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// The lifted core function itself.
    Body,
    /// The callback of a callback-lifted task, delivering one event.
    Callback,
    /// The start function of the spawned thread with this index.
    Spawned(ThreadIdx),
}

/// A suspended thread of a task: the paused core call, why it paused, and
/// the buffer its results will land in.
pub(crate) struct Thread {
    call: SuspendedCall,
    pub(crate) blocked: Blocked,
    results: Vec<CoreVal>,
    pub(crate) step: Step,
}

impl std::fmt::Debug for Thread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Thread")
            .field("blocked", &self.blocked)
            .field("step", &self.step)
            .finish_non_exhaustive()
    }
}

/// How far a thread ran.
pub(crate) enum Ran {
    /// Its core function returned these results.
    Done(Vec<CoreVal>),
    /// It blocked.
    Blocked(Thread),
}

impl Thread {
    /// Starts a thread calling `func`; runs until it finishes, traps or
    /// blocks.
    pub(crate) fn start(
        ctx: impl CoreAsContextMut<Data: HasCoreLimits>,
        func: &CoreFunc,
        args: &[CoreVal],
        mut results: Vec<CoreVal>,
        step: Step,
    ) -> Result<Ran, Error> {
        let state = CoreCall::start(ctx, func, args, &mut results)?;
        Self::classify(state, results, step)
    }

    /// Continues the thread, the built-in it blocked in returning
    /// `import_results`.
    pub(crate) fn resume(
        self,
        ctx: impl CoreAsContextMut<Data: HasCoreLimits>,
        import_results: &[CoreVal],
    ) -> Result<Ran, Error> {
        let Self {
            call,
            mut results,
            step,
            ..
        } = self;
        let state = call.resume(ctx, import_results, &mut results)?;
        Self::classify(state, results, step)
    }

    fn classify(state: CoreCall, results: Vec<CoreVal>, step: Step) -> Result<Ran, Error> {
        match state {
            CoreCall::Done => Ok(Ran::Done(results)),
            CoreCall::Suspended(mut call) => match call.take_payload::<Blocked>() {
                Some(blocked) => Ok(Ran::Blocked(Self {
                    call,
                    blocked,
                    results,
                    step,
                })),
                None => trap("a thread suspended without saying why"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, CoreEngine, HostOutcome, Suspension};

    /// `run` calls the import twice and adds one to the sum of its results.
    const MODULE: &str = r#"(module
      (import "h" "next" (func $next (result i32)))
      (func (export "run") (result i32)
        (i32.add (i32.add (call $next) (call $next)) (i32.const 1))))"#;

    #[test]
    fn a_suspended_thread_resumes_with_the_results_it_is_given() {
        let buf = wast::parser::ParseBuffer::new(MODULE).unwrap();
        let mut wat: wast::Wat = wast::parser::parse(&buf).unwrap();
        let core = CoreEngine::new();
        let module = core.compile(&wat.encode().unwrap()).unwrap();
        let mut store = core.new_store(engine::CoreLimits::new(u64::MAX, u64::MAX, usize::MAX));
        let next = engine::host_func_suspendable(
            &mut store,
            &[],
            &[engine::CoreValType::I32],
            move |_, _, _| {
                Ok(HostOutcome::Suspend(Suspension::new(Blocked::Yield {
                    cancellable: false,
                })))
            },
        );
        let instance =
            engine::instantiate(&mut store, &module, &[engine::CoreExtern::Func(next)]).unwrap();
        let run = engine::instance_exports(&store, &instance)
            .into_iter()
            .find_map(|(n, e)| (n == "run").then(|| engine::extern_func(&e)).flatten())
            .unwrap();
        let mut ran =
            Thread::start(&mut store, &run, &[], vec![CoreVal::I32(0)], Step::Body).unwrap();
        let mut resumed = 0;
        let results = loop {
            match ran {
                Ran::Done(results) => break results,
                Ran::Blocked(thread) => {
                    assert!(
                        matches!(thread.blocked, Blocked::Yield { .. }),
                        "the payload arrives"
                    );
                    resumed += 1;
                    ran = thread
                        .resume(&mut store, &[CoreVal::I32(10 * resumed)])
                        .unwrap();
                }
            }
        };
        assert_eq!(resumed, 2, "blocked once per import call");
        assert!(matches!(results[0], CoreVal::I32(31)), "10 + 20 + 1");
    }
}
