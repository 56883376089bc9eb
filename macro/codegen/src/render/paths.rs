//! Module paths: where each interface's and the world's items live, and
//! how one generated module names an item in another.
//!
//! Paths are relative (`super::super::a::b::T`) so the bindings can be
//! generated into any module of the user's crate.

use super::{Ctx, IfaceSite};
use crate::analysis::dealias;
use crate::names::{camel, ident, package_module, snake};
use proc_macro2::{Punct, Spacing, TokenStream};
use quote::{TokenStreamExt, quote};
use wit_parser::{Resolve, TypeId, TypeOwner, WorldKey};

/// A module path from the bindings root, one snake_case segment each.
pub(crate) type ModPath = Vec<String>;

/// The module path of an interface imported (or exported) under `key`.
pub(crate) fn iface_path(resolve: &Resolve, key: &WorldKey, exported: bool) -> ModPath {
    let mut path = Vec::new();
    if exported {
        path.push("exports".to_string());
    }
    match key {
        WorldKey::Name(name) => path.push(snake(name)),
        WorldKey::Interface(id) => {
            let iface = &resolve.interfaces[*id];
            if let Some(pkg) = iface.package {
                path.push(snake(&resolve.packages[pkg].name.namespace));
                path.push(package_module(resolve, pkg));
            }
            path.push(snake(iface.name.as_deref().unwrap_or("interface")));
        }
    }
    path
}

/// `super::super::…` from a module at `from` back to the root.
pub(crate) fn to_root(from: &ModPath) -> TokenStream {
    let mut out = TokenStream::new();
    for _ in from {
        append_segment(&mut out, "super");
    }
    out
}

/// Appends `seg::` to a path being built.
fn append_segment(path: &mut TokenStream, seg: &str) {
    path.append(ident(seg));
    path.append(Punct::new(':', Spacing::Joint));
    path.append(Punct::new(':', Spacing::Alone));
}

/// A path from module `from` to item `name` in module `to`.
pub(crate) fn item_path(from: &ModPath, to: &ModPath, name: &str) -> TokenStream {
    let name = ident(name);
    if from == to {
        return proc_macro2::TokenTree::Ident(name).into();
    }
    let mut path = to_root(from);
    for seg in to {
        append_segment(&mut path, seg);
    }
    path.append(name);
    path
}

impl Ctx<'_> {
    /// The interface site that owns type `id`, if an interface does.
    pub fn type_site(&self, id: TypeId) -> Option<&IfaceSite> {
        match self.resolve.types[id].owner {
            TypeOwner::Interface(i) => self.ifaces.get(&i),
            TypeOwner::World(_) | TypeOwner::None => None,
        }
    }

    /// The module holding the definition of named type `id` (the root for
    /// world-level types).
    pub fn type_module(&self, id: TypeId) -> std::borrow::Cow<'_, ModPath> {
        use std::borrow::Cow;
        match self.resolve.types[id].owner {
            TypeOwner::World(_) => Cow::Owned(vec![self.names.world_module.clone()]),
            TypeOwner::Interface(_) | TypeOwner::None => match self.type_site(id) {
                Some(site) => Cow::Borrowed(&site.path),
                None => Cow::Owned(ModPath::new()),
            },
        }
    }

    /// A path from module `from` to the definition named `rust_name` of
    /// type `id` (following `with` remappings).
    pub fn type_item_path(&self, from: &ModPath, id: TypeId, rust_name: &str) -> TokenStream {
        // `with` targets are aliases in the caller's module (the root).
        if let Some(alias) = self.remapped_types.get(&id) {
            let root = to_root(from);
            return quote!(#root #alias);
        }
        if let Some(alias) = self.type_site(id).and_then(|s| s.remapped.as_ref()) {
            let root = to_root(from);
            let name = ident(rust_name);
            return quote!(#root #alias::#name);
        }
        item_path(from, &self.type_module(id), rust_name)
    }

    /// The resource definition behind a (possibly aliased) resource type.
    pub fn resource_def(&self, id: TypeId) -> TypeId {
        dealias(self.resolve, id)
    }

    /// Whether resource `id` is defined by this component (exported).
    pub fn is_exported_resource(&self, id: TypeId) -> bool {
        let def = self.resource_def(id);
        self.type_site(def).is_some_and(|s| s.exported)
    }

    /// The Rust name of the named type `id`.
    pub fn type_name(&self, id: TypeId) -> String {
        camel(
            self.resolve.types[id]
                .name
                .as_deref()
                .unwrap_or("Anonymous"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_to_the_root() {
        let from = vec!["exports".to_string(), "a".to_string()];
        let to = vec!["b".to_string()];
        assert_eq!(
            item_path(&from, &to, "T").to_string(),
            "super :: super :: b :: T"
        );
        assert_eq!(item_path(&to, &to, "T").to_string(), "T");
    }

    #[test]
    fn interface_paths_use_namespace_package_and_name() {
        let mut resolve = Resolve::new();
        let pkg = resolve
            .push_str("t.wit", "package my-ns:the-pkg@1.0.0; interface types {} world w { import types; export types; }")
            .unwrap();
        let iface = resolve.packages[pkg].interfaces["types"];
        let key = WorldKey::Interface(iface);
        assert_eq!(
            iface_path(&resolve, &key, false),
            ["my_ns", "the_pkg", "types"]
        );
        assert_eq!(
            iface_path(&resolve, &key, true),
            ["exports", "my_ns", "the_pkg", "types"]
        );
        assert_eq!(
            iface_path(&resolve, &WorldKey::Name("type".into()), false),
            ["type_"]
        );
    }
}
