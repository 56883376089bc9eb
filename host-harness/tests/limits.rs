//! Resource limits of a store: each test drives a guest into one limit,
//! checks the error names it, and checks that the store still serves other
//! calls and instances afterwards.

// Shared with the other API tests; not every component in it is used here.
#[allow(dead_code)]
mod components;

use std::time::{Duration, Instant};

use components::component;
use weft_harness::{Config, Engine, Error, ErrorKind, Linker, Store, StoreLimits, Val};

const PAGE: u64 = 64 << 10;

/// `grow(pages) -> s32` on a memory of one page, and `grow2` on a second
/// memory of the same module; `add` for checking the instance still works.
const GROWER: &str = r#"(component
  (core module $M
    (memory $a 1)
    (memory $b 1)
    (func (export "grow") (param i32) (result i32) (memory.grow $a (local.get 0)))
    (func (export "grow2") (param i32) (result i32) (memory.grow $b (local.get 0)))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
  (core instance $m (instantiate $M))
  (func (export "grow") (param "pages" u32) (result s32) (canon lift (core func $m "grow")))
  (func (export "grow2") (param "pages" u32) (result s32) (canon lift (core func $m "grow2")))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $m "add")))
)"#;

fn call1(store: &mut Store<()>, f: weft_harness::Func, args: &[Val]) -> Result<Val, Error> {
    let mut out = vec![Val::Bool(false)];
    f.call(&mut *store, args, &mut out)?;
    Ok(out.remove(0))
}

fn export(store: &mut Store<()>, inst: &weft_harness::Instance, name: &str) -> weft_harness::Func {
    inst.get_func(&mut *store, name).expect("exported")
}

fn trap_message(e: &Error) -> String {
    match e.as_trap() {
        Some(t) => t.message().to_string(),
        None => panic!("expected a trap, got: {e}"),
    }
}

#[test]
fn memory_grow_fails_past_the_limit_of_all_memories_together() {
    let engine = Engine::default();
    let c = component(&engine, GROWER);
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::default().max_memory(16 * PAGE));
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    assert_eq!(store.memory_used(), 2 * PAGE, "two memories of one page");
    let grow = export(&mut store, &inst, "grow");
    let grow2 = export(&mut store, &inst, "grow2");
    assert_eq!(
        call1(&mut store, grow, &[Val::U32(8)]).unwrap(),
        Val::S32(1)
    );
    // 10 pages are in use: the second memory may take 6 more, not 7.
    assert_eq!(
        call1(&mut store, grow2, &[Val::U32(7)]).unwrap(),
        Val::S32(-1)
    );
    assert_eq!(
        call1(&mut store, grow2, &[Val::U32(6)]).unwrap(),
        Val::S32(1)
    );
    assert_eq!(
        call1(&mut store, grow, &[Val::U32(1)]).unwrap(),
        Val::S32(-1)
    );
    assert_eq!(store.memory_used(), 16 * PAGE);
    // The instance still runs, and a failed grow changed nothing.
    let add = export(&mut store, &inst, "add");
    assert_eq!(
        call1(&mut store, add, &[Val::U32(2), Val::U32(3)]).unwrap(),
        Val::U32(5)
    );
    assert_eq!(
        call1(&mut store, grow, &[Val::U32(0)]).unwrap(),
        Val::S32(9)
    );
    // A new instance needs two pages that are not left: instantiation fails
    // with an error, and raising the limit lets it in.
    let err = Linker::new(&engine)
        .instantiate(&mut store, &c)
        .unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");
    store.set_limits(StoreLimits::default().max_memory(18 * PAGE));
    Linker::new(&engine).instantiate(&mut store, &c).unwrap();
}

#[test]
fn a_four_gib_grow_fails_under_the_default_limit_without_touching_memory() {
    let engine = Engine::default();
    let c = component(&engine, GROWER);
    let mut store = Store::new(&engine, ());
    assert_eq!(store.limits().memory(), 4 << 30, "the default is 4 GiB");
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let grow = export(&mut store, &inst, "grow");
    let started = Instant::now();
    // 65535 more pages would make 4 GiB in this memory, 4 GiB + 64 KiB in all.
    assert_eq!(
        call1(&mut store, grow, &[Val::U32(65535)]).unwrap(),
        Val::S32(-1)
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "refused, not zeroed"
    );
    assert_eq!(store.memory_used(), 2 * PAGE);
}

/// `echo(s: string) -> u32` whose `realloc` grows the memory by as many
/// pages as asked for and returns the old end: `-1 * 64 KiB` when the grow
/// fails, as a naive bump allocator would.
const GREEDY_REALLOC: &str = r#"(component
  (core module $M
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (i32.mul
        (memory.grow (i32.add (i32.div_u (local.get 3) (i32.const 65536)) (i32.const 1)))
        (i32.const 65536)))
    (func (export "len") (param i32 i32) (result i32) (local.get 1)))
  (core instance $m (instantiate $M))
  (func (export "len") (param "s" string) (result u32)
    (canon lift (core func $m "len") (memory (core memory $m "mem"))
      (realloc (core func $m "realloc"))))
)"#;

#[test]
fn a_realloc_that_cannot_grow_traps_naming_the_limit() {
    let engine = Engine::default();
    let c = component(&engine, GREEDY_REALLOC);
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::default().max_memory(1 << 20));
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let len = export(&mut store, &inst, "len");
    let big = "x".repeat(2 << 20);
    let err = call1(&mut store, len, &[Val::String(big)]).unwrap_err();
    let message = trap_message(&err);
    assert!(
        message.starts_with(
            "realloc could not allocate 2097152 bytes: the store's memory limit of 1M is reached"
        ),
        "{message}"
    );
    assert!(message.contains("beyond end of memory"), "{message}");
    // A trap poisons the instance; a fresh one in the same store still
    // fits in what is left and runs.
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let len = export(&mut store, &inst, "len");
    assert_eq!(
        call1(&mut store, len, &[Val::String("four".into())]).unwrap(),
        Val::U32(4)
    );
}

/// `many() -> list<list<u8>>`: 4096 lists that all point at the same 1 MiB
/// of memory, 4 GiB once copied to the host.
const ALIASED_LISTS: &str = r#"(component
  (core module $M
    (memory (export "mem") 18)
    (func (export "many") (result i32)
      (local $i i32)
      (loop $fill
        (i32.store (i32.add (i32.const 16) (i32.mul (local.get $i) (i32.const 8)))
          (i32.const 65536))
        (i32.store (i32.add (i32.const 20) (i32.mul (local.get $i) (i32.const 8)))
          (i32.const 1048576))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $fill (i32.lt_u (local.get $i) (i32.const 4096))))
      (i32.store (i32.const 0) (i32.const 16))
      (i32.store (i32.const 4) (i32.const 4096))
      (i32.const 0))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0)))
  (core instance $m (instantiate $M))
  (type $bytes (list u8))
  (func (export "many") (result (list $bytes))
    (canon lift (core func $m "many") (memory (core memory $m "mem"))))
  (func (export "ok") (result (list u8))
    (canon lift (core func $m "many") (memory (core memory $m "mem"))))
)"#;

#[test]
fn host_copies_of_lifted_values_are_held_to_the_limit() {
    let engine = Engine::default();
    let c = component(&engine, ALIASED_LISTS);
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::default().max_memory(32 << 20));
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let many = export(&mut store, &inst, "many");
    let err = call1(&mut store, many, &[]).unwrap_err();
    let message = trap_message(&err);
    assert!(
        message.starts_with("a lifted value needs") && message.contains("memory limit leaves"),
        "{message}"
    );
    // The same memory read as one small list still lifts.
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let ok = export(&mut store, &inst, "ok");
    let Val::List(items) = call1(&mut store, ok, &[]).unwrap() else {
        panic!("a list");
    };
    assert_eq!(items.len(), 4096);
}

/// `spin()` loops forever; `count(n) -> u32` loops `n` times.
const SPINNER: &str = r#"(component
  (core module $M
    (func (export "spin") (loop $l (br $l)))
    (func (export "count") (param $n i32) (result i32)
      (local $i i32)
      (block $done
        (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
      (local.get $i)))
  (core instance $m (instantiate $M))
  (func (export "spin") (canon lift (core func $m "spin")))
  (func (export "count") (param "n" u32) (result u32) (canon lift (core func $m "count")))
)"#;

fn metered() -> Engine {
    let mut config = Config::new();
    config.consume_fuel(true);
    Engine::with_config(&config)
}

#[test]
fn fuel_stops_an_endless_loop_and_can_be_refilled() {
    let engine = metered();
    let c = component(&engine, SPINNER);
    let mut store = Store::new(&engine, ());
    store.set_fuel(Some(100_000)).unwrap();
    let spinner = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let spin = export(&mut store, &spinner, "spin");
    let err = spin.call(&mut store, &[], &mut []).unwrap_err();
    // A limit is the guest's doing: a trap, which the CLI reports as one.
    assert!(matches!(err.kind(), ErrorKind::Trap(_)), "{err:?}");
    assert_eq!(
        trap_message(&err),
        "all fuel consumed: the fuel limit of 100000 is exhausted"
    );
    assert_eq!(store.fuel(), Some(0));
    store.set_fuel(Some(1_000_000)).unwrap();
    let counter = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let count = export(&mut store, &counter, "count");
    assert_eq!(
        call1(&mut store, count, &[Val::U32(1000)]).unwrap(),
        Val::U32(1000)
    );
    // The first call also paid for compiling `count`; after it the same
    // call spends the same fuel every time.
    let mut spent = Vec::new();
    for _ in 0..2 {
        let before = store.fuel().unwrap();
        call1(&mut store, count, &[Val::U32(1000)]).unwrap();
        spent.push(before - store.fuel().unwrap());
    }
    assert!(spent[0] > 1000, "about one unit per instruction: {spent:?}");
    assert_eq!(spent[0], spent[1]);
}

#[test]
fn fuel_and_time_limits_need_a_metering_engine() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let err = store.set_fuel(Some(10)).unwrap_err();
    assert!(err.to_string().contains("Config::consume_fuel"), "{err}");
    let err = store.set_timeout(Duration::from_secs(1)).unwrap_err();
    assert!(err.to_string().contains("fuel metering"), "{err}");
}

#[test]
fn a_timeout_stops_an_endless_loop_without_changing_results() {
    let engine = metered();
    let c = component(&engine, SPINNER);
    let mut store = Store::new(&engine, ());
    store.set_timeout(Duration::from_millis(200)).unwrap();
    let spinner = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let spin = export(&mut store, &spinner, "spin");
    let started = Instant::now();
    let err = spin.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(trap_message(&err), "time limit of 200ms exceeded");
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "stopped near the deadline"
    );
    // A later deadline lets other instances run; slicing fuel for the clock
    // does not change what a guest computes.
    store.set_timeout(Duration::from_secs(60)).unwrap();
    let counter = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let count = export(&mut store, &counter, "count");
    assert_eq!(
        call1(&mut store, count, &[Val::U32(400_000)]).unwrap(),
        Val::U32(400_000),
        "runs across many fuel slices"
    );
}

/// A core start function that never returns.
const ENDLESS_START: &str = r#"(component
  (core module $M
    (func $start (loop $l (br $l)))
    (start $start))
  (core instance $m (instantiate $M))
)"#;

#[test]
fn fuel_and_time_limits_stop_an_endless_start_function() {
    let engine = metered();
    let c = component(&engine, ENDLESS_START);
    let mut store = Store::new(&engine, ());
    store.set_fuel(Some(50_000)).unwrap();
    let err = Linker::new(&engine)
        .instantiate(&mut store, &c)
        .unwrap_err();
    assert_eq!(
        trap_message(&err),
        "all fuel consumed: the fuel limit of 50000 is exhausted"
    );
    let mut store = Store::new(&engine, ());
    // A start function runs in one piece on fuel sized from the time left:
    // a short limit keeps this quick in a debug build.
    store.set_timeout(Duration::from_millis(1)).unwrap();
    let err = Linker::new(&engine)
        .instantiate(&mut store, &c)
        .unwrap_err();
    assert_eq!(trap_message(&err), "time limit of 1ms exceeded");
    // The store still instantiates other components.
    store.set_timeout(Duration::from_secs(60)).unwrap();
    let spinner = component(&engine, SPINNER);
    Linker::new(&engine)
        .instantiate(&mut store, &spinner)
        .unwrap();
}

#[test]
fn the_instance_limit_refuses_one_more_and_keeps_the_rest() {
    let engine = Engine::default();
    let c = component(&engine, GROWER);
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::default().max_instances(2));
    let first = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let err = Linker::new(&engine)
        .instantiate(&mut store, &c)
        .unwrap_err();
    assert_eq!(
        trap_message(&err),
        "instance limit reached: the store holds 2 component instances"
    );
    let add = export(&mut store, &first, "add");
    assert_eq!(
        call1(&mut store, add, &[Val::U32(1), Val::U32(1)]).unwrap(),
        Val::U32(2)
    );
}

/// `grow(n) -> s32` on a table of one element.
const TABLE_GROWER: &str = r#"(component
  (core module $M
    (table $t 1 funcref)
    (func (export "grow") (param i32) (result i32)
      (table.grow $t (ref.null func) (local.get 0))))
  (core instance $m (instantiate $M))
  (func (export "grow") (param "n" u32) (result s32) (canon lift (core func $m "grow")))
)"#;

#[test]
fn table_grow_fails_past_the_table_element_limit() {
    let engine = Engine::default();
    let c = component(&engine, TABLE_GROWER);
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::default().max_table_elements(10));
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let grow = export(&mut store, &inst, "grow");
    assert_eq!(
        call1(&mut store, grow, &[Val::U32(5)]).unwrap(),
        Val::S32(1)
    );
    assert_eq!(
        call1(&mut store, grow, &[Val::U32(5)]).unwrap(),
        Val::S32(-1)
    );
    assert_eq!(
        call1(&mut store, grow, &[Val::U32(4)]).unwrap(),
        Val::S32(6)
    );
    assert_eq!(
        call1(&mut store, grow, &[Val::U32(0)]).unwrap(),
        Val::S32(10)
    );
    // All ten elements are taken: one more table does not fit, a store
    // with room does.
    let err = Linker::new(&engine)
        .instantiate(&mut store, &c)
        .unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");
    store.set_limits(StoreLimits::default().max_table_elements(11));
    Linker::new(&engine).instantiate(&mut store, &c).unwrap();
}

/// `make(n)` creates `n` handles to a guest resource, keeping them all.
const HANDLE_MAKER: &str = r#"(component
  (type $r (resource (rep i32)))
  (core func $new (canon resource.new $r))
  (core module $M
    (import "" "new" (func $new (param i32) (result i32)))
    (func (export "make") (param $n i32) (result i32)
      (local $i i32)
      (block $done
        (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (drop (call $new (local.get $i)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
      (local.get $i)))
  (core instance $m (instantiate $M (with "" (instance (export "new" (func $new))))))
  (func (export "make") (param "n" u32) (result u32) (canon lift (core func $m "make")))
)"#;

#[test]
fn the_handle_limit_fills_one_table_and_spares_the_others() {
    let engine = Engine::default();
    let c = component(&engine, HANDLE_MAKER);
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::default().max_handles(3));
    let a = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let make = export(&mut store, &a, "make");
    let err = call1(&mut store, make, &[Val::U32(4)]).unwrap_err();
    assert_eq!(
        trap_message(&err),
        "handle table is full: the limit is 3 handles"
    );
    let b = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let make = export(&mut store, &b, "make");
    assert_eq!(
        call1(&mut store, make, &[Val::U32(3)]).unwrap(),
        Val::U32(3)
    );
}

#[test]
fn the_handle_limit_is_at_most_the_spec_maximum() {
    let limits = StoreLimits::default().max_handles(u32::MAX);
    assert_eq!(limits, StoreLimits::default(), "clamped to 2^28 - 1");
}

/// `spawn(n)` creates `n` threads that are never resumed, so they (and
/// the task that created them) stay live after the call returns; `add`
/// spawns nothing.
const SPAWNER: &str = r#"(component
  (core module $Table (table (export "t") 1 funcref))
  (core instance $table (instantiate $Table))
  (alias core export $table "t" (core table $t))
  (core type $start (func (param i32)))
  (core func $new (canon thread.new-indirect $start (core table $t)))
  (core module $M
    (import "" "new" (func $new (param i32 i32) (result i32)))
    (import "" "t" (table 1 funcref))
    (func $never (param i32) unreachable)
    (elem (table 0) (i32.const 0) func $never)
    (func (export "spawn") (param $n i32)
      (loop $again
        (if (local.get $n)
          (then
            (drop (call $new (i32.const 0) (i32.const 0)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $again)))))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
  (core instance $m (instantiate $M (with "" (instance
    (export "new" (func $new)) (export "t" (table $t))))))
  (func (export "spawn") (param "n" u32) (canon lift (core func $m "spawn")))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $m "add"))))"#;

fn spawn(store: &mut Store<()>, inst: &weft_harness::Instance, n: u32) -> Result<(), Error> {
    let f = export(store, inst, "spawn");
    f.call(&mut *store, &[Val::U32(n)], &mut [])
}

#[test]
fn spawned_threads_stop_at_the_thread_limit() {
    let engine = Engine::default();
    let c = component(&engine, SPAWNER);
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::default().max_threads(3));
    let a = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    spawn(&mut store, &a, 2).unwrap();
    // The two threads live on: one more fits, two do not.
    let err = spawn(&mut store, &a, 2).unwrap_err();
    assert_eq!(
        trap_message(&err),
        "too many live threads: the store's limit is 3 (StoreLimits::max_threads)"
    );
    let b = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let add = export(&mut store, &b, "add");
    assert_eq!(
        call1(&mut store, add, &[Val::U32(2), Val::U32(3)]).unwrap(),
        Val::U32(5)
    );
}

#[test]
fn calls_stop_at_the_task_limit() {
    let engine = Engine::default();
    let c = component(&engine, SPAWNER);
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::default().max_tasks(3));
    let a = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    // Each call's task stays live with the thread it spawned.
    for _ in 0..3 {
        spawn(&mut store, &a, 1).unwrap();
    }
    let add = export(&mut store, &a, "add");
    let err = call1(&mut store, add, &[Val::U32(2), Val::U32(3)]).unwrap_err();
    assert_eq!(
        trap_message(&err),
        "too many live tasks: the store's limit is 3 (StoreLimits::max_tasks)"
    );
}

/// `start(n)` makes `n` async calls of `$Callee.hang`, which parks forever,
/// and keeps their subtask handles.
const SUBTASKS: &str = r#"(component
  (component $Callee
    (core module $M
      (import "" "set.new" (func $set.new (result i32)))
      (func (export "hang") (result i32)
        (i32.or (i32.const 2 (; WAIT ;)) (i32.shl (call $set.new) (i32.const 4))))
      (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
    (canon waitable-set.new (core func $set.new))
    (core instance $m (instantiate $M (with "" (instance (export "set.new" (func $set.new))))))
    (func (export "hang") async (canon lift (core func $m "hang") async (callback (core func $m "cb")))))
  (component $Caller
    (import "hang" (func $hang async))
    (canon lower (func $hang) async (core func $hang'))
    (core module $M
      (import "" "hang" (func $hang (result i32)))
      (func (export "start") (param $n i32)
        (loop $again
          (if (local.get $n)
            (then
              (drop (call $hang))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br $again))))))
    (core instance $m (instantiate $M (with "" (instance (export "hang" (func $hang'))))))
    (func (export "start") (param "n" u32) (canon lift (core func $m "start"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "hang" (func $callee "hang"))))
  (export "start" (func $caller "start")))"#;

#[test]
fn async_calls_stop_at_the_subtask_limit() {
    let engine = Engine::default();
    let c = component(&engine, SUBTASKS);
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::default().max_subtasks(4));
    let a = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let start = export(&mut store, &a, "start");
    start.call(&mut store, &[Val::U32(4)], &mut []).unwrap();
    let b = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let start = export(&mut store, &b, "start");
    let err = start.call(&mut store, &[Val::U32(1)], &mut []).unwrap_err();
    assert_eq!(
        trap_message(&err),
        "too many live subtasks: the store's limit is 4 (StoreLimits::max_subtasks)"
    );
}
