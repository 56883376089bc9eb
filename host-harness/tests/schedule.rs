//! Reproducible schedules: the order in which ready tasks run is decided by
//! the Store's schedule (FIFO by default, or a seeded PRNG), never by hash
//! order or time. A guest that observes the order shows that the same seed
//! replays the same schedule and that seeds explore different ones.

// Shared with the other API tests; not every component in it is used here.
#[allow(dead_code)]
mod components;

use components::component;
use weft_harness::{Engine, Linker, Store, Val};

/// `$D.run` starts four async calls of `$W.work`; each parks with `YIELD`
/// and, when the event loop calls it back, returns how many workers were
/// called back before it. `run` waits for all four and returns the order
/// as digits: worker `i`'s position is digit `i` (ones digit = worker 0).
const RACE: &str = r#"(component
  (component $W
    (core module $M
      (import "" "task.return" (func $ret (param i32)))
      (global $next (mut i32) (i32.const 0))
      (func (export "work") (result i32) (i32.const 1 (; YIELD ;)))
      (func (export "work-cb") (param i32 i32 i32) (result i32)
        (call $ret (global.get $next))
        (global.set $next (i32.add (global.get $next) (i32.const 1)))
        (i32.const 0 (; EXIT ;))))
    (canon task.return (result u32) (core func $ret))
    (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $ret))))))
    (func (export "work") async (result u32)
      (canon lift (core func $m "work") async (callback (core func $m "work-cb")))))
  (component $D
    (import "work" (func $work async (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $DM
      (import "" "mem" (memory 1))
      (import "" "work" (func $work (param i32) (result i32)))
      (import "" "waitable-set.new" (func $wsnew (result i32)))
      (import "" "waitable.join" (func $join (param i32 i32)))
      (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
      (import "" "subtask.drop" (func $sdrop (param i32)))
      (import "" "task.return" (func $ret (param i32)))
      (func (export "run")
        (local $ws i32) (local $i i32) (local $r i32)
        (local.set $ws (call $wsnew))
        (loop $start
          (local.set $r (call $work (i32.mul (local.get $i) (i32.const 4))))
          (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; STARTED ;)))
            (then unreachable))
          (call $join (i32.shr_u (local.get $r) (i32.const 4)) (local.get $ws))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $start (i32.lt_u (local.get $i) (i32.const 4))))
        (local.set $i (i32.const 0))
        (loop $drain
          (if (i32.ne (call $wait (local.get $ws) (i32.const 64)) (i32.const 1 (; SUBTASK ;)))
            (then unreachable))
          (call $sdrop (i32.load (i32.const 64)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $drain (i32.lt_u (local.get $i) (i32.const 4))))
        (call $ret
          (i32.add
            (i32.add (i32.load (i32.const 0)) (i32.mul (i32.load (i32.const 4)) (i32.const 10)))
            (i32.add (i32.mul (i32.load (i32.const 8)) (i32.const 100))
                     (i32.mul (i32.load (i32.const 12)) (i32.const 1000)))))))
    (canon lower (func $work) async (memory (core memory $mem "mem")) (core func $work'))
    (canon waitable-set.new (core func $wsnew))
    (canon waitable.join (core func $join))
    (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $wait))
    (canon subtask.drop (core func $sdrop))
    (canon task.return (result u32) (core func $ret))
    (core instance $dm (instantiate $DM (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "work" (func $work'))
      (export "waitable-set.new" (func $wsnew))
      (export "waitable.join" (func $join))
      (export "waitable-set.wait" (func $wait))
      (export "subtask.drop" (func $sdrop))
      (export "task.return" (func $ret))))))
    (func (export "run") async (result u32) (canon lift (core func $dm "run") async)))
  (instance $w (instantiate $W))
  (instance $d (instantiate $D (with "work" (func $w "work"))))
  (export "run" (func $d "run")))"#;

/// Runs the race once; `seed` `None` is the default FIFO schedule.
fn race(seed: Option<u64>) -> u32 {
    let engine = Engine::default();
    let c = component(&engine, RACE);
    let mut store = Store::new(&engine, ());
    if let Some(seed) = seed {
        store.set_seed(seed);
    }
    assert_eq!(store.seed(), seed);
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let run = inst.get_func(&mut store, "run").unwrap();
    let mut out = vec![Val::Bool(false)];
    run.call(&mut store, &[], &mut out).unwrap();
    match out[0] {
        Val::U32(v) => v,
        ref other => panic!("run returned {other:?}"),
    }
}

/// The order as a list: position of worker 0, 1, 2, 3.
fn positions(order: u32) -> Vec<u32> {
    (0..4).map(|i| order / 10u32.pow(i) % 10).collect()
}

#[test]
fn the_default_schedule_runs_ready_tasks_oldest_first() {
    assert_eq!(positions(race(None)), vec![0, 1, 2, 3]);
    assert_eq!(race(None), race(None));
}

#[test]
fn the_same_seed_replays_the_same_schedule() {
    for seed in [1, 7, 12345] {
        assert_eq!(race(Some(seed)), race(Some(seed)), "seed {seed}");
    }
}

#[test]
fn different_seeds_explore_different_schedules() {
    let orders: std::collections::BTreeSet<u32> = (0..24).map(|s| race(Some(s))).collect();
    for order in &orders {
        let mut p = positions(*order);
        p.sort();
        assert_eq!(p, vec![0, 1, 2, 3], "every worker ran once: {order}");
    }
    assert!(orders.len() > 2, "24 seeds gave only {orders:?}");
}
