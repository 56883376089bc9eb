//! The provider test component: implements every test interface of
//! `tests/guests/wit` so that the runner can push each value shape through an
//! import (runner side) and an export (this side), and re-exports the leaf's
//! `store` interface so one resource type is both imported and exported here.
//!
//! Most functions echo their input: the value still crosses the boundary
//! twice (lowered by the caller, lifted here, lowered back, lifted by the
//! caller). Functions that compute something (`char-count`, `sum-s64s`,
//! `many-args`...) prove that the callee saw the right value, not just that
//! bytes came back.

#[cfg(not(feature = "peer"))]
weft::bindgen!({ world: "provider", path: "../wit", generate_all });
#[cfg(feature = "peer")]
wit_bindgen::generate!({ world: "provider", path: "../wit", generate_all });

mod compound;
mod counters;
mod forward_store;
mod values;

/// The one type implementing every exported interface.
struct Provider;

impl Guest for Provider {
    fn describe() -> String {
        format!("provider {}", env!("CARGO_PKG_VERSION"))
    }
}

export!(Provider);
