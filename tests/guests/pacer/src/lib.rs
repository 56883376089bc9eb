//! The exporter `async-relay` imports: `test:guests/pacing` with async
//! exports (freestanding, resource method, static) that yield to the
//! scheduler before they answer, so their callers really wait. A task that
//! is dropped before it finishes (its caller cancelled it) is counted, and
//! `pacer-control` reports the count, so tests can see a cancellation
//! arrive; it also switches on backpressure around each `echo-later` and
//! reports how many ran at once, so tests can see backpressure hold.

#[cfg(not(feature = "peer"))]
use weft as rt;
#[cfg(feature = "peer")]
use wit_bindgen as rt;

#[cfg(not(feature = "peer"))]
weft::bindgen!({ world: "pacer", path: "../wit" });
#[cfg(feature = "peer")]
wit_bindgen::generate!({ world: "pacer", path: "../wit" });

use exports::test::guests::pacer_control::Guest as ControlGuest;
use exports::test::guests::pacing::{Clock as ClockHandle, Guest as PacingGuest, GuestClock};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Tasks dropped before they finished.
static CANCELLED: AtomicU32 = AtomicU32::new(0);
/// `echo-later` tasks running now, and the most there ever were.
static RUNNING: AtomicU32 = AtomicU32::new(0);
static PEAK: AtomicU32 = AtomicU32::new(0);
/// Whether each `echo-later` holds backpressure while it runs.
static EXCLUSIVE: AtomicBool = AtomicBool::new(false);

/// Counts its task as cancelled unless `finish` was called first.
struct UnlessFinished(bool);

impl UnlessFinished {
    fn finish(mut self) {
        self.0 = true;
    }
}

impl Drop for UnlessFinished {
    fn drop(&mut self) {
        if !self.0 {
            CANCELLED.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Yields to the scheduler `ticks` times.
async fn wait(ticks: u32) {
    for _ in 0..ticks {
        rt::yield_async().await;
    }
}

struct Component;

/// One running `echo-later`: counted in `RUNNING` (and holding
/// backpressure if it was switched on when the task started) until dropped.
struct Running {
    exclusive: bool,
}

impl Running {
    fn start() -> Running {
        let exclusive = EXCLUSIVE.load(Ordering::Relaxed);
        if exclusive {
            rt::backpressure_inc();
        }
        let now = RUNNING.fetch_add(1, Ordering::Relaxed) + 1;
        PEAK.fetch_max(now, Ordering::Relaxed);
        Running { exclusive }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::Relaxed);
        if self.exclusive {
            rt::backpressure_dec();
        }
    }
}

impl ControlGuest for Component {
    fn cancelled() -> u32 {
        CANCELLED.load(Ordering::Relaxed)
    }

    fn exclusive(on: bool) {
        EXCLUSIVE.store(on, Ordering::Relaxed);
    }

    fn peak() -> u32 {
        PEAK.load(Ordering::Relaxed)
    }

    fn running() -> u32 {
        RUNNING.load(Ordering::Relaxed)
    }

    fn unwritten() -> rt::FutureReader<String> {
        let (writer, reader) = wit_future::new::<String>(|| "unwritten".to_string());
        // No task to finish the default write in: the runtime must keep it
        // going after this export returns (wit-bindgen #1610).
        drop(writer);
        reader
    }
}

impl PacingGuest for Component {
    type Clock = Clock;

    async fn echo_later(text: String, ticks: u32) -> String {
        let _running = Running::start();
        let guard = UnlessFinished(false);
        wait(ticks).await;
        guard.finish();
        text
    }

    async fn measure(data: rt::StreamReader<u8>) -> u32 {
        let bytes = data.collect().await;
        u32::try_from(bytes.len()).unwrap_or(u32::MAX)
    }
}

struct Clock {
    now: Cell<u64>,
}

impl GuestClock for Clock {
    fn new() -> Self {
        Clock { now: Cell::new(0) }
    }

    async fn tick(&self) -> u64 {
        let guard = UnlessFinished(false);
        wait(1).await;
        guard.finish();
        self.now.set(self.now.get() + 1);
        self.now.get()
    }

    async fn starting_at(start: u64) -> ClockHandle {
        wait(1).await;
        ClockHandle::new(Clock {
            now: Cell::new(start),
        })
    }
}

export!(Component);
