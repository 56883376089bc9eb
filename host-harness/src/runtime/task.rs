//! Tasks, threads and the scheduler loop (Concurrency.md).
//!
//! Every call into a guest creates a [`Task`] (which tracks the borrows it
//! received) with one implicit [`Thread`]. A thread is a resumable core call:
//! when a host import suspends it, the scheduler loop regains control and
//! decides what runs next. With only synchronous calls today, the one
//! runnable thread is always the one just suspended, so the loop resumes it
//! at once; async built-ins will add waitables and more threads to pick
//! from without changing this shape.

use crate::engine::{CoreAsContextMut, CoreCall, CoreFunc, CoreVal, HasCoreLimits};
use crate::error::{Error, trap};
use crate::values::Val;

use super::ComponentInstanceId;
use super::handles::HandleIdx;
use crate::index::index_type;

index_type! {
    /// Identifies a live task. Tasks live on a stack, not in a table, so a
    /// `TaskId` is a serial number: fresh for every call.
    pub(crate) struct TaskId("task");
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
    /// The value passed to `task.return`, once called.
    pub(crate) returned: Option<Option<Val>>,
    /// The caller's owned handles a fused adapter lent to this call as
    /// borrows; their lends end when the adapter exits.
    pub(crate) lent: Vec<HandleIdx>,
}

/// Live tasks, innermost last: synchronous calls nest strictly.
#[derive(Debug, Default)]
pub(crate) struct Scheduler {
    tasks: Vec<Task>,
    next_id: u32,
}

impl Scheduler {
    pub(crate) fn push_task(&mut self, inst: ComponentInstanceId, is_async: bool) -> TaskId {
        let id = TaskId::from_u32(self.next_id);
        // `u32::MAX` is the index type's reserved value: wrap before it.
        self.next_id = (self.next_id + 1) % u32::MAX;
        self.tasks.push(Task {
            id,
            inst,
            num_borrows: 0,
            storage: [0; 2],
            is_async,
            returned: None,
            lent: Vec::new(),
        });
        id
    }

    pub(crate) fn task_mut(&mut self, id: TaskId) -> Result<&mut Task, Error> {
        match self.tasks.iter_mut().rev().find(|t| t.id == id) {
            Some(t) => Ok(t),
            None => trap("task is no longer live"),
        }
    }

    /// The task whose thread is running (the innermost call).
    pub(crate) fn current_task_mut(&mut self) -> Result<&mut Task, Error> {
        match self.tasks.last_mut() {
            Some(t) => Ok(t),
            None => trap("no task is running"),
        }
    }

    /// The spec's `Task.return_` check: every lent borrow was dropped.
    pub(crate) fn check_returned(&mut self, id: TaskId) -> Result<(), Error> {
        if self.task_mut(id)?.num_borrows > 0 {
            return trap("borrow handles still remain at the end of the call");
        }
        Ok(())
    }

    /// Ends task `id` once its thread (including `post-return`) finished.
    /// Tasks above it are dropped too: they were pushed by fused adapters
    /// inside this call whose callee trapped, unwinding past their exit.
    pub(crate) fn pop_task(&mut self, id: TaskId) {
        if let Some(pos) = self.tasks.iter().rposition(|t| t.id == id) {
            self.tasks.truncate(pos);
        }
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
