//! Cooperative threads (`thread.*` built-ins) in behaviour the spec's
//! `.wast` suite does not check: per-thread `context.{get,set}` storage,
//! what `thread.index` returns on each thread, which thread the promoting
//! switches run, the traps for resuming a thread that is not suspended and
//! for bad start functions, and an async task whose result comes from a
//! spawned thread after its implicit thread ended, or a cancellation that
//! only a spawned thread can take; and that the seed picks which ready
//! thread a blocked synchronous call runs.

// Shared with the other API tests; not every component in it is used here.
#[allow(dead_code)]
mod components;

use components::component;
use weft_harness::{Engine, Linker, Store, Val};

/// One instance with every thread built-in. Start functions (table index:
/// what it does with its argument `a`):
/// 0: records `context.get 0`, sets it to 9, records `thread.index`, then
///    switches back to thread `a`;
/// 1, 2: append 1 (resp. 2) to the decimal `$order` and return;
/// 3: `thread.resume-later a` and return;
/// 4: `task.return a` and return; 5: return;
/// 6: a function of the wrong type; 7: null.
const THREADS: &str = r#"(component
  (core module $Table (table (export "t") 8 funcref))
  (core instance $table (instantiate $Table))
  (alias core export $table "t" (core table $t))
  (core type $start (func (param i32)))
  (core func $new (canon thread.new-indirect $start (core table $t)))
  (core func $index (canon thread.index))
  (core func $later (canon thread.resume-later))
  (core func $str (canon thread.suspend-then-resume))
  (core func $ytp (canon thread.yield-then-promote))
  (core func $stp (canon thread.suspend-then-promote))
  (core func $yield (canon thread.yield))
  (core func $get (canon context.get i32 0))
  (core func $set (canon context.set i32 0))
  (canon task.return (result u32) (core func $ret))
  (core module $M
    (import "" "new" (func $new (param i32 i32) (result i32)))
    (import "" "index" (func $index (result i32)))
    (import "" "later" (func $later (param i32)))
    (import "" "str" (func $str (param i32) (result i32)))
    (import "" "ytp" (func $ytp (param i32) (result i32)))
    (import "" "stp" (func $stp (param i32) (result i32)))
    (import "" "yield" (func $yield (result i32)))
    (import "" "get" (func $get (result i32)))
    (import "" "set" (func $set (param i32)))
    (import "" "ret" (func $ret (param i32)))
    (import "" "t" (table 8 funcref))
    (global $seen-storage (mut i32) (i32.const -1))
    (global $seen-index (mut i32) (i32.const -1))
    (global $order (mut i32) (i32.const 0))
    (func $record-and-back (param $back i32)
      (global.set $seen-storage (call $get))
      (call $set (i32.const 9))
      (global.set $seen-index (call $index))
      (drop (call $str (local.get $back))))
    (func $one (param i32)
      (global.set $order (i32.add (i32.mul (global.get $order) (i32.const 10)) (i32.const 1))))
    (func $two (param i32)
      (global.set $order (i32.add (i32.mul (global.get $order) (i32.const 10)) (i32.const 2))))
    (func $wake (param i32) (call $later (local.get 0)))
    (func $return (param i32) (call $ret (local.get 0)))
    (func $nothing (param i32))
    (func $wrong (param i32) (result i32) (local.get 0))
    (elem (table 0) (i32.const 0) func $record-and-back $one $two $wake $return $nothing $wrong)

    ;; storage after switching to a thread that changed its own, packed
    ;; with what that thread saw: see the test.
    (func (export "storage") (result i32)
      (local $t i32)
      (call $set (i32.const 7))
      (local.set $t (call $new (i32.const 0) (call $index)))
      (drop (call $str (local.get $t)))
      (i32.or (i32.or (call $get) (i32.shl (global.get $seen-storage) (i32.const 8)))
        (i32.or
          (i32.shl (i32.eq (global.get $seen-index) (local.get $t)) (i32.const 16))
          (i32.shl (i32.ne (call $index) (local.get $t)) (i32.const 17)))))

    ;; two ready threads, then a yield (`promote`: yield-then-promote to
    ;; the second): the order they ran in.
    (func (export "order") (param $promote i32) (result i32)
      (local $t2 i32)
      (global.set $order (i32.const 0))
      (call $later (call $new (i32.const 1) (i32.const 0)))
      (local.set $t2 (call $new (i32.const 2) (i32.const 0)))
      (call $later (local.get $t2))
      (if (local.get $promote)
        (then (drop (call $ytp (local.get $t2))))
        (else (drop (call $yield))))
      (global.get $order))

    ;; yield-then-promote to a thread that is not ready: a plain yield, and
    ;; the thread does not run.
    (func (export "promote-not-ready") (result i32)
      (global.set $order (i32.const 0))
      (drop (call $ytp (call $new (i32.const 1) (i32.const 0))))
      (global.get $order))

    ;; suspend-then-promote: to a ready thread that wakes this one (`ready`),
    ;; else a plain suspend, which a synchronous task may not do here.
    (func (export "suspend-promote") (param $ready i32) (result i32)
      (local $t i32)
      (local.set $t (call $new (i32.const 3) (call $index)))
      (if (local.get $ready) (then (call $later (local.get $t))))
      (drop (call $stp (local.get $t)))
      (i32.const 5))

    (func (export "resume-later-twice")
      (local $t i32)
      (local.set $t (call $new (i32.const 5) (i32.const 0)))
      (call $later (local.get $t))
      (call $later (local.get $t)))
    (func (export "switch-to-ready")
      (local $t i32)
      (local.set $t (call $new (i32.const 5) (i32.const 0)))
      (call $later (local.get $t))
      (drop (call $str (local.get $t))))
    (func (export "switch-to-self")
      (drop (call $str (call $index))))
    (func (export "new") (param $elem i32)
      (drop (call $new (local.get $elem) (i32.const 0))))

    ;; async, stackful: the implicit thread ends at once; a spawned thread
    ;; returns `v` (or, for `v` = 0, ends without returning).
    (func (export "late-return") (param $v i32)
      (if (local.get $v)
        (then (call $later (call $new (i32.const 4) (local.get $v))))
        (else (call $later (call $new (i32.const 5) (i32.const 0)))))))
  (core instance $m (instantiate $M (with "" (instance
    (export "new" (func $new)) (export "index" (func $index))
    (export "later" (func $later)) (export "str" (func $str))
    (export "ytp" (func $ytp)) (export "stp" (func $stp))
    (export "yield" (func $yield)) (export "get" (func $get))
    (export "set" (func $set)) (export "ret" (func $ret))
    (export "t" (table $t))))))
  (func (export "storage") (result u32) (canon lift (core func $m "storage")))
  (func (export "order") (param "promote" bool) (result u32) (canon lift (core func $m "order")))
  (func (export "promote-not-ready") (result u32) (canon lift (core func $m "promote-not-ready")))
  (func (export "suspend-promote") (param "ready" bool) (result u32)
    (canon lift (core func $m "suspend-promote")))
  (func (export "resume-later-twice") (canon lift (core func $m "resume-later-twice")))
  (func (export "switch-to-ready") (canon lift (core func $m "switch-to-ready")))
  (func (export "switch-to-self") (canon lift (core func $m "switch-to-self")))
  (func (export "new") (param "elem" u32) (canon lift (core func $m "new")))
  (func (export "late-return") async (param "v" u32) (result u32)
    (canon lift (core func $m "late-return") async)))"#;

/// The exports of [`THREADS`] that return nothing.
const NO_RESULT: &[&str] = &[
    "resume-later-twice",
    "switch-to-ready",
    "switch-to-self",
    "new",
];

/// Calls export `name` of a fresh instance of [`THREADS`].
fn call(name: &str, args: &[Val]) -> Result<Option<Val>, String> {
    let engine = Engine::default();
    let c = component(&engine, THREADS);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let f = inst.get_func(&mut store, name).unwrap();
    let mut out = vec![Val::Bool(false); usize::from(!NO_RESULT.contains(&name))];
    f.call(&mut store, args, &mut out)
        .map(|()| out.pop())
        .map_err(|e| e.to_string())
}

#[test]
fn each_thread_has_its_own_storage_and_index() {
    let packed = match call("storage", &[]) {
        Ok(Some(Val::U32(v))) => v,
        other => panic!("{other:?}"),
    };
    assert_eq!(packed & 0xff, 7, "the implicit thread keeps its value");
    assert_eq!(
        (packed >> 8) & 0xff,
        0,
        "a new thread's storage starts at 0"
    );
    assert_eq!(
        (packed >> 16) & 1,
        1,
        "thread.index is what new-indirect returned"
    );
    assert_eq!((packed >> 17) & 1, 1, "the two threads' indices differ");
}

#[test]
fn yield_then_promote_runs_the_ready_target_first() {
    // FIFO (no seed): a plain yield lets the threads run in the order they
    // became ready; promoting runs the second one at once.
    assert_eq!(call("order", &[Val::Bool(false)]), Ok(Some(Val::U32(12))));
    assert_eq!(call("order", &[Val::Bool(true)]), Ok(Some(Val::U32(21))));
}

#[test]
fn promoting_a_thread_that_is_not_ready_does_not_run_it() {
    assert_eq!(call("promote-not-ready", &[]), Ok(Some(Val::U32(0))));
    assert_eq!(
        call("suspend-promote", &[Val::Bool(true)]),
        Ok(Some(Val::U32(5)))
    );
    let err = call("suspend-promote", &[Val::Bool(false)]).unwrap_err();
    assert!(
        err.contains("cannot block a synchronous task before returning"),
        "{err}"
    );
}

#[test]
fn only_a_suspended_thread_can_be_resumed() {
    for name in ["resume-later-twice", "switch-to-ready", "switch-to-self"] {
        let err = call(name, &[]).unwrap_err();
        assert!(err.contains("is not suspended"), "{name}: {err}");
    }
}

#[test]
fn a_start_function_must_exist_and_have_the_start_type() {
    assert_eq!(call("new", &[Val::U32(5)]), Ok(None));
    let err = call("new", &[Val::U32(6)]).unwrap_err();
    assert!(err.contains("wrong type"), "{err}");
    for elem in [7, 8, u32::MAX] {
        let err = call("new", &[Val::U32(elem)]).unwrap_err();
        assert!(err.contains("out of bounds or null"), "{elem}: {err}");
    }
}

#[test]
fn a_spawned_thread_may_return_for_its_task() {
    assert_eq!(call("late-return", &[Val::U32(42)]), Ok(Some(Val::U32(42))));
    let err = call("late-return", &[Val::U32(0)]).unwrap_err();
    assert!(err.contains("without calling `task.return`"), "{err}");
}

/// `$Callee.run` (async, callback-lifted) switches to a spawned worker
/// that suspends where a cancellation may interrupt it, and acknowledges
/// one with `task.cancel`; `$Caller.go` starts `run` asynchronously and
/// cancels it without waiting, returning what `subtask.cancel` reports.
const CANCEL_WORKER: &str = r#"(component
  (component $Callee
    (core module $Table (table (export "t") 1 funcref))
    (core instance $table (instantiate $Table))
    (alias core export $table "t" (core table $t))
    (core type $start (func (param i32)))
    (core func $new (canon thread.new-indirect $start (core table $t)))
    (core func $ytr (canon thread.yield-then-resume))
    (core func $suspend (canon thread.suspend cancellable))
    (core func $cancel (canon task.cancel))
    (core module $M
      (import "" "new" (func $new (param i32 i32) (result i32)))
      (import "" "ytr" (func $ytr (param i32) (result i32)))
      (import "" "suspend" (func $suspend (result i32)))
      (import "" "cancel" (func $cancel))
      (import "" "t" (table 1 funcref))
      (func $worker (param i32)
        (if (i32.eqz (call $suspend)) (then unreachable))
        (call $cancel))
      (elem (table 0) (i32.const 0) func $worker)
      (func (export "run") (result i32)
        (drop (call $ytr (call $new (i32.const 0) (i32.const 0))))
        (i32.const 0 (; EXIT ;)))
      (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
    (core instance $m (instantiate $M (with "" (instance
      (export "new" (func $new)) (export "ytr" (func $ytr))
      (export "suspend" (func $suspend)) (export "cancel" (func $cancel))
      (export "t" (table $t))))))
    (func (export "run") async
      (canon lift (core func $m "run") async (callback (core func $m "cb")))))
  (component $Caller
    (import "run" (func $run async))
    (canon lower (func $run) async (core func $run'))
    (canon subtask.cancel async (core func $cancel))
    (core module $M
      (import "" "run" (func $run (result i32)))
      (import "" "cancel" (func $cancel (param i32) (result i32)))
      (func (export "go") (result i32)
        (local $packed i32)
        (local.set $packed (call $run))
        (if (i32.ne (i32.and (local.get $packed) (i32.const 0xf)) (i32.const 1 (; STARTED ;)))
          (then unreachable))
        (call $cancel (i32.shr_u (local.get $packed) (i32.const 4)))))
    (core instance $m (instantiate $M (with "" (instance
      (export "run" (func $run')) (export "cancel" (func $cancel))))))
    (func (export "go") (result u32) (canon lift (core func $m "go"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "run" (func $callee "run"))))
  (export "go" (func $caller "go")))"#;

#[test]
fn a_cancellation_reaches_a_spawned_thread_that_may_take_it() {
    let engine = Engine::default();
    let c = component(&engine, CANCEL_WORKER);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let go = inst.get_func(&mut store, "go").unwrap();
    let mut out = vec![Val::Bool(false)];
    go.call(&mut store, &[], &mut out).unwrap();
    // The worker took the cancellation at once: CANCELLED_BEFORE_RETURNED,
    // not BLOCKED.
    assert_eq!(out[0], Val::U32(4));
}

/// `race` makes two threads ready (start functions append 1 and 2 to a
/// decimal `$order`; whichever runs second wakes the caller) and suspends
/// its own, synchronous task: the call then runs its instance's ready
/// threads, in an order the schedule picks, and returns `$order`.
const RACE: &str = r#"(component
  (core module $Table (table (export "t") 2 funcref))
  (core instance $table (instantiate $Table))
  (alias core export $table "t" (core table $t))
  (core type $start (func (param i32)))
  (core func $new (canon thread.new-indirect $start (core table $t)))
  (core func $index (canon thread.index))
  (core func $later (canon thread.resume-later))
  (core func $suspend (canon thread.suspend))
  (core module $M
    (import "" "new" (func $new (param i32 i32) (result i32)))
    (import "" "index" (func $index (result i32)))
    (import "" "later" (func $later (param i32)))
    (import "" "suspend" (func $suspend (result i32)))
    (import "" "t" (table 2 funcref))
    (global $order (mut i32) (i32.const 0))
    (func $append (param $digit i32) (param $caller i32)
      (global.set $order
        (i32.add (i32.mul (global.get $order) (i32.const 10)) (local.get $digit)))
      (if (i32.gt_u (global.get $order) (i32.const 9))
        (then (call $later (local.get $caller)))))
    (func $one (param i32) (call $append (i32.const 1) (local.get 0)))
    (func $two (param i32) (call $append (i32.const 2) (local.get 0)))
    (elem (table 0) (i32.const 0) func $one $two)
    (func (export "race") (result i32)
      (global.set $order (i32.const 0))
      (call $later (call $new (i32.const 0) (call $index)))
      (call $later (call $new (i32.const 1) (call $index)))
      (drop (call $suspend))
      (global.get $order)))
  (core instance $m (instantiate $M (with "" (instance
    (export "new" (func $new)) (export "index" (func $index))
    (export "later" (func $later)) (export "suspend" (func $suspend))
    (export "t" (table $t))))))
  (func (export "race") (result u32) (canon lift (core func $m "race"))))"#;

fn race(seed: Option<u64>) -> u32 {
    let engine = Engine::default();
    let c = component(&engine, RACE);
    let mut store = Store::new(&engine, ());
    if let Some(seed) = seed {
        store.set_seed(seed);
    }
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let f = inst.get_func(&mut store, "race").unwrap();
    let mut out = vec![Val::Bool(false)];
    f.call(&mut store, &[], &mut out).unwrap();
    match out[0] {
        Val::U32(v) => v,
        ref other => panic!("{other:?}"),
    }
}

#[test]
fn the_seed_picks_which_ready_thread_a_blocked_sync_call_runs() {
    assert_eq!(race(None), 12, "FIFO: the thread made ready first");
    let orders: std::collections::BTreeSet<u32> = (0..32).map(|s| race(Some(s))).collect();
    assert_eq!(orders, [12, 21].into(), "both orders, and only those");
    for seed in 0..8 {
        assert_eq!(race(Some(seed)), race(Some(seed)), "seed {seed} replays");
    }
}
