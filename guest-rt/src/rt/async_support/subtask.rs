//! The caller's side of an async-lowered import (CanonicalABI.md,
//! "canon lower" with `async`).
//!
//! Calling the lowered import returns a status word: the subtask's state in
//! the low 4 bits and, unless it already returned, its handle above them.
//! While the state is `STARTING` the callee has not read its arguments, so
//! they must stay alive; after `STARTED` they may go; after `RETURNED` the
//! results are in the return area. Generated code keeps arguments and the
//! return area alive until [`Subtask`] resolves, which is always enough.
//! Dropping an unfinished `Subtask` cancels the call with `subtask.cancel`.

use super::SubtaskState;
use super::builtins::{self, WaitableIndex};
use super::waitable::WaitableEvent;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// A running call of an async-lowered import; resolves once it returned.
pub struct Subtask {
    handle: Option<WaitableIndex>,
    event: Option<WaitableEvent>,
}

impl Subtask {
    /// Takes over the status word the lowered import returned.
    ///
    /// # Panics
    /// If the status is not one the canonical ABI defines for a call.
    pub fn new(status: u32) -> Subtask {
        let state = SubtaskState::decode(status & 0xf);
        let handle = WaitableIndex(status >> 4);
        match state {
            Some(SubtaskState::Returned) => Subtask {
                handle: None,
                event: None,
            },
            Some(SubtaskState::Starting | SubtaskState::Started) => Subtask {
                handle: Some(handle),
                event: None,
            },
            Some(SubtaskState::StartCancelled | SubtaskState::ReturnCancelled) | None => {
                panic!("weft: an async import returned the invalid status {status:#x}")
            }
        }
    }

    /// Whether the call has returned (its results may be read).
    pub fn is_returned(&self) -> bool {
        self.handle.is_none()
    }
}

impl Future for Subtask {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        while let Some(handle) = this.handle {
            let event = this.event.get_or_insert_with(|| WaitableEvent::new(handle));
            let state = match Pin::new(event).poll(cx) {
                Poll::Ready(state) => state,
                Poll::Pending => return Poll::Pending,
            };
            this.event = None;
            match SubtaskState::decode(state) {
                Some(SubtaskState::Returned) => {
                    builtins::subtask_drop(handle);
                    this.handle = None;
                }
                // Arguments are no longer needed; keep waiting for results.
                Some(SubtaskState::Started | SubtaskState::Starting) => {}
                Some(SubtaskState::StartCancelled | SubtaskState::ReturnCancelled) | None => {
                    panic!("weft: unexpected subtask event {state:#x}")
                }
            }
        }
        Poll::Ready(())
    }
}

impl Drop for Subtask {
    fn drop(&mut self) {
        let Some(handle) = self.handle.take() else {
            return;
        };
        // Withdraw our registration first, so the cancel's resolution is not
        // delivered to a callback that is going away.
        self.event = None;
        builtins::waitable_join(handle, None);
        builtins::subtask_cancel(handle);
        builtins::subtask_drop(handle);
    }
}
