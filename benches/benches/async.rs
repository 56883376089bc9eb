//! Component-model async on the harness's scheduler, against the
//! `wasmtime` CLI in the same run where it can be compared.
//!
//! - `async_call`: one host call of an async-lifted export with a callback
//!   that calls `task.return` and exits at once (`get: async func() ->
//!   u32`). In-process on weft, beside a synchronous export of the same
//!   shape. wasmtime's CLI has no in-process loop, so both runtimes also
//!   run a `.wast` script with 0 and with [`CALLS`] `assert_return`
//!   invokes of `get` (wasmtime with `-W component-model-async=y`);
//!   `(t(CALLS) - t(0)) / CALLS` is the per-call cost of a script-driven
//!   call on each.
//! - `pending_subtasks`: one store, [`PENDING`] (or `WEFT_BENCH_PENDING`)
//!   concurrently pending
//!   subtasks: a driver starts that many calls of a stackful async export
//!   that suspends in `thread.yield`, then waits for every one. A host
//!   import called while all of them are suspended reads the bytes live on
//!   the heap (this bench counts them in its global allocator) and the
//!   resident set size, so the run prints the memory per suspended thread;
//!   criterion times the whole call, and the run prints how long resuming
//!   them all took.
//!
//! - `stream_u8`: `stream<u8>` from one guest to another
//!   (`stream_u8.wat`: a producer writes 64 KiB at a time, a consumer reads
//!   64 KiB at a time, a parent connects them), 1 GiB per run (or
//!   `WEFT_BENCH_STREAM_MIB`), as bytes per second. In-process on weft; by
//!   the same `.wast` method on both runtimes (a run of the full size
//!   against a run of 0 bytes; wasmtime with
//!   `-W component-model-async=y,component-model-async-stackful=y`).
//!
//! The wasmtime side is skipped with a note when `~/.cargo/bin/wasmtime`
//! (or `$WASMTIME`) is absent or cannot run the script. Run with
//! `cargo bench -p weft-benches --bench async`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// Shared by every bench; not each uses all of it.
#[allow(dead_code)]
mod peers;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use peers::{encode, repo_root, run_process, wasmtime, weft_bin};
use weft_harness::{Component, Engine, Linker, Store, Val};

/// How many calls the long `.wast` script makes.
const CALLS: u32 = 2000;

/// How many subtasks are pending at once in `pending_subtasks`, unless
/// `WEFT_BENCH_PENDING` says otherwise: the issue's figure.
const PENDING: u32 = 10_000;

fn pending_count() -> u32 {
    std::env::var("WEFT_BENCH_PENDING")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(PENDING)
}

/// `get`, lifted async with a callback that is never called: the entry
/// point returns its value and EXIT at once. `get-sync` is the same body
/// lifted synchronously, for comparison.
const CALLEE: &str = r#"(component
  (core module $M
    (import "" "task.return" (func $ret (param i32)))
    (func (export "get") (result i32)
      (call $ret (i32.const 42))
      (i32.const 0 (; EXIT ;)))
    (func (export "get-cb") (param i32 i32 i32) (result i32) unreachable)
    (func (export "get-sync") (result i32) (i32.const 42)))
  (canon task.return (result u32) (core func $ret))
  (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $ret))))))
  (func (export "get") async (result u32)
    (canon lift (core func $m "get") async (callback (core func $m "get-cb"))))
  (func (export "get-sync") (result u32) (canon lift (core func $m "get-sync"))))"#;

/// The stream benchmark's composition (`run(chunks) -> bytes`).
const STREAM_COMPONENT: &str = include_str!("stream_u8.wat");

/// Bytes per stream write and read.
const CHUNK: u64 = 64 * 1024;

/// `run(n)` starts `n` calls of `park`, a stackful async export that
/// suspends once in `thread.yield`; calls the host's `mark` while all of
/// them are suspended; then waits for each to return and drops it.
const PENDING_COMPONENT: &str = r#"(component
  (import "mark" (func $mark))
  (component $W
    (core module $M
      (import "" "task.return" (func $ret))
      (import "" "thread.yield" (func $yield (result i32)))
      (func (export "park") (drop (call $yield)) (call $ret)))
    (canon task.return (core func $ret))
    (canon thread.yield (core func $yield))
    (core instance $m (instantiate $M (with "" (instance
      (export "task.return" (func $ret))
      (export "thread.yield" (func $yield))))))
    (func (export "park") async (canon lift (core func $m "park") async)))
  (component $D
    (import "park" (func $park async))
    (import "mark" (func $mark))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $DM
      (import "" "mem" (memory 1))
      (import "" "park" (func $park (result i32)))
      (import "" "mark" (func $mark))
      (import "" "waitable-set.new" (func $wsnew (result i32)))
      (import "" "waitable.join" (func $join (param i32 i32)))
      (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
      (import "" "subtask.drop" (func $sdrop (param i32)))
      (import "" "task.return" (func $ret (param i32)))
      (func (export "run") (param $n i32)
        (local $ws i32) (local $i i32) (local $r i32)
        (local.set $ws (call $wsnew))
        (loop $start
          (local.set $r (call $park))
          (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; STARTED ;)))
            (then unreachable))
          (call $join (i32.shr_u (local.get $r) (i32.const 4)) (local.get $ws))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $start (i32.lt_u (local.get $i) (local.get $n))))
        (call $mark)
        (local.set $i (i32.const 0))
        (loop $drain
          (if (i32.ne (call $wait (local.get $ws) (i32.const 0)) (i32.const 1 (; SUBTASK ;)))
            (then unreachable))
          (call $sdrop (i32.load (i32.const 0)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $drain (i32.lt_u (local.get $i) (local.get $n))))
        (call $ret (local.get $n))))
    (canon lower (func $park) async (core func $park'))
    (canon lower (func $mark) (core func $mark'))
    (canon waitable-set.new (core func $wsnew))
    (canon waitable.join (core func $join))
    (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $wait))
    (canon subtask.drop (core func $sdrop))
    (canon task.return (result u32) (core func $ret))
    (core instance $dm (instantiate $DM (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "park" (func $park'))
      (export "mark" (func $mark'))
      (export "waitable-set.new" (func $wsnew))
      (export "waitable.join" (func $join))
      (export "waitable-set.wait" (func $wait))
      (export "subtask.drop" (func $sdrop))
      (export "task.return" (func $ret))))))
    (func (export "run") async (param "n" u32) (result u32)
      (canon lift (core func $dm "run") async)))
  (instance $w (instantiate $W))
  (instance $d (instantiate $D (with "park" (func $w "park")) (with "mark" (func $mark))))
  (export "run" (func $d "run")))"#;

/// Writes the call script: the callee followed by `calls` invokes of `get`.
fn wast_script(dir: &Path, calls: u32) -> PathBuf {
    let mut script = CALLEE.to_string();
    for _ in 0..calls {
        script.push_str("\n(assert_return (invoke \"get\") (u32.const 42))");
    }
    let path = dir.join(format!("async-calls-{calls}.wast"));
    std::fs::write(&path, script).expect("writes script");
    path
}

/// wasmtime's arguments for running `script` with the `-W` `features`.
fn wasmtime_wast<'a>(features: &'a str, script: &'a str) -> [&'a str; 6] {
    ["wast", "-W", features, "-C", "cache=n", script]
}

/// Times `weft wast` and, when it is installed and runs the first script,
/// `wasmtime wast -W features` on each of `scripts`.
fn wast_peers(group: &mut BenchmarkGroup<'_, WallTime>, scripts: &[PathBuf], features: &str) {
    let utf8 = |p: &Path| p.to_str().expect("utf-8 path").to_string();
    let first = utf8(&scripts[0]);
    let wasmtime = wasmtime().filter(|w| runs(w, &wasmtime_wast(features, &first)));
    if wasmtime.is_none() {
        println!("note: no wasmtime that runs {first}; skipping its wasmtime_wast_* side");
    }
    let weft = weft_bin();
    for script in scripts {
        let name = script.file_stem().and_then(|s| s.to_str()).expect("name");
        let arg = utf8(script);
        group.bench_function(format!("weft_wast_{name}"), |b| {
            b.iter(|| run_process(weft, &["wast", &arg], " 0 failed"))
        });
        if let Some(wasmtime) = &wasmtime {
            group.bench_function(format!("wasmtime_wast_{name}"), |b| {
                b.iter(|| run_process(wasmtime, &wasmtime_wast(features, &arg), ""))
            });
        }
    }
}

/// Whether `program` runs `args` successfully; prints why not.
fn runs(program: &Path, args: &[&str]) -> bool {
    match Command::new(program).args(args).output() {
        Ok(out) if out.status.success() => true,
        Ok(out) => {
            println!(
                "note: {} {args:?} fails: {}",
                program.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
            false
        }
        Err(e) => {
            println!("note: {} cannot start: {e}", program.display());
            false
        }
    }
}

fn async_call(c: &mut Criterion) {
    let engine = Engine::default();
    let component = Component::new(&engine, &encode(CALLEE)).expect("valid component");
    let mut store = Store::new(&engine, ());
    let instance = Linker::<()>::new(&engine)
        .instantiate(&mut store, &component)
        .expect("instantiates");
    let mut group = c.benchmark_group("async_call");
    for name in ["get", "get-sync"] {
        let f = instance.get_func(&mut store, name).expect("exported");
        let mut results = [Val::U32(0)];
        f.call(&mut store, &[], &mut results).expect("calls");
        assert!(matches!(results[0], Val::U32(42)), "{name}: {results:?}");
        group.bench_function(format!("weft_in_process_{name}"), |b| {
            b.iter(|| {
                f.call(&mut store, &[], &mut results).expect("calls");
                std::hint::black_box(&results);
            })
        });
    }

    let dir = repo_root().join("target/bench-scripts");
    std::fs::create_dir_all(&dir).expect("script dir");
    let scripts = [wast_script(&dir, 0), wast_script(&dir, CALLS)];
    group.sample_size(10);
    wast_peers(&mut group, &scripts, "component-model-async=y");
    group.finish();
}

/// The system allocator, counting the bytes it has handed out and not yet
/// taken back. The resident set size alone cannot show what suspended
/// threads hold: memory the allocator kept from earlier benchmarks is
/// reused without growing it.
struct CountingAlloc;

static LIVE_HEAP_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees hold; the counter is only arithmetic
// on the sizes passed in and never touches the memory.
unsafe impl std::alloc::GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: forwarded as is; `layout` is valid by the caller's contract.
        let ptr = unsafe { std::alloc::System.alloc(layout) };
        if !ptr.is_null() {
            LIVE_HEAP_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        LIVE_HEAP_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc`/`realloc` above with `layout`.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        // SAFETY: forwarded as is, under the caller's contract for `realloc`.
        let out = unsafe { std::alloc::System.realloc(ptr, layout, new) };
        if !out.is_null() {
            LIVE_HEAP_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE_HEAP_BYTES.fetch_add(new, Ordering::Relaxed);
        }
        out
    }
}

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn live_heap_bytes() -> u64 {
    LIVE_HEAP_BYTES.load(Ordering::Relaxed) as u64
}

/// The resident set size of this process, in bytes (Linux; 0 elsewhere).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// What the host's `mark` records when all subtasks are suspended: the
/// time, the live heap bytes and the resident size.
#[derive(Default)]
struct Marks {
    at: Option<(Instant, u64, u64)>,
}

/// What one run of `PENDING_COMPONENT` measured.
struct PendingRun {
    heap_per_thread: f64,
    resident_per_thread: f64,
    resume: Duration,
}

/// One run of `PENDING_COMPONENT` with `n` subtasks in a fresh store.
fn pending_once(engine: &Engine, component: &Component, n: u32) -> PendingRun {
    let mut linker = Linker::<Marks>::new(engine);
    linker
        .root()
        .func_wrap("mark", |mut cx, (): ()| {
            cx.data_mut().at = Some((Instant::now(), live_heap_bytes(), resident_bytes()));
            Ok(())
        })
        .expect("defines mark");
    let mut store = Store::new(engine, Marks::default());
    let instance = linker
        .instantiate(&mut store, component)
        .expect("instantiates");
    let run = instance.get_func(&mut store, "run").expect("exported");
    let (heap_before, resident_before) = (live_heap_bytes(), resident_bytes());
    let mut out = [Val::U32(0)];
    run.call(&mut store, &[Val::U32(n)], &mut out)
        .expect("all subtasks finish");
    let done = Instant::now();
    assert!(matches!(out[0], Val::U32(v) if v == n), "{out:?}");
    let (at, heap, resident) = store.data().at.expect("mark was called");
    let per = |bytes: u64, before: u64| bytes.saturating_sub(before) as f64 / f64::from(n);
    PendingRun {
        heap_per_thread: per(heap, heap_before),
        resident_per_thread: per(resident, resident_before),
        resume: done - at,
    }
}

fn pending_subtasks(c: &mut Criterion) {
    let engine = Engine::default();
    let component = Component::new(&engine, &encode(PENDING_COMPONENT)).expect("valid component");
    let n = pending_count();
    let run = pending_once(&engine, &component, n);
    println!(
        "pending_subtasks: {n} suspended threads, {:.0} heap bytes each ({:.0} bytes of resident growth each); resuming all took {:?} ({:.2} us each)",
        run.heap_per_thread,
        run.resident_per_thread,
        run.resume,
        run.resume.as_secs_f64() * 1e6 / f64::from(n)
    );
    let mut group = c.benchmark_group("pending_subtasks");
    group.sample_size(10);
    group.bench_function(format!("weft_start_and_resume_{n}"), |b| {
        b.iter(|| pending_once(&engine, &component, n))
    });
    group.finish();
}

/// How many 64 KiB chunks `stream_u8` moves per run.
fn stream_chunks() -> u32 {
    let mib: u64 = std::env::var("WEFT_BENCH_STREAM_MIB")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1024);
    (mib * 1024 * 1024 / CHUNK) as u32
}

/// Writes the stream script for `chunks` chunks.
fn stream_script(dir: &Path, chunks: u32) -> PathBuf {
    let bytes = u64::from(chunks) * CHUNK;
    let script = format!(
        "{STREAM_COMPONENT}\n(assert_return (invoke \"run\" (u32.const {chunks})) (u32.const {bytes}))\n"
    );
    let path = dir.join(format!("stream-{chunks}.wast"));
    std::fs::write(&path, script).expect("writes script");
    path
}

fn stream_u8(c: &mut Criterion) {
    let chunks = stream_chunks();
    let bytes = u64::from(chunks) * CHUNK;
    let engine = Engine::default();
    let component = Component::new(&engine, &encode(STREAM_COMPONENT)).expect("valid component");
    let mut store = Store::new(&engine, ());
    let instance = Linker::<()>::new(&engine)
        .instantiate(&mut store, &component)
        .expect("instantiates");
    let run = instance.get_func(&mut store, "run").expect("exported");
    let mut group = c.benchmark_group("stream_u8");
    group
        .sample_size(10)
        .throughput(criterion::Throughput::Bytes(bytes));
    group.bench_function(format!("weft_in_process_{chunks}x64KiB"), |b| {
        b.iter(|| {
            let mut out = [Val::U32(0)];
            run.call(&mut store, &[Val::U32(chunks)], &mut out)
                .expect("the copy runs");
            assert!(
                matches!(out[0], Val::U32(v) if u64::from(v) == bytes),
                "{out:?}"
            );
        })
    });
    let dir = repo_root().join("target/bench-scripts");
    std::fs::create_dir_all(&dir).expect("script dir");
    let scripts = [stream_script(&dir, 0), stream_script(&dir, chunks)];
    wast_peers(
        &mut group,
        &scripts,
        "component-model-async=y,component-model-async-stackful=y",
    );
    group.finish();
}

criterion_group!(benches, async_call, pending_subtasks, stream_u8);
criterion_main!(benches);
