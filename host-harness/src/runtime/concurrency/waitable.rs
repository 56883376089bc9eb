//! Waitables, waitable sets and the events they deliver (Concurrency.md,
//! "Waitables and waitable sets"; CanonicalABI.md, "Waitable State").
//!
//! A waitable (today: a subtask; streams and futures later) lives in its
//! instance's handle table and may have one pending event. A waitable set
//! is a handle too; it groups waitables so one `wait` (or a callback's
//! `WAIT`) can take the next event from any of them. Which ready waitable
//! delivers is a choice the spec leaves open: the Store's PRNG makes it.

use super::rng::SchedRng;
use crate::error::{Error, trap};
use crate::runtime::handles::{HandleIdx, HandleTable, Slot};

/// The spec's `EventCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventCode {
    None,
    Subtask,
    StreamRead,
    StreamWrite,
    FutureRead,
    FutureWrite,
    TaskCancelled,
}

impl EventCode {
    pub(crate) fn code(self) -> u32 {
        match self {
            Self::None => 0,
            Self::Subtask => 1,
            Self::StreamRead => 2,
            Self::StreamWrite => 3,
            Self::FutureRead => 4,
            Self::FutureWrite => 5,
            Self::TaskCancelled => 6,
        }
    }
}

/// An event as delivered to the guest: the code and its two payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Event {
    pub(crate) code: EventCode,
    pub(crate) p1: u32,
    pub(crate) p2: u32,
}

impl Event {
    pub(crate) const NONE: Self = Self {
        code: EventCode::None,
        p1: 0,
        p2: 0,
    };
}

/// The state every waitable shares.
#[derive(Debug, Clone, Default)]
pub(crate) struct Waitable {
    /// Whether an event is pending; its payload is computed on delivery
    /// (a subtask reports the state it has then, as the spec's closure does).
    pub(crate) pending: bool,
    /// The waitable set it joined, if any.
    pub(crate) set: Option<HandleIdx>,
    /// A synchronous operation is blocked on this waitable alone.
    pub(crate) has_sync_waiter: bool,
}

/// The spec's `WaitableSet`.
#[derive(Debug, Clone, Default)]
pub(crate) struct WaitableSet {
    /// Member waitables, in join order.
    pub(crate) elems: Vec<HandleIdx>,
    /// Threads (or parked callback tasks) waiting on the set.
    pub(crate) num_waiting: u32,
}

impl HandleTable {
    /// The waitable state of the handle at `i`, or a trap if it is none.
    pub(crate) fn waitable_mut(&mut self, i: HandleIdx) -> Result<&mut Waitable, Error> {
        match self.get_mut(i)? {
            Slot::Subtask(s) => Ok(&mut s.waitable),
            Slot::CopyEnd(e) => Ok(&mut e.waitable),
            Slot::Resource(_) | Slot::WaitableSet(_) | Slot::ErrorContext(_) => {
                trap(format!("handle index {} is not a waitable", i.as_u32()))
            }
        }
    }

    /// The waitable state of the handle at `i`, if it is one (for the
    /// scheduler's read-only readiness checks).
    pub(crate) fn waitable(&self, i: HandleIdx) -> Option<&Waitable> {
        match self.get(i).ok()? {
            Slot::Subtask(s) => Some(&s.waitable),
            Slot::CopyEnd(e) => Some(&e.waitable),
            Slot::Resource(_) | Slot::WaitableSet(_) | Slot::ErrorContext(_) => None,
        }
    }

    /// The waitable set at `i`, or a trap if the handle is something else.
    pub(crate) fn waitable_set_mut(&mut self, i: HandleIdx) -> Result<&mut WaitableSet, Error> {
        match self.get_mut(i)? {
            Slot::WaitableSet(s) => Ok(s),
            Slot::Resource(_) | Slot::Subtask(_) | Slot::CopyEnd(_) | Slot::ErrorContext(_) => {
                trap(format!("handle index {} is not a waitable set", i.as_u32()))
            }
        }
    }

    /// `waitable.join`: moves waitable `w` into set `set` (`None`: out of
    /// any set).
    pub(crate) fn join(&mut self, w: HandleIdx, set: Option<HandleIdx>) -> Result<(), Error> {
        if self.waitable_mut(w)?.has_sync_waiter {
            return trap("waitable cannot be used synchronously while added to a waitable set");
        }
        if let Some(s) = set {
            self.waitable_set_mut(s)?;
        }
        if let Some(old) = self.waitable_mut(w)?.set.take()
            && let Ok(old) = self.waitable_set_mut(old)
            && let Some(at) = old.elems.iter().position(|e| *e == w)
        {
            // A waitable is in a set at most once: the first match is it.
            old.elems.remove(at);
        }
        if let Some(s) = set {
            self.waitable_set_mut(s)?.elems.push(w);
        }
        self.waitable_mut(w)?.set = set;
        Ok(())
    }

    /// Whether any member of set `s` has a pending event.
    pub(crate) fn set_has_pending(&self, s: HandleIdx) -> bool {
        let Ok(Slot::WaitableSet(set)) = self.get(s) else {
            return false;
        };
        set.elems
            .iter()
            .any(|w| self.waitable(*w).is_some_and(|w| w.pending))
    }

    /// Takes the pending event of one member of set `s`, picked by `rng`
    /// among the members that have one.
    pub(crate) fn take_set_event(
        &mut self,
        s: HandleIdx,
        rng: &mut SchedRng,
    ) -> Result<Option<Event>, Error> {
        let elems = self.waitable_set_mut(s)?.elems.clone();
        let ready: Vec<HandleIdx> = elems
            .into_iter()
            .filter(|w| self.waitable_mut(*w).is_ok_and(|w| w.pending))
            .collect();
        if ready.is_empty() {
            return Ok(None);
        }
        let w = ready[rng.pick(ready.len())];
        self.take_event(w).map(Some)
    }

    /// Takes the pending event of waitable `w` (which has one).
    pub(crate) fn take_event(&mut self, w: HandleIdx) -> Result<Event, Error> {
        let (event, ended) = match self.get_mut(w)? {
            Slot::Subtask(s) => s.take_event(w),
            Slot::CopyEnd(e) => (e.take_event(w), Vec::new()),
            Slot::Resource(_) | Slot::WaitableSet(_) | Slot::ErrorContext(_) => {
                return trap(format!("handle index {} is not a waitable", w.as_u32()));
            }
        };
        self.end_lends(&ended);
        Ok(event)
    }

    /// `waitable-set.drop`: removes set `s`, which must be empty and have
    /// no waiters.
    pub(crate) fn drop_waitable_set(&mut self, s: HandleIdx) -> Result<(), Error> {
        let set = self.waitable_set_mut(s)?;
        if set.num_waiting > 0 {
            return trap("cannot drop waitable set with waiters");
        }
        if !set.elems.is_empty() {
            return trap("cannot drop waitable set with members");
        }
        self.remove(s)?;
        Ok(())
    }
}
