//! Fused adapters between instances whose memories differ in width: every
//! pairing of a 32-bit and a 64-bit memory (caller, callee) runs the same
//! calls once through adapters and once on the host-mediated path (the
//! oracle); both must agree on every result and every trap.

#[expect(dead_code, reason = "this test uses only the `component` loader")]
mod components;

use components::component;
use weft_harness::{Engine, Linker, Store, Val};

/// The pointer type, memory declaration and bump `realloc` of a core
/// module whose memory is 64-bit when `wide`.
fn memory(wide: bool) -> (&'static str, String) {
    let p = if wide { "i64" } else { "i32" };
    let decl = if wide {
        "(memory (export \"mem\") i64 1)"
    } else {
        "(memory (export \"mem\") 1)"
    };
    let realloc = format!(
        r#"{decl}
      (global $next (mut {p}) ({p}.const 1024))
      (func (export "realloc") (param {p} {p} {p} {p}) (result {p})
        (local $r {p})
        ;; A block shrinks in place (transcoding shrinks to fit).
        (if (i32.and ({p}.ne (local.get 0) ({p}.const 0)) ({p}.le_u (local.get 3) (local.get 1)))
          (then (return (local.get 0))))
        (local.set $r ({p}.and
          ({p}.add (global.get $next) ({p}.sub (local.get 2) ({p}.const 1)))
          ({p}.sub ({p}.const 0) (local.get 2))))
        (global.set $next ({p}.add (local.get $r) (local.get 3)))
        (local.get $r))"#
    );
    (p, realloc)
}

/// A callee (memory 64-bit when `callee64`) and a caller (likewise) that
/// forwards its exports' arguments to it unchanged.
fn composition(caller64: bool, callee64: bool) -> String {
    let (p, callee_mem) = memory(callee64);
    let w = if callee64 { 8 } else { 4 };
    let (q, caller_mem) = memory(caller64);
    // A value of the callee's pointer type, as an i64.
    let to_i64 = |e: String| {
        if callee64 {
            e
        } else {
            format!("(i64.extend_i32_u {e})")
        }
    };
    let len_i = to_i64(format!(
        "({p}.load offset={w} ({p}.add (local.get $t) ({p}.mul (local.get $i) ({p}.const {}))))",
        2 * w
    ));
    let (arg1, arg2) = (
        to_i64("(local.get 1)".into()),
        to_i64("(local.get 2)".into()),
    );
    format!(
        r#"(component
  (component $Callee
    (core module $M
      {callee_mem}
      ;; Returns the string it got, as a pointer to (ptr, len) at 0.
      (func (export "echo") (param {p} {p}) (result {p})
        ({p}.store ({p}.const 0) (local.get 0))
        ({p}.store offset={w} ({p}.const 0) (local.get 1))
        ({p}.const 0))
      (func (export "sum") (param $ptr {p}) (param $len {p}) (result i64)
        (local $acc i64)
        (block $done (loop $next
          (br_if $done ({p}.eqz (local.get $len)))
          (local.set $acc (i64.add (local.get $acc) (i64.load32_u (local.get $ptr))))
          (local.set $ptr ({p}.add (local.get $ptr) ({p}.const 4)))
          (local.set $len ({p}.sub (local.get $len) ({p}.const 1)))
          (br $next)))
        (local.get $acc))
      ;; The second string of the list: its (ptr, len) is in the list.
      (func (export "second") (param {p} {p}) (result {p})
        ({p}.add (local.get 0) ({p}.const {pair})))
      ;; Nine strings, spilled: the sum of their lengths.
      (func (export "lengths") (param $t {p}) (result i64)
        (local $i {p}) (local $acc i64)
        (block $done (loop $next
          (br_if $done ({p}.ge_u (local.get $i) ({p}.const 9)))
          (local.set $acc (i64.add (local.get $acc) {len_i}))
          (local.set $i ({p}.add (local.get $i) ({p}.const 1)))
          (br $next)))
        (local.get $acc))
      ;; result<string, u32>: the string's length, or the error.
      (func (export "pick") (param i32 {p} {p}) (result i64)
        (if (result i64) (i32.eq (local.get 0) (i32.const 0))
          (then {arg2})
          (else {arg1}))))
    (core instance $m (instantiate $M))
    (func (export "echo") (param "s" string) (result string)
      (canon lift (core func $m "echo") (memory $m "mem") (realloc (func $m "realloc"))))
    (func (export "echo16") (param "s" string) (result string)
      (canon lift (core func $m "echo") string-encoding=utf16
        (memory $m "mem") (realloc (func $m "realloc"))))
    (func (export "sum") (param "l" (list u32)) (result u64)
      (canon lift (core func $m "sum") (memory $m "mem") (realloc (func $m "realloc"))))
    (func (export "second") (param "l" (list string)) (result string)
      (canon lift (core func $m "second") (memory $m "mem") (realloc (func $m "realloc"))))
    (func (export "lengths")
      (param "a" string) (param "b" string) (param "c" string) (param "d" string)
      (param "e" string) (param "f" string) (param "g" string) (param "h" string)
      (param "i" string) (result u64)
      (canon lift (core func $m "lengths") (memory $m "mem") (realloc (func $m "realloc"))))
    (func (export "pick") (param "v" (result string (error u32))) (result u64)
      (canon lift (core func $m "pick") (memory $m "mem") (realloc (func $m "realloc")))))

  (component $Caller
    (import "echo" (func $echo (param "s" string) (result string)))
    (import "echo16" (func $echo16 (param "s" string) (result string)))
    (import "sum" (func $sum (param "l" (list u32)) (result u64)))
    (import "second" (func $second (param "l" (list string)) (result string)))
    (import "lengths" (func $lengths
      (param "a" string) (param "b" string) (param "c" string) (param "d" string)
      (param "e" string) (param "f" string) (param "g" string) (param "h" string)
      (param "i" string) (result u64)))
    (import "pick" (func $pick (param "v" (result string (error u32))) (result u64)))
    (core module $Mem {caller_mem})
    (core instance $mem (instantiate $Mem))
    (core func $echo_l (canon lower (func $echo) (memory $mem "mem") (realloc (func $mem "realloc"))))
    (core func $echo16_l (canon lower (func $echo16) (memory $mem "mem") (realloc (func $mem "realloc"))))
    (core func $sum_l (canon lower (func $sum) (memory $mem "mem") (realloc (func $mem "realloc"))))
    (core func $second_l (canon lower (func $second) (memory $mem "mem") (realloc (func $mem "realloc"))))
    (core func $lengths_l (canon lower (func $lengths) (memory $mem "mem") (realloc (func $mem "realloc"))))
    (core func $pick_l (canon lower (func $pick) (memory $mem "mem") (realloc (func $mem "realloc"))))
    (core module $M
      (import "" "echo" (func $echo (param {q} {q} {q})))
      (import "" "echo16" (func $echo16 (param {q} {q} {q})))
      (import "" "sum" (func $sum (param {q} {q}) (result i64)))
      (import "" "second" (func $second (param {q} {q} {q})))
      (import "" "lengths" (func $lengths (param {q}) (result i64)))
      (import "" "pick" (func $pick (param i32 {q} {q}) (result i64)))
      (func (export "echo") (param {q} {q}) (result {q})
        (call $echo (local.get 0) (local.get 1) ({q}.const 16)) ({q}.const 16))
      (func (export "echo16") (param {q} {q}) (result {q})
        (call $echo16 (local.get 0) (local.get 1) ({q}.const 16)) ({q}.const 16))
      (func (export "sum") (param {q} {q}) (result i64) (call $sum (local.get 0) (local.get 1)))
      (func (export "second") (param {q} {q}) (result {q})
        (call $second (local.get 0) (local.get 1) ({q}.const 16)) ({q}.const 16))
      (func (export "lengths") (param {q}) (result i64) (call $lengths (local.get 0)))
      (func (export "pick") (param i32 {q} {q}) (result i64)
        (call $pick (local.get 0) (local.get 1) (local.get 2)))
      ;; A string, and a list (whose byte length overflows a 64-bit
      ;; pointer), that end past the end of memory.
      (func (export "bad") (result {q})
        (call $echo ({q}.const -16) ({q}.const 32) ({q}.const 16)) ({q}.const 16))
      (func (export "bad-list") (result i64) (call $sum ({q}.const 0) ({q}.const {huge}))))
    (core instance $m (instantiate $M (with "" (instance
      (export "echo" (func $echo_l)) (export "echo16" (func $echo16_l))
      (export "sum" (func $sum_l)) (export "second" (func $second_l))
      (export "lengths" (func $lengths_l)) (export "pick" (func $pick_l))))))
    (func (export "echo") (param "s" string) (result string)
      (canon lift (core func $m "echo") (memory $mem "mem") (realloc (func $mem "realloc"))))
    (func (export "echo16") (param "s" string) (result string)
      (canon lift (core func $m "echo16") (memory $mem "mem") (realloc (func $mem "realloc"))))
    (func (export "sum") (param "l" (list u32)) (result u64)
      (canon lift (core func $m "sum") (memory $mem "mem") (realloc (func $mem "realloc"))))
    (func (export "second") (param "l" (list string)) (result string)
      (canon lift (core func $m "second") (memory $mem "mem") (realloc (func $mem "realloc"))))
    (func (export "lengths")
      (param "a" string) (param "b" string) (param "c" string) (param "d" string)
      (param "e" string) (param "f" string) (param "g" string) (param "h" string)
      (param "i" string) (result u64)
      (canon lift (core func $m "lengths") (memory $mem "mem") (realloc (func $mem "realloc"))))
    (func (export "pick") (param "v" (result string (error u32))) (result u64)
      (canon lift (core func $m "pick") (memory $mem "mem") (realloc (func $mem "realloc"))))
    (func (export "bad") (result string)
      (canon lift (core func $m "bad") (memory $mem "mem") (realloc (func $mem "realloc"))))
    (func (export "bad-list") (result u64) (canon lift (core func $m "bad-list"))))

  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller
    (with "echo" (func $callee "echo")) (with "echo16" (func $callee "echo16"))
    (with "sum" (func $callee "sum")) (with "second" (func $callee "second"))
    (with "lengths" (func $callee "lengths")) (with "pick" (func $callee "pick"))))
  (export "echo" (func $caller "echo"))
  (export "echo16" (func $caller "echo16"))
  (export "sum" (func $caller "sum"))
  (export "second" (func $caller "second"))
  (export "lengths" (func $caller "lengths"))
  (export "pick" (func $caller "pick"))
  (export "bad" (func $caller "bad"))
  (export "bad-list" (func $caller "bad-list"))
)"#,
        pair = 2 * w,
        huge = if caller64 {
            "0x4000_0000_0000_0000"
        } else {
            "0x4000_0000"
        },
    )
}

/// Every call of the composition, with its arguments.
fn calls() -> Vec<(&'static str, Vec<Val>)> {
    let s = |t: &str| Val::String(t.into());
    let strings = (0..9).map(|i| s(&"x".repeat(i * 3 + 1))).collect();
    vec![
        ("echo", vec![s("wéft ☃")]),
        ("echo", vec![s("")]),
        ("echo16", vec![s("wéft ☃ and more")]),
        ("sum", vec![Val::List((1..=100).map(Val::U32).collect())]),
        (
            "second",
            vec![Val::List(vec![s("one"), s("two"), s("three")])],
        ),
        ("lengths", strings),
        ("pick", vec![Val::Result(Ok(Some(Box::new(s("four")))))]),
        (
            "pick",
            vec![Val::Result(Err(Some(Box::new(Val::U32(0xdead_beef)))))],
        ),
        ("bad", vec![]),
        ("bad-list", vec![]),
    ]
}

/// Runs every call of [`calls`] in one store; returns each outcome (an
/// error as its message) and how many calls went through adapters.
fn run(text: &str, adapters: bool) -> (Vec<Result<Option<Val>, String>>, u64) {
    let engine = Engine::new().fused_adapters(adapters);
    let c = component(&engine, text);
    let mut outcomes = Vec::new();
    let mut adapted = 0;
    for (name, args) in calls() {
        // A fresh store each time: a trap poisons the instances.
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
        let f = instance.get_func(&mut store, name).unwrap();
        let mut out = vec![Val::Bool(false); f.results(&mut store).len()];
        let outcome = f.call(&mut store, &args, &mut out).map(|()| out.pop());
        outcomes.push(outcome.map_err(|e| e.to_string()));
        adapted += store.adapter_calls();
    }
    (outcomes, adapted)
}

#[test]
fn adapters_between_memories_of_either_width_agree_with_the_host_path() {
    for (caller64, callee64) in [(true, false), (false, true), (true, true), (false, false)] {
        let text = composition(caller64, callee64);
        let (fused, adapted) = run(&text, true);
        let (host, none) = run(&text, false);
        let case = format!("caller 64-bit: {caller64}, callee 64-bit: {callee64}");
        assert_eq!(fused, host, "{case}: adapter and host paths disagree");
        assert_eq!(none, 0, "{case}");
        assert_eq!(
            adapted,
            calls().len() as u64,
            "{case}: every call was adapted"
        );
        let s = |t: &str| Ok(Some(Val::String(t.into())));
        assert_eq!(fused[0], s("wéft ☃"), "{case}");
        assert_eq!(fused[2], s("wéft ☃ and more"), "{case}");
        assert_eq!(fused[3], Ok(Some(Val::U64(5050))), "{case}");
        assert_eq!(fused[4], s("two"), "{case}");
        assert_eq!(
            fused[5],
            Ok(Some(Val::U64((0..9).map(|i| i * 3 + 1).sum()))),
            "{case}"
        );
        assert_eq!(fused[6], Ok(Some(Val::U64(4))), "{case}");
        assert_eq!(fused[7], Ok(Some(Val::U64(0xdead_beef))), "{case}");
        let bad = fused[8].clone().unwrap_err();
        assert!(
            bad.contains("string content out-of-bounds"),
            "{case}: {bad}"
        );
        let bad = fused[9].clone().unwrap_err();
        assert!(bad.contains("list content out-of-bounds"), "{case}: {bad}");
    }
}
