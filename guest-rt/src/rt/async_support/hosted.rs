//! `spawn_local` under another generator's task (wit-bindgen #1305).
//!
//! When the current task is not weft's (a wit-bindgen export, hand-written
//! C), there is no weft executor to add the future to. So weft keeps such
//! futures here and lets the foreign task drive them through what every
//! executor speaking `wasip3_task` supports: a waitable registered through
//! it. The hosted futures own a payload-less stream; a read on its readable
//! end is registered through the current task, and waking a hosted future
//! writes one unit to the writable end, which completes the read. The
//! foreign task then has an event on a waitable it waits on and calls
//! [`on_wakeup`], which polls the hosted futures (while that task is
//! installed, so what they register goes through it too) and, while any
//! remain, reads and registers again. Executors keep their task alive while
//! registrations are outstanding (wit-bindgen 0.61's `remaining_work`,
//! weft's own `has_waitables`), so the task does not exit under them.

use super::builtins::{self, WaitableIndex};
use super::lock::TaskCell;
use super::spawn::BoxFuture;
use alloc::sync::Arc;
use alloc::task::Wake;
use alloc::vec::Vec;
use core::ffi::c_void;
use core::task::{Context, Waker};

/// Copy-result word: the operation has not finished yet.
const BLOCKED: u32 = u32::MAX;

/// The futures spawned under foreign tasks, and their wakeup stream.
struct Hosted {
    futures: Vec<BoxFuture<'static>>,
    ends: Option<(WaitableIndex, WaitableIndex)>,
    /// A read is outstanding on the readable end, registered with a task.
    listening: bool,
    /// A unit was written since that read started.
    signalled: bool,
    /// The futures are being polled (they are out of the cell meanwhile).
    polling: bool,
    /// A wake arrived while polling.
    woken: bool,
}

// SAFETY: a component instance runs one thread at a time; the non-`Send`
// futures are only touched on it, through `HOSTED`'s `TaskCell`, which
// checks exclusive access itself. (Native tests share the fake host behind
// one lock.)
unsafe impl Send for Hosted {}

static HOSTED: TaskCell<Hosted> = TaskCell::new(Hosted {
    futures: Vec::new(),
    ends: None,
    listening: false,
    signalled: false,
    polling: false,
    woken: false,
});

/// Runs `future` under the current task, which is not weft's.
///
/// # Panics
/// If no task is installed at all (nothing could ever poll `future`).
pub(crate) fn spawn(future: BoxFuture<'static>) {
    // SAFETY: single-threaded instance, see `weft_cabi::current_task`.
    if unsafe { weft_cabi::current_task() }.is_null() {
        panic!(
            "weft::spawn_local called outside any async task; call it from an async \
             export or inside block_on"
        )
    }
    HOSTED.with(|h| {
        h.futures.push(future);
        if !h.polling {
            h.listen();
            h.signal();
        }
    });
}

impl Hosted {
    /// Makes sure a read is outstanding and registered with the current
    /// task.
    fn listen(&mut self) {
        if self.listening {
            return;
        }
        let (readable, _) = *self.ends.get_or_insert_with(builtins::stream_new_unit);
        let word = builtins::stream_read_unit(readable, 1);
        // Units are only written while listening, so the read waits.
        debug_assert_eq!(word, BLOCKED, "weft: a stale wakeup in the hosted stream");
        // A task is installed: `spawn` checked, and `on_wakeup` runs inside
        // the task's own callback.
        let registered =
            super::waitable::register_with_current(readable, on_wakeup, core::ptr::null_mut());
        debug_assert!(registered, "weft: no task to host spawned futures in");
        self.listening = true;
        self.signalled = false;
    }

    /// Completes the outstanding read, so the task calls [`on_wakeup`].
    fn signal(&mut self) {
        if let (Some((_, writable)), true, false) = (self.ends, self.listening, self.signalled) {
            builtins::stream_write_unit(writable, 1);
            self.signalled = true;
        }
    }

    /// Drops the stream once nothing is hosted (no read is outstanding).
    fn close(&mut self) {
        if let Some((readable, writable)) = self.ends.take() {
            builtins::stream_drop_readable_unit(readable);
            builtins::stream_drop_writable_unit(writable);
        }
    }
}

/// Wakes the hosted futures.
struct HostedWaker;

impl Wake for HostedWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        HOSTED.with(|h| {
            if h.polling {
                h.woken = true;
            } else {
                h.signal();
            }
        });
    }
}

/// The registered callback: the wakeup read completed; poll everything.
unsafe extern "C" fn on_wakeup(_: *mut c_void, _code: u32) {
    let mut futures = HOSTED.with(|h| {
        h.listening = false;
        h.polling = true;
        h.woken = false;
        core::mem::take(&mut h.futures)
    });
    let waker = Waker::from(Arc::new(HostedWaker));
    let mut cx = Context::from_waker(&waker);
    loop {
        futures.retain_mut(|f| f.as_mut().poll(&mut cx).is_pending());
        let spawned = HOSTED.with(|h| core::mem::take(&mut h.futures));
        if spawned.is_empty() {
            break;
        }
        futures.extend(spawned);
    }
    HOSTED.with(|h| {
        h.polling = false;
        h.futures = futures;
        if h.futures.is_empty() {
            return h.close();
        }
        h.listen();
        if h.woken {
            h.signal();
        }
    });
}

/// How many futures are hosted (tests).
#[cfg(test)]
pub(crate) fn hosted() -> usize {
    HOSTED.with(|h| h.futures.len())
}
