//! An in-process model of the canonical built-ins, for native builds.
//!
//! The executor is only meaningful inside a component, yet its bookkeeping
//! (which waitable belongs to which task, what the callback returns, when a
//! future is woken) and its unsafe code are worth testing natively and under
//! Miri. This module stands in for the host: it keeps waitable sets, pending
//! events, the task's context word and unit streams in a thread-local
//! [`Model`], and lets a test play the host's part ([`complete`]).
//!
//! It is deliberately small and strict: any misuse the real built-ins would
//! trap on (an unknown handle, a set dropped while it has members, waiting
//! when nothing can ever happen) panics here with a message naming the
//! built-in, which fails the test that caused it.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::cell::RefCell;

/// What the model remembers about one waitable.
#[derive(Debug, Default)]
struct Waitable {
    set: Option<u32>,
    /// An event the host has decided on: `(event code, result word)`.
    pending: Option<(u32, u32)>,
    /// For a unit-stream end: the other end, a read in progress, a write
    /// waiting for a reader.
    peer: Option<u32>,
    reading: Option<(*mut u8, usize)>,
    writing: Option<(*const u8, usize)>,
}

/// The fake host's whole state for the current thread.
#[derive(Debug, Default)]
pub struct Model {
    next: u32,
    sets: Vec<u32>,
    waitables: BTreeMap<u32, Waitable>,
    context: Option<core::ptr::NonNull<u8>>,
    /// The backpressure counter (`backpressure.inc` / `.dec`).
    pub backpressure: i32,
    /// Whether `thread.yield` should report the task as cancelled.
    pub cancelled: bool,
    /// Every subtask passed to `subtask.cancel`, in order.
    pub cancelled_subtasks: Vec<u32>,
    /// Every subtask passed to `subtask.drop`, in order.
    pub dropped_subtasks: Vec<u32>,
    /// The status `subtask.cancel` answers with.
    pub cancel_status: u32,
    /// How many times `task.cancel` was called.
    pub task_cancels: u32,
    /// How many copies were cancelled (`stream`/`future` `cancel-*`).
    pub cancelled_copies: u32,
    /// Live error contexts and their debug messages.
    pub error_contexts: BTreeMap<u32, alloc::string::String>,
}

std::thread_local! {
    static MODEL: RefCell<Model> = RefCell::new(Model::default());
}

/// Runs `f` on the current thread's model.
pub fn with<R>(f: impl FnOnce(&mut Model) -> R) -> R {
    MODEL.with(|m| f(&mut m.borrow_mut()))
}

/// Forgets everything: each test starts from a fresh host.
pub fn reset() {
    with(|m| *m = Model::default());
}

/// Makes a new waitable handle (a subtask or future end that a test
/// pretends the host created).
pub fn new_waitable() -> u32 {
    with(Model::fresh)
}

/// Records that `waitable` has an event (`code`, `result`) for `wait`/`poll`.
pub fn complete(waitable: u32, code: u32, result: u32) {
    with(|m| m.waitable(waitable, "complete").pending = Some((code, result)));
}

/// Takes the event the host decided on for `waitable`, if any (a test
/// playing another generator's executor, which delivers events itself).
pub fn take_event(waitable: u32) -> Option<(u32, u32)> {
    with(|m| {
        m.waitables
            .get_mut(&waitable)
            .and_then(|w| w.pending.take())
    })
}

/// The set `waitable` is a member of, if any.
pub fn set_of(waitable: u32) -> Option<u32> {
    with(|m| m.waitables.get(&waitable).and_then(|w| w.set))
}

/// How many waitable sets are alive.
pub fn live_sets() -> usize {
    with(|m| m.sets.len())
}

/// How many waitables (of any kind) are alive.
pub fn live_waitables() -> usize {
    with(|m| m.waitables.len())
}

impl Model {
    fn fresh(&mut self) -> u32 {
        self.next += 1;
        self.waitables.insert(self.next, Waitable::default());
        self.next
    }

    fn waitable(&mut self, handle: u32, builtin: &str) -> &mut Waitable {
        match self.waitables.get_mut(&handle) {
            Some(w) => w,
            None => panic!("fake {builtin}: unknown waitable {handle}"),
        }
    }

    fn take_event(&mut self, set: u32, builtin: &str) -> Option<(u32, u32, u32)> {
        assert!(
            self.sets.contains(&set),
            "fake {builtin}: unknown set {set}"
        );
        let (handle, w) = self
            .waitables
            .iter_mut()
            .find(|(_, w)| w.set == Some(set) && w.pending.is_some())?;
        let (code, result) = w.pending.take()?;
        Some((code, *handle, result))
    }

    /// A waitable that a synchronous built-in may use: one in no set (the
    /// real built-ins trap on a member of a set).
    fn unjoined(&mut self, handle: u32, builtin: &str) -> &mut Waitable {
        let w = self.waitable(handle, builtin);
        assert!(
            w.set.is_none(),
            "fake {builtin}: {handle} is still in a set"
        );
        w
    }

    fn remove_unjoined(&mut self, handle: u32, builtin: &str) {
        self.unjoined(handle, builtin);
        self.waitables.remove(&handle);
    }
}

const BLOCKED: u32 = u32::MAX;
const DROPPED: u32 = 1;
const CANCELLED: u32 = 2;
/// The stream events; a test that models a future rewrites them.
const EVENT_COPY_READ: u32 = 2;
const EVENT_COPY_WRITE: u32 = 3;

fn completed(count: usize) -> u32 {
    (count as u32) << 4
}

pub(crate) unsafe fn waitable_set_new() -> u32 {
    with(|m| {
        m.next += 1;
        let set = m.next;
        m.sets.push(set);
        set
    })
}

pub(crate) unsafe fn waitable_set_drop(set: u32) {
    with(|m| {
        let members = m.waitables.values().any(|w| w.set == Some(set));
        assert!(
            !members,
            "fake waitable-set.drop: set {set} still has members"
        );
        let Some(at) = m.sets.iter().position(|s| *s == set) else {
            panic!("fake waitable-set.drop: unknown set {set}")
        };
        m.sets.remove(at);
    })
}

pub(crate) unsafe fn waitable_join(waitable: u32, set: u32) {
    with(|m| {
        assert!(
            set == 0 || m.sets.contains(&set),
            "fake waitable.join: unknown set {set}"
        );
        m.waitable(waitable, "waitable.join").set = (set != 0).then_some(set);
    })
}

/// # Safety
/// `payload` must be valid for writes.
pub(crate) unsafe fn waitable_set_wait(set: u32, payload: *mut [u32; 2]) -> u32 {
    let Some((code, waitable, result)) = with(|m| m.take_event(set, "waitable-set.wait")) else {
        panic!("fake waitable-set.wait: set {set} has no event and nothing else can run")
    };
    // SAFETY: forwarded caller guarantee.
    unsafe { *payload = [waitable, result] };
    code
}

/// # Safety
/// `payload` must be valid for writes.
pub(crate) unsafe fn waitable_set_poll(set: u32, payload: *mut [u32; 2]) -> u32 {
    let (code, waitable, result) =
        with(|m| m.take_event(set, "waitable-set.poll")).unwrap_or_default();
    // SAFETY: forwarded caller guarantee.
    unsafe { *payload = [waitable, result] };
    code
}

pub(crate) unsafe fn context_get() -> *mut u8 {
    with(|m| m.context).map_or(core::ptr::null_mut(), |p| p.as_ptr())
}

pub(crate) unsafe fn context_set(value: *mut u8) {
    with(|m| m.context = core::ptr::NonNull::new(value))
}

pub(crate) unsafe fn thread_yield() -> u32 {
    with(|m| u32::from(m.cancelled))
}

pub(crate) unsafe fn backpressure_inc() {
    with(|m| m.backpressure += 1)
}

pub(crate) unsafe fn backpressure_dec() {
    with(|m| m.backpressure -= 1)
}

pub(crate) unsafe fn subtask_cancel(subtask: u32) -> u32 {
    with(|m| {
        m.unjoined(subtask, "subtask.cancel");
        m.cancelled_subtasks.push(subtask);
        m.cancel_status
    })
}

pub(crate) unsafe fn subtask_drop(subtask: u32) {
    with(|m| {
        m.remove_unjoined(subtask, "subtask.drop");
        m.dropped_subtasks.push(subtask);
    })
}

pub(crate) unsafe fn stream_new_unit() -> u64 {
    copy_new()
}

pub(crate) unsafe fn stream_write_unit(end: u32, ptr: *const u8, len: usize) -> u32 {
    // SAFETY: zero-sized elements: no byte is read.
    unsafe { copy_write(end, ptr, len, 0) }
}

pub(crate) unsafe fn stream_read_unit(end: u32, ptr: *mut u8, len: usize) -> u32 {
    // SAFETY: zero-sized elements: no byte is written.
    unsafe { copy_read(end, ptr, len, 0) }
}

pub(crate) unsafe fn stream_cancel_read_unit(end: u32) -> u32 {
    copy_cancel(end, "stream.cancel-read")
}

pub(crate) unsafe fn stream_drop_readable_unit(end: u32) {
    copy_drop(end, "stream.drop-readable")
}

pub(crate) unsafe fn stream_drop_writable_unit(end: u32) {
    copy_drop(end, "stream.drop-writable")
}

/// `stream.new` / `future.new` for any payload: `readable | writable << 32`.
pub fn copy_new() -> u64 {
    with(|m| {
        let readable = m.fresh();
        let writable = m.fresh();
        m.waitable(readable, "new").peer = Some(writable);
        m.waitable(writable, "new").peer = Some(readable);
        u64::from(readable) | (u64::from(writable) << 32)
    })
}

/// An async `read` of up to `len` elements of `size` bytes into `ptr`:
/// completes at once if a write is waiting (copying the bytes), else
/// blocks until one arrives.
///
/// # Safety
/// `ptr` must be valid for `len * size` bytes of writes until the read
/// completes or is cancelled.
pub unsafe fn copy_read(end: u32, ptr: *mut u8, len: usize, size: usize) -> u32 {
    with(|m| {
        let Some(writer) = m.waitable(end, "read").peer else {
            return DROPPED;
        };
        let Some((src, offered)) = m.waitable(writer, "read").writing.take() else {
            m.waitable(end, "read").reading = Some((ptr, len));
            return BLOCKED;
        };
        let n = offered.min(len);
        // SAFETY: both sides promised their buffers for these many bytes.
        unsafe { core::ptr::copy_nonoverlapping(src, ptr, n * size) };
        m.waitable(writer, "read").pending = Some((EVENT_COPY_WRITE, completed(n)));
        completed(n)
    })
}

/// An async `write` of `len` elements of `size` bytes from `ptr`.
///
/// # Safety
/// `ptr` must be valid for `len * size` bytes of reads until the write
/// completes or is cancelled.
pub unsafe fn copy_write(end: u32, ptr: *const u8, len: usize, size: usize) -> u32 {
    with(|m| {
        let Some(reader) = m.waitable(end, "write").peer else {
            return DROPPED;
        };
        let Some((dst, want)) = m.waitable(reader, "write").reading.take() else {
            m.waitable(end, "write").writing = Some((ptr, len));
            return BLOCKED;
        };
        let n = want.min(len);
        // SAFETY: both sides promised their buffers for these many bytes.
        unsafe { core::ptr::copy_nonoverlapping(ptr, dst, n * size) };
        m.waitable(reader, "write").pending = Some((EVENT_COPY_READ, completed(n)));
        completed(n)
    })
}

/// Synchronous `cancel-read` / `cancel-write`: the result of the copy.
pub fn copy_cancel(end: u32, builtin: &str) -> u32 {
    with(|m| {
        let w = m.unjoined(end, builtin);
        if let Some((_, result)) = w.pending.take() {
            // The copy finished before the cancel: report that result.
            return result;
        }
        w.reading = None;
        w.writing = None;
        m.cancelled_copies += 1;
        CANCELLED
    })
}

/// Drops one end; a copy pending on the other end ends with `DROPPED`.
pub fn copy_drop(end: u32, builtin: &str) {
    with(|m| {
        let peer = m.waitable(end, builtin).peer;
        m.remove_unjoined(end, builtin);
        if let Some(w) = peer.and_then(|p| m.waitables.get_mut(&p)) {
            w.peer = None;
            if w.reading.take().is_some() {
                w.pending = Some((EVENT_COPY_READ, DROPPED));
            }
            if w.writing.take().is_some() {
                w.pending = Some((EVENT_COPY_WRITE, DROPPED));
            }
        }
    })
}

/// # Safety
/// `ptr`/`len` must be a readable UTF-8 byte range.
pub(crate) unsafe fn error_context_new(ptr: *const u8, len: usize) -> u32 {
    // SAFETY: forwarded caller guarantee.
    let bytes = unsafe { core::slice::from_raw_parts(ptr, len) };
    let message = alloc::string::String::from_utf8_lossy(bytes).into_owned();
    with(|m| {
        m.next += 1;
        let handle = m.next;
        m.error_contexts.insert(handle, message);
        handle
    })
}

/// # Safety
/// `out` must be valid for writes.
pub(crate) unsafe fn error_context_debug_message(handle: u32, out: *mut super::builtins::PtrLen) {
    let message = with(|m| match m.error_contexts.get(&handle) {
        Some(message) => message.clone(),
        None => panic!("fake error-context.debug-message: unknown handle {handle}"),
    });
    // The host's half of the ABI: a fresh allocation the guest now owns.
    let mut bytes = core::mem::ManuallyDrop::new(message.into_bytes().into_boxed_slice());
    // SAFETY: forwarded caller guarantee.
    unsafe {
        *out = super::builtins::PtrLen {
            ptr: bytes.as_mut_ptr(),
            len: bytes.len(),
        }
    };
}

pub(crate) unsafe fn error_context_drop(handle: u32) {
    with(|m| {
        if m.error_contexts.remove(&handle).is_none() {
            panic!("fake error-context.drop: unknown handle {handle}")
        }
    })
}

pub(crate) unsafe fn task_cancel() {
    with(|m| m.task_cancels += 1)
}
