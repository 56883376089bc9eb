//! The fast path of synchronous adapted calls (`runtime::lazy`): the
//! adapter enters and leaves its callee in wasm, and the callee's Task is
//! made only when host code runs during the call. Each test runs the same
//! composition with adapters and on the host-mediated path (the oracle):
//! both must agree, and the counters say that the fast path was taken.

#[expect(dead_code, reason = "this test uses only the `component` loader")]
mod components;

use components::{BUMP_REALLOC, component};
use weft_harness::{Engine, Error, Func, Linker, Store, Val};

/// The callee, a top-level instance of its own: a no-op, a trap, a
/// function using `context.{get,set}`, one calling the host's `poke`, one
/// whose `post-return` calls out, and a string echo.
fn callee() -> String {
    let realloc = BUMP_REALLOC;
    format!(
        r#"(component
  (import "host" (instance $h (export "poke" (func (param "x" u32) (result u32)))))
  (alias export $h "poke" (func $poke))
  (core func $poke' (canon lower (func $poke)))
  (core func $cget (canon context.get i32 0))
  (core func $cset (canon context.set i32 0))
  (core module $M
    (import "" "poke" (func $poke (param i32) (result i32)))
    (import "" "context.get" (func $cget (result i32)))
    (import "" "context.set" (func $cset (param i32)))
    (memory (export "mem") 1)
    {realloc}
    (func (export "noop"))
    (func (export "boom") unreachable)
    (func (export "ctx") (param i32) (result i32)
      (call $cset (local.get 0))
      (i32.add (call $cget) (i32.const 1)))
    (func (export "poke") (param i32) (result i32) (call $poke (local.get 0)))
    (func (export "id") (param i32) (result i32) (local.get 0))
    (func (export "post") (param i32) (drop (call $poke (i32.const 0))))
    (func (export "echo") (param i32 i32) (result i32)
      (i32.store (i32.const 8) (local.get 0))
      (i32.store (i32.const 12) (local.get 1))
      (i32.const 8)))
  (core instance $m (instantiate $M (with "" (instance
    (export "poke" (func $poke')) (export "context.get" (func $cget))
    (export "context.set" (func $cset))))))
  (func (export "noop") (canon lift (core func $m "noop")))
  (func (export "boom") (canon lift (core func $m "boom")))
  (func (export "ctx") (param "x" u32) (result u32) (canon lift (core func $m "ctx")))
  (func (export "poke") (param "x" u32) (result u32) (canon lift (core func $m "poke")))
  (func (export "leave-in-post-return") (param "x" u32) (result u32)
    (canon lift (core func $m "id") (post-return (func $m "post"))))
  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $m "echo") (memory $m "mem") (realloc (func $m "realloc")))))"#
    )
}

/// A third instance with a no-op of its own: what the caller's `realloc`
/// calls out to when asked (not the callee, which is entered then).
const OTHER: &str = r#"(component
  (core module $M (func (export "f")))
  (core instance $m (instantiate $M))
  (func (export "other-noop") (canon lift (core func $m "f"))))"#;

/// The caller, another top-level instance, linked to the callee's
/// exports: calls each through its own lowering (and can loop over the
/// no-op, the benchmark's shape), and can make the adapter's `realloc`
/// into its memory call out.
const CALLER: &str = r#"(component
  (import "other-noop" (func $other))
  (import "noop" (func $noop))
  (import "boom" (func $boom))
  (import "ctx" (func $ctx (param "x" u32) (result u32)))
  (import "poke" (func $poke (param "x" u32) (result u32)))
  (import "leave-in-post-return" (func $lpr (param "x" u32) (result u32)))
  (import "echo" (func $echo (param "s" string) (result string)))
  (core func $noop' (canon lower (func $noop)))
  (core func $other' (canon lower (func $other)))
  (core module $Mem
    (import "" "other" (func $other))
    (memory (export "mem") 1)
    (data (i32.const 512) "hello")
    (global $leave (mut i32) (i32.const 0))
    (global $next (mut i32) (i32.const 1024))
    (func (export "leave-in-realloc") (global.set $leave (i32.const 1)))
    ;; A bump allocator that calls out when asked to.
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (if (global.get $leave) (then (call $other)))
      (local.set $p (i32.and
        (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $Mem (with "" (instance (export "other" (func $other'))))))
  (core func $boom' (canon lower (func $boom)))
  (core func $ctx' (canon lower (func $ctx)))
  (core func $poke' (canon lower (func $poke)))
  (core func $lpr' (canon lower (func $lpr)))
  (core func $echo' (canon lower (func $echo) (memory $mem "mem") (realloc (func $mem "realloc"))))
  (core module $M
    (import "" "noop" (func $noop))
    (import "" "boom" (func $boom))
    (import "" "ctx" (func $ctx (param i32) (result i32)))
    (import "" "poke" (func $poke (param i32) (result i32)))
    (import "" "lpr" (func $lpr (param i32) (result i32)))
    (import "" "echo" (func $echo (param i32 i32 i32)))
    (import "" "leave-in-realloc" (func $leave))
    (func (export "noop") (call $noop))
    (func (export "noops") (param $n i32)
      (loop $l
        (if (local.get $n) (then
          (call $noop)
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))))
    (func (export "boom") (call $boom))
    (func (export "ctx") (param i32) (result i32) (call $ctx (local.get 0)))
    (func (export "poke") (param i32) (result i32) (call $poke (local.get 0)))
    (func (export "lpr") (param i32) (result i32) (call $lpr (local.get 0)))
    (func (export "echo") (result i32)
      (call $echo (i32.const 512) (i32.const 5) (i32.const 16))
      (i32.const 16))
    (func (export "echo-leaving") (result i32)
      (call $leave)
      (call $echo (i32.const 512) (i32.const 5) (i32.const 16))
      (i32.const 16)))
  (core instance $m (instantiate $M (with "" (instance
    (export "noop" (func $noop')) (export "boom" (func $boom'))
    (export "ctx" (func $ctx')) (export "poke" (func $poke'))
    (export "lpr" (func $lpr')) (export "echo" (func $echo'))
    (export "leave-in-realloc" (func $mem "leave-in-realloc"))))))
  (func (export "noop") (canon lift (core func $m "noop")))
  (func (export "noops") (param "n" u32) (canon lift (core func $m "noops")))
  (func (export "boom") (canon lift (core func $m "boom")))
  (func (export "ctx") (param "x" u32) (result u32) (canon lift (core func $m "ctx")))
  (func (export "poke") (param "x" u32) (result u32) (canon lift (core func $m "poke")))
  (func (export "lpr") (param "x" u32) (result u32) (canon lift (core func $m "lpr")))
  (func (export "echo") (result string)
    (canon lift (core func $m "echo") (memory $mem "mem") (realloc (func $mem "realloc"))))
  (func (export "echo-leaving") (result string)
    (canon lift (core func $m "echo-leaving") (memory $mem "mem")
      (realloc (func $mem "realloc")))))"#;

/// What the host's `poke(x)` does: calls the export in the store's data
/// for `x == REENTER` (and returns 0), else returns `x + 1`.
const REENTER: u32 = 7;

/// The two instances, top-level in one store (so that entering one enters
/// no common parent), and the engine mode.
struct Run {
    store: Store<Option<Func>>,
    caller: weft_harness::Instance,
    callee: weft_harness::Instance,
}

impl Run {
    fn new(adapters: bool) -> Self {
        let engine = Engine::new().fused_adapters(adapters);
        let mut store = Store::new(&engine, None);
        let mut linker = Linker::<Option<Func>>::new(&engine);
        let mut h = linker.instance("host").unwrap();
        h.func_wrap("poke", |mut cx, (x,): (u32,)| {
            if x != REENTER {
                return Ok((x + 1,));
            }
            let f = (*cx.data()).expect("the test set the export to call");
            f.call(&mut cx, &[], &mut [])?;
            Ok((0,))
        })
        .unwrap();
        let callee = linker
            .instantiate(&mut store, &component(&engine, &callee()))
            .unwrap();
        linker.define_instance(&callee).unwrap();
        let other = linker
            .instantiate(&mut store, &component(&engine, OTHER))
            .unwrap();
        linker.define_instance(&other).unwrap();
        let caller = linker
            .instantiate(&mut store, &component(&engine, CALLER))
            .unwrap();
        Self {
            store,
            caller,
            callee,
        }
    }

    /// The caller's export `name`, or (`callee:name`) the callee's.
    fn func(&mut self, name: &str) -> Func {
        let (instance, name) = match name.strip_prefix("callee:") {
            Some(n) => (&self.callee, n),
            None => (&self.caller, name),
        };
        instance.get_func(&mut self.store, name).unwrap()
    }

    fn call(&mut self, name: &str, args: &[Val]) -> Result<Option<Val>, Error> {
        let f = self.func(name);
        let mut out = vec![Val::Bool(false); f.results(&mut self.store).len()];
        f.call(&mut self.store, args, &mut out)?;
        Ok(out.pop())
    }

    /// `(adapted calls, of which fast)`.
    fn counts(&self) -> (u64, u64) {
        (self.store.adapter_calls(), self.store.fast_adapter_calls())
    }
}

/// Runs `script` on both paths; asserts that they agree on every outcome
/// (errors as their messages) and returns them, with the adapter path's
/// counts.
fn both(script: impl Fn(&mut Run) -> Vec<Result<Option<Val>, String>>) -> Oracle {
    let mut fused = Run::new(true);
    let mut host = Run::new(false);
    let a = script(&mut fused);
    let b = script(&mut host);
    assert_eq!(a, b, "adapter and host paths disagree");
    assert_eq!(host.counts(), (0, 0), "the host path uses no adapter");
    Oracle {
        outcomes: a,
        counts: fused.counts(),
    }
}

struct Oracle {
    outcomes: Vec<Result<Option<Val>, String>>,
    counts: (u64, u64),
}

fn msg(r: Result<Option<Val>, Error>) -> Result<Option<Val>, String> {
    r.map_err(|e| e.to_string())
}

fn err_of(r: &Result<Option<Val>, String>) -> &str {
    match r {
        Err(e) => e,
        Ok(v) => panic!("expected a trap, got {v:?}"),
    }
}

#[test]
fn the_no_op_benchmark_shape_takes_the_fast_path_on_every_call() {
    let o = both(|r| vec![msg(r.call("noops", &[Val::U32(1000)]))]);
    assert_eq!(o.outcomes, [Ok(None)]);
    assert_eq!(o.counts, (1000, 1000));
}

#[test]
fn a_utf8_string_echo_takes_the_fast_path() {
    let o = both(|r| (0..3).map(|_| msg(r.call("echo", &[]))).collect());
    let hello = Ok(Some(Val::String("hello".into())));
    assert_eq!(o.outcomes, [hello.clone(), hello.clone(), hello]);
    assert_eq!(o.counts, (3, 3));
}

#[test]
fn tracing_turns_the_fast_path_off_but_not_the_adapter() {
    let mut run = Run::new(true);
    run.store.enable_trace();
    run.call("noops", &[Val::U32(10)]).unwrap();
    assert_eq!(run.counts(), (10, 0));
}

#[test]
fn a_trap_in_a_fast_path_callee_poisons_it_for_the_next_calls() {
    let o = both(|r| {
        vec![
            msg(r.call("noop", &[])),
            msg(r.call("boom", &[])),
            // Through the adapter, then straight from the host.
            msg(r.call("noop", &[])),
            msg(r.call("callee:noop", &[])),
        ]
    });
    assert_eq!(o.outcomes[0], Ok(None));
    assert!(
        err_of(&o.outcomes[1]).contains("unreachable"),
        "{:?}",
        o.outcomes
    );
    for after in &o.outcomes[2..] {
        assert!(
            err_of(after).contains("cannot enter component instance"),
            "{after:?}"
        );
    }
    assert_eq!(o.counts, (2, 2), "noop and boom entered on the fast path");
}

#[test]
fn a_callee_using_its_task_gets_it_after_a_fast_path_entry() {
    // `context.set` and `context.get` need the callee's Task, the host's
    // `poke` the task stack: both are made when the callee calls them.
    let o = both(|r| {
        vec![
            msg(r.call("ctx", &[Val::U32(41)])),
            msg(r.call("poke", &[Val::U32(1)])),
            msg(r.call("ctx", &[Val::U32(9)])),
            msg(r.call("noop", &[])),
        ]
    });
    let expect = [
        Some(Val::U32(42)),
        Some(Val::U32(2)),
        Some(Val::U32(10)),
        None,
    ];
    assert_eq!(o.outcomes, expect.map(Ok));
    assert_eq!(o.counts, (4, 4));
}

#[test]
fn re_entering_a_fast_path_callee_from_the_host_traps() {
    // The caller enters the callee on the fast path, the callee calls the
    // host, and the host calls the callee again.
    let o = both(|r| {
        let again = r.func("callee:noop");
        *r.store.data_mut() = Some(again);
        vec![
            msg(r.call("poke", &[Val::U32(REENTER)])),
            msg(r.call("callee:noop", &[])),
        ]
    });
    assert!(
        err_of(&o.outcomes[0]).contains("cannot enter component instance"),
        "{:?}",
        o.outcomes
    );
    assert!(err_of(&o.outcomes[1]).contains("cannot enter"), "poisoned");
    assert_eq!(o.counts.1, 1);
}

#[test]
fn the_fast_path_sees_a_callee_the_host_path_entered() {
    // The host enters the callee, which calls the host, which calls the
    // caller, whose adapter must find the callee entered.
    let o = both(|r| {
        let caller = r.func("noop");
        *r.store.data_mut() = Some(caller);
        vec![msg(r.call("callee:poke", &[Val::U32(REENTER)]))]
    });
    assert!(
        err_of(&o.outcomes[0]).contains("cannot enter component instance"),
        "{:?}",
        o.outcomes
    );
    // The adapter took the host's `enter`, which trapped.
    assert_eq!(o.counts, (0, 0));
}

#[test]
fn a_caller_may_not_leave_while_the_adapter_runs_its_realloc() {
    let o = both(|r| vec![msg(r.call("echo-leaving", &[]))]);
    let e = err_of(&o.outcomes[0]);
    assert!(e.contains("cannot leave component instance"), "{e}");
    // The echo entered on the fast path; the other no-op could not (nor on
    // the host's `enter`, which trapped).
    assert_eq!(o.counts, (1, 1));
}

#[test]
fn a_callee_may_not_leave_while_its_post_return_runs() {
    let o = both(|r| vec![msg(r.call("lpr", &[Val::U32(3)]))]);
    let e = err_of(&o.outcomes[0]);
    assert!(e.contains("cannot leave component instance"), "{e}");
    assert_eq!(o.counts, (1, 1));
}
