//! The WASI host through the library API, without the `weft` binary: what
//! an embedder sees when it captures a guest's output in memory.
//!
//! Cost: reuses the cli-hello build of the `cli` tests; three in-process runs.

mod cli_support;

use cli_support::{cli_hello, encode_wat};
use weft_harness::wasi::{WasiCtx, WasiCtxBuilder};
use weft_harness::{Component, Engine, Error, Linker, Store, Val};

/// Runs cli-hello's `wasi:cli/run` with `ctx`; returns the run's outcome and
/// the store, whose WASI context holds the captured output.
fn run_hello(ctx: WasiCtx) -> (Result<Val, Error>, Store<WasiCtx>) {
    let engine = Engine::default();
    let component = Component::new(&engine, &std::fs::read(cli_hello()).unwrap()).unwrap();
    let mut linker = Linker::new(&engine);
    weft_harness::wasi::add_to_linker(&mut linker).unwrap();
    let mut store = Store::new(&engine, ctx);
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let run = instance
        .get_func(&mut store, "wasi:cli/run@0.2.0#run")
        .expect("cli-hello is a command");
    let mut results = [Val::Bool(false)];
    let outcome = run.call(&mut store, &[], &mut results);
    let [result] = results;
    (outcome.map(|()| result), store)
}

fn captured_stdout(store: &Store<WasiCtx>) -> String {
    String::from_utf8(store.data().stdout().expect("captured").contents()).unwrap()
}

#[test]
fn stdio_is_captured_and_stdin_comes_from_bytes() {
    let ctx = WasiCtxBuilder::new()
        .args(["prog", "echo-stdin"])
        .stdin_bytes(b"abc".to_vec())
        .build();
    let (outcome, store) = run_hello(ctx);
    assert_eq!(outcome.unwrap(), Val::Result(Ok(None)));
    assert_eq!(captured_stdout(&store), "read 3 bytes from stdin\nabc");
}

#[test]
fn arguments_environment_and_stderr_are_the_builders() {
    let ctx = WasiCtxBuilder::new()
        .arg("prog")
        .env("ONLY", "this")
        .build();
    let stderr = ctx.stderr().expect("captured");
    let (outcome, store) = run_hello(ctx);
    assert!(outcome.is_ok());
    let stdout = captured_stdout(&store);
    assert!(
        stdout.starts_with("hello from cli-hello\nargc=1\narg[0]=prog\nenv ONLY=this\n"),
        "{stdout}"
    );
    // The handle taken before the run sees what the guest wrote.
    assert_eq!(stderr.contents(), b"this line goes to stderr\n");
}

#[test]
fn exit_is_an_error_carrying_the_status() {
    let ctx = WasiCtxBuilder::new().args(["prog", "exit", "3"]).build();
    let (outcome, store) = run_hello(ctx);
    // std turns every non-zero status into `exit(err)`, i.e. 1.
    assert_eq!(outcome.unwrap_err().exit_code(), Some(1));
    assert_eq!(captured_stdout(&store), "exiting with 3\n");
}

#[test]
fn exit_with_code_reaches_the_embedder() {
    let engine = Engine::default();
    let text = include_str!("../../tests/guests/cli-hello/wat/exit42.wat");
    let component = Component::new(&engine, &encode_wat(text)).unwrap();
    let mut linker = Linker::new(&engine);
    weft_harness::wasi::add_to_linker(&mut linker).unwrap();
    let mut store = Store::new(&engine, WasiCtx::default());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let run = instance
        .get_func(&mut store, "wasi:cli/run@0.2.0#run")
        .unwrap();
    let err = run
        .call(&mut store, &[], &mut [Val::Bool(false)])
        .unwrap_err();
    assert_eq!(err.exit_code(), Some(42));
}

#[test]
fn a_preopen_must_be_a_directory() {
    let file = cli_hello();
    assert!(WasiCtxBuilder::new().preopened_dir(file, "/x").is_err());
    assert!(
        WasiCtxBuilder::new()
            .preopened_dir("/definitely/not/here", "/x")
            .is_err()
    );
}
