//! The public [`Instance`]: an instantiated component's exports.

use std::sync::Arc;

use super::StoreId;
use super::func::Func;
use super::items::{Exports, Item};
use super::store::AsContextMut;

/// An instantiated component.
#[derive(Debug, Clone)]
pub struct Instance {
    pub(crate) exports: Arc<Exports>,
    pub(crate) store: StoreId,
}

impl Instance {
    /// Finds an exported function by name, by `interface#function` (e.g.
    /// `wasi:cli/run@0.2.0#run`), or by `instance/.../function` path when
    /// no export has the full name.
    pub fn get_func<S: AsContextMut>(&self, _store: S, name: &str) -> Option<Func> {
        let item = self.exports.get(name).or_else(|| {
            let (iface, func) = name.rsplit_once('#')?;
            match self.exports.get(iface)? {
                Item::Instance(inner) => inner.get(func),
                _ => None,
            }
        })?;
        match item {
            Item::Func(id) => Some(Func {
                id: *id,
                store: self.store,
            }),
            _ => None,
        }
    }

    /// The names of the top-level exports, in order.
    pub fn export_names(&self) -> Vec<String> {
        self.exports.items.iter().map(|(n, _)| n.clone()).collect()
    }

    /// The names of the functions exported by the exported instance `name`.
    pub fn instance_func_names(&self, name: &str) -> Vec<String> {
        match self.exports.get(name) {
            Some(Item::Instance(inner)) => inner
                .items
                .iter()
                .filter(|(_, i)| matches!(i, Item::Func(_)))
                .map(|(n, _)| n.clone())
                .collect(),
            _ => Vec::new(),
        }
    }
}
