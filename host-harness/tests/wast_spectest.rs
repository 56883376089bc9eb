//! `weft wast` provides the host imports that component `.wast` suites
//! written for wasmtime link against (`weft_harness::wast::link_spectest`):
//! our own scripts in `tests/spectest/` use each group of them and must
//! pass in full.

use std::path::Path;

use weft_harness::wast::run_file;

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
    passes("host-sync.wast", 4);
}

#[test]
fn the_host_resource_counts_its_drops() {
    passes("host-resources.wast", 6);
}

#[test]
fn the_async_host_functions_return_later_never_or_at_once() {
    passes("host-async.wast", 6);
}
