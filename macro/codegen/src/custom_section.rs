//! The `component-type` custom section.
//!
//! It holds the world encoded as a WIT package (wit-component's metadata
//! format). When `wasm32-wasip2` links a core module, `wit-component`
//! (through `wasm-component-ld`) reads it to know which imports and
//! exports form which component-level functions, and emits a component.

//!
//! With `pub_export_macro` the bindings may be used from other crates that
//! never call the export macro, so (as wit-bindgen does) the bindings carry
//! the world without its exports, and the export macro carries the whole
//! world: `wit-component` unions the sections it finds, and an export
//! declared without a definition would fail the link.

use crate::error::Error;
use wit_component::StringEncoding;
use wit_parser::{Resolve, World, WorldId};

/// The sections one generation run emits.
pub struct Sections {
    /// Emitted with the bindings.
    pub bindings: Vec<u8>,
    /// Emitted by the export macro (`pub_export_macro` only).
    pub export_macro: Option<Vec<u8>>,
}

impl Sections {
    /// The sections for `world`, split when `pub_export_macro` is set.
    ///
    /// # Errors
    /// [`Error::Wit`] when wit-component cannot encode the world.
    pub fn new(resolve: &Resolve, world: WorldId, pub_export_macro: bool) -> Result<Self, Error> {
        let whole = encode(resolve, world)?;
        if !pub_export_macro {
            return Ok(Sections {
                bindings: whole,
                export_macro: None,
            });
        }
        let mut copy = resolve.clone();
        let original = &resolve.worlds[world];
        let imports_only = copy.worlds.alloc(World {
            name: format!("{}-imports", original.name),
            exports: Default::default(),
            ..original.clone()
        });
        Ok(Sections {
            bindings: encode(&copy, imports_only)?,
            export_macro: Some(whole),
        })
    }
}

/// The section payload for `world`.
pub fn encode(resolve: &Resolve, world: WorldId) -> Result<Vec<u8>, Error> {
    wit_component::metadata::encode(resolve, world, StringEncoding::UTF8, None).map_err(|e| {
        Error::Wit(format!(
            "failed to encode the component type of the world: {e:#}"
        ))
    })
}
