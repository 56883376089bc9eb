//! Fused adapters for calls whose callee the scheduler runs (an `async`
//! function type, an async lift): the adapter moves the arguments in core
//! wasm and hands the start, the block and the return to the scheduler.
//! Every case runs once with adapters and once on the host-mediated path,
//! which must agree; the adapter count shows which path ran.

#[expect(dead_code, reason = "this test uses only the adapter runner")]
mod components;

use components::{BUMP_REALLOC, call_with_adapters};
use weft_harness::Val;

/// `$Callee.echo(a, b, c, s)` is lifted async without a callback: it yields
/// once (so its caller sees it block), checks `a + b + c == 6`, and returns
/// `s` through `task.return`. Five flat parameters: a synchronous caller
/// passes them flat, an `async` one through its memory. `$Caller` calls it
/// both ways: `run-sync` blocks until the result is there; `run-async`
/// gets a started subtask, waits for it on a waitable set and drops it.
/// Both return the echoed string, from their own memory.
const ECHO: &str = r#"(component
  (component $Callee
    $MEM
    (core instance $mem (instantiate $Mem))
    (core func $yield (canon thread.yield))
    (core func $ret (canon task.return (result string) (memory (core memory $mem "mem"))))
    (core module $M
      (import "" "yield" (func $yield (result i32)))
      (import "" "ret" (func $ret (param i32 i32)))
      (func (export "echo") (param i32 i32 i32 i32 i32)
        (drop (call $yield))
        (if (i32.ne (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)) (i32.const 6))
          (then unreachable))
        (call $ret (local.get 3) (local.get 4))))
    (core instance $m (instantiate $M (with "" (instance
      (export "yield" (func $yield))
      (export "ret" (func $ret))))))
    (func (export "echo") async
      (param "a" u32) (param "b" u32) (param "c" u32) (param "s" string) (result string)
      (canon lift (core func $m "echo") async
        (memory (core memory $mem "mem")) (realloc (func $mem "realloc")))))

  (component $Caller
    (import "echo" (func $echo async
      (param "a" u32) (param "b" u32) (param "c" u32) (param "s" string) (result string)))
    $MEM
    (core instance $mem (instantiate $Mem))
    (core module $Data (import "" "mem" (memory 1)) (data (i32.const 16) "hello"))
    (core instance (instantiate $Data (with "" (instance (export "mem" (memory $mem "mem"))))))
    (core func $echo-sync (canon lower (func $echo)
      (memory (core memory $mem "mem")) (realloc (func $mem "realloc"))))
    (core func $echo-async (canon lower (func $echo) async
      (memory (core memory $mem "mem")) (realloc (func $mem "realloc"))))
    (core func $ws-new (canon waitable-set.new))
    (core func $join (canon waitable.join))
    (core func $wait (canon waitable-set.wait (memory (core memory $mem "mem"))))
    (core func $drop (canon subtask.drop))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "echo-sync" (func $echo-sync (param i32 i32 i32 i32 i32 i32)))
      (import "" "echo-async" (func $echo-async (param i32 i32) (result i32)))
      (import "" "ws-new" (func $ws-new (result i32)))
      (import "" "join" (func $join (param i32 i32)))
      (import "" "wait" (func $wait (param i32 i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "run-sync") (param $a i32) (result i32)
        (call $echo-sync (local.get $a) (i32.const 2) (i32.const 3)
          (i32.const 16) (i32.const 5) (i32.const 64))
        (i32.const 64))
      (func (export "run-async") (param $a i32) (result i32)
        (local $status i32) (local $ws i32) (local $sub i32)
        ;; The parameters as the tuple (u32, u32, u32, string) at 128.
        (i32.store (i32.const 128) (local.get $a))
        (i32.store (i32.const 132) (i32.const 2))
        (i32.store (i32.const 136) (i32.const 3))
        (i32.store (i32.const 140) (i32.const 16))
        (i32.store (i32.const 144) (i32.const 5))
        (local.set $status (call $echo-async (i32.const 128) (i32.const 64)))
        ;; The callee yielded: STARTED (1), with the subtask's handle.
        (if (i32.ne (i32.and (local.get $status) (i32.const 0xf)) (i32.const 1))
          (then unreachable))
        (local.set $sub (i32.shr_u (local.get $status) (i32.const 4)))
        (local.set $ws (call $ws-new))
        (call $join (local.get $sub) (local.get $ws))
        ;; SUBTASK (1) of our handle, RETURNED (2).
        (if (i32.ne (call $wait (local.get $ws) (i32.const 256)) (i32.const 1))
          (then unreachable))
        (if (i32.ne (i32.load (i32.const 256)) (local.get $sub))
          (then unreachable))
        (if (i32.ne (i32.load (i32.const 260)) (i32.const 2))
          (then unreachable))
        (call $drop (local.get $sub))
        (i32.const 64)))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "echo-sync" (func $echo-sync))
      (export "echo-async" (func $echo-async))
      (export "ws-new" (func $ws-new))
      (export "join" (func $join))
      (export "wait" (func $wait))
      (export "drop" (func $drop))))))
    (func (export "run-sync") async (param "a" u32) (result string)
      (canon lift (core func $m "run-sync") (memory (core memory $mem "mem"))))
    (func (export "run-async") async (param "a" u32) (result string)
      (canon lift (core func $m "run-async") (memory (core memory $mem "mem")))))

  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "echo" (func $callee "echo"))))
  (export "run-sync" (func $caller "run-sync"))
  (export "run-async" (func $caller "run-async"))
)"#;

/// Runs `name(a)` both ways: they must agree, and only the fused run
/// uses an adapter (once: one call from the caller to the callee).
fn both(name: &str, a: u32) -> Result<Option<Val>, String> {
    let mem = format!("(core module $Mem (memory (export \"mem\") 1) {BUMP_REALLOC})");
    let text = ECHO.replace("$MEM", &mem);
    let (fused, fused_calls) = call_with_adapters(&text, name, &[Val::U32(a)], true);
    let (host, host_calls) = call_with_adapters(&text, name, &[Val::U32(a)], false);
    assert_eq!(fused, host, "adapter and host paths disagree on `{name}`");
    assert_eq!(fused_calls, 1, "`{name}` went through one adapter");
    assert_eq!(host_calls, 0, "the host path uses no adapter");
    fused
}

#[test]
fn a_sync_caller_blocks_on_an_async_callee_through_an_adapter() {
    let hello = Ok(Some(Val::String("hello".into())));
    assert_eq!(both("run-sync", 1), hello);
}

#[test]
fn an_async_caller_gets_a_subtask_through_an_adapter() {
    let hello = Ok(Some(Val::String("hello".into())));
    assert_eq!(both("run-async", 1), hello);
}

#[test]
fn a_callee_trap_after_an_adapted_start_is_the_same_trap_on_both_paths() {
    // `a + b + c` is not 6: the callee traps after it resumed.
    for name in ["run-sync", "run-async"] {
        let outcome = both(name, 7);
        let message = outcome.expect_err("the callee traps");
        assert!(message.contains("unreachable"), "{name}: {message}");
    }
}

/// The async part of the spec suite gives the same outcome, directive by
/// directive, with adapters and on the host path, and its calls into
/// async callees go through adapters.
#[test]
fn the_async_suite_agrees_with_adapters_and_on_the_host_path() {
    let shared = std::env::var_os("WEFT_SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
        });
    let dir = shared.join("conformance/component-model/async");
    let fused = weft_harness::wast::run_paths_with_adapters(std::slice::from_ref(&dir), true)
        .expect("the suite is readable");
    let host = weft_harness::wast::run_paths_with_adapters(&[dir], false).expect("readable");
    let messages = |s: &weft_harness::wast::Summary| -> Vec<String> {
        s.failures.iter().map(ToString::to_string).collect()
    };
    assert_eq!(messages(&fused), messages(&host));
    assert_eq!(fused.passed, host.passed);
    assert_eq!(host.adapter_calls, 0);
    // Before calls into async callees were fused, the suite made 514
    // adapted calls (all synchronous ones).
    assert!(
        fused.adapter_calls > 600,
        "{} adapted calls",
        fused.adapter_calls
    );
}

/// `$Caller.pass` makes a `future<u8>` and passes its readable end to
/// `$Callee.take`, which drops it and returns 7 (the writable end stays:
/// it may not be dropped before a value is written); `reuse` then also
/// drops the readable end it no longer has, which traps.
const FUTURES: &str = r#"(component
  (component $Callee
    (type $FT (future u8))
    (core func $drop (canon future.drop-readable $FT))
    (core module $M
      (import "" "drop" (func $drop (param i32)))
      (func (export "take") (param i32) (result i32)
        (call $drop (local.get 0))
        (i32.const 7)))
    (core instance $m (instantiate $M (with "" (instance (export "drop" (func $drop))))))
    (func (export "take") (param "f" (future u8)) (result u32) (canon lift (core func $m "take"))))
  (component $Caller
    (import "take" (func $take (param "f" (future u8)) (result u32)))
    (type $FT (future u8))
    (core func $new (canon future.new $FT))
    (core func $drop-r (canon future.drop-readable $FT))
    (core func $take' (canon lower (func $take)))
    (core module $M
      (import "" "new" (func $new (result i64)))
      (import "" "drop-r" (func $drop-r (param i32)))
      (import "" "take" (func $take (param i32) (result i32)))
      (func $pass (param $reuse i32) (result i32)
        (local $ends i64) (local $got i32)
        (local.set $ends (call $new))
        (local.set $got (call $take (i32.wrap_i64 (local.get $ends))))
        (if (local.get $reuse) (then (call $drop-r (i32.wrap_i64 (local.get $ends)))))
        (local.get $got))
      (func (export "pass") (result i32) (call $pass (i32.const 0)))
      (func (export "reuse") (result i32) (call $pass (i32.const 1))))
    (core instance $m (instantiate $M (with "" (instance
      (export "new" (func $new))
      (export "drop-r" (func $drop-r))
      (export "take" (func $take'))))))
    (func (export "pass") (result u32) (canon lift (core func $m "pass")))
    (func (export "reuse") (result u32) (canon lift (core func $m "reuse"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "take" (func $callee "take"))))
  (export "pass" (func $caller "pass"))
  (export "reuse" (func $caller "reuse"))
)"#;

#[test]
fn a_future_end_moves_to_the_callee_through_an_adapter() {
    for (name, adapters) in [
        ("pass", true),
        ("pass", false),
        ("reuse", true),
        ("reuse", false),
    ] {
        let (outcome, calls) = call_with_adapters(FUTURES, name, &[], adapters);
        assert_eq!(calls, u64::from(adapters), "{name}: adapted calls");
        match name {
            "pass" => assert_eq!(outcome, Ok(Some(Val::U32(7))), "adapters {adapters}"),
            _ => {
                // The caller's end left its table with the call.
                let message = outcome.expect_err("the moved end is gone");
                assert!(message.contains("unknown handle index"), "{message}");
            }
        }
    }
}

/// `$Caller.run(a, disc, v)` lowers `$Callee.f(a, 20, 300, o)` `async`:
/// five flat parameters, so it passes them in its memory, with the raw
/// discriminant `disc` and payload `v` of the `option<u32>` `o`. The
/// callee (lifted async, no callback) returns `a + 20 + 300 + 10 * v`, or
/// `+ 1000` for `none`, at once: the status is RETURNED and the caller
/// reads the result from its memory.
const OPTION_IN_MEMORY: &str = r#"(component
  (component $Callee
    (core func $ret (canon task.return (result u32)))
    (core module $M
      (import "" "ret" (func $ret (param i32)))
      (func (export "f") (param i32 i32 i32 i32 i32)
        (call $ret (i32.add
          (i32.add (local.get 0) (i32.add (local.get 1) (local.get 2)))
          (select (i32.mul (local.get 4) (i32.const 10)) (i32.const 1000) (local.get 3))))))
    (core instance $m (instantiate $M (with "" (instance (export "ret" (func $ret))))))
    (func (export "f") async
      (param "a" u32) (param "b" u32) (param "c" u32) (param "o" (option u32)) (result u32)
      (canon lift (core func $m "f") async)))
  (component $Caller
    (import "f" (func $f async
      (param "a" u32) (param "b" u32) (param "c" u32) (param "o" (option u32)) (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $f' (canon lower (func $f) async (memory $mem "mem")))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "f" (func $f (param i32 i32) (result i32)))
      (func (export "run") (param $a i32) (param $disc i32) (param $v i32) (result i32)
        (i32.store (i32.const 0) (local.get $a))
        (i32.store (i32.const 4) (i32.const 20))
        (i32.store (i32.const 8) (i32.const 300))
        (i32.store8 (i32.const 12) (local.get $disc))
        (i32.store (i32.const 16) (local.get $v))
        (if (i32.ne (call $f (i32.const 0) (i32.const 64)) (i32.const 2 (; RETURNED ;)))
          (then unreachable))
        (i32.load (i32.const 64))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "f" (func $f'))))))
    (func (export "run") async (param "a" u32) (param "disc" u32) (param "v" u32) (result u32)
      (canon lift (core func $m "run"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "f" (func $callee "f"))))
  (export "run" (func $caller "run"))
)"#;

#[test]
fn an_async_caller_passes_a_variant_in_memory_to_a_callee_that_takes_it_flat() {
    let both = |disc: u32| {
        let args = [Val::U32(1), Val::U32(disc), Val::U32(7)];
        let (fused, calls) = call_with_adapters(OPTION_IN_MEMORY, "run", &args, true);
        let (host, _) = call_with_adapters(OPTION_IN_MEMORY, "run", &args, false);
        assert_eq!(fused, host, "disc {disc}: the paths disagree");
        assert_eq!(calls, 1, "disc {disc}: one adapted call");
        fused
    };
    assert_eq!(both(1), Ok(Some(Val::U32(1 + 20 + 300 + 70))));
    assert_eq!(both(0), Ok(Some(Val::U32(1 + 20 + 300 + 1000))));
    let trap = both(2).expect_err("no third case");
    assert!(trap.contains("invalid variant discriminant"), "{trap}");
}

/// `$Caller.pass` makes an error context and passes it to `$Callee.take`
/// (an `async` function lifted async, which the scheduler runs): the callee
/// drops the handle it got and returns 7 through `task.return`; then the
/// caller drops its own handle, which it kept. `wrong` passes a waitable
/// set instead, which traps.
const ERROR_CONTEXT: &str = r#"(component
  (component $Callee
    (core func $drop (canon error-context.drop))
    (core func $ret (canon task.return (result u32)))
    (core module $M
      (import "" "drop" (func $drop (param i32)))
      (import "" "ret" (func $ret (param i32)))
      (func (export "take") (param i32)
        (call $drop (local.get 0))
        (call $ret (i32.const 7))))
    (core instance $m (instantiate $M (with "" (instance
      (export "drop" (func $drop)) (export "ret" (func $ret))))))
    (func (export "take") async (param "e" error-context) (result u32)
      (canon lift (core func $m "take") async)))
  (component $Caller
    (import "take" (func $take async (param "e" error-context) (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $new (canon error-context.new (memory $mem "mem")))
    (core func $drop (canon error-context.drop))
    (core func $ws (canon waitable-set.new))
    (core func $take' (canon lower (func $take)))
    (core module $M
      (import "" "new" (func $new (param i32 i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (import "" "ws" (func $ws (result i32)))
      (import "" "take" (func $take (param i32) (result i32)))
      (func (export "pass") (result i32)
        (local $e i32) (local $got i32)
        (local.set $e (call $new (i32.const 0) (i32.const 0)))
        (local.set $got (call $take (local.get $e)))
        (call $drop (local.get $e))
        (local.get $got))
      (func (export "wrong") (result i32) (call $take (call $ws))))
    (core instance $m (instantiate $M (with "" (instance
      (export "new" (func $new)) (export "drop" (func $drop))
      (export "ws" (func $ws)) (export "take" (func $take'))))))
    ;; An `async` type, so that the synchronous call of `take` may block.
    (func (export "pass") async (result u32) (canon lift (core func $m "pass")))
    (func (export "wrong") async (result u32) (canon lift (core func $m "wrong"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "take" (func $callee "take"))))
  (export "pass" (func $caller "pass"))
  (export "wrong" (func $caller "wrong"))
)"#;

#[test]
fn an_error_context_is_copied_to_a_scheduled_callee_through_an_adapter() {
    for name in ["pass", "wrong"] {
        let (fused, calls) = call_with_adapters(ERROR_CONTEXT, name, &[], true);
        let (host, host_calls) = call_with_adapters(ERROR_CONTEXT, name, &[], false);
        assert_eq!(fused, host, "adapter and host paths disagree on `{name}`");
        assert_eq!((calls, host_calls), (1, 0), "{name}: adapted calls");
        match name {
            "pass" => assert_eq!(fused, Ok(Some(Val::U32(7)))),
            _ => {
                let message = fused.expect_err("a waitable set is no error context");
                assert!(message.contains("is not an error-context"), "{message}");
            }
        }
    }
}
