//! Guest-to-guest calls: fused adapters against the host-mediated path.
//!
//! One composition, two instances: a caller guest loops over calls of its
//! imports, which are the callee guest's exports. The same component runs
//! on an engine with fused adapters (the default) and on one without
//! (`Engine::fused_adapters(false)`), in the same run:
//!
//! - `noop`: `func()`;
//! - `echo-utf8` / `echo-utf16`: a 1 KiB string echoed by a callee lifted
//!   with utf8 / utf16 (the caller is utf8);
//! - `count-u32`: a `list<u32>` of 64 Ki elements that the callee only counts;
//! - `count-people`: a `list<tuple<string, u32>>` of 1 Ki elements (the
//!   layout of `list<record { name: string, id: u32 }>`; component text
//!   would need an exported type name for the record) that the callee counts.
//!
//! Each iteration is one host call of the caller, which makes [`calls`]
//! guest-to-guest calls; criterion reports them as elements, so the time
//! per guest-to-guest call is the inverse of the throughput. The `startup`
//! group times loading and instantiating the composition with every
//! adapter compiled, with every adapter cached, and with adapters off.
//! Run with `cargo bench -p weft-benches --bench adapters`. The same calls
//! through `.wast` scripts, against the wasmtime CLI, are timed by
//! `benches/adapters-wast.sh`.

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use weft_harness::{Component, Engine, Func, Linker, Store, Val};

const COMPOSITION: &str = r#"(component
  (component $Callee
    (core module $M
      (memory (export "mem") 8)
      (global $next (mut i32) (i32.const 65536))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
        (global.set $next (i32.add (local.get $r) (local.get 3)))
        (local.get $r))
      ;; The arguments are dead once the caller has read the result.
      (func (export "post") (param i32) (global.set $next (i32.const 65536)))
      (func (export "noop"))
      (func (export "echo") (param i32 i32) (result i32)
        (i32.store (i32.const 8) (local.get 0))
        (i32.store (i32.const 12) (local.get 1))
        (i32.const 8))
      (func (export "count") (param i32 i32) (result i32) (local.get 1)))
    (core instance $m (instantiate $M))
    (func (export "noop") (canon lift (core func $m "noop")))
    (func (export "echo-utf8") (param "s" string) (result string)
      (canon lift (core func $m "echo") (memory (core memory $m "mem"))
        (realloc (core func $m "realloc")) (post-return (core func $m "post"))))
    (func (export "echo-utf16") (param "s" string) (result string)
      (canon lift (core func $m "echo") (memory (core memory $m "mem"))
        (realloc (core func $m "realloc")) string-encoding=utf16
        (post-return (core func $m "post"))))
    (func (export "count-u32") (param "l" (list u32)) (result u32)
      (canon lift (core func $m "count") (memory (core memory $m "mem"))
        (realloc (core func $m "realloc")) (post-return (core func $m "post"))))
    (func (export "count-people") (param "l" (list (tuple string u32))) (result u32)
      (canon lift (core func $m "count") (memory (core memory $m "mem"))
        (realloc (core func $m "realloc")) (post-return (core func $m "post")))))

  (component $Caller
    (import "noop" (func $noop))
    (import "echo-utf8" (func $echo8 (param "s" string) (result string)))
    (import "echo-utf16" (func $echo16 (param "s" string) (result string)))
    (import "count-u32" (func $cu (param "l" (list u32)) (result u32)))
    (import "count-people" (func $cp (param "l" (list (tuple string u32))) (result u32)))
    (core module $Mem
      (memory (export "mem") 8)
      ;; Data lives below 0x70000, the heap above it.
      (global $next (export "next") (mut i32) (i32.const 0x70000))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
        (global.set $next (i32.add (local.get $r) (local.get 3)))
        (local.get $r)))
    (core instance $mem (instantiate $Mem))
    (core func $noop_l (canon lower (func $noop)))
    (core func $echo8_l (canon lower (func $echo8) (memory (core memory $mem "mem"))
      (realloc (core func $mem "realloc"))))
    (core func $echo16_l (canon lower (func $echo16) (memory (core memory $mem "mem"))
      (realloc (core func $mem "realloc"))))
    (core func $cu_l (canon lower (func $cu) (memory (core memory $mem "mem"))
      (realloc (core func $mem "realloc"))))
    (core func $cp_l (canon lower (func $cp) (memory (core memory $mem "mem"))
      (realloc (core func $mem "realloc"))))
    (core module $Run
      (import "m" "mem" (memory 8))
      (import "m" "next" (global $next (mut i32)))
      (import "i" "noop" (func $noop))
      (import "i" "echo8" (func $echo8 (param i32 i32 i32)))
      (import "i" "echo16" (func $echo16 (param i32 i32 i32)))
      (import "i" "cu" (func $cu (param i32 i32) (result i32)))
      (import "i" "cp" (func $cp (param i32 i32) (result i32)))
      ;; 1 KiB string at 1024, 64 Ki u32s at 0x20000, 1 Ki (name, id)
      ;; pairs at 0x60000 whose names are the string's first 8 bytes.
      (func (export "init")
        (local $k i32)
        (memory.fill (i32.const 1024) (i32.const 0x78) (i32.const 1024))
        (memory.fill (i32.const 0x20000) (i32.const 1) (i32.const 0x40000))
        (block $done (loop $l
          (br_if $done (i32.ge_u (local.get $k) (i32.const 1024)))
          (i32.store (i32.add (i32.const 0x60000) (i32.mul (local.get $k) (i32.const 12))) (i32.const 1024))
          (i32.store offset=4 (i32.add (i32.const 0x60000) (i32.mul (local.get $k) (i32.const 12))) (i32.const 8))
          (i32.store offset=8 (i32.add (i32.const 0x60000) (i32.mul (local.get $k) (i32.const 12))) (local.get $k))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $l))))
      (func (export "noop") (param $n i32)
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (call $noop)
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l))))
      (func (export "echo8") (param $n i32)
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (global.set $next (i32.const 0x70000))
          (call $echo8 (i32.const 1024) (i32.const 1024) (i32.const 16))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l))))
      (func (export "echo16") (param $n i32)
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (global.set $next (i32.const 0x70000))
          (call $echo16 (i32.const 1024) (i32.const 1024) (i32.const 16))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l))))
      (func (export "cu") (param $n i32) (result i32)
        (local $sum i32)
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $sum (i32.add (local.get $sum) (call $cu (i32.const 0x20000) (i32.const 0x10000))))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
        (local.get $sum))
      (func (export "cp") (param $n i32) (result i32)
        (local $sum i32)
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $sum (i32.add (local.get $sum) (call $cp (i32.const 0x60000) (i32.const 1024))))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
        (local.get $sum)))
    (core instance $run (instantiate $Run (with "m" (instance $mem))
      (with "i" (instance (export "noop" (func $noop_l)) (export "echo8" (func $echo8_l))
        (export "echo16" (func $echo16_l)) (export "cu" (func $cu_l)) (export "cp" (func $cp_l))))))
    (func (export "init") (canon lift (core func $run "init")))
    (func (export "noop") (param "n" u32) (canon lift (core func $run "noop")))
    (func (export "echo-utf8") (param "n" u32) (canon lift (core func $run "echo8")))
    (func (export "echo-utf16") (param "n" u32) (canon lift (core func $run "echo16")))
    (func (export "count-u32") (param "n" u32) (result u32) (canon lift (core func $run "cu")))
    (func (export "count-people") (param "n" u32) (result u32) (canon lift (core func $run "cp"))))

  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller
    (with "noop" (func $callee "noop")) (with "echo-utf8" (func $callee "echo-utf8"))
    (with "echo-utf16" (func $callee "echo-utf16")) (with "count-u32" (func $callee "count-u32"))
    (with "count-people" (func $callee "count-people"))))
  (export "init" (func $caller "init"))
  (export "noop" (func $caller "noop"))
  (export "echo-utf8" (func $caller "echo-utf8"))
  (export "echo-utf16" (func $caller "echo-utf16"))
  (export "count-u32" (func $caller "count-u32"))
  (export "count-people" (func $caller "count-people"))
)"#;

/// The benchmarked functions, with the guest-to-guest calls per iteration.
const FUNCS: [(&str, u32); 5] = [
    ("noop", 1000),
    ("echo-utf8", 100),
    ("echo-utf16", 100),
    ("count-u32", 1),
    ("count-people", 10),
];

/// A store with the composition instantiated and initialised.
fn setup(adapters: bool) -> (Store<()>, weft_harness::Instance) {
    let engine = Engine::new().fused_adapters(adapters);
    let component = component(&engine);
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &component)
        .expect("instantiates");
    let init = instance.get_func(&mut store, "init").expect("init");
    init.call(&mut store, &[], &mut []).expect("init runs");
    (store, instance)
}

fn call(store: &mut Store<()>, f: Func, n: u32) {
    let mut out = vec![Val::U32(0); f.results(&mut *store).len()];
    f.call(&mut *store, &[Val::U32(n)], &mut out)
        .expect("the caller runs");
}

fn guest_to_guest(c: &mut Criterion) {
    let mut group = c.benchmark_group("guest_to_guest");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for (name, calls) in FUNCS {
        group.throughput(Throughput::Elements(u64::from(calls)));
        for (path, adapters) in [("adapter", true), ("host", false)] {
            let (mut store, instance) = setup(adapters);
            let f = instance.get_func(&mut store, name).expect("exported");
            call(&mut store, f, 1);
            // The two paths must really be the two paths.
            assert_eq!(
                store.adapter_calls() > 0,
                adapters,
                "`{name}` on the {path} path"
            );
            group.bench_function(format!("{name}/{path}"), |b| {
                b.iter(|| call(&mut store, f, calls));
            });
        }
    }
    group.finish();
}

fn component(engine: &Engine) -> Component {
    let buf = wast::parser::ParseBuffer::new(COMPOSITION).expect("lexes");
    let mut wat: wast::Wat = wast::parser::parse(&buf).expect("parses");
    Component::new(engine, &wat.encode().expect("encodes")).expect("loads")
}

/// Start-up: loading and instantiating the composition on a fresh engine
/// (every adapter compiled: what building them at load time would move),
/// instantiating it again on the same engine (every adapter from the
/// engine's cache), and instantiating it with adapters off.
fn startup(c: &mut Criterion) {
    let mut group = c.benchmark_group("startup");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let instantiate = |engine: &Engine, component: &Component| {
        let mut store = Store::new(engine, ());
        let instance = Linker::new(engine)
            .instantiate(&mut store, component)
            .expect("instantiates");
        std::hint::black_box((store, instance));
    };
    group.bench_function("load_and_instantiate/fresh_engine", |b| {
        b.iter(|| {
            let engine = Engine::new();
            instantiate(&engine, &component(&engine));
        })
    });
    let engine = Engine::new();
    let cached = component(&engine);
    instantiate(&engine, &cached);
    group.bench_function("instantiate/adapters_cached", |b| {
        b.iter(|| instantiate(&engine, &cached))
    });
    let host_engine = Engine::new().fused_adapters(false);
    let host = component(&host_engine);
    group.bench_function("instantiate/host_path", |b| {
        b.iter(|| instantiate(&host_engine, &host))
    });
    group.finish();
}

criterion_group!(benches, guest_to_guest, startup);
criterion_main!(benches);
