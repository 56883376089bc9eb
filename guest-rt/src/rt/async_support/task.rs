//! The `wasip3_task` this executor installs while it polls a task.
//!
//! [`Shared`] is the part of a task that outlives a single poll: the
//! waitables registered with it (by weft code or by any other generator
//! through the C ABI), its waitable set, its sleep state and its spawned
//! futures. It lives in an `Arc`; the version-2 [`Wasip3TaskV2`] handed to
//! `wasip3_task_set` points at it, and its vtable's `clone`/`drop` move that
//! `Arc`'s count, so a registration may keep the task alive past the poll.
//! The version-1 head carries the same `waitable_register` and
//! `waitable_unregister`, so readers that only know version 1 work too.

use super::builtins::{self, WaitableIndex, WaitableSetIndex};
use super::lock::TaskCell;
use super::spawn::BoxFuture;
use super::wake::{SleepState, WakeupStream};
use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ffi::c_void;
use core::mem::ManuallyDrop;
use weft_cabi::{
    WASIP3_TASK_V2, WaitableCallback, Wasip3Task, Wasip3TaskV2, Wasip3TaskVtable, wasip3_task_set,
};

/// A waitable's registration: who to call when its event arrives.
#[derive(Clone, Copy)]
pub(crate) struct Registration {
    pub(crate) callback: WaitableCallback,
    pub(crate) callback_ptr: *mut c_void,
}

/// The state of one exported task (or `block_on` call) shared with wakers
/// and with other generators' code.
pub(crate) struct Shared {
    pub(crate) sleep: SleepState,
    pub(crate) waitables: TaskCell<BTreeMap<WaitableIndex, Registration>>,
    pub(crate) set: TaskCell<Option<WaitableSetIndex>>,
    pub(crate) spawned: TaskCell<Vec<BoxFuture<'static>>>,
    pub(crate) wakeup: TaskCell<WakeupStream>,
}

// SAFETY: a component instance runs one thread at a time and every field is
// either atomic or a `TaskCell`, which checks exclusive access itself. The
// raw `callback_ptr`s and the non-`Send` spawned futures are only touched by
// the executor on the instance's thread; moving the `Arc` (inside a `Waker`)
// to another thread would only move the count, which is atomic.
unsafe impl Send for Shared {}
// SAFETY: see `Send` above.
unsafe impl Sync for Shared {}

/// The vtable every task of this weft copy installs; its address also tells
/// this copy that the current task is its own (see [`Shared::current`]).
static VTABLE: Wasip3TaskVtable = Wasip3TaskVtable {
    waitable_register: cabi_register,
    waitable_unregister: cabi_unregister,
    clone: cabi_clone,
    drop: cabi_drop,
};

impl Shared {
    pub(crate) fn new() -> Arc<Shared> {
        Arc::new(Shared {
            sleep: SleepState::new(),
            waitables: TaskCell::new(BTreeMap::new()),
            set: TaskCell::new(None),
            spawned: TaskCell::new(Vec::new()),
            wakeup: TaskCell::new(WakeupStream::default()),
        })
    }

    /// This task's waitable set, made on first use.
    pub(crate) fn waitable_set(&self) -> WaitableSetIndex {
        self.set
            .with(|set| *set.get_or_insert_with(builtins::waitable_set_new))
    }

    /// Whether waitables registered with this task are still outstanding.
    pub(crate) fn has_waitables(&self) -> bool {
        self.waitables.with(|w| !w.is_empty())
    }

    pub(crate) fn register(&self, waitable: WaitableIndex, reg: Registration) -> *mut c_void {
        let set = self.waitable_set();
        builtins::waitable_join(waitable, Some(set));
        let previous = self.waitables.with(|w| w.insert(waitable, reg));
        previous.map_or(core::ptr::null_mut(), |r| r.callback_ptr)
    }

    pub(crate) fn unregister(&self, waitable: WaitableIndex) -> *mut c_void {
        let previous = self.waitables.with(|w| w.remove(&waitable));
        match previous {
            Some(r) => {
                builtins::waitable_join(waitable, None);
                r.callback_ptr
            }
            None => core::ptr::null_mut(),
        }
    }

    /// Removes `waitable`'s registration because its event arrived.
    pub(crate) fn take(&self, waitable: WaitableIndex) -> Option<Registration> {
        self.waitables.with(|w| w.remove(&waitable))
    }

    /// The weft task of *this copy* of weft that is installed now, if the
    /// installed task is one.
    pub(crate) fn current() -> Option<ManuallyDrop<Arc<Shared>>> {
        // SAFETY: single-threaded instance; see `weft_cabi::current_task`.
        let task = unsafe { weft_cabi::current_task() };
        if task.is_null() {
            return None;
        }
        // SAFETY: a non-null installed task is valid while installed (the
        // `wasip3_task_set` contract); the version field says whether the
        // structure continues with a vtable.
        unsafe {
            if (*task).version < WASIP3_TASK_V2 {
                return None;
            }
            let v2 = task.cast::<Wasip3TaskV2>();
            if !core::ptr::eq((*v2).vtable, &VTABLE) {
                return None;
            }
            Some(from_ptr((*task).ptr))
        }
    }

    /// Runs `f` with this task installed as the current `wasip3_task`,
    /// restoring the previous one afterwards (also when `f` unwinds).
    pub(crate) fn installed<R>(self: &Arc<Self>, f: impl FnOnce() -> R) -> R {
        let mut task = Wasip3TaskV2 {
            v1: Wasip3Task {
                version: WASIP3_TASK_V2,
                ptr: Arc::as_ptr(self).cast_mut().cast(),
                waitable_register: VTABLE.waitable_register,
                waitable_unregister: VTABLE.waitable_unregister,
            },
            vtable: &VTABLE,
        };
        struct Restore(*mut Wasip3Task);
        impl Drop for Restore {
            fn drop(&mut self) {
                // SAFETY: the previous task was valid when we replaced it and
                // its installer is further up this stack, so it still is.
                unsafe { wasip3_task_set(self.0) };
            }
        }
        // The pointer is taken from the whole v2 structure, so a reader that
        // sees version 2 may read the vtable through it.
        let whole: *mut Wasip3TaskV2 = &mut task;
        // SAFETY: `task` lives on this frame until after `Restore` has put
        // the previous task back, so the installed pointer never dangles.
        let _restore = Restore(unsafe { wasip3_task_set(whole.cast()) });
        f()
    }
}

/// Borrows the `Arc` behind a task pointer without touching its count.
///
/// # Safety
/// `ptr` must be `Arc::as_ptr` of a live `Arc<Shared>` (the installed task's
/// `ptr`, or a pointer returned by `cabi_clone` not yet dropped).
unsafe fn from_ptr(ptr: *mut c_void) -> ManuallyDrop<Arc<Shared>> {
    // SAFETY: forwarded; `ManuallyDrop` keeps the count unchanged.
    ManuallyDrop::new(unsafe { Arc::from_raw(ptr.cast::<Shared>().cast_const()) })
}

unsafe extern "C" fn cabi_register(
    ptr: *mut c_void,
    waitable: u32,
    callback: WaitableCallback,
    callback_ptr: *mut c_void,
) -> *mut c_void {
    // SAFETY: callers pass the `ptr` of a task this vtable belongs to.
    let shared = unsafe { from_ptr(ptr) };
    shared.register(
        WaitableIndex(waitable),
        Registration {
            callback,
            callback_ptr,
        },
    )
}

unsafe extern "C" fn cabi_unregister(ptr: *mut c_void, waitable: u32) -> *mut c_void {
    // SAFETY: as in `cabi_register`.
    let shared = unsafe { from_ptr(ptr) };
    shared.unregister(WaitableIndex(waitable))
}

unsafe extern "C" fn cabi_clone(ptr: *mut c_void) -> *mut c_void {
    // SAFETY: as in `cabi_register`.
    let shared = unsafe { from_ptr(ptr) };
    Arc::into_raw(Arc::clone(&shared)).cast_mut().cast()
}

unsafe extern "C" fn cabi_drop(ptr: *mut c_void) {
    // SAFETY: `ptr` came from `cabi_clone`, so it owns one count, which is
    // released here exactly once.
    drop(unsafe { Arc::from_raw(ptr.cast::<Shared>().cast_const()) });
}
