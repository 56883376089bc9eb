//! Harness benchmarks, measured against the `wasmtime` CLI in the same run.
//!
//! - `startup_1mb`: load + instantiate + first call of `cli-big`, a 1.2 MB
//!   release wasm32-wasip2 Rust command (`tests/guests/cli-hello`, feature
//!   `big`). In-process for weft, and whole-process `weft run` against
//!   `wasmtime run -C cache=n`, both printing the same checksum line.
//! - `call_overhead`: one host-to-guest call of `add(u32, u32) -> u32` from
//!   `tests/guests/cli-hello/wat/calc.wat`, in-process on weft. The wasmtime
//!   CLI offers no in-process loop, so both runtimes also run the same
//!   `.wast` script with 0 and with [`CALLS`] `assert_return` invokes of
//!   `add`; `(t(CALLS) - t(0)) / CALLS` is the per-call cost of a
//!   script-driven call on each (parsing the directive, lowering, calling,
//!   lifting, comparing), the same work on both sides.
//! - `stdin_copy`: `cli-hello echo-stdin` copying 6.5 MiB from stdin to
//!   stdout, whole process on both runtimes (WASI stream throughput).
//!
//! The wasmtime side is skipped with a note when `~/.cargo/bin/wasmtime`
//! (or `$WASMTIME`) is absent. Run with
//! `cargo bench -p weft-benches --bench harness`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

// Shared by every bench; not each uses all of it.
#[allow(dead_code)]
mod peers;

use criterion::{Criterion, criterion_group, criterion_main};
use peers::{cargo_build, encode, repo_root, run_checked, run_process, wasmtime, weft_bin};
use weft_harness::wasi::{WasiCtx, WasiCtxBuilder};
use weft_harness::{Component, Engine, Linker, Store, Val};

/// How many calls the long `.wast` script makes.
const CALLS: u32 = 2000;

/// Builds the release `bin` of the `cli-hello` guest package (with
/// `features`, if any) and returns its path.
fn build_guest(bin: &str, features: &[&str]) -> PathBuf {
    let root = repo_root();
    let manifest = root.join("tests/guests/Cargo.toml");
    let target = root.join("target/guests");
    let mut args = vec![
        "--release",
        "--target",
        "wasm32-wasip2",
        "-p",
        "cli-hello",
        "--bin",
        bin,
        "--manifest-path",
        manifest.to_str().expect("utf-8 path"),
    ];
    for feature in features {
        args.extend(["--features", feature]);
    }
    cargo_build(&args, &target);
    target.join(format!("wasm32-wasip2/release/{bin}.wasm"))
}

/// The 1.2 MB guest, built once.
fn cli_big() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| build_guest("cli-big", &["big"]))
}

/// The `cli-hello` command (its `echo-stdin` mode copies stdin to stdout),
/// built once.
fn cli_hello() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| build_guest("cli-hello", &[]))
}

fn calc_text() -> String {
    let path = repo_root().join("tests/guests/cli-hello/wat/calc.wat");
    std::fs::read_to_string(path).expect("calc.wat")
}

/// Loads, instantiates and runs `cli-big` in-process; returns its stdout.
fn weft_start_and_run(engine: &Engine, bytes: &[u8]) -> Vec<u8> {
    let component = Component::new(engine, bytes).expect("valid component");
    let mut linker = Linker::<WasiCtx>::new(engine);
    weft_harness::wasi::add_to_linker(&mut linker).expect("WASI links");
    let ctx = WasiCtxBuilder::new().arg("cli-big.wasm").build();
    let stdout = ctx.stdout().expect("captured");
    let mut store = Store::new(engine, ctx);
    let instance = linker
        .instantiate(&mut store, &component)
        .expect("instantiates");
    let run = instance
        .get_func(&mut store, "wasi:cli/run@0.2.0#run")
        .expect("a command");
    let mut results = vec![Val::Bool(false)];
    run.call(&mut store, &[], &mut results).expect("runs");
    stdout.contents()
}

fn startup(c: &mut Criterion) {
    let big = cli_big();
    let bytes = std::fs::read(big).expect("cli-big.wasm");
    println!("startup guest: {} ({} bytes)", big.display(), bytes.len());
    let engine = Engine::default();
    let expected = "cli-big: 4096 renderers";
    let out = weft_start_and_run(&engine, &bytes);
    assert!(String::from_utf8_lossy(&out).starts_with(expected));

    let mut group = c.benchmark_group("startup_1mb");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("weft_in_process", |b| {
        b.iter(|| weft_start_and_run(&engine, &bytes))
    });
    let big_arg = big.to_str().expect("utf-8 path");
    let weft = weft_bin();
    group.bench_function("weft_process", |b| {
        b.iter(|| run_process(weft, &["run", big_arg], expected))
    });
    match wasmtime() {
        Some(wasmtime) => {
            group.bench_function("wasmtime_process", |b| {
                b.iter(|| run_process(&wasmtime, &["run", "-C", "cache=n", big_arg], expected))
            });
        }
        None => println!("note: wasmtime not found; skipping startup_1mb/wasmtime_process"),
    }
    group.finish();
}

/// Writes the call scripts: calc.wat followed by `calls` invokes of `add`.
fn wast_script(dir: &Path, calls: u32) -> PathBuf {
    let mut script = calc_text();
    for i in 0..calls {
        script.push_str(&format!(
            "\n(assert_return (invoke \"add\" (u32.const {i}) (u32.const 1)) (u32.const {}))",
            i + 1
        ));
    }
    let path = dir.join(format!("calls-{calls}.wast"));
    std::fs::write(&path, script).expect("writes script");
    path
}

fn call_overhead(c: &mut Criterion) {
    let engine = Engine::default();
    let component = Component::new(&engine, &encode(&calc_text())).expect("valid component");
    let linker = Linker::<()>::new(&engine);
    let mut store = Store::new(&engine, ());
    let instance = linker
        .instantiate(&mut store, &component)
        .expect("instantiates");
    let add = instance.get_func(&mut store, "add").expect("exported");

    let mut group = c.benchmark_group("call_overhead");
    group.bench_function("weft_in_process_add", |b| {
        let mut results = [Val::U32(0)];
        b.iter(|| {
            add.call(&mut store, &[Val::U32(40), Val::U32(2)], &mut results)
                .expect("calls");
            std::hint::black_box(&results);
        })
    });

    let dir = repo_root().join("target/bench-scripts");
    std::fs::create_dir_all(&dir).expect("script dir");
    let scripts = [wast_script(&dir, 0), wast_script(&dir, CALLS)];
    let weft = weft_bin();
    group.sample_size(10);
    for script in &scripts {
        let name = script.file_stem().and_then(|s| s.to_str()).expect("name");
        let arg = script.to_str().expect("utf-8 path");
        group.bench_function(format!("weft_wast_{name}"), |b| {
            b.iter(|| run_process(weft, &["wast", arg], "failed"))
        });
        match wasmtime() {
            Some(wasmtime) => {
                group.bench_function(format!("wasmtime_wast_{name}"), |b| {
                    b.iter(|| run_process(&wasmtime, &["wast", "-C", "cache=n", arg], ""))
                });
            }
            None => {
                println!("note: wasmtime not found; skipping call_overhead/wasmtime_wast_{name}")
            }
        }
    }
    group.finish();
}

/// Writes `len` pseudo-random bytes (a fixed xorshift sequence, so every
/// run copies the same input) to a file for the stdin benchmark.
fn stdin_input(len: usize) -> PathBuf {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let dir = repo_root().join("target/bench-scripts");
    std::fs::create_dir_all(&dir).expect("input dir");
    let path = dir.join(format!("stdin-{len}.bin"));
    std::fs::write(&path, bytes).expect("writes input");
    path
}

/// Runs a process with `input` on stdin; checks it succeeded and that its
/// stdout starts with `expect_first_line`.
fn run_with_stdin(program: &Path, args: &[&str], input: &Path, expect_first_line: &str) {
    let stdout = run_checked(program, args, Some(input));
    assert!(stdout.starts_with(expect_first_line.as_bytes()));
}

/// `stdin_copy`: `cli-hello echo-stdin` reads 6.5 MiB from stdin and
/// writes it back, whole process on both runtimes: WASI stream throughput
/// (`input-stream.read`, `output-stream.blocking-write-and-flush`).
fn stdin_copy(c: &mut Criterion) {
    const LEN: usize = 6_815_744;
    let input = stdin_input(LEN);
    let guest = cli_hello().to_str().expect("utf-8 path");
    let expected = format!("read {LEN} bytes from stdin");
    let args = ["run", guest, "echo-stdin"];
    let mut group = c.benchmark_group("stdin_copy");
    group.sample_size(10);
    let weft = weft_bin();
    group.bench_function("weft_process", |b| {
        b.iter(|| run_with_stdin(weft, &args, &input, &expected))
    });
    match wasmtime() {
        Some(wasmtime) => {
            let args = ["run", "-C", "cache=n", guest, "echo-stdin"];
            group.bench_function("wasmtime_process", |b| {
                b.iter(|| run_with_stdin(&wasmtime, &args, &input, &expected))
            });
        }
        None => println!("note: wasmtime not found; skipping stdin_copy/wasmtime_process"),
    }
    group.finish();
}

criterion_group!(benches, startup, call_overhead, stdin_copy);
criterion_main!(benches);
