//! `weft wast` provides the host imports that component `.wast` suites
//! written for wasmtime link against (`weft_harness::wast::link_spectest`):
//! our own scripts in `tests/spectest/` use each group of them and must
//! pass in full.

use std::path::Path;

// Shared with the other API tests; only the text-format loader is used here.
#[allow(dead_code)]
mod components;

use weft_harness::wast::{link_spectest, run_file};
use weft_harness::{Engine, Error, ErrorKind, LinkError, Linker, Module, Store};

/// Runs `tests/spectest/<name>` and checks every directive passed.
fn passes(name: &str, directives: usize) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/spectest")
        .join(name);
    let summary = run_file(&path).unwrap();
    assert!(summary.failures.is_empty(), "{:#?}", summary.failures);
    assert_eq!(summary.passed, directives, "{name}");
}

#[test]
fn the_synchronous_host_functions_are_linked() {
    passes("host-sync.wast", 6);
}

#[test]
fn the_host_resource_counts_its_drops() {
    passes("host-resources.wast", 6);
}

#[test]
fn the_async_host_functions_return_later_never_or_at_once() {
    passes("host-async.wast", 7);
}

#[test]
fn the_host_core_module_is_instantiated_and_checked_against_its_import() {
    passes("host-module.wast", 8);
}

/// A module the host supplies may import only what the component's module
/// import says the component will give it.
#[test]
fn a_host_module_with_imports_the_component_does_not_supply_is_refused() {
    let engine = Engine::default();
    let needy = Module::new(
        &engine,
        &[
            // (module (import "env" "x" (func)))
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
            0x02, 0x09, 0x01, 0x03, b'e', b'n', b'v', 0x01, b'x', 0x00, 0x00,
        ],
    )
    .unwrap();
    let mut linker = Linker::<()>::new(&engine);
    linker.root().module("m", &needy).unwrap();
    let instantiate = |text: &str| {
        let component = components::component(&engine, text);
        linker
            .instantiate(&mut Store::new(&engine, ()), &component)
            .err()
    };
    let refused = instantiate(r#"(component (import "m" (core module)))"#);
    assert!(
        matches!(refused.as_ref().map(Error::kind),
            Some(ErrorKind::Link(LinkError::ImportMismatch { name, reason }))
            if name == "m" && reason.contains("imports `env` `x`, which the component does not supply")),
        "{refused:?}"
    );
    let wrong = instantiate(
        r#"(component (import "m" (core module (import "env" "x" (func (param i32))))))"#,
    );
    assert!(
        matches!(wrong.as_ref().map(Error::kind),
            Some(ErrorKind::Link(LinkError::ImportMismatch { reason, .. }))
            if reason.contains("as a func [] -> []")),
        "{wrong:?}"
    );
    let fits = instantiate(r#"(component (import "m" (core module (import "env" "x" (func)))))"#);
    assert!(fits.is_none(), "{fits:?}");
    let not_a_module = Module::new(&engine, b"\0asm\x0d\0\x01\0");
    assert!(
        matches!(
            not_a_module.as_ref().map_err(Error::kind),
            Err(ErrorKind::Load(_))
        ),
        "a component is not a core module"
    );
}

/// Instantiates `text` against the spectest host; the error, if any.
fn link_error(text: &str) -> Option<Error> {
    let engine = Engine::default();
    let component = components::component(&engine, text);
    let mut linker = Linker::new(&engine);
    link_spectest(&mut linker, &engine).unwrap();
    let mut store = Store::new(&engine, ());
    linker.instantiate(&mut store, &component).err()
}

#[test]
fn an_instance_import_is_checked_export_by_export() {
    let missing = link_error(r#"(component (import "host" (instance (export "missing" (func)))))"#);
    assert!(
        matches!(missing.as_ref().map(Error::kind),
            Some(ErrorKind::Link(LinkError::MissingImport { name, .. })) if name == "host#missing"),
        "{missing:?}"
    );
    let wrong_kind = link_error(
        r#"(component (import "host" (instance
          (export "return-three" (type (sub resource))))))"#,
    );
    assert!(
        matches!(wrong_kind.as_ref().map(Error::kind),
            Some(ErrorKind::Link(LinkError::ImportMismatch { name, reason }))
            if name == "host#return-three" && reason.contains("expected resource found func")),
        "{wrong_kind:?}"
    );
    let fine = link_error(
        r#"(component (import "host" (instance
          (export "resource1" (type (sub resource)))
          (export "return-three" (func (result u32))))))"#,
    );
    assert!(fine.is_none(), "{fine:?}");
}
