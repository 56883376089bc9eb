//! [`TaskCell`]: interior mutability for task state reachable from wakers.
//!
//! A `Waker` must be `Send + Sync`, so the state it points at cannot hold a
//! `RefCell`. Component instances run one thread at a time, and the only way
//! to reach the same cell twice is re-entrance (a callback registering a
//! waitable while the executor walks its table), which the executor avoids
//! by never calling out while it holds a cell. A flag checks that promise.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

/// A cell whose contents are reached through a short closure.
pub(crate) struct TaskCell<T> {
    busy: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: every access goes through `with`, which takes the `busy` flag
// first, so no two `&mut T` exist at once even if the cell were shared
// between threads. `T: Send` is required because the value moves with
// whichever thread holds the flag.
unsafe impl<T: Send> Sync for TaskCell<T> {}

impl<T> TaskCell<T> {
    pub(crate) const fn new(value: T) -> Self {
        TaskCell {
            busy: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Runs `f` with exclusive access to the value.
    ///
    /// # Panics
    /// If called again from inside `f` (a bug in this executor, never
    /// caused by the guest or host).
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let was_busy = self.busy.swap(true, Ordering::Acquire);
        assert!(!was_busy, "weft executor: task state re-entered");
        struct Release<'a>(&'a AtomicBool);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        let _release = Release(&self.busy);
        // SAFETY: the flag was clear and is now ours until `_release` drops,
        // so this is the only reference to the value.
        f(unsafe { &mut *self.value.get() })
    }
}
