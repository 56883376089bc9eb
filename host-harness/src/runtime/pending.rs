//! Concurrent calls from the host: [`Func::call_start`] starts a call and
//! hands back a [`PendingCall`] as soon as the callee blocks, so the host
//! can start more calls (of the same or other exports) before it waits for
//! any. Whichever call the host then waits for ([`PendingCall::finish`],
//! or a plain [`Func::call`]), the event loop runs every ready task
//! meanwhile, so all started calls make progress together. A call dropped
//! unfinished is [`Abandoned`]: its result is thrown away once it comes.

use std::sync::{Arc, Mutex, PoisonError};

use super::call::{Started, call_func, start_call, wait_for};
use super::concurrency::Until;
use super::concurrency::host_call::{self, HostStarted};
use super::func::Func;
use super::store::AsContextMut;
use super::task::TaskId;
use super::{FuncData, Runtime, StoreId};
use crate::abi::Path;
use crate::engine::CoreAsContextMut;
use crate::error::{CallError, Error};
use crate::values::Val;

/// A call started with [`Func::call_start`].
///
/// Dropping it without [`finish`](Self::finish) lets the call run on (it
/// still makes progress whenever the store's event loop runs); the store
/// frees its result once it resolved, the next time a call is started or
/// finished.
#[derive(Debug)]
#[must_use = "a started call's result is only seen through `finish`"]
pub struct PendingCall {
    store: StoreId,
    state: CallState,
    /// Where a drop without `finish` tells the store (`Abandoned::dropped`).
    dropped: Arc<Mutex<Vec<TaskId>>>,
}

/// The calls the host dropped without finishing them: the drop only has
/// this list (it has no store), and the store sweeps it when the host next
/// starts or finishes a call, freeing the results that came meanwhile.
#[derive(Debug, Default)]
pub(crate) struct Abandoned {
    /// Filled by `PendingCall`'s drop.
    dropped: Arc<Mutex<Vec<TaskId>>>,
    /// Dropped calls that had not resolved at the last sweep.
    unresolved: Vec<TaskId>,
}

/// Frees the results of the dropped calls that resolved.
fn sweep(rt: &mut Runtime) {
    let sched = &mut rt.scheduler;
    let dropped = std::mem::take(
        &mut *sched
            .abandoned
            .dropped
            .lock()
            .unwrap_or_else(PoisonError::into_inner),
    );
    if dropped.is_empty() && sched.abandoned.unresolved.is_empty() {
        return;
    }
    let mut waiting = std::mem::take(&mut sched.abandoned.unresolved);
    waiting.extend(dropped);
    waiting.retain(|&call| {
        if !Until::resolved(rt, call) {
            return true;
        }
        // The result, if it was kept, is dropped here; a call that
        // trapped kept none.
        let _ = rt.scheduler.take_returned(call);
        rt.scheduler.reap(call);
        false
    });
    rt.scheduler.abandoned.unresolved = waiting;
}

impl Drop for PendingCall {
    fn drop(&mut self) {
        if let CallState::Waiting(call) = self.state {
            self.dropped
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(call);
        }
    }
}

#[derive(Debug)]
enum CallState {
    /// The call resolved while it started.
    Done(Vec<Val>),
    /// The call (a task, or a host call) is still running.
    Waiting(TaskId),
}

impl Func {
    /// Starts a call of this function with `params` and returns once it
    /// resolved or blocked, without waiting for a blocked call to finish.
    /// Start several calls and [`finish`](PendingCall::finish) them in any
    /// order: the calls run concurrently, as the spec's scheduler
    /// interleaves them (seeded by [`Store::set_seed`](crate::Store::set_seed)).
    ///
    /// # Errors
    ///
    /// [`CallError::WrongStore`] for a function of another store;
    /// [`CallError::TypeMismatch`] if `params` do not match its type; a
    /// trap if the callee traps before it blocks, or if its instance cannot
    /// be entered now.
    pub fn call_start<S: AsContextMut>(
        &self,
        mut store: S,
        params: &[Val],
    ) -> Result<PendingCall, Error>
    where
        S::Data: 'static,
    {
        let ctx = store.as_context_mut();
        let mut ctx = ctx.inner;
        let store_id = ctx.data().rt.store_id;
        if store_id != self.store {
            return Err(CallError::WrongStore.into());
        }
        sweep(&mut ctx.data_mut().rt);
        let dropped = ctx.data().rt.scheduler.abandoned.dropped.clone();
        let state = match ctx.data().rt.func(self.id).clone() {
            FuncData::Lifted(f) => {
                match start_call(ctx.as_context_mut(), &f, params.to_vec(), None, Path::Host)? {
                    (_, Started::Done(v)) => CallState::Done(v.into_iter().collect()),
                    (task, Started::Pending) => CallState::Waiting(task),
                }
            }
            FuncData::Host { ty, .. }
                if host_call::is_async_host::<S::Data>(&ctx.data().rt, self.id)? =>
            {
                match host_call::start(ctx.as_context_mut(), self.id, ty.as_ref(), params.to_vec())?
                {
                    HostStarted::Done(v) => CallState::Done(v.into_iter().collect()),
                    HostStarted::Pending(call) => CallState::Waiting(call),
                }
            }
            FuncData::Host { .. } => CallState::Done(call_func(ctx, self.id, params, None)?),
        };
        Ok(PendingCall {
            store: store_id,
            state,
            dropped,
        })
    }
}

impl PendingCall {
    /// Waits for the call to resolve, running the store's other tasks
    /// meanwhile, and returns its results (zero or one).
    ///
    /// # Errors
    ///
    /// [`CallError::WrongStore`] for another store; a trap if the callee
    /// (or another task the event loop runs meanwhile) traps, or on
    /// deadlock.
    pub fn finish<S: AsContextMut>(mut self, mut store: S) -> Result<Vec<Val>, Error>
    where
        S::Data: 'static,
    {
        let mut ctx = store.as_context_mut().inner;
        if ctx.data().rt.store_id != self.store {
            return Err(CallError::WrongStore.into());
        }
        sweep(&mut ctx.data_mut().rt);
        // Finished: the drop that follows has nothing to tell the store.
        match std::mem::replace(&mut self.state, CallState::Done(Vec::new())) {
            CallState::Done(v) => Ok(v),
            CallState::Waiting(task) => Ok(wait_for(ctx, task)?.into_iter().collect()),
        }
    }

    /// Whether the call resolved (so [`finish`](Self::finish) returns
    /// without running other tasks).
    pub fn is_resolved<S: AsContextMut>(&self, mut store: S) -> bool {
        let ctx = store.as_context_mut().inner;
        match self.state {
            CallState::Done(_) => true,
            CallState::Waiting(task) => Until::resolved(&ctx.data().rt, task),
        }
    }
}
