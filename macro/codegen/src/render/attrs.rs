//! The `additional_type_attributes` and `additional_member_attributes`
//! options: attributes for single records, variants and enums (and their
//! fields and cases), selected by full WIT name as in `with`
//! (`ns:pkg/iface@ver/type`, `ns:pkg/iface/type.member`).
//!
//! [`SelectedAttrs::new`] checks every selector against the types this run
//! renders and parses every attribute once; a selector that matches
//! nothing is an error, as in wit-bindgen.

use super::Ctx;
use super::with::full_type_name;
use crate::error::Error;
use proc_macro2::TokenStream;
use std::collections::HashMap;
use wit_parser::{TypeDefKind, TypeId};

/// Parsed attributes by selector.
#[derive(Default)]
pub(crate) struct SelectedAttrs {
    types: HashMap<String, Vec<TokenStream>>,
    members: HashMap<String, Vec<TokenStream>>,
}

impl SelectedAttrs {
    /// Checks and parses the attribute options for the types of `ctx`.
    ///
    /// # Errors
    /// [`Error::Option`] for a selector naming no rendered record, variant
    /// or enum (or none of its members), or an attribute that is not Rust.
    pub fn new(ctx: &Ctx<'_>) -> Result<SelectedAttrs, Error> {
        let opts = ctx.opts;
        if opts.additional_type_attributes.is_empty()
            && opts.additional_member_attributes.is_empty()
        {
            return Ok(SelectedAttrs::default());
        }
        let mut names: HashMap<String, Vec<String>> = HashMap::new();
        for id in ctx.rendered_types() {
            let def = &ctx.resolve.types[id];
            let members: Vec<String> = match &def.kind {
                TypeDefKind::Record(r) => r.fields.iter().map(|f| f.name.clone()).collect(),
                TypeDefKind::Variant(v) => v.cases.iter().map(|c| c.name.clone()).collect(),
                TypeDefKind::Enum(e) => e.cases.iter().map(|c| c.name.clone()).collect(),
                _ => continue,
            };
            if let Some(name) = full_type_name(ctx.resolve, id) {
                names.insert(name, members);
            }
        }
        let mut out = SelectedAttrs::default();
        for (selector, attr) in &opts.additional_type_attributes {
            let option = "additional_type_attributes";
            if !names.contains_key(selector) {
                return Err(unmatched(option, selector));
            }
            let attr = parse_attr(option, attr)?;
            out.types.entry(selector.clone()).or_default().push(attr);
        }
        for (selector, attr) in &opts.additional_member_attributes {
            let option = "additional_member_attributes";
            let found = selector
                .rsplit_once('.')
                .and_then(|(ty, member)| Some((names.get(ty)?, member)))
                .is_some_and(|(members, member)| members.iter().any(|m| m == member));
            if !found {
                return Err(unmatched(option, selector));
            }
            let attr = parse_attr(option, attr)?;
            out.members.entry(selector.clone()).or_default().push(attr);
        }
        Ok(out)
    }
}

impl Ctx<'_> {
    /// The selected attributes of type `id`.
    pub fn type_attrs(&self, id: TypeId) -> TokenStream {
        if self.attrs.types.is_empty() {
            return TokenStream::new();
        }
        let Some(name) = full_type_name(self.resolve, id) else {
            return TokenStream::new();
        };
        self.attrs
            .types
            .get(&name)
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }

    /// The selected attributes of member `member` (WIT name) of type `id`.
    pub fn member_attrs(&self, id: TypeId, member: &str) -> TokenStream {
        if self.attrs.members.is_empty() {
            return TokenStream::new();
        }
        let Some(name) = full_type_name(self.resolve, id) else {
            return TokenStream::new();
        };
        let key = format!("{name}.{member}");
        self.attrs
            .members
            .get(&key)
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
}

fn unmatched(option: &'static str, selector: &str) -> Error {
    Error::Option {
        option,
        message: format!(
            "`{option}`: `{selector}` does not name a generated record, variant or enum{}",
            if option == "additional_member_attributes" {
                " member"
            } else {
                ""
            }
        ),
    }
}

fn parse_attr(option: &'static str, attr: &str) -> Result<TokenStream, Error> {
    let bad = || Error::Option {
        option,
        message: format!("`{option}`: `{attr}` is not an attribute"),
    };
    let tokens: TokenStream = attr.parse().map_err(|_| bad())?;
    match tokens.clone().into_iter().next() {
        Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == '#' => Ok(tokens),
        _ => Err(bad()),
    }
}
