//! Shared load helpers: one `unsafe fn` per named variant that loads it
//! from linear memory, called wherever the bindings load that variant.
//!
//! Without them every function returning, say, `result<_, error-code>`
//! repeats the whole `match` over `error-code`'s cases, which is most of
//! the generated code (and of the macro's time) for worlds such as WASI
//! `http-proxy`. Only variants whose lifting does not depend on where it
//! happens get a helper: no handles (those may capture a function's
//! handle arena), no futures or streams, and a definition this run
//! renders (not a `with` target or a merged alias).

use super::Ctx;
use super::body::{Body, Role};
use super::moved::{Moved, Op};
use super::paths::{ModPath, item_path};
use super::ty::Flavor;
use crate::abi::{Transfer, Walker};
use crate::analysis::dealias;
use crate::id_map::IdSet;
use crate::names::{ident, snake};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use wit_parser::{Type, TypeDefKind, TypeId, TypeOwner};

/// The load helpers requested while rendering, in request order.
#[derive(Default)]
pub(crate) struct SharedLoads {
    requested: Vec<TypeId>,
    seen: IdSet<TypeId>,
}

impl Ctx<'_> {
    /// The path from module `from` to the load helper of named type `id`,
    /// recording that the helper must be rendered; `None` when `id` is
    /// loaded in place.
    pub fn shared_load_path(&self, id: TypeId, from: &ModPath) -> Option<TokenStream> {
        let def = dealias(self.resolve, id);
        if !self.has_shared_load(def) {
            return None;
        }
        let site = self.type_site(def)?;
        let mut loads = self.shared_loads.borrow_mut();
        if loads.seen.insert(def) {
            loads.requested.push(def);
        }
        Some(item_path(from, &site.path, &self.shared_load_name(def)))
    }

    fn shared_load_name(&self, def: TypeId) -> String {
        format!(
            "__weft_load_{}",
            snake(
                self.resolve.types[def]
                    .name
                    .as_deref()
                    .unwrap_or("anonymous")
            )
        )
    }

    fn has_shared_load(&self, def: TypeId) -> bool {
        let ty = &self.resolve.types[def];
        let TypeDefKind::Variant(_) = ty.kind else {
            return false;
        };
        let info = self.analysis.info(&Type::Id(def));
        matches!(ty.owner, TypeOwner::Interface(_))
            && self.renders_definition(def)
            && !self.merged.contains_key(&def)
            && !self.merged.values().any(|rep| *rep == def)
            && !self.definition_for(def, Flavor::Owned).1
            // Own handles, futures, streams and error-contexts all count
            // as `has_own`.
            && !info.has_own
            && !info.has_borrow
    }

    /// Renders every requested helper (helpers may request more), each
    /// into the module of its type; returns `(module, items)` pairs.
    pub fn render_shared_loads(&self) -> Vec<(ModPath, TokenStream)> {
        let mut out = Vec::new();
        let mut next = 0;
        loop {
            let Some(def) = self.shared_loads.borrow().requested.get(next).copied() else {
                return out;
            };
            next += 1;
            let Some(path) = self.type_site(def).map(|s| s.path.clone()) else {
                continue;
            };
            let mut body = Body::new(self, &path, Role::Import, Vec::new());
            let value = Walker::new(self.resolve, &self.sizes, &mut body, Transfer::Move)
                .shared_load_body(def, Op::from(ident("base")));
            let body = Moved::new(body.finish_with(value.into_token_stream()));
            let name = ident(&self.shared_load_name(def));
            let ty = ident(&self.definition_for(def, Flavor::Owned).0);
            out.push((
                path,
                quote! {
                    #[doc(hidden)]
                    pub unsafe fn #name(base: *mut u8) -> #ty {
                        unsafe { #body }
                    }
                },
            ));
        }
    }
}
