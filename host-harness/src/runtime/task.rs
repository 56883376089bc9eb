//! Tasks and threads (Concurrency.md, "Tasks" and "Threads").
//!
//! Every call into a guest creates a [`Task`] (which tracks the borrows it
//! received and how its result reaches the caller) with one implicit
//! [`Thread`]. A thread is a resumable core call. Tasks live in the
//! [`Scheduler`]'s table while they run or wait; `runtime::concurrency`
//! holds the event loop that decides which waiting task runs next.

use std::sync::Arc;

use crate::engine::{CoreAsContextMut, CoreCall, CoreFunc, CoreVal, HasCoreLimits};
use crate::error::{Error, trap};
use crate::types::Type;
use crate::values::Val;

use super::concurrency::rng::SchedRng;
use super::handles::HandleIdx;
use super::{ComponentInstanceId, LiftedFunc, RtOptions};
use crate::abi::Path;
use crate::index::index_type;

index_type! {
    /// Identifies a live task: a serial number, fresh for every call.
    pub(crate) struct TaskId("task");
}

/// What a parked callback task waits for before its callback runs again
/// (the `YIELD` and `WAIT` callback codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    Yield,
    Set(HandleIdx),
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
    pub(crate) args: Vec<Val>,
    pub(crate) path: Path,
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
    /// Whether the task produced its result (the spec's `RESOLVED`).
    pub(crate) resolved: bool,
    /// Where the result goes.
    pub(crate) on_resolve: OnResolve,
    /// The callback of a task lifted `async` with one.
    pub(crate) callback: Option<CoreFunc>,
    /// What the parked callback task waits for.
    pub(crate) wait: Option<Wait>,
    /// The call, while it waits to start.
    pub(crate) deferred: Option<Deferred>,
    /// Whether the task's implicit thread ended.
    pub(crate) exited: bool,
}

/// Live tasks, the stack of running ones, and the seeded PRNG.
#[derive(Debug, Default)]
pub(crate) struct Scheduler {
    tasks: Vec<Task>,
    next_id: u32,
    /// Tasks whose code is on the native stack, innermost last.
    running: Vec<TaskId>,
    /// Instances each active call entered (`may_enter` cleared), innermost
    /// last; a thread that blocks lets go of the ones it entered.
    pub(crate) entered: Vec<Vec<ComponentInstanceId>>,
    /// Where each blocked thread's frames begin in `entered`.
    pub(crate) block_marks: Vec<usize>,
    pub(crate) rng: SchedRng,
}

impl Scheduler {
    pub(crate) fn push_task(&mut self, f: &LiftedFunc) -> TaskId {
        let id = TaskId::from_u32(self.next_id);
        // `u32::MAX` is the index type's reserved value: wrap before it.
        self.next_id = (self.next_id + 1) % u32::MAX;
        self.tasks.push(Task {
            id,
            inst: f.instance,
            num_borrows: 0,
            storage: [0; 2],
            is_async: f.opts.is_async,
            func_async: f.ty.is_async,
            exclusive: !f.opts.is_async || f.opts.callback.is_some(),
            returned: None,
            resolved: false,
            on_resolve: OnResolve::Keep,
            callback: f.opts.callback,
            wait: None,
            deferred: None,
            exited: false,
        });
        id
    }

    pub(crate) fn task_mut(&mut self, id: TaskId) -> Result<&mut Task, Error> {
        match self.tasks.iter_mut().rev().find(|t| t.id == id) {
            Some(t) => Ok(t),
            None => trap("task is no longer live"),
        }
    }

    pub(crate) fn task(&self, id: TaskId) -> Option<&Task> {
        self.tasks.iter().rev().find(|t| t.id == id)
    }

    pub(crate) fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    /// Marks task `id`'s code as running (on the native stack).
    pub(crate) fn enter_thread(&mut self, id: TaskId) {
        self.running.push(id);
    }

    pub(crate) fn exit_thread(&mut self) {
        self.running.pop();
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

    /// Whether a task of `inst` that needs the instance to itself is
    /// running (the spec's `exclusive_thread`).
    pub(crate) fn exclusive_in(&self, inst: ComponentInstanceId) -> bool {
        self.running
            .iter()
            .filter_map(|id| self.task(*id))
            .any(|t| t.inst == inst && t.exclusive && t.func_async)
    }

    /// The spec's `Task.return_` check: every lent borrow was dropped.
    pub(crate) fn check_returned(&mut self, id: TaskId) -> Result<(), Error> {
        if self.task_mut(id)?.num_borrows > 0 {
            return trap("borrow handles still remain at the end of the call");
        }
        Ok(())
    }

    /// Ends task `id` once its thread (including `post-return`) finished.
    pub(crate) fn pop_task(&mut self, id: TaskId) {
        self.tasks.retain(|t| t.id != id);
    }
}

/// A thread of a task: the resumable core call running its code.
pub(crate) struct Thread {
    state: CoreCall,
}

impl Thread {
    /// Starts the thread by calling `func`; runs until it finishes, traps or
    /// suspends.
    pub(crate) fn start(
        ctx: impl CoreAsContextMut<Data: HasCoreLimits>,
        func: &CoreFunc,
        args: &[CoreVal],
        results: &mut [CoreVal],
    ) -> Result<Self, Error> {
        Ok(Self {
            state: CoreCall::start(ctx, func, args, results)?,
        })
    }

    /// Drives the thread to completion: the scheduler loop.
    pub(crate) fn run_to_completion(
        mut self,
        mut ctx: impl CoreAsContextMut<Data: HasCoreLimits>,
        results: &mut [CoreVal],
    ) -> Result<(), Error> {
        loop {
            match self.state {
                CoreCall::Done => return Ok(()),
                // The suspended thread is the only runnable one.
                CoreCall::Suspended(call) => {
                    self.state = call.resume(&mut ctx, results)?;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, CoreEngine, HostOutcome, Suspension};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// `run` calls the import twice and adds one to the sum of its results.
    const MODULE: &str = r#"(module
      (import "h" "next" (func $next (result i32)))
      (func (export "run") (result i32)
        (i32.add (i32.add (call $next) (call $next)) (i32.const 1))))"#;

    #[test]
    fn a_suspended_thread_resumes_with_the_continuations_results() {
        let buf = wast::parser::ParseBuffer::new(MODULE).unwrap();
        let mut wat: wast::Wat = wast::parser::parse(&buf).unwrap();
        let core = CoreEngine::new();
        let module = core.compile(&wat.encode().unwrap()).unwrap();
        let mut store = core.new_store(engine::CoreLimits::new(u64::MAX, u64::MAX, usize::MAX));
        let resumed = Arc::new(AtomicU32::new(0));
        let counter = resumed.clone();
        let next = engine::host_func_suspendable(
            &mut store,
            &[],
            &[engine::CoreValType::I32],
            move |_, _, _| {
                let counter = counter.clone();
                Ok(HostOutcome::Suspend(Suspension::new(move || {
                    let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                    Ok(vec![CoreVal::I32(10 * n as i32)])
                })))
            },
        );
        let instance =
            engine::instantiate(&mut store, &module, &[engine::CoreExtern::Func(next)]).unwrap();
        let run = engine::instance_exports(&store, &instance)
            .into_iter()
            .find_map(|(n, e)| (n == "run").then(|| engine::extern_func(&e)).flatten())
            .unwrap();
        let mut results = [CoreVal::I32(0)];
        let thread = Thread::start(&mut store, &run, &[], &mut results).unwrap();
        assert!(
            matches!(thread.state, CoreCall::Suspended(_)),
            "suspends at the import"
        );
        thread.run_to_completion(&mut store, &mut results).unwrap();
        assert_eq!(
            resumed.load(Ordering::SeqCst),
            2,
            "resumed once per suspension"
        );
        assert!(matches!(results[0], CoreVal::I32(31)), "10 + 20 + 1");
    }
}
