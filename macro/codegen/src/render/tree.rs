//! The generated module tree: items collected per module path, rendered
//! as nested `pub mod`s that each import the runtime alias.

use super::moved::Moved;
use super::paths::{ModPath, to_root};
use crate::names::ident;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// A module and its submodules.
#[derive(Default)]
pub(crate) struct Module {
    docs: TokenStream,
    items: TokenStream,
    children: BTreeMap<String, Module>,
}

impl Module {
    /// The module at `path` below this one, created on demand.
    pub fn at(&mut self, path: &[String]) -> &mut Module {
        match path.split_first() {
            None => self,
            Some((first, rest)) => self.children.entry(first.clone()).or_default().at(rest),
        }
    }

    /// Appends items.
    pub fn push(&mut self, items: TokenStream) {
        self.items.extend(items);
    }

    /// Sets the module's doc attributes.
    pub fn set_docs(&mut self, docs: TokenStream) {
        self.docs = docs;
    }

    /// Renders the children of this (root) module, consuming it.
    /// `rt_alias` is the name of the runtime alias at the root.
    pub fn render_children(self, path: &mut ModPath, rt_alias: &proc_macro2::Ident) -> TokenStream {
        let mut out = TokenStream::new();
        for (name, child) in self.children {
            path.push(name);
            out.extend(child.render(path, rt_alias));
            path.pop();
        }
        out
    }

    fn render(self, path: &mut ModPath, rt_alias: &proc_macro2::Ident) -> TokenStream {
        let name = ident(path.last().map(String::as_str).unwrap_or("root"));
        let root = to_root(path);
        let docs = Moved::new(self.docs);
        let items = Moved::new(self.items);
        let children = Moved::new(Module::render_children(
            Module {
                children: self.children,
                ..Module::default()
            },
            path,
            rt_alias,
        ));
        // Lint levels are inherited, so only the outermost modules carry
        // the allowances generated code needs.
        let allow = (path.len() == 1).then(|| {
            quote!(#[allow(dead_code, unused_imports, unused_unsafe, unused_parens, non_snake_case, clippy::all)])
        });
        quote! {
            #docs
            #allow
            pub mod #name {
                use #root #rt_alias as _rt;
                #items
                #children
            }
        }
    }
}
