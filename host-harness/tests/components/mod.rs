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

/// Streams and futures across the host boundary (all exports async,
/// stackful):
/// - `squares(n) -> stream<u32>`: returns a stream, then writes `0, 1, 4,
///   ...` (`n` squares) one element per (blocking) write and drops it;
/// - `sum(s: stream<u32>) -> u32`: reads `s` four elements at a time
///   until the writer drops it, returns the sum;
/// - `later(n) -> future<u32>`: returns a future, then writes `n + 1`;
/// - `doubled(f: future<u32>) -> u32`: reads `f`, returns twice its value;
/// - `silent() -> stream<u32>`: returns a stream it never writes.
// Only the `host_stream` and `cli` tests use it.
#[allow(dead_code)]
pub const STREAMS: &str = r#"(component
  (core module $Memory (memory (export "mem") 1))
  (core instance $memory (instantiate $Memory))
  (type $ST (stream u32))
  (type $FT (future u32))
  (canon stream.new $ST (core func $stream.new))
  (canon stream.write $ST (memory $memory "mem") (core func $stream.write))
  (canon stream.read $ST (memory $memory "mem") (core func $stream.read))
  (canon stream.drop-readable $ST (core func $stream.drop-readable))
  (canon stream.drop-writable $ST (core func $stream.drop-writable))
  (canon future.new $FT (core func $future.new))
  (canon future.write $FT (memory $memory "mem") (core func $future.write))
  (canon future.read $FT (memory $memory "mem") (core func $future.read))
  (canon future.drop-readable $FT (core func $future.drop-readable))
  (canon future.drop-writable $FT (core func $future.drop-writable))
  (canon task.return (result $ST) (core func $ret-stream))
  (canon task.return (result $FT) (core func $ret-future))
  (canon task.return (result u32) (core func $ret-u32))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "stream.new" (func $stream.new (result i64)))
    (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
    (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
    (import "" "stream.drop-readable" (func $stream.drop-readable (param i32)))
    (import "" "stream.drop-writable" (func $stream.drop-writable (param i32)))
    (import "" "future.new" (func $future.new (result i64)))
    (import "" "future.write" (func $future.write (param i32 i32) (result i32)))
    (import "" "future.read" (func $future.read (param i32 i32) (result i32)))
    (import "" "future.drop-readable" (func $future.drop-readable (param i32)))
    (import "" "future.drop-writable" (func $future.drop-writable (param i32)))
    (import "" "ret-stream" (func $ret-stream (param i32)))
    (import "" "ret-future" (func $ret-future (param i32)))
    (import "" "ret-u32" (func $ret-u32 (param i32)))
    (func (export "squares") (param $n i32)
      (local $rw i64) (local $w i32) (local $i i32)
      (local.set $rw (call $stream.new))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $rw) (i64.const 32))))
      (call $ret-stream (i32.wrap_i64 (local.get $rw)))
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.const 0) (i32.mul (local.get $i) (local.get $i)))
        ;; One element written: COMPLETED with progress 1.
        (if (i32.ne (call $stream.write (local.get $w) (i32.const 0) (i32.const 1))
                    (i32.const 0x10))
          (then unreachable))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (call $stream.drop-writable (local.get $w)))
    (func (export "sum") (param $r i32)
      (local $total i32) (local $ret i32) (local $k i32)
      (loop $l
        (local.set $ret (call $stream.read (local.get $r) (i32.const 64) (i32.const 4)))
        (local.set $k (i32.const 0))
        (block $b (loop $m
          (br_if $b (i32.ge_u (local.get $k) (i32.shr_u (local.get $ret) (i32.const 4))))
          (local.set $total (i32.add (local.get $total)
            (i32.load (i32.add (i32.const 64) (i32.shl (local.get $k) (i32.const 2))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $m)))
        ;; COMPLETED: read on; DROPPED: the writer is done.
        (br_if $l (i32.eqz (i32.and (local.get $ret) (i32.const 0xf)))))
      (call $stream.drop-readable (local.get $r))
      (call $ret-u32 (local.get $total)))
    (func (export "later") (param $n i32)
      (local $rw i64) (local $w i32)
      (local.set $rw (call $future.new))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $rw) (i64.const 32))))
      (call $ret-future (i32.wrap_i64 (local.get $rw)))
      (i32.store (i32.const 0) (i32.add (local.get $n) (i32.const 1)))
      (if (i32.ne (call $future.write (local.get $w) (i32.const 0)) (i32.const 0))
        (then unreachable))
      (call $future.drop-writable (local.get $w)))
    (func (export "doubled") (param $f i32)
      (if (i32.ne (call $future.read (local.get $f) (i32.const 128)) (i32.const 0))
        (then unreachable))
      (call $future.drop-readable (local.get $f))
      (call $ret-u32 (i32.mul (i32.load (i32.const 128)) (i32.const 2))))
    (func (export "silent")
      (call $ret-stream (i32.wrap_i64 (call $stream.new)))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $memory "mem"))
    (export "stream.new" (func $stream.new))
    (export "stream.write" (func $stream.write))
    (export "stream.read" (func $stream.read))
    (export "stream.drop-readable" (func $stream.drop-readable))
    (export "stream.drop-writable" (func $stream.drop-writable))
    (export "future.new" (func $future.new))
    (export "future.write" (func $future.write))
    (export "future.read" (func $future.read))
    (export "future.drop-readable" (func $future.drop-readable))
    (export "future.drop-writable" (func $future.drop-writable))
    (export "ret-stream" (func $ret-stream))
    (export "ret-future" (func $ret-future))
    (export "ret-u32" (func $ret-u32))))))
  (func (export "squares") async (param "n" u32) (result (stream u32))
    (canon lift (core func $m "squares") async))
  (func (export "sum") async (param "s" (stream u32)) (result u32)
    (canon lift (core func $m "sum") async))
  (func (export "later") async (param "n" u32) (result (future u32))
    (canon lift (core func $m "later") async))
  (func (export "doubled") async (param "f" (future u32)) (result u32)
    (canon lift (core func $m "doubled") async))
  (func (export "silent") async (result (stream u32))
    (canon lift (core func $m "silent") async)))"#;
