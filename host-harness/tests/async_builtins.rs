//! Async built-ins the spec's `.wast` suite does not exercise, through the
//! embedding API: `error-context.new`, `.debug-message` and `.drop`.

// Shared with the other API tests; not every component in it is used here.
#[allow(dead_code)]
mod components;

use components::component;
use weft_harness::{Engine, Linker, Store, Val};

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
