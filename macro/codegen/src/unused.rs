//! The `generate_unused_types` option: types of interfaces that the
//! world's package defines but the world does not use.
//!
//! They are added to the world as imports *after* the component-type
//! section was encoded, so the component does not import them, and only
//! their types are rendered (the returned set tells the renderer which).

use std::collections::HashSet;
use wit_parser::{InterfaceId, Resolve, WorldId, WorldItem, WorldKey};

/// Adds every interface of `world`'s package (and what they depend on)
/// that the world neither imports nor exports, as an import, and returns
/// the added interfaces.
pub fn add_unused_interfaces(resolve: &mut Resolve, world: WorldId) -> HashSet<InterfaceId> {
    let mut added = HashSet::new();
    let Some(pkg) = resolve.worlds[world].package else {
        return added;
    };
    let candidates: Vec<InterfaceId> = resolve.packages[pkg].interfaces.values().copied().collect();
    for id in candidates {
        add_with_deps(resolve, world, id, &mut added);
    }
    added
}

fn add_with_deps(
    resolve: &mut Resolve,
    world: WorldId,
    id: InterfaceId,
    added: &mut HashSet<InterfaceId>,
) {
    let present = |r: &Resolve| {
        let w = &r.worlds[world];
        w.imports
            .values()
            .chain(w.exports.values())
            .any(|item| match item {
                WorldItem::Interface { id: i, .. } => *i == id,
                WorldItem::Function(_) | WorldItem::Type { .. } => false,
            })
    };
    if present(resolve) {
        return;
    }
    let deps: Vec<InterfaceId> = resolve.interface_direct_deps(id).collect();
    for dep in deps {
        add_with_deps(resolve, world, dep, added);
    }
    added.insert(id);
    let item = WorldItem::Interface {
        id,
        stability: Default::default(),
        docs: Default::default(),
        span: Default::default(),
        external_id: None,
    };
    resolve.worlds[world]
        .imports
        .insert(WorldKey::Interface(id), item);
}
