//! The canonical built-ins the executor calls, in one place.
//!
//! On wasm targets each function is a core import from the `$root` module
//! under the name wit-bindgen and the component-model tooling agree on
//! (`[waitable-set-new]`, `[context-get-0]`, ...), which `wit-component`
//! turns into the matching `canon` built-in (CanonicalABI.md, "Canonical
//! built-ins"). On every other target they forward to [`fake`](super::fake),
//! an in-process model of the same built-ins, so that the executor's logic
//! and its unsafe code run under `cargo test` and `cargo miri test` natively.
//!
//! Every wrapper is safe: the built-ins trap (never corrupt memory) on bad
//! handles, and the one pointer argument is built here from a local array.

/// A waitable-set handle as returned by `waitable-set.new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WaitableSetIndex(pub u32);

/// A waitable handle (subtask, stream end or future end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WaitableIndex(pub u32);

#[cfg(target_arch = "wasm32")]
mod imports {
    #[link(wasm_import_module = "$root")]
    unsafe extern "C" {
        #[link_name = "[waitable-set-new]"]
        pub fn waitable_set_new() -> u32;
        #[link_name = "[waitable-set-drop]"]
        pub fn waitable_set_drop(set: u32);
        #[link_name = "[waitable-join]"]
        pub fn waitable_join(waitable: u32, set: u32);
        #[link_name = "[waitable-set-wait]"]
        pub fn waitable_set_wait(set: u32, payload: *mut [u32; 2]) -> u32;
        #[link_name = "[waitable-set-poll]"]
        pub fn waitable_set_poll(set: u32, payload: *mut [u32; 2]) -> u32;
        #[link_name = "[context-get-0]"]
        pub fn context_get() -> *mut u8;
        #[link_name = "[context-set-0]"]
        pub fn context_set(value: *mut u8);
        #[link_name = "[thread-yield]"]
        pub fn thread_yield() -> u32;
        #[link_name = "[backpressure-inc]"]
        pub fn backpressure_inc();
        #[link_name = "[backpressure-dec]"]
        pub fn backpressure_dec();
        #[link_name = "[subtask-cancel]"]
        pub fn subtask_cancel(subtask: u32) -> u32;
        #[link_name = "[subtask-drop]"]
        pub fn subtask_drop(subtask: u32);
        #[link_name = "[stream-new-unit]"]
        pub fn stream_new_unit() -> u64;
        #[link_name = "[async-lower][stream-write-unit]"]
        pub fn stream_write_unit(end: u32, ptr: *const u8, len: usize) -> u32;
        #[link_name = "[async-lower][stream-read-unit]"]
        pub fn stream_read_unit(end: u32, ptr: *mut u8, len: usize) -> u32;
        #[link_name = "[stream-cancel-read-unit]"]
        pub fn stream_cancel_read_unit(end: u32) -> u32;
        #[link_name = "[stream-drop-readable-unit]"]
        pub fn stream_drop_readable_unit(end: u32);
        #[link_name = "[stream-drop-writable-unit]"]
        pub fn stream_drop_writable_unit(end: u32);
        #[link_name = "[error-context-new-utf8]"]
        pub fn error_context_new(ptr: *const u8, len: usize) -> u32;
        #[link_name = "[error-context-debug-message-utf8]"]
        pub fn error_context_debug_message(handle: u32, out: *mut super::PtrLen);
        #[link_name = "[error-context-drop]"]
        pub fn error_context_drop(handle: u32);
    }

    #[link(wasm_import_module = "[export]$root")]
    unsafe extern "C" {
        #[link_name = "[task-cancel]"]
        pub fn task_cancel();
    }
}

#[cfg(not(target_arch = "wasm32"))]
use super::fake as imports;

/// `waitable-set.new`.
pub fn waitable_set_new() -> WaitableSetIndex {
    // SAFETY: takes no arguments; the built-in only creates a handle.
    WaitableSetIndex(unsafe { imports::waitable_set_new() })
}

/// `waitable-set.drop`; traps if the set still has members being waited on.
pub fn waitable_set_drop(set: WaitableSetIndex) {
    // SAFETY: handle arguments are checked by the built-in, which traps on a
    // bad one; no memory is passed.
    unsafe { imports::waitable_set_drop(set.0) }
}

/// `waitable.join`: moves `waitable` into `set`, or out of every set when
/// `set` is `None` (the built-in's set 0).
pub fn waitable_join(waitable: WaitableIndex, set: Option<WaitableSetIndex>) {
    // SAFETY: as for `waitable_set_drop`.
    unsafe { imports::waitable_join(waitable.0, set.map_or(0, |s| s.0)) }
}

/// One event as `waitable-set.wait`/`poll` report it: the event code and the
/// two payload words (a waitable and a code, or zeros for `NONE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawEvent {
    /// The event code (`EventCode` in `mod.rs`).
    pub code: u32,
    /// First payload word: the waitable handle.
    pub waitable: u32,
    /// Second payload word: the event's result code.
    pub result: u32,
}

/// `waitable-set.wait`: blocks this task until some member has an event.
pub fn waitable_set_wait(set: WaitableSetIndex) -> RawEvent {
    let mut payload = [0u32; 2];
    // SAFETY: `payload` is a live, aligned 8-byte local the built-in writes.
    let code = unsafe { imports::waitable_set_wait(set.0, &mut payload) };
    RawEvent {
        code,
        waitable: payload[0],
        result: payload[1],
    }
}

/// `waitable-set.poll`: like `wait` but returns `NONE` instead of blocking.
pub fn waitable_set_poll(set: WaitableSetIndex) -> RawEvent {
    let mut payload = [0u32; 2];
    // SAFETY: as in `waitable_set_wait`.
    let code = unsafe { imports::waitable_set_poll(set.0, &mut payload) };
    RawEvent {
        code,
        waitable: payload[0],
        result: payload[1],
    }
}

/// `context.get 0`: the task-local word the executor keeps its state in.
pub fn context_get() -> *mut u8 {
    // SAFETY: reads a per-task word; no arguments.
    unsafe { imports::context_get() }
}

/// `context.set 0`.
///
/// # Safety
/// Whoever reads the slot back (this executor's callback) dereferences it,
/// so `value` must be null or point to what that reader expects.
pub unsafe fn context_set(value: *mut u8) {
    // SAFETY: stores a word; the built-in itself never dereferences it.
    unsafe { imports::context_set(value) }
}

/// `thread.yield`; returns `true` if the task was cancelled meanwhile.
pub fn thread_yield() -> bool {
    // SAFETY: no arguments.
    unsafe { imports::thread_yield() != 0 }
}

/// `backpressure.inc`.
pub fn backpressure_inc() {
    // SAFETY: no arguments; the built-in traps on overflow.
    unsafe { imports::backpressure_inc() }
}

/// `backpressure.dec`.
pub fn backpressure_dec() {
    // SAFETY: no arguments; the built-in traps on underflow.
    unsafe { imports::backpressure_dec() }
}

/// `subtask.cancel` (synchronous): returns the subtask's final status.
pub fn subtask_cancel(subtask: WaitableIndex) -> u32 {
    // SAFETY: handle argument checked by the built-in.
    unsafe { imports::subtask_cancel(subtask.0) }
}

/// `subtask.drop`.
pub fn subtask_drop(subtask: WaitableIndex) {
    // SAFETY: handle argument checked by the built-in.
    unsafe { imports::subtask_drop(subtask.0) }
}

/// `stream.new` for `stream` with no payload: `(readable, writable)`.
pub fn stream_new_unit() -> (WaitableIndex, WaitableIndex) {
    // SAFETY: no arguments.
    let both = unsafe { imports::stream_new_unit() };
    (
        WaitableIndex(both as u32),
        WaitableIndex((both >> 32) as u32),
    )
}

/// Async `stream.write` of `count` unit values; returns the copy result word.
pub fn stream_write_unit(end: WaitableIndex, count: usize) -> u32 {
    // SAFETY: a unit stream carries no bytes, so the buffer pointer is never
    // dereferenced; a dangling, aligned one is what the ABI expects.
    unsafe { imports::stream_write_unit(end.0, core::ptr::dangling(), count) }
}

/// Async `stream.read` of up to `count` unit values.
pub fn stream_read_unit(end: WaitableIndex, count: usize) -> u32 {
    // SAFETY: as in `stream_write_unit`.
    unsafe { imports::stream_read_unit(end.0, core::ptr::dangling_mut(), count) }
}

/// Synchronous `stream.cancel-read`; returns the copy result word.
pub fn stream_cancel_read_unit(end: WaitableIndex) -> u32 {
    // SAFETY: handle argument checked by the built-in.
    unsafe { imports::stream_cancel_read_unit(end.0) }
}

/// `stream.drop-readable`.
pub fn stream_drop_readable_unit(end: WaitableIndex) {
    // SAFETY: handle argument checked by the built-in.
    unsafe { imports::stream_drop_readable_unit(end.0) }
}

/// `stream.drop-writable`.
pub fn stream_drop_writable_unit(end: WaitableIndex) {
    // SAFETY: handle argument checked by the built-in.
    unsafe { imports::stream_drop_writable_unit(end.0) }
}

/// `task.cancel`: acknowledges that the current (exported) task was
/// cancelled, in place of `task.return`.
pub fn task_cancel() {
    // SAFETY: no arguments; traps unless a cancellation was requested.
    unsafe { imports::task_cancel() }
}

/// A string as the canonical ABI stores it: pointer, then length (two
/// 32-bit words on wasm32). Typed, so the pointer keeps its provenance.
#[repr(C)]
pub struct PtrLen {
    /// Start of the bytes.
    pub ptr: *mut u8,
    /// Number of bytes.
    pub len: usize,
}

/// `error-context.new` with a UTF-8 debug message.
pub fn error_context_new(message: &str) -> u32 {
    // SAFETY: `message` is valid for reads of its length during the call;
    // the built-in copies it.
    unsafe { imports::error_context_new(message.as_ptr(), message.len()) }
}

/// `error-context.debug-message`: the message, which the host placed in a
/// fresh allocation of ours (through `cabi_realloc`).
pub fn error_context_debug_message(handle: u32) -> alloc::string::String {
    let mut out = PtrLen {
        ptr: core::ptr::null_mut(),
        len: 0,
    };
    // SAFETY: `out` is a live local the built-in writes a (ptr, len) pair to.
    unsafe { imports::error_context_debug_message(handle, &mut out) };
    // SAFETY: the canonical ABI gives us a `len`-byte UTF-8 allocation made
    // with our `cabi_realloc`, whose ownership passes to us.
    unsafe { crate::rt::string_lift(out.ptr, out.len) }
}

/// `error-context.drop`.
pub fn error_context_drop(handle: u32) {
    // SAFETY: handle argument checked by the built-in.
    unsafe { imports::error_context_drop(handle) }
}
