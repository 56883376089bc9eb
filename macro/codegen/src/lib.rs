//! weft-codegen: WIT to Rust guest bindings, as a plain library.
//!
//! The `weft::bindgen!` macro is a thin wrapper around [`generate`]; build
//! scripts can call it too. The pipeline, one module per phase:
//! 1. `load`: parse WIT into a `Resolve` and select the world;
//! 2. `support`: reject what weft cannot bind yet (the `implements` form);
//! 3. `analysis`: facts about types (contents, where they are used);
//! 4. `abi`: the language-neutral canonical ABI walker;
//! 5. `render`: the Rust backend, producing `quote!` tokens;
//! 6. `custom_section`: the component-type section that lets
//!    `wasm32-wasip2` builds become components.

#![deny(missing_docs)]
#![warn(clippy::allow_attributes_without_reason)]

mod abi;
mod analysis;
mod custom_section;
mod error;
mod id_map;
mod load;
mod names;
#[cfg(test)]
mod option_tests;
mod opts;
mod render;
mod rust_path;
mod support;
#[cfg(test)]
mod tests;
mod unused;
#[cfg(test)]
mod with_tests;

pub use error::Error;
pub use load::{Loaded, WitSource};
pub use opts::{Opts, Ownership, WithTarget};

use proc_macro2::TokenStream;
use std::path::{Path, PathBuf};

/// The result of a generation run.
pub struct Generated {
    /// The bindings.
    pub tokens: TokenStream,
    /// WIT files that were read (so callers can track them for rebuilds).
    pub files: Vec<PathBuf>,
}

/// Generates bindings for `opts.world` from `source`, resolving relative
/// paths against `root` (the crate's manifest directory).
///
/// # Errors
/// See [`Error`]: unreadable or invalid WIT, an unknown world, a `with`
/// entry that matches nothing, or a world using the `implements` form.
pub fn generate(root: &Path, source: &WitSource, opts: &Opts) -> Result<Generated, Error> {
    let Loaded {
        mut resolve,
        world,
        files,
    } = load::load(root, source, opts.world.as_deref(), &opts.features)?;
    let tokens = generate_from_resolve(&mut resolve, world, opts)?;
    Ok(Generated { tokens, files })
}

/// Generates bindings for `world` of an already loaded `resolve`.
///
/// # Errors
/// As for [`generate`], minus loading.
pub fn generate_from_resolve(
    resolve: &mut wit_parser::Resolve,
    world: wit_parser::WorldId,
    opts: &Opts,
) -> Result<TokenStream, Error> {
    support::check_world(resolve, world)?;
    check_flags(resolve)?;
    let sections = custom_section::Sections::new(resolve, world, opts.pub_export_macro)?;
    let types_only = if opts.generate_unused_types {
        unused::add_unused_interfaces(resolve, world)
    } else {
        Default::default()
    };
    // An interface both imported and exported needs distinct types on
    // each side (its resources are different types), so split it first.
    resolve.generate_nominal_type_ids(world);
    render::world::render_world(resolve, world, opts, &sections, &types_only)
}

/// Rejects flags the component model cannot express (more than 32, see
/// the `flags` rules in the component model's Explainer).
/// The component model's limit on the number of flags in one type.
const MAX_FLAGS: usize = 32;

fn check_flags(resolve: &wit_parser::Resolve) -> Result<(), Error> {
    for (_, ty) in resolve.types.iter() {
        if let wit_parser::TypeDefKind::Flags(f) = &ty.kind
            && f.flags.len() > MAX_FLAGS
        {
            return Err(Error::Unsupported(format!(
                "flags `{}` has {} flags; the component model allows at most {MAX_FLAGS}",
                ty.name.as_deref().unwrap_or("<anonymous>"),
                f.flags.len()
            )));
        }
    }
    Ok(())
}
