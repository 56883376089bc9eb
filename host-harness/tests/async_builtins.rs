//! Async built-ins the spec's `.wast` suite does not exercise, through the
//! embedding API: `error-context.new`, `.debug-message` and `.drop`, and
//! error contexts as values (through a future, and to and from the host).

// Shared with the other API tests; not every component in it is used here.
#[allow(dead_code)]
mod components;

use components::component;
use weft_harness::{Engine, ErrorContext, Linker, Store, Val};

/// `echo(s)` makes an error context with message `s`, reads the message
/// back through `debug-message`, drops the context and returns the copy;
/// `use-after-drop` asks for the message of a dropped context.
const ERRORS: &str = r#"(component
  (core module $Mem
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $bump))
      (global.set $bump (i32.add (global.get $bump) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))
  (canon error-context.new (memory $mem "mem") (core func $new))
  (canon error-context.debug-message (memory $mem "mem") (realloc (func $mem "realloc"))
    (core func $msg))
  (canon error-context.drop (core func $drop))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "new" (func $new (param i32 i32) (result i32)))
    (import "" "msg" (func $msg (param i32 i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "echo") (param i32 i32) (result i32)
      (local $e i32)
      (local.set $e (call $new (local.get 0) (local.get 1)))
      (call $msg (local.get $e) (i32.const 16))
      (call $drop (local.get $e))
      (i32.const 16))
    (func (export "use-after-drop")
      (local $e i32)
      (local.set $e (call $new (i32.const 0) (i32.const 0)))
      (call $drop (local.get $e))
      (call $msg (local.get $e) (i32.const 16))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "new" (func $new))
    (export "msg" (func $msg))
    (export "drop" (func $drop))))))
  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $m "echo") (memory $mem "mem") (realloc (func $mem "realloc"))))
  (func (export "use-after-drop") (canon lift (core func $m "use-after-drop"))))"#;

#[test]
fn an_error_context_keeps_its_debug_message() {
    let engine = Engine::default();
    let c = component(&engine, ERRORS);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let echo = inst.get_func(&mut store, "echo").unwrap();
    for message in ["", "disk full", "ünïcödé ✓"] {
        let mut out = vec![Val::Bool(false)];
        echo.call(&mut store, &[Val::String(message.into())], &mut out)
            .unwrap();
        assert_eq!(out[0], Val::String(message.into()));
    }
}

#[test]
fn a_dropped_error_context_is_gone() {
    let engine = Engine::default();
    let c = component(&engine, ERRORS);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let f = inst.get_func(&mut store, "use-after-drop").unwrap();
    let err = f.call(&mut store, &[], &mut []).unwrap_err().to_string();
    assert!(err.contains("unknown handle index 1"), "{err}");
}

/// `run` reads an error context out of a `future<error-context>` that
/// another instance wrote ("disk full") and returns it; `echo` returns the
/// error context it is given.
const ERROR_FUTURE: &str = r#"(component
  (component $Src
    (core module $Mem
      (memory (export "mem") 1)
      (data (memory 0) (i32.const 0) "disk full"))
    (core instance $mem (instantiate $Mem))
    (type $F (future error-context))
    (canon error-context.new (memory $mem "mem") (core func $ec.new))
    (canon future.new $F (core func $f.new))
    (canon future.write $F async (memory $mem "mem") (core func $f.write))
    (core module $M
      (import "" "ec.new" (func $ec.new (param i32 i32) (result i32)))
      (import "" "f.new" (func $f.new (result i64)))
      (import "" "f.write" (func $f.write (param i32 i32) (result i32)))
      (import "" "mem" (memory 1))
      (func (export "make") (result i32)
        (local $ends i64)
        (local.set $ends (call $f.new))
        (i32.store (i32.const 16) (call $ec.new (i32.const 0) (i32.const 9)))
        (if (i32.ne (i32.const -1 (; BLOCKED ;))
              (call $f.write (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32)))
                (i32.const 16)))
          (then unreachable))
        (i32.wrap_i64 (local.get $ends))))
    (core instance $m (instantiate $M (with "" (instance
      (export "ec.new" (func $ec.new))
      (export "f.new" (func $f.new))
      (export "f.write" (func $f.write))
      (export "mem" (memory $mem "mem"))))))
    (func (export "make") (result (future error-context)) (canon lift (core func $m "make"))))
  (component $Dst
    (import "make" (func $make (result (future error-context))))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (type $F (future error-context))
    (canon lower (func $make) (core func $make'))
    (canon future.read $F async (memory $mem "mem") (core func $f.read))
    (core module $M
      (import "" "make" (func $make (result i32)))
      (import "" "f.read" (func $f.read (param i32 i32) (result i32)))
      (import "" "mem" (memory 1))
      (func (export "run") (result i32)
        (if (i32.ne (i32.const 0 (; COMPLETED ;)) (call $f.read (call $make) (i32.const 32)))
          (then unreachable))
        (i32.load (i32.const 32)))
      (func (export "echo") (param i32) (result i32) (local.get 0)))
    (core instance $m (instantiate $M (with "" (instance
      (export "make" (func $make'))
      (export "f.read" (func $f.read))
      (export "mem" (memory $mem "mem"))))))
    (func (export "run") (result error-context) (canon lift (core func $m "run")))
    (func (export "echo") (param "e" error-context) (result error-context)
      (canon lift (core func $m "echo"))))
  (instance $src (instantiate $Src))
  (instance $dst (instantiate $Dst (with "make" (func $src "make"))))
  (export "run" (func $dst "run"))
  (export "echo" (func $dst "echo")))"#;

#[test]
fn an_error_context_crosses_a_future_between_instances() {
    let engine = Engine::default();
    let c = component(&engine, ERROR_FUTURE);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let run = inst.get_func(&mut store, "run").unwrap();
    let mut out = vec![Val::Bool(false)];
    run.call(&mut store, &[], &mut out).unwrap();
    match &out[0] {
        Val::ErrorContext(e) => assert_eq!(e.debug_message(), "disk full"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_host_passes_error_contexts_in_and_out() {
    let engine = Engine::default();
    let c = component(&engine, ERROR_FUTURE);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let echo = inst.get_func(&mut store, "echo").unwrap();
    let mut out = vec![Val::Bool(false)];
    let e = ErrorContext::new("from the host");
    echo.call(&mut store, &[Val::ErrorContext(e.clone())], &mut out)
        .unwrap();
    assert_eq!(out[0], Val::ErrorContext(e));
    let err = echo
        .call(&mut store, &[Val::U32(1)], &mut out)
        .unwrap_err()
        .to_string();
    assert!(err.contains("error-context"), "{err}");
}
