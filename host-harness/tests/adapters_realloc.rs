//! A fused adapter calls the callee's and the caller's `realloc` itself,
//! in wasm. These compositions check that it keeps what the host path
//! does around that call: the instance may not leave while its realloc
//! runs, the returned pointer is checked (alignment first, then bounds,
//! with the message naming what was allocated), and a realloc that
//! returns null because the store refused a memory growth traps naming
//! the limit. Each runs with adapters and on the host path, which must
//! agree.

#[expect(dead_code, reason = "this test uses only the `component` loader")]
mod components;

use components::component;
use weft_harness::{Engine, Linker, Store, StoreLimits, Val};

/// `$Callee` exports `len(s: string) -> u32` and `sum(xs: list<u32>) ->
/// u32` (and `ping-out`, which calls out through its import `ping`), lifted with a realloc whose behaviour `mode` picks (set through
/// the exported `set-mode`): 0 a bump allocator, 1 call the imported
/// `ping` first (leaving the instance), 2 return a misaligned pointer,
/// 3 return a pointer past the end of memory, 4 grow the memory by 32
/// pages and return null if that fails. The caller forwards to both.
const COMPOSITION: &str = r#"(component
  (component $Pinger
    (core module $P (func (export "ping")))
    (core instance $p (instantiate $P))
    (func (export "ping") (canon lift (core func $p "ping"))))
  (instance $pinger (instantiate $Pinger))
  (component $Callee
    (import "ping" (func $ping))
    (core func $ping_l (canon lower (func $ping)))
    (core module $M
      (import "i" "ping" (func $ping))
      (memory (export "mem") 1)
      (global $mode (mut i32) (i32.const 0))
      (func (export "set-mode") (param i32) (global.set $mode (local.get 0)))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (if (i32.eq (global.get $mode) (i32.const 1)) (then (call $ping)))
        (if (i32.eq (global.get $mode) (i32.const 2)) (then (return (i32.const 1026))))
        (if (i32.eq (global.get $mode) (i32.const 3)) (then (return (i32.const 65532))))
        (if (i32.eq (global.get $mode) (i32.const 4))
          (then (if (i32.eq (memory.grow (i32.const 32)) (i32.const -1))
            (then (return (i32.const 0))))))
        (i32.const 1024))
      (func (export "ping-out") (call $ping))
      (func (export "len") (param i32 i32) (result i32) (local.get 1))
      (func (export "sum") (param i32 i32) (result i32) (local.get 1)))
    (core instance $m (instantiate $M (with "i" (instance (export "ping" (func $ping_l))))))
    (func (export "set-mode") (param "m" u32) (canon lift (core func $m "set-mode")))
    (func (export "ping-out") (canon lift (core func $m "ping-out")))
    (func (export "len") (param "s" string) (result u32)
      (canon lift (core func $m "len") (memory (core memory $m "mem"))
        (realloc (core func $m "realloc"))))
    (func (export "sum") (param "xs" (list u32)) (result u32)
      (canon lift (core func $m "sum") (memory (core memory $m "mem"))
        (realloc (core func $m "realloc")))))
  (instance $callee (instantiate $Callee (with "ping" (func $pinger "ping"))))
  (component $Caller
    (import "len" (func $len (param "s" string) (result u32)))
    (import "sum" (func $sum (param "xs" (list u32)) (result u32)))
    (core module $Mem
      (memory (export "mem") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096)))
    (core instance $mem (instantiate $Mem))
    (core func $len_l (canon lower (func $len) (memory (core memory $mem "mem"))
      (realloc (core func $mem "realloc"))))
    (core func $sum_l (canon lower (func $sum) (memory (core memory $mem "mem"))
      (realloc (core func $mem "realloc"))))
    (core module $M
      (import "m" "mem" (memory 1))
      (import "i" "len" (func $len (param i32 i32) (result i32)))
      (import "i" "sum" (func $sum (param i32 i32) (result i32)))
      ;; 8 bytes of "a" at 64: a string of 8, or a list of two u32s.
      (data (i32.const 64) "aaaaaaaa")
      ;; An invalid utf8 byte at 72; a string from 65530 runs off the end.
      (data (i32.const 72) "\ff")
      (func (export "len") (result i32) (call $len (i32.const 64) (i32.const 8)))
      (func (export "bad-len") (result i32) (call $len (i32.const 72) (i32.const 1)))
      (func (export "oob-len") (result i32) (call $len (i32.const 65530) (i32.const 8)))
      (func (export "sum") (result i32) (call $sum (i32.const 64) (i32.const 2))))
    (core instance $m (instantiate $M (with "m" (instance $mem))
      (with "i" (instance (export "len" (func $len_l)) (export "sum" (func $sum_l))))))
    (func (export "len") (result u32) (canon lift (core func $m "len")))
    (func (export "bad-len") (result u32) (canon lift (core func $m "bad-len")))
    (func (export "oob-len") (result u32) (canon lift (core func $m "oob-len")))
    (func (export "sum") (result u32) (canon lift (core func $m "sum"))))
  (instance $caller (instantiate $Caller
    (with "len" (func $callee "len")) (with "sum" (func $callee "sum"))))
  (export "set-mode" (func $callee "set-mode"))
  (export "ping-out" (func $callee "ping-out"))
  (export "len" (func $caller "len"))
  (export "bad-len" (func $caller "bad-len"))
  (export "oob-len" (func $caller "oob-len"))
  (export "sum" (func $caller "sum"))
)"#;

/// One store with the composition, adapters on or off, and an optional
/// memory limit in bytes.
struct Run {
    store: Store<()>,
    instance: weft_harness::Instance,
}

impl Run {
    fn new(adapters: bool, max_memory: Option<u64>) -> Self {
        let engine = Engine::new().fused_adapters(adapters);
        let c = component(&engine, COMPOSITION);
        let mut store = Store::new(&engine, ());
        if let Some(bytes) = max_memory {
            store.set_limits(StoreLimits::default().max_memory(bytes));
        }
        let instance = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
        Self { store, instance }
    }

    fn call(&mut self, name: &str, args: &[Val]) -> Result<Option<Val>, String> {
        let f = self.instance.get_func(&mut self.store, name).unwrap();
        let mut out = vec![Val::Bool(false); f.results(&mut self.store).len()];
        f.call(&mut self.store, args, &mut out)
            .map_err(|e| e.to_string())?;
        Ok(out.pop())
    }

    /// Sets the callee's realloc mode, then calls `name` of the caller.
    fn with_mode(&mut self, mode: u32, name: &str) -> Result<Option<Val>, String> {
        self.call("set-mode", &[Val::U32(mode)])?;
        self.call(name, &[])
    }
}

/// The outcome of `name` under realloc `mode` on both paths, which must
/// agree; the adapter path must really adapt the call.
fn both(mode: u32, name: &str, max_memory: Option<u64>) -> Result<Option<Val>, String> {
    let mut fused = Run::new(true, max_memory);
    let mut host = Run::new(false, max_memory);
    let a = fused.with_mode(mode, name);
    let b = host.with_mode(mode, name);
    assert_eq!(a, b, "the paths disagree on `{name}` in mode {mode}");
    assert!(fused.store.adapter_calls() > 0, "`{name}` was adapted");
    assert_eq!(host.store.adapter_calls(), 0);
    a
}

#[test]
fn a_realloc_that_works_is_called_from_the_adapter() {
    assert_eq!(both(0, "len", None), Ok(Some(Val::U32(8))));
    assert_eq!(both(0, "sum", None), Ok(Some(Val::U32(2))));
}

#[test]
fn the_callee_may_not_leave_while_its_realloc_runs() {
    for name in ["len", "sum"] {
        let err = both(1, name, None).unwrap_err();
        assert!(err.contains("cannot leave component instance"), "{err}");
    }
}

#[test]
fn the_callee_may_leave_again_once_its_realloc_returned() {
    for adapters in [true, false] {
        let mut run = Run::new(adapters, None);
        assert_eq!(run.with_mode(0, "len"), Ok(Some(Val::U32(8))));
        assert_eq!(run.with_mode(0, "sum"), Ok(Some(Val::U32(2))));
        assert_eq!(run.call("ping-out", &[]), Ok(None));
        let adapted = if adapters { 3 } else { 0 };
        assert_eq!(run.store.adapter_calls(), adapted);
    }
}

#[test]
fn a_misaligned_realloc_result_traps_before_its_bounds_are_checked() {
    let err = both(2, "sum", None).unwrap_err();
    assert!(err.contains("unaligned pointer"), "{err}");
    // Strings are byte-aligned: the same pointer is fine for `len`.
    assert_eq!(both(2, "len", None), Ok(Some(Val::U32(8))));
}

#[test]
fn a_realloc_result_past_the_end_of_memory_names_what_was_allocated() {
    let err = both(3, "len", None).unwrap_err();
    assert!(err.contains("string content out-of-bounds"), "{err}");
    let err = both(3, "sum", None).unwrap_err();
    assert!(err.contains("list content out-of-bounds"), "{err}");
}

#[test]
fn a_realloc_that_returns_null_under_the_memory_limit_names_the_limit() {
    // Two 64 KiB memories and the 32 pages the realloc asks for do not fit
    // in 1 MiB; a null for 8 bytes names the store's limit.
    let err = both(4, "len", Some(1 << 20)).unwrap_err();
    assert!(
        err.contains(
            "realloc could not allocate 8 bytes: the store's memory limit of 1M is reached"
        ),
        "{err}"
    );
    assert!(err.contains("realloc returned null"), "{err}");
    // Without the limit the growth succeeds and the pointer is used.
    assert_eq!(both(4, "len", None), Ok(Some(Val::U32(8))));
}

#[test]
fn a_bad_argument_string_traps_before_the_callee_realloc_runs() {
    // In mode 1 a realloc call would trap `cannot leave component
    // instance`: the string is checked first (by the host call that also
    // enters the callee, on the adapter path).
    let err = both(1, "bad-len", None).unwrap_err();
    assert!(err.contains("invalid utf-8"), "{err}");
    let err = both(1, "oob-len", None).unwrap_err();
    assert!(err.contains("string content out-of-bounds"), "{err}");
}
