//! Polling a task from the callback ABI (CanonicalABI.md, "canon lift" with
//! `async` and `callback`).
//!
//! An async-lifted export returns a callback code to the host: `EXIT` (the
//! task is done), `YIELD` (run me again soon) or `WAIT` with a waitable set
//! (run me when one of its members has an event). The host then calls the
//! export's callback with the event, and the callback answers with the next
//! code. [`TaskState`] is what persists between those calls, kept in the
//! task's `context.get 0` slot; [`block_on`] drives the same state with
//! `waitable-set.wait` for synchronous code.

use super::builtins::{self, RawEvent, WaitableIndex};
use super::spawn::{BoxFuture, Tasks};
use super::task::Shared;
use super::{CallbackCode, EventCode};
use alloc::boxed::Box;
use alloc::sync::Arc;
use core::future::Future;
use core::task::{Context, Poll, Waker};

/// Everything one task needs between callbacks.
pub(crate) struct TaskState<'a> {
    tasks: Tasks<'a>,
    shared: Arc<Shared>,
    waker: Waker,
}

impl<'a> TaskState<'a> {
    pub(crate) fn new(root: BoxFuture<'a>) -> TaskState<'a> {
        let shared = Shared::new();
        TaskState {
            tasks: Tasks::new(root),
            waker: Waker::from(Arc::clone(&shared)),
            shared,
        }
    }

    /// Handles one event from the host and returns the next callback code.
    pub(crate) fn callback(&mut self, event: RawEvent) -> CallbackCode {
        let code = match EventCode::decode(event.code) {
            Some(code) => code,
            None => panic!("weft executor: unknown event code {}", event.code),
        };
        match code {
            // Cancellation drops the task's futures (their destructors cancel
            // what they started); the export's wrapper reports it.
            EventCode::Cancelled => return CallbackCode::Exit,
            EventCode::None => {}
            EventCode::Subtask
            | EventCode::StreamRead
            | EventCode::StreamWrite
            | EventCode::FutureRead
            | EventCode::FutureWrite => {}
        }
        super::detached::sweep();
        let shared = Arc::clone(&self.shared);
        shared.installed(|| {
            self.shared.sleep.mark_woken();
            if code != EventCode::None {
                self.deliver(WaitableIndex(event.waitable), event.result);
            }
            // The wake stream's read stays outstanding while the task runs
            // (a wake then only sets the flag), so the next sleep needs no
            // new read: withdrawing and re-arming it cost four built-in
            // calls per callback. It is withdrawn once, at exit.
            self.poll_until_blocked()
        })
    }

    /// Polls until every future waits on something outside this task.
    fn poll_until_blocked(&mut self) -> CallbackCode {
        loop {
            self.shared.sleep.start_polling();
            let mut cx = Context::from_waker(&self.waker);
            match self.tasks.poll(&self.shared, &mut cx) {
                Poll::Ready(()) if !self.shared.has_waitables() => return CallbackCode::Exit,
                // Other generators' registrations keep the task alive.
                Poll::Ready(()) => return CallbackCode::Wait(self.shared.waitable_set()),
                Poll::Pending if self.shared.sleep.was_woken() => {
                    if self.deliver_ready() {
                        continue;
                    }
                    return CallbackCode::Yield;
                }
                Poll::Pending => {
                    self.shared.sleep.mark_sleeping();
                    let set = self.shared.waitable_set();
                    if !self.shared.wakeup.with(|w| w.arm(set)) {
                        continue;
                    }
                    return CallbackCode::Wait(set);
                }
            }
        }
    }

    /// Delivers an event that is ready now, without blocking; `true` if
    /// there was one.
    fn deliver_ready(&mut self) -> bool {
        if !self.shared.has_waitables() {
            return false;
        }
        let event = builtins::waitable_set_poll(self.shared.waitable_set());
        if event.code == EventCode::None as u32 {
            return false;
        }
        self.deliver(WaitableIndex(event.waitable), event.result);
        true
    }

    /// Runs the registered callback of `waitable` with `result`.
    fn deliver(&mut self, waitable: WaitableIndex, result: u32) {
        builtins::waitable_join(waitable, None);
        if self.shared.wakeup.with(|w| w.consume(waitable)) {
            return;
        }
        let Some(reg) = self.shared.take(waitable) else {
            // Withdrawn after the host queued its event: nobody wants it.
            return;
        };
        // SAFETY: the registrant keeps `callback_ptr` valid until its
        // callback runs or it unregisters (the `WaitableRegister`
        // contract), and it has not unregistered: the entry was still here.
        unsafe { (reg.callback)(reg.callback_ptr, result) }
    }

    /// The set the host should wait on after `CallbackCode::Wait`.
    pub(crate) fn poll_set(&self) -> RawEvent {
        builtins::waitable_set_poll(self.shared.waitable_set())
    }

    pub(crate) fn wait_set(&self) -> RawEvent {
        builtins::waitable_set_wait(self.shared.waitable_set())
    }
}

impl Drop for TaskState<'_> {
    fn drop(&mut self) {
        let shared = Arc::clone(&self.shared);
        // Futures dropped here may withdraw registrations: keep the task
        // installed while they run.
        shared.installed(|| self.tasks = Tasks::default());
        shared.sleep.mark_exited();
        shared.wakeup.with(|w| w.close());
        let leftover = shared.waitables.with(core::mem::take);
        for waitable in leftover.keys() {
            builtins::waitable_join(*waitable, None);
        }
        if let Some(set) = shared.set.with(Option::take) {
            builtins::waitable_set_drop(set);
        }
    }
}

/// Starts an exported task: polls `task` once and returns the first
/// callback code, leaving the task in `context.get 0` if it is not done.
pub fn start_task(task: impl Future<Output = ()> + 'static) -> u32 {
    let state = Box::into_raw(Box::new(TaskState::new(Box::pin(task))));
    // SAFETY: the slot now holds a live `TaskState`, which is what `callback`
    // reads from it; and it is this new task's own slot.
    unsafe {
        builtins::context_set(state.cast());
        callback(EventCode::None as u32, 0, 0)
    }
}

/// The export's callback: delivers one event to the task in `context.get 0`
/// and returns the next callback code, freeing the task on `EXIT`.
///
/// # Safety
/// The context slot must hold the state [`start_task`] stored for this
/// task (the host calls an export's callback only for that export's tasks).
pub unsafe fn callback(code: u32, waitable: u32, result: u32) -> u32 {
    let state = builtins::context_get().cast::<TaskState<'static>>();
    assert!(
        !state.is_null(),
        "weft executor: callback without a task in context slot 0"
    );
    // Cleared while running so that nothing re-enters this task's state.
    // SAFETY: null is what an empty slot holds.
    unsafe { builtins::context_set(core::ptr::null_mut()) };
    // SAFETY: `start_task` made this pointer with `Box::into_raw` and only
    // this function frees it; the slot was cleared, so we hold the only copy.
    let next = unsafe {
        (*state).callback(RawEvent {
            code,
            waitable,
            result,
        })
    };
    if next == CallbackCode::Exit {
        // SAFETY: as above; the pointer is not stored anywhere else.
        drop(unsafe { Box::from_raw(state) });
    } else {
        // SAFETY: the task lives on, so the slot points at live state again.
        unsafe { builtins::context_set(state.cast()) };
    }
    next.encode()
}

/// Runs `future` to completion on a fresh task, blocking the caller (with
/// `waitable-set.wait`) while it waits.
pub fn block_on<T>(future: impl Future<Output = T>) -> T {
    let mut result = None;
    let slot = &mut result;
    let mut state = TaskState::new(Box::pin(async move {
        *slot = Some(future.await);
    }));
    let mut event = RawEvent {
        code: EventCode::None as u32,
        waitable: 0,
        result: 0,
    };
    loop {
        event = match state.callback(event) {
            CallbackCode::Exit => break,
            CallbackCode::Yield => state.poll_set(),
            CallbackCode::Wait(_) => state.wait_set(),
        };
    }
    drop(state);
    match result {
        Some(value) => value,
        None => panic!("weft block_on: the future was cancelled before finishing"),
    }
}
