//! Native tests of the executor against the fake built-ins (`fake.rs`) and
//! fake `wasip3_task`s of other generators. They also run under
//! `cargo miri test -p weft --lib async_support`.

use super::builtins::{WaitableIndex, WaitableSetIndex};
use super::*;
use alloc::boxed::Box;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use core::ffi::c_void;
use std::sync::{Mutex, MutexGuard};
use std::vec::Vec;
use weft_cabi::{WASIP3_TASK_V1, WASIP3_TASK_V2, Wasip3Task, Wasip3TaskVtable, wasip3_task_set};

const WAIT: u32 = 2;
const SUBTASK: u32 = EventCode::Subtask as u32;

/// `wasip3_task_set`'s slot is process-wide, so tests that install tasks
/// take turns; each also starts from a fresh fake host.
pub(super) fn host() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    let guard = TURN.lock().unwrap_or_else(|e| e.into_inner());
    fake::reset();
    // SAFETY: clearing the slot is always valid.
    install(core::ptr::null_mut());
    guard
}

/// The host calling the current task's export callback.
fn deliver(code: u32, waitable: u32, result: u32) -> u32 {
    // SAFETY: every test calls this only after `start_task` left a task in
    // context slot 0 (it asserts the WAIT or YIELD code first).
    unsafe { callback(code, waitable, result) }
}

fn current() -> *mut Wasip3Task {
    // SAFETY: the tests take turns on the slot (`host`).
    unsafe { weft_cabi::current_task() }
}

/// Installs a fake foreign task (or null).
fn install(task: *mut Wasip3Task) {
    // SAFETY: each test uninstalls its task (or `host` clears the slot for
    // the next test) before the structure goes out of scope, and no task is
    // dereferenced after its test ends.
    unsafe { wasip3_task_set(task) };
}

fn wait_set(code: u32) -> u32 {
    assert_eq!(code & 0xf, WAIT, "expected WAIT, got {code:#x}");
    code >> 4
}

fn noop_cx<R>(f: impl FnOnce(&mut Context<'_>) -> R) -> R {
    f(&mut Context::from_waker(core::task::Waker::noop()))
}

#[test]
fn ready_export_exits_at_once_and_frees_its_state() {
    let _host = host();
    let ran = Rc::new(Cell::new(false));
    let flag = ran.clone();
    assert_eq!(start_task(async move { flag.set(true) }), 0);
    assert!(ran.get());
    assert!(builtins::context_get().is_null());
    assert_eq!(fake::live_sets(), 0);
    assert!(current().is_null());
}

#[test]
fn export_waits_on_its_waitable_and_resumes_with_the_event() {
    let _host = host();
    let w = fake::new_waitable();
    let got = Rc::new(Cell::new(None));
    let out = got.clone();
    let code = start_task(async move { out.set(Some(WaitableEvent::new(WaitableIndex(w)).await)) });
    let set = wait_set(code);
    assert_eq!(
        fake::set_of(w),
        Some(set),
        "the waitable joined the task's set"
    );
    assert!(
        !builtins::context_get().is_null(),
        "the task stays in context 0"
    );
    assert!(current().is_null(), "uninstalled between callbacks");
    // An unrelated wake-stream member is in the set too; the event is ours.
    let next = deliver(SUBTASK, w, 7);
    assert_eq!(next, 0);
    assert_eq!(got.get(), Some(7));
    assert_eq!(fake::set_of(w), None);
    assert_eq!(fake::live_sets(), 0);
}

#[test]
fn yield_async_answers_yield_then_finishes() {
    let _host = host();
    let code = start_task(async {
        yield_async().await;
    });
    assert_eq!(code, 1, "YIELD");
    assert_eq!(deliver(0, 0, 0), 0);
}

#[test]
fn cancel_drops_the_futures_which_withdraw_their_waitables() {
    let _host = host();
    struct Dropped(Rc<Cell<bool>>);
    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }
    let w = fake::new_waitable();
    let dropped = Rc::new(Cell::new(false));
    let guard = Dropped(dropped.clone());
    let code = start_task(async move {
        let _guard = guard;
        WaitableEvent::new(WaitableIndex(w)).await;
    });
    wait_set(code);
    assert_eq!(deliver(EventCode::Cancelled as u32, 0, 0), 0);
    assert!(dropped.get());
    assert_eq!(fake::set_of(w), None);
    assert_eq!(fake::live_sets(), 0);
    assert!(builtins::context_get().is_null());
}

#[test]
fn the_installed_task_is_version_2_with_this_copys_vtable() {
    let _host = host();
    let seen = Rc::new(Cell::new((0u32, false)));
    let out = seen.clone();
    start_task(async move {
        let task = current();
        assert!(!task.is_null());
        // SAFETY: the installed task is valid while this future is polled.
        let version = unsafe { (*task).version };
        out.set((version, task::Shared::current().is_some()));
    });
    assert_eq!(seen.get(), (WASIP3_TASK_V2, true));
    assert!(current().is_null(), "restored after the poll");
}

/// A stand-in for another generator's executor: records registrations.
#[derive(Default)]
struct Foreign {
    registered: RefCell<Vec<(u32, weft_cabi::WaitableCallback, *mut c_void)>>,
    unregistered: RefCell<Vec<u32>>,
    clones: Cell<i32>,
}

unsafe extern "C" fn foreign_register(
    ptr: *mut c_void,
    waitable: u32,
    callback: weft_cabi::WaitableCallback,
    callback_ptr: *mut c_void,
) -> *mut c_void {
    // SAFETY: the tests pass a `&Foreign` as the task's pointer.
    let me = unsafe { &*ptr.cast::<Foreign>() };
    me.registered
        .borrow_mut()
        .push((waitable, callback, callback_ptr));
    core::ptr::null_mut()
}

unsafe extern "C" fn foreign_unregister(ptr: *mut c_void, waitable: u32) -> *mut c_void {
    // SAFETY: as above.
    let me = unsafe { &*ptr.cast::<Foreign>() };
    me.unregistered.borrow_mut().push(waitable);
    core::ptr::null_mut()
}

unsafe extern "C" fn foreign_clone(ptr: *mut c_void) -> *mut c_void {
    // SAFETY: as above.
    let me = unsafe { &*ptr.cast::<Foreign>() };
    me.clones.set(me.clones.get() + 1);
    ptr
}

unsafe extern "C" fn foreign_drop(ptr: *mut c_void) {
    // SAFETY: as above.
    let me = unsafe { &*ptr.cast::<Foreign>() };
    me.clones.set(me.clones.get() - 1);
}

static FOREIGN_VTABLE: Wasip3TaskVtable = Wasip3TaskVtable {
    waitable_register: foreign_register,
    waitable_unregister: foreign_unregister,
    clone: foreign_clone,
    drop: foreign_drop,
};

fn foreign_v1(state: &Foreign) -> Wasip3Task {
    Wasip3Task {
        version: WASIP3_TASK_V1,
        ptr: (state as *const Foreign).cast_mut().cast(),
        waitable_register: foreign_register,
        waitable_unregister: foreign_unregister,
    }
}

#[test]
fn registers_through_a_version_1_task_and_completes_via_its_callback() {
    let _host = host();
    let state = Foreign::default();
    let mut task = foreign_v1(&state);
    let mut event = core::pin::pin!(WaitableEvent::new(WaitableIndex(42)));
    install(&mut task);
    assert!(noop_cx(|cx| event.as_mut().poll(cx)).is_pending());
    let (waitable, cb, ptr) = state.registered.borrow()[0];
    assert_eq!(waitable, 42);
    // The foreign executor delivers the event.
    // SAFETY: the registration is live; this is how executors call back.
    unsafe { cb(ptr, 5) };
    assert_eq!(noop_cx(|cx| event.as_mut().poll(cx)), Poll::Ready(5));
    install(core::ptr::null_mut());
    assert!(
        state.unregistered.borrow().is_empty(),
        "completed: nothing to withdraw"
    );
    assert_eq!(state.clones.get(), 0, "no v2 entry was called on a v1 task");
}

#[test]
fn a_version_1_registration_is_withdrawn_only_while_its_task_is_installed() {
    let _host = host();
    let state = Foreign::default();
    let mut task = foreign_v1(&state);
    install(&mut task);
    let mut first = Box::pin(WaitableEvent::new(WaitableIndex(1)));
    let mut second = Box::pin(WaitableEvent::new(WaitableIndex(2)));
    assert!(noop_cx(|cx| first.as_mut().poll(cx)).is_pending());
    assert!(noop_cx(|cx| second.as_mut().poll(cx)).is_pending());
    drop(first);
    assert_eq!(*state.unregistered.borrow(), [1]);
    install(core::ptr::null_mut());
    // No longer installed: the structure may be gone, so it is not touched;
    // the slot is leaked instead, and a late callback still finds it.
    drop(second);
    assert_eq!(*state.unregistered.borrow(), [1]);
    let (_, cb, ptr) = state.registered.borrow()[1];
    // SAFETY: the leaked slot is still allocated, which is the point; it is
    // freed once the callback ran.
    unsafe {
        cb(ptr, 9);
        waitable::free_leaked_slot(ptr);
    }
}

#[test]
fn a_version_2_registration_is_withdrawn_through_its_clone_anytime() {
    let _host = host();
    let state = Foreign::default();
    let mut task = weft_cabi::Wasip3TaskV2 {
        v1: Wasip3Task {
            version: WASIP3_TASK_V2,
            ..foreign_v1(&state)
        },
        vtable: &FOREIGN_VTABLE,
    };
    let whole: *mut weft_cabi::Wasip3TaskV2 = &mut task;
    install(whole.cast());
    let mut event = Box::pin(WaitableEvent::new(WaitableIndex(3)));
    assert!(noop_cx(|cx| event.as_mut().poll(cx)).is_pending());
    assert_eq!(state.clones.get(), 1, "the registration holds a reference");
    install(core::ptr::null_mut());
    drop(event);
    assert_eq!(*state.unregistered.borrow(), [3]);
    assert_eq!(state.clones.get(), 0, "the reference was released");
}

unsafe extern "C" fn record_code(ptr: *mut c_void, code: u32) {
    // SAFETY: the test passes a `&Cell<u32>`.
    unsafe { (*ptr.cast::<Cell<u32>>()).set(code) };
}

#[test]
fn foreign_code_registers_with_a_weft_task_through_the_version_1_head() {
    let _host = host();
    let w = fake::new_waitable();
    let seen = Cell::new(0u32);
    let seen_ptr: *mut c_void = (&seen as *const Cell<u32>).cast_mut().cast();
    let code = start_task(async move {
        // What a version-1-only generator does: read the task, use the head.
        let task = current();
        // SAFETY: the task is installed while we are polled; `seen`
        // outlives the task, which ends in this test.
        unsafe { ((*task).waitable_register)((*task).ptr, w, record_code, seen_ptr) };
    });
    // The root future finished, but the registration keeps the task alive.
    let set = wait_set(code);
    assert_eq!(fake::set_of(w), Some(set));
    assert_eq!(deliver(SUBTASK, w, 2), 0);
    assert_eq!(seen.get(), 2);
}

#[test]
fn a_wake_from_another_task_reaches_a_sleeping_task() {
    let _host = host();
    let parked: Rc<RefCell<Option<core::task::Waker>>> = Rc::default();
    let done = Rc::new(Cell::new(false));
    let (slot, flag) = (parked.clone(), done.clone());
    let code = start_task(async move {
        core::future::poll_fn(|cx| {
            if slot.borrow_mut().replace(cx.waker().clone()).is_some() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
        flag.set(true);
    });
    // Nothing is registered but the wake stream, so the task sleeps on it.
    let set = wait_set(code);
    let context = builtins::context_get();
    // SAFETY: the slot is swapped back below, before the next callback.
    unsafe { builtins::context_set(core::ptr::null_mut()) };
    // Another task runs and wakes ours.
    parked.borrow().as_ref().unwrap().wake_by_ref();
    // SAFETY: restores the value read above.
    unsafe { builtins::context_set(context) };
    // The host now has an event for the sleeping task's set.
    let event = builtins::waitable_set_poll(WaitableSetIndex(set));
    assert_eq!(event.code, EventCode::StreamRead as u32);
    assert_eq!(deliver(event.code, event.waitable, event.result), 0);
    assert!(done.get());
    assert_eq!(fake::live_waitables(), 0, "the wake stream was dropped");
}

#[test]
fn the_wake_read_stays_armed_across_callbacks_until_the_task_exits() {
    let _host = host();
    let ws: Vec<u32> = (0..3).map(|_| fake::new_waitable()).collect();
    let waits = ws.clone();
    let code = start_task(async move {
        for w in waits {
            WaitableEvent::new(WaitableIndex(w)).await;
        }
    });
    let mut set = wait_set(code);
    for (i, w) in ws.iter().enumerate() {
        // One `stream.read` on the wake stream, made before the first
        // sleep, serves every later sleep: a callback does not withdraw it.
        assert_eq!(fake::with(|m| m.cancelled_copies), 0, "callback {i}");
        let next = deliver(SUBTASK, *w, 0);
        if i + 1 < ws.len() {
            assert_eq!(wait_set(next), set, "the same set each time");
            set = wait_set(next);
        } else {
            assert_eq!(next, 0, "EXIT");
        }
    }
    // At exit the read is cancelled once and the stream dropped.
    assert_eq!(fake::with(|m| m.cancelled_copies), 1);
    assert_eq!((fake::live_sets(), fake::live_waitables()), (0, 3));
}

#[test]
fn spawned_futures_run_with_the_task_and_delay_its_exit() {
    let _host = host();
    let w = fake::new_waitable();
    let log: Rc<RefCell<Vec<&str>>> = Rc::default();
    let root_log = log.clone();
    let code = start_task(async move {
        let spawned_log = root_log.clone();
        spawn_local(async move {
            WaitableEvent::new(WaitableIndex(w)).await;
            spawned_log.borrow_mut().push("spawned");
        });
        root_log.borrow_mut().push("root");
    });
    wait_set(code);
    assert_eq!(*log.borrow(), ["root"]);
    assert_eq!(deliver(SUBTASK, w, 2), 0);
    assert_eq!(*log.borrow(), ["root", "spawned"]);
}

#[test]
fn block_on_waits_with_waitable_set_wait() {
    let _host = host();
    let w = fake::new_waitable();
    fake::complete(w, SUBTASK, 2);
    let borrowed = 40;
    let got = block_on(async { borrowed + WaitableEvent::new(WaitableIndex(w)).await });
    assert_eq!(got, 42);
    assert_eq!(fake::live_sets(), 0);
}

#[test]
fn subtask_resolves_at_once_when_the_call_returned() {
    let _host = host();
    let subtask = Subtask::new(SubtaskState::Returned as u32);
    assert!(subtask.is_returned());
    block_on(subtask);
    assert!(fake::with(|m| m.dropped_subtasks.is_empty()));
}

#[test]
fn subtask_waits_through_started_until_returned_then_drops() {
    let _host = host();
    let h = fake::new_waitable();
    let status = (h << 4) | SubtaskState::Starting as u32;
    let code = start_task(async move { Subtask::new(status).await });
    wait_set(code);
    let next = deliver(SUBTASK, h, SubtaskState::Started as u32);
    wait_set(next);
    assert_eq!(deliver(SUBTASK, h, SubtaskState::Returned as u32), 0);
    assert_eq!(fake::with(|m| m.dropped_subtasks.clone()), [h]);
}

#[test]
fn dropping_an_unfinished_subtask_cancels_and_drops_it() {
    let _host = host();
    let h = fake::new_waitable();
    fake::with(|m| m.cancel_status = SubtaskState::ReturnCancelled as u32);
    let status = (h << 4) | SubtaskState::Started as u32;
    let code = start_task(async move { Subtask::new(status).await });
    wait_set(code);
    assert_eq!(deliver(EventCode::Cancelled as u32, 0, 0), 0);
    let (cancelled, dropped) =
        fake::with(|m| (m.cancelled_subtasks.clone(), m.dropped_subtasks.clone()));
    assert_eq!((cancelled, dropped), (alloc::vec![h], alloc::vec![h]));
}

#[test]
fn backpressure_and_yield_blocking_reach_their_built_ins() {
    let _host = host();
    backpressure_inc();
    backpressure_inc();
    backpressure_dec();
    assert_eq!(fake::with(|m| m.backpressure), 1);
    assert!(yield_blocking());
    fake::with(|m| m.cancelled = true);
    assert!(!yield_blocking(), "a cancelled task is told to stop");
}

#[test]
#[should_panic(expected = "outside any async task")]
fn spawn_local_outside_a_task_says_so() {
    let _host = host();
    spawn_local(async {});
}

#[test]
fn a_cancelled_export_acknowledges_with_task_cancel_and_a_finished_one_does_not() {
    let _host = host();
    let w = fake::new_waitable();
    let code = start_task(async move {
        let cancel = TaskCancelOnDrop::new();
        WaitableEvent::new(WaitableIndex(w)).await;
        cancel.forget();
    });
    wait_set(code);
    assert_eq!(deliver(SUBTASK, w, 2), 0);
    assert_eq!(fake::with(|m| m.task_cancels), 0);
    let code = start_task(async move {
        let _cancel = TaskCancelOnDrop::new();
        WaitableEvent::new(WaitableIndex(w)).await;
    });
    wait_set(code);
    assert_eq!(deliver(EventCode::Cancelled as u32, 0, 0), 0);
    assert_eq!(fake::with(|m| m.task_cancels), 1);
}

#[test]
fn error_context_keeps_its_message_and_releases_its_handle_on_drop() {
    let _host = host();
    let err = ErrorContext::new("disk on fire");
    assert_eq!(err.debug_message(), "disk on fire");
    assert_eq!(std::format!("{err}"), "disk on fire");
    assert_eq!(fake::with(|m| m.error_contexts.len()), 1);
    let again = ErrorContext::from_handle(err.handle());
    core::mem::forget(err);
    drop(again);
    assert!(fake::with(|m| m.error_contexts.is_empty()));
}

/// Plays the foreign executor's event loop: while one of its registered
/// waitables has an event, withdraws that registration and runs its
/// callback; returns how many callbacks ran.
fn run_foreign(state: &Foreign) -> usize {
    let mut ran = 0;
    loop {
        let next = state
            .registered
            .borrow()
            .iter()
            .enumerate()
            .find_map(|(i, &(w, cb, ptr))| fake::take_event(w).map(|(_, r)| (i, cb, ptr, r)));
        let Some((i, callback, ptr, result)) = next else {
            return ran;
        };
        state.registered.borrow_mut().remove(i);
        // SAFETY: the registration is live; this is how executors call back.
        unsafe { callback(ptr, result) };
        ran += 1;
    }
}

#[test]
fn spawn_local_under_another_generators_task_runs_through_its_callbacks() {
    let _host = host();
    let state = Foreign::default();
    let mut task = foreign_v1(&state);
    install(&mut task);
    let steps = Rc::new(Cell::new(0));
    let seen = steps.clone();
    spawn_local(async move {
        seen.set(1);
        yield_async().await;
        seen.set(2);
    });
    assert_eq!(steps.get(), 0, "not polled inside spawn_local");
    assert_eq!(
        state.registered.borrow().len(),
        1,
        "a wakeup read is registered with the foreign task"
    );
    assert_eq!(
        run_foreign(&state),
        2,
        "one callback before the yield, one after"
    );
    assert_eq!(steps.get(), 2);
    assert_eq!(hosted::hosted(), 0);
    assert_eq!(fake::live_waitables(), 0, "the wakeup stream was dropped");
    install(core::ptr::null_mut());
}

#[test]
fn a_hosted_future_waits_on_a_waitable_of_the_foreign_task() {
    let _host = host();
    let state = Foreign::default();
    let mut task = foreign_v1(&state);
    install(&mut task);
    let w = fake::new_waitable();
    let got = Rc::new(Cell::new(0));
    let out = got.clone();
    spawn_local(async move {
        out.set(WaitableEvent::new(WaitableIndex(w)).await);
    });
    assert_eq!(run_foreign(&state), 1, "the first poll");
    let waiting: Vec<u32> = state.registered.borrow().iter().map(|r| r.0).collect();
    assert_eq!(
        waiting.len(),
        2,
        "the import's waitable and the wakeup read"
    );
    assert!(waiting.contains(&w), "{waiting:?}");
    assert_eq!(got.get(), 0);
    // The host resolves the import; the foreign task delivers it, which
    // wakes the hosted future through the wakeup stream.
    fake::complete(w, EventCode::Subtask as u32, 9);
    assert_eq!(run_foreign(&state), 2);
    assert_eq!(got.get(), 9);
    assert_eq!(hosted::hosted(), 0);
    assert_eq!(
        fake::live_waitables(),
        1,
        "only the test's own waitable is left"
    );
    install(core::ptr::null_mut());
}
