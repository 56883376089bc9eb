//! Assembling a world: which module every interface goes to, the root
//! items, the export macro, the component-type custom section and stubs.
//!
//! World-level items (types, imported and exported functions, the export
//! macro) live in a hidden `__weft_world` module that the bindings root
//! glob re-exports; this lets them share one `#[allow]` and keeps the
//! macro caller's module tidy.

use super::attrs::SelectedAttrs;
use super::exports::{ExportParts, StubMethod};
use super::moved::Moved;
use super::paths::{ModPath, iface_path, item_path};
use super::tree::Module;
use super::{CallNames, Ctx, IfaceSite, OptionPaths};
use crate::analysis::Analysis;
use crate::custom_section::Sections;
use crate::error::Error;
use crate::id_map::IdMap;
use crate::names::{ident, snake};
use crate::opts::Opts;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::HashSet;
use wit_parser::{
    Function, InterfaceId, Resolve, SizeAlign, TypeDefKind, TypeId, WorldId, WorldItem, WorldKey,
};

/// Renders the bindings of `world`; `sections` are the encoded
/// component-type sections.
pub fn render_world(
    resolve: &Resolve,
    world: WorldId,
    opts: &Opts,
    sections: &Sections,
    types_only: &HashSet<InterfaceId>,
) -> Result<TokenStream, Error> {
    let mut sizes = SizeAlign::default();
    sizes.fill(resolve);
    let mut ctx = Ctx {
        resolve,
        world,
        opts,
        sizes,
        analysis: Analysis::new(resolve, world, opts.ownership, types_only),
        ifaces: IdMap::default(),
        remapped_types: IdMap::default(),
        paths: OptionPaths::new(opts)?,
        attrs: SelectedAttrs::default(),
        names: CallNames::new(resolve, world),
        with_aliases: Vec::new(),
        merged: IdMap::default(),
        types_only,
        shared_loads: Default::default(),
    };
    apply_with(&mut ctx)?;
    super::chain::check_used(&opts.chainable_methods, resolve, world)?;
    ctx.check_async_filters()?;
    ctx.attrs = SelectedAttrs::new(&ctx)?;
    ctx.merged = super::merge::merge_classes(&ctx);
    let mut root = Module::default();
    let world_path: ModPath = vec![ctx.names.world_module.clone()];
    let mut world_items = TokenStream::new();
    let mut macro_bodies = Vec::new();
    let mut stub_impls = Vec::new();
    let w = &resolve.worlds[world];
    let mut world_imports: Vec<&Function> = Vec::new();
    for (key, item) in &w.imports {
        match item {
            WorldItem::Interface { id, .. } => ctx.import_interface(&mut root, *id, key),
            WorldItem::Function(f) => world_imports.push(f),
            WorldItem::Type { id, .. } => {
                if !ctx.remapped_types.contains_key(id) {
                    world_items.extend(ctx.typedef(*id, &world_path));
                }
            }
        }
    }
    world_items.extend(ctx.import_funcs(world_imports.into_iter(), None, &world_path));
    let mut world_exports: Vec<&Function> = Vec::new();
    for (key, item) in &w.exports {
        match item {
            WorldItem::Interface { id, .. } => {
                let (body, stubs) = ctx.export_interface(&mut root, *id, key);
                macro_bodies.push(body);
                stub_impls.push(stubs);
            }
            WorldItem::Function(f) => world_exports.push(f),
            WorldItem::Type { .. } => {}
        }
    }
    if !world_exports.is_empty() {
        let mut stubs = Vec::new();
        let world_mod = ident(&ctx.names.world_module);
        let mpath = quote!($($path_to_types_root)*::#world_mod);
        let mut parts = ctx.export_parts(
            &world_exports,
            &[],
            None,
            &world_path,
            &glue_alias(),
            &mut stubs,
        );
        if opts.stubs {
            stub_impls.push(ctx.stub_impl(&parts, &stubs, &TokenStream::new()));
        }
        world_items.extend(std::mem::take(&mut parts.items));
        macro_bodies.push(glue_body(mpath, std::mem::take(&mut parts.macro_body)));
    }
    if let Some(whole) = &sections.export_macro {
        macro_bodies.push(ctx.custom_section(whole, "imports and exports"));
    }
    world_items.extend(ctx.payload_modules());
    world_items.extend(ctx.export_macro(&macro_bodies));
    world_items.extend(ctx.custom_section(&sections.bindings, "encoded world"));
    world_items.extend(ctx.link_helper());
    for (path, helper) in ctx.render_shared_loads() {
        root.at(&path).push(helper);
    }
    let rt_alias = ident(&ctx.names.runtime_alias);
    let modules = root.render_children(&mut Vec::new(), &rt_alias);
    let runtime = &ctx.paths.runtime;
    let world_mod = ident(&ctx.names.world_module);
    let stubs = opts.stubs.then(|| ctx.stubs(&stub_impls));
    let with_aliases = ctx.with_aliases.iter().map(|(alias, path)| {
        quote! {
            #[allow(unused_imports)]
            #[doc(hidden)]
            use #path as #alias;
        }
    });
    let (world_items, modules) = (Moved::new(world_items), Moved::new(modules));
    Ok(quote! {
        #[allow(unused_imports)]
        #[doc(hidden)]
        use #runtime as #rt_alias;
        #(#with_aliases)*
        #[doc(hidden)]
        #[allow(dead_code, unused_imports, unused_unsafe, unused_parens, non_snake_case, non_camel_case_types, clippy::all)]
        mod #world_mod {
            #[allow(unused_imports)]
            use super::#rt_alias as _rt;
            #world_items
        }
        #[allow(unused_imports)]
        pub use #world_mod::*;
        #modules
        #stubs
    })
}

/// Records where each world interface is rendered, then applies `with`.
fn apply_with(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let resolve = ctx.resolve;
    let w = &resolve.worlds[ctx.world];
    for (items, exported) in [(&w.imports, false), (&w.exports, true)] {
        for (key, item) in items {
            let WorldItem::Interface { id, .. } = item else {
                continue;
            };
            let site = IfaceSite {
                path: iface_path(resolve, key, exported),
                exported,
                key: key.clone(),
                remapped: None,
            };
            ctx.ifaces.insert(*id, site);
        }
    }
    super::with::apply_with(ctx)
}

impl Ctx<'_> {
    fn import_interface(&self, root: &mut Module, id: InterfaceId, key: &WorldKey) {
        let Some(site) = self.ifaces.get(&id) else {
            return;
        };
        if site.remapped.is_some() {
            return;
        }
        let path = site.path.clone();
        let iface = &self.resolve.interfaces[id];
        let mut items = self.interface_types(id, &path);
        items.extend(self.force_section_ref(&path));
        if !self.types_only.contains(&id) {
            items.extend(self.import_funcs(iface.functions.values(), Some(key), &path));
        }
        let module = root.at(&path);
        module.set_docs(self.docs(&iface.docs));
        module.push(items);
    }

    /// Renders an exported interface; returns its export-macro body and its
    /// stub implementation.
    fn export_interface(
        &self,
        root: &mut Module,
        id: InterfaceId,
        key: &WorldKey,
    ) -> (TokenStream, TokenStream) {
        let Some(site) = self.ifaces.get(&id) else {
            return (TokenStream::new(), TokenStream::new());
        };
        let path = site.path.clone();
        let iface = &self.resolve.interfaces[id];
        let mut items = self.interface_types(id, &path);
        items.extend(self.force_section_ref(&path));
        let funcs: Vec<&Function> = iface.functions.values().collect();
        let resources: Vec<TypeId> = iface
            .types
            .values()
            .copied()
            .filter(|t| matches!(self.resolve.types[*t].kind, TypeDefKind::Resource))
            .collect();
        let segs = path.iter().map(|s| ident(s));
        let mpath = quote!($($path_to_types_root)* #(::#segs)*);
        let mut stubs = Vec::new();
        let mut parts = self.export_parts(
            &funcs,
            &resources,
            Some(key),
            &path,
            &glue_alias(),
            &mut stubs,
        );
        parts.macro_body = glue_body(mpath, parts.macro_body);
        let stub = if self.opts.stubs {
            let segs = path.iter().map(|s| ident(s));
            self.stub_impl(&parts, &stubs, &quote!(#(#segs::)*))
        } else {
            TokenStream::new()
        };
        items.extend(std::mem::take(&mut parts.items));
        let module = root.at(&path);
        module.set_docs(self.docs(&iface.docs));
        module.push(items);
        (parts.macro_body, stub)
    }

    fn interface_types(&self, id: InterfaceId, path: &ModPath) -> TokenStream {
        self.resolve.interfaces[id]
            .types
            .values()
            .filter(|t| !self.remapped_types.contains_key(t))
            .map(|t| self.typedef(*t, path))
            .collect()
    }

    fn export_macro(&self, bodies: &[TokenStream]) -> TokenStream {
        // Like wit-bindgen, a world without exports has no export macro, so
        // an import-only world can sit next to another world in one module.
        if bodies.iter().all(TokenStream::is_empty) && !self.opts.stubs {
            return TokenStream::new();
        }
        let world = &self.resolve.worlds[self.world];
        let name = format_ident!("__export_{}_impl", snake(&world.name).trim_end_matches('_'));
        let export = ident(self.opts.export_macro_name());
        let default = &self.paths.default_bindings;
        let bodies = bodies.iter().filter(|b| !b.is_empty());
        let (attr, vis) = if self.opts.pub_export_macro {
            (quote!(#[macro_export]), quote!(pub))
        } else {
            (quote!(), quote!(pub(crate)))
        };
        quote! {
            /// Exports `$ty` as the implementation of this world's exports:
            /// `export!(MyType)`, or `export!(MyType with_types_in path::to::bindings)`.
            #attr
            macro_rules! #name {
                ($ty:ident) => (#default::#export!($ty with_types_in #default););
                ($ty:ident with_types_in $($path_to_types_root:tt)*) => (
                    // Native builds keep the glue as plain, unused functions.
                    #(#[allow(dead_code)] const _: () = { #bodies };)*
                );
            }
            #[doc(inline)]
            #vis use #name as #export;
        }
    }

    /// A `component-type` section holding `bytes`; `label` tells the
    /// sections of one world apart.
    fn custom_section(&self, bytes: &[u8], label: &str) -> TokenStream {
        let world = &self.resolve.worlds[self.world];
        let pkg = world
            .package
            .map(|p| {
                let n = &self.resolve.packages[p].name;
                format!("{}:{}", n.namespace, n.name)
            })
            .unwrap_or_default();
        let suffix = self.opts.type_section_suffix.as_deref().unwrap_or("");
        let section = format!(
            "component-type:weft:{}:{pkg}:{}:{label}{suffix}",
            env!("CARGO_PKG_VERSION"),
            world.name
        );
        let len = bytes.len();
        let lit = super::byte_string(bytes);
        quote! {
            // The module path keeps the name unique when two crates (or
            // modules) bind the same world: the linker concatenates
            // same-named sections, which would make them undecodable.
            // No `#[used]`: rustc emits a `link_section` static as a custom
            // section *and* as an ordinary data symbol, and `#[used]` would
            // keep that second copy of the bytes in the data segment. A
            // non-generic static is always codegened, so the section stays.
            #[cfg(target_arch = "wasm32")]
            #[unsafe(link_section = ::core::concat!(#section, ":", ::core::module_path!()))]
            #[doc(hidden)]
            pub static __WEFT_COMPONENT_TYPE: [u8; #len] = *#lit;
        }
    }

    /// The function every generated module references (see
    /// [`Ctx::force_section_ref`]) so that using any of them links the
    /// module holding the section, and with it `cabi_realloc`; none under
    /// `disable_custom_section_link_helpers`.
    fn link_helper(&self) -> TokenStream {
        if self.opts.disable_custom_section_link_helpers {
            return TokenStream::new();
        }
        quote! {
            /// Keeps the component-type section and `cabi_realloc` linked.
            #[doc(hidden)]
            #[inline(never)]
            pub fn __weft_link_custom_section() {
                _rt::maybe_link_cabi_realloc();
            }
        }
    }

    /// `#[used] static` in the module at `path` referencing the link helper.
    fn force_section_ref(&self, path: &ModPath) -> TokenStream {
        if self.opts.disable_custom_section_link_helpers {
            return TokenStream::new();
        }
        let world_module = vec![self.names.world_module.clone()];
        let helper = item_path(path, &world_module, "__weft_link_custom_section");
        quote! {
            #[used]
            #[doc(hidden)]
            static __FORCE_SECTION_REF: fn() = #helper;
        }
    }

    /// `impl Guest for Stub` (and `GuestR`) for one exported interface
    /// whose module path (with trailing `::`) is `prefix`.
    fn stub_impl(
        &self,
        parts: &ExportParts,
        methods: &[StubMethod],
        prefix: &TokenStream,
    ) -> TokenStream {
        let mut out = TokenStream::new();
        let free = methods
            .iter()
            .filter(|m| m.resource.is_none())
            .map(|m| &m.sig);
        let assoc = parts.resources.iter().map(|(_, n)| ident(n));
        if parts.has_guest {
            out.extend(quote! {
                impl #prefix Guest for Stub {
                    #(type #assoc = Stub;)*
                    #(#free { unreachable!() })*
                }
            });
        }
        for (r, name) in &parts.resources {
            let guest = format_ident!("Guest{}", name);
            let sigs = methods
                .iter()
                .filter(|m| m.resource == Some(*r))
                .map(|m| &m.sig);
            out.extend(quote! {
                impl #prefix #guest for Stub {
                    #(#sigs { unreachable!() })*
                }
            });
        }
        out
    }

    fn stubs(&self, impls: &[TokenStream]) -> TokenStream {
        let export = ident(self.opts.export_macro_name());
        let rt_alias = ident(&self.names.runtime_alias);
        quote! {
            /// Implements every export with `unreachable!()` (`stubs` option).
            #[derive(Debug)]
            pub struct Stub;
            #[allow(unused_variables)]
            const _: () = {
                #[allow(unused_imports)]
                use #rt_alias as _rt;
                #(#impls)*
            };
            #export!(Stub);
        }
    }
}

/// The name the export macro's glue for one module uses for that module
/// (see [`glue_body`]).
fn glue_alias() -> TokenStream {
    quote!(__weft_glue)
}

/// The export macro's glue for the module at `mpath`, which it names
/// through one `use` instead of the whole path in every function.
fn glue_body(mpath: TokenStream, body: TokenStream) -> TokenStream {
    if body.is_empty() {
        return body;
    }
    let (mpath, body) = (Moved::new(mpath), Moved::new(body));
    let alias = glue_alias();
    quote! {
        use #mpath as #alias;
        #body
    }
}
