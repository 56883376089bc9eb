//! Host functions seen from the guest: typed ones (`func_wrap`) lifting
//! and lowering Rust values directly, the link-time check of their types,
//! and errors that name the import when a host function's result does not
//! match its import's type, and the same link-time check for the built-in
//! WASI host's functions.

mod components;

use components::{IMPORTER, component};
use weft_harness::wasi::{WasiCtx, WasiCtxBuilder};
use weft_harness::{
    CallError, Engine, Error, ErrorKind, LinkError, Linker, Resource, ResourceType, Store, Val,
};

/// A memory (`$mem "mem"`) with a bump `realloc`, shared by the components
/// below.
macro_rules! bump_memory {
    () => {
        include_str!("components/bump_memory.wat")
    };
}

/// Each export forwards its arguments to the import of the same name and
/// hands back its result, so host -> guest -> host -> guest -> host
/// crosses every lift and lower of these types: `reverse` a `list<u8>`,
/// `pick` a `string` and an `option<u32>` into a `result<string, u32>`,
/// and `total` six `option<string>`s, which spill to memory.
const FORWARDER: &str = concat!(
    r#"(component
  (import "test:host/bytes@0.1.0" (instance $h
    (export "reverse" (func (param "data" (list u8)) (result (list u8))))
    (export "pick" (func (param "a" string) (param "b" (option u32))
      (result (result string (error u32)))))
    (export "total" (func (param "a" (option string)) (param "b" (option string))
      (param "c" (option string)) (param "d" (option string)) (param "e" (option string))
      (param "f" (option string)) (result u32)))))
"#,
    bump_memory!(),
    r#"  (alias export $h "reverse" (func $reverse))
  (alias export $h "pick" (func $pick))
  (alias export $h "total" (func $total))
  (core func $reverse' (canon lower (func $reverse)
    (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core func $pick' (canon lower (func $pick)
    (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core func $total' (canon lower (func $total)
    (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core module $M
    (import "h" "reverse" (func $r (param i32 i32 i32)))
    (import "h" "pick" (func $p (param i32 i32 i32 i32 i32)))
    (import "h" "total" (func $t (param i32) (result i32)))
    (func (export "reverse") (param i32 i32) (result i32)
      (call $r (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16))
    (func (export "pick") (param i32 i32 i32 i32) (result i32)
      (call $p (local.get 0) (local.get 1) (local.get 2) (local.get 3) (i32.const 32))
      (i32.const 32))
    (func (export "total") (param i32) (result i32) (call $t (local.get 0))))
  (core instance $m (instantiate $M (with "h" (instance
    (export "reverse" (func $reverse')) (export "pick" (func $pick'))
    (export "total" (func $total'))))))
  (func (export "reverse") (param "data" (list u8)) (result (list u8))
    (canon lift (core func $m "reverse")
      (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (func (export "pick") (param "a" string) (param "b" (option u32))
    (result (result string (error u32)))
    (canon lift (core func $m "pick")
      (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (func (export "total") (param "a" (option string)) (param "b" (option string))
    (param "c" (option string)) (param "d" (option string)) (param "e" (option string))
    (param "f" (option string)) (result u32)
    (canon lift (core func $m "total")
      (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
)"#
);

type Six = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn forwarding_linker(engine: &Engine) -> Linker<u32> {
    let mut linker = Linker::<u32>::new(engine);
    let mut h = linker.instance("test:host/bytes@0.1.0").unwrap();
    h.func_wrap("reverse", |mut cx, (mut data,): (Vec<u8>,)| {
        *cx.data_mut() += 1;
        data.reverse();
        Ok((data,))
    })
    .unwrap();
    h.func_wrap("pick", |_, (a, b): (String, Option<u32>)| {
        Ok((match b {
            Some(n) => Err(n + a.len() as u32),
            None => Ok(format!("{a}!")),
        },))
    })
    .unwrap();
    h.func_wrap("total", |_, six: Six| {
        let (a, b, c, d, e, f) = six;
        let len = |s: Option<String>| s.map_or(100, |s| s.len() as u32);
        Ok((len(a) + len(b) + len(c) + len(d) + len(e) + len(f),))
    })
    .unwrap();
    linker
}

#[test]
fn typed_host_functions_lift_and_lower_rust_values() {
    let engine = Engine::default();
    let c = component(&engine, FORWARDER);
    let mut store = Store::new(&engine, 0u32);
    let inst = forwarding_linker(&engine)
        .instantiate(&mut store, &c)
        .unwrap();

    let reverse = inst.get_func(&mut store, "reverse").unwrap();
    let reverse = reverse.typed::<(Vec<u8>,), Vec<u8>, _>(&mut store).unwrap();
    let data: Vec<u8> = (0..=255).cycle().take(5000).collect();
    let mut expected = data.clone();
    expected.reverse();
    assert_eq!(reverse.call(&mut store, (data,)).unwrap(), expected);
    assert_eq!(
        reverse.call(&mut store, (vec![],)).unwrap(),
        Vec::<u8>::new()
    );
    assert_eq!(*store.data(), 2, "the host function ran once per call");

    let pick = inst.get_func(&mut store, "pick").unwrap();
    let pick = pick
        .typed::<(String, Option<u32>), Result<String, u32>, _>(&mut store)
        .unwrap();
    assert_eq!(
        pick.call(&mut store, ("héllo".into(), None)).unwrap(),
        Ok("héllo!".to_string())
    );
    assert_eq!(
        pick.call(&mut store, ("abc".into(), Some(7))).unwrap(),
        Err(10)
    );

    let total = inst.get_func(&mut store, "total").unwrap();
    let total = total.typed::<Six, u32, _>(&mut store).unwrap();
    let some = |s: &str| Some(s.to_string());
    let args = (some("a"), None, some("bcd"), some(""), None, some("efgh"));
    assert_eq!(total.call(&mut store, args).unwrap(), 1 + 100 + 3 + 100 + 4);
}

/// Like [`FORWARDER`], for the value types that typed host functions lift
/// and lower without a `Val`: floats, `char`, tuples (one of them spilled
/// to a return area) and host resources, owned and borrowed.
const VALUE_FORWARDER: &str = concat!(
    r#"(component
  (import "test:host/values@0.1.0" (instance $h
    (export "counter" (type $c (sub resource)))
    (export "scale" (func (param "x" f32) (param "y" f64) (result (tuple f32 f64))))
    (export "shift" (func (param "c" char) (result char)))
    (export "swap" (func (param "p" (tuple u32 string)) (result (tuple string u32))))
    (export "make" (func (param "n" u32) (result (own $c))))
    (export "peek" (func (param "c" (borrow $c)) (result u32)))))
  (alias export $h "counter" (type $counter))
"#,
    bump_memory!(),
    r#"  (alias export $h "scale" (func $scale))
  (alias export $h "shift" (func $shift))
  (alias export $h "swap" (func $swap))
  (alias export $h "make" (func $make))
  (alias export $h "peek" (func $peek))
  (core func $scale' (canon lower (func $scale) (memory (core memory $mem "mem"))))
  (core func $shift' (canon lower (func $shift)))
  (core func $swap' (canon lower (func $swap)
    (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core func $make' (canon lower (func $make)))
  (core func $peek' (canon lower (func $peek)))
  (core func $drop (canon resource.drop $counter))
  (core module $M
    (import "h" "scale" (func $scale (param f32 f64 i32)))
    (import "h" "shift" (func $shift (param i32) (result i32)))
    (import "h" "swap" (func $swap (param i32 i32 i32 i32)))
    (import "h" "make" (func $make (param i32) (result i32)))
    (import "h" "peek" (func $peek (param i32) (result i32)))
    (import "h" "drop" (func $drop (param i32)))
    (func (export "scale") (param f32 f64) (result i32)
      (call $scale (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16))
    (func (export "shift") (param i32) (result i32) (call $shift (local.get 0)))
    (func (export "swap") (param i32 i32 i32) (result i32)
      (call $swap (local.get 0) (local.get 1) (local.get 2) (i32.const 32))
      (i32.const 32))
    (func (export "make") (param i32) (result i32) (call $make (local.get 0)))
    ;; A borrow must be dropped before the call that received it returns.
    (func (export "peek") (param i32) (result i32)
      (call $peek (local.get 0))
      (call $drop (local.get 0))))
  (core instance $m (instantiate $M (with "h" (instance
    (export "scale" (func $scale')) (export "shift" (func $shift'))
    (export "swap" (func $swap')) (export "make" (func $make'))
    (export "peek" (func $peek')) (export "drop" (func $drop))))))
  (func (export "scale") (param "x" f32) (param "y" f64) (result (tuple f32 f64))
    (canon lift (core func $m "scale") (memory (core memory $mem "mem"))))
  (func (export "shift") (param "c" char) (result char)
    (canon lift (core func $m "shift")))
  (func (export "swap") (param "p" (tuple u32 string)) (result (tuple string u32))
    (canon lift (core func $m "swap")
      (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (func (export "make") (param "n" u32) (result (own $counter))
    (canon lift (core func $m "make")))
  (func (export "peek") (param "c" (borrow $counter)) (result u32)
    (canon lift (core func $m "peek")))
)"#
);

/// The host side of a `counter` resource: its rep is the count.
struct Counter;

fn value_linker(engine: &Engine) -> Linker<Vec<u32>> {
    let mut linker = Linker::<Vec<u32>>::new(engine);
    let mut h = linker.instance("test:host/values@0.1.0").unwrap();
    h.resource("counter", ResourceType::host::<Counter>(), |_, _| Ok(()))
        .unwrap();
    h.func_wrap("scale", |mut cx, (x, y): (f32, f64)| {
        // The bits the host saw: NaNs arrive canonical.
        cx.data_mut().push(x.to_bits());
        Ok(((x * 2.0, y * 2.0),))
    })
    .unwrap();
    h.func_wrap("shift", |_, (c,): (char,)| {
        Ok((char::from_u32(u32::from(c) + 1).unwrap_or('?'),))
    })
    .unwrap();
    h.func_wrap("swap", |_, ((n, s),): ((u32, String),)| Ok(((s, n),)))
        .unwrap();
    h.func_wrap("make", |_, (n,): (u32,)| {
        Ok((Resource::<Counter>::new_own(n),))
    })
    .unwrap();
    h.func_wrap("peek", |_, (c,): (Resource<Counter>,)| {
        Ok((c.rep() * 10 + u32::from(c.owned()),))
    })
    .unwrap();
    linker
}

#[test]
fn typed_host_functions_take_floats_chars_tuples_and_resources() {
    let engine = Engine::default();
    let c = component(&engine, VALUE_FORWARDER);
    let mut store = Store::new(&engine, Vec::new());
    let inst = value_linker(&engine).instantiate(&mut store, &c).unwrap();

    let scale = inst.get_func(&mut store, "scale").unwrap();
    let scale = scale
        .typed::<(f32, f64), (f32, f64), _>(&mut store)
        .unwrap();
    assert_eq!(scale.call(&mut store, (1.5, -2.25)).unwrap(), (3.0, -4.5));
    let (x, y) = scale
        .call(&mut store, (f32::from_bits(0x7fa0_0001), f64::NAN))
        .unwrap();
    assert!(x.is_nan() && y.is_nan());
    assert_eq!(x.to_bits(), 0x7fc0_0000, "a NaN comes back canonical");
    assert_eq!(*store.data(), [1.5f32.to_bits(), 0x7fc0_0000]);

    let shift = inst.get_func(&mut store, "shift").unwrap();
    let shift = shift.typed::<(char,), char, _>(&mut store).unwrap();
    assert_eq!(shift.call(&mut store, ('a',)).unwrap(), 'b');
    assert_eq!(shift.call(&mut store, ('\u{d7ff}',)).unwrap(), '?');

    let swap = inst.get_func(&mut store, "swap").unwrap();
    let swap = swap
        .typed::<((u32, String),), (String, u32), _>(&mut store)
        .unwrap();
    assert_eq!(
        swap.call(&mut store, ((7, "seven".to_string()),)).unwrap(),
        ("seven".to_string(), 7)
    );

    let make = inst.get_func(&mut store, "make").unwrap();
    let make = make
        .typed::<(u32,), Resource<Counter>, _>(&mut store)
        .unwrap();
    let counter = make.call(&mut store, (4,)).unwrap();
    assert_eq!((counter.rep(), counter.owned()), (4, true));
    let peek = inst.get_func(&mut store, "peek").unwrap();
    let peek = peek
        .typed::<(Resource<Counter>,), u32, _>(&mut store)
        .unwrap();
    assert_eq!(
        peek.call(&mut store, (counter,)).unwrap(),
        40,
        "the host sees rep 4, borrowed"
    );
}

#[test]
fn a_typed_host_function_of_another_type_is_a_link_error() {
    let engine = Engine::default();
    let c = component(&engine, IMPORTER);
    let mut linker = Linker::<()>::new(&engine);
    linker
        .instance("test:host/math@0.2.9")
        .unwrap()
        .func_wrap("double", |_, (s,): (String,)| Ok((s,)))
        .unwrap();
    let mut store = Store::new(&engine, ());
    let err = linker.instantiate(&mut store, &c).unwrap_err();
    match err.kind() {
        ErrorKind::Link(LinkError::ImportMismatch { name, reason }) => {
            assert_eq!(name, "test:host/math@0.2.4#double");
            assert!(reason.contains("func(x: u32) -> u32"), "{reason}");
            assert!(reason.contains("func(string) -> string"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }

    // The matching Rust types link and run.
    let mut linker = Linker::<()>::new(&engine);
    linker
        .instance("test:host/math@0.2.9")
        .unwrap()
        .func_wrap("double", |_, (x,): (u32,)| Ok((x * 2,)))
        .unwrap();
    let inst = linker.instantiate(&mut store, &c).unwrap();
    let quad = inst.get_func(&mut store, "quad").unwrap();
    let quad = quad.typed::<(u32,), u32, _>(&mut store).unwrap();
    assert_eq!(quad.call(&mut store, (5,)).unwrap(), 20);
}

#[test]
fn a_host_result_of_the_wrong_type_names_the_import() {
    let engine = Engine::default();
    let c = component(&engine, IMPORTER);
    let mut linker = Linker::<()>::new(&engine);
    linker
        .instance("test:host/math@0.2.4")
        .unwrap()
        .func_new("double", |_, _, results| {
            results[0] = Val::String("not a number".into());
            Ok(())
        })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = linker.instantiate(&mut store, &c).unwrap();
    let quad = inst.get_func(&mut store, "quad").unwrap();
    let mut out = [Val::U32(0)];
    let err: Error = quad.call(&mut store, &[Val::U32(1)], &mut out).unwrap_err();
    match err.kind() {
        ErrorKind::Call(CallError::TypeMismatch(m)) => {
            assert!(m.contains("`test:host/math@0.2.4#double`"), "{m}");
            assert!(m.contains("expected a `u32`"), "{m}");
            assert!(m.contains("not a number"), "{m}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// Imports a WASI function at the given type (`$ty`) and exports `run`,
/// which calls it with no arguments and drops any result.
fn wasi_importer(instance: &str, func: &str, ty: &str, core_results: &str) -> String {
    format!(
        r#"(component
  (import "{instance}" (instance $i (export "{func}" (func {ty}))))
  (alias export $i "{func}" (func $f))
  (core func $f' (canon lower (func $f)))
  (core module $M
    (import "h" "f" (func $f {core_results}))
    (func (export "run") (call $f) {drop}))
  (core instance $m (instantiate $M (with "h" (instance (export "f" (func $f'))))))
  (func (export "run") (canon lift (core func $m "run")))
)"#,
        drop = if core_results.is_empty() {
            ""
        } else {
            "(drop)"
        },
    )
}

fn wasi_linker(engine: &Engine) -> Linker<WasiCtx> {
    let mut linker = Linker::new(engine);
    weft_harness::wasi::add_to_linker(&mut linker).unwrap();
    linker
}

/// Every WASI function is typed, so one imported with another result
/// count is refused at instantiation, naming the import and both types,
/// before the guest can call it.
#[test]
fn a_wasi_function_imported_with_another_result_count_is_a_link_error() {
    let engine = Engine::default();
    let text = wasi_importer("wasi:cli/environment@0.2.3", "get-arguments", "", "");
    let c = component(&engine, &text);
    let mut store = Store::new(&engine, WasiCtxBuilder::new().build());
    let err = wasi_linker(&engine)
        .instantiate(&mut store, &c)
        .unwrap_err();
    match err.kind() {
        ErrorKind::Link(LinkError::ImportMismatch { name, reason }) => {
            assert_eq!(name, "wasi:cli/environment@0.2.3#get-arguments");
            assert!(reason.contains("imports `func()`"), "{reason}");
            assert!(reason.contains("`func() -> list<string>`"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_typed_wasi_function_imported_at_another_type_is_a_link_error() {
    let engine = Engine::default();
    let text = wasi_importer(
        "wasi:random/insecure@0.2.0",
        "get-insecure-random-u64",
        "(result u32)",
        "(result i32)",
    );
    let c = component(&engine, &text);
    let mut store = Store::new(&engine, WasiCtxBuilder::new().build());
    let err = wasi_linker(&engine)
        .instantiate(&mut store, &c)
        .unwrap_err();
    match err.kind() {
        ErrorKind::Link(LinkError::ImportMismatch { name, reason }) => {
            assert_eq!(name, "wasi:random/insecure@0.2.0#get-insecure-random-u64");
            assert!(reason.contains("func() -> u32"), "{reason}");
            assert!(reason.contains("func() -> u64"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// A panicking host function is a trap for the caller, not an abort of the
/// whole process (found by the component fuzzer: the panic used to unwind
/// into the core engine, which cannot unwind). The store stays usable.
#[test]
fn a_panicking_host_function_traps() {
    let engine = Engine::default();
    let mut linker = Linker::<()>::new(&engine);
    let mut host = linker.instance("test:host/math@0.2.4").unwrap();
    host.func_wrap("double", |_, (x,): (u32,)| {
        assert!(x < 100, "the host refuses {x}");
        Ok((x * 2,))
    })
    .unwrap();
    let mut store = Store::new(&engine, ());
    let quad_of = |store: &mut Store<()>, x: u32| {
        let inst = linker
            .instantiate(&mut *store, &component(&engine, IMPORTER))
            .unwrap();
        let quad = inst.get_func(&mut *store, "quad").unwrap();
        let quad = quad.typed::<(u32,), u32, _>(&mut *store).unwrap();
        quad.call(&mut *store, (x,))
    };
    let err = quad_of(&mut store, 500).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Trap(_)), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("host function panicked: the host refuses 500"),
        "{message}"
    );
    // A fresh instance in the same store still works.
    assert_eq!(quad_of(&mut store, 5).unwrap(), 20);
}
