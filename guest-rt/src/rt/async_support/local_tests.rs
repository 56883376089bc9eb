//! Native tests of readers made from Rust futures and streams (`local`),
//! against the fake built-ins: awaited here, lowered inside a task, and
//! lowered with no task at all.

use super::copy_tests::FUTURE_U32;
use super::*;
use core::future::IntoFuture;

fn host() -> std::sync::MutexGuard<'static, ()> {
    super::tests::host()
}

#[test]
fn a_reader_from_a_rust_future_awaits_it_here_without_any_handle() {
    let _host = host();
    let reader = FutureReader::from(async {
        yield_async().await;
        5u32
    });
    assert!(alloc::format!("{reader:?}").contains("local: true"));
    assert_eq!(block_on(reader.into_future()), 5);
    assert_eq!(fake::live_waitables(), 0, "no future was made");
}

#[test]
fn a_lowered_rust_future_is_written_by_the_current_task() {
    let _host = host();
    let got = block_on(async {
        let reader = FutureReader::from(async {
            yield_async().await;
            42u32
        });
        let handle = reader.lower_handle(&FUTURE_U32);
        assert_eq!(fake::live_waitables(), 2, "a real future was made");
        // SAFETY: `handle` is a readable end of a `FUTURE_U32` future.
        let real = unsafe { FutureReader::new(handle, &FUTURE_U32) };
        real.await
    });
    assert_eq!(got, 42);
    assert_eq!(fake::live_waitables(), 0, "both ends were dropped");
    assert_eq!(fake::live_sets(), 0);
}

#[test]
fn a_rust_future_lowered_outside_any_task_runs_at_once_and_parks_its_value() {
    let _host = host();
    let reader = FutureReader::from(async {
        yield_async().await;
        9u32
    });
    // A synchronous export's result: no task; the value is computed now and
    // its write waits for the reader in the parked set.
    let handle = reader.lower_handle(&FUTURE_U32);
    assert_eq!(detached::parked(), 1);
    // SAFETY: as above.
    let real = unsafe { FutureReader::new(handle, &FUTURE_U32) };
    assert_eq!(block_on(real.into_future()), 9);
    detached::sweep();
    assert_eq!(detached::parked(), 0);
    assert_eq!((fake::live_sets(), fake::live_waitables()), (0, 0));
}

#[test]
fn a_host_reader_lowers_to_its_own_handle() {
    let _host = host();
    // SAFETY: as above.
    let (tx, rx) = unsafe { future_new(|| 3, &FUTURE_U32) };
    let handle = rx.take_handle();
    // SAFETY: the end `rx` just gave away.
    let rx = unsafe { FutureReader::new(handle, &FUTURE_U32) };
    assert_eq!(rx.lower_handle(&FUTURE_U32), handle);
    drop(rx);
    // SAFETY: the end is still open: lowering gave it away, not dropped it.
    let rx = unsafe { FutureReader::new(handle, &FUTURE_U32) };
    drop(tx);
    assert_eq!(block_on(rx.into_future()), 3);
    detached::sweep();
    assert_eq!(fake::live_waitables(), 0);
}

#[cfg(feature = "futures")]
mod streams {
    use super::super::copy_tests::U32S;
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;
    use core::pin::Pin;
    use core::task::{Context, Poll};

    /// `0..end`, pending before every `every`-th value (0: never).
    struct Counter {
        next: u32,
        end: Option<u32>,
        every: u32,
        paused: bool,
    }

    fn counter(end: Option<u32>, every: u32) -> Counter {
        Counter {
            next: 0,
            end,
            every,
            paused: false,
        }
    }

    impl futures_core::Stream for Counter {
        type Item = u32;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
            if self.end.is_some_and(|end| self.next >= end) {
                return Poll::Ready(None);
            }
            if self.every != 0 && self.next.is_multiple_of(self.every) && !self.paused {
                self.paused = true;
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            self.paused = false;
            self.next += 1;
            Poll::Ready(Some(self.next - 1))
        }
    }

    #[test]
    fn a_reader_from_a_rust_stream_reads_what_is_ready_up_to_the_capacity() {
        let _host = host();
        let mut reader = StreamReader::from(counter(Some(5), 0));
        let (first, rest) = block_on(async {
            let first = reader.read(Vec::with_capacity(3)).await;
            (first, reader.collect().await)
        });
        assert_eq!(first, (StreamResult::Complete(3), vec![0, 1, 2]));
        assert_eq!(rest, vec![3, 4]);
        assert_eq!(fake::live_waitables(), 0, "no stream was made");
    }

    #[test]
    fn a_rust_stream_that_ends_reports_dropped_after_its_values() {
        let _host = host();
        let mut reader = StreamReader::from(counter(Some(2), 0));
        let reads = block_on(async {
            let mut reads = Vec::new();
            for _ in 0..3 {
                reads.push(reader.read(Vec::with_capacity(8)).await);
            }
            reads
        });
        assert_eq!(
            reads,
            vec![
                (StreamResult::Complete(2), vec![0, 1]),
                (StreamResult::Dropped, vec![]),
                (StreamResult::Dropped, vec![]),
            ]
        );
    }

    #[test]
    fn a_lowered_rust_stream_is_written_by_a_spawned_future() {
        let _host = host();
        let got = block_on(async {
            let handle = StreamReader::from(counter(Some(300), 7)).lower_handle(&U32S);
            // SAFETY: `handle` is a readable end of a `U32S` stream.
            let real = unsafe { StreamReader::new(handle, &U32S) };
            real.collect().await
        });
        assert_eq!(got, (0..300).collect::<Vec<_>>());
        assert_eq!((fake::live_sets(), fake::live_waitables()), (0, 0));
    }

    #[test]
    fn a_lowered_endless_stream_stops_when_its_reader_goes_away() {
        let _host = host();
        let first = block_on(async {
            let handle = StreamReader::from(counter(None, 3)).lower_handle(&U32S);
            // SAFETY: as above.
            let mut real = unsafe { StreamReader::new(handle, &U32S) };
            let first = real.next().await;
            drop(real);
            first
        });
        // `block_on` returned, so the spawned writer finished.
        assert_eq!(first, Some(0));
        assert_eq!((fake::live_sets(), fake::live_waitables()), (0, 0));
    }

    #[test]
    #[should_panic(expected = "outside any async task")]
    fn a_rust_stream_lowered_outside_any_task_panics_naming_the_problem() {
        let _host = host();
        StreamReader::from(counter(Some(1), 0)).lower_handle(&U32S);
    }
}
