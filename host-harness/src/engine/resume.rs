//! Resumable core calls: the mechanism under a component-model Thread.
//!
//! A host import may return a [`Suspension`] instead of results. The core
//! engine then hands back the paused call as an owned value; the scheduler
//! (`runtime::task`) decides when to resume it. Dropping a [`CoreCall`]
//! cancels the paused call and releases its stack.

use std::fmt;
use std::sync::Mutex;

use super::limits::HasCoreLimits;
use super::{CoreAsContextMut, CoreFunc, CoreVal, from_core_error, fuel};
use crate::error::Error;

/// The work a suspended host import finishes when the thread is resumed:
/// it produces the import's core results.
type Continuation = Box<dyn FnOnce() -> Result<Vec<CoreVal>, Error> + Send + Sync>;

/// Returned (as an error) by a host import to suspend the calling thread.
pub(crate) struct Suspension {
    continuation: Mutex<Option<Continuation>>,
}

impl Suspension {
    /// A suspension that, once the scheduler resumes the thread, runs
    /// `continuation` to obtain the import's results.
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "only the scheduler's tests suspend yet; see `engine::Suspension`"
        )
    )]
    pub(crate) fn new(
        continuation: impl FnOnce() -> Result<Vec<CoreVal>, Error> + Send + Sync + 'static,
    ) -> Self {
        Self {
            continuation: Mutex::new(Some(Box::new(continuation))),
        }
    }

    fn take(&self) -> Option<Continuation> {
        self.continuation.lock().ok().and_then(|mut c| c.take())
    }
}

impl fmt::Debug for Suspension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Suspension")
    }
}
impl fmt::Display for Suspension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("thread suspended")
    }
}
impl wasmi::errors::HostError for Suspension {}

/// What a suspendable host function did.
pub(crate) enum HostOutcome {
    /// It wrote its results.
    Done,
    /// It suspends the calling thread; results come from the continuation.
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "only the scheduler's tests suspend yet; see `engine::Suspension`"
        )
    )]
    Suspend(Suspension),
}

/// The state of a core call driven by the scheduler.
pub(crate) enum CoreCall {
    /// The call returned; results are in the caller's buffer.
    Done,
    /// The call is paused at a host import.
    Suspended(SuspendedCall),
}

/// A paused core call together with the work that will resume it.
pub(crate) struct SuspendedCall {
    call: wasmi::ResumableCallHostTrap,
    continuation: Continuation,
}

impl CoreCall {
    /// Starts calling `func`; returns when it finishes, traps or suspends.
    pub(crate) fn start<C: CoreAsContextMut<Data: HasCoreLimits>>(
        mut ctx: C,
        func: &CoreFunc,
        args: &[CoreVal],
        results: &mut [CoreVal],
    ) -> Result<Self, Error> {
        let call = func
            .call_resumable(&mut ctx, args, results)
            .map_err(from_core_error)?;
        Self::classify(fuel::drive(&mut ctx, call, results)?)
    }

    fn classify(call: fuel::Stopped) -> Result<Self, Error> {
        match call {
            fuel::Stopped::Finished => Ok(Self::Done),
            fuel::Stopped::HostTrap(paused) => {
                let continuation = paused
                    .host_error()
                    .downcast_ref::<Suspension>()
                    .and_then(Suspension::take);
                match continuation {
                    Some(continuation) => Ok(Self::Suspended(SuspendedCall {
                        call: paused,
                        continuation,
                    })),
                    // Any other host error ends the call: dropping `paused`
                    // unwinds the core stack.
                    None => Err(from_core_error(paused.into_host_error())),
                }
            }
        }
    }
}

impl SuspendedCall {
    /// Finishes the suspended import and continues the core call.
    pub(crate) fn resume<C: CoreAsContextMut<Data: HasCoreLimits>>(
        self,
        mut ctx: C,
        results: &mut [CoreVal],
    ) -> Result<CoreCall, Error> {
        let import_results = (self.continuation)()?;
        let call = self
            .call
            .resume(&mut ctx, &import_results, results)
            .map_err(from_core_error)?;
        CoreCall::classify(fuel::drive(&mut ctx, call, results)?)
    }
}
