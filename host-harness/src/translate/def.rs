//! The frozen description of one component, produced by `translate`.
//!
//! A component is a list of [`Init`]ialisers in binary order. Each one adds
//! exactly one entry to one index space, so instantiation
//! (`runtime::instantiate`) replays the list and indices line up with the
//! binary's. Every index space has its own index type (`crate::index`) so a
//! core function index can never be used as a component function index.

use std::sync::Arc;

use crate::engine::CoreModule;
use crate::index::{PrimaryMap, index_type};
use crate::types::{FuncType, ResourceRef, Type};

index_type! {
    /// A component function index.
    pub(crate) struct FuncIdx("func");
    /// A component instance index.
    pub(crate) struct InstanceIdx("instance");
    /// A component (definition) index.
    pub(crate) struct ComponentIdx("component");
    /// A component type index.
    pub(crate) struct TypeIdx("type");
    /// A core module index.
    pub(crate) struct ModuleIdx("module");
    /// A core instance index.
    pub(crate) struct CoreInstanceIdx("core-instance");
    /// A core function index.
    pub(crate) struct CoreFuncIdx("core-func");
    /// A core table index.
    pub(crate) struct CoreTableIdx("core-table");
    /// A core memory index.
    pub(crate) struct CoreMemoryIdx("core-memory");
    /// A core global index.
    pub(crate) struct CoreGlobalIdx("core-global");
    /// A core tag index.
    pub(crate) struct CoreTagIdx("core-tag");
    /// An entry of `ComponentDef::modules` (a module defined in this binary).
    pub(crate) struct StaticModuleIdx("static-module");
    /// An entry of `ComponentDef::components` (a nested definition).
    pub(crate) struct StaticComponentIdx("static-component");
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

/// One reference to an item: its index in its sort's space.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ItemRef {
    Func(FuncIdx),
    /// Component values are validated but not supported at run time, so
    /// no value index space is kept.
    Value,
    Type(TypeIdx),
    Instance(InstanceIdx),
    Component(ComponentIdx),
    Module(ModuleIdx),
}

impl ItemRef {
    /// The item at `index` of the space of `sort`.
    pub(crate) fn new(sort: Sort, index: u32) -> Self {
        match sort {
            Sort::Func => Self::Func(FuncIdx::from_u32(index)),
            Sort::Value => Self::Value,
            Sort::Type => Self::Type(TypeIdx::from_u32(index)),
            Sort::Instance => Self::Instance(InstanceIdx::from_u32(index)),
            Sort::Component => Self::Component(ComponentIdx::from_u32(index)),
            Sort::Module => Self::Module(ModuleIdx::from_u32(index)),
        }
    }

    /// The space the item lives in.
    pub(crate) fn sort(self) -> Sort {
        match self {
            Self::Func(_) => Sort::Func,
            Self::Value => Sort::Value,
            Self::Type(_) => Sort::Type,
            Self::Instance(_) => Sort::Instance,
            Self::Component(_) => Sort::Component,
            Self::Module(_) => Sort::Module,
        }
    }
}

/// One reference to a core item: its index in its sort's space.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CoreItemRef {
    Func(CoreFuncIdx),
    Table(CoreTableIdx),
    Memory(CoreMemoryIdx),
    Global(CoreGlobalIdx),
    Tag(CoreTagIdx),
}

impl CoreItemRef {
    /// The core item at `index` of the space of `sort`.
    pub(crate) fn new(sort: CoreSort, index: u32) -> Self {
        match sort {
            CoreSort::Func => Self::Func(CoreFuncIdx::from_u32(index)),
            CoreSort::Table => Self::Table(CoreTableIdx::from_u32(index)),
            CoreSort::Memory => Self::Memory(CoreMemoryIdx::from_u32(index)),
            CoreSort::Global => Self::Global(CoreGlobalIdx::from_u32(index)),
            CoreSort::Tag => Self::Tag(CoreTagIdx::from_u32(index)),
        }
    }
}

/// String encodings of the canonical options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// `waitable-set.new`, `.drop`, `waitable.join`, `subtask.drop`.
    WaitableSetNew,
    WaitableSetDrop,
    WaitableJoin,
    SubtaskDrop,
    /// `waitable-set.wait` (`poll`: `waitable-set.poll`), writing the
    /// event's payload into `memory`.
    WaitableSetWait {
        poll: bool,
        cancellable: bool,
        memory: CoreMemoryIdx,
    },
    /// `thread.yield`.
    ThreadYield {
        cancellable: bool,
    },
    /// `thread.index`.
    ThreadIndex,
    /// `thread.new-indirect` of the start functions in `table`; `wide`:
    /// its core function type takes an `i64` (the validator allows only
    /// `(func (param i32))` and `(func (param i64))`).
    ThreadNewIndirect {
        table: CoreTableIdx,
        wide: bool,
    },
    /// `thread.resume-later`.
    ThreadResumeLater,
    /// `thread.suspend` and the `thread.*-then-{resume,promote}` switches.
    ThreadSwitch {
        op: ThreadSwitch,
        cancellable: bool,
    },
    /// `subtask.cancel` (`is_async`: returns `BLOCKED` instead of waiting).
    SubtaskCancel {
        is_async: bool,
    },
    /// `task.cancel`.
    TaskCancel,
    /// `error-context.new` (reading the message with these options).
    ErrorContextNew(CanonOptions),
    /// `error-context.debug-message` (writing it with these options).
    ErrorContextDebugMessage(CanonOptions),
    /// `error-context.drop`.
    ErrorContextDrop,
    /// A `stream.*` or `future.*` built-in; `ty` is the `stream<T>` or
    /// `future<T>` type it names.
    Channel {
        ty: Type,
        op: ChannelOp,
    },
    /// A built-in of the async/threads proposals: loads, traps when called.
    Unsupported(String),
}

impl Builtin {
    /// Whether this is a cooperative thread built-in: an instance that
    /// defines one may switch threads, and its synchronous tasks block
    /// while other threads are ready (`concurrency::thread`).
    pub(crate) fn uses_threads(&self) -> bool {
        match self {
            Self::ThreadIndex
            | Self::ThreadNewIndirect { .. }
            | Self::ThreadResumeLater
            | Self::ThreadSwitch { .. } => true,
            Self::ResourceNew(_)
            | Self::ResourceDrop(_)
            | Self::ResourceRep(_)
            | Self::ContextGet { .. }
            | Self::ContextSet { .. }
            | Self::BackpressureInc
            | Self::BackpressureDec
            | Self::TaskReturn { .. }
            | Self::WaitableSetNew
            | Self::WaitableSetDrop
            | Self::WaitableJoin
            | Self::SubtaskDrop
            | Self::WaitableSetWait { .. }
            | Self::ThreadYield { .. }
            | Self::SubtaskCancel { .. }
            | Self::TaskCancel
            | Self::ErrorContextNew(_)
            | Self::ErrorContextDebugMessage(_)
            | Self::ErrorContextDrop
            | Self::Channel { .. }
            | Self::Unsupported(_) => false,
        }
    }
}

/// Which thread-switching built-in a [`Builtin::ThreadSwitch`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ThreadSwitch {
    Suspend,
    SuspendThenResume,
    YieldThenResume,
    SuspendThenPromote,
    YieldThenPromote,
}

/// What a `stream.*` / `future.*` built-in does.
#[derive(Debug, Clone)]
pub(crate) enum ChannelOp {
    New,
    Read(CanonOptions),
    Write(CanonOptions),
    CancelRead { is_async: bool },
    CancelWrite { is_async: bool },
    DropReadable,
    DropWritable,
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
        /// What a definition must look like (for instances, export by
        /// export), for the linker's checks.
        shape: Option<ImportShape>,
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
    /// An alias of `item` in the index spaces of the component `count`
    /// levels out (only types, modules and components).
    OuterAlias {
        count: u32,
        item: ItemRef,
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
    pub(crate) type_resources: PrimaryMap<TypeIdx, Option<ResourceRef>>,
    /// For every component instance index: the resources its exports name.
    pub(crate) instance_resources: PrimaryMap<InstanceIdx, ExportedResources>,
}

/// One import of a component, as the linker sees it.
pub(crate) struct ImportDesc<'a> {
    pub(crate) name: &'a str,
    pub(crate) describe: &'a str,
    /// See `Init::Import::fixed_by_bound`.
    pub(crate) fixed_by_bound: Option<&'a BoundDefault>,
    /// See `Init::Import::shape`.
    pub(crate) shape: Option<&'a ImportShape>,
}

/// What an import requires of its definition, as far as the linker checks
/// it.
#[derive(Debug, Clone)]
pub(crate) enum ImportShape {
    Func(FuncType),
    /// A resource type the import introduces, which must be defined.
    Resource,
    Instance(Vec<(String, ImportShape)>),
    /// A core module, which must fit this type.
    Module(super::module_shape::ModuleShape),
    /// Anything else (a type equal to a known one, a component, ...): not
    /// checked.
    Other,
}

impl ImportShape {
    /// Whether a definition must be supplied.
    pub(crate) fn required(&self) -> bool {
        match self {
            Self::Func(_) | Self::Resource | Self::Module(_) => true,
            Self::Instance(members) => members.iter().any(|(_, m)| m.required()),
            Self::Other => false,
        }
    }

    /// The kind, for messages (`Other` is never checked).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Func(_) => "func",
            Self::Resource => "resource",
            Self::Instance(_) => "instance",
            Self::Module(_) => "module",
            Self::Other => "type",
        }
    }
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
    pub(crate) modules: PrimaryMap<StaticModuleIdx, CoreModule>,
    pub(crate) components: PrimaryMap<StaticComponentIdx, Arc<ComponentDef>>,
    pub(crate) statics: StaticTypes,
    /// What the component calls its instances and functions.
    pub(crate) names: super::names::Names,
}

impl ComponentDef {
    /// The imports in declaration order.
    pub(crate) fn imports(&self) -> impl Iterator<Item = ImportDesc<'_>> {
        self.inits.iter().filter_map(|init| match init {
            Init::Import {
                name,
                describe,
                fixed_by_bound,
                shape,
                ..
            } => Some(ImportDesc {
                name,
                describe,
                fixed_by_bound: fixed_by_bound.as_ref(),
                shape: shape.as_ref(),
            }),
            _ => None,
        })
    }
}
