//! End-to-end tests of the `weft` binary: a real wasm32-wasip2 Rust command
//! (`tests/guests/cli-hello`), small components written in the text format,
//! and every kind of bad input, each checked for exact output and status.
//!
//! The expected outputs were cross-checked by hand against `wasmtime run`
//! 48.0.8 on the same files: stdout, stderr and exit status are identical for
//! every cli-hello and `--invoke` case here; only the wording of trap and
//! load errors differs. The tests pin the outputs so that a regression shows
//! without wasmtime installed.
//!
//! Cost: one release build of cli-hello (a few seconds, cached in
//! `target/guests`) and ~20 short `weft` processes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod cli_support;
// Shared with the embedding-API tests; only the async race and the
// streams component are used here.
#[allow(dead_code)]
mod components;

use cli_support::{cli_hello, encode_wat};

/// A scratch directory unique to one test.
fn scratch(test: &str) -> PathBuf {
    // Cargo's per-target scratch space: reused (and so not piling up) across runs.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Encodes a component (or module) written in the text format into `dir`.
fn wat(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, encode_wat(text)).expect("writes");
    path
}

/// Runs `weft` with `args`, feeding `stdin`.
fn weft(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("weft starts");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(stdin)
        .expect("stdin");
    child.wait_with_output().expect("weft finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts a one-line error mentioning `needle`, a failure status, no panic.
fn assert_one_line_error(out: &Output, needle: &str) {
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "expected failure, got {stderr}");
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains(needle), "`{needle}` not in: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

const CALC: &str = include_str!("../../tests/guests/cli-hello/wat/calc.wat");

/// A command exiting through `exit-with-code(42)`.
const EXIT_42: &str = include_str!("../../tests/guests/cli-hello/wat/exit42.wat");

#[test]
fn command_prints_arguments_environment_and_stderr() {
    let hello = cli_hello().to_str().unwrap();
    let out = weft(
        &[
            "run", "--env", "FOO=bar", "--env", "EMPTY=", hello, "a", "b c",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "hello from cli-hello\nargc=3\narg[0]=cli-hello.wasm\narg[1]=a\narg[2]=b c\n\
         env EMPTY=\nenv FOO=bar\nwall clock after epoch: true\n\
         monotonic clock advances: true\nhashmap seeded: 1\n"
    );
    assert_eq!(text(&out.stderr), "this line goes to stderr\n");
}

#[test]
fn bare_env_names_pass_the_host_value_through() {
    let hello = cli_hello().to_str().unwrap();
    let run = |name: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_weft"))
            .args(["run", "--env", name, hello, "env", name])
            .env("WEFT_TEST_PASSED", "through")
            .env_remove("WEFT_TEST_UNSET")
            .output()
            .expect("weft runs");
        text(&out.stdout)
    };
    assert_eq!(run("WEFT_TEST_PASSED"), "WEFT_TEST_PASSED=through\n");
    assert_eq!(run("WEFT_TEST_UNSET"), "WEFT_TEST_UNSET is unset\n");
}

#[test]
fn command_reads_stdin_to_the_end() {
    let out = weft(
        &["run", cli_hello().to_str().unwrap(), "echo-stdin"],
        b"line one\nline two",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "read 17 bytes from stdin\nline one\nline two"
    );
}

#[test]
fn invoke_run_prints_the_commands_result() {
    let hello = cli_hello().to_str().unwrap();
    // `exit` ends the call before `run` returns: nothing to print.
    let out = weft(&["run", "--invoke", "run()", hello, "exit", "0"], b"");
    assert_eq!(
        text(&out.stdout),
        "exiting with 0\n",
        "{}",
        text(&out.stderr)
    );
    let out = weft(&["run", "--invoke", "run()", hello, "env", "X"], b"");
    assert_eq!(
        text(&out.stdout),
        "X is unset\nok\n",
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn command_exit_statuses_follow_wasi_cli_exit() {
    let hello = cli_hello().to_str().unwrap();
    let out = weft(&["run", hello, "exit", "0"], b"");
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), "exiting with 0\n".into())
    );
    // Rust's std reports any non-zero status as `exit(err)`, which is 1.
    let out = weft(&["run", hello, "exit", "7"], b"");
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(1), "exiting with 7\n".into())
    );
    assert_eq!(text(&out.stderr), "");

    let dir = scratch("exit");
    let exit42 = wat(&dir, "exit42.wasm", EXIT_42);
    let out = weft(&["run", exit42.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(42), "{}", text(&out.stderr));
}

#[test]
fn piped_stdio_is_not_a_terminal() {
    let out = weft(&["run", cli_hello().to_str().unwrap(), "tty"], b"");
    assert_eq!(
        text(&out.stdout),
        "terminals: stdin=false stdout=false stderr=false\n"
    );
}

#[test]
fn command_sleeps_on_the_monotonic_clock() {
    let started = std::time::Instant::now();
    let out = weft(&["run", cli_hello().to_str().unwrap(), "sleep", "50"], b"");
    assert_eq!(
        text(&out.stdout),
        "slept at least 50 ms: true\n",
        "{}",
        text(&out.stderr)
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(50));
}

#[test]
fn guest_panic_is_a_trap_with_its_message_on_stderr() {
    let out = weft(&["run", cli_hello().to_str().unwrap(), "panic"], b"");
    assert_eq!(out.status.code(), Some(134));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("cli-hello was asked to panic"), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: ") && last.contains("unreachable"),
        "{stderr}"
    );
}

#[test]
fn files_are_visible_only_through_dir() {
    let dir = scratch("dir");
    std::fs::write(dir.join("in.txt"), "from the host\n").unwrap();
    let hello = cli_hello().to_str().unwrap();
    let mapping = format!("{}::/data", dir.display());

    let out = weft(
        &["run", "--dir", &mapping, hello, "read", "/data/in.txt"],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "from the host\n");

    let out = weft(
        &[
            "run",
            "--dir",
            &mapping,
            hello,
            "write",
            "/data/out.txt",
            "guest text",
        ],
        b"",
    );
    assert_eq!(
        text(&out.stdout),
        "wrote 10 bytes\n",
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("out.txt")).unwrap(),
        "guest text"
    );

    std::fs::create_dir(dir.join("sub")).unwrap();
    let out = weft(
        &[
            "run",
            "--dir",
            &mapping,
            hello,
            "append",
            "/data/out.txt",
            "+",
        ],
        b"",
    );
    assert_eq!(
        text(&out.stdout),
        "appended 1 bytes\n",
        "{}",
        text(&out.stderr)
    );
    let out = weft(&["run", "--dir", &mapping, hello, "ls", "/data"], b"");
    assert_eq!(
        text(&out.stdout),
        "in.txt file 14\nout.txt file 11\nsub dir 0\n"
    );

    // Without --dir nothing is preopened; `..` cannot climb out of a preopen.
    // (The guest exits with 2, which Rust's std reports as `exit(err)`: 1.)
    let out = weft(&["run", hello, "read", "/data/in.txt"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "cannot read /data/in.txt: No such file or directory (os error 44)\n"
    );
    let out = weft(
        &[
            "run",
            "--dir",
            &mapping,
            hello,
            "read",
            "/data/../etc/passwd",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert_eq!(
        text(&out.stderr),
        "cannot read /data/../etc/passwd: Operation not permitted (os error 63)\n"
    );
}

#[test]
fn invoke_parses_and_prints_wave() {
    let dir = scratch("invoke");
    let calc = wat(&dir, "calc.wasm", CALC);
    let calc = calc.to_str().unwrap();
    let out = weft(&["run", "--invoke", "add(40, 2)", calc], b"");
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), "42\n".into())
    );
    let out = weft(&["run", "--invoke", "hello()", calc], b"");
    assert_eq!(
        text(&out.stdout),
        "\"hello, weft\"\n",
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn invoke_rejects_ill_typed_arguments_and_unknown_exports() {
    let dir = scratch("invoke-bad");
    let calc = wat(&dir, "calc.wasm", CALC);
    let calc = calc.to_str().unwrap();
    assert_one_line_error(
        &weft(&["run", "--invoke", "add(1, \"x\")", calc], b""),
        "add",
    );
    assert_one_line_error(&weft(&["run", "--invoke", "add(1)", calc], b""), "add");
    assert_one_line_error(
        &weft(&["run", "--invoke", "add(1, 99999999999)", calc], b""),
        "add",
    );
    assert_one_line_error(
        &weft(&["run", "--invoke", "add(1, 2", calc], b""),
        "add(1, 2",
    );
    assert_one_line_error(&weft(&["run", "--invoke", "nope()", calc], b""), "nope");
    // A component without `wasi:cli/run` cannot be run as a command.
    assert_one_line_error(&weft(&["run", calc], b""), "wasi:cli/run");
}

#[test]
fn invoke_reports_a_trap() {
    let dir = scratch("invoke-trap");
    let calc = wat(&dir, "calc.wasm", CALC);
    let out = weft(&["run", "--invoke", "fail()", calc.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(134));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("unreachable"), "{stderr}");
}

#[test]
fn invoke_prints_the_items_of_a_stream_and_the_value_of_a_future() {
    let dir = scratch("invoke-async");
    let streams = wat(&dir, "streams.wasm", components::STREAMS);
    let streams = streams.to_str().unwrap();
    for (call, want) in [
        ("squares(5)", "0\n1\n4\n9\n16\n"),
        ("squares(0)", ""),
        ("later(9)", "10\n"),
    ] {
        let out = weft(&["run", "--invoke", call, streams], b"");
        assert_eq!(
            (out.status.code(), text(&out.stdout)),
            (Some(0), want.into()),
            "{call}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn invoke_of_a_stream_nobody_writes_reports_a_deadlock() {
    let dir = scratch("invoke-silent");
    let streams = wat(&dir, "streams.wasm", components::STREAMS);
    let out = weft(
        &["run", "--invoke", "silent()", streams.to_str().unwrap()],
        b"",
    );
    assert_eq!(out.status.code(), Some(134));
    assert!(
        text(&out.stderr).contains("deadlock"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bad_files_get_a_one_line_error() {
    let dir = scratch("bad-files");
    let garbage = dir.join("garbage.wasm");
    std::fs::write(&garbage, b"this is not WebAssembly").unwrap();
    assert_one_line_error(
        &weft(&["run", garbage.to_str().unwrap()], b""),
        "garbage.wasm",
    );

    let truncated = dir.join("truncated.wasm");
    let hello = std::fs::read(cli_hello()).unwrap();
    std::fs::write(&truncated, &hello[..hello.len() / 3]).unwrap();
    assert_one_line_error(
        &weft(&["run", truncated.to_str().unwrap()], b""),
        "truncated.wasm",
    );

    let module = wat(&dir, "core.wasm", "(module (func (export \"f\")))");
    assert_one_line_error(
        &weft(&["run", module.to_str().unwrap()], b""),
        "core module",
    );

    let missing = dir.join("missing.wasm");
    assert_one_line_error(
        &weft(&["run", missing.to_str().unwrap()], b""),
        "cannot read",
    );
}

#[test]
fn unsatisfied_import_is_named_with_its_type() {
    let dir = scratch("missing-import");
    let needs = wat(
        &dir,
        "needs.wasm",
        r#"(component
          (import "example:missing/thing@1.0.0" (instance
            (export "frob" (func (param "x" u32) (result string))))))"#,
    );
    let out = weft(&["run", needs.to_str().unwrap()], b"");
    assert_one_line_error(
        &out,
        "missing import `example:missing/thing@1.0.0` of type instance",
    );

    // A function the WASI host does not have, inside an interface it does.
    let extra = wat(
        &dir,
        "extra.wasm",
        r#"(component
          (import "wasi:cli/environment@0.2.6" (instance $env
            (export "frob" (func (param "x" u32) (result string)))))
          (alias export $env "frob" (func $frob)))"#,
    );
    assert_one_line_error(&weft(&["run", extra.to_str().unwrap()], b""), "frob");

    // A WASI function imported at the wrong type: every WASI function is
    // typed, so instantiation refuses it, naming both types.
    let wrong = wat(
        &dir,
        "wrong.wasm",
        r#"(component
          (import "wasi:cli/environment@0.2.6" (instance $env
            (export "get-arguments" (func (result u32)))))
          (core func $g (canon lower (func $env "get-arguments")))
          (core module $m
            (import "host" "g" (func $g (result i32)))
            (func (export "run") (result i32) call $g drop i32.const 0))
          (core instance $i (instantiate $m (with "host" (instance (export "g" (func $g))))))
          (func $run (result (result)) (canon lift (core func $i "run")))
          (instance $r (export "run" (func $run)))
          (export "wasi:cli/run@0.2.0" (instance $r)))"#,
    );
    let out = weft(&["run", wrong.to_str().unwrap()], b"");
    assert_one_line_error(
        &out,
        "import `wasi:cli/environment@0.2.6#get-arguments` has the wrong type",
    );
    assert_one_line_error(
        &out,
        "imports `func() -> u32` but the host function is `func() -> list<string>`",
    );
}

#[test]
fn wast_prints_failures_then_a_summary() {
    let dir = scratch("wast");
    let script = dir.join("mixed.wast");
    let directives = [
        r#"(assert_return (invoke "add" (u32.const 1) (u32.const 1)) (u32.const 2))"#,
        r#"(assert_return (invoke "add" (u32.const 1) (u32.const 1)) (u32.const 3))"#,
        r#"(assert_trap (invoke "fail") "unreachable")"#,
    ];
    let calc = CALC.trim_end();
    std::fs::write(&script, format!("{calc}\n{}\n", directives.join("\n"))).unwrap();
    let calc_lines = calc.lines().count();
    let out = weft(&["wast", script.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let location = format!("{}:{}: ", script.display(), calc_lines + 2);
    assert!(lines[0].starts_with(&location), "{stdout}");
    // The component definition, the passing return and the trap pass.
    assert_eq!(lines[1], "3 passed, 1 failed");

    assert_one_line_error(&weft(&["wast", "/no/such/dir"], b""), "/no/such/dir");
}

/// Exports `example:calc/math@1.0.0` with `add`.
const MATH_PROVIDER: &str = r#"(component
  (core module $m
    (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  (core instance $i (instantiate $m))
  (func $add (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
  (instance $math (export "add" (func $add)))
  (export "example:calc/math@1.0.0" (instance $math)))"#;

/// Imports `example:calc/math@1.0.0` and exports `sum3` built on its `add`.
const MATH_USER: &str = r#"(component
  (import "example:calc/math@1.0.0" (instance $math
    (export "add" (func (param "a" u32) (param "b" u32) (result u32)))))
  (core func $add (canon lower (func $math "add")))
  (core module $m
    (import "math" "add" (func $add (param i32 i32) (result i32)))
    (func (export "sum3") (param i32 i32 i32) (result i32)
      local.get 0 local.get 1 call $add local.get 2 call $add))
  (core instance $i (instantiate $m (with "math" (instance (export "add" (func $add))))))
  (func (export "sum3") (param "a" u32) (param "b" u32) (param "c" u32) (result u32)
    (canon lift (core func $i "sum3"))))"#;

#[test]
fn link_satisfies_imports_with_another_components_exports() {
    let dir = scratch("link");
    let provider = wat(&dir, "provider.wasm", MATH_PROVIDER);
    let user = wat(&dir, "user.wasm", MATH_USER);
    let (provider, user) = (provider.to_str().unwrap(), user.to_str().unwrap());
    let out = weft(
        &[
            "run",
            "--link",
            provider,
            "--invoke",
            "sum3(1, 2, 39)",
            user,
        ],
        b"",
    );
    assert_eq!(text(&out.stdout), "42\n", "{}", text(&out.stderr));
    assert_eq!(out.status.code(), Some(0));
    // `--invoke` finds a function inside an exported instance by its name.
    let out = weft(&["run", "--invoke", "add(2, 3)", provider], b"");
    assert_eq!(text(&out.stdout), "5\n", "{}", text(&out.stderr));
    // Without the provider the import is reported by name.
    assert_one_line_error(
        &weft(&["run", "--invoke", "sum3(1, 2, 3)", user], b""),
        "example:calc/math@1.0.0",
    );
}

/// `spin()` never returns; `grow(pages) -> s32` grows a one-page memory.
const LIMITED: &str = r#"(component
  (core module $M
    (memory 1)
    (func (export "spin") (loop $l (br $l)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
  (core instance $m (instantiate $M))
  (func (export "spin") (canon lift (core func $m "spin")))
  (func (export "grow") (param "pages" u32) (result s32) (canon lift (core func $m "grow")))
)"#;

/// Asserts the guest trapped (status 134) with one line naming `limit`.
fn assert_limit_trap(out: &Output, limit: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(134), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr}");
    assert!(stderr.contains(limit), "`{limit}` not in: {stderr}");
}

#[test]
fn fuel_and_timeout_stop_an_endless_guest() {
    let dir = scratch("fuel-timeout");
    let path = wat(&dir, "limited.wasm", LIMITED);
    let path = path.to_str().unwrap();
    let out = weft(&["run", "--fuel", "10000", "--invoke", "spin()", path], b"");
    assert_limit_trap(
        &out,
        "all fuel consumed: the fuel limit of 10000 is exhausted",
    );
    let out = weft(
        &["run", "--timeout", "100ms", "--invoke", "spin()", path],
        b"",
    );
    assert_limit_trap(&out, "time limit of 100ms exceeded");
    // A guest that finishes in time is unaffected.
    let out = weft(
        &[
            "run",
            "--timeout",
            "60s",
            "--fuel",
            "1000000",
            "--invoke",
            "grow(1)",
            path,
        ],
        b"",
    );
    assert_eq!(text(&out.stdout), "1\n", "{}", text(&out.stderr));
}

#[test]
fn max_memory_makes_memory_grow_fail() {
    let dir = scratch("max-memory");
    let path = wat(&dir, "limited.wasm", LIMITED);
    let path = path.to_str().unwrap();
    let out = weft(
        &["run", "--max-memory", "1M", "--invoke", "grow(16)", path],
        b"",
    );
    assert_eq!(text(&out.stdout), "-1\n", "{}", text(&out.stderr));
    let out = weft(
        &["run", "--max-memory", "1M", "--invoke", "grow(15)", path],
        b"",
    );
    assert_eq!(text(&out.stdout), "1\n", "{}", text(&out.stderr));
    let script = dir.join("grow.wast");
    let component = LIMITED.replacen("(component", "(component $c", 1);
    std::fs::write(
        &script,
        format!("{component}\n(assert_return (invoke \"grow\" (u32.const 2)) (s32.const -1))\n"),
    )
    .unwrap();
    let out = weft(
        &["wast", "--max-memory", "128K", script.to_str().unwrap()],
        b"",
    );
    assert_eq!(
        text(&out.stdout),
        "2 passed, 0 failed\n",
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bad_limit_values_are_usage_errors() {
    for (flag, value, needle) in [
        ("--max-memory", "4T", "K, M or G"),
        ("--timeout", "soon", "500ms"),
        ("--fuel", "-3", "-3"),
    ] {
        let out = weft(&["run", flag, value, "x.wasm"], b"");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}: {stderr}");
        assert!(stderr.contains(needle), "{flag} {value}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn wast_writes_the_adapters_it_generates_where_weft_adapters_dir_says() {
    let dir = scratch("adapters");
    // A spec file whose second component calls into the first one.
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/conformance/component-model/values/concat.wast");
    let out = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["wast", script.to_str().unwrap()])
        .env("WEFT_ADAPTERS_DIR", &dir)
        .output()
        .expect("weft runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let modules: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect();
    assert!(!modules.is_empty(), "no adapter module written");
    for m in modules {
        let bytes = std::fs::read(&m).unwrap();
        let features = wasmparser::WasmFeatures::default() | wasmparser::WasmFeatures::MULTI_MEMORY;
        wasmparser::Validator::new_with_features(features)
            .validate_all(&bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", m.display()));
    }
}

/// `--seed` picks the schedule of `weft wast`: the default FIFO schedule
/// runs the four workers of the race in order; some seed among the first
/// 32 reorders them (the assertion fails), and running that seed again
/// prints exactly the same report.
#[test]
fn wast_seed_picks_and_replays_a_schedule() {
    let script = race_script("wast-seed");
    let path = script.to_str().unwrap();
    let fifo = weft(&["wast", path], b"");
    assert_eq!(fifo.status.code(), Some(0), "{}", text(&fifo.stdout));
    let failing = (0..32u64)
        .map(|seed| {
            (
                seed,
                weft(&["wast", "--seed", &seed.to_string(), path], b""),
            )
        })
        .find(|(_, out)| out.status.code() == Some(1));
    let Some((seed, first)) = failing else {
        panic!("no seed below 32 reorders the workers");
    };
    let again = weft(&["wast", "--seed", &seed.to_string(), path], b"");
    assert_eq!(
        text(&first.stdout),
        text(&again.stdout),
        "seed {seed} replays"
    );
    assert!(
        text(&first.stdout).contains("expected"),
        "{}",
        text(&first.stdout)
    );
    let bad = weft(&["wast", "--seed", "soon", path], b"");
    assert_eq!(bad.status.code(), Some(2), "a usage error");
    assert!(text(&bad.stderr).contains("invalid value 'soon' for '--seed"));
}

/// The async race with an ordering bug: `run` traps when the last worker
/// it started ran first. The default FIFO schedule runs them in start
/// order, so the bug hides until a schedule reorders them.
fn ordering_bug() -> String {
    let check = "(if (i32.eqz (i32.load (i32.const 12))) (then unreachable))\n        (call $ret\n          (i32.add";
    let guest = components::RACE.replacen("(call $ret\n          (i32.add", check, 1);
    assert_ne!(guest, components::RACE, "the check went in");
    guest
}

/// The user's view of exploration: `--schedules 100` finds the schedule
/// that breaks the guest and names its seed; `--seed` of that run replays
/// it exactly, down to the byte of its trace.
#[test]
fn schedules_find_an_ordering_bug_and_its_seed_replays_it() {
    let dir = scratch("schedules");
    let guest = wat(&dir, "race.wasm", &ordering_bug());
    let guest = guest.to_str().unwrap();
    let fifo = weft(&["run", "--invoke", "run()", guest], b"");
    assert_eq!(fifo.status.code(), Some(0), "{}", text(&fifo.stderr));
    assert_eq!(text(&fifo.stdout), "3210\n");

    let (found, replayed) = (dir.join("found.json"), dir.join("replayed.json"));
    let explore = weft(
        &[
            "run",
            "--schedules",
            "100",
            "--trace",
            found.to_str().unwrap(),
            "--invoke",
            "run()",
            guest,
        ],
        b"",
    );
    let stderr = text(&explore.stderr);
    assert_eq!(explore.status.code(), Some(134), "a trap: {stderr}");
    let seed = stderr
        .lines()
        .find_map(|l| l.strip_prefix("schedule failed: seed "))
        .and_then(|l| l.split_once(' '))
        .map(|(seed, rest)| {
            assert_eq!(rest, format!("(replay with --seed {seed})"));
            seed.to_string()
        })
        .unwrap_or_else(|| panic!("no seed reported: {stderr}"));
    let trap = stderr.lines().last().unwrap_or_default();
    assert!(trap.contains("unreachable"), "{stderr}");

    let replay = weft(
        &[
            "run",
            "--seed",
            &seed,
            "--trace",
            replayed.to_str().unwrap(),
            "--invoke",
            "run()",
            guest,
        ],
        b"",
    );
    assert_eq!(replay.status.code(), Some(134));
    assert_eq!(text(&replay.stderr), format!("{trap}\n"), "same failure");
    assert_eq!(text(&replay.stdout), "");
    let (a, b) = (
        std::fs::read(&found).unwrap(),
        std::fs::read(&replayed).unwrap(),
    );
    assert_eq!(a, b, "seed {seed} replays the same timeline");
    // Every seed before it passed, printing its order.
    let passed = text(&explore.stdout);
    assert_eq!(passed.lines().count(), seed.parse::<usize>().unwrap());
    assert!(passed.lines().all(|l| l.len() == 4), "{passed}");
}

/// `--trace` writes a Chrome trace-event document: named rows for the
/// tasks, balanced run slices, and the waits' events.
#[test]
fn trace_is_chrome_trace_event_json() {
    let dir = scratch("trace");
    let guest = wat(&dir, "race.wasm", components::RACE);
    let out = dir.join("trace.json");
    let run = weft(
        &[
            "run",
            "--seed",
            "3",
            "--trace",
            out.to_str().unwrap(),
            "--invoke",
            "run()",
            guest.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).expect("valid JSON");
    let events = doc["traceEvents"].as_array().expect("a traceEvents array");
    let named = |ph: &str, name: &str| {
        events
            .iter()
            .filter(|e| e["ph"] == ph && e["name"] == name)
            .collect::<Vec<_>>()
    };
    // The host's call of `run` and its four workers, each named after its
    // task, the instance's `$id` and the export it runs.
    let rows = named("M", "thread_name");
    let mut row_names: Vec<&str> = rows
        .iter()
        .map(|r| r["args"]["name"].as_str().unwrap_or_default())
        .collect();
    row_names.sort_unstable();
    assert_eq!(
        row_names,
        [
            "task 0: d.run",
            "task 1: w.work",
            "task 2: w.work",
            "task 3: w.work",
            "task 4: w.work"
        ],
    );
    let (begins, ends) = (named("B", "run"), named("E", "run"));
    assert_eq!(begins.len(), ends.len(), "every slice closes");
    assert!(
        begins.len() >= 9,
        "run starts, each worker starts and is called back"
    );
    // Slices give the instance's path under the root, named after the file.
    let paths: std::collections::BTreeSet<&str> = begins
        .iter()
        .map(|b| b["args"]["instance"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(paths, ["race/d", "race/w"].into(), "{begins:?}");
    for tid in rows.iter().map(|r| &r["tid"]) {
        let mut depth = 0i32;
        for e in events.iter().filter(|e| &e["tid"] == tid) {
            depth += i32::from(e["ph"] == "B") - i32::from(e["ph"] == "E");
            assert!(depth >= 0, "an end before its begin on {tid}");
        }
        assert_eq!(depth, 0, "slices balance on {tid}");
    }
    assert_eq!(named("i", "event subtask").len(), 4, "one per worker");
    assert_eq!(named("i", "resolved").len(), 5);
    assert!(
        ends.iter()
            .any(|e| e["args"]["outcome"] == "blocked: waitable-set.wait"),
        "run blocks in waitable-set.wait"
    );
    assert!(
        ends.iter().any(|e| e["args"]["outcome"] == "parked: yield"),
        "the workers park on YIELD"
    );
    let ts: Vec<u64> = events.iter().filter_map(|e| e["ts"].as_u64()).collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "time runs forward");
}

/// A script that instantiates the async race and asserts the FIFO order
/// (worker 0 first), which other schedules break.
fn race_script(test: &str) -> PathBuf {
    let script = scratch(test).join("race.wast");
    let body = format!(
        "{}\n(assert_return (invoke \"run\") (u32.const 3210))\n",
        components::RACE
    );
    std::fs::write(&script, body).unwrap();
    script
}

/// `weft wast --trace`: one file for all the scripts, each script's store
/// a process of its own named after the script, rows named as in `run`.
#[test]
fn wast_trace_has_a_process_per_script() {
    let first = race_script("wast-trace-a");
    // The same race, named by its `$id`: the root instance takes it.
    let second = scratch("wast-trace-b").join("named.wast");
    let named = components::RACE.replacen("(component", "(component $racer", 1);
    let body = format!("{named}\n(assert_return (invoke \"run\") (u32.const 3210))\n");
    std::fs::write(&second, body).unwrap();
    let out = first.with_file_name("trace.json");
    let run = weft(
        &[
            "wast",
            "--trace",
            out.to_str().unwrap(),
            first.to_str().unwrap(),
            second.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stdout));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).expect("valid JSON");
    let events = doc["traceEvents"].as_array().expect("a traceEvents array");
    let processes: Vec<(u64, &str)> = events
        .iter()
        .filter(|e| e["name"] == "process_name")
        .map(|e| {
            (
                e["pid"].as_u64().unwrap(),
                e["args"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        processes,
        [(1, first.to_str().unwrap()), (2, second.to_str().unwrap())]
    );
    for (pid, root) in [(1, "instance 0"), (2, "racer")] {
        let of_script = |ph: &str, name: &str| {
            events
                .iter()
                .filter(|e| e["pid"] == pid && e["ph"] == ph && e["name"] == name)
                .collect::<Vec<_>>()
        };
        let rows: Vec<&str> = of_script("M", "thread_name")
            .iter()
            .map(|r| r["args"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(rows.len(), 5, "{rows:?}");
        assert_eq!(rows.iter().filter(|r| r.ends_with(": d.run")).count(), 1);
        assert_eq!(rows.iter().filter(|r| r.ends_with(": w.work")).count(), 4);
        let begins = of_script("B", "run");
        assert!(
            begins
                .iter()
                .any(|b| b["args"]["instance"] == format!("{root}/d")),
            "{begins:?}"
        );
    }
}

/// `weft wast --schedules`: the first failing seed's report, then the
/// options that replay it, under either strategy.
#[test]
fn wast_schedules_report_the_replaying_options() {
    let script = race_script("wast-schedules");
    let path = script.to_str().unwrap();
    for strategy in [
        &["--strategy", "random"][..],
        &["--strategy", "pct", "--pct-depth", "2", "--pct-steps", "6"],
    ] {
        let mut args = vec!["wast", "--schedules", "50"];
        args.extend_from_slice(strategy);
        args.push(path);
        let found = weft(&args, b"");
        assert_eq!(found.status.code(), Some(1), "{}", text(&found.stdout));
        let stdout = text(&found.stdout);
        let (report, last) = stdout.trim_end().rsplit_once('\n').unwrap();
        let replay = last
            .strip_prefix("schedule failed: seed ")
            .and_then(|l| l.split_once(" (replay with "))
            .map(|(_, opts)| opts.trim_end_matches(')').to_string())
            .unwrap_or_else(|| panic!("no replay line: {stdout}"));
        let mut args = vec!["wast"];
        args.extend(replay.split(' '));
        args.push(path);
        let again = weft(&args, b"");
        assert_eq!(text(&again.stdout).trim_end(), report, "{replay} replays");
        assert!(report.ends_with("1 passed, 1 failed"), "{report}");
    }
    // The default FIFO schedule passes.
    let fifo = weft(&["wast", path], b"");
    let fifo = text(&fifo.stdout);
    assert!(fifo.ends_with("\n2 passed, 0 failed\n"), "{fifo}");
    for bad in [
        &["wast", "--strategy", "fair", path][..],
        &["wast", "--strategy", "pct", "--pct-depth", "0", path],
        &["wast", "--schedules", "0", path],
    ] {
        let out = weft(bad, b"");
        assert_eq!(out.status.code(), Some(2), "a usage error: {bad:?}");
        assert!(
            text(&out.stderr).contains("invalid value"),
            "{}",
            text(&out.stderr)
        );
    }
}

/// The stream benchmark's composition: a producer writes `chunks` blocks
/// of 64 KiB to a `stream<u8>`, a consumer reads and counts them.
const STREAM_U8: &str = include_str!("../../benches/benches/stream_u8.wat");

/// Stream copies show in the trace: one per write, with its size and the
/// two instances it moved between.
#[test]
fn trace_shows_stream_copies_between_instances() {
    let dir = scratch("trace-stream");
    let guest = wat(&dir, "stream.wasm", STREAM_U8);
    let out = dir.join("trace.json");
    let run = weft(
        &[
            "run",
            "--trace",
            out.to_str().unwrap(),
            "--invoke",
            "run(3)",
            guest.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(text(&run.stdout), "196608\n", "3 x 64 KiB arrived");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).expect("valid JSON");
    let copies: Vec<&serde_json::Value> = doc["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["name"] == "copy")
        .collect();
    assert_eq!(copies.len(), 3, "{copies:?}");
    for c in copies {
        assert_eq!(c["args"]["elements"], 65536);
        assert_eq!(c["args"]["from"], "stream/producer", "{c}");
        assert_eq!(c["args"]["to"], "stream/consumer", "{c}");
    }
}
