//! The core index spaces of a component instance: core instances,
//! functions, memories, tables, globals and tags.

use std::sync::Arc;

use super::{Instantiator, link_err};
use crate::engine::{self, CoreAsContextMut, CoreExtern, CoreFunc};
use crate::error::Error;
use crate::runtime::builtins;
use crate::translate::def::*;

/// A core function in a core index space: real, or an async built-in that
/// only becomes a (trapping) function once its import type is known.
#[derive(Debug, Clone)]
pub(super) enum CoreFuncDef {
    Func(CoreFunc),
    Unsupported(String),
}

#[derive(Debug, Clone)]
pub(super) enum CoreItem {
    Func(CoreFuncDef),
    Other(CoreExtern),
}

pub(super) type CoreExports = Arc<Vec<(String, CoreItem)>>;

impl<T: 'static> Instantiator<'_, T> {
    pub(super) fn core_instance_from_exports(
        &mut self,
        items: &[(String, CoreItemRef)],
    ) -> Result<(), Error> {
        let exports = items
            .iter()
            .map(|(n, r)| Ok((n.clone(), self.core_item(*r)?)))
            .collect::<Result<Vec<_>, Error>>()?;
        self.s.core_instances.push(Arc::new(exports));
        Ok(())
    }

    pub(super) fn core_alias(
        &mut self,
        instance: CoreInstanceIdx,
        name: &str,
        sort: CoreSort,
    ) -> Result<(), Error> {
        let exports = self.s.core_instances[instance].clone();
        let item = exports
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, i)| i.clone())
            .ok_or_else(|| link_err(format!("core instance has no export `{name}`")))?;
        self.push_core(sort, item)
    }

    fn core_item(&self, r: CoreItemRef) -> Result<CoreItem, Error> {
        Ok(match r {
            CoreItemRef::Func(i) => CoreItem::Func(self.s.core_funcs[i].clone()),
            CoreItemRef::Memory(i) => CoreItem::Other(CoreExtern::Memory(self.s.core_memories[i])),
            CoreItemRef::Table(i) => CoreItem::Other(self.s.core_tables[i]),
            CoreItemRef::Global(i) => CoreItem::Other(self.s.core_globals[i]),
            CoreItemRef::Tag(i) => CoreItem::Other(self.s.core_tags[i]),
        })
    }

    fn push_core(&mut self, sort: CoreSort, item: CoreItem) -> Result<(), Error> {
        match (sort, item) {
            (CoreSort::Func, CoreItem::Func(f)) => {
                self.s.core_funcs.push(f);
            }
            (CoreSort::Func, CoreItem::Other(e)) => match engine::extern_func(&e) {
                Some(f) => {
                    self.s.core_funcs.push(CoreFuncDef::Func(f));
                }
                None => return Err(link_err("expected a core function")),
            },
            (CoreSort::Memory, CoreItem::Other(e)) => match engine::extern_memory(&e) {
                Some(m) => {
                    self.s.core_memories.push(m);
                }
                None => return Err(link_err("expected a core memory")),
            },
            (CoreSort::Table, CoreItem::Other(e)) => {
                self.s.core_tables.push(e);
            }
            (CoreSort::Global, CoreItem::Other(e)) => {
                self.s.core_globals.push(e);
            }
            (CoreSort::Tag, CoreItem::Other(e)) => {
                self.s.core_tags.push(e);
            }
            (sort, CoreItem::Func(_)) => return Err(link_err(format!("expected a core {sort:?}"))),
        }
        Ok(())
    }

    pub(super) fn core_instantiate(
        &mut self,
        module: ModuleIdx,
        args: &[(String, CoreInstanceIdx)],
    ) -> Result<(), Error> {
        let module = self.s.modules[module].clone();
        let mut imports = Vec::new();
        for (m, name, func_ty) in engine::module_imports(&module) {
            let inst = args
                .iter()
                .find(|(n, _)| *n == m)
                .map(|(_, i)| self.s.core_instances[*i].clone())
                .ok_or_else(|| link_err(format!("missing core import module `{m}`")))?;
            let item = inst
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, i)| i.clone())
                .ok_or_else(|| link_err(format!("missing core import `{m}` `{name}`")))?;
            imports.push(match (item, func_ty) {
                (CoreItem::Func(CoreFuncDef::Func(f)), _) => CoreExtern::Func(f),
                (CoreItem::Func(CoreFuncDef::Unsupported(n)), Some(ty)) => {
                    CoreExtern::Func(builtins::unsupported(self.store, self.id, &n, &ty))
                }
                (CoreItem::Func(CoreFuncDef::Unsupported(_)), None) => {
                    return Err(link_err(format!(
                        "core import `{m}` `{name}` is not a function"
                    )));
                }
                (CoreItem::Other(e), _) => e,
            });
        }
        let instance = engine::instantiate(&mut *self.store, &module, &imports);
        if instance.is_err() {
            // A start function that trapped inside fused adapters' calls.
            crate::runtime::lazy::unwind(&mut self.store.as_context_mut());
        }
        let instance = instance?;
        let exports = engine::instance_exports(&*self.store, &instance)
            .into_iter()
            .map(|(n, e)| {
                let item = match engine::extern_func(&e) {
                    Some(f) => CoreItem::Func(CoreFuncDef::Func(f)),
                    None => CoreItem::Other(e),
                };
                (n, item)
            })
            .collect();
        self.s.core_instances.push(Arc::new(exports));
        Ok(())
    }
}
