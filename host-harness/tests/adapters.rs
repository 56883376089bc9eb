//! Fused adapters between two guest instances: the same composition runs
//! once with adapters and once on the host-mediated path (the oracle), and
//! both must agree on every result, every trap and every side effect.

#[expect(dead_code, reason = "this test uses only the `component` loader")]
mod components;

use components::{BUMP_REALLOC, component};
use weft_harness::{Engine, Error, Linker, Store, Val};

/// A callee exporting scalar functions (with a post-return that counts its
/// runs) and a caller that forwards to them, dirtying the unused high bits
/// of narrow arguments the way a sloppy guest may; the outer component
/// exports the caller's functions.
const SCALARS: &str = r#"(component
  (component $Callee
    (core module $M
      (global $posts (mut i32) (i32.const 0))
      ;; Folds every core argument's exact bits into one u64.
      (func (export "probe")
        (param $a i32) (param $b i32) (param $c i32) (param $d i32) (param $e i32)
        (param $f i32) (param $g f32) (param $h f64) (param $i i64) (param $j i32)
        (result i64)
        (local $acc i64)
        (local.set $acc (i64.extend_i32_u (local.get $a)))
        (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 1000003)) (i64.extend_i32_u (local.get $b))))
        (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 1000003)) (i64.extend_i32_u (local.get $c))))
        (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 1000003)) (i64.extend_i32_u (local.get $d))))
        (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 1000003)) (i64.extend_i32_u (local.get $e))))
        (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 1000003)) (i64.extend_i32_u (local.get $f))))
        (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 1000003)) (i64.extend_i32_u (i32.reinterpret_f32 (local.get $g)))))
        (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 1000003)) (i64.reinterpret_f64 (local.get $h))))
        (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 1000003)) (local.get $i)))
        (i64.add (i64.mul (local.get $acc) (i64.const 1000003)) (i64.extend_i32_u (local.get $j))))
      (func (export "post") (param i64)
        (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
      (func (export "posts") (result i32) (global.get $posts))
      ;; Returns its argument with dirty high bits: the adapter must mask.
      (func (export "dirty-u8") (param i32) (result i32)
        (i32.or (local.get 0) (i32.const 0x7700)))
      (func (export "nan") (param i32) (result f32) (f32.reinterpret_i32 (local.get 0)))
      (func (export "to-char") (param i32) (result i32) (local.get 0))
      (func (export "nothing")))
    (core instance $m (instantiate $M))
    (func (export "probe")
      (param "a" u8) (param "b" s8) (param "c" u16) (param "d" s16) (param "e" bool)
      (param "f" char) (param "g" f32) (param "h" f64) (param "i" u64) (param "j" s32)
      (result u64)
      (canon lift (core func $m "probe") (post-return (core func $m "post"))))
    (func (export "posts") (result u32) (canon lift (core func $m "posts")))
    (func (export "dirty-u8") (param "x" u8) (result u8) (canon lift (core func $m "dirty-u8")))
    (func (export "nan") (param "bits" u32) (result f32) (canon lift (core func $m "nan")))
    (func (export "to-char") (param "x" u32) (result char) (canon lift (core func $m "to-char")))
    (func (export "nothing") (canon lift (core func $m "nothing"))))

  (component $Caller
    (import "probe" (func $probe
      (param "a" u8) (param "b" s8) (param "c" u16) (param "d" s16) (param "e" bool)
      (param "f" char) (param "g" f32) (param "h" f64) (param "i" u64) (param "j" s32)
      (result u64)))
    (import "dirty-u8" (func $dirty (param "x" u8) (result u8)))
    (import "nan" (func $nan (param "bits" u32) (result f32)))
    (import "to-char" (func $to_char (param "x" u32) (result char)))
    (import "nothing" (func $nothing))
    (core func $probe_l (canon lower (func $probe)))
    (core func $dirty_l (canon lower (func $dirty)))
    (core func $nan_l (canon lower (func $nan)))
    (core func $to_char_l (canon lower (func $to_char)))
    (core func $nothing_l (canon lower (func $nothing)))
    (core module $M
      (import "i" "probe" (func $probe (param i32 i32 i32 i32 i32 i32 f32 f64 i64 i32) (result i64)))
      (import "i" "dirty" (func $dirty (param i32) (result i32)))
      (import "i" "nan" (func $nan (param i32) (result f32)))
      (import "i" "to-char" (func $to_char (param i32) (result i32)))
      (import "i" "nothing" (func $nothing))
      (func (export "probe")
        (param i32 i32 i32 i32 i32 i32 f32 f64 i64 i32) (result i64)
        (call $probe
          (i32.or (local.get 0) (i32.const 0x12300))
          (i32.or (local.get 1) (i32.const 0x45600))
          (i32.or (local.get 2) (i32.const 0x7890000))
          (i32.or (local.get 3) (i32.const 0x1230000))
          (i32.mul (local.get 4) (i32.const 6))
          (local.get 5) (local.get 6) (local.get 7) (local.get 8) (local.get 9)))
      (func (export "dirty") (param i32) (result i32) (call $dirty (local.get 0)))
      (func (export "nan") (param i32) (result i32)
        (i32.reinterpret_f32 (call $nan (local.get 0))))
      (func (export "to-char") (param i32) (result i32) (call $to_char (local.get 0)))
      ;; A char argument straight from the caller: 0xd800 is a surrogate.
      (func (export "bad-char") (result i64)
        (call $probe (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
          (i32.const 0xd800) (f32.const 0) (f64.const 0) (i64.const 0) (i32.const 0)))
      (func (export "nothing") (call $nothing)))
    (core instance $m (instantiate $M (with "i" (instance
      (export "probe" (func $probe_l)) (export "dirty" (func $dirty_l))
      (export "nan" (func $nan_l)) (export "to-char" (func $to_char_l))
      (export "nothing" (func $nothing_l))))))
    (func (export "probe")
      (param "a" u8) (param "b" s8) (param "c" u16) (param "d" s16) (param "e" bool)
      (param "f" char) (param "g" f32) (param "h" f64) (param "i" u64) (param "j" s32)
      (result u64)
      (canon lift (core func $m "probe")))
    (func (export "dirty-u8") (param "x" u8) (result u32) (canon lift (core func $m "dirty")))
    (func (export "nan-bits") (param "bits" u32) (result u32) (canon lift (core func $m "nan")))
    (func (export "to-char") (param "x" u32) (result char) (canon lift (core func $m "to-char")))
    (func (export "bad-char") (result u64) (canon lift (core func $m "bad-char")))
    (func (export "nothing") (canon lift (core func $m "nothing"))))

  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller
    (with "probe" (func $callee "probe")) (with "dirty-u8" (func $callee "dirty-u8"))
    (with "nan" (func $callee "nan")) (with "to-char" (func $callee "to-char"))
    (with "nothing" (func $callee "nothing"))))
  (export "probe" (func $caller "probe"))
  (export "dirty-u8" (func $caller "dirty-u8"))
  (export "nan-bits" (func $caller "nan-bits"))
  (export "to-char" (func $caller "to-char"))
  (export "bad-char" (func $caller "bad-char"))
  (export "nothing" (func $caller "nothing"))
  (export "posts" (func $callee "posts"))
)"#;

/// One run of the composition: the store, its instance, and the engine mode.
struct Run {
    store: Store<()>,
    instance: weft_harness::Instance,
}

impl Run {
    fn new(adapters: bool) -> Self {
        Self::of(SCALARS, adapters)
    }

    fn of(text: &str, adapters: bool) -> Self {
        let engine = Engine::new().fused_adapters(adapters);
        let c = component(&engine, text);
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
        Self { store, instance }
    }

    fn call(&mut self, name: &str, args: &[Val]) -> Result<Option<Val>, Error> {
        let f = self.instance.get_func(&mut self.store, name).unwrap();
        let mut out = vec![Val::Bool(false); f.results(&mut self.store).len()];
        f.call(&mut self.store, args, &mut out)?;
        Ok(out.pop())
    }
}

/// Calls `name` with `args` on both paths; returns the common outcome.
fn both(name: &str, args: &[Val]) -> Result<Option<Val>, String> {
    both_of(SCALARS, name, args)
}

fn both_of(text: &str, name: &str, args: &[Val]) -> Result<Option<Val>, String> {
    let mut fused = Run::of(text, true);
    let mut host = Run::of(text, false);
    let a = fused.call(name, args).map_err(|e| e.to_string());
    let b = host.call(name, args).map_err(|e| e.to_string());
    assert_eq!(a, b, "adapter and host paths disagree on `{name}`");
    assert!(
        fused.store.adapter_calls() > 0,
        "`{name}` went through an adapter"
    );
    assert_eq!(
        host.store.adapter_calls(),
        0,
        "the host path uses no adapter"
    );
    a
}

fn probe_args(seed: u64) -> Vec<Val> {
    // A small xorshift: the values only need to differ from call to call.
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let c = char::from_u32((next() % 0xd000) as u32).unwrap_or('x');
    vec![
        Val::U8(next() as u8),
        Val::S8(next() as i8),
        Val::U16(next() as u16),
        Val::S16(next() as i16),
        Val::Bool(next() % 2 == 0),
        Val::Char(c),
        Val::Float32(f32::from_bits(next() as u32)),
        Val::Float64(f64::from_bits(next())),
        Val::U64(next()),
        Val::S32(next() as i32),
    ]
}

#[test]
fn scalar_arguments_arrive_masked_and_canonical_on_both_paths() {
    for seed in 0..32 {
        let out = both("probe", &probe_args(seed)).unwrap();
        assert!(matches!(out, Some(Val::U64(_))));
    }
}

#[test]
fn a_narrow_result_is_masked_by_the_adapter() {
    assert_eq!(both("dirty-u8", &[Val::U8(5)]), Ok(Some(Val::U32(5))));
}

#[test]
fn a_nan_result_becomes_the_canonical_nan() {
    let out = both("nan-bits", &[Val::U32(0xffc0_0001)]);
    assert_eq!(out, Ok(Some(Val::U32(0x7fc0_0000))));
}

#[test]
fn invalid_chars_trap_with_the_spec_message() {
    let msg = both("bad-char", &[]).unwrap_err();
    assert!(msg.contains("invalid `char` bit pattern"), "{msg}");
    let msg = both("to-char", &[Val::U32(0x11_0000)]).unwrap_err();
    assert!(msg.contains("invalid `char` bit pattern"), "{msg}");
    assert_eq!(
        both("to-char", &[Val::U32(0x1f600)]),
        Ok(Some(Val::Char('😀')))
    );
}

#[test]
fn post_return_runs_once_per_call_after_the_result_is_read() {
    for adapters in [true, false] {
        let mut run = Run::new(adapters);
        for seed in 0..3 {
            run.call("probe", &probe_args(seed)).unwrap();
        }
        run.call("nothing", &[]).unwrap();
        assert_eq!(run.call("posts", &[]).unwrap(), Some(Val::U32(3)));
        let expected = if adapters { 4 } else { 0 };
        assert_eq!(run.store.adapter_calls(), expected);
    }
}

#[test]
fn a_trap_in_an_adapter_poisons_the_callee_and_leaves_the_store_usable() {
    for adapters in [true, false] {
        let mut run = Run::new(adapters);
        let msg = run
            .call("to-char", &[Val::U32(0xdfff)])
            .unwrap_err()
            .to_string();
        assert!(msg.contains("invalid `char` bit pattern"), "{msg}");
        // The result trapped after the callee ran: it stays entered.
        let msg = run.call("nothing", &[]).unwrap_err().to_string();
        assert!(msg.contains("cannot enter component instance"), "{msg}");
    }
}

/// A `result<f32, u64>` passed flat (joined as `i32, i64`): the callee
/// returns the joined payload it received, so the test sees how the
/// adapter narrowed and widened it. The caller can also pass a raw
/// discriminant and payload of its choice.
const FLAT_VARIANT: &str = r#"(component
  (component $Callee
    (core module $M
      (func (export "payload") (param i32 i64) (result i64) (local.get 1)))
    (core instance $m (instantiate $M))
    (func (export "payload") (param "x" (result f32 (error u64))) (result u64)
      (canon lift (core func $m "payload"))))
  (component $Caller
    (import "payload" (func $payload (param "x" (result f32 (error u64))) (result u64)))
    (core func $payload_l (canon lower (func $payload)))
    (core module $M
      (import "i" "payload" (func $payload (param i32 i64) (result i64)))
      (func (export "forward") (param i32 i64) (result i64)
        (call $payload (local.get 0) (local.get 1)))
      (func (export "raw") (param i32 i64) (result i64)
        (call $payload (local.get 0) (local.get 1))))
    (core instance $m (instantiate $M (with "i" (instance (export "payload" (func $payload_l))))))
    (func (export "forward") (param "x" (result f32 (error u64))) (result u64)
      (canon lift (core func $m "forward")))
    (func (export "raw") (param "disc" u32) (param "payload" u64) (result u64)
      (canon lift (core func $m "raw"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "payload" (func $callee "payload"))))
  (export "forward" (func $caller "forward"))
  (export "raw" (func $caller "raw"))
)"#;

#[test]
fn flat_variant_payloads_are_narrowed_to_their_case_and_widened_back() {
    let ok = Val::Result(Ok(Some(Box::new(Val::Float32(1.5)))));
    let out = both_of(FLAT_VARIANT, "forward", &[ok]);
    assert_eq!(out, Ok(Some(Val::U64(u64::from(1.5f32.to_bits())))));
    let err = Val::Result(Err(Some(Box::new(Val::U64(u64::MAX)))));
    assert_eq!(
        both_of(FLAT_VARIANT, "forward", &[err]),
        Ok(Some(Val::U64(u64::MAX)))
    );
    // The `f32` case ignores the joined payload's upper half.
    let dirty = [Val::U32(0), Val::U64(0xffff_ffff_3fc0_0000)];
    assert_eq!(
        both_of(FLAT_VARIANT, "raw", &dirty),
        Ok(Some(Val::U64(0x3fc0_0000)))
    );
}

#[test]
fn a_bad_discriminant_traps_with_the_spec_message() {
    let msg = both_of(FLAT_VARIANT, "raw", &[Val::U32(2), Val::U64(0)]).unwrap_err();
    assert!(msg.contains("invalid variant discriminant"), "{msg}");
}

/// A callee that implements resource `r` and a caller that creates one,
/// borrows it, moves it back and then uses the moved-out handle.
const HANDLES: &str = r#"(component
  (component $Callee
    (type $R (resource (rep i32)))
    (export $r "r" (type $R))
    (core func $new (canon resource.new $R))
    (core func $rep (canon resource.rep $R))
    (core module $M
      (import "r" "new" (func $new (param i32) (result i32)))
      (import "r" "rep" (func $rep (param i32) (result i32)))
      (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
      ;; A borrow given to the resource's implementation is its rep.
      (func (export "peek") (param i32) (result i32) (local.get 0))
      (func (export "consume") (param i32) (result i32) (call $rep (local.get 0))))
    (core instance $m (instantiate $M (with "r" (instance
      (export "new" (func $new)) (export "rep" (func $rep))))))
    (func (export "make") (param "rep" u32) (result (own $r)) (canon lift (core func $m "make")))
    (func (export "peek") (param "x" (borrow $r)) (result u32) (canon lift (core func $m "peek")))
    (func (export "consume") (param "x" (own $r)) (result u32) (canon lift (core func $m "consume"))))
  (component $Caller
    (import "r" (type $r (sub resource)))
    (import "make" (func $make (param "rep" u32) (result (own $r))))
    (import "peek" (func $peek (param "x" (borrow $r)) (result u32)))
    (import "consume" (func $consume (param "x" (own $r)) (result u32)))
    (core func $make_l (canon lower (func $make)))
    (core func $peek_l (canon lower (func $peek)))
    (core func $consume_l (canon lower (func $consume)))
    (core module $M
      (import "i" "make" (func $make (param i32) (result i32)))
      (import "i" "peek" (func $peek (param i32) (result i32)))
      (import "i" "consume" (func $consume (param i32) (result i32)))
      (global $h (mut i32) (i32.const 0))
      ;; rep * 1000 + peeked rep, then the rep the callee got back.
      (func (export "round-trip") (param i32) (result i64)
        (global.set $h (call $make (local.get 0)))
        (i64.add
          (i64.mul (i64.extend_i32_u (call $peek (global.get $h))) (i64.const 1000000))
          (i64.extend_i32_u (call $consume (global.get $h)))))
      ;; The handle moved out with `consume`: using it again traps.
      (func (export "reuse") (result i32) (call $peek (global.get $h))))
    (core instance $m (instantiate $M (with "i" (instance
      (export "make" (func $make_l)) (export "peek" (func $peek_l))
      (export "consume" (func $consume_l))))))
    (func (export "round-trip") (param "rep" u32) (result u64) (canon lift (core func $m "round-trip")))
    (func (export "reuse") (result u32) (canon lift (core func $m "reuse"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "r" (type $callee "r"))
    (with "make" (func $callee "make")) (with "peek" (func $callee "peek"))
    (with "consume" (func $callee "consume"))))
  (export "round-trip" (func $caller "round-trip"))
  (export "reuse" (func $caller "reuse"))
)"#;

#[test]
fn own_handles_move_and_borrows_are_lent_through_adapters() {
    for adapters in [true, false] {
        let mut run = Run::of(HANDLES, adapters);
        let out = run.call("round-trip", &[Val::U32(42)]).unwrap();
        assert_eq!(out, Some(Val::U64(42 * 1_000_000 + 42)));
        assert_eq!(run.store.adapter_calls(), if adapters { 3 } else { 0 });
        // Calls that move or lend handles keep the host's enter and exit
        // (the borrow scope is checked there).
        assert_eq!(run.store.fast_adapter_calls(), 0);
        let msg = run.call("reuse", &[]).unwrap_err().to_string();
        assert!(msg.contains("unknown handle index"), "{msg}");
    }
}

/// Three instances: `$Impl` implements `r`, `$User` receives borrows of
/// it (keeping or dropping them), and `$Caller` owns one and lends it.
const BORROWS: &str = r#"(component
  (component $Impl
    (type $R (resource (rep i32)))
    (export $r "r" (type $R))
    (core func $new (canon resource.new $R))
    (core module $M
      (import "r" "new" (func $new (param i32) (result i32)))
      (func (export "make") (param i32) (result i32) (call $new (local.get 0))))
    (core instance $m (instantiate $M (with "r" (instance (export "new" (func $new))))))
    (func (export "make") (param "rep" u32) (result (own $r)) (canon lift (core func $m "make"))))
  (component $User
    (import "r" (type $r (sub resource)))
    (core func $drop (canon resource.drop $r))
    (core module $M
      (import "r" "drop" (func $drop (param i32)))
      (func (export "drops") (param i32) (result i32) (call $drop (local.get 0)) (i32.const 7))
      (func (export "keeps") (param i32) (result i32) (i32.const 8)))
    (core instance $m (instantiate $M (with "r" (instance (export "drop" (func $drop))))))
    (func (export "drops") (param "x" (borrow $r)) (result u32) (canon lift (core func $m "drops")))
    (func (export "keeps") (param "x" (borrow $r)) (result u32) (canon lift (core func $m "keeps"))))
  (component $Caller
    (import "r" (type $r (sub resource)))
    (import "make" (func $make (param "rep" u32) (result (own $r))))
    (import "drops" (func $drops (param "x" (borrow $r)) (result u32)))
    (import "keeps" (func $keeps (param "x" (borrow $r)) (result u32)))
    (core func $make_l (canon lower (func $make)))
    (core func $drops_l (canon lower (func $drops)))
    (core func $keeps_l (canon lower (func $keeps)))
    (core func $drop (canon resource.drop $r))
    (core module $M
      (import "i" "make" (func $make (param i32) (result i32)))
      (import "i" "drops" (func $drops (param i32) (result i32)))
      (import "i" "keeps" (func $keeps (param i32) (result i32)))
      (import "i" "drop" (func $drop (param i32)))
      (global $h (mut i32) (i32.const 0))
      ;; Lends the handle twice, then drops it: only possible once the
      ;; lends ended.
      (func (export "lend") (result i32)
        (local $sum i32)
        (global.set $h (call $make (i32.const 5)))
        (local.set $sum (i32.add (call $drops (global.get $h)) (call $drops (global.get $h))))
        (call $drop (global.get $h))
        (local.get $sum))
      (func (export "leak") (result i32)
        (call $keeps (call $make (i32.const 6)))))
    (core instance $m (instantiate $M (with "i" (instance
      (export "make" (func $make_l)) (export "drops" (func $drops_l))
      (export "keeps" (func $keeps_l)) (export "drop" (func $drop))))))
    (func (export "lend") (result u32) (canon lift (core func $m "lend")))
    (func (export "leak") (result u32) (canon lift (core func $m "leak"))))
  (instance $impl (instantiate $Impl))
  (instance $user (instantiate $User (with "r" (type $impl "r"))))
  (instance $caller (instantiate $Caller (with "r" (type $impl "r"))
    (with "make" (func $impl "make")) (with "drops" (func $user "drops"))
    (with "keeps" (func $user "keeps"))))
  (export "lend" (func $caller "lend"))
  (export "leak" (func $caller "leak"))
)"#;

#[test]
fn a_borrow_is_lent_for_the_call_and_must_be_dropped_by_its_end() {
    assert_eq!(both_of(BORROWS, "lend", &[]), Ok(Some(Val::U32(14))));
    let msg = both_of(BORROWS, "leak", &[]).unwrap_err();
    assert!(
        msg.contains("borrow handles still remain at the end of the call"),
        "{msg}"
    );
}

/// A callee that makes an error context and reads the ones it is given,
/// and a caller that passes the one it got on, flat and in a list. Moving
/// an `error-context` copies it: the sender keeps its handle.
const ERROR_CONTEXTS: &str = r#"(component
  (component $Callee
    (core module $Mem
      (memory (export "mem") 1)
      (data (i32.const 0) "disk full")
      $BUMP_REALLOC)
    (core instance $mem (instantiate $Mem))
    (core func $new (canon error-context.new (memory $mem "mem")))
    (core func $msg (canon error-context.debug-message (memory $mem "mem")
      (realloc (func $mem "realloc"))))
    (core func $drop (canon error-context.drop))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "new" (func $new (param i32 i32) (result i32)))
      (import "" "msg" (func $msg (param i32 i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "make") (result i32) (call $new (i32.const 0) (i32.const 9)))
      ;; The message's length and bytes folded into one i32; drops `h`.
      (func $digest (param $h i32) (result i32)
        (local $p i32) (local $end i32) (local $acc i32)
        (call $msg (local.get $h) (i32.const 16))
        (local.set $p (i32.load (i32.const 16)))
        (local.set $acc (i32.load (i32.const 20)))
        (local.set $end (i32.add (local.get $p) (local.get $acc)))
        (block $done (loop $next
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31))
            (i32.load8_u (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $next)))
        (call $drop (local.get $h))
        (local.get $acc))
      ;; The handle the callee got in the high half, the digest below.
      (func (export "check") (param $h i32) (result i64)
        (i64.or (i64.shl (i64.extend_i32_u (local.get $h)) (i64.const 32))
          (i64.extend_i32_u (call $digest (local.get $h)))))
      (func (export "check-list") (param $p i32) (param $n i32) (result i32)
        (local $acc i32)
        (block $done (loop $next
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $acc (i32.add (local.get $acc) (call $digest (i32.load (local.get $p)))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $next)))
        (local.get $acc)))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "new" (func $new))
      (export "msg" (func $msg)) (export "drop" (func $drop))))))
    (func (export "make") (result error-context) (canon lift (core func $m "make")))
    (func (export "check") (param "e" error-context) (result u64)
      (canon lift (core func $m "check")))
    (func (export "check-list") (param "es" (list error-context)) (result u32)
      (canon lift (core func $m "check-list") (memory $mem "mem")
        (realloc (func $mem "realloc")))))
  (component $Caller
    (import "make" (func $make (result error-context)))
    (import "check" (func $check (param "e" error-context) (result u64)))
    (import "check-list" (func $check_list (param "es" (list error-context)) (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $make_l (canon lower (func $make)))
    (core func $check_l (canon lower (func $check)))
    (core func $check_list_l (canon lower (func $check_list) (memory $mem "mem")))
    (core func $drop (canon error-context.drop))
    (core func $ws_new (canon waitable-set.new))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "make" (func $make (result i32)))
      (import "" "check" (func $check (param i32) (result i64)))
      (import "" "check-list" (func $check_list (param i32 i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (import "" "ws-new" (func $ws_new (result i32)))
      (global $e (mut i32) (i32.const 0))
      (func (export "first") (result i64)
        (global.set $e (call $make))
        (call $check (global.get $e)))
      ;; Passes the same handle again (it was not moved out), then drops it.
      (func (export "again") (result i64)
        (local $r i64)
        (local.set $r (call $check (global.get $e)))
        (call $drop (global.get $e))
        (local.get $r))
      (func (export "list") (result i32)
        (global.set $e (call $make))
        (i32.store (i32.const 64) (global.get $e))
        (i32.store (i32.const 68) (global.get $e))
        (call $check_list (i32.const 64) (i32.const 2)))
      ;; A handle the caller dropped, and one that is not an error context.
      (func (export "gone") (result i64)
        (local $e i32)
        (local.set $e (call $make))
        (call $drop (local.get $e))
        (call $check (local.get $e)))
      (func (export "wrong-kind") (result i64) (call $check (call $ws_new))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "make" (func $make_l))
      (export "check" (func $check_l)) (export "check-list" (func $check_list_l))
      (export "drop" (func $drop)) (export "ws-new" (func $ws_new))))))
    (func (export "first") (result u64) (canon lift (core func $m "first")))
    (func (export "again") (result u64) (canon lift (core func $m "again")))
    (func (export "list") (result u32) (canon lift (core func $m "list")))
    (func (export "gone") (result u64) (canon lift (core func $m "gone")))
    (func (export "wrong-kind") (result u64) (canon lift (core func $m "wrong-kind"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller
    (with "make" (func $callee "make")) (with "check" (func $callee "check"))
    (with "check-list" (func $callee "check-list"))))
  (export "first" (func $caller "first"))
  (export "again" (func $caller "again"))
  (export "list" (func $caller "list"))
  (export "gone" (func $caller "gone"))
  (export "wrong-kind" (func $caller "wrong-kind"))
)"#;

/// [`ERROR_CONTEXTS`] with the shared bump allocator filled in.
fn error_contexts() -> String {
    ERROR_CONTEXTS.replace("$BUMP_REALLOC", BUMP_REALLOC)
}

/// The callee's `$digest` of a message.
fn digest(message: &str) -> u32 {
    message.bytes().fold(message.len() as u32, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(u32::from(b))
    })
}

#[test]
fn error_contexts_are_copied_through_adapters_and_the_sender_keeps_its_handle() {
    let d = digest("disk full");
    let mut outcomes = Vec::new();
    for adapters in [true, false] {
        let mut run = Run::of(&error_contexts(), adapters);
        let mut calls = Vec::new();
        for name in ["first", "again", "list"] {
            calls.push(run.call(name, &[]).unwrap());
        }
        let Some(Val::U64(first)) = calls[0] else {
            panic!("`first` returned {:?}", calls[0]);
        };
        assert_eq!(first as u32, d, "the callee read the message");
        assert_ne!(first >> 32, 0, "the callee got a handle of its own");
        assert!(
            matches!(calls[1], Some(Val::U64(v)) if v as u32 == d),
            "the caller still had its handle: {:?}",
            calls[1]
        );
        assert_eq!(calls[2], Some(Val::U32(d.wrapping_mul(2))));
        // make, check; check; make, check-list.
        assert_eq!(run.store.adapter_calls(), if adapters { 5 } else { 0 });
        outcomes.push(calls);
    }
    assert_eq!(outcomes[0], outcomes[1], "adapter and host paths disagree");
}

#[test]
fn passing_a_dropped_or_wrong_handle_as_an_error_context_traps_on_both_paths() {
    let gone = both_of(&error_contexts(), "gone", &[]).unwrap_err();
    assert!(gone.contains("unknown handle index"), "{gone}");
    let kind = both_of(&error_contexts(), "wrong-kind", &[]).unwrap_err();
    assert!(kind.contains("is not an error-context"), "{kind}");
}
