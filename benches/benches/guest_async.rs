//! The guest side of component-model async, per bindings generator: the
//! same guest (`tests/guests/async-bench`) built by weft and by
//! wit-bindgen 0.61.1, run in-process on the weft harness, so the host's
//! share is the same and the difference is the bindings and runtime inside
//! the guest.
//!
//! - `guest_async_import`: one async export that makes [`CALLS`] calls of
//!   an async import whose host function is ready at once (each call
//!   returns before the lowered import does), against the same export
//!   making none; `(t(CALLS) - t(0)) / CALLS` is one call's cost.
//! - `guest_stream_u8`: [`ROUNDS`] pairs of one 64 KiB `stream<u8>` write
//!   and one 64 KiB read of the same stream inside the guest, as bytes per
//!   second.
//!
//! Run with `cargo bench -p weft-benches --bench guest_async`; the guests
//! are built first (release, into `target/guests` and `target/guests-peer`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use weft_harness::wasi::{WasiCtx, WasiCtxBuilder};
use weft_harness::{Component, Engine, Instance, Linker, Store, Val};
use weft_tests::Generator;
use weft_tests::guests::build_guest_workspace;

/// Async import calls per export call in `guest_async_import`.
const CALLS: u32 = 1000;

/// Write/read pairs per export call in `guest_stream_u8`.
const ROUNDS: u32 = 16;

const CHUNK: u64 = 64 * 1024;

const GENERATORS: [(Generator, &str); 2] = [
    (Generator::Weft, "weft"),
    (Generator::WitBindgen, "wit-bindgen"),
];

/// The bench guest built by `generator`, instantiated with `ready` (`x + 1`,
/// ready at once) and WASI.
fn setup(generator: Generator) -> (Store<WasiCtx>, Instance) {
    let build = build_guest_workspace(generator).unwrap_or_else(|e| panic!("{e:#}"));
    let path = build
        .component("async-bench")
        .unwrap_or_else(|e| panic!("{e:#}"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let engine = Engine::default();
    let component = Component::new(&engine, &bytes).expect("loads");
    let mut linker = Linker::new(&engine);
    weft_harness::wasi::add_to_linker(&mut linker).expect("WASI links");
    linker
        .root()
        .func_wrap_async("ready", |_, (x,): (u32,)| async move { Ok((x + 1,)) })
        .expect("defines ready");
    let mut store = Store::new(&engine, WasiCtxBuilder::new().build());
    let instance = linker
        .instantiate(&mut store, &component)
        .expect("instantiates");
    (store, instance)
}

fn guest_async_import(c: &mut Criterion) {
    let mut group = c.benchmark_group("guest_async_import");
    for (generator, label) in GENERATORS {
        let (mut store, instance) = setup(generator);
        let f = instance
            .get_func(&mut store, "call-ready")
            .expect("exported");
        for calls in [0, CALLS] {
            // sum of (i + 1) for i in 0..calls.
            let expected = Val::U32(calls * (calls + 1) / 2);
            group.bench_function(format!("{label}/{calls}_calls"), |b| {
                let mut out = [Val::U32(0)];
                b.iter(|| {
                    f.call(&mut store, &[Val::U32(calls)], &mut out)
                        .expect("calls");
                    assert_eq!(out[0], expected);
                });
            });
        }
    }
    group.finish();
}

fn guest_stream_u8(c: &mut Criterion) {
    let mut group = c.benchmark_group("guest_stream_u8");
    group.throughput(Throughput::Bytes(u64::from(ROUNDS) * CHUNK));
    for (generator, label) in GENERATORS {
        let (mut store, instance) = setup(generator);
        let f = instance
            .get_func(&mut store, "stream-pairs")
            .expect("exported");
        group.bench_function(format!("{label}/{ROUNDS}x64KiB"), |b| {
            let mut out = [Val::U64(0)];
            b.iter(|| {
                f.call(&mut store, &[Val::U32(ROUNDS)], &mut out)
                    .expect("calls");
                assert_eq!(out[0], Val::U64(u64::from(ROUNDS) * CHUNK));
            });
        });
    }
    group.finish();
}

criterion_group!(benches, guest_async_import, guest_stream_u8);
criterion_main!(benches);
