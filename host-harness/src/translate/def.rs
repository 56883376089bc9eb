//! The frozen description of one component, produced by `translate`.
//!
//! A component is a list of [`Init`]ialisers in binary order. Each one adds
//! exactly one entry to one index space, so instantiation
//! (`runtime::instantiate`) replays the list and indices line up with the
//! binary's. Every index space has its own newtype so a core function index
//! can never be used as a component function index.

use std::sync::Arc;

use crate::engine::CoreModule;
use crate::types::{FuncType, ResourceRef, Type};

macro_rules! index_newtypes {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub(crate) struct $name(pub(crate) u32);

        impl $name {
            pub(crate) fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

index_newtypes! {
    /// A component function index.
    FuncIdx;
    /// A component instance index.
    InstanceIdx;
    /// A component (definition) index.
    ComponentIdx;
    /// A component type index.
    TypeIdx;
    /// A core module index.
    ModuleIdx;
    /// A core instance index.
    CoreInstanceIdx;
    /// A core function index.
    CoreFuncIdx;
    /// A core memory index.
    CoreMemoryIdx;
    /// An entry of `ComponentDef::modules` (a module defined in this binary).
    StaticModuleIdx;
    /// An entry of `ComponentDef::components` (a nested definition).
    StaticComponentIdx;
}

/// The component-level sorts (`func`, `value`, `type`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sort {
    Func,
    Value,
    Type,
    Instance,
    Component,
    Module,
}

/// The core sorts that live in a component's core index spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CoreSort {
    Func,
    Table,
    Memory,
    Global,
    Tag,
}

/// One reference to an item: its sort and its index in that sort's space.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemRef {
    pub(crate) sort: Sort,
    pub(crate) index: u32,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct CoreItemRef {
    pub(crate) sort: CoreSort,
    pub(crate) index: u32,
}

/// String encodings of the canonical options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringEncoding {
    Utf8,
    Utf16,
    Latin1Utf16,
}

/// Canonical options with their core items still as indices.
#[derive(Debug, Clone)]
pub(crate) struct CanonOptions {
    pub(crate) encoding: StringEncoding,
    pub(crate) memory: Option<CoreMemoryIdx>,
    pub(crate) realloc: Option<CoreFuncIdx>,
    pub(crate) post_return: Option<CoreFuncIdx>,
    pub(crate) is_async: bool,
    pub(crate) callback: Option<CoreFuncIdx>,
}

/// A `canon` built-in that produces a core function.
#[derive(Debug, Clone)]
pub(crate) enum Builtin {
    ResourceNew(TypeIdx),
    ResourceDrop(TypeIdx),
    ResourceRep(TypeIdx),
    /// `context.get`/`context.set` of slot `slot` (`wide`: i64 values).
    ContextGet {
        slot: u32,
        wide: bool,
    },
    ContextSet {
        slot: u32,
        wide: bool,
    },
    BackpressureInc,
    BackpressureDec,
    /// `task.return` of an async-lifted export with this result type.
    TaskReturn {
        result: Option<Type>,
        options: CanonOptions,
    },
    /// A built-in of the async/threads proposals: loads, traps when called.
    Unsupported(String),
}

/// Resources reachable through an instance's exports: the path of export
/// names and the static resource they name.
pub(crate) type ExportedResources = Vec<(Vec<String>, ResourceRef)>;

/// One initialiser; see the module docs.
#[derive(Debug, Clone)]
pub(crate) enum Init {
    Import {
        name: String,
        sort: Sort,
        /// For function imports: the expected type.
        func_ty: Option<FuncType>,
        /// The expected type, rendered for "missing import" errors.
        describe: String,
        /// Set when the import's own type fixes it completely, so the
        /// linker may supply it when nothing else does.
        fixed_by_bound: Option<BoundDefault>,
    },
    /// A type definition; `resource` is set for `(type (resource ...))`.
    Type {
        resource: Option<ResourceDef>,
    },
    CoreModule(StaticModuleIdx),
    CoreInstantiate {
        module: ModuleIdx,
        args: Vec<(String, CoreInstanceIdx)>,
    },
    CoreInstanceFromExports(Vec<(String, CoreItemRef)>),
    CoreAlias {
        instance: CoreInstanceIdx,
        name: String,
        sort: CoreSort,
    },
    Component(StaticComponentIdx),
    Instantiate {
        component: ComponentIdx,
        args: Vec<(String, ItemRef)>,
    },
    InstanceFromExports(Vec<(String, ItemRef)>),
    Alias {
        instance: InstanceIdx,
        name: String,
        sort: Sort,
    },
    OuterAlias {
        count: u32,
        index: u32,
        sort: Sort,
    },
    Lift {
        core_func: CoreFuncIdx,
        ty: FuncType,
        options: CanonOptions,
    },
    Lower {
        func: FuncIdx,
        ty: FuncType,
        options: CanonOptions,
    },
    Builtin(Builtin),
    Export {
        name: String,
        item: ItemRef,
    },
}

/// A `(type (resource (rep i32) (dtor ...)))` definition.
#[derive(Debug, Clone)]
pub(crate) struct ResourceDef {
    pub(crate) dtor: Option<CoreFuncIdx>,
}

/// Static facts about the index spaces, resolved by the validator at the
/// end of the component and consulted during instantiation.
#[derive(Debug, Default)]
pub(crate) struct StaticTypes {
    /// For every type index that denotes a resource: which one.
    pub(crate) type_resources: Vec<Option<ResourceRef>>,
    /// For every component instance index: the resources its exports name.
    pub(crate) instance_resources: Vec<ExportedResources>,
}

/// One import of a component, as the linker sees it.
pub(crate) struct ImportDesc<'a> {
    pub(crate) name: &'a str,
    pub(crate) func_ty: Option<&'a FuncType>,
    pub(crate) describe: &'a str,
    /// See `Init::Import::fixed_by_bound`.
    pub(crate) fixed_by_bound: Option<&'a BoundDefault>,
}

/// An import that its type alone determines: a type bounded by `eq` to a
/// non-resource type (a world-level `record` used by an export arrives this
/// way), or an instance exporting only such types (an interface that
/// declares types and no functions). No host or other component has to
/// provide these.
#[derive(Debug, Clone)]
pub(crate) enum BoundDefault {
    Type,
    Instance(Vec<(String, BoundDefault)>),
}

/// A translated, validated component.
#[derive(Debug)]
pub(crate) struct ComponentDef {
    pub(crate) inits: Vec<Init>,
    pub(crate) modules: Vec<CoreModule>,
    pub(crate) components: Vec<Arc<ComponentDef>>,
    pub(crate) statics: StaticTypes,
}

impl ComponentDef {
    /// The imports in declaration order.
    pub(crate) fn imports(&self) -> impl Iterator<Item = ImportDesc<'_>> {
        self.inits.iter().filter_map(|init| match init {
            Init::Import {
                name,
                func_ty,
                describe,
                fixed_by_bound,
                ..
            } => Some(ImportDesc {
                name,
                func_ty: func_ty.as_ref(),
                describe,
                fixed_by_bound: fixed_by_bound.as_ref(),
            }),
            _ => None,
        })
    }
}
