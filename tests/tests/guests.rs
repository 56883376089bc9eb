//! The test guests of `tests/guests/` build for wasm32-wasip2, are valid
//! components, and expose the worlds of `tests/guests/wit`: the runner imports
//! exactly what the provider exports, and the provider imports exactly what
//! the leaf exports, so `leaf <- provider <- runner` composes with nothing
//! left over but WASI.

use std::collections::BTreeSet;
use weft_tests::build_guests;
use weft_tests::components::{ComponentShape, component_shape, test_items, validate_component};

const TEST_INTERFACES: &[&str] = &[
    "test:guests/scalars@0.1.0",
    "test:guests/strings@0.1.0",
    "test:guests/lists@0.1.0",
    "test:guests/compound@0.1.0",
    "test:guests/counters@0.1.0",
    "test:guests/store@0.1.0",
];

fn shape_of(guest: &str) -> ComponentShape {
    let build = build_guests().unwrap_or_else(|e| panic!("{e:#}"));
    let path = build.component(guest).unwrap_or_else(|e| panic!("{e:#}"));
    let bytes = validate_component(&path).unwrap_or_else(|e| panic!("{e:#}"));
    component_shape(&bytes).unwrap_or_else(|e| panic!("{guest}: {e:#}"))
}

/// Asserts that `shape` exports interface `iface` with (at least) `funcs`.
fn assert_exports_funcs(shape: &ComponentShape, iface: &str, funcs: &[&str]) {
    let exported = shape
        .exports
        .get(iface)
        .unwrap_or_else(|| panic!("{iface} is not exported: {:?}", shape.exports));
    for f in funcs {
        assert!(exported.contains(*f), "{iface} lacks {f}: {exported:?}");
    }
}

#[test]
fn leaf_exports_store_only() {
    let leaf = shape_of("leaf");
    let exports: Vec<&str> = leaf.exports.keys().map(String::as_str).collect();
    assert_eq!(exports, ["test:guests/store@0.1.0"]);
    let cell = [
        "[constructor]cell",
        "[method]cell.get",
        "[method]cell.swap",
        "stats",
    ];
    assert_exports_funcs(&leaf, "test:guests/store@0.1.0", &cell);
    assert!(test_items(&leaf.imports).is_empty(), "{:?}", leaf.imports);
}

#[test]
fn provider_exports_every_test_interface_and_reimports_store() {
    let provider = shape_of("provider");
    let mut expected: BTreeSet<&str> = TEST_INTERFACES.iter().copied().collect();
    expected.insert("describe");
    let exports: BTreeSet<&str> = provider.exports.keys().map(String::as_str).collect();
    assert!(
        provider.imports.contains_key("test:guests/types@0.1.0"),
        "{:?}",
        provider.imports
    );
    assert_eq!(exports, expected);
    // The same resource type imported and exported at once.
    let imports: Vec<String> = test_items(&provider.imports).into_keys().collect();
    assert_eq!(imports, ["test:guests/store@0.1.0"]);
    let counters = [
        "[constructor]counter",
        "[constructor]checked",
        "[static]counter.make",
        "[static]counter.sum",
        "[method]counter.absorb",
        "reshape",
        "live",
    ];
    assert_exports_funcs(&provider, "test:guests/counters@0.1.0", &counters);
}

#[test]
fn runner_imports_match_provider_exports() {
    let runner = shape_of("runner");
    let provider = shape_of("provider");
    assert_eq!(test_items(&runner.imports), provider.exports);
    assert_eq!(
        test_items(&provider.imports),
        shape_of("leaf").exports,
        "provider's imports must be exactly the leaf's exports"
    );
    // A command: the only export is wasi:cli/run.
    let exports: Vec<&str> = runner.exports.keys().map(String::as_str).collect();
    assert_eq!(exports.len(), 1, "{exports:?}");
    assert!(exports[0].starts_with("wasi:cli/run@0.2"), "{exports:?}");
}

#[test]
fn ext_runner_imports_what_ext_provider_exports() {
    let runner = shape_of("ext-runner");
    let provider = shape_of("ext-provider");
    let exports: Vec<&str> = provider.exports.keys().map(String::as_str).collect();
    assert_eq!(
        exports,
        [
            "test:guests/ext@0.1.0",
            "test:guests/keywords@0.1.0",
            "test:versioned/api@1.0.0",
            "test:versioned/api@2.0.0",
        ]
    );
    let ext = [
        "echo-names",
        "invert",
        "echo-inventory",
        "echo-quad",
        "sum-eight",
    ];
    assert_exports_funcs(&provider, "test:guests/ext@0.1.0", &ext);
    // Keyword names keep their WIT spelling; the gated functions are present.
    assert_exports_funcs(
        &provider,
        "test:guests/keywords@0.1.0",
        &["type", "continue"],
    );
    assert_exports_funcs(
        &provider,
        "test:versioned/api@1.0.0",
        &["version", "double"],
    );
    let v2 = ["version", "double", "added", "experimental"];
    assert_exports_funcs(&provider, "test:versioned/api@2.0.0", &v2);
    assert_eq!(test_items(&runner.imports), provider.exports);
}
