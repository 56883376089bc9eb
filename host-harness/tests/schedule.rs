//! Reproducible schedules: the order in which ready tasks run is decided by
//! the Store's schedule (FIFO by default, or a seeded PRNG), never by hash
//! order or time. A guest that observes the order shows that the same seed
//! replays the same schedule and that seeds explore different ones.

// Shared with the other API tests; not every component in it is used here.
#[allow(dead_code)]
mod components;

use components::{RACE, component};
use weft_harness::{Engine, Instance, Linker, Schedule, Store, Strategy, Val};

/// A fresh store running `text` under `seed` (`None`: the default FIFO
/// schedule), and the component's instance in it.
fn instantiate(text: &str, seed: Option<u64>) -> (Store<()>, Instance) {
    let engine = Engine::default();
    let c = component(&engine, text);
    let mut store = Store::new(&engine, ());
    if let Some(seed) = seed {
        store.set_seed(seed);
    }
    assert_eq!(store.seed(), seed);
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    (store, inst)
}

/// Calls `name`, an export that takes nothing and returns a `u32`.
fn call_u32(store: &mut Store<()>, inst: &Instance, name: &str) -> u32 {
    let f = inst.get_func(&mut *store, name).unwrap();
    let mut out = vec![Val::Bool(false)];
    f.call(&mut *store, &[], &mut out).unwrap();
    match out[0] {
        Val::U32(v) => v,
        ref other => panic!("{name} returned {other:?}"),
    }
}

/// Runs the race once.
fn race(seed: Option<u64>) -> u32 {
    let (mut store, inst) = instantiate(RACE, seed);
    call_u32(&mut store, &inst, "run")
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

/// Runs `FIGURE5` once under `schedule`: whether it hit its bug (its
/// `run` traps), and how many scheduling steps the run took.
fn figure5(schedule: Schedule) -> (bool, u64) {
    let engine = Engine::default();
    let c = component(&engine, FIGURE5);
    let mut store = Store::new(&engine, ());
    store.set_schedule(schedule);
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let run = inst.get_func(&mut store, "run").unwrap();
    let failed = match run.call(&mut store, &[], &mut []) {
        Ok(()) => false,
        Err(e) => {
            assert!(
                e.to_string().contains("unreachable"),
                "unexpected error: {e}"
            );
            true
        }
    };
    (failed, store.schedule_steps())
}

/// The point of PCT: a depth-2 bug behind a long prefix is found within
/// 20 PCT runs, while uniform random scheduling, which must pick A at each
/// of its ten steps, essentially never finds it. Seeded, so the counts are
/// the same on every machine.
#[test]
fn pct_finds_the_figure5_bug_that_random_scheduling_misses() {
    const SEEDS: u64 = 200;
    let random: Vec<(bool, u64)> = (0..SEEDS).map(|s| figure5(Schedule::random(s))).collect();
    let random_hits = random.iter().filter(|r| r.0).count();
    // PCT's `k`: the longest run seen, as a tester would estimate it.
    let max_steps = random.iter().map(|r| r.1).max().unwrap_or(1) as u32;
    assert!(max_steps >= 10, "A's ten steps are choices: {max_steps}");
    let pct = |seed| {
        figure5(Schedule {
            strategy: Strategy::Pct {
                depth: 2,
                max_steps,
            },
            seed,
        })
        .0
    };
    let pct_hits: Vec<u64> = (0..SEEDS).filter(|s| pct(*s)).collect();
    assert!(
        pct_hits.first().is_some_and(|s| *s < 20),
        "PCT found it at seeds {pct_hits:?}"
    );
    assert!(
        random_hits <= 1,
        "uniform random found it {random_hits} times"
    );
    assert!(
        pct_hits.len() >= 5 * random_hits.max(1),
        "PCT {} vs random {random_hits} in {SEEDS} seeds",
        pct_hits.len()
    );
    // The default FIFO schedule never interleaves it that way.
    let engine = Engine::default();
    let c = component(&engine, FIGURE5);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let run = inst.get_func(&mut store, "run").unwrap();
    run.call(&mut store, &[], &mut []).unwrap();
    eprintln!(
        "figure 5, {SEEDS} seeds: PCT(d=2, k={max_steps}) {} hits (first at seed {:?}), uniform random {random_hits}",
        pct_hits.len(),
        pct_hits.first()
    );
}

/// The shape of figure 5 of the PCT paper (Burckhardt et al., ASPLOS
/// 2010), as two callback-lifted tasks of one instance that step by
/// `YIELD`: task B takes its first step, then task A must run all of its
/// `LONG` steps to completion before B takes its second (B "acquires the
/// lock" A's completion broke). Ordering constraints: B's first step before
/// A's first, and A's last before B's second, so a bug of depth 2 behind a
/// long prefix. B traps (`unreachable`) when it happens. `run` starts A,
/// then B, and waits for both.
const FIGURE5: &str = r#"(component
  (component $W
    (core module $M
      (import "" "task.return" (func $ret))
      (global $a (mut i32) (i32.const 0))
      (global $seen (mut i32) (i32.const -1))
      (global $phase (mut i32) (i32.const 0))
      (func (export "a") (result i32) (i32.const 1 (; YIELD ;)))
      (func (export "a-cb") (param i32 i32 i32) (result i32)
        (global.set $a (i32.add (global.get $a) (i32.const 1)))
        (if (result i32) (i32.eq (global.get $a) (i32.const 10 (; LONG ;)))
          (then (call $ret) (i32.const 0 (; EXIT ;)))
          (else (i32.const 1 (; YIELD ;)))))
      (func (export "b") (result i32) (i32.const 1 (; YIELD ;)))
      (func (export "b-cb") (param i32 i32 i32) (result i32)
        (if (i32.eqz (global.get $phase))
          (then
            (global.set $seen (global.get $a))
            (global.set $phase (i32.const 1))
            (return (i32.const 1 (; YIELD ;)))))
        (if (i32.and (i32.eqz (global.get $seen))
                     (i32.eq (global.get $a) (i32.const 10 (; LONG ;))))
          (then unreachable))
        (call $ret)
        (i32.const 0 (; EXIT ;))))
    (canon task.return (core func $ret))
    (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $ret))))))
    (func (export "a") async
      (canon lift (core func $m "a") async (callback (core func $m "a-cb"))))
    (func (export "b") async
      (canon lift (core func $m "b") async (callback (core func $m "b-cb")))))
  (component $D
    (import "a" (func $a async))
    (import "b" (func $b async))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $DM
      (import "" "mem" (memory 1))
      (import "" "a" (func $a (result i32)))
      (import "" "b" (func $b (result i32)))
      (import "" "waitable-set.new" (func $wsnew (result i32)))
      (import "" "waitable.join" (func $join (param i32 i32)))
      (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
      (import "" "subtask.drop" (func $sdrop (param i32)))
      (import "" "task.return" (func $ret))
      (func $started (param $r i32) (param $ws i32)
        (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; STARTED ;)))
          (then unreachable))
        (call $join (i32.shr_u (local.get $r) (i32.const 4)) (local.get $ws)))
      (func (export "run")
        (local $ws i32)
        (local.set $ws (call $wsnew))
        (call $started (call $a) (local.get $ws))
        (call $started (call $b) (local.get $ws))
        (if (i32.ne (call $wait (local.get $ws) (i32.const 0)) (i32.const 1 (; SUBTASK ;)))
          (then unreachable))
        (call $sdrop (i32.load (i32.const 0)))
        (if (i32.ne (call $wait (local.get $ws) (i32.const 0)) (i32.const 1 (; SUBTASK ;)))
          (then unreachable))
        (call $sdrop (i32.load (i32.const 0)))
        (call $ret)))
    (canon lower (func $a) async (core func $a'))
    (canon lower (func $b) async (core func $b'))
    (canon waitable-set.new (core func $wsnew))
    (canon waitable.join (core func $join))
    (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $wait))
    (canon subtask.drop (core func $sdrop))
    (canon task.return (core func $ret))
    (core instance $dm (instantiate $DM (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "a" (func $a'))
      (export "b" (func $b'))
      (export "waitable-set.new" (func $wsnew))
      (export "waitable.join" (func $join))
      (export "waitable-set.wait" (func $wait))
      (export "subtask.drop" (func $sdrop))
      (export "task.return" (func $ret))))))
    (func (export "run") async (canon lift (core func $dm "run") async)))
  (instance $w (instantiate $W))
  (instance $d (instantiate $D (with "a" (func $w "a")) (with "b" (func $w "b"))))
  (export "run" (func $d "run")))"#;

/// `$D.run` calls `$C.f(1)`, which raises `$C`'s backpressure, then
/// `f(2)`, which therefore waits in STARTING, then `$C.release` (which
/// lowers it again) and at once `f(3)`. `f(3)` arrives while `f(2)` still
/// waits to start but nothing holds it back: the spec lets it queue behind
/// `f(2)` or barge in ahead of it. `$C` appends each call's argument to a
/// log as it starts. `run` reads the log right after calling `f(3)` (`13`
/// if it barged in, `1` if it queued), waits for every call, and returns
/// that reading times 1000 plus the final log (`123` or `132`).
const BARGE: &str = r#"(component
  (component $C
    (core module $M
      (import "" "task.return" (func $ret))
      (import "" "bp.inc" (func $inc))
      (import "" "bp.dec" (func $dec))
      (global $log (mut i32) (i32.const 0))
      (func (export "f") (param $n i32) (result i32)
        (global.set $log (i32.add (i32.mul (global.get $log) (i32.const 10)) (local.get $n)))
        (if (i32.eq (local.get $n) (i32.const 1)) (then (call $inc)))
        (call $ret)
        (i32.const 0 (; EXIT ;)))
      (func (export "f-cb") (param i32 i32 i32) (result i32) unreachable)
      (func (export "release") (call $dec))
      (func (export "log") (result i32) (global.get $log)))
    (canon task.return (core func $ret))
    (canon backpressure.inc (core func $inc))
    (canon backpressure.dec (core func $dec))
    (core instance $m (instantiate $M (with "" (instance
      (export "task.return" (func $ret))
      (export "bp.inc" (func $inc))
      (export "bp.dec" (func $dec))))))
    (func (export "f") async (param "n" u32)
      (canon lift (core func $m "f") async (callback (core func $m "f-cb"))))
    (func (export "release") (canon lift (core func $m "release")))
    (func (export "log") (result u32) (canon lift (core func $m "log"))))
  (component $D
    (import "f" (func $f async (param "n" u32)))
    (import "release" (func $release))
    (import "log" (func $log (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $DM
      (import "" "mem" (memory 1))
      (import "" "f" (func $f (param i32) (result i32)))
      (import "" "release" (func $release))
      (import "" "log" (func $log (result i32)))
      (import "" "waitable-set.new" (func $wsnew (result i32)))
      (import "" "waitable.join" (func $join (param i32 i32)))
      (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
      (import "" "subtask.drop" (func $sdrop (param i32)))
      (import "" "task.return" (func $ret (param i32)))
      (global $ws (mut i32) (i32.const 0))
      (global $pending (mut i32) (i32.const 0))
      (global $early (mut i32) (i32.const 0))
      ;; A call that did not return at once joins the set, to be waited for.
      (func $track (param $r i32)
        (if (i32.ne (local.get $r) (i32.const 2 (; RETURNED ;)))
          (then
            (call $join (i32.shr_u (local.get $r) (i32.const 4)) (global.get $ws))
            (global.set $pending (i32.add (global.get $pending) (i32.const 1))))))
      (func (export "run")
        (global.set $ws (call $wsnew))
        (if (i32.ne (call $f (i32.const 1)) (i32.const 2)) (then unreachable))
        (call $track (call $f (i32.const 2)))
        (call $release)
        (call $track (call $f (i32.const 3)))
        (global.set $early (call $log))
        (block $done
          (loop $drain
            (br_if $done (i32.eqz (global.get $pending)))
            (if (i32.ne (call $wait (global.get $ws) (i32.const 0)) (i32.const 1 (; SUBTASK ;)))
              (then unreachable))
            (if (i32.eq (i32.load (i32.const 4)) (i32.const 2 (; RETURNED ;)))
              (then
                (call $sdrop (i32.load (i32.const 0)))
                (global.set $pending (i32.sub (global.get $pending) (i32.const 1)))))
            (br $drain)))
        (call $ret (i32.add (i32.mul (global.get $early) (i32.const 1000)) (call $log)))))
    (canon lower (func $f) async (core func $f'))
    (canon lower (func $release) (core func $release'))
    (canon lower (func $log) (core func $log'))
    (canon waitable-set.new (core func $wsnew))
    (canon waitable.join (core func $join))
    (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $wait))
    (canon subtask.drop (core func $sdrop))
    (canon task.return (result u32) (core func $ret))
    (core instance $dm (instantiate $DM (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "f" (func $f'))
      (export "release" (func $release'))
      (export "log" (func $log'))
      (export "waitable-set.new" (func $wsnew))
      (export "waitable.join" (func $join))
      (export "waitable-set.wait" (func $wait))
      (export "subtask.drop" (func $sdrop))
      (export "task.return" (func $ret))))))
    (func (export "run") async (result u32) (canon lift (core func $dm "run") async)))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D
    (with "f" (func $c "f"))
    (with "release" (func $c "release"))
    (with "log" (func $c "log"))))
  (export "run" (func $d "run")))"#;

/// Runs `BARGE` once and returns `$C`'s log.
fn barge(seed: Option<u64>) -> u32 {
    let (mut store, inst) = instantiate(BARGE, seed);
    call_u32(&mut store, &inst, "run")
}

#[test]
fn whether_a_new_call_barges_past_a_waiting_one_is_the_schedules_choice() {
    // FIFO queues the new call behind the one already waiting: it has not
    // started when `f(3)` returns to `run`.
    assert_eq!(barge(None), 1_123);
    let logs: std::collections::BTreeMap<u64, u32> = (0..32).map(|s| (s, barge(Some(s)))).collect();
    // Queued, the two waiting calls may still start in either order; one
    // that barged in has started (and, here, finished) before `f` returns.
    assert!(
        logs.values().all(|l| [1_123, 1_132, 13_132].contains(l)),
        "each call starts once, the first before the others: {logs:?}"
    );
    assert!(
        logs.values().any(|l| *l == 13_132),
        "no seed barged: {logs:?}"
    );
    assert!(
        logs.values().any(|l| *l < 10_000),
        "every seed barged: {logs:?}"
    );
    for (seed, log) in &logs {
        assert_eq!(barge(Some(*seed)), *log, "seed {seed} replays");
    }
}

/// `probe` makes its own pending event (a one-byte `stream<u8>` write that
/// it then reads itself) and waits on it, while `tick`, started first,
/// counts each time it is called back after a `YIELD`. `probe` returns how
/// many ticks happened during its wait: none if the wait returned at once.
const READY_WAIT: &str = r#"(component
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (type $ST (stream u8))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "task.return" (func $ret (param i32)))
    (import "" "task.return0" (func $ret0))
    (import "" "stream.new" (func $snew (result i64)))
    (import "" "stream.write" (func $swrite (param i32 i32 i32) (result i32)))
    (import "" "stream.read" (func $sread (param i32 i32 i32) (result i32)))
    (import "" "waitable-set.new" (func $wsnew (result i32)))
    (import "" "waitable.join" (func $join (param i32 i32)))
    (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
    (global $ticks (mut i32) (i32.const 0))
    (global $stop (mut i32) (i32.const 0))
    (func (export "tick") (result i32) (i32.const 1 (; YIELD ;)))
    (func (export "tick-cb") (param i32 i32 i32) (result i32)
      (if (global.get $stop)
        (then (call $ret0) (return (i32.const 0 (; EXIT ;)))))
      (global.set $ticks (i32.add (global.get $ticks) (i32.const 1)))
      (i32.const 1 (; YIELD ;)))
    (func (export "probe")
      (local $rw i64) (local $r i32) (local $w i32) (local $ws i32) (local $before i32)
      (local.set $rw (call $snew))
      (local.set $r (i32.wrap_i64 (local.get $rw)))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $rw) (i64.const 32))))
      (local.set $ws (call $wsnew))
      (call $join (local.get $w) (local.get $ws))
      (if (i32.ne (call $swrite (local.get $w) (i32.const 0) (i32.const 1)) (i32.const -1 (; BLOCKED ;)))
        (then unreachable))
      (if (i32.ne (call $sread (local.get $r) (i32.const 8) (i32.const 1)) (i32.const 0x10 (; 1 item, COMPLETED ;)))
        (then unreachable))
      (local.set $before (global.get $ticks))
      (if (i32.ne (call $wait (local.get $ws) (i32.const 16)) (i32.const 3 (; STREAM_WRITE ;)))
        (then unreachable))
      (global.set $stop (i32.const 1))
      (call $ret (i32.sub (global.get $ticks) (local.get $before)))))
  (canon task.return (result u32) (core func $ret))
  (canon task.return (core func $ret0))
  (canon stream.new $ST (core func $snew))
  (canon stream.write $ST async (memory (core memory $mem "mem")) (core func $swrite))
  (canon stream.read $ST async (memory (core memory $mem "mem")) (core func $sread))
  (canon waitable-set.new (core func $wsnew))
  (canon waitable.join (core func $join))
  (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $wait))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "task.return" (func $ret))
    (export "task.return0" (func $ret0))
    (export "stream.new" (func $snew))
    (export "stream.write" (func $swrite))
    (export "stream.read" (func $sread))
    (export "waitable-set.new" (func $wsnew))
    (export "waitable.join" (func $join))
    (export "waitable-set.wait" (func $wait))))))
  (func (export "tick") async
    (canon lift (core func $m "tick") async (callback (core func $m "tick-cb"))))
  (func (export "probe") async (result u32) (canon lift (core func $m "probe") async)))"#;

/// Starts `tick`, calls `probe`, then lets `tick` finish; returns `probe`'s
/// count.
fn ready_wait(seed: Option<u64>) -> u32 {
    let (mut store, inst) = instantiate(READY_WAIT, seed);
    let tick = inst.get_func(&mut store, "tick").unwrap();
    let ticking = tick.call_start(&mut store, &[]).unwrap();
    let ticks = call_u32(&mut store, &inst, "probe");
    assert_eq!(ticking.finish(&mut store).unwrap(), []);
    ticks
}

#[test]
fn a_wait_with_an_event_already_pending_may_let_others_run_first() {
    // FIFO delivers the pending event at once.
    assert_eq!(ready_wait(None), 0);
    let ticks: std::collections::BTreeMap<u64, u32> =
        (0..32).map(|s| (s, ready_wait(Some(s)))).collect();
    assert!(ticks.values().any(|t| *t > 0), "no wait blocked: {ticks:?}");
    assert!(
        ticks.values().any(|t| *t == 0),
        "every wait blocked: {ticks:?}"
    );
    for (seed, t) in &ticks {
        assert_eq!(ready_wait(Some(*seed)), *t, "seed {seed} replays");
    }
}
