//! Wakers that work from any task, with no opt-in feature.
//!
//! Inside one poll a wake only has to set a flag: the executor looks at it
//! before returning to the host and answers `YIELD` instead of `WAIT`. A
//! wake from *another* task (or from another executor's callback) arrives
//! while this task is suspended in `WAIT`, and the host will not run it
//! again until one of its waitables has an event. So before it sleeps, a
//! task arms a [`WakeupStream`]: a `stream` with no payload whose readable
//! end is in the task's waitable set with a read outstanding. A wake while
//! the task sleeps writes one item to the writable end, which completes the
//! read and makes the host deliver an event to the sleeping task.

use super::builtins::{self, WaitableIndex, WaitableSetIndex};
use super::task::Shared;
use alloc::sync::Arc;
use alloc::task::Wake;
use core::sync::atomic::{AtomicU32, Ordering};

const POLLING: u32 = 0;
const WOKEN: u32 = 1;
const SLEEPING: u32 = 2;
const EXITED: u32 = 3;

/// Copy-result word: the operation has not finished yet.
const BLOCKED: u32 = u32::MAX;

/// Whether a task is being polled, has been woken, sleeps, or is gone.
pub(crate) struct SleepState(AtomicU32);

impl SleepState {
    pub(crate) const fn new() -> Self {
        SleepState(AtomicU32::new(POLLING))
    }

    /// Starts a poll round; returns whether a wake arrived since the last.
    pub(crate) fn start_polling(&self) {
        self.0.store(POLLING, Ordering::Relaxed);
    }

    pub(crate) fn mark_woken(&self) {
        self.0.store(WOKEN, Ordering::Relaxed);
    }

    pub(crate) fn was_woken(&self) -> bool {
        self.0.load(Ordering::Relaxed) == WOKEN
    }

    pub(crate) fn mark_sleeping(&self) {
        self.0.store(SLEEPING, Ordering::Relaxed);
    }

    /// After this, wakes do nothing: the task's waitables are gone.
    pub(crate) fn mark_exited(&self) {
        self.0.store(EXITED, Ordering::Relaxed);
    }
}

/// The payload-less stream a sleeping task listens on for wakes.
#[derive(Debug, Default)]
pub(crate) struct WakeupStream {
    ends: Option<(WaitableIndex, WaitableIndex)>,
    reading: bool,
}

impl WakeupStream {
    /// Makes sure a read is outstanding on the readable end, joined to
    /// `set`. Returns `false` if a wake was already written (the read
    /// completed at once), so the task should be polled again instead.
    pub(crate) fn arm(&mut self, set: WaitableSetIndex) -> bool {
        if self.reading {
            return true;
        }
        let (readable, _) = *self.ends.get_or_insert_with(builtins::stream_new_unit);
        if builtins::stream_read_unit(readable, 1) != BLOCKED {
            return false;
        }
        builtins::waitable_join(readable, Some(set));
        self.reading = true;
        true
    }

    /// If `waitable` is this stream's readable end, takes its event and
    /// returns `true`.
    pub(crate) fn consume(&mut self, waitable: WaitableIndex) -> bool {
        match self.ends {
            Some((readable, _)) if readable == waitable && self.reading => {
                self.reading = false;
                true
            }
            _ => false,
        }
    }

    /// Withdraws an outstanding read (at task exit; while the task runs the
    /// read stays outstanding, see `TaskState::callback`).
    pub(crate) fn disarm(&mut self) {
        if let (Some((readable, _)), true) = (self.ends, self.reading) {
            // Out of the set first: a synchronous cancel of a waitable that
            // is in a set traps (CanonicalABI.md, "stream.cancel-read").
            builtins::waitable_join(readable, None);
            builtins::stream_cancel_read_unit(readable);
            self.reading = false;
        }
    }

    /// Writes one wake; only called while the task sleeps, when a read is
    /// outstanding, so the write completes at once.
    fn signal(&self) {
        if let Some((_, writable)) = self.ends {
            builtins::stream_write_unit(writable, 1);
        }
    }

    /// Drops both ends (at task exit).
    pub(crate) fn close(&mut self) {
        self.disarm();
        if let Some((readable, writable)) = self.ends.take() {
            builtins::stream_drop_readable_unit(readable);
            builtins::stream_drop_writable_unit(writable);
        }
    }
}

impl Wake for Shared {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        match self.sleep.0.swap(WOKEN, Ordering::Relaxed) {
            // Being polled, or woken already: the executor will see the flag.
            POLLING | WOKEN => {}
            SLEEPING => self.wakeup.with(|stream| stream.signal()),
            // The task is gone; keep it that way.
            _ => self.sleep.mark_exited(),
        }
    }
}
