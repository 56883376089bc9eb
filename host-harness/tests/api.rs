//! The embedding API end to end: host functions and resources, semver
//! import matching, and the one-line errors promised for bad input.

mod components;

use components::{IMPORTER, component};

use weft_harness::{
    CallError, Component, Engine, Error, ErrorKind, LinkError, Linker, LoadError, Resource,
    ResourceType, Store, Val,
};

/// A component exporting `add(a: u32, b: u32) -> u32` and `echo(s: string) -> string`.
const ADDER: &str = r#"(component
  (core module $M
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $bump))
      (global.set $bump (i32.add (global.get $bump) (local.get 3)))
      (local.get $p))
    (func (export "echo") (param i32 i32) (result i32)
      (i32.store (i32.const 0) (local.get 0))
      (i32.store (i32.const 4) (local.get 1))
      (i32.const 0)))
  (core instance $m (instantiate $M))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $m "add")))
  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $m "echo") (memory (core memory $m "mem"))
      (realloc (core func $m "realloc"))))
)"#;

fn call(store: &mut Store<()>, f: weft_harness::Func, args: &[Val]) -> Result<Val, Error> {
    let mut out = vec![Val::Bool(false)];
    f.call(&mut *store, args, &mut out)?;
    Ok(out.remove(0))
}

#[test]
fn calls_exports_with_values() {
    let engine = Engine::default();
    let c = component(&engine, ADDER);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let add = inst.get_func(&mut store, "add").unwrap();
    assert_eq!(
        call(&mut store, add, &[Val::U32(40), Val::U32(2)]).unwrap(),
        Val::U32(42)
    );
    let echo = inst.get_func(&mut store, "echo").unwrap();
    let s = Val::String("héllo ☃".into());
    assert_eq!(call(&mut store, echo, std::slice::from_ref(&s)).unwrap(), s);
}

#[test]
fn typed_functions_check_types_once() {
    let engine = Engine::default();
    let c = component(&engine, ADDER);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let add = inst.get_func(&mut store, "add").unwrap();
    let typed = add.typed::<(u32, u32), u32, _>(&mut store).unwrap();
    assert_eq!(typed.call(&mut store, (7, 8)).unwrap(), 15);
    let echo = inst.get_func(&mut store, "echo").unwrap();
    let echo = echo.typed::<(String,), String, _>(&mut store).unwrap();
    assert_eq!(echo.call(&mut store, ("ok".to_string(),)).unwrap(), "ok");
    let wrong = add.typed::<(u32,), u32, _>(&mut store).err().unwrap();
    assert!(matches!(
        wrong.kind(),
        ErrorKind::Call(CallError::TypeMismatch(_))
    ));
    let wrong = add
        .typed::<(u32, u32), String, _>(&mut store)
        .err()
        .unwrap();
    assert!(matches!(
        wrong.kind(),
        ErrorKind::Call(CallError::TypeMismatch(_))
    ));
}

/// Strings and lists through a 64-bit memory (pointers and lengths are i64).
const MEMORY64: &str = r#"(component
  (core module $M
    (memory (export "mem") i64 1)
    (global $bump (mut i64) (i64.const 1024))
    (func (export "realloc") (param i64 i64 i64 i64) (result i64)
      (local $p i64)
      (local.set $p (i64.and (i64.add (global.get $bump) (i64.sub (local.get 2) (i64.const 1)))
                             (i64.sub (i64.const 0) (local.get 2))))
      (global.set $bump (i64.add (local.get $p) (local.get 3)))
      (local.get $p))
    (func (export "echo") (param i64 i64) (result i64)
      (i64.store (i64.const 0) (local.get 0))
      (i64.store (i64.const 8) (local.get 1))
      (i64.const 0))
    (func (export "sum") (param i64 i64) (result i32)
      (local $i i64) (local $s i32)
      (block $done (loop $l
        (br_if $done (i64.ge_u (local.get $i) (local.get 1)))
        (local.set $s (i32.add (local.get $s)
          (i32.load (i64.add (local.get 0) (i64.mul (local.get $i) (i64.const 4))))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $l)))
      (local.get $s)))
  (core instance $m (instantiate $M))
  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $m "echo") (memory (core memory $m "mem"))
      (realloc (core func $m "realloc"))))
  (func (export "sum") (param "l" (list u32)) (result u32)
    (canon lift (core func $m "sum") (memory (core memory $m "mem"))
      (realloc (core func $m "realloc"))))
)"#;

#[test]
fn memory64_strings_and_lists() {
    let engine = Engine::default();
    let c = component(&engine, MEMORY64);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let echo = inst.get_func(&mut store, "echo").unwrap();
    let echo = echo.typed::<(String,), String, _>(&mut store).unwrap();
    assert_eq!(echo.call(&mut store, ("wide ☃".into(),)).unwrap(), "wide ☃");
    let sum = inst.get_func(&mut store, "sum").unwrap();
    let sum = sum.typed::<(Vec<u32>,), u32, _>(&mut store).unwrap();
    assert_eq!(sum.call(&mut store, (vec![1, 2, 39],)).unwrap(), 42);
}

#[test]
fn functions_are_refused_by_other_stores() {
    let engine = Engine::default();
    let c = component(&engine, ADDER);
    let mut a = Store::new(&engine, ());
    let mut b = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut a, &c).unwrap();
    let add = inst.get_func(&mut a, "add").unwrap();
    let err = call(&mut b, add, &[Val::U32(1), Val::U32(2)]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Call(CallError::WrongStore)),
        "{err}"
    );
}

#[test]
fn bad_input_gives_errors_not_panics() {
    let engine = Engine::default();
    let garbage = Component::new(&engine, b"not wasm at all").err().unwrap();
    assert!(matches!(
        garbage.kind(),
        ErrorKind::Load(LoadError::Invalid(_))
    ));
    let core = Component::new(&engine, b"\0asm\x01\0\0\0").err().unwrap();
    assert!(matches!(
        core.kind(),
        ErrorKind::Load(LoadError::CoreModule)
    ));
    let buf = wast::parser::ParseBuffer::new(ADDER).unwrap();
    let mut wat: wast::Wat = wast::parser::parse(&buf).unwrap();
    let bytes = wat.encode().unwrap();
    let truncated = Component::new(&engine, &bytes[..bytes.len() / 2])
        .err()
        .unwrap();
    assert!(matches!(
        truncated.kind(),
        ErrorKind::Load(LoadError::Invalid(_))
    ));
    assert_eq!(truncated.to_string().lines().count(), 1);

    let c = component(&engine, ADDER);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    assert!(inst.get_func(&mut store, "nope").is_none());
    let add = inst.get_func(&mut store, "add").unwrap();
    let err = call(&mut store, add, &[Val::String("x".into()), Val::U32(1)]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Call(CallError::TypeMismatch(_))),
        "{err}"
    );
    let err = call(&mut store, add, &[Val::U32(1)]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Call(CallError::TypeMismatch(_))),
        "{err}"
    );
    // The instance is still usable after rejected calls.
    assert_eq!(
        call(&mut store, add, &[Val::U32(1), Val::U32(2)]).unwrap(),
        Val::U32(3)
    );
}

#[test]
fn missing_import_names_the_import_and_its_type() {
    let engine = Engine::default();
    let c = component(&engine, IMPORTER);
    let mut store = Store::new(&engine, ());
    let err = Linker::new(&engine)
        .instantiate(&mut store, &c)
        .unwrap_err();
    match err.kind() {
        ErrorKind::Link(LinkError::MissingImport { name, ty }) => {
            assert_eq!(name, "test:host/math@0.2.4");
            assert_eq!(ty, "instance { double: func(x: u32) -> u32 }");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn host_functions_match_semver_compatible_names() {
    let engine = Engine::default();
    let c = component(&engine, IMPORTER);
    let mut linker = Linker::<u32>::new(&engine);
    linker
        .instance("test:host/math@0.2.12")
        .unwrap()
        .func_new("double", |mut cx, args, results| {
            *cx.data_mut() += 1;
            let Val::U32(x) = args[0] else {
                return Err(Error::msg("bad arg"));
            };
            results[0] = Val::U32(x * 2);
            Ok(())
        })
        .unwrap();
    let mut store = Store::new(&engine, 0u32);
    let inst = linker.instantiate(&mut store, &c).unwrap();
    let quad = inst.get_func(&mut store, "quad").unwrap();
    let mut out = [Val::U32(0)];
    quad.call(&mut store, &[Val::U32(5)], &mut out).unwrap();
    assert_eq!(out[0], Val::U32(20));
    assert_eq!(*store.data(), 2, "the host function ran twice");

    // 0.3.x is not compatible with 0.2.x.
    let mut other = Linker::<u32>::new(&engine);
    other
        .instance("test:host/math@0.3.0")
        .unwrap()
        .func_new("double", |_, _, _| Ok(()))
        .unwrap();
    let err = other.instantiate(&mut store, &c).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::Link(LinkError::MissingImport { .. })
    ));
}

#[test]
fn a_trap_poisons_only_its_own_instance() {
    let engine = Engine::default();
    let c = component(&engine, IMPORTER);
    let mut linker = Linker::<()>::new(&engine);
    linker
        .instance("test:host/math@0.2.4")
        .unwrap()
        .func_new("double", |_, args, results| match args[0] {
            Val::U32(0) => Err(Error::trap("zero is not allowed")),
            Val::U32(x) => {
                results[0] = Val::U32(x * 2);
                Ok(())
            }
            _ => Err(Error::msg("bad arg")),
        })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let a = linker.instantiate(&mut store, &c).unwrap();
    let b = linker.instantiate(&mut store, &c).unwrap();
    let qa = a.get_func(&mut store, "quad").unwrap();
    let qb = b.get_func(&mut store, "quad").unwrap();
    let err = call_u32(&mut store, qa, 0).unwrap_err();
    assert_eq!(
        err.as_trap().map(|t| t.message()),
        Some("zero is not allowed")
    );
    // The trapping instance is poisoned; its sibling is unaffected.
    let again = call_u32(&mut store, qa, 3).unwrap_err();
    let message = again.as_trap().map(|t| t.message());
    assert_eq!(message, Some("cannot enter component instance"));
    assert_eq!(call_u32(&mut store, qb, 3).unwrap(), 12);
}

fn call_u32<T: 'static>(store: &mut Store<T>, f: weft_harness::Func, x: u32) -> Result<u32, Error> {
    let mut out = [Val::U32(0)];
    f.call(&mut *store, &[Val::U32(x)], &mut out)?;
    match out[0] {
        Val::U32(v) => Ok(v),
        _ => Err(Error::msg("not a u32")),
    }
}

/// A host resource `counter` passed to the guest and back.
const RESOURCE_USER: &str = r#"(component
  (import "counter" (type $c (sub resource)))
  (import "make" (func $make (param "start" u32) (result (own $c))))
  (import "get" (func $get (param "c" (borrow $c)) (result u32)))
  (core func $make' (canon lower (func $make)))
  (core func $get' (canon lower (func $get)))
  (core func $drop (canon resource.drop $c))
  (core module $M
    (import "h" "make" (func $make (param i32) (result i32)))
    (import "h" "get" (func $get (param i32) (result i32)))
    (import "h" "drop" (func $drop (param i32)))
    (func (export "run") (param i32) (result i32)
      (local $h i32) (local $v i32)
      (local.set $h (call $make (local.get 0)))
      (local.set $v (call $get (local.get $h)))
      (call $drop (local.get $h))
      (local.get $v)))
  (core instance $m (instantiate $M (with "h" (instance
    (export "make" (func $make')) (export "get" (func $get')) (export "drop" (func $drop))))))
  (func (export "run") (param "x" u32) (result u32) (canon lift (core func $m "run")))
)"#;

struct Counter(u32);

#[test]
fn host_resources_round_trip_and_are_destroyed() {
    let engine = Engine::default();
    let c = component(&engine, RESOURCE_USER);
    let mut linker = Linker::<Vec<u32>>::new(&engine);
    let mut root = linker.root();
    root.resource("counter", ResourceType::host::<Counter>(), |mut cx, rep| {
        let value = cx
            .resource_table()
            .delete(Resource::<Counter>::new_own(rep))?;
        cx.data_mut().push(value.0);
        Ok(())
    })
    .unwrap();
    root.func_new("make", |mut cx, args, results| {
        let Val::U32(start) = args[0] else {
            return Err(Error::msg("bad arg"));
        };
        let r = cx.resource_table().push(Counter(start + 1));
        results[0] = Val::Resource(r.into_any());
        Ok(())
    })
    .unwrap();
    root.func_new("get", |mut cx, args, results| {
        let Val::Resource(any) = &args[0] else {
            return Err(Error::msg("bad arg"));
        };
        let r = Resource::<Counter>::try_from_any(*any)?;
        assert!(!r.owned());
        results[0] = Val::U32(cx.resource_table().get(&r)?.0);
        Ok(())
    })
    .unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let inst = linker.instantiate(&mut store, &c).unwrap();
    let run = inst.get_func(&mut store, "run").unwrap();
    assert_eq!(call_u32(&mut store, run, 41).unwrap(), 42);
    assert_eq!(store.data(), &vec![42], "the destructor saw the value");
}

/// A guest resource whose destructor records the dropped rep.
const GUEST_RESOURCE: &str = r#"(component
  (core module $D
    (global $last (export "last") (mut i32) (i32.const 0))
    (func (export "dtor") (param i32) (global.set $last (local.get 0))))
  (core instance $d (instantiate $D))
  (type $r (resource (rep i32) (dtor (func $d "dtor"))))
  (core func $new (canon resource.new $r))
  (core module $M
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "last" (global $last (mut i32)))
    (func (export "make") (result i32) (call $new (i32.const 77)))
    (func (export "last") (result i32) (global.get $last)))
  (core instance $m (instantiate $M (with "" (instance
    (export "new" (func $new)) (export "last" (global $d "last"))))))
  (export $R "r" (type $r))
  (func (export "make") (result (own $R)) (canon lift (core func $m "make")))
  (func (export "last-dropped") (result u32) (canon lift (core func $m "last")))
)"#;

#[test]
fn host_drops_guest_resources_with_their_destructor() {
    let engine = Engine::default();
    let c = component(&engine, GUEST_RESOURCE);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let make = inst.get_func(&mut store, "make").unwrap();
    let Val::Resource(r) = call(&mut store, make, &[]).unwrap() else {
        panic!("expected a resource");
    };
    assert!(r.owned() && !r.ty().is_host());
    assert_eq!(r.rep(), 77);
    let last = inst.get_func(&mut store, "last-dropped").unwrap();
    assert_eq!(call(&mut store, last, &[]).unwrap(), Val::U32(0));
    r.resource_drop(&mut store).unwrap();
    assert_eq!(call(&mut store, last, &[]).unwrap(), Val::U32(77));
}

/// A world-level `record` used by an export reaches the component as a type
/// import bounded by `eq`: the bound fixes it, so no host has to supply it
/// (this is how `cargo build --target wasm32-wasip2` encodes such worlds).
#[test]
fn type_imports_fixed_by_their_bound_need_no_definition() {
    let engine = Engine::default();
    let c = component(
        &engine,
        r#"(component
  (type $point (record (field "x" u32) (field "y" u32)))
  (import "point" (type $p (eq $point)))
  (core module $M
    (memory (export "mem") 1)
    (func (export "origin") (result i32)
      (i32.store (i32.const 16) (i32.const 3))
      (i32.store (i32.const 20) (i32.const 4))
      (i32.const 16)))
  (core instance $m (instantiate $M))
  (func (export "origin") (result $p)
    (canon lift (core func $m "origin") (memory (core memory $m "mem"))))
)"#,
    );
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let origin = inst.get_func(&mut store, "origin").unwrap();
    assert_eq!(
        call(&mut store, origin, &[]).unwrap(),
        Val::Record(vec![("x".into(), Val::U32(3)), ("y".into(), Val::U32(4))])
    );
}

/// A resource type import is not fixed by its bound: leaving it out is a
/// link error that names it.
#[test]
fn resource_type_imports_still_need_a_definition() {
    let engine = Engine::default();
    let c = component(&engine, r#"(component (import "r" (type (sub resource))))"#);
    let mut store = Store::new(&engine, ());
    let err = Linker::new(&engine)
        .instantiate(&mut store, &c)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("missing import `r` of type resource"),
        "{err}"
    );
}

/// An interface that only declares types arrives as an instance import whose
/// exports are all `eq`-bounded types; like a lone such type, it needs no
/// definition.
#[test]
fn type_only_instance_imports_need_no_definition() {
    let engine = Engine::default();
    let c = component(
        &engine,
        r#"(component
  (import "test:t/types@0.1.0" (instance $t
    (type $r (record (field "x" u32)))
    (export "point" (type (eq $r)))))
  (alias export $t "point" (type $p))
  (core module $M (func (export "f") (result i32) (i32.const 5)))
  (core instance $m (instantiate $M))
  (func (export "f") (result $p) (canon lift (core func $m "f")))
)"#,
    );
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let f = inst.get_func(&mut store, "f").unwrap();
    assert_eq!(
        call(&mut store, f, &[]).unwrap(),
        Val::Record(vec![("x".into(), Val::U32(5))])
    );
}

/// A component exporting `f() -> u32` returning `value`.
fn constant(engine: &Engine, value: u32) -> Component {
    component(
        engine,
        &format!(
            r#"(component
  (core module $M (func (export "f") (result i32) (i32.const {value})))
  (core instance $m (instantiate $M))
  (func (export "f") (result u32) (canon lift (core func $m "f")))
)"#
        ),
    )
}

/// Later definitions shadow earlier ones only when the linker allows it, and
/// then what is linked afterwards sees the later one.
#[test]
fn shadowing_is_opt_in_and_later_definitions_win() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let first = linker
        .instantiate(&mut store, &constant(&engine, 1))
        .unwrap();
    let second = linker
        .instantiate(&mut store, &constant(&engine, 2))
        .unwrap();
    linker.define_instance(&first).unwrap();
    let err = linker.define_instance(&second).unwrap_err();
    assert!(err.to_string().contains("`f`"), "{err}");

    linker.allow_shadowing(true);
    linker.define_instance(&second).unwrap();
    let user = component(
        &engine,
        r#"(component
  (import "f" (func $f (result u32)))
  (core func $lf (canon lower (func $f)))
  (core module $M
    (import "" "f" (func $f (result i32)))
    (func (export "g") (result i32) (call $f)))
  (core instance $m (instantiate $M (with "" (instance (export "f" (func $lf))))))
  (func (export "g") (result u32) (canon lift (core func $m "g")))
)"#,
    );
    let inst = linker.instantiate(&mut store, &user).unwrap();
    let g = inst.get_func(&mut store, "g").unwrap();
    assert_eq!(call(&mut store, g, &[]).unwrap(), Val::U32(2));
}

#[test]
fn a_dropped_resource_handle_is_refused_not_dropped_twice() {
    let engine = Engine::default();
    let c = component(&engine, GUEST_RESOURCE);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let make = inst.get_func(&mut store, "make").unwrap();
    let last = inst.get_func(&mut store, "last-dropped").unwrap();
    let Val::Resource(r) = call(&mut store, make, &[]).unwrap() else {
        panic!("expected a resource");
    };
    r.resource_drop(&mut store).unwrap();
    assert_eq!(call(&mut store, last, &[]).unwrap(), Val::U32(77));
    let err = r.resource_drop(&mut store).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Call(CallError::TypeMismatch(m)) if m.contains("already dropped")),
        "{err}"
    );
    // The store and the instance carry on; a new handle drops normally.
    let Val::Resource(again) = call(&mut store, make, &[]).unwrap() else {
        panic!("expected a resource");
    };
    again.resource_drop(&mut store).unwrap();
}

#[test]
fn a_resource_handle_is_refused_by_another_store() {
    let engine = Engine::default();
    let c = component(&engine, GUEST_RESOURCE);
    let mut a = Store::new(&engine, ());
    let mut b = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut a, &c).unwrap();
    let make = inst.get_func(&mut a, "make").unwrap();
    let Val::Resource(r) = call(&mut a, make, &[]).unwrap() else {
        panic!("expected a resource");
    };
    // `b` has no resource types at all: the handle must not be looked up.
    let err = r.resource_drop(&mut b).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Call(CallError::WrongStore)),
        "{err}"
    );
    // It still belongs to `a`, where it can be dropped.
    r.resource_drop(&mut a).unwrap();
}

#[test]
fn a_result_buffer_of_the_wrong_length_is_refused() {
    let engine = Engine::default();
    let c = component(&engine, ADDER);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let add = inst.get_func(&mut store, "add").unwrap();
    for len in [0, 2] {
        let mut out = vec![Val::Bool(false); len];
        let err = add
            .call(&mut store, &[Val::U32(1), Val::U32(2)], &mut out)
            .unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Call(CallError::TypeMismatch(_))),
            "{len} results: {err}"
        );
    }
    assert_eq!(
        call(&mut store, add, &[Val::U32(1), Val::U32(2)]).unwrap(),
        Val::U32(3)
    );
}

/// `Error` boxes its kind so that every `Result` of the API stays one
/// pointer wide; a kind stored inline would make each of them larger.
#[test]
fn errors_are_one_pointer_wide() {
    assert_eq!(size_of::<Error>(), size_of::<usize>());
    assert_eq!(size_of::<Result<(), Error>>(), size_of::<usize>());
}

/// A damaged magic number is a one-line error too (found by the component
/// fuzzer: the parser's message pretty-prints both byte arrays over lines).
#[test]
fn damaged_magic_numbers_give_one_line_errors() {
    let engine = Engine::default();
    for bytes in [
        &b"\0a\xeam\x0d\0\x01\0"[..],
        b"\0asm\x0d\0\x01\0\x01\x08\0\xd9sm\x01\0\0\0",
    ] {
        let err = Component::new(&engine, bytes).err().unwrap();
        assert!(
            matches!(
                err.kind(),
                ErrorKind::Load(LoadError::Invalid(_) | LoadError::CoreCompile(_))
            ),
            "{err}"
        );
        let message = err.to_string();
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(message.contains("magic"), "{message}");
    }
}
