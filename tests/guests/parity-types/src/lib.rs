//! A library crate that only generates bindings: `parity-provider` reuses
//! its `shared-types` bindings through `with`, and `parity-runner` calls
//! `shared-api` only through them, the split-over-crates case of drop-in
//! parity.

#[cfg(not(feature = "peer"))]
weft::bindgen!({ world: "parity-types", path: "../wit", pub_export_macro: true });
#[cfg(feature = "peer")]
wit_bindgen::generate!({ world: "parity-types", path: "../wit", pub_export_macro: true });

use test::guests::shared_types::Tag;

/// A tag, built here so the other crates call into this one.
pub fn tag(id: u32, name: &str) -> Tag {
    Tag {
        id,
        name: name.to_string(),
    }
}
