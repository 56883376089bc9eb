//! How generated types print: `Debug` for records, variants and enums,
//! and `Display` plus `core::error::Error` for error types, all with
//! wit-bindgen's text (`Name { wit-field: .. }`, `Name::Case(..)`,
//! `name (error N)`), so a guest that prints or compares messages behaves
//! the same with either generator. Each type's impls are one call of a
//! runtime macro (`_rt::debug_cases!`...; see the runtime's `type_impls`),
//! which keeps the bindings, and their expansion, short.

use super::Ctx;
use crate::names::{camel_ident, ident, snake};
use proc_macro2::TokenStream;
use quote::quote;
use wit_parser::{Enum, Record, TypeId};

impl Ctx<'_> {
    /// `Debug` for a record: its Rust name and the WIT names of its fields
    /// (given only where they differ from the Rust names).
    pub(super) fn record_debug(
        &self,
        name: &proc_macro2::Ident,
        generics: &TokenStream,
        record: &Record,
    ) -> TokenStream {
        let fields = record.fields.iter().map(|f| {
            let rust = snake(&f.name);
            let field = ident(&rust);
            if rust == f.name {
                quote!(#field)
            } else {
                let wit = f.name.as_str();
                quote!(#field: #wit)
            }
        });
        quote!(_rt::debug_record!(#name #generics { #(#fields),* });)
    }

    /// `Debug` for a variant: `Name::Case`, with the payload of a case
    /// that has one (`cases` gives each WIT case name and whether it has a
    /// payload).
    pub(super) fn cases_debug<'c>(
        &self,
        name: &proc_macro2::Ident,
        generics: &TokenStream,
        cases: impl Iterator<Item = (&'c str, bool)>,
    ) -> TokenStream {
        let e = ident("e");
        let cases = cases.map(|(case, payload)| {
            let rust = camel_ident(case);
            if payload {
                quote!(#rust(#e))
            } else {
                quote!(#rust)
            }
        });
        quote!(_rt::debug_cases!(#name #generics { #(#cases),* });)
    }

    /// `Display` (the `Debug` text) and `Error` for a record or variant used
    /// as a function's error type; nothing for other types.
    pub(super) fn error_impls(
        &self,
        id: TypeId,
        name: &proc_macro2::Ident,
        generics: &TokenStream,
    ) -> TokenStream {
        if !self.is_error_definition(id) {
            return TokenStream::new();
        }
        let std = self.std_cfg();
        quote!(_rt::error_impls!(#std #name #generics);)
    }

    /// An enum's `_lower`/`_lift` and `Debug` (`Name::Case`); for an enum
    /// used as an error type, also `name()` (the WIT case name),
    /// `message()` (its docs), a `Debug` showing code, name and message
    /// instead, `Display` as `name (error code)`, and `Error`.
    pub(super) fn enum_impls(
        &self,
        name: &proc_macro2::Ident,
        e: &Enum,
        error: bool,
    ) -> TokenStream {
        let cases = e.cases.iter().map(|c| camel_ident(&c.name));
        if !error {
            return quote!(_rt::enum_impls!(#name { #(#cases),* }););
        }
        let names = e.cases.iter().map(|c| c.name.as_str());
        let messages = e
            .cases
            .iter()
            .map(|c| c.docs.contents.as_deref().unwrap_or("").trim());
        let std = self.std_cfg();
        quote!(_rt::error_enum!(#std #name { #(#cases = #names #messages),* });)
    }

    /// `#[cfg(feature = "std")]` under the `std_feature` option.
    fn std_cfg(&self) -> Option<TokenStream> {
        self.opts
            .std_feature
            .then(|| quote!(#[cfg(feature = "std")]))
    }
}
