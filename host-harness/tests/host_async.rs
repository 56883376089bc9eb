//! Async host functions (`func_new_async`, `func_wrap_async`) and
//! concurrent export calls from the host (`Func::call_start`): a pending
//! host future suspends only the guest thread that called it, the
//! scheduler polls it again when its waker fires (from a guest's host call
//! or from another OS thread), and a future nothing can wake is a
//! deadlock error.

#[allow(dead_code)]
mod components;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use components::component;
use weft_harness::{Engine, ErrorKind, HostFuture, LinkError, Linker, Store, Val};

/// `slow: async func(n: u32) -> u32` (also imported at the non-async type
/// `slow-plain`) and `open: func()`, which the host implements; exports:
/// - `blocking(n)`: sync-lowers `slow(n)` and returns its result plus one
///   (stackful async lift);
/// - `via-subtask(n)`: async-lowers `slow(n)`; if that reports RETURNED,
///   returns the stored result plus 1000; else traps unless it reports
///   STARTED, waits for the subtask's RETURNED event and returns the
///   result stored in memory;
/// - `plain(n)`: a synchronous export calling `slow-plain(n)`;
/// - `opener()`: calls `open`.
const GUEST: &str = r#"(component
  (import "slow" (func $slow async (param "n" u32) (result u32)))
  (import "slow-plain" (func $slow-plain (param "n" u32) (result u32)))
  (import "open" (func $open))
  (core module $Memory (memory (export "mem") 1))
  (core instance $memory (instantiate $Memory))
  (core func $slow-sync (canon lower (func $slow)))
  (core func $slow-async (canon lower (func $slow) async (memory $memory "mem")))
  (core func $slow-plain' (canon lower (func $slow-plain)))
  (core func $open' (canon lower (func $open)))
  (core func $task.return (canon task.return (result u32)))
  (core func $ws.new (canon waitable-set.new))
  (core func $join (canon waitable.join))
  (core func $wait (canon waitable-set.wait (memory $memory "mem")))
  (core func $subtask.drop (canon subtask.drop))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "slow-sync" (func $slow-sync (param i32) (result i32)))
    (import "" "slow-async" (func $slow-async (param i32 i32) (result i32)))
    (import "" "slow-plain" (func $slow-plain (param i32) (result i32)))
    (import "" "open" (func $open))
    (import "" "task.return" (func $task.return (param i32)))
    (import "" "ws.new" (func $ws.new (result i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "wait" (func $wait (param i32 i32) (result i32)))
    (import "" "subtask.drop" (func $subtask.drop (param i32)))
    (func (export "blocking") (param $n i32)
      (call $task.return (i32.add (call $slow-sync (local.get $n)) (i32.const 1))))
    (func (export "via-subtask") (param $n i32)
      (local $st i32) (local $ws i32) (local $idx i32)
      (local.set $st (call $slow-async (local.get $n) (i32.const 100)))
      (if (i32.eq (local.get $st) (i32.const 2 (; RETURNED ;)))
        (then
          (call $task.return (i32.add (i32.load (i32.const 100)) (i32.const 1000)))
          (return)))
      (if (i32.ne (i32.and (local.get $st) (i32.const 0xf)) (i32.const 1 (; STARTED ;)))
        (then unreachable))
      (local.set $idx (i32.shr_u (local.get $st) (i32.const 4)))
      (local.set $ws (call $ws.new))
      (call $join (local.get $idx) (local.get $ws))
      (if (i32.ne (call $wait (local.get $ws) (i32.const 200)) (i32.const 1 (; SUBTASK ;)))
        (then unreachable))
      (if (i32.ne (i32.load (i32.const 204)) (i32.const 2 (; RETURNED ;)))
        (then unreachable))
      (call $subtask.drop (local.get $idx))
      (call $task.return (i32.load (i32.const 100))))
    (func (export "plain") (param $n i32) (result i32) (call $slow-plain (local.get $n)))
    (func (export "opener") (call $open)))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $memory "mem"))
    (export "slow-sync" (func $slow-sync))
    (export "slow-async" (func $slow-async))
    (export "slow-plain" (func $slow-plain'))
    (export "open" (func $open'))
    (export "task.return" (func $task.return))
    (export "ws.new" (func $ws.new))
    (export "join" (func $join))
    (export "wait" (func $wait))
    (export "subtask.drop" (func $subtask.drop))))))
  (func (export "blocking") async (param "n" u32) (result u32)
    (canon lift (core func $m "blocking") async))
  (func (export "via-subtask") async (param "n" u32) (result u32)
    (canon lift (core func $m "via-subtask") async))
  (func (export "plain") (param "n" u32) (result u32) (canon lift (core func $m "plain")))
  (func (export "opener") (canon lift (core func $m "opener"))))"#;

/// A gate the host opens once: futures waiting on it are pending until
/// then, holding their wakers.
#[derive(Default)]
struct Gate {
    state: Mutex<(bool, Vec<Waker>)>,
    polls: AtomicU32,
}

impl Gate {
    fn open(&self) {
        let mut s = self.state.lock().unwrap();
        s.0 = true;
        for w in s.1.drain(..) {
            w.wake();
        }
    }

    /// Closes the gate again: futures polled from now on wait.
    fn close(&self) {
        self.state.lock().unwrap().0 = false;
    }

    /// A future of `2 * n`, ready once the gate is open.
    fn doubled(self: &Arc<Self>, n: u32) -> impl Future<Output = u32> + Send + use<> {
        struct Wait(Arc<Gate>, u32);
        impl Future for Wait {
            type Output = u32;
            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
                self.0.polls.fetch_add(1, Ordering::SeqCst);
                let mut s = self.0.state.lock().unwrap();
                if s.0 {
                    return Poll::Ready(2 * self.1);
                }
                s.1.push(cx.waker().clone());
                Poll::Pending
            }
        }
        Wait(self.clone(), n)
    }
}

/// A linker whose `slow` (both types) waits on `gate`, and whose `open`
/// opens it.
fn linker(engine: &Engine, gate: &Arc<Gate>) -> Linker<()> {
    let mut linker = Linker::new(engine);
    let mut root = linker.root();
    for name in ["slow", "slow-plain"] {
        let g = gate.clone();
        root.func_wrap_async(name, move |_cx, (n,): (u32,)| {
            let wait = g.doubled(n);
            async move { Ok((wait.await,)) }
        })
        .unwrap();
    }
    let g = gate.clone();
    root.func_wrap("open", move |_cx, ()| {
        g.open();
        Ok(())
    })
    .unwrap();
    linker
}

fn setup(gate: &Arc<Gate>) -> (Store<()>, weft_harness::Instance) {
    let engine = Engine::default();
    let c = component(&engine, GUEST);
    let mut store = Store::new(&engine, ());
    let inst = linker(&engine, gate).instantiate(&mut store, &c).unwrap();
    (store, inst)
}

#[test]
fn a_sync_lowered_host_future_blocks_only_the_calling_thread() {
    let gate = Arc::new(Gate::default());
    let (mut store, inst) = setup(&gate);
    let blocking = inst.get_func(&mut store, "blocking").unwrap();
    let opener = inst.get_func(&mut store, "opener").unwrap();
    let call = blocking.call_start(&mut store, &[Val::U32(5)]).unwrap();
    assert!(!call.is_resolved(&mut store), "the host future is pending");
    // Another export of the same instance runs while `blocking` waits.
    opener.call(&mut store, &[], &mut []).unwrap();
    assert_eq!(call.finish(&mut store).unwrap(), [Val::U32(11)]);
    assert_eq!(
        gate.polls.load(Ordering::SeqCst),
        2,
        "polled at start and once woken"
    );
}

#[test]
fn an_async_lowered_host_future_is_a_started_subtask() {
    let gate = Arc::new(Gate::default());
    let (mut store, inst) = setup(&gate);
    let via = inst.get_func(&mut store, "via-subtask").unwrap();
    let opener = inst.get_func(&mut store, "opener").unwrap();
    let call = via.call_start(&mut store, &[Val::U32(21)]).unwrap();
    assert!(!call.is_resolved(&mut store));
    opener.call(&mut store, &[], &mut []).unwrap();
    assert_eq!(call.finish(&mut store).unwrap(), [Val::U32(42)]);
}

#[test]
fn a_ready_host_future_completes_without_suspending() {
    let gate = Arc::new(Gate::default());
    gate.open();
    let (mut store, inst) = setup(&gate);
    for (name, want) in [("blocking", 7), ("via-subtask", 1006), ("plain", 6)] {
        let f = inst.get_func(&mut store, name).unwrap();
        let mut out = [Val::U32(0)];
        f.call(&mut store, &[Val::U32(3)], &mut out).unwrap();
        assert_eq!(out, [Val::U32(want)], "{name}");
    }
}

#[test]
fn several_export_calls_run_concurrently() {
    let gate = Arc::new(Gate::default());
    let (mut store, inst) = setup(&gate);
    let blocking = inst.get_func(&mut store, "blocking").unwrap();
    let via = inst.get_func(&mut store, "via-subtask").unwrap();
    let opener = inst.get_func(&mut store, "opener").unwrap();
    let a = blocking.call_start(&mut store, &[Val::U32(1)]).unwrap();
    let b = via.call_start(&mut store, &[Val::U32(2)]).unwrap();
    let c = blocking.call_start(&mut store, &[Val::U32(3)]).unwrap();
    let d = opener.call_start(&mut store, &[]).unwrap();
    assert!(
        d.is_resolved(&mut store),
        "a sync export resolves as it starts"
    );
    assert_eq!(d.finish(&mut store).unwrap(), []);
    // Finishing the last one runs the others too.
    assert_eq!(c.finish(&mut store).unwrap(), [Val::U32(7)]);
    assert!(a.is_resolved(&mut store) && b.is_resolved(&mut store));
    assert_eq!(b.finish(&mut store).unwrap(), [Val::U32(4)]);
    assert_eq!(a.finish(&mut store).unwrap(), [Val::U32(3)]);
}

/// A call the host drops unfinished runs on, and the store frees it once
/// it resolved: with room for three live tasks, each round has two calls
/// pending and a third running, which only fits if the call dropped in
/// the round before is gone.
#[test]
fn a_dropped_pending_call_is_freed_once_it_resolves() {
    let gate = Arc::new(Gate::default());
    let (mut store, inst) = setup(&gate);
    store.set_limits(weft_harness::StoreLimits::default().max_tasks(3));
    let blocking = inst.get_func(&mut store, "blocking").unwrap();
    let opener = inst.get_func(&mut store, "opener").unwrap();
    for round in 0..4u32 {
        gate.close();
        let dropped = blocking.call_start(&mut store, &[Val::U32(round)]).unwrap();
        let kept = blocking.call_start(&mut store, &[Val::U32(10)]).unwrap();
        assert!(!dropped.is_resolved(&mut store), "round {round}");
        drop(dropped);
        opener
            .call(&mut store, &[], &mut [])
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(kept.finish(&mut store).unwrap(), [Val::U32(21)]);
    }
}

#[test]
fn a_waker_fired_from_another_os_thread_resumes_the_guest() {
    // `blocking` waits in the event loop, `plain` (a synchronous task)
    // waits for the future alone; both sleep until the waker fires.
    for (name, want) in [("blocking", 9), ("plain", 8)] {
        let gate = Arc::new(Gate::default());
        let (mut store, inst) = setup(&gate);
        let g = gate.clone();
        // Opens the gate once the future is parked with its waker.
        let opener = std::thread::spawn(move || {
            while g.state.lock().unwrap().1.is_empty() {
                std::thread::yield_now();
            }
            g.open();
        });
        let f = inst.get_func(&mut store, name).unwrap();
        let mut out = [Val::U32(0)];
        f.call(&mut store, &[Val::U32(4)], &mut out).unwrap();
        assert_eq!(out, [Val::U32(want)], "{name}");
        opener.join().unwrap();
    }
}

/// A linker whose `slow` (both types) returns `future()` per call, and
/// whose `open` does nothing.
fn linker_with(engine: &Engine, future: fn() -> HostFuture) -> Linker<()> {
    let mut linker: Linker<()> = Linker::new(engine);
    let mut root = linker.root();
    for name in ["slow", "slow-plain"] {
        root.func_new_async(name, move |_cx, _args| Ok(future()))
            .unwrap();
    }
    root.func_wrap("open", |_cx, ()| Ok(())).unwrap();
    linker
}

/// Calls export `name` of a fresh instance of [`GUEST`] linked by `linker`
/// with `1`.
fn call_guest(
    engine: &Engine,
    linker: &Linker<()>,
    name: &str,
) -> Result<Val, weft_harness::Error> {
    let c = component(engine, GUEST);
    let mut store = Store::new(engine, ());
    let inst = linker.instantiate(&mut store, &c)?;
    let f = inst.get_func(&mut store, name).unwrap();
    let mut out = [Val::U32(0)];
    f.call(&mut store, &[Val::U32(1)], &mut out)?;
    let [v] = out;
    Ok(v)
}

#[test]
fn a_host_future_nothing_can_wake_is_a_deadlock() {
    let engine = Engine::default();
    // `pending` drops the waker: nothing can ever wake it.
    let linker = linker_with(&engine, || {
        Box::pin(async {
            std::future::pending::<()>().await;
            Ok(vec![])
        })
    });
    for name in ["blocking", "via-subtask", "plain"] {
        let err = call_guest(&engine, &linker, name).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("deadlock") && msg.contains("slow"),
            "{name}: {msg}"
        );
    }
}

#[test]
fn an_async_host_future_with_the_wrong_result_count_is_an_error() {
    let engine = Engine::default();
    let linker = linker_with(&engine, || Box::pin(async { Ok(vec![]) }));
    let err = call_guest(&engine, &linker, "blocking").unwrap_err();
    assert!(err.to_string().contains("produced 0 results"), "{err}");
}

#[test]
fn a_typed_async_host_function_of_the_wrong_type_fails_to_link() {
    let engine = Engine::default();
    let c = component(&engine, GUEST);
    let mut linker: Linker<()> = Linker::new(&engine);
    let mut root = linker.root();
    root.func_wrap_async("slow", |_cx, (s,): (String,)| async move { Ok((s,)) })
        .unwrap();
    root.func_wrap_async("slow-plain", |_cx, (n,): (u32,)| async move { Ok((n,)) })
        .unwrap();
    root.func_wrap("open", |_cx, ()| Ok(())).unwrap();
    let mut store = Store::new(&engine, ());
    let err = linker.instantiate(&mut store, &c).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Link(LinkError::ImportMismatch { name, .. }) if name == "slow"
        ),
        "{err:?}"
    );
}

#[test]
fn a_sync_task_calling_an_async_typed_import_that_blocks_traps() {
    // `blocking` is fine (async task); a sync task may not call an
    // `async`-typed function at all, before the host even sees it.
    const SYNC_CALLER: &str = r#"(component
      (import "slow" (func $slow async (param "n" u32) (result u32)))
      (core func $slow' (canon lower (func $slow)))
      (core module $M
        (import "" "slow" (func $slow (param i32) (result i32)))
        (func (export "run") (param i32) (result i32) (call $slow (local.get 0))))
      (core instance $m (instantiate $M (with "" (instance (export "slow" (func $slow'))))))
      (func (export "run") (param "n" u32) (result u32) (canon lift (core func $m "run"))))"#;
    let engine = Engine::default();
    let c = component(&engine, SYNC_CALLER);
    let calls = Arc::new(AtomicU32::new(0));
    let mut linker: Linker<()> = Linker::new(&engine);
    let counted = calls.clone();
    linker
        .root()
        .func_wrap_async("slow", move |_cx, (n,): (u32,)| {
            counted.fetch_add(1, Ordering::SeqCst);
            async move { Ok((n,)) }
        })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = linker.instantiate(&mut store, &c).unwrap();
    let f = inst.get_func(&mut store, "run").unwrap();
    let err = f
        .call(&mut store, &[Val::U32(1)], &mut [Val::U32(0)])
        .unwrap_err();
    assert!(
        err.to_string().contains("cannot block a synchronous task"),
        "{err}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
