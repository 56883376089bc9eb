//! The futures one task runs: its root future and everything spawned.
//!
//! [`spawn_local`] adds a future to the weft task that is current; the
//! executor polls it alongside the task's root future and the task exits
//! only when all of them have finished.

use super::task::Shared;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// A future the executor owns.
pub(crate) type BoxFuture<'a> = Pin<Box<dyn Future<Output = ()> + 'a>>;

/// The unfinished futures of one task.
#[derive(Default)]
pub(crate) struct Tasks<'a> {
    futures: Vec<BoxFuture<'a>>,
}

impl<'a> Tasks<'a> {
    pub(crate) fn new(root: BoxFuture<'a>) -> Tasks<'a> {
        Tasks {
            futures: alloc::vec![root],
        }
    }

    /// Polls every future once (and those spawned meanwhile), dropping the
    /// finished ones; `Ready` once none is left.
    pub(crate) fn poll(&mut self, shared: &Shared, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            self.futures
                .retain_mut(|f| f.as_mut().poll(cx).is_pending());
            let spawned = shared.spawned.with(core::mem::take);
            if spawned.is_empty() {
                break;
            }
            self.futures.extend(spawned);
        }
        if self.futures.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// Runs `future` on the current task, concurrently with the rest of it; the
/// task does not exit before `future` finishes. The task may be another
/// generator's: then the future is driven through a waitable registered
/// with that task (see `hosted`).
///
/// # Panics
/// If no task is being polled (outside any async export and outside
/// [`block_on`](super::block_on)); use `block_on` to start one.
pub fn spawn_local(future: impl Future<Output = ()> + 'static) {
    match Shared::current() {
        Some(shared) => shared.spawned.with(|s| s.push(Box::pin(future))),
        None => super::hosted::spawn(Box::pin(future)),
    }
}
