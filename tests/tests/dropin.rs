//! Drop-in compatibility with wit-bindgen: every test guest is one source
//! that builds with `weft::bindgen!` and with `wit_bindgen::generate!` (its
//! `peer` feature), and both builds must be components of the same shape:
//! identical exports, and identical imports from the test packages.
//!
//! The `parity-*` guests are written the way guests of wit-bindgen are
//! (error `Display`, the resource representation hooks, `Borrowing`
//! parameter types, inline WIT with `path`, relative and cross-crate `with`
//! paths, `chainable_methods`), so this test fails if weft's generated API
//! drifts from wit-bindgen 0.61.1's; `harness_guests.rs` runs them.
//!
//! `async-relay`, `pacer` and `relay-driver` are written against
//! wit-bindgen's async API (`async fn` exports, awaited async imports,
//! `yield_async`, `spawn_local`, streams and futures, backpressure);
//! `async_guests.rs` runs them with every pairing of the two generators.
//!
//! Cost: one extra release build of the guests with wit-bindgen (about a
//! minute cold, cached in `target/guests-peer` afterwards).

use weft_tests::Generator;
use weft_tests::components::{ComponentShape, component_shape, test_items, validate_component};
use weft_tests::guests::{GuestBuild, build_guest_workspace};

const TEST_GUESTS: &[&str] = &[
    "leaf",
    "provider",
    "runner",
    "ext-provider",
    "ext-runner",
    "parity-provider",
    "parity-runner",
    "async-relay",
    "pacer",
    "relay-driver",
    "lookup-service",
    "async-bench",
];

fn shape(build: &GuestBuild, guest: &str) -> ComponentShape {
    let path = build.component(guest).unwrap_or_else(|e| panic!("{e:#}"));
    let bytes = validate_component(&path).unwrap_or_else(|e| panic!("{e:#}"));
    component_shape(&bytes).unwrap_or_else(|e| panic!("{guest}: {e:#}"))
}

#[test]
fn weft_and_wit_bindgen_builds_have_the_same_shape() {
    let ours = build_guest_workspace(Generator::Weft).unwrap_or_else(|e| panic!("{e:#}"));
    let peer = build_guest_workspace(Generator::WitBindgen).unwrap_or_else(|e| panic!("{e:#}"));
    for guest in TEST_GUESTS {
        let (a, b) = (shape(&ours, guest), shape(&peer, guest));
        assert_eq!(
            a.exports, b.exports,
            "{guest}: exports differ (weft, wit-bindgen)"
        );
        assert_eq!(
            test_items(&a.imports),
            test_items(&b.imports),
            "{guest}: imports differ (weft, wit-bindgen)"
        );
    }
}
