//! Fixed-length lists and maps through fused adapters, compared with the
//! host-mediated path (the oracle).

#[expect(dead_code, reason = "this test uses only the adapter runner")]
mod components;

use components::{BUMP_REALLOC, call_with_adapters};
use weft_harness::Val;

/// `$Callee` exports:
/// - `pack: func(a: list<u8, 3>) -> u32`, the three bytes packed little
///   end first (flat: the caller dirties the high bits, the adapter masks);
/// - `chars: func(bad: u32) -> list<char, 20>`, returned in memory (a loop
///   moves it), with a surrogate in place 19 when `bad` is not 0;
/// - `words: func(k: u32) -> list<u32, 40>`, `i * k` at `i` (moved with
///   one `memory.copy`);
/// - `count: func(m: map<u32, string>) -> u32`, the sum of the keys and
///   of the values' lengths.
///
/// `$Caller` forwards each, from its own memory.
const LISTS: &str = r#"(component
  (component $Callee
    (core module $M
      (memory (export "mem") 1)
      $BUMP_REALLOC
      (func (export "pack") (param i32 i32 i32) (result i32)
        (i32.or (local.get 0)
          (i32.or (i32.shl (local.get 1) (i32.const 8)) (i32.shl (local.get 2) (i32.const 16)))))
      (func (export "chars") (param $bad i32) (result i32)
        (local $i i32)
        (loop $l
          (i32.store (i32.add (i32.const 256) (i32.shl (local.get $i) (i32.const 2)))
            (i32.add (i32.const 0x61) (local.get $i)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 20))))
        (if (local.get $bad) (then (i32.store (i32.const 332) (i32.const 0xd800))))
        (i32.const 256))
      (func (export "words") (param $k i32) (result i32)
        (local $i i32)
        (loop $l
          (i32.store (i32.add (i32.const 512) (i32.shl (local.get $i) (i32.const 2)))
            (i32.mul (local.get $i) (local.get $k)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 40))))
        (i32.const 512))
      (func (export "count") (param $ptr i32) (param $len i32) (result i32)
        (local $sum i32) (local $e i32)
        (block $done
          (loop $l
            (br_if $done (i32.eqz (local.get $len)))
            (local.set $sum (i32.add (local.get $sum)
              (i32.add (i32.load (local.get $ptr)) (i32.load offset=8 (local.get $ptr)))))
            (local.set $ptr (i32.add (local.get $ptr) (i32.const 12)))
            (local.set $len (i32.sub (local.get $len) (i32.const 1)))
            (br $l)))
        (local.get $sum)))
    (core instance $m (instantiate $M))
    (func (export "pack") (param "a" (list u8 3)) (result u32) (canon lift (core func $m "pack")))
    (func (export "chars") (param "bad" u32) (result (list char 20))
      (canon lift (core func $m "chars") (memory $m "mem")))
    (func (export "words") (param "k" u32) (result (list u32 40))
      (canon lift (core func $m "words") (memory $m "mem")))
    (func (export "count") (param "m" (map u32 string)) (result u32)
      (canon lift (core func $m "count") (memory $m "mem") (realloc (func $m "realloc")))))

  (component $Caller
    (import "pack" (func $pack (param "a" (list u8 3)) (result u32)))
    (import "chars" (func $chars (param "bad" u32) (result (list char 20))))
    (import "words" (func $words (param "k" u32) (result (list u32 40))))
    (import "count" (func $count (param "m" (map u32 string)) (result u32)))
    (core module $Mem
      (memory (export "mem") 1)
      (data (i32.const 16) "hello")
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 2048)))
    (core instance $mem (instantiate $Mem))
    (core func $pack' (canon lower (func $pack)))
    (core func $chars' (canon lower (func $chars) (memory $mem "mem")))
    (core func $words' (canon lower (func $words) (memory $mem "mem")))
    (core func $count' (canon lower (func $count) (memory $mem "mem")))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "pack" (func $pack (param i32 i32 i32) (result i32)))
      (import "" "chars" (func $chars (param i32 i32)))
      (import "" "words" (func $words (param i32 i32)))
      (import "" "count" (func $count (param i32 i32) (result i32)))
      (func (export "pack") (result i32)
        (call $pack (i32.const 0x1ff) (i32.const 0x302) (i32.const 0x7)))
      (func (export "chars") (param i32) (result i32)
        (call $chars (local.get 0) (i32.const 1024)) (i32.const 1024))
      (func (export "words") (param i32) (result i32)
        (call $words (local.get 0) (i32.const 1024)) (i32.const 1024))
      (func (export "count") (result i32)
        ;; Two entries of (u32, string) at 256: (1, "hello"), (2, "hel").
        (i32.store (i32.const 256) (i32.const 1))
        (i32.store (i32.const 260) (i32.const 16))
        (i32.store (i32.const 264) (i32.const 5))
        (i32.store (i32.const 268) (i32.const 2))
        (i32.store (i32.const 272) (i32.const 16))
        (i32.store (i32.const 276) (i32.const 3))
        (call $count (i32.const 256) (i32.const 2))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "pack" (func $pack'))
      (export "chars" (func $chars'))
      (export "words" (func $words'))
      (export "count" (func $count'))))))
    (func (export "pack") (result u32) (canon lift (core func $m "pack")))
    (func (export "chars") (param "bad" u32) (result (list char 20))
      (canon lift (core func $m "chars") (memory $mem "mem")))
    (func (export "words") (param "k" u32) (result (list u32 40))
      (canon lift (core func $m "words") (memory $mem "mem")))
    (func (export "count") (result u32) (canon lift (core func $m "count"))))

  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller
    (with "pack" (func $callee "pack"))
    (with "chars" (func $callee "chars"))
    (with "words" (func $callee "words"))
    (with "count" (func $callee "count"))))
  (export "pack" (func $caller "pack"))
  (export "chars" (func $caller "chars"))
  (export "words" (func $caller "words"))
  (export "count" (func $caller "count"))
)"#;

/// Runs `name(args)` both ways: they must agree, and only the fused run
/// uses an adapter (once).
fn both(name: &str, args: &[Val]) -> Result<Option<Val>, String> {
    let text = LISTS.replace("$BUMP_REALLOC", BUMP_REALLOC);
    let (fused, fused_calls) = call_with_adapters(&text, name, args, true);
    let (host, host_calls) = call_with_adapters(&text, name, args, false);
    assert_eq!(fused, host, "adapter and host paths disagree on `{name}`");
    assert_eq!(fused_calls, 1, "`{name}` went through one adapter");
    assert_eq!(host_calls, 0);
    fused
}

#[test]
fn a_flat_fixed_length_list_is_masked_element_by_element() {
    assert_eq!(both("pack", &[]), Ok(Some(Val::U32(0x07_02_ff))));
}

#[test]
fn a_fixed_length_list_in_memory_is_checked_element_by_element() {
    let chars: Vec<Val> = (0..20u8).map(|i| Val::Char(char::from(b'a' + i))).collect();
    assert_eq!(both("chars", &[Val::U32(0)]), Ok(Some(Val::List(chars))));
    let trap = both("chars", &[Val::U32(1)]).expect_err("a surrogate traps");
    assert!(trap.contains("invalid `char` bit pattern"), "{trap}");
}

#[test]
fn a_fixed_length_list_of_integers_is_copied_whole() {
    let words: Vec<Val> = (0..40u32).map(|i| Val::U32(i * 3)).collect();
    assert_eq!(both("words", &[Val::U32(3)]), Ok(Some(Val::List(words))));
}

#[test]
fn a_map_reaches_the_callee_entry_by_entry() {
    assert_eq!(both("count", &[]), Ok(Some(Val::U32(1 + 5 + 2 + 3))));
}
