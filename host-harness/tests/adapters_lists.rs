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

/// `$Callee` implements resource `r` and exports fixed-length lists of its
/// handles: `sum3` takes three owned ones flat (`rep0 + 10 rep1 + 100 rep2`),
/// `make3` returns three in memory, `peek20` borrows twenty passed in
/// memory (moved in a loop; `sum (i + 1) rep_i`), and `mixed` takes two
/// owned ones and then a borrow (which must use its own handle entry).
/// `$Caller` makes the handles and passes them on.
const HANDLES: &str = r#"(component
  (component $Callee
    (type $R (resource (rep i32)))
    (export $r "r" (type $R))
    (core func $new (canon resource.new $R))
    (core func $rep (canon resource.rep $R))
    (core module $M
      (import "r" "new" (func $new (param i32) (result i32)))
      (import "r" "rep" (func $rep (param i32) (result i32)))
      (memory (export "mem") 1)
      $BUMP_REALLOC
      (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
      (func (export "make3") (param $b i32) (result i32)
        (i32.store (i32.const 32) (call $new (local.get $b)))
        (i32.store (i32.const 36) (call $new (i32.add (local.get $b) (i32.const 1))))
        (i32.store (i32.const 40) (call $new (i32.add (local.get $b) (i32.const 2))))
        (i32.const 32))
      (func (export "sum3") (param i32 i32 i32) (result i32)
        (i32.add (call $rep (local.get 0))
          (i32.add (i32.mul (call $rep (local.get 1)) (i32.const 10))
            (i32.mul (call $rep (local.get 2)) (i32.const 100)))))
      ;; A borrow of its own resource reaches the implementation as the rep.
      (func (export "peek20") (param $p i32) (result i32)
        (local $i i32) (local $acc i32)
        (block $done (loop $next
          (br_if $done (i32.eq (local.get $i) (i32.const 20)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $acc (i32.add (local.get $acc)
            (i32.mul (local.get $i) (i32.load (local.get $p)))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $next)))
        (local.get $acc))
      (func (export "mixed") (param i32 i32 i32) (result i32)
        (i32.add (call $rep (local.get 0))
          (i32.add (i32.mul (call $rep (local.get 1)) (i32.const 10))
            (i32.mul (local.get 2) (i32.const 100))))))
    (core instance $m (instantiate $M (with "r" (instance
      (export "new" (func $new)) (export "rep" (func $rep))))))
    (func (export "make") (param "rep" u32) (result (own $r)) (canon lift (core func $m "make")))
    (func (export "make3") (param "base" u32) (result (list (own $r) 3))
      (canon lift (core func $m "make3") (memory $m "mem")))
    (func (export "sum3") (param "xs" (list (own $r) 3)) (result u32)
      (canon lift (core func $m "sum3")))
    (func (export "peek20") (param "xs" (list (borrow $r) 20)) (result u32)
      (canon lift (core func $m "peek20") (memory $m "mem") (realloc (func $m "realloc"))))
    (func (export "mixed") (param "xs" (list (own $r) 2)) (param "y" (borrow $r)) (result u32)
      (canon lift (core func $m "mixed"))))
  (component $Caller
    (import "r" (type $r (sub resource)))
    (import "make" (func $make (param "rep" u32) (result (own $r))))
    (import "make3" (func $make3 (param "base" u32) (result (list (own $r) 3))))
    (import "sum3" (func $sum3 (param "xs" (list (own $r) 3)) (result u32)))
    (import "peek20" (func $peek20 (param "xs" (list (borrow $r) 20)) (result u32)))
    (import "mixed" (func $mixed (param "xs" (list (own $r) 2)) (param "y" (borrow $r))
      (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $make_l (canon lower (func $make)))
    (core func $make3_l (canon lower (func $make3) (memory $mem "mem")))
    (core func $sum3_l (canon lower (func $sum3)))
    (core func $peek20_l (canon lower (func $peek20) (memory $mem "mem")))
    (core func $mixed_l (canon lower (func $mixed)))
    (core func $drop (canon resource.drop $r))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "make" (func $make (param i32) (result i32)))
      (import "" "make3" (func $make3 (param i32 i32)))
      (import "" "sum3" (func $sum3 (param i32 i32 i32) (result i32)))
      (import "" "peek20" (func $peek20 (param i32) (result i32)))
      (import "" "mixed" (func $mixed (param i32 i32 i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "flat") (result i32)
        (call $sum3 (call $make (i32.const 1)) (call $make (i32.const 2))
          (call $make (i32.const 3))))
      (func (export "returned") (result i32)
        (call $make3 (i32.const 7) (i32.const 64))
        (call $sum3 (i32.load (i32.const 64)) (i32.load (i32.const 68))
          (i32.load (i32.const 72))))
      (func (export "lent") (result i32)
        (local $i i32) (local $r i32)
        (block $done (loop $next
          (br_if $done (i32.eq (local.get $i) (i32.const 20)))
          (i32.store (i32.add (i32.const 128) (i32.shl (local.get $i) (i32.const 2)))
            (call $make (i32.add (local.get $i) (i32.const 1))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
        (local.set $r (call $peek20 (i32.const 128)))
        ;; The lends ended: the caller still owns every handle and drops it.
        (local.set $i (i32.const 0))
        (block $done (loop $next
          (br_if $done (i32.eq (local.get $i) (i32.const 20)))
          (call $drop (i32.load (i32.add (i32.const 128) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
        (local.get $r))
      (func (export "mixed") (result i32)
        (local $y i32) (local $r i32)
        (local.set $y (call $make (i32.const 5)))
        (local.set $r (call $mixed (call $make (i32.const 1)) (call $make (i32.const 2))
          (local.get $y)))
        (call $drop (local.get $y))
        (local.get $r))
      ;; The first element moves the handle out; the second is gone.
      (func (export "twice") (result i32)
        (local $h i32)
        (local.set $h (call $make (i32.const 1)))
        (call $sum3 (local.get $h) (local.get $h) (local.get $h))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "make" (func $make_l))
      (export "make3" (func $make3_l)) (export "sum3" (func $sum3_l))
      (export "peek20" (func $peek20_l)) (export "mixed" (func $mixed_l))
      (export "drop" (func $drop))))))
    (func (export "flat") (result u32) (canon lift (core func $m "flat")))
    (func (export "returned") (result u32) (canon lift (core func $m "returned")))
    (func (export "lent") (result u32) (canon lift (core func $m "lent")))
    (func (export "mixed") (result u32) (canon lift (core func $m "mixed")))
    (func (export "twice") (result u32) (canon lift (core func $m "twice"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "r" (type $callee "r"))
    (with "make" (func $callee "make")) (with "make3" (func $callee "make3"))
    (with "sum3" (func $callee "sum3")) (with "peek20" (func $callee "peek20"))
    (with "mixed" (func $callee "mixed"))))
  (export "flat" (func $caller "flat"))
  (export "returned" (func $caller "returned"))
  (export "lent" (func $caller "lent"))
  (export "mixed" (func $caller "mixed"))
  (export "twice" (func $caller "twice"))
)"#;

/// Runs `name` of [`HANDLES`] both ways: they must agree, and the fused
/// run adapts all `calls` calls between the instances.
fn both_handles(name: &str, calls: u64) -> Result<Option<Val>, String> {
    let text = HANDLES.replace("$BUMP_REALLOC", BUMP_REALLOC);
    let (fused, fused_calls) = call_with_adapters(&text, name, &[], true);
    let (host, host_calls) = call_with_adapters(&text, name, &[], false);
    assert_eq!(fused, host, "adapter and host paths disagree on `{name}`");
    assert_eq!(fused_calls, calls, "`{name}` went through adapters");
    assert_eq!(host_calls, 0);
    fused
}

#[test]
fn owned_handles_in_a_flat_fixed_length_list_move_one_by_one() {
    assert_eq!(both_handles("flat", 4), Ok(Some(Val::U32(1 + 20 + 300))));
    let trap = both_handles("twice", 2).expect_err("a handle moved out traps");
    assert!(trap.contains("unknown handle index"), "{trap}");
}

#[test]
fn owned_handles_return_in_a_fixed_length_list_in_memory() {
    assert_eq!(
        both_handles("returned", 2),
        Ok(Some(Val::U32(7 + 80 + 900)))
    );
}

#[test]
fn borrows_in_a_long_fixed_length_list_are_lent_in_a_loop() {
    let expected: u32 = (1..=20).map(|i| i * i).sum();
    assert_eq!(both_handles("lent", 21), Ok(Some(Val::U32(expected))));
}

#[test]
fn a_handle_after_a_fixed_length_list_of_handles_keeps_its_own_kind() {
    assert_eq!(both_handles("mixed", 4), Ok(Some(Val::U32(1 + 20 + 500))));
}
