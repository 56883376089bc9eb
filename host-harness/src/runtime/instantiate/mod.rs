//! Instantiation: replays a frozen `ComponentDef`'s initialisers against
//! run-time index spaces (the spec's instantiation semantics, in order).
//!
//! Each component instantiation gets a `ComponentInstance` in the store
//! (its handle table and flags); nested instantiations record their parent
//! so re-entrance checks cover ancestors. Core modules run in the store's
//! single core-engine store, which is what lets core instances share
//! memories and functions across component boundaries. `core` handles the
//! core index spaces, `canon` the `canon` definitions.

mod canon;
mod core;

use std::collections::HashMap;
use std::sync::Arc;

use self::core::{CoreExports, CoreFuncDef};
use super::items::{ComponentClosure, Exports, Item, OuterEnv, RtType};
use super::store::StoreData;
use super::{ComponentInstanceId, FuncId};
use crate::engine::{CoreExtern, CoreMemory, CoreModule, CoreStore};
use crate::error::{Error, LinkError};
use crate::index::PrimaryMap;
use crate::translate::def::*;
use crate::types::{ResourceRef, ResourceType};

/// The index spaces of one component instance under construction.
#[derive(Default)]
struct Spaces {
    funcs: PrimaryMap<FuncIdx, FuncId>,
    instances: PrimaryMap<InstanceIdx, Arc<Exports>>,
    components: PrimaryMap<ComponentIdx, ComponentClosure>,
    types: PrimaryMap<TypeIdx, RtType>,
    modules: PrimaryMap<ModuleIdx, CoreModule>,
    core_instances: PrimaryMap<CoreInstanceIdx, CoreExports>,
    core_funcs: PrimaryMap<CoreFuncIdx, CoreFuncDef>,
    core_memories: PrimaryMap<CoreMemoryIdx, CoreMemory>,
    core_tables: PrimaryMap<CoreTableIdx, CoreExtern>,
    core_globals: PrimaryMap<CoreGlobalIdx, CoreExtern>,
    core_tags: PrimaryMap<CoreTagIdx, CoreExtern>,
}

struct Instantiator<'a, T> {
    store: &'a mut CoreStore<StoreData<T>>,
    closure: &'a ComponentClosure,
    id: ComponentInstanceId,
    s: Spaces,
    exports: Exports,
}

fn link_err(m: impl Into<String>) -> Error {
    LinkError::Core(m.into()).into()
}

/// Instantiates `closure` with `args` (import name -> item) as a new
/// component instance of the store, a child of `parent`, called `name`
/// (else what the component calls itself); returns its exports.
pub(crate) fn instantiate<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    closure: &ComponentClosure,
    args: &HashMap<String, Item>,
    parent: Option<ComponentInstanceId>,
    name: Option<Arc<str>>,
) -> Result<Arc<Exports>, Error> {
    let name = name.or_else(|| closure.def.names.component.clone());
    let flags = crate::runtime::flags::InstanceFlags::new(&mut *store);
    let id = store.data_mut().rt.new_instance(parent, name, flags)?;
    let mut inst = Instantiator {
        store,
        closure,
        id,
        s: Spaces::default(),
        exports: Exports::default(),
    };
    for init in &closure.def.inits {
        inst.init(init, args)?;
    }
    Ok(Arc::new(inst.exports))
}

impl<T: 'static> Instantiator<'_, T> {
    /// Evaluates one initialiser, adding one entry to one index space.
    fn init(&mut self, init: &Init, args: &HashMap<String, Item>) -> Result<(), Error> {
        match init {
            Init::Import { name, sort, .. } => {
                let item = args.get(name).cloned().ok_or_else(|| {
                    Error::from(LinkError::MissingImport {
                        name: name.clone(),
                        ty: format!("{sort:?}").to_lowercase(),
                    })
                })?;
                self.push_item(*sort, item, name)
            }
            Init::Type { resource } => self.define_type(resource.as_ref()),
            Init::CoreModule(i) => {
                let module = self.closure.def.modules[*i].clone();
                self.s.modules.push(module);
                Ok(())
            }
            Init::CoreInstantiate { module, args } => self.core_instantiate(*module, args),
            Init::CoreInstanceFromExports(items) => self.core_instance_from_exports(items),
            Init::CoreAlias {
                instance,
                name,
                sort,
            } => self.core_alias(*instance, name, *sort),
            Init::Component(i) => {
                let closure = ComponentClosure {
                    def: self.closure.def.components[*i].clone(),
                    outer: Some(Arc::new(self.outer_env())),
                };
                self.s.components.push(closure);
                Ok(())
            }
            Init::Instantiate { component, args } => self.instantiate_component(*component, args),
            Init::InstanceFromExports(items) => {
                let items = items.iter().map(|(n, r)| (n.clone(), self.item(*r)));
                self.push_instance(Arc::new(Exports {
                    items: items.collect(),
                }));
                Ok(())
            }
            Init::Alias {
                instance,
                name,
                sort,
            } => self.alias(*instance, name, *sort),
            Init::OuterAlias { count, item } => self.outer_alias(*count, *item),
            Init::Lift {
                core_func,
                ty,
                options,
            } => self.lift(*core_func, ty, options),
            Init::Lower { func, ty, options } => self.lower(*func, ty, options),
            Init::Builtin(b) => {
                let f = self.builtin(b)?;
                self.s.core_funcs.push(f);
                Ok(())
            }
            Init::Export { name, item } => {
                let it = self.item(*item);
                self.exports.items.push((name.clone(), it.clone()));
                self.push_item(item.sort(), it, name)
            }
        }
    }

    fn define_type(&mut self, resource: Option<&ResourceDef>) -> Result<(), Error> {
        let ty = match resource {
            Some(def) => {
                let dtor = def.dtor.map(|f| self.core_func(f)).transpose()?;
                let rt = self.store.data_mut().rt.new_guest_resource(self.id, dtor);
                RtType::Resource(rt)
            }
            None => RtType::Other,
        };
        self.push_type(ty);
        Ok(())
    }

    fn instantiate_component(
        &mut self,
        component: ComponentIdx,
        args: &[(String, ItemRef)],
    ) -> Result<(), Error> {
        let closure = self.s.components[component].clone();
        let map = args
            .iter()
            .map(|(name, r)| (name.clone(), self.item(*r)))
            .collect();
        let names = &self.closure.def.names.instances;
        let name = names.get(&self.s.instances.next_key()).cloned();
        let exports = instantiate(self.store, &closure, &map, Some(self.id), name)?;
        self.push_instance(exports);
        Ok(())
    }

    fn alias(&mut self, instance: InstanceIdx, name: &str, sort: Sort) -> Result<(), Error> {
        let found = self.s.instances[instance].get(name).cloned();
        let item = match (found, sort) {
            (Some(item), _) => item,
            // Only resources have a run-time identity: a host need not
            // define the record and variant types it exports.
            (None, Sort::Type) if !self.next_type_is_resource() => Item::Type(RtType::Other),
            (None, _) => return Err(LinkError::MissingExport(name.to_string()).into()),
        };
        self.push_item(sort, item, name)
    }

    fn item(&self, r: ItemRef) -> Item {
        match r {
            ItemRef::Func(i) => Item::Func(self.s.funcs[i]),
            ItemRef::Instance(i) => Item::Instance(self.s.instances[i].clone()),
            ItemRef::Type(i) => Item::Type(self.s.types[i]),
            ItemRef::Module(i) => Item::Module(self.s.modules[i].clone()),
            ItemRef::Component(i) => Item::Component(self.s.components[i].clone()),
            ItemRef::Value => Item::Value,
        }
    }

    fn push_item(&mut self, sort: Sort, item: Item, name: &str) -> Result<(), Error> {
        match (sort, item) {
            (Sort::Func, Item::Func(f)) => {
                self.s.funcs.push(f);
            }
            (Sort::Instance, Item::Instance(e)) => self.push_instance(e),
            (Sort::Type, Item::Type(t)) => self.push_type(t),
            (Sort::Module, Item::Module(m)) => {
                self.s.modules.push(m);
            }
            (Sort::Component, Item::Component(c)) => {
                self.s.components.push(c);
            }
            (Sort::Value, Item::Value) => {}
            (sort, _) => {
                return Err(LinkError::ImportMismatch {
                    name: name.to_string(),
                    reason: format!("expected a {sort:?}").to_lowercase(),
                }
                .into());
            }
        }
        Ok(())
    }

    fn next_type_is_resource(&self) -> bool {
        let statics = &self.closure.def.statics.type_resources;
        matches!(statics.get(self.s.types.next_key()), Some(Some(_)))
    }

    /// Adds a type and, if it is a resource, records which static
    /// resource of this component it instantiates.
    fn push_type(&mut self, ty: RtType) {
        let idx = self.s.types.push(ty);
        if let (RtType::Resource(rt), Some(Some(r))) =
            (ty, self.closure.def.statics.type_resources.get(idx))
        {
            self.bind_resource(*r, rt);
        }
    }

    fn bind_resource(&mut self, r: ResourceRef, rt: ResourceType) {
        let instance = self.store.data_mut().rt.instance(self.id);
        instance.resources.insert(r, rt);
    }

    fn push_instance(&mut self, exports: Arc<Exports>) {
        let idx = self.s.instances.next_key();
        if let Some(resources) = self.closure.def.statics.instance_resources.get(idx) {
            for (path, r) in resources {
                if let Some(Item::Type(RtType::Resource(rt))) = exports.get_path(path) {
                    self.bind_resource(*r, *rt);
                }
            }
        }
        self.s.instances.push(exports);
    }

    fn outer_env(&self) -> OuterEnv {
        OuterEnv {
            types: self.s.types.clone(),
            modules: self.s.modules.clone(),
            components: self.s.components.clone(),
            parent: self.closure.outer.clone(),
        }
    }

    fn outer_alias(&mut self, count: u32, item: ItemRef) -> Result<(), Error> {
        let env = match count {
            0 => Arc::new(self.outer_env()),
            n => {
                let mut env = self.closure.outer.clone();
                for _ in 1..n {
                    env = env.and_then(|e| e.parent.clone());
                }
                env.ok_or_else(|| link_err("outer alias out of range"))?
            }
        };
        let found = match item {
            ItemRef::Type(i) => Item::Type(env.types[i]),
            ItemRef::Module(i) => Item::Module(env.modules[i].clone()),
            ItemRef::Component(i) => Item::Component(env.components[i].clone()),
            // The validator only allows outer aliases of the three above.
            ItemRef::Func(_) | ItemRef::Value | ItemRef::Instance(_) => {
                return Err(link_err(format!("outer alias of a {:?}", item.sort())));
            }
        };
        self.push_item(item.sort(), found, "outer alias")
    }
}
