//! Default writes that outlive their [`FutureWriter`] (wit-bindgen #1610).
//!
//! A `future` is written exactly once, and its writable end may not be
//! dropped before that (CanonicalABI.md, "future.drop-writable" traps). So a
//! writer dropped unwritten writes its default value, and if the reader has
//! not read yet, that write blocks. Inside a weft task it finishes in the
//! background of the task. Outside one (a synchronous export, or a task of
//! another generator) there is nothing to wait in, so the write is parked
//! here instead: its writable end joins a waitable set of its own, and each
//! later chance ([`sweep`]: another parked write, a new future, every
//! callback of a weft task, `block_on`) polls that set without blocking and
//! finishes the writes whose reader took the value or went away, freeing
//! their buffers and dropping their ends. Nothing panics, and a parked write
//! keeps its buffer only until the first chance after its reader acts.
//!
//! [`FutureWriter`]: super::FutureWriter

use super::EventCode;
use super::builtins::{self, WaitableIndex, WaitableSetIndex};
use super::copy::{CopyResult, RawBuffer};
use super::lock::TaskCell;
use alloc::vec::Vec;

/// Finishes a parked write of one payload type: `vtable` is that type's
/// `FutureVtable`, erased.
pub(crate) type Finish = unsafe fn(vtable: *const (), end: u32, buf: &RawBuffer, CopyResult);

/// One blocked default write whose writer is gone.
pub(crate) struct ParkedWrite {
    pub(crate) end: u32,
    /// Holds the lowered default until the write finishes.
    pub(crate) buf: RawBuffer,
    pub(crate) vtable: *const (),
    pub(crate) finish: Finish,
}

/// The parked writes and the set their ends are in (only while there are
/// some: a set is dropped empty).
struct Parked {
    set: Option<WaitableSetIndex>,
    writes: Vec<ParkedWrite>,
}

// SAFETY: a component instance runs one thread at a time; the raw vtable
// pointers are `&'static` vtables and the buffers are only touched by the
// instance's thread, through `PARKED`'s `TaskCell`, which checks exclusive
// access itself. (Native tests share the fake host behind one lock.)
unsafe impl Send for Parked {}

static PARKED: TaskCell<Parked> = TaskCell::new(Parked {
    set: None,
    writes: Vec::new(),
});

/// Parks `write`, after finishing what earlier parked writes can finish.
pub(crate) fn park(write: ParkedWrite) {
    sweep();
    PARKED.with(|p| {
        let set = *p.set.get_or_insert_with(builtins::waitable_set_new);
        builtins::waitable_join(WaitableIndex(write.end), Some(set));
        p.writes.push(write);
    });
}

/// Finishes every parked write that has an event now; never blocks.
pub(crate) fn sweep() {
    loop {
        let Some((write, result)) = PARKED.with(take_finished) else {
            return;
        };
        // Outside the cell: finishing drops the default, which may run
        // guest code (a payload's destructor) that parks another write.
        // SAFETY: `finish` was made for the payload type `vtable` belongs
        // to, and `buf` still holds the lowered default: the write ended.
        unsafe { (write.finish)(write.vtable, write.end, &write.buf, result) }
    }
}

/// Takes one parked write whose write has ended, and how it ended.
fn take_finished(p: &mut Parked) -> Option<(ParkedWrite, CopyResult)> {
    let set = p.set?;
    let event = builtins::waitable_set_poll(set);
    if event.code == EventCode::None as u32 {
        return None;
    }
    let i = p.writes.iter().position(|w| w.end == event.waitable)?;
    let write = p.writes.swap_remove(i);
    builtins::waitable_join(WaitableIndex(write.end), None);
    if p.writes.is_empty() {
        builtins::waitable_set_drop(set);
        p.set = None;
    }
    Some((write, CopyResult::decode(event.result)))
}

/// How many writes are parked (tests).
#[cfg(test)]
pub(crate) fn parked() -> usize {
    PARKED.with(|p| p.writes.len())
}
