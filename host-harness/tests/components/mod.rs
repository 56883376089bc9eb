//! Components shared by the embedding-API and CLI tests.

use weft_harness::{Component, Engine, Linker, Store, Val};

/// Encodes and loads a component written in the text format.
pub fn component(engine: &Engine, text: &str) -> Component {
    let buf = wast::parser::ParseBuffer::new(text).expect("lexes");
    let mut wat: wast::Wat = wast::parser::parse(&buf).expect("parses");
    Component::new(engine, &wat.encode().expect("encodes")).expect("loads")
}

/// A bump allocator exported as `realloc` (from address 1024), to paste
/// into a core module that has a memory.
// Only the adapter tests use it.
#[allow(dead_code)]
pub const BUMP_REALLOC: &str = r#"(global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (i32.and
          (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get 2))))
        (global.set $next (i32.add (local.get $p) (local.get 3)))
        (local.get $p))"#;

/// Instantiates `text` on an engine with fused adapters on or off and
/// calls its export `name` with `args`: the outcome (an error as its
/// message) and how many calls between instances went through adapters.
// Only the adapter tests use it.
#[allow(dead_code)]
pub fn call_with_adapters(
    text: &str,
    name: &str,
    args: &[Val],
    adapters: bool,
) -> (Result<Option<Val>, String>, u64) {
    let engine = Engine::new().fused_adapters(adapters);
    let c = component(&engine, text);
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &c)
        .expect("instantiates");
    let f = instance.get_func(&mut store, name).expect("exported");
    let mut out = vec![Val::Bool(false); f.results(&mut store).len()];
    let outcome = f
        .call(&mut store, args, &mut out)
        .map(|()| out.pop())
        .map_err(|e| e.to_string());
    (outcome, store.adapter_calls())
}

/// Imports `double: func(x: u32) -> u32` from `test:host/math@0.2.4` and
/// exports `quad`, which calls it twice.
pub const IMPORTER: &str = r#"(component
  (import "test:host/math@0.2.4" (instance $h
    (export "double" (func (param "x" u32) (result u32)))))
  (alias export $h "double" (func $double))
  (core func $d (canon lower (func $double)))
  (core module $M
    (import "h" "double" (func $d (param i32) (result i32)))
    (func (export "quad") (param i32) (result i32) (call $d (call $d (local.get 0)))))
  (core instance $m (instantiate $M (with "h" (instance (export "double" (func $d))))))
  (func (export "quad") (param "x" u32) (result u32) (canon lift (core func $m "quad")))
)"#;

/// `$D.run` starts four async calls of `$W.work`; each parks with `YIELD`
/// and, when the event loop calls it back, returns how many workers were
/// called back before it. `run` waits for all four and returns the order
/// as digits: worker `i`'s position is digit `i` (ones digit = worker 0).
// Only the `schedule` and `cli` tests use it; each test crate compiles this
// module on its own.
#[allow(dead_code)]
pub const RACE: &str = r#"(component
  (component $W
    (core module $M
      (import "" "task.return" (func $ret (param i32)))
      (global $next (mut i32) (i32.const 0))
      (func (export "work") (result i32) (i32.const 1 (; YIELD ;)))
      (func (export "work-cb") (param i32 i32 i32) (result i32)
        (call $ret (global.get $next))
        (global.set $next (i32.add (global.get $next) (i32.const 1)))
        (i32.const 0 (; EXIT ;))))
    (canon task.return (result u32) (core func $ret))
    (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $ret))))))
    (func (export "work") async (result u32)
      (canon lift (core func $m "work") async (callback (core func $m "work-cb")))))
  (component $D
    (import "work" (func $work async (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $DM
      (import "" "mem" (memory 1))
      (import "" "work" (func $work (param i32) (result i32)))
      (import "" "waitable-set.new" (func $wsnew (result i32)))
      (import "" "waitable.join" (func $join (param i32 i32)))
      (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
      (import "" "subtask.drop" (func $sdrop (param i32)))
      (import "" "task.return" (func $ret (param i32)))
      (func (export "run")
        (local $ws i32) (local $i i32) (local $r i32)
        (local.set $ws (call $wsnew))
        (loop $start
          (local.set $r (call $work (i32.mul (local.get $i) (i32.const 4))))
          (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; STARTED ;)))
            (then unreachable))
          (call $join (i32.shr_u (local.get $r) (i32.const 4)) (local.get $ws))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $start (i32.lt_u (local.get $i) (i32.const 4))))
        (local.set $i (i32.const 0))
        (loop $drain
          (if (i32.ne (call $wait (local.get $ws) (i32.const 64)) (i32.const 1 (; SUBTASK ;)))
            (then unreachable))
          (call $sdrop (i32.load (i32.const 64)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $drain (i32.lt_u (local.get $i) (i32.const 4))))
        (call $ret
          (i32.add
            (i32.add (i32.load (i32.const 0)) (i32.mul (i32.load (i32.const 4)) (i32.const 10)))
            (i32.add (i32.mul (i32.load (i32.const 8)) (i32.const 100))
                     (i32.mul (i32.load (i32.const 12)) (i32.const 1000)))))))
    (canon lower (func $work) async (memory (core memory $mem "mem")) (core func $work'))
    (canon waitable-set.new (core func $wsnew))
    (canon waitable.join (core func $join))
    (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $wait))
    (canon subtask.drop (core func $sdrop))
    (canon task.return (result u32) (core func $ret))
    (core instance $dm (instantiate $DM (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "work" (func $work'))
      (export "waitable-set.new" (func $wsnew))
      (export "waitable.join" (func $join))
      (export "waitable-set.wait" (func $wait))
      (export "subtask.drop" (func $sdrop))
      (export "task.return" (func $ret))))))
    (func (export "run") async (result u32) (canon lift (core func $dm "run") async)))
  (instance $w (instantiate $W))
  (instance $d (instantiate $D (with "work" (func $w "work"))))
  (export "run" (func $d "run")))"#;
