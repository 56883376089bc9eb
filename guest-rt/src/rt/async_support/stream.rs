//! `stream<T>`: [`StreamReader`] and [`StreamWriter`] (Explainer, "stream";
//! CanonicalABI.md, "stream.read / stream.write").
//!
//! A [`StreamVtable`] without `lift`/`lower` marks a payload whose lowered
//! form is its Rust form (integers, floats): reads and writes then copy
//! straight into and out of the caller's `Vec`. Other payloads go through a
//! temporary buffer: written values are lowered into it and, for those the
//! reader did not take, lifted back; read values are lifted out of it. A
//! read or write dropped before it finishes is cancelled, and the elements
//! it had moved are accounted for as if it had completed.

use super::copy::{CopyResult, CopyWait, RawBuffer};
use super::local::{BoxStream, End};
use alloc::vec::Vec;
use core::alloc::Layout;
use core::cell::Cell;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// The built-ins and memory layout of one `stream<T>` payload type.
pub struct StreamVtable<T> {
    /// Size and alignment of one lowered `T`.
    pub layout: Layout,
    /// Writes `value` into `dst`; `None` if `T` is its own lowered form.
    pub lower: Option<unsafe fn(value: T, dst: *mut u8)>,
    /// Frees the lists of a lowered value at `dst` after the reader copied
    /// it; `None` as for `lower`.
    pub dealloc_lists: Option<unsafe fn(dst: *mut u8)>,
    /// Reads a value from `dst`; `None` as for `lower`.
    pub lift: Option<unsafe fn(dst: *mut u8) -> T>,
    /// `stream.write` (async).
    pub start_write: unsafe extern "C" fn(stream: u32, val: *const u8, amt: usize) -> u32,
    /// `stream.read` (async).
    pub start_read: unsafe extern "C" fn(stream: u32, val: *mut u8, amt: usize) -> u32,
    /// `stream.cancel-write` (sync).
    pub cancel_write: unsafe extern "C" fn(stream: u32) -> u32,
    /// `stream.cancel-read` (sync).
    pub cancel_read: unsafe extern "C" fn(stream: u32) -> u32,
    /// `stream.drop-writable`.
    pub drop_writable: unsafe extern "C" fn(stream: u32),
    /// `stream.drop-readable`.
    pub drop_readable: unsafe extern "C" fn(stream: u32),
    /// `stream.new`: `readable | writable << 32`.
    pub new: unsafe extern "C" fn() -> u64,
}

/// How a [`StreamReader::read`] or [`StreamWriter::write`] ended.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum StreamResult {
    /// This many values were moved.
    Complete(usize),
    /// None were moved: the other end is gone.
    Dropped,
    /// None were moved: the operation was cancelled.
    Cancelled,
}

impl StreamResult {
    fn of(result: CopyResult) -> StreamResult {
        match result {
            CopyResult::Completed(n) => StreamResult::Complete(n),
            CopyResult::Dropped(n) | CopyResult::Cancelled(n) if n > 0 => StreamResult::Complete(n),
            CopyResult::Dropped(_) => StreamResult::Dropped,
            CopyResult::Cancelled(_) | CopyResult::Blocked => StreamResult::Cancelled,
        }
    }
}

/// Makes a new stream: the writer side to keep, the reader to hand out.
///
/// # Safety
/// `vtable` must describe one `stream<T>` type, as for `future_new`.
pub unsafe fn stream_new<T>(
    vtable: &'static StreamVtable<T>,
) -> (StreamWriter<T>, StreamReader<T>) {
    // SAFETY: forwarded caller guarantee.
    let both = unsafe { (vtable.new)() };
    // SAFETY: both handles were just made by the matching `stream.new`.
    unsafe {
        (
            StreamWriter::new((both >> 32) as u32, vtable),
            StreamReader::new(both as u32, vtable),
        )
    }
}

/// The readable end of a `stream<T>`.
///
/// Either a component-model readable end, or (with the `futures` feature,
/// made with `StreamReader::from`) a Rust stream that becomes one when the
/// reader is passed to another component (see `local`).
pub struct StreamReader<T: 'static> {
    end: Cell<End<StreamVtable<T>, BoxStream<T>>>,
    dropped: bool,
}

impl<T> fmt::Debug for StreamReader<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = self.end.replace(End::Gone);
        let handle = end.handle();
        let local = matches!(end, End::Local(_));
        self.end.set(end);
        f.debug_struct("StreamReader")
            .field("handle", &handle)
            .field("local", &local)
            .finish()
    }
}

impl<T> StreamReader<T> {
    /// Takes ownership of a readable end.
    ///
    /// # Safety
    /// `handle` must be a readable end of the stream type `vtable` is for.
    pub unsafe fn new(handle: u32, vtable: &'static StreamVtable<T>) -> Self {
        StreamReader {
            end: Cell::new(End::Host { handle, vtable }),
            dropped: false,
        }
    }

    /// Gives the handle away (lowering it into a call).
    ///
    /// # Panics
    /// If it was taken already, or if this reader was made from a Rust
    /// stream (it has no handle until generated code lowers it with
    /// [`lower_handle`](Self::lower_handle)).
    pub fn take_handle(&self) -> u32 {
        let handle = self.handle();
        self.end.set(End::Gone);
        handle
    }

    /// The handle, still owned by `self`.
    ///
    /// # Panics
    /// As for [`take_handle`](Self::take_handle).
    pub fn handle(&self) -> u32 {
        let end = self.end.replace(End::Gone);
        let handle = end.handle();
        let local = matches!(end, End::Local(_));
        self.end.set(end);
        match (handle, local) {
            (Some(handle), _) => handle,
            (None, true) => panic!(
                "weft: this stream was made from a Rust stream and has no handle until it \
                 is passed to a call"
            ),
            (None, false) => panic!("weft: this stream's handle was already given away"),
        }
    }

    /// Gives a handle away for lowering into a call or result: the existing
    /// one, or, for a reader made from a Rust stream, the readable end of a
    /// new stream of `vtable`'s type that a future spawned on the current
    /// task writes the Rust stream's values to (see `local`). Generated code
    /// calls this with the payload type's vtable.
    ///
    /// # Panics
    /// If it was taken already; for a reader made from a Rust stream, if no
    /// task is current (a synchronous export).
    #[doc(hidden)]
    pub fn lower_handle(&self, vtable: &'static StreamVtable<T>) -> u32 {
        match self.end.replace(End::Gone) {
            End::Host { handle, .. } => handle,
            End::Local(local) => super::local::lower_stream(local, vtable),
            End::Gone => panic!("weft: this stream's handle was already given away"),
        }
    }

    /// Reads up to `buf`'s spare capacity of values, appending them to it.
    pub fn read(&mut self, buf: Vec<T>) -> StreamRead<'_, T> {
        StreamRead {
            reader: self,
            buf: Some(buf),
            scratch: None,
            wait: None,
        }
    }

    /// The next value, or `None` once the writer is gone.
    pub async fn next(&mut self) -> Option<T> {
        let (_, mut buf) = self.read(Vec::with_capacity(1)).await;
        buf.pop()
    }

    /// Every remaining value, once the writer is gone.
    pub async fn collect(mut self) -> Vec<T> {
        let mut all = Vec::new();
        loop {
            if all.len() == all.capacity() {
                all.reserve(1);
            }
            let (result, buf) = self.read(all).await;
            all = buf;
            match result {
                StreamResult::Complete(_) => {}
                StreamResult::Dropped | StreamResult::Cancelled => return all,
            }
        }
    }
}

#[cfg(feature = "futures")]
impl<T: 'static, S: futures_core::Stream<Item = T> + 'static> From<S> for StreamReader<T> {
    /// A reader of `stream`'s values: read here, it polls `stream`; passed
    /// to another component, a future spawned on the current task writes
    /// `stream`'s values to a new component-model stream.
    fn from(stream: S) -> Self {
        StreamReader {
            end: Cell::new(End::Local(alloc::boxed::Box::pin(stream))),
            dropped: false,
        }
    }
}

impl<T> Drop for StreamReader<T> {
    fn drop(&mut self) {
        if let End::Host { handle, vtable } = self.end.replace(End::Gone) {
            // SAFETY: we own the end and no read is in progress (a
            // `StreamRead` borrows the reader mutably while it lives).
            unsafe { (vtable.drop_readable)(handle) }
        }
    }
}

/// A read in progress; resolves to how it ended and the buffer.
pub struct StreamRead<'a, T: 'static> {
    reader: &'a mut StreamReader<T>,
    buf: Option<Vec<T>>,
    scratch: Option<(RawBuffer, usize)>,
    wait: Option<CopyWait>,
}

impl<T> StreamRead<'_, T> {
    /// The reader's component-model end.
    ///
    /// # Panics
    /// If it has none (it was given away; local readers never get here).
    fn host(&mut self) -> (u32, &'static StreamVtable<T>) {
        match self.reader.end.get_mut() {
            End::Host { handle, vtable } => (*handle, *vtable),
            End::Local(_) | End::Gone => {
                panic!("weft: this stream's handle was already given away")
            }
        }
    }

    /// Starts the read; `None` while it is blocked.
    fn start(&mut self) -> Option<CopyResult> {
        if self.reader.dropped {
            return Some(CopyResult::Dropped(0));
        }
        let (handle, vt) = self.host();
        let buf = self.buf.as_mut()?;
        let amt = buf.capacity() - buf.len();
        let ptr = match vt.lift {
            // SAFETY: in bounds of the spare capacity (possibly at its end).
            None => unsafe { buf.as_mut_ptr().add(buf.len()).cast::<u8>() },
            Some(_) => {
                let scratch = RawBuffer::new(vt.layout, amt);
                let ptr = scratch.at(0, 0);
                self.scratch = Some((scratch, amt));
                ptr
            }
        };
        // SAFETY: `ptr` has room for `amt` lowered values until the read
        // completes or is cancelled (the buffers live in `self`).
        let result = CopyResult::decode(unsafe { (vt.start_read)(handle, ptr, amt) });
        if result == CopyResult::Blocked {
            self.wait = Some(CopyWait::new(handle, vt.cancel_read));
            return None;
        }
        Some(result)
    }

    /// Takes in the `n` values the host wrote.
    fn settle(&mut self, result: CopyResult) -> (StreamResult, Vec<T>) {
        let n = result.count().unwrap_or(0);
        if let CopyResult::Dropped(_) = result {
            self.reader.dropped = true;
        }
        let mut buf = self.buf.take().unwrap_or_default();
        let (_, vt) = self.host();
        match (vt.lift, self.scratch.take()) {
            (Some(lift), Some((scratch, _))) => {
                let size = vt.layout.size();
                for i in 0..n {
                    // SAFETY: the host wrote `n` lowered values there.
                    buf.push(unsafe { lift(scratch.at(i, size)) });
                }
            }
            // SAFETY: the host wrote `n` values of `T`'s own layout into
            // the spare capacity (it never writes more than asked).
            _ => unsafe { buf.set_len(buf.len() + n) },
        }
        (StreamResult::of(result), buf)
    }

    /// A read of a local reader: takes what its Rust stream has ready, up
    /// to the spare capacity, as a component-model read would.
    fn poll_local(&mut self, cx: &mut Context<'_>) -> Option<Poll<(StreamResult, Vec<T>)>> {
        let End::Local(local) = self.reader.end.get_mut() else {
            return None;
        };
        if self.reader.dropped {
            let buf = self.buf.take().unwrap_or_default();
            return Some(Poll::Ready((StreamResult::Dropped, buf)));
        }
        let buf = self.buf.as_mut()?;
        let (before, room) = (buf.len(), buf.capacity() - buf.len());
        let more = super::local::fill(local.as_mut(), cx, buf, room);
        let n = buf.len() - before;
        let result = match more {
            Poll::Pending if n == 0 => return Some(Poll::Pending),
            Poll::Ready(false) if n == 0 => {
                self.reader.dropped = true;
                StreamResult::Dropped
            }
            Poll::Ready(false) => {
                // Ended after some values: report them now, the end next.
                self.reader.dropped = true;
                StreamResult::Complete(n)
            }
            Poll::Pending | Poll::Ready(true) => StreamResult::Complete(n),
        };
        Some(Poll::Ready((result, self.buf.take().unwrap_or_default())))
    }
}

// Values only ever sit in the `Vec`'s heap buffer, which pinning the read
// does not pin, so moving the read never moves a `T` that was pinned.
impl<T> Unpin for StreamRead<'_, T> {}

impl<T> Future for StreamRead<'_, T> {
    type Output = (StreamResult, Vec<T>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // No self-references: the buffers are on the heap.
        let this = self.get_mut();
        if let Some(poll) = this.poll_local(cx) {
            return poll;
        }
        if this.wait.is_none()
            && this.buf.is_some()
            && let Some(result) = this.start()
        {
            return Poll::Ready(this.settle(result));
        }
        let Some(wait) = this.wait.as_mut() else {
            return Poll::Ready((StreamResult::Cancelled, this.buf.take().unwrap_or_default()));
        };
        match Pin::new(wait).poll(cx) {
            Poll::Ready(result) => {
                this.wait = None;
                Poll::Ready(this.settle(result))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> Drop for StreamRead<'_, T> {
    fn drop(&mut self) {
        if let Some(result) = self.wait.as_mut().and_then(CopyWait::cancel) {
            drop(self.settle(result));
        }
    }
}

/// The writable end of a `stream<T>`.
pub struct StreamWriter<T: 'static> {
    handle: u32,
    vtable: &'static StreamVtable<T>,
    dropped: bool,
}

impl<T> fmt::Debug for StreamWriter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamWriter")
            .field("handle", &self.handle)
            .finish()
    }
}

impl<T> StreamWriter<T> {
    /// Takes ownership of a writable end.
    ///
    /// # Safety
    /// `handle` must be a writable end of the stream type `vtable` is for.
    pub unsafe fn new(handle: u32, vtable: &'static StreamVtable<T>) -> Self {
        StreamWriter {
            handle,
            vtable,
            dropped: false,
        }
    }

    /// The handle, owned by `self`.
    pub fn handle(&self) -> u32 {
        self.handle
    }

    /// Writes as many of `values` as the reader takes in one copy; returns
    /// how it ended and the values not written.
    pub fn write(&mut self, values: Vec<T>) -> StreamWrite<'_, T> {
        StreamWrite {
            writer: self,
            values: Some(values),
            scratch: None,
            wait: None,
        }
    }

    /// Writes all of `values`, returning those left when the reader went
    /// away (empty if all were written).
    pub async fn write_all(&mut self, mut values: Vec<T>) -> Vec<T> {
        while !values.is_empty() {
            let (result, rest) = self.write(values).await;
            values = rest;
            match result {
                StreamResult::Complete(_) => {}
                StreamResult::Dropped | StreamResult::Cancelled => break,
            }
        }
        values
    }

    /// Writes one value; returns it back if the reader went away.
    pub async fn write_one(&mut self, value: T) -> Option<T> {
        self.write_all(alloc::vec![value]).await.pop()
    }
}

impl<T> Drop for StreamWriter<T> {
    fn drop(&mut self) {
        // SAFETY: we own the end and no write is in progress (a
        // `StreamWrite` borrows the writer mutably while it lives).
        unsafe { (self.vtable.drop_writable)(self.handle) }
    }
}

/// A write in progress; resolves to how it ended and the unwritten values.
pub struct StreamWrite<'a, T: 'static> {
    writer: &'a mut StreamWriter<T>,
    values: Option<Vec<T>>,
    scratch: Option<(RawBuffer, usize)>,
    wait: Option<CopyWait>,
}

impl<T> StreamWrite<'_, T> {
    fn start(&mut self) -> Option<CopyResult> {
        if self.writer.dropped {
            return Some(CopyResult::Dropped(0));
        }
        let vt = self.writer.vtable;
        let values = self.values.as_mut()?;
        let amt = values.len();
        let ptr = match vt.lower {
            None => values.as_ptr().cast::<u8>(),
            Some(lower) => {
                let size = vt.layout.size();
                let scratch = RawBuffer::new(vt.layout, amt);
                for (i, value) in values.drain(..).enumerate() {
                    // SAFETY: the scratch buffer has room for `amt` values.
                    unsafe { lower(value, scratch.at(i, size)) };
                }
                let ptr = scratch.at(0, 0).cast_const();
                self.scratch = Some((scratch, amt));
                ptr
            }
        };
        let handle = self.writer.handle;
        // SAFETY: `ptr` holds `amt` lowered values until the write completes
        // or is cancelled (the buffers live in `self`).
        let result = CopyResult::decode(unsafe { (vt.start_write)(handle, ptr, amt) });
        if result == CopyResult::Blocked {
            self.wait = Some(CopyWait::new(handle, vt.cancel_write));
            return None;
        }
        Some(result)
    }

    /// Frees what the reader took and returns the rest.
    fn settle(&mut self, result: CopyResult) -> (StreamResult, Vec<T>) {
        let n = result.count().unwrap_or(0);
        if let CopyResult::Dropped(_) = result {
            self.writer.dropped = true;
        }
        let vt = self.writer.vtable;
        let mut values = self.values.take().unwrap_or_default();
        match (vt.lift, vt.dealloc_lists, self.scratch.take()) {
            (Some(lift), Some(dealloc_lists), Some((scratch, amt))) => {
                let size = vt.layout.size();
                for i in 0..n {
                    // SAFETY: the reader copied these; their lists are ours.
                    unsafe { dealloc_lists(scratch.at(i, size)) };
                }
                for i in n..amt {
                    // SAFETY: not taken: still our lowered values.
                    values.push(unsafe { lift(scratch.at(i, size)) });
                }
            }
            _ => drop(values.drain(..n.min(values.len()))),
        }
        (StreamResult::of(result), values)
    }
}

// As for `StreamRead`: no `T` is ever pinned in place.
impl<T> Unpin for StreamWrite<'_, T> {}

impl<T> Future for StreamWrite<'_, T> {
    type Output = (StreamResult, Vec<T>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // No self-references: the buffers are on the heap.
        let this = self.get_mut();
        if this.wait.is_none()
            && this.values.is_some()
            && let Some(result) = this.start()
        {
            return Poll::Ready(this.settle(result));
        }
        let Some(wait) = this.wait.as_mut() else {
            return Poll::Ready((
                StreamResult::Cancelled,
                this.values.take().unwrap_or_default(),
            ));
        };
        match Pin::new(wait).poll(cx) {
            Poll::Ready(result) => {
                this.wait = None;
                Poll::Ready(this.settle(result))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> Drop for StreamWrite<'_, T> {
    fn drop(&mut self) {
        if let Some(result) = self.wait.as_mut().and_then(CopyWait::cancel) {
            drop(self.settle(result));
        }
    }
}
