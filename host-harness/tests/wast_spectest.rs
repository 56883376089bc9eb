//! `weft wast` provides the host imports that component `.wast` suites
//! written for wasmtime link against (`weft_harness::wast::link_spectest`):
//! our own scripts in `tests/spectest/` use each group of them and must
//! pass in full.

use std::path::Path;

// Shared with the other API tests; only the text-format loader is used here.
#[allow(dead_code)]
mod components;

use weft_harness::wast::{link_spectest, run_file};
use weft_harness::{Engine, Error, ErrorKind, LinkError, Linker, Store};

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

/// Instantiates `text` against the spectest host; the error, if any.
fn link_error(text: &str) -> Option<Error> {
    let engine = Engine::default();
    let component = components::component(&engine, text);
    let mut linker = Linker::new(&engine);
    link_spectest(&mut linker).unwrap();
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
