//! Run-time index-space entries: what a component-level index denotes
//! once instantiation has evaluated it.

use std::sync::Arc;

use super::FuncId;
use crate::engine::CoreModule;
use crate::index::PrimaryMap;
use crate::translate::ComponentDef;
use crate::translate::def::{ComponentIdx, ModuleIdx, TypeIdx};
use crate::types::ResourceType;

/// A type index at run time: only resources have run-time identity.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RtType {
    Resource(ResourceType),
    Other,
}

/// A component definition together with the enclosing index spaces its
/// outer aliases may refer to.
#[derive(Debug, Clone)]
pub(crate) struct ComponentClosure {
    pub(crate) def: Arc<ComponentDef>,
    pub(crate) outer: Option<Arc<OuterEnv>>,
}

/// Snapshot of an enclosing component's type, module and component spaces.
#[derive(Debug)]
pub(crate) struct OuterEnv {
    pub(crate) types: PrimaryMap<TypeIdx, RtType>,
    pub(crate) modules: PrimaryMap<ModuleIdx, CoreModule>,
    pub(crate) components: PrimaryMap<ComponentIdx, ComponentClosure>,
    pub(crate) parent: Option<Arc<OuterEnv>>,
}

/// One component-level item.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    Func(FuncId),
    Instance(Arc<Exports>),
    Type(RtType),
    Module(CoreModule),
    Component(ComponentClosure),
    /// Component values are validated but not supported at run time.
    Value,
}

/// The exports of a component instance, in order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Exports {
    pub(crate) items: Vec<(String, Item)>,
}

impl Exports {
    /// The export `name`, exactly or with a semver-compatible version.
    pub(crate) fn get(&self, name: &str) -> Option<&Item> {
        super::semver::lookup(&self.items, name)
    }

    /// Follows a path of export names through nested instances.
    pub(crate) fn get_path(&self, path: &[String]) -> Option<&Item> {
        let (first, rest) = path.split_first()?;
        let item = self.get(first)?;
        if rest.is_empty() {
            return Some(item);
        }
        match item {
            Item::Instance(inner) => inner.get_path(rest),
            _ => None,
        }
    }
}
