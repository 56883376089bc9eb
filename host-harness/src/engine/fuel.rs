//! Fuel and time limits: how a guest in an endless loop is stopped.
//!
//! With fuel metering on, the core engine pauses a call when the fuel it
//! holds runs out ([`wasmi::ResumableCall::OutOfFuel`]). The store's
//! [`FuelBudget`] keeps the rest of the embedder's fuel in reserve and hands
//! it out in slices; between slices it looks at the clock. A paused call is
//! then either resumed where it stopped or ended with a trap naming the
//! limit. Nothing else happens at a slice boundary, so a time limit never
//! changes what a guest computes or in which order, only whether it may
//! finish.

use std::time::{Duration, Instant};

use super::limits::HasCoreLimits;
use super::{CoreAsContextMut, CoreFunc, CoreVal, from_core_error};
use crate::error::Error;

/// Fuel handed to the engine at a time when a deadline is set: a few
/// milliseconds of guest code in a release build.
const SLICE: u64 = 1 << 20;

/// Fuel per second of time limit granted to a core start function, which
/// the engine cannot pause: more than a release build burns per second
/// (about 600 million on a 2024 x86 core), so that a start function is
/// never stopped before the deadline; an endless one stops within a small
/// multiple of it (later in a debug build, which runs far slower).
const START_FUEL_PER_SECOND: u64 = 1_000_000_000;

/// The fuel and time limits of a store.
#[derive(Debug)]
pub(crate) struct FuelBudget {
    /// Whether the engine meters fuel at all (an engine setting).
    pub(crate) metered: bool,
    /// The embedder's total, for messages; `None`: no fuel limit.
    limit: Option<u64>,
    /// Fuel not yet handed to the engine.
    reserve: u64,
    deadline: Option<(Instant, Duration)>,
}

impl FuelBudget {
    /// The budget of a new store: unlimited, and handed to the engine at
    /// once when it meters fuel.
    pub(crate) fn new(metered: bool) -> Self {
        Self {
            metered,
            limit: None,
            reserve: u64::MAX,
            deadline: None,
        }
    }

    /// Sets the total fuel (`None`: unlimited), replacing what is left.
    pub(crate) fn set_fuel(
        &mut self,
        mut ctx: impl CoreAsContextMut,
        fuel: Option<u64>,
    ) -> Result<(), Error> {
        self.require_metering("a fuel limit")?;
        self.limit = fuel;
        self.reserve = fuel.unwrap_or(u64::MAX);
        set_engine_fuel(&mut ctx, 0)?;
        self.give(&mut ctx, 0)
    }

    /// Stops every call that is still running `timeout` from now.
    pub(crate) fn set_timeout(
        &mut self,
        mut ctx: impl CoreAsContextMut,
        timeout: Duration,
    ) -> Result<(), Error> {
        self.require_metering("a time limit")?;
        self.deadline = Some((Instant::now() + timeout, timeout));
        // Take back what the engine holds so that slicing starts now.
        self.reserve = self.reserve.saturating_add(engine_fuel(&ctx));
        set_engine_fuel(&mut ctx, 0)?;
        self.give(&mut ctx, 0)
    }

    /// Fuel left: in the engine and in reserve (`None`: no fuel limit).
    pub(crate) fn remaining(&self, ctx: impl super::CoreAsContext) -> Option<u64> {
        self.limit
            .map(|_| self.reserve.saturating_add(engine_fuel(&ctx)))
    }

    /// Hands a new store's engine its (unlimited) fuel.
    pub(crate) fn start(&mut self, mut ctx: impl CoreAsContextMut) {
        // Setting fuel fails only on an engine that does not meter it, and
        // this one does; were it to fail anyway, the first call would trap
        // with "all fuel consumed" rather than run unmetered.
        if self.metered && self.give(&mut ctx, 0).is_err() {
            self.reserve = 0;
        }
    }

    fn require_metering(&self, what: &str) -> Result<(), Error> {
        if self.metered {
            Ok(())
        } else {
            Err(Error::msg(format!(
                "{what} needs an engine with fuel metering (`Config::consume_fuel`)"
            )))
        }
    }

    /// Called when the engine stopped a call for lack of fuel: ends it if
    /// a limit is reached, else gives the engine its next slice.
    fn refill(&mut self, mut ctx: impl CoreAsContextMut, required: u64) -> Result<(), Error> {
        if let Some((at, timeout)) = self.deadline
            && Instant::now() >= at
        {
            return Err(timed_out(timeout));
        }
        self.give(&mut ctx, required)
    }

    /// Moves the next slice (at least `required`) from the reserve to the
    /// engine; without a deadline, the whole reserve.
    fn give(&mut self, mut ctx: impl CoreAsContextMut, required: u64) -> Result<(), Error> {
        let slice = match self.deadline {
            Some(_) => SLICE.max(required),
            None => u64::MAX,
        };
        let amount = slice.min(self.reserve);
        let held = engine_fuel(&ctx);
        if held.saturating_add(amount) < required {
            self.reserve = 0;
            return Err(self.exhausted());
        }
        self.reserve -= amount;
        set_engine_fuel(&mut ctx, held.saturating_add(amount))
    }

    /// Fuel for a core start function, which runs in one piece: under a
    /// deadline, as much as the engine could burn until then.
    fn for_start(&mut self, mut ctx: impl CoreAsContextMut) -> Result<(), Error> {
        let Some((at, _)) = self.deadline else {
            return self.give(ctx, 0);
        };
        let left = at.saturating_duration_since(Instant::now());
        let budget = (left.as_secs_f64() * START_FUEL_PER_SECOND as f64) as u64;
        let amount = budget.max(SLICE).min(self.reserve);
        self.reserve -= amount;
        let held = engine_fuel(&ctx);
        set_engine_fuel(&mut ctx, held.saturating_add(amount))
    }

    /// After a start function: takes back what it left of its budget, so
    /// that the next call is sliced again.
    fn after_start(&mut self, mut ctx: impl CoreAsContextMut) -> Result<(), Error> {
        if self.deadline.is_none() {
            return Ok(());
        }
        self.reserve = self.reserve.saturating_add(engine_fuel(&ctx));
        set_engine_fuel(&mut ctx, 0)?;
        self.give(&mut ctx, 0)
    }

    /// The trap for a call that cannot get the fuel it needs.
    fn exhausted(&self) -> Error {
        match (self.limit, self.deadline) {
            (Some(limit), _) if self.reserve == 0 => Error::trap(format!(
                "all fuel consumed: the fuel limit of {limit} is exhausted"
            )),
            (_, Some((_, timeout))) => timed_out(timeout),
            (Some(limit), None) => Error::trap(format!(
                "all fuel consumed: the fuel limit of {limit} is exhausted"
            )),
            (None, None) => Error::trap("all fuel consumed"),
        }
    }
}

fn timed_out(timeout: Duration) -> Error {
    Error::trap(format!("time limit of {timeout:?} exceeded"))
}

fn engine_fuel(ctx: &impl super::CoreAsContext) -> u64 {
    ctx.as_context().get_fuel().unwrap_or(0)
}

fn set_engine_fuel(ctx: &mut impl CoreAsContextMut, fuel: u64) -> Result<(), Error> {
    ctx.as_context_mut()
        .set_fuel(fuel)
        .map_err(|e| Error::msg(format!("cannot set fuel: {e}")))
}

/// Where a core call stopped other than for fuel.
pub(crate) enum Stopped {
    Finished,
    /// At a host import that returned an error (perhaps a suspension).
    HostTrap(wasmi::ResumableCallHostTrap),
}

/// Resumes a call across its out-of-fuel stops until it finishes, stops at
/// a host import, or a limit ends it.
pub(crate) fn drive<C: CoreAsContextMut<Data: HasCoreLimits>>(
    ctx: &mut C,
    mut call: wasmi::ResumableCall,
    results: &mut [CoreVal],
) -> Result<Stopped, Error> {
    loop {
        let paused = match call {
            wasmi::ResumableCall::OutOfFuel(paused) => paused,
            wasmi::ResumableCall::Finished => return Ok(Stopped::Finished),
            wasmi::ResumableCall::HostTrap(paused) => return Ok(Stopped::HostTrap(paused)),
        };
        refill(ctx, paused.required_fuel())?;
        call = paused.resume(&mut *ctx, results).map_err(from_core_error)?;
    }
}

/// Gives the store's engine its next slice of fuel, or the trap that ends
/// the call.
fn refill<C: CoreAsContextMut<Data: HasCoreLimits>>(
    ctx: &mut C,
    required: u64,
) -> Result<(), Error> {
    with_budget(ctx, |budget, store| budget.refill(store, required))
}

/// Calls `func` to completion, across out-of-fuel stops; a host import that
/// suspends ends the call with its error.
pub(crate) fn call_to_completion<C: CoreAsContextMut<Data: HasCoreLimits>>(
    ctx: &mut C,
    func: &CoreFunc,
    args: &[CoreVal],
    results: &mut [CoreVal],
) -> Result<(), Error> {
    let call = func
        .call_resumable(&mut *ctx, args, results)
        .map_err(from_core_error)?;
    match drive(ctx, call, results)? {
        Stopped::Finished => Ok(()),
        Stopped::HostTrap(paused) => Err(from_core_error(paused.into_host_error())),
    }
}

/// Prepares the engine's fuel for an instantiation, whose start function
/// runs in one piece, and turns its out-of-fuel trap into the limit's.
pub(crate) fn around_start<C: CoreAsContextMut<Data: HasCoreLimits>, R>(
    ctx: &mut C,
    run: impl FnOnce(&mut C) -> Result<R, wasmi::Error>,
) -> Result<R, wasmi::Error> {
    let metered = ctx.as_context_mut().data_mut().core_limits().fuel.metered;
    if !metered {
        return run(ctx);
    }
    with_budget(ctx, |budget, store| budget.for_start(store)).map_err(super::into_core_error)?;
    let result = run(ctx);
    with_budget(ctx, |budget, store| budget.after_start(store)).map_err(super::into_core_error)?;
    match result {
        Err(e) if e.as_trap_code() == Some(wasmi::TrapCode::OutOfFuel) => {
            let mut store = ctx.as_context_mut();
            let exhausted = store.data_mut().core_limits().fuel.exhausted();
            Err(super::into_core_error(exhausted))
        }
        other => other,
    }
}

/// Runs `f` on the store's fuel budget, lent out of the store's data so
/// that `f` can also set the engine's fuel.
pub(crate) fn with_budget<C: CoreAsContextMut<Data: HasCoreLimits>, R>(
    ctx: &mut C,
    f: impl FnOnce(&mut FuelBudget, &mut wasmi::StoreContextMut<'_, C::Data>) -> Result<R, Error>,
) -> Result<R, Error> {
    let mut store = ctx.as_context_mut();
    let placeholder = FuelBudget::new(false);
    let mut budget = std::mem::replace(&mut store.data_mut().core_limits().fuel, placeholder);
    let result = f(&mut budget, &mut store);
    store.data_mut().core_limits().fuel = budget;
    result
}
