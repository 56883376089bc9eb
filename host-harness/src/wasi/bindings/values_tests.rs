//! The direct lift and lower of the types declared with `wit_record!`,
//! `wit_flags!` and `wit_enum!`: a guest forwards each call of its exports
//! to a typed host function, which lifts its arguments straight from the
//! guest's flat values (or, when they spill, from its memory) and lowers its
//! result straight back (into a return area when it spills).

use super::values::Datetime;
use crate::wasi::error_code::ErrorCode;
use crate::wasi::filesystem::DescriptorFlags;
use crate::{Component, Engine, Linker, Store, Val};

const FORWARDER: &str = concat!(
    r#"(component
  (import "test:wasi/values" (instance $h
    (type $dt' (record (field "seconds" u64) (field "nanoseconds" u32)))
    (export "datetime" (type $dt (eq $dt')))
    (type $ec' (enum "access" "would-block" "already" "bad-descriptor" "busy"
      "deadlock" "quota" "exist" "file-too-large" "illegal-byte-sequence" "in-progress"
      "interrupted" "invalid" "io" "is-directory" "loop" "too-many-links" "message-size"
      "name-too-long" "no-device" "no-entry" "no-lock" "insufficient-memory"
      "insufficient-space" "not-directory" "not-empty" "not-recoverable" "unsupported"
      "no-tty" "no-such-device" "overflow" "not-permitted" "pipe" "read-only"
      "invalid-seek" "text-file-busy" "cross-device"))
    (export "error-code" (type $ec (eq $ec')))
    (type $fl' (flags "read" "write" "file-integrity-sync" "data-integrity-sync"
      "requested-write-sync" "mutate-directory"))
    (export "descriptor-flags" (type $fl (eq $fl')))
    (export "echo" (func (param "d" $dt) (param "e" $ec) (param "f" $fl)
      (result (tuple $dt $ec $fl))))
    (export "latest" (func (param "a" (tuple $dt $dt $dt)) (param "b" (tuple $dt $dt $dt))
      (param "c" (tuple $dt $dt $dt)) (result $dt)))
    (export "code" (func (param "e" $ec) (result $ec)))
    (export "swap" (func (param "f" $fl) (result $fl)))))
  (alias export $h "datetime" (type $dt))
  (alias export $h "error-code" (type $ec))
  (alias export $h "descriptor-flags" (type $fl))
"#,
    include_str!("../../../tests/components/bump_memory.wat"),
    r#"  (alias export $h "echo" (func $echo))
  (alias export $h "latest" (func $latest))
  (alias export $h "code" (func $code))
  (alias export $h "swap" (func $swap))
  (core func $echo' (canon lower (func $echo) (memory (core memory $mem "mem"))))
  (core func $latest' (canon lower (func $latest) (memory (core memory $mem "mem"))))
  (core func $code' (canon lower (func $code)))
  (core func $swap' (canon lower (func $swap)))
  (core module $M
    (import "h" "echo" (func $echo (param i64 i32 i32 i32 i32)))
    (import "h" "latest" (func $latest (param i32 i32)))
    (import "h" "code" (func $code (param i32) (result i32)))
    (import "h" "swap" (func $swap (param i32) (result i32)))
    (func (export "echo") (param i64 i32 i32 i32) (result i32)
      (call $echo (local.get 0) (local.get 1) (local.get 2) (local.get 3) (i32.const 64))
      (i32.const 64))
    ;; 18 flat parameters: both sides pass them in memory.
    (func (export "latest") (param i32) (result i32)
      (call $latest (local.get 0) (i32.const 128))
      (i32.const 128))
    (func (export "code") (param i32) (result i32) (call $code (local.get 0)))
    (func (export "swap") (param i32) (result i32) (call $swap (local.get 0))))
  (core instance $m (instantiate $M (with "h" (instance
    (export "echo" (func $echo')) (export "latest" (func $latest'))
    (export "code" (func $code')) (export "swap" (func $swap'))))))
  (func (export "echo") (param "d" $dt) (param "e" $ec) (param "f" $fl)
    (result (tuple $dt $ec $fl))
    (canon lift (core func $m "echo") (memory (core memory $mem "mem"))))
  (func (export "latest") (param "a" (tuple $dt $dt $dt)) (param "b" (tuple $dt $dt $dt))
    (param "c" (tuple $dt $dt $dt)) (result $dt)
    (canon lift (core func $m "latest")
      (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (func (export "code") (param "e" $ec) (result $ec) (canon lift (core func $m "code")))
  (func (export "swap") (param "f" $fl) (result $fl) (canon lift (core func $m "swap")))
)"#
);

type Three = (Datetime, Datetime, Datetime);

fn linker(engine: &Engine) -> Linker<()> {
    let mut linker = Linker::new(engine);
    let mut h = linker.instance("test:wasi/values").unwrap();
    h.func_wrap(
        "echo",
        |_, (d, e, f): (Datetime, ErrorCode, DescriptorFlags)| {
            let later = Datetime {
                seconds: d.seconds + 1,
                nanoseconds: d.nanoseconds / 2,
            };
            let flipped = DescriptorFlags { read: !f.read, ..f };
            Ok(((later, e, flipped),))
        },
    )
    .unwrap();
    h.func_wrap("latest", |_, (a, b, c): (Three, Three, Three)| {
        let all = [a.0, a.1, a.2, b.0, b.1, b.2, c.0, c.1, c.2];
        let latest = all.into_iter().max_by_key(|d| (d.seconds, d.nanoseconds));
        Ok((latest.expect("nine datetimes"),))
    })
    .unwrap();
    h.func_wrap("code", |_, (e,): (ErrorCode,)| {
        Ok((match e {
            ErrorCode::Io => ErrorCode::CrossDevice,
            other => other,
        },))
    })
    .unwrap();
    h.func_wrap("swap", |_, (f,): (DescriptorFlags,)| {
        Ok((DescriptorFlags {
            read: f.write,
            write: f.read,
            mutate_directory: !f.mutate_directory,
        },))
    })
    .unwrap();
    linker
}

fn datetime(seconds: u64, nanoseconds: u32) -> Val {
    Val::Record(vec![
        ("seconds".into(), Val::U64(seconds)),
        ("nanoseconds".into(), Val::U32(nanoseconds)),
    ])
}

fn flags(names: &[&str]) -> Val {
    Val::Flags(names.iter().map(|n| n.to_string()).collect())
}

fn call(store: &mut Store<()>, instance: &crate::Instance, name: &str, args: &[Val]) -> Val {
    let f = instance.get_func(&mut *store, name).expect("exported");
    let mut out = [Val::Bool(false)];
    f.call(&mut *store, args, &mut out).expect("runs");
    let [out] = out;
    out
}

#[test]
fn wit_records_flags_and_enums_cross_typed_host_functions() {
    let engine = Engine::default();
    let buf = wast::parser::ParseBuffer::new(FORWARDER).expect("lexes");
    let mut wat: wast::Wat = wast::parser::parse(&buf).expect("parses");
    let component = Component::new(&engine, &wat.encode().expect("encodes")).expect("loads");
    let mut store = Store::new(&engine, ());
    let instance = linker(&engine)
        .instantiate(&mut store, &component)
        .expect("the Rust types match the WIT types");

    // Flat parameters, result in a return area.
    let args = [
        datetime(u64::MAX - 1, 999_999_998),
        Val::Enum("text-file-busy".into()),
        flags(&["write", "mutate-directory", "data-integrity-sync"]),
    ];
    let expected = Val::Tuple(vec![
        datetime(u64::MAX, 499_999_999),
        Val::Enum("text-file-busy".into()),
        flags(&["read", "write", "mutate-directory"]),
    ]);
    assert_eq!(call(&mut store, &instance, "echo", &args), expected);

    // Spilled parameters, loaded from the guest's memory.
    let three = |s: u64| Val::Tuple(vec![datetime(s, 1), datetime(s + 10, 2), datetime(s, 3)]);
    let args = [three(5), three(40), three(7)];
    assert_eq!(
        call(&mut store, &instance, "latest", &args),
        datetime(50, 2)
    );

    // A flat enum and flags result.
    let code = call(&mut store, &instance, "code", &[Val::Enum("io".into())]);
    assert_eq!(code, Val::Enum("cross-device".into()));
    let code = call(&mut store, &instance, "code", &[Val::Enum("loop".into())]);
    assert_eq!(code, Val::Enum("loop".into()));
    let swapped = call(&mut store, &instance, "swap", &[flags(&["read"])]);
    assert_eq!(swapped, flags(&["write", "mutate-directory"]));
}
