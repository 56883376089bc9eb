//! What stream and future reads and writes share (CanonicalABI.md,
//! "stream.read / stream.write", "future.read / future.write"): the copy
//! result word, waiting for a blocked copy, and cancelling it.

use super::builtins::WaitableIndex;
use super::waitable::WaitableEvent;
use alloc::alloc::{Layout, alloc, dealloc};
use core::future::Future;
use core::pin::Pin;
use core::ptr::NonNull;
use core::task::{Context, Poll};

const BLOCKED: u32 = u32::MAX;

/// How a copy ended, and how many elements it moved before that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CopyResult {
    /// Not finished: an event will report the result.
    Blocked,
    /// Finished with this many elements.
    Completed(usize),
    /// The other end was dropped, after this many elements.
    Dropped(usize),
    /// Cancelled by us, after this many elements.
    Cancelled(usize),
}

impl CopyResult {
    /// Decodes a result word.
    ///
    /// # Panics
    /// On a word the canonical ABI does not define (a host bug).
    pub(crate) fn decode(word: u32) -> CopyResult {
        if word == BLOCKED {
            return CopyResult::Blocked;
        }
        let count = (word >> 4) as usize;
        match word & 0xf {
            0 => CopyResult::Completed(count),
            1 => CopyResult::Dropped(count),
            2 => CopyResult::Cancelled(count),
            _ => panic!("weft: invalid stream/future copy result {word:#x}"),
        }
    }

    /// The number of elements moved; `None` while blocked.
    pub(crate) fn count(self) -> Option<usize> {
        match self {
            CopyResult::Blocked => None,
            CopyResult::Completed(n) | CopyResult::Dropped(n) | CopyResult::Cancelled(n) => Some(n),
        }
    }
}

/// A blocked copy on one end: resolves with its final result; [`cancel`]
/// ends it early.
///
/// [`cancel`]: CopyWait::cancel
pub(crate) struct CopyWait {
    end: u32,
    event: Option<WaitableEvent>,
    cancel: unsafe extern "C" fn(u32) -> u32,
}

impl CopyWait {
    pub(crate) fn new(end: u32, cancel: unsafe extern "C" fn(u32) -> u32) -> Self {
        CopyWait {
            end,
            event: Some(WaitableEvent::new(WaitableIndex(end))),
            cancel,
        }
    }

    /// Cancels the copy if it is still waiting; returns how it ended.
    pub(crate) fn cancel(&mut self) -> Option<CopyResult> {
        // Withdraw the registration first, so that the cancellation's own
        // result is not also delivered to a callback that is going away.
        self.event.take()?;
        super::builtins::waitable_join(WaitableIndex(self.end), None);
        // SAFETY: the vtable's `cancel` is the canonical built-in for this
        // end's type; a copy is in progress on `end`, as the ABI requires.
        let word = unsafe { (self.cancel)(self.end) };
        Some(CopyResult::decode(word))
    }
}

impl Future for CopyWait {
    type Output = CopyResult;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<CopyResult> {
        let Some(event) = self.event.as_mut() else {
            return Poll::Ready(CopyResult::Cancelled(0));
        };
        match Pin::new(event).poll(cx) {
            Poll::Ready(word) => {
                self.event = None;
                Poll::Ready(CopyResult::decode(word))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A heap buffer for `count` lowered elements of `layout`.
pub(crate) struct RawBuffer {
    ptr: NonNull<u8>,
    layout: Option<Layout>,
}

impl RawBuffer {
    pub(crate) fn new(elem: Layout, count: usize) -> RawBuffer {
        let bytes = elem.size().checked_mul(count);
        let layout = bytes.and_then(|b| Layout::from_size_align(b, elem.align()).ok());
        let layout = match layout {
            Some(l) => l,
            None => panic!("weft: a stream buffer of {count} elements does not fit in memory"),
        };
        if layout.size() == 0 {
            let dangling = NonNull::new(elem.align() as *mut u8).unwrap_or(NonNull::dangling());
            return RawBuffer {
                ptr: dangling,
                layout: None,
            };
        }
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { alloc(layout) };
        match NonNull::new(ptr) {
            Some(ptr) => RawBuffer {
                ptr,
                layout: Some(layout),
            },
            None => alloc::alloc::handle_alloc_error(layout),
        }
    }

    /// The address of element `i` of `size` bytes.
    pub(crate) fn at(&self, i: usize, size: usize) -> *mut u8 {
        self.ptr.as_ptr().wrapping_add(i * size)
    }
}

impl Drop for RawBuffer {
    fn drop(&mut self) {
        if let Some(layout) = self.layout {
            // SAFETY: allocated above with exactly this layout.
            unsafe { dealloc(self.ptr.as_ptr(), layout) }
        }
    }
}
