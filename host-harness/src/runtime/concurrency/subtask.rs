//! The caller's view of an async-lowered call (CanonicalABI.md, "Subtask
//! State" and `canon lower`): a waitable in the caller's handle table that
//! moves through STARTING, STARTED and RETURNED and reports each change as
//! a `SUBTASK` event.

use super::waitable::{Event, EventCode, Waitable};
use crate::error::{Error, trap};
use crate::runtime::handles::HandleIdx;
use crate::runtime::task::TaskId;

/// The spec's `Subtask.State`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubtaskState {
    Starting,
    Started,
    Returned,
    CancelledBeforeStarted,
    CancelledBeforeReturned,
}

impl SubtaskState {
    /// The value the guest sees (in the packed lower result and events).
    pub(crate) fn code(self) -> u32 {
        match self {
            Self::Starting => 0,
            Self::Started => 1,
            Self::Returned => 2,
            Self::CancelledBeforeStarted => 3,
            Self::CancelledBeforeReturned => 4,
        }
    }

    pub(crate) fn resolved(self) -> bool {
        match self {
            Self::Starting | Self::Started => false,
            Self::Returned | Self::CancelledBeforeStarted | Self::CancelledBeforeReturned => true,
        }
    }
}

/// The spec's `Subtask`.
#[derive(Debug, Clone)]
pub(crate) struct Subtask {
    pub(crate) state: SubtaskState,
    pub(crate) waitable: Waitable,
    /// The callee's task.
    pub(crate) task: TaskId,
    /// Handles of the caller lent to the callee as borrows; `None` once the
    /// resolution was delivered (the spec's `lenders = None`).
    pub(crate) lenders: Option<Vec<HandleIdx>>,
    /// `subtask.cancel` was called.
    pub(crate) cancellation_requested: bool,
}

impl Subtask {
    pub(crate) fn new(task: TaskId, state: SubtaskState, lenders: Vec<HandleIdx>) -> Self {
        Self {
            state,
            waitable: Waitable::default(),
            task,
            lenders: Some(lenders),
            cancellation_requested: false,
        }
    }

    pub(crate) fn resolve_delivered(&self) -> bool {
        self.lenders.is_none()
    }

    /// Moves to `state` and makes the change a pending event.
    pub(crate) fn progress(&mut self, state: SubtaskState) {
        self.state = state;
        self.waitable.pending = true;
    }

    /// Delivers the pending event of this subtask, at handle `i`, and, if
    /// this delivers the resolution, the caller's handles whose loans end
    /// now (the spec's `deliver_resolve`).
    pub(crate) fn take_event(&mut self, i: HandleIdx) -> (Event, Vec<HandleIdx>) {
        self.waitable.pending = false;
        let ended = if self.state.resolved() {
            self.lenders.take().unwrap_or_default()
        } else {
            Vec::new()
        };
        let event = Event {
            code: EventCode::Subtask,
            p1: i.as_u32(),
            p2: self.state.code(),
        };
        (event, ended)
    }

    /// `subtask.drop`'s check.
    pub(crate) fn check_drop(&self) -> Result<(), Error> {
        if !self.resolve_delivered() {
            return trap("cannot drop a subtask which has not yet resolved");
        }
        Ok(())
    }
}
