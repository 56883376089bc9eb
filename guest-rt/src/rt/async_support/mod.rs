//! The executor that async exports run on, and the async building blocks
//! generated bindings use (CanonicalABI.md / Concurrency.md).
//!
//! - `executor`: an exported task polled through the callback ABI, and
//!   [`block_on`];
//! - `task`: the version-2 `wasip3_task` installed while a task is polled;
//! - [`waitable`]: registering a waitable through whatever task is current,
//!   version 1 or 2, weft's or another generator's;
//! - [`subtask`]: an async import call and its cancel-on-drop;
//! - [`future`], [`stream`] (with `copy`): `future<T>` and `stream<T>` ends;
//! - `detached`: default future writes whose writer was dropped outside any
//!   weft task, finished later;
//! - `local`: readers made from Rust futures and streams
//!   (`FutureReader::from`, `StreamReader::from`), which become real ends
//!   when generated code lowers them;
//! - `spawn`: [`spawn_local`] and the futures one task runs; `hosted`: those
//!   spawned under another generator's task, driven through its callbacks;
//! - `wake`: wakers that reach a task suspended in `WAIT`;
//! - [`ErrorContext`]: owned `error-context` handles;
//! - `adapters` (feature `futures`): stream ends as `futures` `Stream` and
//!   `Sink`;
//! - [`builtins`]: the canonical built-ins, faked natively by `fake`.
//!
//! Nothing here assumes that the current task was created by weft: the only
//! things shared with other generators are `wasip3_task_set`, the
//! `wasip3_task` structure and the canonical built-ins.

#[cfg(feature = "futures")]
mod adapters;
pub mod builtins;
mod copy;
mod detached;
mod error_context;
mod executor;
#[cfg(not(target_arch = "wasm32"))]
pub mod fake;
pub mod future;
mod hosted;
mod local;
mod lock;
mod spawn;
pub mod stream;
pub mod subtask;
mod task;
pub mod waitable;
mod wake;

#[cfg(feature = "futures")]
pub use adapters::{ReaderDropped, ReaderStream, WriterSink};
pub use error_context::ErrorContext;
pub use executor::{block_on, callback, start_task};
pub use future::{
    FutureRead, FutureReader, FutureVtable, FutureWrite, FutureWriteError, FutureWriter, future_new,
};
pub use spawn::spawn_local;
pub use stream::{
    StreamRead, StreamReader, StreamResult, StreamVtable, StreamWrite, StreamWriter, stream_new,
};
pub use subtask::Subtask;
pub use waitable::WaitableEvent;

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// The event codes `waitable-set.wait` and the callback receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum EventCode {
    /// Nothing happened (the first call, or a `YIELD` resumed).
    None = 0,
    /// A subtask changed state.
    Subtask = 1,
    /// A `stream.read` finished.
    StreamRead = 2,
    /// A `stream.write` finished.
    StreamWrite = 3,
    /// A `future.read` finished.
    FutureRead = 4,
    /// A `future.write` finished.
    FutureWrite = 5,
    /// The caller cancelled this task.
    Cancelled = 6,
}

impl EventCode {
    /// The event for a raw code, or `None` for a code the ABI lacks.
    pub fn decode(code: u32) -> Option<EventCode> {
        Some(match code {
            0 => EventCode::None,
            1 => EventCode::Subtask,
            2 => EventCode::StreamRead,
            3 => EventCode::StreamWrite,
            4 => EventCode::FutureRead,
            5 => EventCode::FutureWrite,
            6 => EventCode::Cancelled,
            _ => return None,
        })
    }
}

/// What an async export's entry point or callback tells the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackCode {
    /// The task is finished.
    Exit,
    /// Call back soon with `EventCode::None`.
    Yield,
    /// Call back when a member of this set has an event.
    Wait(builtins::WaitableSetIndex),
}

impl CallbackCode {
    /// The packed `i32` the callback ABI returns.
    pub fn encode(self) -> u32 {
        match self {
            CallbackCode::Exit => 0,
            CallbackCode::Yield => 1,
            CallbackCode::Wait(set) => 2 | (set.0 << 4),
        }
    }
}

/// A subtask's state, as in the low bits of a status word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubtaskState {
    /// The callee has not taken its arguments yet.
    Starting,
    /// Arguments taken; results not yet delivered.
    Started,
    /// Results delivered.
    Returned,
    /// Cancelled before it started.
    StartCancelled,
    /// Cancelled after it started, before it returned.
    ReturnCancelled,
}

impl SubtaskState {
    /// The state for a raw value, or `None` for one the ABI lacks.
    pub fn decode(raw: u32) -> Option<SubtaskState> {
        Some(match raw {
            0 => SubtaskState::Starting,
            1 => SubtaskState::Started,
            2 => SubtaskState::Returned,
            3 => SubtaskState::StartCancelled,
            4 => SubtaskState::ReturnCancelled,
            _ => return None,
        })
    }
}

/// Blocks the whole component instance with `thread.yield`, letting other
/// tasks run; returns `false` if this task was cancelled meanwhile.
pub fn yield_blocking() -> bool {
    !builtins::thread_yield()
}

/// Lets the other futures of this task, and other tasks, run once before
/// continuing.
pub async fn yield_async() {
    struct YieldOnce(bool);
    impl Future for YieldOnce {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                return Poll::Ready(());
            }
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
    YieldOnce(false).await
}

/// Held by an async export's task until it has called `task.return`: if
/// the task is dropped first (the caller cancelled it), dropping this
/// acknowledges the cancellation with `task.cancel`.
#[doc(hidden)]
#[must_use = "dropping it at once reports a cancellation"]
pub struct TaskCancelOnDrop(());

impl TaskCancelOnDrop {
    /// Arms the guard at the start of the task.
    #[doc(hidden)]
    #[allow(clippy::new_without_default, reason = "a guard, not a value")]
    pub fn new() -> Self {
        TaskCancelOnDrop(())
    }

    /// Disarms it once the result was delivered.
    #[doc(hidden)]
    pub fn forget(self) {
        core::mem::forget(self);
    }
}

impl Drop for TaskCancelOnDrop {
    fn drop(&mut self) {
        builtins::task_cancel();
    }
}

/// `backpressure.inc`: the host stops starting new calls of this
/// instance's async exports until a matching [`backpressure_dec`].
pub fn backpressure_inc() {
    builtins::backpressure_inc()
}

/// `backpressure.dec`.
pub fn backpressure_dec() {
    builtins::backpressure_dec()
}

#[cfg(test)]
mod copy_tests;
#[cfg(test)]
mod local_tests;
#[cfg(test)]
mod tests;
