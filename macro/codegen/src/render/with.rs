//! Resolving the `with` and `generate_all` options, with exactly the
//! accept/reject decisions of `wit_bindgen::generate!` so that switching
//! generators never changes whether a macro call compiles:
//!
//! - Every imported interface needs a decision. Interfaces of the world's
//!   own package are generated unless `with` says otherwise; any other
//!   imported interface must be listed in `with` (a Rust path, or
//!   `generate`) or covered by `generate_all`, else [`Error::MissingWith`].
//! - Exported interfaces are always generated; a `with` key naming one (or
//!   one of its types) is accepted and has no effect.
//! - A type key is the type's full name after following `type a = b`
//!   aliases and `use`s to the definition: `ns:pkg/iface@ver/type`, or
//!   `world/type` for a type owned by a world.
//! - A key that names nothing the world imports or exports is
//!   [`Error::UnusedWith`].
//!
//! The interface sites themselves are built in `world.rs`; this module only
//! marks them remapped and collects remapped types into the [`Ctx`].

use super::Ctx;
use crate::analysis::dealias;
use crate::error::Error;
use crate::opts::WithTarget;
use proc_macro2::TokenStream;
use std::collections::HashSet;
use wit_parser::{Resolve, TypeId, TypeOwner, WorldItem};

/// Applies `with`/`generate_all` to the interface sites of `ctx`.
///
/// # Errors
/// [`Error::MissingWith`] for a foreign imported interface with no decision,
/// [`Error::UnusedWith`] for a key that names nothing, [`Error::Option`] for
/// a target that is not a Rust path.
pub(super) fn apply_with(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let resolve = ctx.resolve;
    let world = &resolve.worlds[ctx.world];
    let mut used: HashSet<String> = HashSet::new();
    for (exported, items) in [(false, &world.imports), (true, &world.exports)] {
        for (key, item) in items {
            match item {
                WorldItem::Interface { id, .. } => {
                    let name = resolve.name_world_key(key);
                    if !exported {
                        let target = match lookup(ctx, &name) {
                            Some(target) => remap_path(target)?,
                            None if resolve.interfaces[*id].package == world.package
                                || ctx.opts.generate_all =>
                            {
                                None
                            }
                            None => return Err(Error::MissingWith(name)),
                        };
                        // An interface the world also exports is defined
                        // here whatever `with` says, as in wit-bindgen.
                        let import_only = ctx.ifaces.get(id).is_some_and(|s| !s.exported);
                        if let Some(path) = target.filter(|_| import_only) {
                            let alias = alias(ctx, path);
                            if let Some(site) = ctx.ifaces.get_mut(id) {
                                site.remapped = Some(alias);
                            }
                        }
                    }
                    used.insert(name);
                    for ty in resolve.interfaces[*id].types.values() {
                        note_type(ctx, *ty, !exported, &mut used)?;
                    }
                }
                WorldItem::Type { id, .. } => note_type(ctx, *id, true, &mut used)?,
                WorldItem::Function(_) => {}
            }
        }
    }
    let mut unused: Vec<&String> = ctx
        .opts
        .with
        .iter()
        .map(|(k, _)| k)
        .filter(|k| !used.contains(*k))
        .collect();
    unused.sort();
    match unused.first() {
        Some(key) => Err(Error::UnusedWith((*key).clone())),
        None => Ok(()),
    }
}

/// Marks the type's full name used and, if `remappable` and listed with a
/// path, records the remapping of its definition.
fn note_type(
    ctx: &mut Ctx<'_>,
    ty: TypeId,
    remappable: bool,
    used: &mut HashSet<String>,
) -> Result<(), Error> {
    let def = dealias(ctx.resolve, ty);
    let Some(name) = full_type_name(ctx.resolve, def) else {
        return Ok(());
    };
    if remappable && let Some(path) = lookup(ctx, &name).map(remap_path).transpose()?.flatten() {
        let alias = alias(ctx, path);
        ctx.remapped_types.insert(def, alias);
    }
    used.insert(name);
    Ok(())
}

/// The `with` entry for `key`; a later entry overrides an earlier one, as
/// in a map.
fn lookup<'o>(ctx: &Ctx<'o>, key: &str) -> Option<&'o WithTarget> {
    let with: &'o [(String, WithTarget)] = &ctx.opts.with;
    with.iter().rev().find(|(k, _)| k == key).map(|(_, t)| t)
}

/// Registers a `use #path as <alias>;` in the caller's module and returns
/// the alias, which generated modules reach through their path to the root.
fn alias(ctx: &mut Ctx<'_>, path: TokenStream) -> TokenStream {
    let alias = quote::format_ident!("{}{}", ctx.names.with_prefix, ctx.with_aliases.len());
    ctx.with_aliases.push((alias.clone(), path));
    quote::quote!(#alias)
}

fn remap_path(target: &WithTarget) -> Result<Option<TokenStream>, Error> {
    match target {
        WithTarget::Generate => Ok(None),
        WithTarget::Path(p) => crate::rust_path::parse("with", p).map(Some),
    }
}

/// `ns:pkg/iface@ver/type`, `world/type`, or `None` for an anonymous type.
pub(crate) fn full_type_name(resolve: &Resolve, id: TypeId) -> Option<String> {
    let def = &resolve.types[id];
    let name = def.name.as_ref()?;
    let owner = match def.owner {
        TypeOwner::World(w) => Some(resolve.worlds[w].name.clone()),
        TypeOwner::Interface(i) => resolve.id_of(i),
        TypeOwner::None => None,
    };
    Some(match owner {
        Some(owner) => format!("{owner}/{name}"),
        None => name.clone(),
    })
}
