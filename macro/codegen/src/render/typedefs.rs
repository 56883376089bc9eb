//! Definitions of named WIT types: records, variants, enums, aliases.
//!
//! Flags live in `flags`, resource handle types in `resources`. In
//! `Borrowing` mode a type may get two definitions (see
//! [`Flavors`](crate::analysis::Flavors)); everything else gets one.

use super::Ctx;
use super::paths::ModPath;
use super::ty::{Flavor, lifetime};
use crate::analysis::Flavors;
use crate::names::{camel_ident, ident, snake_ident};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use wit_parser::{Enum, Int, Record, Type, TypeDefKind, TypeId, Variant};

impl Ctx<'_> {
    /// Every definition of named type `id`, for module `from`.
    pub fn typedef(&self, id: TypeId, from: &ModPath) -> TokenStream {
        let def = &self.resolve.types[id];
        if let Some(rep) = self.merged.get(&id) {
            return self.merged_alias(id, *rep, from);
        }
        match &def.kind {
            TypeDefKind::Resource => return self.resource_type(id),
            TypeDefKind::Flags(flags) => return self.flags_type(id, flags),
            TypeDefKind::Enum(e) => return self.enum_type(id, e),
            // Everything else may come in two flavours.
            TypeDefKind::Record(_)
            | TypeDefKind::Variant(_)
            | TypeDefKind::Handle(_)
            | TypeDefKind::Tuple(_)
            | TypeDefKind::Option(_)
            | TypeDefKind::Result(_)
            | TypeDefKind::List(_)
            | TypeDefKind::Map(..)
            | TypeDefKind::FixedLengthList(..)
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_)
            | TypeDefKind::Type(_)
            | TypeDefKind::Unknown => {}
        }
        let flavors = self.flavor_list(id);
        flavors
            .iter()
            .map(|f| self.typedef_flavor(id, *f, from))
            .collect()
    }

    /// `pub type` aliases of each definition of `id` to the matching
    /// definition of `rep` (`merge_structurally_equal_types`).
    fn merged_alias(&self, id: TypeId, rep: TypeId, from: &ModPath) -> TokenStream {
        let docs = self.docs(&self.resolve.types[id].docs);
        let flavors = self.flavor_list(id);
        flavors
            .iter()
            .map(|flavor| {
                let (name, borrowed) = self.definition_for(id, *flavor);
                let (target, _) = self.definition_for(rep, *flavor);
                let name = ident(&name);
                let path = self.type_item_path(from, rep, &target);
                let generics = (borrowed || self.analysis.info(&Type::Id(id)).has_borrow)
                    .then(|| quote!(<'a>));
                quote!(#docs pub type #name #generics = #path #generics;)
            })
            .collect()
    }

    /// The flavours named type `id` is defined in.
    fn flavor_list(&self, id: TypeId) -> &'static [Flavor] {
        match self.analysis.flavors(self.resolve, id) {
            Flavors::Owned => &[Flavor::Owned],
            Flavors::Borrowed => &[Flavor::Borrowed],
            Flavors::Both => &[Flavor::Borrowed, Flavor::Owned],
        }
    }

    /// Whether `id` needs the error impls: it, or a type merged into it,
    /// is a function's error type.
    pub(super) fn is_error_definition(&self, id: TypeId) -> bool {
        self.analysis.is_error(id)
            || self
                .merged
                .iter()
                .any(|(member, rep)| *rep == id && self.analysis.is_error(*member))
    }

    fn typedef_flavor(&self, id: TypeId, flavor: Flavor, from: &ModPath) -> TokenStream {
        let def = &self.resolve.types[id];
        let (name, borrowed) = self.definition_for(id, flavor);
        let name = ident(&name);
        let docs = self.docs(&def.docs);
        let info = self.analysis.info(&Type::Id(id));
        let generics = if borrowed || info.has_borrow {
            quote!(<'a>)
        } else {
            quote!()
        };
        let lt = lifetime("a");
        let derives = self.derives(id, info.has_own, info.has_list);
        let attrs = self.type_attrs(id);
        match &def.kind {
            TypeDefKind::Record(record) => {
                let fields = self.record_fields(id, record, flavor, &lt, from);
                let debug = self.record_debug(&name, &generics, record);
                let error = self.error_impls(id, &name, &generics);
                // The canonical ABI's layout, so lists of it are passed as
                // one buffer (see `is_list_canonical`).
                let repr = crate::analysis::is_plain_record(self.resolve, id, &|_| true)
                    .then(|| quote!(#[repr(C)]));
                quote! {
                    #docs
                    #derives
                    #repr
                    #attrs
                    pub struct #name #generics { #fields }
                    #debug
                    #error
                }
            }
            TypeDefKind::Variant(variant) => {
                let cases = self.variant_cases(id, variant, flavor, &lt, from);
                let debug = self.cases_debug(
                    &name,
                    &generics,
                    variant
                        .cases
                        .iter()
                        .map(|c| (c.name.as_str(), c.ty.is_some())),
                );
                let error = self.error_impls(id, &name, &generics);
                quote! {
                    #docs
                    #derives
                    #attrs
                    pub enum #name #generics { #cases }
                    #debug
                    #error
                }
            }
            TypeDefKind::Type(Type::Id(target)) if self.is_resource(*target) => {
                self.resource_alias(&name, *target, from)
            }
            other => {
                let ty = self.anonymous_type(other, flavor, &lt, from);
                quote! {
                    #docs
                    pub type #name #generics = #ty;
                }
            }
        }
    }

    fn is_resource(&self, id: TypeId) -> bool {
        let def = self.resource_def(id);
        matches!(self.resolve.types[def].kind, TypeDefKind::Resource)
    }

    /// `use`-ing a resource aliases its handle type (and, for exported
    /// resources, its borrow type).
    fn resource_alias(
        &self,
        name: &proc_macro2::Ident,
        target: TypeId,
        from: &ModPath,
    ) -> TokenStream {
        let path = self.resource_path(target, from, "");
        let mut out = quote!(pub type #name = #path;);
        if self.is_exported_resource(target) {
            let borrow = ident(&format!("{name}Borrow"));
            let path = self.resource_path(target, from, "Borrow");
            out.extend(quote!(pub type #borrow<'a> = #path<'a>;));
        }
        out
    }

    fn record_fields(
        &self,
        id: TypeId,
        record: &Record,
        flavor: Flavor,
        lt: &TokenStream,
        from: &ModPath,
    ) -> TokenStream {
        record
            .fields
            .iter()
            .map(|f| {
                let name = snake_ident(&f.name);
                let ty = self.rust_type(&f.ty, flavor, lt, from);
                let docs = self.docs(&f.docs);
                let attrs = self.member_attrs(id, &f.name);
                quote!(#docs #attrs pub #name: #ty,)
            })
            .collect()
    }

    fn variant_cases(
        &self,
        id: TypeId,
        variant: &Variant,
        flavor: Flavor,
        lt: &TokenStream,
        from: &ModPath,
    ) -> TokenStream {
        variant
            .cases
            .iter()
            .map(|c| {
                let name = camel_ident(&c.name);
                let docs = self.docs(&c.docs);
                let attrs = self.member_attrs(id, &c.name);
                match &c.ty {
                    Some(ty) => {
                        let ty = self.rust_type(ty, flavor, lt, from);
                        quote!(#docs #attrs #name(#ty),)
                    }
                    None => quote!(#docs #attrs #name,),
                }
            })
            .collect()
    }

    fn enum_type(&self, id: TypeId, e: &Enum) -> TokenStream {
        let def = &self.resolve.types[id];
        let name = ident(&self.type_name(id));
        let docs = self.docs(&def.docs);
        let repr = match e.tag() {
            Int::U8 => quote!(u8),
            Int::U16 => quote!(u16),
            Int::U32 => quote!(u32),
            Int::U64 => quote!(u64),
        };
        let cases: Vec<_> = e.cases.iter().map(|c| camel_ident(&c.name)).collect();
        let case_docs = e.cases.iter().map(|c| {
            let docs = self.docs(&c.docs);
            let attrs = self.member_attrs(id, &c.name);
            quote!(#docs #attrs)
        });
        let error = self.is_error_definition(id);
        let extra = self.additional_derives(
            id,
            &[
                "Clone",
                "Copy",
                "Debug",
                "PartialEq",
                "Eq",
                "PartialOrd",
                "Ord",
                "Hash",
            ],
        );
        // An error enum prints its code, name and message instead.
        let impls = self.enum_impls(&name, e, error);
        let type_attrs = self.type_attrs(id);
        quote! {
            #docs
            #[repr(#repr)]
            #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash #(, #extra)*)]
            #type_attrs
            pub enum #name { #(#case_docs #cases,)* }
            #impls
        }
    }

    /// The derive attribute of a record or variant: `Clone` unless it owns
    /// a handle, `Copy` unless it also owns memory, plus the user's extras.
    /// (`Debug` is implemented by hand, see `display`; a user's extra
    /// `Debug` is dropped rather than conflicting with it.)
    fn derives(&self, id: TypeId, has_own: bool, owns_memory: bool) -> TokenStream {
        let mut base = vec![];
        if !has_own {
            base.push("Clone");
            if !owns_memory {
                base.push("Copy");
            }
        }
        let mut present = base.clone();
        present.push("Debug");
        let extra = self.additional_derives(id, &present);
        let base = base.iter().map(|b| ident(b).into_token_stream());
        let all: Vec<TokenStream> = base.chain(extra).collect();
        if all.is_empty() {
            return TokenStream::new();
        }
        quote!(#[derive(#(#all),*)])
    }

    /// The `additional_derives` for type `id`, minus what `present` already
    /// derives, and none for ignored types.
    pub fn additional_derives(&self, id: TypeId, present: &[&str]) -> Vec<TokenStream> {
        let wit_name = self.resolve.types[id].name.as_deref().unwrap_or("");
        if self
            .opts
            .additional_derives_ignore
            .iter()
            .any(|n| n == wit_name)
        {
            return Vec::new();
        }
        self.paths
            .derives
            .iter()
            .filter(|(last, _)| !present.contains(&last.as_str()))
            .map(|(_, path)| path.clone())
            .collect()
    }
}
