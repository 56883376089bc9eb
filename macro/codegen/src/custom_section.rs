//! The `component-type` custom section.
//!
//! It holds the world encoded as a WIT package (wit-component's metadata
//! format). When `wasm32-wasip2` links a core module, `wit-component`
//! (through `wasm-component-ld`) reads it to know which imports and
//! exports form which component-level functions, and emits a component.

use crate::error::Error;
use wit_component::StringEncoding;
use wit_parser::{Resolve, WorldId};

/// The section payload for `world`.
pub fn encode(resolve: &Resolve, world: WorldId) -> Result<Vec<u8>, Error> {
    wit_component::metadata::encode(resolve, world, StringEncoding::UTF8, None).map_err(|e| {
        Error::Wit(format!(
            "failed to encode the component type of the world: {e:#}"
        ))
    })
}
