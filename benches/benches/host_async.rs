//! The host side of the scheduler, in-process on weft:
//! - `host_async`: one host-to-guest call of a stackful async export that
//!   sync-lowers an async host function (`func_wrap_async`) whose future
//!   is ready at once, and one whose future yields once first (the guest
//!   thread suspends, the event loop polls the woken future, the thread
//!   resumes);
//! - `host_stream`: the host reading a `stream<u32>` a guest export
//!   returns, 64 guest writes of 1024 elements (65,536 `Val`s per run).
//!
//! Run with `cargo bench -p weft-benches --bench host_async`.

use std::task::Poll;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use weft_harness::{Component, Engine, Instance, Linker, Store, Val};

const GUEST: &str = r#"(component
  (import "ready" (func $ready async (param "n" u32) (result u32)))
  (import "yielding" (func $yielding async (param "n" u32) (result u32)))
  (core module $Memory (memory (export "mem") 1))
  (core instance $memory (instantiate $Memory))
  (type $ST (stream u32))
  (core func $ready' (canon lower (func $ready)))
  (core func $yielding' (canon lower (func $yielding)))
  (canon stream.new $ST (core func $stream.new))
  (canon stream.write $ST (memory $memory "mem") (core func $stream.write))
  (canon stream.drop-writable $ST (core func $stream.drop-writable))
  (canon task.return (result $ST) (core func $ret-stream))
  (canon task.return (result u32) (core func $ret-u32))
  (core module $M
    (import "" "ready" (func $ready (param i32) (result i32)))
    (import "" "yielding" (func $yielding (param i32) (result i32)))
    (import "" "stream.new" (func $stream.new (result i64)))
    (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
    (import "" "stream.drop-writable" (func $stream.drop-writable (param i32)))
    (import "" "ret-stream" (func $ret-stream (param i32)))
    (import "" "ret-u32" (func $ret-u32 (param i32)))
    (func (export "call-ready") (param i32) (call $ret-u32 (call $ready (local.get 0))))
    (func (export "call-yielding") (param i32) (call $ret-u32 (call $yielding (local.get 0))))
    (func (export "numbers") (param $chunks i32)
      (local $rw i64) (local $w i32)
      (local.set $rw (call $stream.new))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $rw) (i64.const 32))))
      (call $ret-stream (i32.wrap_i64 (local.get $rw)))
      (block $done (loop $l
        (br_if $done (i32.eqz (local.get $chunks)))
        (drop (call $stream.write (local.get $w) (i32.const 0) (i32.const 1024)))
        (local.set $chunks (i32.sub (local.get $chunks) (i32.const 1)))
        (br $l)))
      (call $stream.drop-writable (local.get $w))))
  (core instance $m (instantiate $M (with "" (instance
    (export "ready" (func $ready'))
    (export "yielding" (func $yielding'))
    (export "stream.new" (func $stream.new))
    (export "stream.write" (func $stream.write))
    (export "stream.drop-writable" (func $stream.drop-writable))
    (export "ret-stream" (func $ret-stream))
    (export "ret-u32" (func $ret-u32))))))
  (func (export "call-ready") async (param "n" u32) (result u32)
    (canon lift (core func $m "call-ready") async))
  (func (export "call-yielding") async (param "n" u32) (result u32)
    (canon lift (core func $m "call-yielding") async))
  (func (export "numbers") async (param "chunks" u32) (result (stream u32))
    (canon lift (core func $m "numbers") async)))"#;

fn setup() -> (Store<()>, Instance) {
    let engine = Engine::default();
    let buf = wast::parser::ParseBuffer::new(GUEST).expect("lexes");
    let mut wat: wast::Wat = wast::parser::parse(&buf).expect("parses");
    let component = Component::new(&engine, &wat.encode().expect("encodes")).expect("loads");
    let mut linker = Linker::new(&engine);
    let mut root = linker.root();
    root.func_wrap_async("ready", |_, (n,): (u32,)| async move { Ok((n + 1,)) })
        .expect("defines");
    root.func_wrap_async("yielding", |_, (n,): (u32,)| async move {
        let mut polled = false;
        std::future::poll_fn(|cx| {
            if polled {
                return Poll::Ready(());
            }
            polled = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        })
        .await;
        Ok((n + 1,))
    })
    .expect("defines");
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &component).expect("links");
    (store, instance)
}

fn host_async(c: &mut Criterion) {
    let (mut store, instance) = setup();
    let mut group = c.benchmark_group("host_async");
    for name in ["call-ready", "call-yielding"] {
        let f = instance.get_func(&mut store, name).expect("exported");
        group.bench_function(name, |b| {
            let mut out = [Val::U32(0)];
            b.iter(|| {
                f.call(&mut store, &[Val::U32(41)], &mut out)
                    .expect("calls");
                assert_eq!(out[0], Val::U32(42));
            });
        });
    }
    group.finish();
}

fn host_stream(c: &mut Criterion) {
    const CHUNKS: u32 = 64;
    let (mut store, instance) = setup();
    let numbers = instance.get_func(&mut store, "numbers").expect("exported");
    let mut group = c.benchmark_group("host_stream");
    group.throughput(Throughput::Elements(u64::from(CHUNKS) * 1024));
    group.bench_function("read_64x1024_u32", |b| {
        b.iter(|| {
            let mut out = [Val::Bool(false)];
            numbers
                .call(&mut store, &[Val::U32(CHUNKS)], &mut out)
                .expect("calls");
            let [Val::Stream(end)] = out else {
                panic!("not a stream");
            };
            let items = end.read_all(&mut store).expect("reads");
            assert_eq!(items.len(), CHUNKS as usize * 1024);
        });
    });
    group.finish();
}

criterion_group!(benches, host_async, host_stream);
criterion_main!(benches);
