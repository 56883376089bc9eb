//! The mutable builder for one component's [`ComponentDef`].
//!
//! It records section items in order and counts the component function
//! index space, because function types are only resolvable once the
//! validator has seen the whole component (see [`Fixup`]).

use std::sync::Arc;

use wasmparser::component_types::ComponentAnyTypeId;
use wasmparser::types::TypesRef;
use wasmparser::{
    BinaryReaderError, ComponentAlias, ComponentExternalKind, ComponentInstance,
    ComponentOuterAliasKind, ComponentType, ComponentTypeRef, ExternalKind, Instance, Payload,
};

use super::convert;
use super::def::*;
use super::names::Names;
use crate::engine::CoreModule;
use crate::index::PrimaryMap;
use crate::types::FuncType;

/// A function type to fill in at the end of the component.
pub(super) enum Fixup {
    /// The init's type is the func type at this type index.
    TypeIndex(TypeIdx),
    /// The init's type is the type of the component function at this index.
    FuncIndex(FuncIdx),
}

#[derive(Default)]
pub(super) struct Builder {
    pub(super) inits: Vec<Init>,
    modules: PrimaryMap<StaticModuleIdx, CoreModule>,
    components: PrimaryMap<StaticComponentIdx, Arc<ComponentDef>>,
    fixups: Vec<(usize, Fixup)>,
    /// `task.return` inits and their result types, resolved at the end.
    pub(super) task_returns: Vec<(usize, Option<wasmparser::ComponentValType>)>,
    /// `stream.*`/`future.*` built-ins by position, with their type index.
    pub(super) channel_types: Vec<(usize, u32)>,
    /// `thread.new-indirect` built-ins by position, with the core type
    /// index of their start function.
    pub(super) thread_start_types: Vec<(usize, u32)>,
    func_count: u32,
    /// Names of instances and functions, for traces (boxed: a builder
    /// sits on the nesting stack beside bare module frames).
    names: Box<Names>,
}

pub(super) fn placeholder() -> FuncType {
    FuncType {
        params: Arc::new([]),
        result: None,
        is_async: false,
    }
}

fn sort_of(kind: ComponentExternalKind) -> Sort {
    match kind {
        ComponentExternalKind::Module => Sort::Module,
        ComponentExternalKind::Func => Sort::Func,
        ComponentExternalKind::Value => Sort::Value,
        ComponentExternalKind::Type => Sort::Type,
        ComponentExternalKind::Instance => Sort::Instance,
        ComponentExternalKind::Component => Sort::Component,
    }
}

fn core_sort_of(kind: ExternalKind) -> CoreSort {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => CoreSort::Func,
        ExternalKind::Table => CoreSort::Table,
        ExternalKind::Memory => CoreSort::Memory,
        ExternalKind::Global => CoreSort::Global,
        ExternalKind::Tag => CoreSort::Tag,
    }
}

impl Builder {
    pub(super) fn push(&mut self, init: Init) {
        if let Init::Import {
            sort: Sort::Func, ..
        }
        | Init::Alias {
            sort: Sort::Func, ..
        }
        | Init::OuterAlias {
            item: ItemRef::Func(_),
            ..
        }
        | Init::Lift { .. }
        | Init::Export {
            item: ItemRef::Func(_),
            ..
        } = &init
        {
            self.func_count += 1;
        }
        self.inits.push(init);
    }

    pub(super) fn push_fixup(&mut self, init: Init, fixup: Fixup) {
        self.fixups.push((self.inits.len(), fixup));
        self.push(init);
    }

    pub(super) fn core_module(&mut self, module: CoreModule) {
        let idx = self.modules.push(module);
        self.push(Init::CoreModule(idx));
    }

    pub(super) fn component(&mut self, def: Arc<ComponentDef>) {
        let idx = self.components.push(def);
        self.push(Init::Component(idx));
    }

    /// Records one non-nesting section.
    pub(super) fn section(&mut self, payload: &Payload<'_>) -> Result<(), BinaryReaderError> {
        match payload {
            Payload::ComponentImportSection(reader) => {
                for import in reader.clone() {
                    let import = import?;
                    self.import(import.name.name, &import.ty);
                }
            }
            Payload::ComponentTypeSection(reader) => {
                for ty in reader.clone() {
                    let resource = match ty? {
                        ComponentType::Resource { dtor, .. } => Some(ResourceDef {
                            dtor: dtor.map(CoreFuncIdx::from_u32),
                        }),
                        ComponentType::Defined(_)
                        | ComponentType::Func(_)
                        | ComponentType::Component(_)
                        | ComponentType::Instance(_) => None,
                    };
                    self.push(Init::Type { resource });
                }
            }
            Payload::InstanceSection(reader) => {
                for inst in reader.clone() {
                    self.core_instance(inst?);
                }
            }
            Payload::ComponentInstanceSection(reader) => {
                for inst in reader.clone() {
                    self.instance(inst?);
                }
            }
            Payload::ComponentAliasSection(reader) => {
                for alias in reader.clone() {
                    self.alias(alias?);
                }
            }
            Payload::ComponentCanonicalSection(reader) => {
                for canon in reader.clone() {
                    self.canon(canon?);
                }
            }
            Payload::ComponentExportSection(reader) => {
                for export in reader.clone() {
                    let export = export?;
                    let item = ItemRef::new(sort_of(export.kind), export.index);
                    self.names.exported(item, export.name.name);
                    self.push(Init::Export {
                        name: export.name.name.to_string(),
                        item,
                    });
                }
            }
            Payload::CustomSection(reader) => {
                if let wasmparser::KnownCustom::ComponentName(names) = reader.as_known() {
                    self.names.read_section(names);
                }
            }
            // Core types and other custom sections have no run-time effect;
            // start functions need values, which the validator only accepts
            // behind a feature we do not enable.
            Payload::CoreTypeSection(_) | Payload::ComponentStartSection { .. } => {}
            // `translate` handles the nesting payloads itself, and the
            // validator has rejected everything else (core-only sections at
            // component level); `Payload` is non-exhaustive, so this arm
            // cannot name them.
            _ => {}
        }
        Ok(())
    }

    fn import(&mut self, name: &str, ty: &ComponentTypeRef) {
        let sort = match ty {
            ComponentTypeRef::Module(_) => Sort::Module,
            ComponentTypeRef::Func(_) => Sort::Func,
            ComponentTypeRef::Value(_) => Sort::Value,
            ComponentTypeRef::Type(_) => Sort::Type,
            ComponentTypeRef::Instance(_) => Sort::Instance,
            ComponentTypeRef::Component(_) => Sort::Component,
        };
        let init = Init::Import {
            name: name.to_string(),
            sort,
            func_ty: (sort == Sort::Func).then(placeholder),
            describe: String::new(),
            fixed_by_bound: None,
            shape: None,
        };
        if sort == Sort::Func {
            let idx = FuncIdx::from_u32(self.func_count);
            self.push_fixup(init, Fixup::FuncIndex(idx));
        } else {
            self.push(init);
        }
    }

    fn core_instance(&mut self, inst: Instance<'_>) {
        let init = match inst {
            Instance::Instantiate { module_index, args } => Init::CoreInstantiate {
                module: ModuleIdx::from_u32(module_index),
                args: args
                    .iter()
                    .map(|a| (a.name.to_string(), CoreInstanceIdx::from_u32(a.index)))
                    .collect(),
            },
            Instance::FromExports(exports) => Init::CoreInstanceFromExports(
                exports
                    .iter()
                    .map(|e| {
                        let item = CoreItemRef::new(core_sort_of(e.kind), e.index);
                        (e.name.to_string(), item)
                    })
                    .collect(),
            ),
        };
        self.push(init);
    }

    fn instance(&mut self, inst: ComponentInstance<'_>) {
        let item = |kind, index| ItemRef::new(sort_of(kind), index);
        let init = match inst {
            ComponentInstance::Instantiate {
                component_index,
                args,
            } => Init::Instantiate {
                component: ComponentIdx::from_u32(component_index),
                args: args
                    .iter()
                    .map(|a| (a.name.to_string(), item(a.kind, a.index)))
                    .collect(),
            },
            ComponentInstance::FromExports(exports) => Init::InstanceFromExports(
                exports
                    .iter()
                    .map(|e| (e.name.name.to_string(), item(e.kind, e.index)))
                    .collect(),
            ),
        };
        self.push(init);
    }

    fn alias(&mut self, alias: ComponentAlias<'_>) {
        let init = match alias {
            ComponentAlias::InstanceExport {
                kind,
                instance_index,
                name,
            } => Init::Alias {
                instance: InstanceIdx::from_u32(instance_index),
                name: name.to_string(),
                sort: sort_of(kind),
            },
            ComponentAlias::CoreInstanceExport {
                kind,
                instance_index,
                name,
            } => Init::CoreAlias {
                instance: CoreInstanceIdx::from_u32(instance_index),
                name: name.to_string(),
                sort: core_sort_of(kind),
            },
            ComponentAlias::Outer { kind, count, index } => {
                let sort = match kind {
                    ComponentOuterAliasKind::CoreModule => Sort::Module,
                    ComponentOuterAliasKind::Type => Sort::Type,
                    ComponentOuterAliasKind::Component => Sort::Component,
                    // Core types have no run-time representation.
                    ComponentOuterAliasKind::CoreType => return,
                };
                Init::OuterAlias {
                    count,
                    item: ItemRef::new(sort, index),
                }
            }
        };
        self.push(init);
    }

    /// Freezes the builder once the validator has resolved all types.
    pub(super) fn finish(mut self, types: TypesRef<'_>) -> ComponentDef {
        for (at, fixup) in std::mem::take(&mut self.fixups) {
            let id = match fixup {
                Fixup::FuncIndex(f) => types.component_function_at(f.as_u32()),
                Fixup::TypeIndex(t) => match types.component_any_type_at(t.as_u32()) {
                    ComponentAnyTypeId::Func(id) => id,
                    // The validator rejects lifts at non-function types.
                    ComponentAnyTypeId::Resource(_)
                    | ComponentAnyTypeId::Defined(_)
                    | ComponentAnyTypeId::Instance(_)
                    | ComponentAnyTypeId::Component(_) => continue,
                },
            };
            let resolved = convert::func_type(types, id);
            match &mut self.inits[at] {
                Init::Lift { ty, .. } | Init::Lower { ty, .. } => *ty = resolved,
                Init::Import { func_ty, .. } => *func_ty = Some(resolved),
                _ => {}
            }
        }
        // Resources named by earlier imports: a later import naming one
        // again (a `use`) refers to it rather than introducing it.
        let mut known_resources = std::collections::HashSet::new();
        for init in &mut self.inits {
            if let Init::Import {
                name,
                describe,
                fixed_by_bound,
                shape,
                ..
            } = init
                && let Some(item) = types.component_item_for_import(name)
            {
                *describe = convert::describe_entity(types, &item.ty);
                *fixed_by_bound = convert::bound_default(types, &item.ty);
                *shape = Some(convert::import_shape(types, &item.ty, &mut known_resources));
            }
        }
        for (at, raw) in std::mem::take(&mut self.task_returns) {
            if let Init::Builtin(Builtin::TaskReturn { result, .. }) = &mut self.inits[at] {
                *result = raw.map(|t| convert::reader_val_type(types, t));
            }
        }
        for (at, raw) in std::mem::take(&mut self.channel_types) {
            if let Init::Builtin(Builtin::Channel { ty, .. }) = &mut self.inits[at] {
                *ty = convert::reader_val_type(types, wasmparser::ComponentValType::Type(raw));
            }
        }
        for (at, raw) in std::mem::take(&mut self.thread_start_types) {
            if let Init::Builtin(Builtin::ThreadNewIndirect { wide, .. }) = &mut self.inits[at] {
                *wide = convert::core_func_takes_i64(types, raw);
            }
        }
        ComponentDef {
            inits: self.inits,
            modules: self.modules,
            components: self.components,
            statics: convert::static_types(types),
            names: *self.names,
        }
    }
}
