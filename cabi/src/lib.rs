//! The `wasip3_task` C ABI: how exported async tasks and imported async
//! operations find each other inside one component.
//!
//! A component may be assembled from crates that were built with different
//! bindings generators, or with different major versions of the same one. An
//! imported async function bound by one of them must be able to hand its
//! waitable to the executor of an export bound by another. They meet through
//! one C symbol, `wasip3_task_set`, which swaps a single process-wide pointer
//! to a [`Wasip3Task`]. The symbol is defined weakly in `src/wasip3_task.c`
//! (stable Rust cannot emit weak symbols); whichever copy the linker keeps,
//! all behave the same.
//!
//! Protocol, as every participating generator implements it:
//! - An executor that runs an exported task builds a [`Wasip3Task`] that lives
//!   for the whole task, calls `wasip3_task_set(&task)` before polling the
//!   task's future and restores the returned previous pointer afterwards.
//! - Code that starts an async import calls `wasip3_task_set(null)` to read
//!   the current task (restoring it right away), then calls
//!   `waitable_register` with its waitable and a callback. The executor adds
//!   the waitable to its waitable set and invokes the callback with the event
//!   code when it becomes ready.
//! - Version 2 ([`Wasip3TaskV2`]) adds a vtable with `clone`/`drop`, so a
//!   reference to the task can outlive the stack frame that installed it.
//!
//! The layouts below are `#[repr(C)]` and checked by tests against the sizes
//! and offsets other implementations use on wasm32.
//!
//! On wasm targets the crate also defines the weak `cabi_realloc` export
//! (`src/cabi_realloc.c`), which forwards to the allocator in the `weft`
//! crate named by [`CABI_REALLOC_TARGET`]; see [`realloc`]. With the `std`
//! feature on WASI past p1 it does not: Rust's `std` defines one there.

#![no_std]
// Lint gates of this crate: every public item is documented, and every
// `allow` says why.
#![deny(missing_docs)]
#![deny(clippy::allow_attributes_without_reason)]

use core::ffi::c_void;

pub mod realloc;
pub use realloc::CABI_REALLOC_TARGET;

/// [`Wasip3Task::version`] for a structure that has exactly the version-1
/// fields.
pub const WASIP3_TASK_V1: u32 = 1;

/// [`Wasip3Task::version`] for a structure that is the head of a
/// [`Wasip3TaskV2`].
pub const WASIP3_TASK_V2: u32 = 2;

/// Called by an executor when a registered waitable has an event.
///
/// `callback_ptr` is the pointer given at registration; `code` is the event
/// code the component model delivered for the waitable.
pub type WaitableCallback = unsafe extern "C" fn(callback_ptr: *mut c_void, code: u32);

/// Adds `waitable` to the task's waitable set.
///
/// Returns the `callback_ptr` of an earlier registration of the same waitable
/// (which this one replaces), or null. The caller keeps `callback_ptr` valid
/// until the callback runs, the waitable is unregistered, or it is registered
/// again.
pub type WaitableRegister = unsafe extern "C" fn(
    ptr: *mut c_void,
    waitable: u32,
    callback: WaitableCallback,
    callback_ptr: *mut c_void,
) -> *mut c_void;

/// Removes `waitable` from the task's waitable set, returning the
/// `callback_ptr` it was registered with, or null if it was not registered.
pub type WaitableUnregister = unsafe extern "C" fn(ptr: *mut c_void, waitable: u32) -> *mut c_void;

/// Makes an independently owned reference to the task behind `ptr`, to be
/// released with [`TaskDrop`].
pub type TaskClone = unsafe extern "C" fn(ptr: *mut c_void) -> *mut c_void;

/// Releases a reference made by [`TaskClone`]. Never called on
/// [`Wasip3Task::ptr`] itself, whose lifetime the executor manages.
pub type TaskDrop = unsafe extern "C" fn(ptr: *mut c_void);

/// The structure `wasip3_task_set` points at (version 1 layout).
///
/// On wasm32 this is 16 bytes: `version` at 0, `ptr` at 4,
/// `waitable_register` at 8, `waitable_unregister` at 12.
#[repr(C)]
#[derive(Debug)]
pub struct Wasip3Task {
    /// [`WASIP3_TASK_V1`] or [`WASIP3_TASK_V2`]; says which fields follow.
    pub version: u32,
    /// The executor's private state, passed back as the first argument of
    /// every callback.
    pub ptr: *mut c_void,
    /// See [`WaitableRegister`]. In a version-2 structure this equals the
    /// vtable's entry, so version-1 readers keep working.
    pub waitable_register: WaitableRegister,
    /// See [`WaitableUnregister`]; mirrored in the vtable like the above.
    pub waitable_unregister: WaitableUnregister,
}

/// The version-2 structure: the version-1 head followed by a vtable pointer.
///
/// On wasm32 this is 20 bytes, with `vtable` at offset 16.
#[repr(C)]
#[derive(Debug)]
pub struct Wasip3TaskV2 {
    /// The version-1 head, with `version == WASIP3_TASK_V2`.
    pub v1: Wasip3Task,
    /// Always valid for as long as the task is installed.
    pub vtable: &'static Wasip3TaskVtable,
}

/// Operations on [`Wasip3Task::ptr`] for version-2 tasks.
///
/// On wasm32 this is 16 bytes: `waitable_register` at 0,
/// `waitable_unregister` at 4, `clone` at 8, `drop` at 12.
#[repr(C)]
#[derive(Debug)]
pub struct Wasip3TaskVtable {
    /// See [`WaitableRegister`].
    pub waitable_register: WaitableRegister,
    /// See [`WaitableUnregister`].
    pub waitable_unregister: WaitableUnregister,
    /// See [`TaskClone`].
    pub clone: TaskClone,
    /// See [`TaskDrop`].
    pub drop: TaskDrop,
}

#[cfg(not(miri))]
unsafe extern "C" {
    /// Installs `task` as the current task and returns the previous one.
    ///
    /// Passing null reads the current task (and uninstalls it: put it back).
    ///
    /// # Safety
    ///
    /// `task` must be null or point to a [`Wasip3Task`] (or [`Wasip3TaskV2`])
    /// that stays valid until it is replaced again. Readers dereference the
    /// returned pointer, so installing a dangling one is undefined behaviour
    /// in whichever generator reads it next.
    pub fn wasip3_task_set(task: *mut Wasip3Task) -> *mut Wasip3Task;
}

/// Miri cannot call C, so under `cargo miri test` the slot is this Rust
/// twin of `src/wasip3_task.c`, with the same contract.
///
/// # Safety
/// As for the C definition: `task` must stay valid while installed.
#[cfg(miri)]
pub unsafe fn wasip3_task_set(task: *mut Wasip3Task) -> *mut Wasip3Task {
    use core::sync::atomic::{AtomicPtr, Ordering};
    static SLOT: AtomicPtr<Wasip3Task> = AtomicPtr::new(core::ptr::null_mut());
    SLOT.swap(task, Ordering::Relaxed)
}

/// Returns the task installed now, or null, leaving it installed.
///
/// # Safety
///
/// Must not race with another caller of `wasip3_task_set`; components are
/// single-threaded per instance, so in practice this holds on wasm targets.
pub unsafe fn current_task() -> *mut Wasip3Task {
    // SAFETY: null is always an acceptable argument, and the value read back
    // is reinstalled unchanged, so the slot ends as it began.
    unsafe {
        let task = wasip3_task_set(core::ptr::null_mut());
        wasip3_task_set(task);
        task
    }
}

#[cfg(test)]
mod tests;
