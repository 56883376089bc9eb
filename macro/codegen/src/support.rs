//! Up-front check that a world only uses what weft can bind.
//!
//! Everything WIT expresses is bound, async included, except a named import
//! or export of a package interface (`import primary: store;`, the
//! `implements` form): its component-type
//! encoding (an import name with leading byte 0x02) is newer than what the
//! component linker of the Rust toolchain decodes, so accepting it would
//! only move the failure to the link step.

use crate::error::Error;
use wit_parser::{Resolve, WorldId, WorldItem, WorldKey};

/// Fails with [`Error::Unsupported`] naming the first `implements` item.
pub fn check_world(resolve: &Resolve, world: WorldId) -> Result<(), Error> {
    let w = &resolve.worlds[world];
    for (key, item) in w.imports.iter().chain(&w.exports) {
        match item {
            WorldItem::Interface { id, span, .. } => {
                let iface = &resolve.interfaces[*id];
                if let (WorldKey::Name(name), Some(iface_name)) = (key, &iface.name) {
                    // The item's span is not always kept; the world's is.
                    let at = if span.is_known() { *span } else { w.span };
                    return Err(Error::Unsupported(format!(
                        "{}: `{name}: {iface_name}` in world `{}` names an interface import or \
                         export (the `implements` form), which the component linker cannot \
                         decode yet; import `{iface_name}` directly or wrap it in an inline \
                         interface",
                        resolve.render_location(at),
                        w.name
                    )));
                }
            }
            WorldItem::Function(_) | WorldItem::Type { .. } => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(wit: &str) -> Result<(), Error> {
        let mut resolve = Resolve::new();
        let pkg = resolve.push_str("t.wit", wit).unwrap();
        let world = resolve.select_world(&[pkg], None).unwrap();
        check_world(&resolve, world)
    }

    #[test]
    fn async_worlds_are_accepted() {
        let wit =
            "package a:b; interface i { f: async func(s: stream<u8>) -> future<error-context>; }
            world w { import i; export i; }";
        assert!(check(wit).is_ok());
    }
}
