//! Readers made from Rust futures and streams (wit-bindgen #1387):
//! `FutureReader::from(impl Future)` and, with the `futures` feature,
//! `StreamReader::from(impl Stream)`.
//!
//! A reader made this way starts *local*: it holds the boxed Rust future or
//! stream and no component-model handle, because the canonical built-ins of
//! a payload type live in the generated bindings, and the runtime cannot
//! name them from a bare `T` (a `From` impl in generated code would be an
//! orphan, and a registry keyed by type would be global state for what the
//! generated code already knows at each call site). Awaiting a local reader
//! in this component just polls what it holds. Passing it on is where a
//! handle is needed: the generated lowering code then hands over its
//! payload type's vtable ([`FutureReader::lower_handle`],
//! [`StreamReader::lower_handle`]), and this module makes the real future or
//! stream, gives out its readable end, and drives the Rust value into the
//! writable end:
//! - under a task (weft's, or another generator's through `hosted`), on a
//!   future spawned with `spawn_local`: the task does not exit before the
//!   value is written (an async export keeps running after `task.return`);
//! - with no task at all (a synchronous export), a future is run to the end
//!   at once with `block_on` and its value is written like a dropped
//!   writer's default, parked if the reader has not read yet (see
//!   `detached`). A stream has no such way out: it needs a task for every
//!   write after the first, so that case panics with a message naming it.
//!
//! A driven stream notices that its reader went away only at its next
//! write, so a Rust stream that stays pending keeps the task alive until it
//! yields a value or ends.
//!
//! If the task is torn down before the Rust future yields its value (its
//! caller cancelled it), there is nothing to write, and a future's writable
//! end may not be dropped unwritten (CanonicalABI.md, "future.drop-writable"
//! traps): the end is then left open, a one-handle leak that is the only
//! outcome that neither traps nor lies to the reader.
//!
//! [`FutureReader::lower_handle`]: super::FutureReader::lower_handle
//! [`StreamReader::lower_handle`]: super::StreamReader::lower_handle

use super::future::{FutureVtable, write_detached};
use super::stream::{StreamVtable, StreamWriter, stream_new};
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// A Rust future a local [`FutureReader`](super::FutureReader) holds.
pub(crate) type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// A Rust stream a local [`StreamReader`](super::StreamReader) holds: the
/// one method of `futures_core::Stream`, so that the reader's layout does not
/// depend on the `futures` feature.
pub(crate) trait LocalStream<T> {
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>>;
}

#[cfg(feature = "futures")]
impl<S: futures_core::Stream> LocalStream<S::Item> for S {
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        futures_core::Stream::poll_next(self, cx)
    }
}

/// A boxed [`LocalStream`].
pub(crate) type BoxStream<T> = Pin<Box<dyn LocalStream<T>>>;

/// What a reader holds: a component-model readable end, a local Rust
/// value, or nothing (given away).
pub(crate) enum End<V: 'static, L> {
    Host {
        handle: u32,
        vtable: &'static V,
    },
    #[cfg_attr(
        not(feature = "futures"),
        allow(dead_code, reason = "streams become local only with `futures`")
    )]
    Local(L),
    Gone,
}

impl<V, L> End<V, L> {
    /// The handle, if the end is a component-model one.
    pub(crate) fn handle(&self) -> Option<u32> {
        match self {
            End::Host { handle, .. } => Some(*handle),
            End::Local(_) | End::Gone => None,
        }
    }
}

/// Makes a real future for `local`, drives `local`'s value into it, and
/// returns the readable end.
pub(crate) fn lower_future<T: 'static>(
    local: LocalFuture<T>,
    vtable: &'static FutureVtable<T>,
) -> u32 {
    super::detached::sweep();
    // SAFETY: `vtable` is the generated vtable of this payload type (the
    // contract of `FutureReader::lower_handle`).
    let both = unsafe { (vtable.new)() };
    let (readable, writable) = (both as u32, (both >> 32) as u32);
    if has_task() {
        super::spawn::spawn_local(async move {
            // Dropped here (a cancelled task): `writable` stays open, see
            // the module doc.
            let value = local.await;
            write_detached(vtable, writable, value);
        });
    } else {
        let value = super::executor::block_on(local);
        write_detached(vtable, writable, value);
    }
    readable
}

/// Makes a real stream for `local`, drives `local`'s values into it from a
/// spawned future, and returns the readable end.
///
/// # Panics
/// If no task is current (a synchronous export): nothing could write the
/// values after this call returns.
pub(crate) fn lower_stream<T: 'static>(
    local: BoxStream<T>,
    vtable: &'static StreamVtable<T>,
) -> u32 {
    if !has_task() {
        panic!(
            "weft: a StreamReader made from a Rust stream was passed on outside any async \
             task (a synchronous export); no task could write its values. Pass it from an \
             async function, or write a `wit_stream::new()` stream inside `block_on`"
        )
    }
    // SAFETY: as for `lower_future`.
    let (mut writer, reader) = unsafe { stream_new(vtable) };
    super::spawn::spawn_local(async move { pump(local, &mut writer).await });
    reader.take_handle()
}

/// Whether some task (weft's or another generator's) is being polled.
fn has_task() -> bool {
    // SAFETY: single-threaded instance, see `weft_cabi::current_task`.
    !unsafe { weft_cabi::current_task() }.is_null()
}

/// How many values one write of a driven stream carries at most.
const WRITE_CHUNK: usize = 64;

/// Writes `local`'s values to `writer` in batches of what is ready, until
/// `local` ends or the reader goes away.
async fn pump<T: 'static>(mut local: BoxStream<T>, writer: &mut StreamWriter<T>) {
    let mut ended = false;
    while !ended {
        let batch = core::future::poll_fn(|cx| {
            let mut batch = Vec::new();
            let more = fill(local.as_mut(), cx, &mut batch, WRITE_CHUNK);
            ended = more == Poll::Ready(false);
            match more {
                Poll::Pending if batch.is_empty() => Poll::Pending,
                Poll::Pending | Poll::Ready(_) => Poll::Ready(batch),
            }
        })
        .await;
        if !writer.write_all(batch).await.is_empty() {
            return;
        }
    }
}

/// Moves up to `max` ready values of `local` into `out`: `Ready(true)` once
/// `max` were moved, `Ready(false)` if `local` ended, `Pending` if it has
/// no more values now.
pub(crate) fn fill<T>(
    mut local: Pin<&mut dyn LocalStream<T>>,
    cx: &mut Context<'_>,
    out: &mut Vec<T>,
    max: usize,
) -> Poll<bool> {
    for _ in 0..max {
        match local.as_mut().poll_next(cx) {
            Poll::Ready(Some(value)) => out.push(value),
            Poll::Ready(None) => return Poll::Ready(false),
            Poll::Pending => return Poll::Pending,
        }
    }
    Poll::Ready(true)
}
