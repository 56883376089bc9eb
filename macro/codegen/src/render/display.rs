//! How generated types print: `Debug` for records, variants and enums,
//! and `Display` plus `core::error::Error` for error types, all with
//! wit-bindgen's text (`Name { wit-field: .. }`, `Name::Case(..)`,
//! `name (error N)`), so a guest that prints or compares messages behaves
//! the same with either generator.

use super::Ctx;
use crate::names::{camel, ident, snake};
use proc_macro2::TokenStream;
use quote::quote;
use wit_parser::{Enum, Record, TypeId};

impl Ctx<'_> {
    /// `Debug` for a record: its Rust name and the WIT names of its fields.
    pub(super) fn record_debug(
        &self,
        name: &proc_macro2::Ident,
        generics: &TokenStream,
        record: &Record,
    ) -> TokenStream {
        let type_name = name.to_string();
        let wit_names = record.fields.iter().map(|f| f.name.as_str());
        let fields = record.fields.iter().map(|f| ident(&snake(&f.name)));
        quote! {
            impl #generics ::core::fmt::Debug for #name #generics {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.debug_struct(#type_name)
                        #(.field(#wit_names, &self.#fields))*
                        .finish()
                }
            }
        }
    }

    /// `Debug` for a variant or enum: `Name::Case`, with the payload of a
    /// case that has one (`cases` gives each WIT case name and whether it
    /// has a payload).
    pub(super) fn cases_debug<'c>(
        &self,
        name: &proc_macro2::Ident,
        generics: &TokenStream,
        cases: impl Iterator<Item = (&'c str, bool)>,
    ) -> TokenStream {
        let arms = cases.map(|(case, payload)| {
            let rust = ident(&camel(case));
            let label = format!("{name}::{rust}");
            if payload {
                quote!(#name::#rust(e) => f.debug_tuple(#label).field(e).finish(),)
            } else {
                quote!(#name::#rust => f.debug_tuple(#label).finish(),)
            }
        });
        quote! {
            impl #generics ::core::fmt::Debug for #name #generics {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    match self { #(#arms)* }
                }
            }
        }
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
        quote! {
            impl #generics ::core::fmt::Display for #name #generics {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::core::write!(f, "{:?}", self)
                }
            }
            #std
            impl #generics ::core::error::Error for #name #generics {}
        }
    }

    /// For an enum used as an error type: `name()` (the WIT case name),
    /// `message()` (its docs), a `Debug` showing code, name and message,
    /// `Display` as `name (error code)`, and `Error`.
    pub(super) fn error_enum_impls(&self, name: &proc_macro2::Ident, e: &Enum) -> TokenStream {
        let cases: Vec<_> = e.cases.iter().map(|c| ident(&camel(&c.name))).collect();
        let names = e.cases.iter().map(|c| c.name.as_str());
        let messages = e
            .cases
            .iter()
            .map(|c| c.docs.contents.as_deref().unwrap_or("").trim());
        let type_name = name.to_string();
        let std = self.std_cfg();
        quote! {
            impl #name {
                /// The WIT name of this case.
                pub fn name(&self) -> &'static str {
                    match self { #(#name::#cases => #names,)* }
                }
                /// The WIT documentation of this case.
                pub fn message(&self) -> &'static str {
                    match self { #(#name::#cases => #messages,)* }
                }
            }
            impl ::core::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.debug_struct(#type_name)
                        .field("code", &(*self as i32))
                        .field("name", &self.name())
                        .field("message", &self.message())
                        .finish()
                }
            }
            impl ::core::fmt::Display for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::core::write!(f, "{} (error {})", self.name(), *self as i32)
                }
            }
            #std
            impl ::core::error::Error for #name {}
        }
    }

    /// `#[cfg(feature = "std")]` under the `std_feature` option.
    fn std_cfg(&self) -> Option<TokenStream> {
        self.opts
            .std_feature
            .then(|| quote!(#[cfg(feature = "std")]))
    }
}
