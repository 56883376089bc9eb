//! Native tests of `future<T>` and `stream<T>` ends against the fake
//! built-ins (`fake::copy_*`), driven by `block_on` and `spawn_local`.

use super::*;
use alloc::vec;
use alloc::vec::Vec;
use core::alloc::Layout;
use core::cell::Cell;
use core::task::Context;

unsafe extern "C" fn new() -> u64 {
    fake::copy_new()
}
unsafe extern "C" fn cancel(end: u32) -> u32 {
    fake::copy_cancel(end, "cancel")
}
unsafe extern "C" fn drop_end(end: u32) {
    fake::copy_drop(end, "drop")
}
unsafe extern "C" fn read_u32s(end: u32, ptr: *mut u8, n: usize) -> u32 {
    // SAFETY: forwarded from the stream's contract.
    unsafe { fake::copy_read(end, ptr, n, 4) }
}
unsafe extern "C" fn write_u32s(end: u32, ptr: *const u8, n: usize) -> u32 {
    // SAFETY: forwarded from the stream's contract.
    unsafe { fake::copy_write(end, ptr, n, 4) }
}

pub(super) static U32S: StreamVtable<u32> = StreamVtable {
    layout: Layout::new::<u32>(),
    lower: None,
    dealloc_lists: None,
    lift: None,
    start_write: write_u32s,
    start_read: read_u32s,
    cancel_write: cancel,
    cancel_read: cancel,
    drop_writable: drop_end,
    drop_readable: drop_end,
    new,
};

/// A payload whose lowered form differs from its Rust form: `(u8, u32)`
/// lowered as 8 bytes, counting how many lowered copies were freed.
type Pair = (u8, u32);

std::thread_local! {
    static FREED: Cell<usize> = const { Cell::new(0) };
}

unsafe fn lower_pair(value: Pair, dst: *mut u8) {
    // SAFETY: `dst` has room for 8 bytes aligned to 4.
    unsafe {
        *dst = value.0;
        *dst.add(4).cast::<u32>() = value.1;
    }
}
unsafe fn lift_pair(src: *mut u8) -> Pair {
    // SAFETY: `src` holds a lowered pair.
    unsafe { (*src, *src.add(4).cast::<u32>()) }
}
unsafe fn free_pair(_: *mut u8) {
    FREED.with(|f| f.set(f.get() + 1));
}
unsafe extern "C" fn read_pairs(end: u32, ptr: *mut u8, n: usize) -> u32 {
    // SAFETY: forwarded from the stream's contract.
    unsafe { fake::copy_read(end, ptr, n, 8) }
}
unsafe extern "C" fn write_pairs(end: u32, ptr: *const u8, n: usize) -> u32 {
    // SAFETY: forwarded from the stream's contract.
    unsafe { fake::copy_write(end, ptr, n, 8) }
}

static PAIRS: StreamVtable<Pair> = StreamVtable {
    layout: match Layout::from_size_align(8, 4) {
        Ok(l) => l,
        Err(_) => panic!("8/4 is a valid layout"),
    },
    lower: Some(lower_pair),
    dealloc_lists: Some(free_pair),
    lift: Some(lift_pair),
    start_write: write_pairs,
    start_read: read_pairs,
    cancel_write: cancel,
    cancel_read: cancel,
    drop_writable: drop_end,
    drop_readable: drop_end,
    new,
};

unsafe extern "C" fn read_u32(end: u32, ptr: *mut u8) -> u32 {
    // SAFETY: forwarded from the future's contract.
    unsafe { fake::copy_read(end, ptr, 1, 4) }
}
unsafe extern "C" fn write_u32(end: u32, ptr: *const u8) -> u32 {
    // SAFETY: forwarded from the future's contract.
    unsafe { fake::copy_write(end, ptr, 1, 4) }
}
unsafe fn lower_u32(value: u32, dst: *mut u8) {
    // SAFETY: `dst` has room for a `u32`.
    unsafe { *dst.cast::<u32>() = value }
}
unsafe fn lift_u32(src: *mut u8) -> u32 {
    // SAFETY: `src` holds a `u32`.
    unsafe { *src.cast::<u32>() }
}
unsafe fn no_lists(_: *mut u8) {}

pub(super) static FUTURE_U32: FutureVtable<u32> = FutureVtable {
    layout: Layout::new::<u32>(),
    lower: lower_u32,
    dealloc_lists: no_lists,
    lift: lift_u32,
    start_write: write_u32,
    start_read: read_u32,
    cancel_write: cancel,
    cancel_read: cancel,
    drop_writable: drop_end,
    drop_readable: drop_end,
    new,
};

fn host() -> std::sync::MutexGuard<'static, ()> {
    super::tests::host()
}

#[test]
fn a_spawned_producer_feeds_a_stream_read_in_pieces() {
    let _host = host();
    let got = block_on(async {
        // SAFETY: `U32S` is a consistent stream vtable.
        let (mut tx, mut rx) = unsafe { stream_new(&U32S) };
        spawn_local(async move {
            let rest = tx.write_all(vec![1, 2, 3, 4, 5]).await;
            assert!(rest.is_empty());
        });
        let (first, buf) = rx.read(Vec::with_capacity(2)).await;
        assert_eq!(
            (first, buf.as_slice()),
            (StreamResult::Complete(2), &[1, 2][..])
        );
        let mut rest = rx.collect().await;
        rest.splice(0..0, buf);
        rest
    });
    assert_eq!(got, [1, 2, 3, 4, 5]);
    assert_eq!(fake::live_waitables(), 0, "both ends were dropped");
}

#[test]
fn a_partial_write_returns_the_values_not_taken() {
    let _host = host();
    let (result, rest) = block_on(async {
        // SAFETY: `U32S` is a consistent stream vtable.
        let (mut tx, mut rx) = unsafe { stream_new(&U32S) };
        spawn_local(async move {
            let (_, buf) = rx.read(Vec::with_capacity(2)).await;
            assert_eq!(buf, [7, 8]);
        });
        yield_async().await;
        tx.write(vec![7, 8, 9]).await
    });
    assert_eq!((result, rest), (StreamResult::Complete(2), vec![9]));
}

#[test]
fn writing_to_a_dropped_reader_gives_the_values_back() {
    let _host = host();
    // SAFETY: `U32S` is a consistent stream vtable.
    let (mut tx, rx) = unsafe { stream_new(&U32S) };
    drop(rx);
    let (result, rest) = block_on(tx.write(vec![1, 2]));
    assert_eq!((result, rest), (StreamResult::Dropped, vec![1, 2]));
}

#[test]
fn dropping_a_blocked_read_cancels_it() {
    let _host = host();
    // SAFETY: `U32S` is a consistent stream vtable.
    let (mut tx, mut rx) = unsafe { stream_new(&U32S) };
    block_on(async {
        {
            let mut read = core::pin::pin!(rx.read(Vec::with_capacity(4)));
            let polled = core::future::poll_fn(|cx: &mut Context<'_>| {
                core::task::Poll::Ready(read.as_mut().poll(cx).is_pending())
            })
            .await;
            assert!(polled, "nothing written yet");
        }
        // The cancelled read no longer takes values: a write now blocks.
        let mut write = core::pin::pin!(tx.write(vec![1]));
        let blocked = core::future::poll_fn(|cx: &mut Context<'_>| {
            core::task::Poll::Ready(write.as_mut().poll(cx).is_pending())
        })
        .await;
        assert!(blocked);
    });
    assert_eq!(
        fake::with(|m| m.cancelled_copies),
        2,
        "the read, then the write"
    );
}

#[test]
fn lowered_payloads_round_trip_and_written_ones_are_freed() {
    let _host = host();
    FREED.with(|f| f.set(0));
    let got = block_on(async {
        // SAFETY: `PAIRS` is a consistent stream vtable.
        let (mut tx, rx) = unsafe { stream_new(&PAIRS) };
        spawn_local(async move {
            assert!(
                tx.write_all(vec![(1, 10), (2, 20), (3, 30)])
                    .await
                    .is_empty()
            );
        });
        rx.collect().await
    });
    assert_eq!(got, [(1, 10), (2, 20), (3, 30)]);
    assert_eq!(FREED.with(Cell::get), 3);
}

#[test]
fn a_future_delivers_its_value_or_the_default() {
    let _host = host();
    let got = block_on(async {
        // SAFETY: `FUTURE_U32` is a consistent future vtable.
        let (tx, rx) = unsafe { future_new(|| 0, &FUTURE_U32) };
        spawn_local(async move {
            assert!(tx.write(42).await.is_ok());
        });
        rx.await
    });
    assert_eq!(got, 42);
    let default = block_on(async {
        // SAFETY: as above.
        let (tx, rx) = unsafe { future_new(|| 7, &FUTURE_U32) };
        let read = rx.into_future();
        drop(tx);
        read.await
    });
    assert_eq!(default, 7, "an unwritten writer sends its default");
    assert_eq!(fake::live_waitables(), 0);
}

#[test]
fn a_writer_dropped_outside_any_task_parks_its_default_until_it_is_read() {
    let _host = host();
    // SAFETY: `FUTURE_U32` is a consistent future vtable.
    let (tx, rx) = unsafe { future_new(|| 7, &FUTURE_U32) };
    // No task is current (a synchronous export): the write cannot wait, and
    // the end may not be dropped unwritten, so the write is parked.
    drop(tx);
    assert_eq!(detached::parked(), 1);
    assert_eq!(
        fake::live_sets(),
        1,
        "the parked end waits in a set of its own"
    );
    assert_eq!(fake::live_waitables(), 2, "the writable end is still open");
    // The reader takes the default from the blocked write...
    assert_eq!(block_on(rx.into_future()), 7);
    // ...and the next chance (here: a new future) finishes the write.
    // SAFETY: as above.
    let (tx, rx) = unsafe { future_new(|| 8, &FUTURE_U32) };
    assert_eq!(detached::parked(), 0);
    assert_eq!(fake::live_sets(), 0, "the empty set was dropped");
    assert_eq!(
        fake::live_waitables(),
        2,
        "only the new future's ends are left"
    );
    drop((tx, rx));
    detached::sweep();
    assert_eq!(fake::live_waitables(), 0);
}

#[test]
fn a_parked_write_whose_reader_goes_away_frees_its_value() {
    let _host = host();
    FREED.with(|f| f.set(0));
    // SAFETY: `FUTURE_U32` is a consistent future vtable.
    let (tx, rx) = unsafe { future_new(|| 1, &FUTURE_U32) };
    drop(tx);
    // SAFETY: as above.
    let (tx2, rx2) = unsafe { future_new(|| 2, &FUTURE_U32) };
    drop(tx2);
    assert_eq!(detached::parked(), 2);
    // Readers dropped unread: each parked write ends `DROPPED`; a weft
    // callback (here `block_on`'s first) sweeps them both.
    drop(rx);
    drop(rx2);
    block_on(async {});
    assert_eq!(detached::parked(), 0);
    assert_eq!((fake::live_sets(), fake::live_waitables()), (0, 0));
}

#[cfg(feature = "futures")]
mod adapters {
    use super::*;
    use alloc::string::ToString;
    use futures_core::Stream;
    use futures_sink::Sink;

    /// `StreamExt::next` without the combinator crate.
    async fn next<S: Stream + Unpin>(s: &mut S) -> Option<S::Item> {
        core::future::poll_fn(|cx| Pin::new(&mut *s).poll_next(cx)).await
    }

    /// `SinkExt::send`: ready, send, flush.
    async fn send<S: Sink<u32> + Unpin>(s: &mut S, item: u32) -> Result<(), S::Error> {
        core::future::poll_fn(|cx| Pin::new(&mut *s).poll_ready(cx)).await?;
        Pin::new(&mut *s).start_send(item)?;
        core::future::poll_fn(|cx| Pin::new(&mut *s).poll_flush(cx)).await
    }

    #[test]
    fn a_sink_feeds_a_stream_across_a_component_stream() {
        let _host = host();
        let got = block_on(async {
            // SAFETY: `U32S` is a consistent stream vtable.
            let (tx, rx) = unsafe { stream_new(&U32S) };
            let mut sink = tx.into_sink();
            spawn_local(async move {
                for i in 1..=5 {
                    send(&mut sink, i * 10).await.expect("the reader reads");
                }
                core::future::poll_fn(|cx| Pin::new(&mut sink).poll_close(cx))
                    .await
                    .expect("closes");
            });
            let mut values = rx.into_stream();
            let mut got = Vec::new();
            while let Some(v) = next(&mut values).await {
                got.push(v);
            }
            got
        });
        assert_eq!(got, [10, 20, 30, 40, 50]);
        assert_eq!(fake::live_waitables(), 0, "both ends were dropped");
    }

    #[test]
    fn a_sink_whose_reader_is_gone_gives_the_values_back() {
        let _host = host();
        // SAFETY: `U32S` is a consistent stream vtable.
        let (tx, rx) = unsafe { stream_new(&U32S) };
        drop(rx);
        let mut sink = tx.into_sink();
        let err = block_on(send(&mut sink, 7)).expect_err("nobody reads");
        assert_eq!(err, ReaderDropped(vec![7]));
        assert!(err.to_string().contains("1 values unwritten"), "{err}");
    }

    #[test]
    fn dropping_a_stream_adapter_mid_read_cancels_the_read() {
        let _host = host();
        // SAFETY: `U32S` is a consistent stream vtable.
        let (tx, rx) = unsafe { stream_new(&U32S) };
        block_on(async {
            let mut values = rx.into_stream();
            let pending = core::future::poll_fn(|cx| {
                Poll::Ready(Pin::new(&mut values).poll_next(cx).is_pending())
            })
            .await;
            assert!(pending, "nothing written yet");
        });
        assert_eq!(fake::with(|m| m.cancelled_copies), 1);
        drop(tx);
        assert_eq!(fake::live_waitables(), 0);
    }
}
