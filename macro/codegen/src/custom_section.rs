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
use wit_parser::{Resolve, World, WorldId, WorldItem};

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
    let plain;
    let resolve = if has_external_ids(resolve) {
        plain = without_external_ids(resolve);
        &plain
    } else {
        resolve
    };
    wit_component::metadata::encode(resolve, world, StringEncoding::UTF8, None).map_err(|e| {
        Error::Wit(format!(
            "failed to encode the component type of the world: {e:#}"
        ))
    })
}

/// Whether any item carries an `@external-id`.
fn has_external_ids(resolve: &Resolve) -> bool {
    resolve.types.iter().any(|(_, t)| t.external_id.is_some())
        || resolve
            .interfaces
            .iter()
            .any(|(_, i)| i.functions.values().any(|f| f.external_id.is_some()))
        || resolve.worlds.iter().any(|(_, w)| {
            w.imports
                .values()
                .chain(w.exports.values())
                .any(|item| match item {
                    WorldItem::Interface { external_id, .. } => external_id.is_some(),
                    WorldItem::Function(f) => f.external_id.is_some(),
                    WorldItem::Type { .. } => false,
                })
        })
}

/// `resolve` without its `@external-id`s.
///
/// wit-component encodes an item's external id in a form of extern name
/// (leading byte `0x02`) that the `wasm-component-ld` shipped with today's
/// Rust cannot read ("invalid leading byte (0x2) for import name"), so a
/// world using them failed to link (found by the codegen fuzzer). The ids
/// only annotate names and the section is read by that linker alone, so
/// they are left out of it.
fn without_external_ids(resolve: &Resolve) -> Resolve {
    let mut plain = resolve.clone();
    for (_, ty) in plain.types.iter_mut() {
        ty.external_id = None;
    }
    for (_, iface) in plain.interfaces.iter_mut() {
        for f in iface.functions.values_mut() {
            f.external_id = None;
        }
    }
    for (_, world) in plain.worlds.iter_mut() {
        for item in world.imports.values_mut().chain(world.exports.values_mut()) {
            match item {
                WorldItem::Interface { external_id, .. } => *external_id = None,
                WorldItem::Function(f) => f.external_id = None,
                WorldItem::Type { .. } => {}
            }
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_are_left_out_of_the_section() {
        let wit = "package a:b;\ninterface i { @external-id(\"x\") f: func(); }\nworld w {\n  @external-id(\"t\")\n  flags hx { x }\n  @external-id(\"i\")\n  import i;\n}";
        let mut resolve = Resolve::new();
        let pkg = resolve.push_str("a.wit", wit).unwrap();
        let world = resolve.select_world(&[pkg], Some("w")).unwrap();
        assert!(has_external_ids(&resolve));
        let section = encode(&resolve, world).unwrap();
        let (decoded, world) = wit_parser::decoding::decode_world(&section).unwrap();
        assert!(!has_external_ids(&decoded));
        assert_eq!(decoded.worlds[world].imports.len(), 2);
    }
}
