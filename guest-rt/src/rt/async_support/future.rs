//! `future<T>`: [`FutureReader`] and [`FutureWriter`], one value each way
//! (Explainer, "future"; CanonicalABI.md, "future.read / future.write").
//!
//! Generated bindings give every payload type a [`FutureVtable`]: its
//! canonical built-ins (`[future-new-N]f`, ...) and how to lower a value into,
//! lift it from, and free the lists of, its memory layout. A read or write
//! that blocks waits through whichever task is current (see `waitable`);
//! dropping it before it finishes cancels the copy and frees what it held.
//! The component model requires a writer to write exactly once, so a
//! [`FutureWriter`] dropped unwritten writes its default value: at once if
//! the reader is waiting, else in the background of the current weft task;
//! with no weft task to wait in (a sync export) it parks the write (see
//! `detached`) instead of blocking or panicking. A [`FutureReader`] may also
//! hold a Rust future instead of an end (see `local`).

use super::copy::{CopyResult, CopyWait, RawBuffer};
use super::detached::ParkedWrite;
use super::local::{End, LocalFuture};
use alloc::boxed::Box;
use core::alloc::Layout;
use core::cell::Cell;
use core::fmt;
use core::future::{Future, IntoFuture};
use core::pin::Pin;
use core::task::{Context, Poll};

/// The built-ins and memory layout of one `future<T>` payload type.
pub struct FutureVtable<T> {
    /// Size and alignment of one lowered `T`.
    pub layout: Layout,
    /// Writes `value` into `dst` (moving ownership of its lists there).
    pub lower: unsafe fn(value: T, dst: *mut u8),
    /// Frees the lists a lowered value at `dst` owns, once the reader has
    /// taken a copy.
    pub dealloc_lists: unsafe fn(dst: *mut u8),
    /// Reads a value back from `dst`, taking ownership of its lists.
    pub lift: unsafe fn(dst: *mut u8) -> T,
    /// `future.write` (async).
    pub start_write: unsafe extern "C" fn(future: u32, val: *const u8) -> u32,
    /// `future.read` (async).
    pub start_read: unsafe extern "C" fn(future: u32, val: *mut u8) -> u32,
    /// `future.cancel-write` (sync).
    pub cancel_write: unsafe extern "C" fn(future: u32) -> u32,
    /// `future.cancel-read` (sync).
    pub cancel_read: unsafe extern "C" fn(future: u32) -> u32,
    /// `future.drop-writable`.
    pub drop_writable: unsafe extern "C" fn(future: u32),
    /// `future.drop-readable`.
    pub drop_readable: unsafe extern "C" fn(future: u32),
    /// `future.new`: `readable | writable << 32`.
    pub new: unsafe extern "C" fn() -> u64,
}

/// Makes a new future: the writer side to keep, the reader to hand out.
///
/// # Safety
/// `vtable`'s functions must be the canonical built-ins and conversions of
/// one `future<T>` type.
pub unsafe fn future_new<T>(
    default: fn() -> T,
    vtable: &'static FutureVtable<T>,
) -> (FutureWriter<T>, FutureReader<T>) {
    super::detached::sweep();
    // SAFETY: forwarded caller guarantee.
    let both = unsafe { (vtable.new)() };
    let writer = FutureWriter {
        handle: (both >> 32) as u32,
        vtable,
        default,
        written: false,
    };
    // SAFETY: the handle was just made by the matching `future.new`.
    (writer, unsafe { FutureReader::new(both as u32, vtable) })
}

/// The readable end of a `future<T>`; `.await` it for the value.
///
/// Either a component-model readable end, or (made with
/// [`FutureReader::from`]) a Rust future that becomes one when the reader is
/// passed to another component (see `local`).
pub struct FutureReader<T: 'static> {
    end: Cell<End<FutureVtable<T>, LocalFuture<T>>>,
}

impl<T> FutureReader<T> {
    /// Takes ownership of a readable end (from a lifted value).
    ///
    /// # Safety
    /// `handle` must be a readable end of the future type `vtable` is for.
    pub unsafe fn new(handle: u32, vtable: &'static FutureVtable<T>) -> Self {
        FutureReader {
            end: Cell::new(End::Host { handle, vtable }),
        }
    }

    /// Gives the handle away (lowering it into a call); `self` then owns
    /// nothing.
    ///
    /// # Panics
    /// If it was taken already, or if this reader was made from a Rust
    /// future (it has no handle until generated code lowers it with
    /// [`lower_handle`](Self::lower_handle)).
    pub fn take_handle(&self) -> u32 {
        match self.end.replace(End::Gone) {
            End::Host { handle, .. } => handle,
            local @ End::Local(_) => {
                self.end.set(local);
                panic!(
                    "weft: this future was made from a Rust future and has no handle until                      it is passed to a call"
                )
            }
            End::Gone => panic!("weft: this future's handle was already given away"),
        }
    }

    /// Gives a handle away for lowering into a call or result: the existing
    /// one, or, for a reader made from a Rust future, the readable end of a
    /// new future of `vtable`'s type that the Rust future's value is written
    /// to (see `local`). Generated code calls this with the payload type's
    /// vtable.
    ///
    /// # Panics
    /// If it was taken already.
    #[doc(hidden)]
    pub fn lower_handle(&self, vtable: &'static FutureVtable<T>) -> u32 {
        match self.end.replace(End::Gone) {
            End::Host { handle, .. } => handle,
            End::Local(local) => super::local::lower_future(local, vtable),
            End::Gone => panic!("weft: this future's handle was already given away"),
        }
    }
}

impl<T: 'static, F: Future<Output = T> + 'static> From<F> for FutureReader<T> {
    /// A reader of `future`'s value: awaited here, it awaits `future`;
    /// passed to another component, `future` runs on the current task and
    /// its value is written to a new component-model future.
    fn from(future: F) -> Self {
        FutureReader {
            end: Cell::new(End::Local(Box::pin(future))),
        }
    }
}

impl<T> fmt::Debug for FutureReader<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = self.end.replace(End::Gone);
        let handle = end.handle();
        let local = matches!(end, End::Local(_));
        self.end.set(end);
        f.debug_struct("FutureReader")
            .field("handle", &handle)
            .field("local", &local)
            .finish()
    }
}

impl<T> Drop for FutureReader<T> {
    fn drop(&mut self) {
        if let End::Host { handle, vtable } = self.end.replace(End::Gone) {
            // SAFETY: we own the readable end and no read is in progress
            // (a `FutureRead` takes the handle for its lifetime).
            unsafe { (vtable.drop_readable)(handle) }
        }
    }
}

impl<T> IntoFuture for FutureReader<T> {
    type Output = T;
    type IntoFuture = FutureRead<T>;

    fn into_future(self) -> FutureRead<T> {
        let read = match self.end.replace(End::Gone) {
            End::Host { handle, vtable } => Read::Host(HostRead {
                handle,
                vtable,
                buf: RawBuffer::new(vtable.layout, 1),
                wait: None,
            }),
            End::Local(local) => Read::Local(local),
            End::Gone => panic!("weft: this future's handle was already given away"),
        };
        FutureRead { read }
    }
}

/// A read of a [`FutureReader`]'s value; dropping it cancels the read.
pub struct FutureRead<T: 'static> {
    read: Read<T>,
}

enum Read<T: 'static> {
    Host(HostRead<T>),
    Local(LocalFuture<T>),
}

impl<T> Future for FutureRead<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        // Both kinds are `Unpin`: the buffer and the local future are boxed.
        match &mut self.get_mut().read {
            Read::Host(read) => Pin::new(read).poll(cx),
            Read::Local(local) => local.as_mut().poll(cx),
        }
    }
}

/// A read of a component-model readable end.
struct HostRead<T: 'static> {
    handle: u32,
    vtable: &'static FutureVtable<T>,
    buf: RawBuffer,
    wait: Option<CopyWait>,
}

impl<T> HostRead<T> {
    fn finish(&mut self, result: CopyResult) -> Poll<T> {
        match result {
            CopyResult::Blocked => {
                self.wait = Some(CopyWait::new(self.handle, self.vtable.cancel_read));
                Poll::Pending
            }
            CopyResult::Completed(_) => {
                // SAFETY: the host wrote one lowered `T` into the buffer.
                Poll::Ready(unsafe { (self.vtable.lift)(self.buf.at(0, 0)) })
            }
            CopyResult::Dropped(_) | CopyResult::Cancelled(_) => panic!(
                "weft: a future's writer went away without writing (the component model \
                 requires exactly one write)"
            ),
        }
    }
}

impl<T> Future for HostRead<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        // `HostRead` holds no self-references: the buffer is on the heap.
        let this = self.get_mut();
        loop {
            let result = match this.wait.as_mut() {
                Some(wait) => match Pin::new(wait).poll(cx) {
                    Poll::Ready(result) => result,
                    Poll::Pending => return Poll::Pending,
                },
                None => {
                    // SAFETY: the buffer holds one `T` and outlives the read
                    // (it is ours until the read completes or is cancelled).
                    let word = unsafe { (this.vtable.start_read)(this.handle, this.buf.at(0, 0)) };
                    CopyResult::decode(word)
                }
            };
            this.wait = None;
            match this.finish(result) {
                Poll::Pending => continue,
                ready => return ready,
            }
        }
    }
}

impl<T> Drop for HostRead<T> {
    fn drop(&mut self) {
        if let Some(CopyResult::Completed(_)) = self.wait.as_mut().and_then(CopyWait::cancel) {
            // Written just before the cancel: the value is ours to drop.
            // SAFETY: the host wrote one lowered `T` into the buffer.
            drop(unsafe { (self.vtable.lift)(self.buf.at(0, 0)) });
        }
        // SAFETY: we own the readable end; the read is over.
        unsafe { (self.vtable.drop_readable)(self.handle) }
    }
}

/// Returned by [`FutureWriter::write`] when the reader went away: the
/// value that was not delivered.
pub struct FutureWriteError<T> {
    /// The value, back in Rust.
    pub value: T,
}

impl<T> fmt::Debug for FutureWriteError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FutureWriteError").finish_non_exhaustive()
    }
}

impl<T> fmt::Display for FutureWriteError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the future's reader was dropped before the value was read")
    }
}

impl<T> core::error::Error for FutureWriteError<T> {}

/// The writable end of a `future<T>`.
pub struct FutureWriter<T: 'static> {
    handle: u32,
    vtable: &'static FutureVtable<T>,
    default: fn() -> T,
    written: bool,
}

impl<T> fmt::Debug for FutureWriter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FutureWriter")
            .field("handle", &self.handle)
            .finish()
    }
}

impl<T> FutureWriter<T> {
    /// Writes the future's value; resolves once the reader took it, or with
    /// the value back if the reader was dropped.
    pub fn write(mut self, value: T) -> FutureWrite<T> {
        self.written = true;
        let buf = RawBuffer::new(self.vtable.layout, 1);
        // SAFETY: the buffer has room for one lowered `T`.
        unsafe { (self.vtable.lower)(value, buf.at(0, 0)) };
        FutureWrite {
            handle: self.handle,
            vtable: self.vtable,
            buf: Some(buf),
            wait: None,
            delivered: false,
            writer: Some(self),
        }
    }
}

impl<T> Drop for FutureWriter<T> {
    fn drop(&mut self) {
        if self.written {
            return;
        }
        self.written = true;
        // Exactly one write is required: send the default.
        write_detached(self.vtable, self.handle, (self.default)());
    }
}

/// Writes `value` to the writable end `handle`, which nothing else will
/// touch again, and drops the end once the write is over: at once if the
/// reader is waiting, else in the background of the current weft task, else
/// (a sync export, another generator's task: nothing to wait in) parked
/// until a later sweep finishes it.
pub(crate) fn write_detached<T: 'static>(vtable: &'static FutureVtable<T>, handle: u32, value: T) {
    let buf = RawBuffer::new(vtable.layout, 1);
    // SAFETY: the buffer has room for one lowered `T`; the built-ins
    // belong to this future type.
    let result = unsafe {
        (vtable.lower)(value, buf.at(0, 0));
        CopyResult::decode((vtable.start_write)(handle, buf.at(0, 0)))
    };
    if result != CopyResult::Blocked {
        return finish_detached_write(vtable, handle, &buf, result);
    }
    if super::task::Shared::current().is_some() {
        // The reader has not read yet: finish the write in the
        // background of the current weft task.
        super::spawn::spawn_local(async move {
            let result = CopyWait::new(handle, vtable.cancel_write).await;
            finish_detached_write(vtable, handle, &buf, result);
        });
        return;
    }
    super::detached::park(ParkedWrite {
        end: handle,
        buf,
        vtable: core::ptr::from_ref(vtable).cast(),
        finish: finish_parked::<T>,
    });
}

/// [`finish_detached_write`] for a parked write, its vtable erased.
///
/// # Safety
/// `vtable` must point at a `FutureVtable<T>`.
unsafe fn finish_parked<T: 'static>(
    vtable: *const (),
    handle: u32,
    buf: &RawBuffer,
    result: CopyResult,
) {
    // SAFETY: the caller's guarantee; vtables are `'static`.
    let vtable = unsafe { &*vtable.cast::<FutureVtable<T>>() };
    finish_detached_write(vtable, handle, buf, result);
}

/// Frees (if delivered) or drops (if not) the value in `buf`, then
/// drops the writable end.
fn finish_detached_write<T>(
    vtable: &'static FutureVtable<T>,
    handle: u32,
    buf: &RawBuffer,
    result: CopyResult,
) {
    let ptr = buf.at(0, 0);
    // SAFETY: `ptr` holds the lowered value; whether the reader took a
    // copy decides who frees it; the end is ours to drop afterwards.
    unsafe {
        match result {
            CopyResult::Completed(_) => (vtable.dealloc_lists)(ptr),
            CopyResult::Blocked | CopyResult::Dropped(_) | CopyResult::Cancelled(_) => {
                drop((vtable.lift)(ptr))
            }
        }
        (vtable.drop_writable)(handle);
    }
}

/// A write of a [`FutureWriter`]'s value; dropping it cancels the write
/// (and the writer then sends its default value).
pub struct FutureWrite<T: 'static> {
    handle: u32,
    vtable: &'static FutureVtable<T>,
    buf: Option<RawBuffer>,
    wait: Option<CopyWait>,
    delivered: bool,
    writer: Option<FutureWriter<T>>,
}

impl<T> FutureWrite<T> {
    /// Settles a finished write: frees or takes back the value.
    fn settle(&mut self, result: CopyResult) -> Result<(), FutureWriteError<T>> {
        let Some(buf) = self.buf.take() else {
            return Ok(());
        };
        let ptr = buf.at(0, 0);
        match result {
            CopyResult::Completed(_) => {
                self.delivered = true;
                // SAFETY: the reader has its copy; the lists are still ours.
                unsafe { (self.vtable.dealloc_lists)(ptr) }
            }
            CopyResult::Blocked | CopyResult::Dropped(_) | CopyResult::Cancelled(_) => {
                // SAFETY: not delivered: the lowered value is still ours.
                let value = unsafe { (self.vtable.lift)(ptr) };
                return Err(FutureWriteError { value });
            }
        }
        Ok(())
    }
}

impl<T> Future for FutureWrite<T> {
    type Output = Result<(), FutureWriteError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // No self-references: the buffer is on the heap.
        let this = self.get_mut();
        let result = match (this.wait.as_mut(), this.buf.as_ref()) {
            (Some(wait), _) => match Pin::new(wait).poll(cx) {
                Poll::Ready(result) => result,
                Poll::Pending => return Poll::Pending,
            },
            (None, Some(buf)) => {
                // SAFETY: the buffer holds one lowered `T` until settled.
                let word = unsafe { (this.vtable.start_write)(this.handle, buf.at(0, 0)) };
                match CopyResult::decode(word) {
                    CopyResult::Blocked => {
                        this.wait = Some(CopyWait::new(this.handle, this.vtable.cancel_write));
                        return Pin::new(this).poll(cx);
                    }
                    done => done,
                }
            }
            (None, None) => return Poll::Ready(Ok(())),
        };
        this.wait = None;
        Poll::Ready(this.settle(result))
    }
}

impl<T> Drop for FutureWrite<T> {
    fn drop(&mut self) {
        match self.wait.as_mut().and_then(CopyWait::cancel) {
            Some(result) => drop(self.settle(result)),
            // Never started: take the value back and drop it.
            None if self.buf.is_some() => drop(self.settle(CopyResult::Cancelled(0))),
            None => {}
        }
        if let Some(mut writer) = self.writer.take() {
            // Undelivered: the writer sends its default as it drops.
            writer.written = self.delivered;
            if self.delivered {
                // SAFETY: the value was written; the end is ours to drop.
                unsafe { (self.vtable.drop_writable)(self.handle) }
            }
        }
    }
}
