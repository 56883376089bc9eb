//! When fused adapters are built, and which calls get one: the pairings a
//! component binary fixes compile when it is loaded (instantiation only
//! instantiates them), pairings made at link time compile at their first
//! instantiation, and every later instantiation reuses the modules.

#[expect(dead_code, reason = "this test uses only the `component` loader")]
mod components;

use components::{BUMP_REALLOC, component};
use weft_harness::{Engine, Instance, Linker, Store, Val};

/// An echo of a string (its memory exported by its own module), a user of
/// it whose lowering names a memory through a bundle of exports, and a
/// parent that lowers a function of its child (a call that traps when
/// made, through a refusal module).
const NESTED: &str = r#"(component
  (component $Echo
    (core module $M
      (memory (export "mem") 1)
      $BUMP_REALLOC
      (func (export "echo") (param i32 i32) (result i32)
        (i32.store (i32.const 0) (local.get 0))
        (i32.store (i32.const 4) (local.get 1))
        (i32.const 0))
      (func (export "nothing")))
    (core instance $m (instantiate $M))
    (func (export "echo") (param "s" string) (result string)
      (canon lift (core func $m "echo") (memory $m "mem") (realloc (func $m "realloc"))))
    (func (export "nothing") (canon lift (core func $m "nothing"))))

  (component $User
    (import "echo" (func $echo (param "s" string) (result string)))
    (core module $Mem
      (memory (export "mem") 1)
      $BUMP_REALLOC)
    (core instance $mem (instantiate $Mem))
    (core instance $env (export "mem" (memory $mem "mem")))
    (alias core export $env "mem" (core memory $bundled))
    (core func $echo_l (canon lower (func $echo)
      (memory $bundled) (realloc (func $mem "realloc"))))
    (core module $U
      (import "" "mem" (memory 1))
      (import "" "echo" (func $echo (param i32 i32 i32)))
      (func (export "run") (param i32 i32) (result i32)
        (call $echo (local.get 0) (local.get 1) (i32.const 64))
        (i32.const 64)))
    (core instance $u (instantiate $U (with "" (instance
      (export "mem" (memory $bundled)) (export "echo" (func $echo_l))))))
    (func (export "run") (param "s" string) (result string)
      (canon lift (core func $u "run") (memory $bundled) (realloc (func $mem "realloc")))))

  (instance $echo (instantiate $Echo))
  (instance $user (instantiate $User (with "echo" (func $echo "echo"))))
  (core func $nothing (canon lower (func $echo "nothing")))
  (export "run" (func $user "run"))
)"#;

fn nested() -> String {
    NESTED.replace("$BUMP_REALLOC", BUMP_REALLOC)
}

/// Instantiates `c` in a new store of `engine` and calls `run("weft")`.
fn run(engine: &Engine, c: &weft_harness::Component) -> (Option<Val>, u64) {
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine).instantiate(&mut store, c).unwrap();
    (call_run(&mut store, &instance), store.adapter_calls())
}

fn call_run(store: &mut Store<()>, instance: &Instance) -> Option<Val> {
    let f = instance.get_func(&mut *store, "run").unwrap();
    let mut out = [Val::Bool(false)];
    f.call(&mut *store, &[Val::String("weft".into())], &mut out)
        .unwrap();
    out.into_iter().next()
}

#[test]
fn pairings_inside_one_binary_compile_when_it_is_loaded() {
    let engine = Engine::new();
    let c = component(&engine, &nested());
    // `echo` between `User` and `Echo` (`User`'s memory is 32-bit only
    // through its bundle of exports, which the load-time walk follows),
    // and the refusal of the parent's call into `Echo`.
    assert_eq!(engine.fused_adapter_modules(), 2);
    for _ in 0..2 {
        let (out, calls) = run(&engine, &c);
        assert_eq!(out, Some(Val::String("weft".into())));
        assert_eq!(calls, 1, "the call went through the adapter");
        assert_eq!(engine.fused_adapter_modules(), 2, "nothing compiled since");
    }
    // A second component with the same pairings shares the modules.
    let again = component(&engine, &nested());
    assert_eq!(engine.fused_adapter_modules(), 2);
    run(&engine, &again);
    assert_eq!(engine.fused_adapter_modules(), 2);
}

#[test]
fn nothing_is_compiled_when_adapters_are_off() {
    let engine = Engine::new().fused_adapters(false);
    let c = component(&engine, &nested());
    let (out, calls) = run(&engine, &c);
    assert_eq!(out, Some(Val::String("weft".into())));
    assert_eq!((calls, engine.fused_adapter_modules()), (0, 0));
}

/// `NESTED`'s two children as components of their own, linked by the host.
fn linked_parts() -> (String, String) {
    let text = nested();
    let echo_at = text.find("(component $Echo").unwrap();
    let user_at = text.find("(component $User").unwrap();
    let end_at = text.find("(instance $echo").unwrap();
    let echo = text[echo_at..user_at].trim().to_string();
    let user = text[user_at..end_at].trim().to_string();
    (echo, user)
}

#[test]
fn pairings_made_at_link_time_compile_at_their_first_instantiation() {
    let engine = Engine::new();
    let (echo, user) = linked_parts();
    let echo = component(&engine, &echo);
    let user = component(&engine, &user);
    assert_eq!(
        engine.fused_adapter_modules(),
        0,
        "neither binary fixes a pairing"
    );
    for round in 0..2 {
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        let e = linker.instantiate(&mut store, &echo).unwrap();
        linker.define_instance(&e).unwrap();
        let u = linker.instantiate(&mut store, &user).unwrap();
        assert_eq!(engine.fused_adapter_modules(), 1, "round {round}");
        assert_eq!(call_run(&mut store, &u), Some(Val::String("weft".into())));
        assert_eq!(store.adapter_calls(), 1);
    }
}

/// `g` calls `f`, which its own instance lifted: the spec's `entering_set`
/// of the call is empty, so nothing is entered and nothing traps.
const SELF_CALL: &str = r#"(component
  (core module $A (func (export "f") (result i32) (i32.const 7)))
  (core instance $a (instantiate $A))
  (func $f (result u32) (canon lift (core func $a "f")))
  (core func $f_l (canon lower (func $f)))
  (core module $B
    (import "" "f" (func $f (result i32)))
    (func (export "g") (result i32) (call $f)))
  (core instance $b (instantiate $B (with "" (instance (export "f" (func $f_l))))))
  (func (export "g") (result u32) (canon lift (core func $b "g")))
)"#;

#[test]
fn a_call_into_the_callers_own_instance_runs_through_an_adapter() {
    let fused = components::call_with_adapters(SELF_CALL, "g", &[], true);
    let host = components::call_with_adapters(SELF_CALL, "g", &[], false);
    assert_eq!(fused.0, Ok(Some(Val::U32(7))));
    assert_eq!(fused.0, host.0, "adapter and host paths disagree");
    assert_eq!((fused.1, host.1), (1, 0));
}

/// A parent calling its child: the suite expects a trap, "for now"
/// (`async/trap-on-reenter.wast`), though the spec's `entering_set` would
/// allow it.
const INTO_CHILD: &str = r#"(component
  (component $Child
    (core module $C (func (export "f") (param i32) (result i32) (local.get 0)))
    (core instance $c (instantiate $C))
    (func (export "f") (param "x" u32) (result u32) (canon lift (core func $c "f"))))
  (instance $child (instantiate $Child))
  (core func $f (canon lower (func $child "f")))
  (core module $P
    (import "" "f" (func $f (param i32) (result i32)))
    (func (export "g") (result i32) (call $f (i32.const 5))))
  (core instance $p (instantiate $P (with "" (instance (export "f" (func $f))))))
  (func (export "g") (result u32) (canon lift (core func $p "g")))
)"#;

#[test]
fn a_call_into_a_descendant_traps_in_generated_code_as_on_the_host_path() {
    let engine = Engine::new();
    component(&engine, INTO_CHILD);
    assert_eq!(engine.fused_adapter_modules(), 1, "the refusal, at load");
    let fused = components::call_with_adapters(INTO_CHILD, "g", &[], true);
    let host = components::call_with_adapters(INTO_CHILD, "g", &[], false);
    let trap = fused.0.clone().unwrap_err();
    assert!(trap.contains("cannot enter component instance"), "{trap}");
    assert_eq!(fused.0, host.0, "adapter and host paths disagree");
    assert_eq!((fused.1, host.1), (1, 0), "the refusal counts as adapted");
}

/// A file of the reference suite (`../shared/conformance`).
fn suite_file(rel: &str) -> std::path::PathBuf {
    let shared = std::env::var_os("WEFT_SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
        });
    shared.join("conformance/component-model").join(rel)
}

#[test]
fn sync_calls_into_instances_with_threads_are_scheduled_through_adapters() {
    // `run` calls `arm` and `inner-block` in two instances that use thread
    // built-ins (the second switches threads four times before it
    // returns); the other script's `run` calls `sync-block`, likewise.
    let files = [
        suite_file("async/during-sync-call-no-sibling-resume.wast"),
        suite_file("async/during-sync-call-no-exclusive-resume.wast"),
    ];
    for (adapters, calls) in [(true, 3), (false, 0)] {
        let summary = weft_harness::wast::run_paths_with_adapters(&files, adapters).unwrap();
        assert!(summary.failures.is_empty(), "{:?}", summary.failures);
        assert_eq!(summary.passed, 15);
        assert_eq!(summary.adapter_calls, calls, "adapters on: {adapters}");
    }
}

#[test]
fn stream_ends_whose_elements_name_resources_move_through_adapters() {
    // `stream<own R>` names `R` by the consumer's import on one side and
    // by the producer's definition on the other; the consumer's three
    // calls into the producer all get adapters.
    let files = [suite_file("async/passing-resources.wast")];
    for (adapters, calls) in [(true, 3), (false, 0)] {
        let summary = weft_harness::wast::run_paths_with_adapters(&files, adapters).unwrap();
        assert!(summary.failures.is_empty(), "{:?}", summary.failures);
        assert_eq!(summary.adapter_calls, calls, "adapters on: {adapters}");
    }
}

/// `$Callee.id` returns its `char`; `$Caller.pass` forwards a raw code
/// point to it, `$Caller.ok` returns 1 without calling anything.
const CHARS_CALLEE: &str = r#"(component
  (core module $M (func (export "id") (param i32) (result i32) (local.get 0)))
  (core instance $m (instantiate $M))
  (func (export "id") (param "c" char) (result char) (canon lift (core func $m "id")))
)"#;
const CHARS_CALLER: &str = r#"(component
  (import "id" (func $id (param "c" char) (result char)))
  (core func $id_l (canon lower (func $id)))
  (core module $M
    (import "" "id" (func $id (param i32) (result i32)))
    (func (export "pass") (param i32) (result i32) (call $id (local.get 0))))
  (core instance $m (instantiate $M (with "" (instance (export "id" (func $id_l))))))
  (func (export "pass") (param "c" u32) (result u32) (canon lift (core func $m "pass")))
)"#;

/// Links the two, passes code point `c`, then calls the callee directly:
/// both outcomes, as messages.
fn pass_then_call_callee(c: u32, adapters: bool) -> (Result<Val, String>, Result<Val, String>) {
    let engine = Engine::new().fused_adapters(adapters);
    let callee = component(&engine, CHARS_CALLEE);
    let caller = component(&engine, CHARS_CALLER);
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let e = linker.instantiate(&mut store, &callee).unwrap();
    linker.define_instance(&e).unwrap();
    let r = linker.instantiate(&mut store, &caller).unwrap();
    let mut call = |inst: &Instance, name: &str, arg: Val| {
        let f = inst.get_func(&mut store, name).unwrap();
        let mut out = [Val::Bool(false)];
        f.call(&mut store, &[arg], &mut out)
            .map(|()| out[0].clone())
            .map_err(|e| e.to_string())
    };
    let passed = call(&r, "pass", Val::U32(c));
    let direct = call(&e, "id", Val::Char('x'));
    (passed, direct)
}

#[test]
fn an_argument_that_traps_leaves_the_callee_entered_on_both_paths() {
    // CanonicalABI.md: the callee is entered (`enter_from`) before
    // `on_start` lifts the arguments, and a trap never leaves it.
    for adapters in [true, false] {
        let (passed, direct) = pass_then_call_callee(0xd800, adapters);
        let trap = passed.unwrap_err();
        assert!(trap.contains("invalid `char` bit pattern"), "{trap}");
        let direct = direct.expect_err(&format!("adapters {adapters}: the callee is poisoned"));
        assert!(
            direct.contains("cannot enter component instance"),
            "{direct}"
        );
    }
    // A good argument leaves both usable.
    for adapters in [true, false] {
        let (passed, direct) = pass_then_call_callee(0x41, adapters);
        assert_eq!(passed, Ok(Val::U32(0x41)));
        assert_eq!(direct, Ok(Val::Char('x')));
    }
}

/// `$Caller.run` (async, stackful) turns on `$Callee`'s backpressure,
/// calls `f(41)` async (held back: STARTING), turns backpressure off and
/// waits for the subtask, whose result it returns.
const HELD_BACK: &str = r#"(component
  (component $Callee
    (core func $inc (canon backpressure.inc))
    (core func $dec (canon backpressure.dec))
    (core func $ret (canon task.return (result u32)))
    (core module $M
      (import "" "inc" (func $inc))
      (import "" "dec" (func $dec))
      (import "" "ret" (func $ret (param i32)))
      (func (export "f") (param i32) (result i32)
        (call $ret (i32.add (local.get 0) (i32.const 1)))
        (i32.const 0 (; EXIT ;)))
      (func (export "f-cb") (param i32 i32 i32) (result i32) unreachable)
      (func (export "set") (call $inc))
      (func (export "clear") (call $dec)))
    (core instance $m (instantiate $M (with "" (instance
      (export "inc" (func $inc)) (export "dec" (func $dec)) (export "ret" (func $ret))))))
    (func (export "f") async (param "x" u32) (result u32)
      (canon lift (core func $m "f") async (callback (core func $m "f-cb"))))
    (func (export "set") (canon lift (core func $m "set")))
    (func (export "clear") (canon lift (core func $m "clear"))))
  (component $Caller
    (import "f" (func $f async (param "x" u32) (result u32)))
    (import "set" (func $set))
    (import "clear" (func $clear))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $f_l (canon lower (func $f) async (memory $mem "mem")))
    (core func $set_l (canon lower (func $set)))
    (core func $clear_l (canon lower (func $clear)))
    (core func $new (canon waitable-set.new))
    (core func $join (canon waitable.join))
    (core func $wait (canon waitable-set.wait (memory $mem "mem")))
    (core func $ret (canon task.return (result u32)))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "f" (func $f (param i32 i32) (result i32)))
      (import "" "set" (func $set))
      (import "" "clear" (func $clear))
      (import "" "new" (func $new (result i32)))
      (import "" "join" (func $join (param i32 i32)))
      (import "" "wait" (func $wait (param i32 i32) (result i32)))
      (import "" "ret" (func $ret (param i32)))
      (func (export "run")
        (local $status i32) (local $ws i32)
        (call $set)
        (local.set $status (call $f (i32.const 41) (i32.const 0)))
        ;; STARTING (0), with the subtask's index above the state bits.
        (if (i32.ne (i32.and (local.get $status) (i32.const 0xf)) (i32.const 0))
          (then unreachable))
        (call $clear)
        (local.set $ws (call $new))
        (call $join (i32.shr_u (local.get $status) (i32.const 4)) (local.get $ws))
        (drop (call $wait (local.get $ws) (i32.const 16)))
        (call $ret (i32.load (i32.const 0)))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "f" (func $f_l))
      (export "set" (func $set_l)) (export "clear" (func $clear_l))
      (export "new" (func $new)) (export "join" (func $join))
      (export "wait" (func $wait)) (export "ret" (func $ret))))))
    (func (export "run") async (result u32) (canon lift (core func $m "run") async)))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller
    (with "f" (func $callee "f")) (with "set" (func $callee "set"))
    (with "clear" (func $callee "clear"))))
  (export "run" (func $caller "run"))
)"#;

#[test]
fn a_call_that_backpressure_holds_back_starts_through_the_adapter() {
    let fused = components::call_with_adapters(HELD_BACK, "run", &[], true);
    let host = components::call_with_adapters(HELD_BACK, "run", &[], false);
    assert_eq!(fused.0, Ok(Some(Val::U32(42))));
    assert_eq!(fused.0, host.0, "adapter and host paths disagree");
    // `set`, `clear`, and `f`, deferred by the adapter (a call deferred by
    // the host path would not count).
    assert_eq!((fused.1, host.1), (3, 0));
}

/// [`HELD_BACK`] with a borrow: `run` makes a resource, lends it to the
/// held-back `f` (which returns its rep + 1), and drops it once the
/// subtask returned, which traps unless the lend ended with the call.
const HELD_BACK_BORROW: &str = r#"(component
  (component $Callee
    (type $R (resource (rep i32)))
    (core func $new (canon resource.new $R))
    (core func $inc (canon backpressure.inc))
    (core func $dec (canon backpressure.dec))
    (core func $ret (canon task.return (result u32)))
    (core module $M
      (import "" "new" (func $new (param i32) (result i32)))
      (import "" "inc" (func $inc))
      (import "" "dec" (func $dec))
      (import "" "ret" (func $ret (param i32)))
      (func (export "make") (result i32) (call $new (i32.const 7)))
      (func (export "f") (param i32) (result i32)
        (call $ret (i32.add (local.get 0) (i32.const 1)))
        (i32.const 0 (; EXIT ;)))
      (func (export "f-cb") (param i32 i32 i32) (result i32) unreachable)
      (func (export "set") (call $inc))
      (func (export "clear") (call $dec)))
    (core instance $m (instantiate $M (with "" (instance
      (export "new" (func $new)) (export "inc" (func $inc))
      (export "dec" (func $dec)) (export "ret" (func $ret))))))
    (export $R' "r" (type $R))
    (func (export "make") (result (own $R')) (canon lift (core func $m "make")))
    (func (export "f") async (param "r" (borrow $R')) (result u32)
      (canon lift (core func $m "f") async (callback (core func $m "f-cb"))))
    (func (export "set") (canon lift (core func $m "set")))
    (func (export "clear") (canon lift (core func $m "clear"))))
  (component $Caller
    (import "r" (type $R (sub resource)))
    (import "make" (func $make (result (own $R))))
    (import "f" (func $f async (param "r" (borrow $R)) (result u32)))
    (import "set" (func $set))
    (import "clear" (func $clear))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $make_l (canon lower (func $make)))
    (core func $f_l (canon lower (func $f) async (memory $mem "mem")))
    (core func $set_l (canon lower (func $set)))
    (core func $clear_l (canon lower (func $clear)))
    (core func $drop (canon resource.drop $R))
    (core func $new (canon waitable-set.new))
    (core func $join (canon waitable.join))
    (core func $wait (canon waitable-set.wait (memory $mem "mem")))
    (core func $ret (canon task.return (result u32)))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "make" (func $make (result i32)))
      (import "" "f" (func $f (param i32 i32) (result i32)))
      (import "" "set" (func $set))
      (import "" "clear" (func $clear))
      (import "" "drop" (func $drop (param i32)))
      (import "" "new" (func $new (result i32)))
      (import "" "join" (func $join (param i32 i32)))
      (import "" "wait" (func $wait (param i32 i32) (result i32)))
      (import "" "ret" (func $ret (param i32)))
      (func (export "run")
        (local $h i32) (local $status i32) (local $ws i32)
        (call $set)
        (local.set $h (call $make))
        (local.set $status (call $f (local.get $h) (i32.const 0)))
        (if (i32.ne (i32.and (local.get $status) (i32.const 0xf)) (i32.const 0))
          (then unreachable))
        (call $clear)
        (local.set $ws (call $new))
        (call $join (i32.shr_u (local.get $status) (i32.const 4)) (local.get $ws))
        (drop (call $wait (local.get $ws) (i32.const 16)))
        (call $drop (local.get $h))
        (call $ret (i32.load (i32.const 0)))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "make" (func $make_l))
      (export "f" (func $f_l)) (export "set" (func $set_l))
      (export "clear" (func $clear_l)) (export "drop" (func $drop))
      (export "new" (func $new)) (export "join" (func $join))
      (export "wait" (func $wait)) (export "ret" (func $ret))))))
    (func (export "run") async (result u32) (canon lift (core func $m "run") async)))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller
    (with "r" (type $callee "r")) (with "make" (func $callee "make"))
    (with "f" (func $callee "f")) (with "set" (func $callee "set"))
    (with "clear" (func $callee "clear"))))
  (export "run" (func $caller "run"))
)"#;

#[test]
fn a_borrow_lent_to_a_held_back_call_is_returned_when_the_call_resolves() {
    let fused = components::call_with_adapters(HELD_BACK_BORROW, "run", &[], true);
    let host = components::call_with_adapters(HELD_BACK_BORROW, "run", &[], false);
    assert_eq!(fused.0, Ok(Some(Val::U32(8))));
    assert_eq!(fused.0, host.0, "adapter and host paths disagree");
    // `set`, `make`, `f` (deferred by the adapter) and `clear`.
    assert_eq!((fused.1, host.1), (4, 0));
}
