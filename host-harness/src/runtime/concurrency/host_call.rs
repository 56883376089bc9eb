//! Async host functions: a host import whose body is a Rust [`Future`] per
//! call ([`LinkerInstance::func_new_async`](crate::LinkerInstance::func_new_async)
//! and [`func_wrap_async`](crate::LinkerInstance::func_wrap_async)).
//!
//! A call starts by running the host's closure (which sees the store) to
//! get the future, and polls it once. If it is not ready, the call becomes
//! a [`HostCall`] in the scheduler and only the calling guest thread waits:
//! an async-lowered caller gets a STARTED subtask and goes on, a
//! sync-lowered one suspends as a thread blocked on the call
//! ([`Blocked::Call`], with the call's [`TaskId`], which no task shares).
//! The event loop (`concurrency::run_until`) polls the calls whose
//! [`Waker`] fired, in the order they started, and routes each result as
//! a task's result would go ([`OnResolve`]). When no guest thread can run,
//! the loop sleeps until a waker fires; if no pending call's waker is held
//! by anyone (the future dropped it, so nothing can ever wake it), that is
//! a deadlock and an error, not a hang.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use super::check_may_block;
use super::subtask::SubtaskState;
use crate::engine::{CoreAsContextMut, CoreCtxMut};
use crate::error::{CallError, Error, trap};
use crate::runtime::call::{deliver_returned, host_func, wait_for};
use crate::runtime::handles::Slot;
use crate::runtime::host::HostFuncBox;
use crate::runtime::store::{StoreContextMut, StoreData};
use crate::runtime::task::{OnResolve, Scheduler, TaskId};
use crate::runtime::{FuncData, FuncId, Runtime};
use crate::types::FuncType;
use crate::values::Val;

/// What an async host function's future produces: its results (zero or
/// one value), or an error that traps the calling guest.
pub type HostFuture = Pin<Box<dyn Future<Output = Result<Vec<Val>, Error>> + Send + 'static>>;

/// The closure of an async host function: given the store and the lifted
/// arguments, it makes the call's future.
pub(crate) type AsyncHostFn<T> =
    dyn Fn(StoreContextMut<'_, T>, Vec<Val>) -> Result<HostFuture, Error> + Send + Sync;

/// Checks a typed host function's Rust types against an import's type
/// (`Err` is the host's type, rendered like WIT).
pub(crate) type SignatureCheck = fn(&FuncType) -> Result<(), String>;

/// An async host function as the linker registers it.
pub(crate) struct AsyncHost<T: 'static> {
    pub(crate) call: Arc<AsyncHostFn<T>>,
    /// For a typed one (`func_wrap_async`): its signature check.
    pub(crate) typecheck: Option<SignatureCheck>,
}

/// Wakes the event loop when any host call's waker fires.
#[derive(Debug, Default)]
struct Notify {
    signalled: Mutex<bool>,
    cv: Condvar,
}

impl Notify {
    fn signal(&self) {
        // A poisoned lock only means a waker panicked mid-signal; the flag
        // is a plain bool and still meaningful.
        let mut s = self.signalled.lock().unwrap_or_else(|e| e.into_inner());
        *s = true;
        self.cv.notify_all();
    }

    fn wait(&self) {
        let mut s = self.signalled.lock().unwrap_or_else(|e| e.into_inner());
        while !*s {
            s = self.cv.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        *s = false;
    }
}

/// The waker of one host call: marks the call as worth polling again.
#[derive(Debug)]
struct CallWake {
    woken: AtomicBool,
    notify: Arc<Notify>,
}

impl Wake for CallWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.notify.signal();
    }
}

/// A pending call of an async host function.
pub(crate) struct HostCall {
    id: TaskId,
    future: HostFuture,
    wake: Arc<CallWake>,
    /// Where the result goes once the future is ready.
    on_resolve: OnResolve,
    /// Whether the function type has a result (`None`: not known).
    has_result: Option<bool>,
    /// The import's name, for errors.
    name: Arc<str>,
}

impl HostCall {
    /// Polls the future once (if its waker fired since the last poll).
    fn poll(&mut self) -> Option<Result<Vec<Val>, Error>> {
        if !self.wake.woken.swap(false, Ordering::Acquire) {
            return None;
        }
        let waker = Waker::from(self.wake.clone());
        let mut cx = Context::from_waker(&waker);
        match self.future.as_mut().poll(&mut cx) {
            Poll::Ready(r) => Some(r),
            Poll::Pending => None,
        }
    }

    /// Whether something outside the scheduler may still wake the call:
    /// its waker fired, or a clone of it is held somewhere.
    fn wakeable(&self) -> bool {
        self.wake.woken.load(Ordering::Acquire) || Arc::strong_count(&self.wake) > 1
    }
}

/// The scheduler's pending host calls, in the order they started, and the
/// results kept for callers blocked on them.
#[derive(Default)]
pub(crate) struct HostCalls {
    pending: Vec<HostCall>,
    /// Results of calls resolved with [`OnResolve::Keep`], not yet taken.
    returned: Vec<(TaskId, Option<Val>)>,
    notify: Arc<Notify>,
}

impl std::fmt::Debug for HostCalls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostCalls")
            .field(
                "pending",
                &self.pending.iter().map(|c| c.id).collect::<Vec<_>>(),
            )
            .field("returned", &self.returned)
            .finish()
    }
}

impl HostCalls {
    /// Whether host call `id` has not produced its result yet.
    pub(crate) fn is_pending(&self, id: TaskId) -> bool {
        self.pending.iter().any(|c| c.id == id)
    }

    /// Whether some pending call could still complete.
    pub(crate) fn may_progress(&self) -> bool {
        self.pending.iter().any(HostCall::wakeable)
    }
}

impl Scheduler {
    /// Takes the result of resolved call `id` (a task, or a host call) for
    /// the caller that waited for it.
    ///
    /// # Errors
    ///
    /// A trap if `id` is neither.
    pub(crate) fn take_returned(&mut self, id: TaskId) -> Result<Option<Option<Val>>, Error> {
        let kept = &mut self.host_calls.returned;
        if let Some(i) = kept.iter().position(|(c, _)| *c == id) {
            return Ok(Some(kept.remove(i).1));
        }
        Ok(self.task_mut(id)?.returned.take())
    }

    /// Sets where the result of call `id` (a task, or a host call) goes.
    pub(crate) fn set_on_resolve(&mut self, id: TaskId, on: OnResolve) -> Result<(), Error> {
        if let Some(c) = self.host_calls.pending.iter_mut().find(|c| c.id == id) {
            c.on_resolve = on;
            return Ok(());
        }
        self.task_mut(id)?.on_resolve = on;
        Ok(())
    }
}

/// `subtask.cancel` of host call `id`: drops its future, so the call
/// resolves as cancelled (an async caller's subtask reports
/// CANCELLED_BEFORE_RETURNED). `false` if `id` is no pending host call.
pub(crate) fn cancel(rt: &mut Runtime, id: TaskId) -> bool {
    let calls = &mut rt.scheduler.host_calls;
    let Some(i) = calls.pending.iter().position(|c| c.id == id) else {
        return false;
    };
    let call = calls.pending.remove(i);
    match call.on_resolve {
        OnResolve::Keep => calls.returned.push((id, None)),
        OnResolve::Subtask {
            caller, subtask, ..
        } => {
            if let Ok(Slot::Subtask(s)) = rt.instance(caller).handles.get_mut(subtask) {
                s.progress(SubtaskState::CancelledBeforeReturned);
            }
        }
    }
    true
}

/// How the start of a host call ended.
pub(crate) enum HostStarted {
    /// The future was ready at once.
    Done(Option<Val>),
    /// It is pending, as host call `0`.
    Pending(TaskId),
}

/// An async host function's closure and import name.
type AsyncCallee<T> = (Arc<AsyncHostFn<T>>, Arc<str>);

/// The async host function behind `callee`, if it is one.
fn async_host<T: 'static>(rt: &Runtime, callee: FuncId) -> Result<Option<AsyncCallee<T>>, Error> {
    let FuncData::Host { func, name, .. } = rt.func(callee) else {
        return Ok(None);
    };
    Ok(match host_func::<T>(func)? {
        HostFuncBox::Async(f) => Some((f.call.clone(), name.clone())),
        HostFuncBox::Dynamic(_) | HostFuncBox::Typed(_) => None,
    })
}

/// Whether `callee` is an async host function.
pub(crate) fn is_async_host<T: 'static>(rt: &Runtime, callee: FuncId) -> Result<bool, Error> {
    Ok(async_host::<T>(rt, callee)?.is_some())
}

/// Checks the results a host future produced against the function type.
fn check_results(
    name: &str,
    has_result: Option<bool>,
    results: Vec<Val>,
) -> Result<Option<Val>, Error> {
    let expected = has_result.map(usize::from);
    if results.len() > 1 || expected.is_some_and(|n| n != results.len()) {
        return Err(CallError::TypeMismatch(format!(
            "async host function `{name}` produced {} results, its type has {}",
            results.len(),
            expected.unwrap_or(1)
        ))
        .into());
    }
    Ok(results.into_iter().next())
}

/// Starts a call of async host function `callee` (of type `ty`, if known)
/// with `args`: makes its future and polls it once.
pub(crate) fn start<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    callee: FuncId,
    ty: Option<&FuncType>,
    args: Vec<Val>,
) -> Result<HostStarted, Error> {
    let Some((f, name)) = async_host::<T>(&ctx.data().rt, callee)? else {
        return trap("not an async host function");
    };
    let has_result = ty.map(|t| t.result.is_some());
    let future = f(StoreContextMut::new(ctx.as_context_mut()), args)?;
    let sched = &mut ctx.data_mut().rt.scheduler;
    let mut call = HostCall {
        id: sched.fresh_id(),
        future,
        wake: Arc::new(CallWake {
            // Polled once right away.
            woken: AtomicBool::new(true),
            notify: sched.host_calls.notify.clone(),
        }),
        on_resolve: OnResolve::Keep,
        has_result,
        name,
    };
    match call.poll() {
        Some(r) => Ok(HostStarted::Done(check_results(
            &call.name, has_result, r?,
        )?)),
        None => {
            let id = call.id;
            sched.host_calls.pending.push(call);
            Ok(HostStarted::Pending(id))
        }
    }
}

/// Polls every host call whose waker fired, oldest first, and routes the
/// results of those that are ready; returns whether any was.
///
/// # Errors
///
/// The error a host future produced, or one storing its result.
pub(crate) fn poll_woken<T: 'static>(mut ctx: CoreCtxMut<'_, StoreData<T>>) -> Result<bool, Error> {
    let mut any = false;
    let mut i = 0;
    while let Some(call) = ctx.data_mut().rt.scheduler.host_calls.pending.get_mut(i) {
        let Some(r) = call.poll() else {
            i += 1;
            continue;
        };
        any = true;
        let call = ctx.data_mut().rt.scheduler.host_calls.pending.remove(i);
        let value = check_results(&call.name, call.has_result, r?)?;
        if let Some(kept) = deliver_returned(ctx.as_context_mut(), call.on_resolve, value)? {
            let sched = &mut ctx.data_mut().rt.scheduler;
            sched.host_calls.returned.push((call.id, kept));
        }
    }
    Ok(any)
}

/// With no guest thread ready: sleeps until a pending host call's waker
/// fires. `Ok(false)` if there is no pending host call.
///
/// # Errors
///
/// The deadlock trap if every pending call's future dropped its waker.
pub(crate) fn wait_for_wake(rt: &Runtime) -> Result<bool, Error> {
    let calls = &rt.scheduler.host_calls;
    let Some(first) = calls.pending.first() else {
        return Ok(false);
    };
    if !calls.may_progress() {
        return trap(format!(
            "deadlock detected: event loop cannot make further progress \
             (host function `{}` is pending and nothing holds its waker)",
            first.name
        ));
    }
    if !calls
        .pending
        .iter()
        .any(|c| c.wake.woken.load(Ordering::Acquire))
    {
        calls.notify.wait();
    }
    Ok(true)
}

/// Waits for host call `id` alone, running no guest code: what a caller
/// that may not block (a synchronous task) does.
fn wait_alone<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    id: TaskId,
) -> Result<Option<Val>, Error> {
    while ctx.data().rt.scheduler.host_calls.is_pending(id) {
        if !poll_woken(ctx.as_context_mut())? {
            wait_for_wake(&ctx.data().rt)?;
        }
    }
    match ctx.data_mut().rt.scheduler.take_returned(id)? {
        Some(v) => Ok(v),
        None => trap("host call resolved without a value"),
    }
}

/// The start of a `canon lower` (sync or `async`) of async host function
/// `callee` at type `ty`: `Done` with the result, or `Pending` with the
/// call a thread or subtask waits for. A sync-lowered caller that may not
/// block waits for the future here, alone.
pub(crate) fn start_lowered<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    callee: FuncId,
    ty: &FuncType,
    args: Vec<Val>,
    lowered_async: bool,
) -> Result<HostStarted, Error> {
    // As for a guest callee: an `async` function may block, which a
    // synchronous caller must not.
    if ty.is_async && !lowered_async {
        check_may_block(&mut ctx.data_mut().rt)?;
    }
    match start(ctx.as_context_mut(), callee, Some(ty), args)? {
        HostStarted::Pending(id)
            if !lowered_async && check_may_block(&mut ctx.data_mut().rt).is_err() =>
        {
            Ok(HostStarted::Done(wait_alone(ctx, id)?))
        }
        started => Ok(started),
    }
}

/// A call of async host function `callee` from the host (or a path that
/// nests host calls): runs the event loop until it resolves.
pub(crate) fn call_blocking<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    callee: FuncId,
    ty: Option<&FuncType>,
    args: Vec<Val>,
) -> Result<Vec<Val>, Error> {
    match start(ctx.as_context_mut(), callee, ty, args)? {
        HostStarted::Done(v) => Ok(v.into_iter().collect()),
        HostStarted::Pending(id) => Ok(wait_for(ctx, id)?.into_iter().collect()),
    }
}
