//! Static checks on a built component: validation and its decoded WIT world.
//!
//! These hold whether or not any host can run the component, so they are the
//! floor of every guest test: the file is a valid component and it imports
//! and exports exactly the interfaces (and functions) its world promises.

use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use wasmparser::{Validator, WasmFeatures};
use wit_component::DecodedWasm;
use wit_parser::{Resolve, WorldId, WorldItem};

/// One side (imports or exports) of a component's world: each item's name
/// (`ns:pkg/iface@ver` or a bare function name) mapped to the functions it
/// carries (a bare function carries itself; a type carries nothing).
pub type WorldSide = BTreeMap<String, BTreeSet<String>>;

/// The decoded shape of a component's world.
#[derive(Debug)]
pub struct ComponentShape {
    pub imports: WorldSide,
    pub exports: WorldSide,
}

/// Validates `path` as a component with the component-model features on.
///
/// # Errors
/// If the file cannot be read or does not validate.
pub fn validate_component(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if !wasmparser::Parser::is_component(&bytes) {
        bail!("{} is not a component", path.display());
    }
    let features = WasmFeatures::default()
        | WasmFeatures::COMPONENT_MODEL
        | WasmFeatures::CM_FIXED_LENGTH_LISTS
        | WasmFeatures::CM_MAP
        | WasmFeatures::CM_ERROR_CONTEXT;
    Validator::new_with_features(features)
        .validate_all(&bytes)
        .with_context(|| format!("validating {}", path.display()))?;
    Ok(bytes)
}

/// Decodes the WIT world a component's type says it implements.
///
/// # Errors
/// If `bytes` is not a component whose type can be expressed as a world.
pub fn component_shape(bytes: &[u8]) -> Result<ComponentShape> {
    match wit_component::decode(bytes).context("decoding the component's WIT")? {
        DecodedWasm::Component(resolve, world) => Ok(ComponentShape {
            imports: side(&resolve, world, true),
            exports: side(&resolve, world, false),
        }),
        DecodedWasm::WitPackage(..) => bail!("expected a component, found a WIT package"),
    }
}

/// Items of `side` in the `test:` packages (and bare functions) that carry
/// functions, leaving out WASI and the type-only interfaces (`types`,
/// `geometry`) that every world using their types imports.
pub fn test_items(side: &WorldSide) -> WorldSide {
    side.iter()
        .filter(|(name, funcs)| {
            (name.starts_with("test:") || !name.contains(':')) && !funcs.is_empty()
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn side(resolve: &Resolve, world: WorldId, imports: bool) -> WorldSide {
    let world = &resolve.worlds[world];
    let items = if imports {
        &world.imports
    } else {
        &world.exports
    };
    items
        .iter()
        .map(|(key, item)| {
            let funcs = match item {
                WorldItem::Interface { id, .. } => {
                    resolve.interfaces[*id].functions.keys().cloned().collect()
                }
                WorldItem::Function(f) => BTreeSet::from([f.name.clone()]),
                WorldItem::Type { .. } => BTreeSet::new(),
            };
            (resolve.name_world_key(key), funcs)
        })
        .collect()
}
