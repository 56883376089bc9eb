//! `wasi:io/poll` and `wasi:clocks`: pollables, and the clocks that make them.
//!
//! Every stream in this host is always ready, so the only pollable that can
//! be pending is a monotonic-clock deadline. Blocking therefore means sleeping
//! until the earliest deadline; nothing else can wake a guest up.

use std::time::{Duration, Instant, SystemTime};

/// The host object behind a `pollable`.
#[derive(Debug, Clone, Copy)]
pub enum Pollable {
    /// Ready now and forever (streams).
    Ready,
    /// Ready once the host's clock reaches this instant.
    Deadline(Instant),
}

impl Pollable {
    /// `ready`.
    pub fn is_ready(&self) -> bool {
        match self {
            Pollable::Ready => true,
            Pollable::Deadline(at) => Instant::now() >= *at,
        }
    }

    /// `block`.
    pub fn block(&self) {
        match self {
            Pollable::Ready => {}
            Pollable::Deadline(at) => sleep_until(*at),
        }
    }
}

/// `poll`: blocks until at least one pollable is ready and returns the
/// indices of all ready ones. An empty list returns at once.
pub fn poll(pollables: &[Pollable]) -> Vec<u32> {
    let earliest = pollables
        .iter()
        .map(|p| match p {
            Pollable::Ready => None,
            Pollable::Deadline(at) => Some(*at),
        })
        .try_fold(None::<Instant>, |min, at| {
            // A `Ready` pollable means nothing needs to wait.
            at.map(|at| Some(min.map_or(at, |m| m.min(at))))
        });
    if let Some(Some(at)) = earliest {
        sleep_until(at);
    }
    (0u32..)
        .zip(pollables)
        .filter(|(_, p)| p.is_ready())
        .map(|(i, _)| i)
        .collect()
}

fn sleep_until(at: Instant) {
    let now = Instant::now();
    if at > now {
        std::thread::sleep(at - now);
    }
}

/// `monotonic-clock.now`: nanoseconds since `origin`.
pub fn monotonic_now(origin: Instant) -> u64 {
    u64::try_from(origin.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// The pollable for `subscribe-instant(when)`, `when` read on the clock
/// that started at `origin`.
pub fn deadline_at(origin: Instant, when: u64) -> Pollable {
    Pollable::Deadline(origin + Duration::from_nanos(when))
}

/// The pollable for `subscribe-duration(nanos)`.
pub fn deadline_after(nanos: u64) -> Pollable {
    Pollable::Deadline(Instant::now() + Duration::from_nanos(nanos))
}

/// `wall-clock.now` as seconds and nanoseconds since the Unix epoch.
pub fn wall_now() -> (u64, u32) {
    match SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) => (since.as_secs(), since.subsec_nanos()),
        // A host clock set before 1970 is reported as the epoch itself.
        Err(_) => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_waits_for_the_earliest_deadline_only() {
        let start = Instant::now();
        let soon = deadline_after(1_000_000);
        let late = deadline_after(60_000_000_000);
        assert_eq!(poll(&[late, soon]), vec![1]);
        assert!(start.elapsed() >= Duration::from_millis(1));
        assert!(start.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn a_ready_pollable_makes_poll_return_at_once() {
        let late = deadline_after(60_000_000_000);
        assert_eq!(poll(&[late, Pollable::Ready]), vec![1]);
    }
}
