//! Resumable core calls: the mechanism under a component-model Thread.
//!
//! A host import may return a [`Suspension`] instead of results. The core
//! engine then hands back the paused call as an owned value, with the
//! suspension's payload (what the thread waits for, in the runtime's own
//! terms); the scheduler (`runtime::concurrency`) decides when to resume it
//! and with which import results. Dropping a [`CoreCall`] cancels the
//! paused call and releases its stack.

use std::any::Any;
use std::fmt;
use std::sync::Mutex;

use super::limits::HasCoreLimits;
use super::{CoreAsContextMut, CoreFunc, CoreVal, from_core_error, fuel};
use crate::error::Error;

/// What the suspending import says about why it suspended.
type Payload = Box<dyn Any + Send + Sync>;

/// Returned (as an error) by a host import to suspend the calling thread.
pub(crate) struct Suspension {
    payload: Mutex<Option<Payload>>,
}

impl Suspension {
    /// A suspension carrying `payload` to whoever drives the thread.
    pub(crate) fn new(payload: impl Any + Send + Sync) -> Self {
        Self {
            payload: Mutex::new(Some(Box::new(payload))),
        }
    }

    fn take(&self) -> Option<Payload> {
        self.payload.lock().ok().and_then(|mut c| c.take())
    }
}

impl fmt::Debug for Suspension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Suspension")
    }
}
impl fmt::Display for Suspension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("thread suspended outside the scheduler")
    }
}
impl wasmi::errors::HostError for Suspension {}

/// What a suspendable host function did.
pub(crate) enum HostOutcome {
    /// It wrote its results.
    Done,
    /// It suspends the calling thread; the scheduler supplies the results
    /// when it resumes the thread.
    Suspend(Suspension),
}

/// The state of a core call driven by the scheduler.
pub(crate) enum CoreCall {
    /// The call returned; results are in the caller's buffer.
    Done,
    /// The call is paused at a host import.
    Suspended(SuspendedCall),
}

/// A paused core call together with why it paused.
pub(crate) struct SuspendedCall {
    call: wasmi::ResumableCallHostTrap,
    payload: Payload,
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
                let payload = paused
                    .host_error()
                    .downcast_ref::<Suspension>()
                    .and_then(Suspension::take);
                match payload {
                    Some(payload) => Ok(Self::Suspended(SuspendedCall {
                        call: paused,
                        payload,
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
    /// Takes the payload the suspending import gave, if it is a `P`.
    pub(crate) fn take_payload<P: Any>(&mut self) -> Option<P> {
        let payload = std::mem::replace(&mut self.payload, Box::new(()));
        match payload.downcast::<P>() {
            Ok(p) => Some(*p),
            Err(other) => {
                self.payload = other;
                None
            }
        }
    }

    /// Continues the core call, the suspended import returning
    /// `import_results`.
    pub(crate) fn resume<C: CoreAsContextMut<Data: HasCoreLimits>>(
        self,
        mut ctx: C,
        import_results: &[CoreVal],
        results: &mut [CoreVal],
    ) -> Result<CoreCall, Error> {
        let call = self
            .call
            .resume(&mut ctx, import_results, results)
            .map_err(from_core_error)?;
        CoreCall::classify(fuel::drive(&mut ctx, call, results)?)
    }
}
