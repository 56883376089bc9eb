//! Registering a waitable through whatever task is current.
//!
//! An async import, stream or future operation does not know which executor
//! runs it: weft's, another weft version's, wit-bindgen's, or hand-written C.
//! It reads the current `wasip3_task` and registers through it. A
//! version-2 task is cloned through its vtable, so the registration can be
//! withdrawn later even if that task is not current then. A version-1 task
//! has no clone: its structure is only known valid while it is installed, so
//! a version-1 registration is withdrawn only while the same structure is
//! current, and otherwise its callback state is leaked, never freed, so a
//! late callback still finds valid memory. Version-2 entries are never read
//! from a version-1 structure.

use super::builtins::WaitableIndex;
use alloc::boxed::Box;
use core::cell::Cell;
use core::ffi::c_void;
use core::future::Future;
use core::pin::Pin;
use core::ptr::NonNull;
use core::task::{Context, Poll, Waker};
use weft_cabi::{WASIP3_TASK_V2, Wasip3Task, Wasip3TaskV2, Wasip3TaskVtable};

/// A reference to the task a waitable was registered with.
enum TaskRef {
    /// The installed version-1 structure, valid only while installed.
    V1(*mut Wasip3Task),
    /// A reference made by the vtable's `clone`, released on drop.
    V2 {
        ptr: *mut c_void,
        vtable: &'static Wasip3TaskVtable,
    },
}

impl TaskRef {
    /// The task installed now, if any.
    fn current() -> Option<TaskRef> {
        // SAFETY: single-threaded instance, see `weft_cabi::current_task`.
        let task = unsafe { weft_cabi::current_task() };
        if task.is_null() {
            return None;
        }
        // SAFETY: the installed structure is valid while installed; its
        // version says whether the vtable field exists.
        unsafe {
            if (*task).version < WASIP3_TASK_V2 {
                return Some(TaskRef::V1(task));
            }
            let vtable = (*task.cast::<Wasip3TaskV2>()).vtable;
            let ptr = (vtable.clone)((*task).ptr);
            Some(TaskRef::V2 { ptr, vtable })
        }
    }

    /// Registers; only called right after [`TaskRef::current`], so a
    /// version-1 structure is still installed.
    fn register(&self, waitable: WaitableIndex, slot: *mut c_void) {
        // SAFETY: a v1 structure is installed (see above); a v2 `ptr` is a
        // live clone. `slot` stays valid until unregistered or called back.
        unsafe {
            match *self {
                TaskRef::V1(task) => {
                    ((*task).waitable_register)((*task).ptr, waitable.0, on_event, slot)
                }
                TaskRef::V2 { ptr, vtable } => {
                    (vtable.waitable_register)(ptr, waitable.0, on_event, slot)
                }
            };
        }
    }

    /// Withdraws the registration; `false` if that is impossible now (a
    /// version-1 task that is no longer installed).
    fn unregister(&self, waitable: WaitableIndex) -> bool {
        // SAFETY: a v2 `ptr` is a live clone; a v1 structure is used only
        // after checking that it is the one installed now.
        unsafe {
            match *self {
                TaskRef::V1(task) => {
                    if weft_cabi::current_task() != task {
                        return false;
                    }
                    ((*task).waitable_unregister)((*task).ptr, waitable.0);
                }
                TaskRef::V2 { ptr, vtable } => {
                    (vtable.waitable_unregister)(ptr, waitable.0);
                }
            }
        }
        true
    }
}

impl Drop for TaskRef {
    fn drop(&mut self) {
        if let TaskRef::V2 { ptr, vtable } = *self {
            // SAFETY: `ptr` came from this vtable's `clone` and is released
            // exactly once, here.
            unsafe { (vtable.drop)(ptr) }
        }
    }
}

/// Registers `waitable` with `callback` through the task installed now,
/// through the head fields every version has; `false` if none is.
pub(crate) fn register_with_current(
    waitable: WaitableIndex,
    callback: weft_cabi::WaitableCallback,
    callback_ptr: *mut c_void,
) -> bool {
    // SAFETY: single-threaded instance, see `weft_cabi::current_task`.
    let task = unsafe { weft_cabi::current_task() };
    if task.is_null() {
        return false;
    }
    // SAFETY: the installed structure is valid while installed, and its
    // version-1 head is present in every version; the callback's state
    // lives as long as the caller promises.
    unsafe { ((*task).waitable_register)((*task).ptr, waitable.0, callback, callback_ptr) };
    true
}

/// Where a registration's callback leaves the event.
#[derive(Default)]
struct Slot {
    code: Cell<Option<u32>>,
    waker: Cell<Option<Waker>>,
}

unsafe extern "C" fn on_event(ptr: *mut c_void, code: u32) {
    // SAFETY: `ptr` is the `Slot` registered by `WaitableEvent`, which stays
    // allocated until it is unregistered or this callback has run.
    let slot = unsafe { &*ptr.cast::<Slot>() };
    slot.code.set(Some(code));
    if let Some(waker) = slot.waker.take() {
        waker.wake();
    }
}

/// A future for the next event of one waitable, resolving to the event's
/// result word. Registers on first poll (when a task is current);
/// dropping it before the event withdraws the registration.
pub struct WaitableEvent {
    waitable: WaitableIndex,
    /// Allocated with `Box::into_raw` at registration and kept raw, because
    /// the executor holds a copy of the pointer; freed in `Drop` unless a
    /// late callback may still use it.
    slot: Option<NonNull<Slot>>,
    task: Option<TaskRef>,
}

impl WaitableEvent {
    /// Waits for `waitable`'s next event.
    pub fn new(waitable: WaitableIndex) -> Self {
        WaitableEvent {
            waitable,
            slot: None,
            task: None,
        }
    }

    fn slot(&self) -> Option<&Slot> {
        // SAFETY: the pointer came from `Box::into_raw` and is freed only in
        // `Drop`; slots are only ever accessed through shared references.
        self.slot.map(|p| unsafe { &*p.as_ptr() })
    }
}

impl Future for WaitableEvent {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        let this = self.get_mut();
        if let Some(code) = this.slot().and_then(|s| s.code.get()) {
            this.task = None;
            return Poll::Ready(code);
        }
        if this.task.is_none() {
            let Some(task) = TaskRef::current() else {
                panic!(
                    "weft: an async operation was polled outside any async task; \
                     run it in an async export or in weft's block_on"
                )
            };
            let slot = NonNull::from(Box::leak(Box::<Slot>::default()));
            this.slot = Some(slot);
            task.register(this.waitable, slot.as_ptr().cast());
            this.task = Some(task);
        }
        if let Some(slot) = this.slot() {
            slot.waker.set(Some(cx.waker().clone()));
        }
        Poll::Pending
    }
}

impl Drop for WaitableEvent {
    fn drop(&mut self) {
        let Some(slot) = self.slot else { return };
        let done = self.slot().is_some_and(|s| s.code.get().is_some());
        if let Some(task) = self.task.take()
            && !done
            && !task.unregister(self.waitable)
        {
            // The registration outlives us; so must the slot it points at.
            return;
        }
        // SAFETY: from `Box::into_raw`; nobody else holds the pointer any
        // more: the callback ran or the registration was withdrawn.
        drop(unsafe { Box::from_raw(slot.as_ptr()) });
    }
}

/// Frees a slot that `WaitableEvent` leaked on purpose (a version-1
/// registration it could not withdraw), once its callback has run; lets the
/// tests end without leaks under Miri.
///
/// # Safety
/// `ptr` must be the `callback_ptr` of such a registration, used no more.
#[cfg(test)]
pub(super) unsafe fn free_leaked_slot(ptr: *mut c_void) {
    // SAFETY: forwarded; the slot came from `Box::leak`.
    drop(unsafe { Box::from_raw(ptr.cast::<Slot>()) });
}
