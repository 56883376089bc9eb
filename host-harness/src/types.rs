//! Component value types as the runtime sees them.
//!
//! `translate` converts the validator's type graph into these once per
//! component, so lifting and lowering never consult the parser again. Types
//! are immutable and shared (`Arc`), which makes cloning a `FuncType` cheap.
//! Resource types appear twice: statically as a [`ResourceRef`] (which type
//! definition in the component) and dynamically as a [`ResourceType`] (which
//! runtime resource, fresh per instantiation as the spec requires).

use std::any::TypeId;
use std::sync::Arc;

use crate::index::index_type;

/// A component-level value type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// `bool`.
    Bool,
    /// `s8`.
    S8,
    /// `u8`.
    U8,
    /// `s16`.
    S16,
    /// `u16`.
    U16,
    /// `s32`.
    S32,
    /// `u32`.
    U32,
    /// `s64`.
    S64,
    /// `u64`.
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `char`: a Unicode scalar value.
    Char,
    /// `string`.
    String,
    /// `error-context` (async proposal; loads, not carried across yet).
    ErrorContext,
    /// `list<T>`.
    List(Arc<Type>),
    /// `list<T, N>`: exactly `N` elements.
    FixedList(Arc<Type>, u32),
    /// `record`: named fields, in order.
    Record(Arc<[(String, Type)]>),
    /// `tuple<...>`.
    Tuple(Arc<[Type]>),
    /// `variant`: named cases, each with an optional payload.
    Variant(Arc<[(String, Option<Type>)]>),
    /// `enum`: named cases without payloads.
    Enum(Arc<[String]>),
    /// `option<T>`.
    Option(Arc<Type>),
    /// `result<T, E>`; either side may have no payload.
    Result {
        /// The `ok` payload, if any.
        ok: Option<Arc<Type>>,
        /// The `error` payload, if any.
        err: Option<Arc<Type>>,
    },
    /// `flags`: a set of named bits.
    Flags(Arc<[String]>),
    /// `own<R>`: an owned handle.
    Own(ResourceRef),
    /// `borrow<R>`: a handle lent for one call.
    Borrow(ResourceRef),
    /// `future<T>` (async proposal; loads, not carried across yet).
    Future(Option<Arc<Type>>),
    /// `stream<T>` (async proposal; loads, not carried across yet).
    Stream(Option<Arc<Type>>),
    /// `map<K, V>` (loads, not carried across yet).
    Map(Arc<Type>, Arc<Type>),
}

/// A function type: named parameters and an optional result.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    /// The parameters' names and types, in order.
    pub params: Arc<[(String, Type)]>,
    /// The result type, if the function has one.
    pub result: Option<Type>,
    /// Whether the function is an `async func`.
    pub is_async: bool,
}

/// A resource type as written in a component: which definition (or import)
/// it names. Resolved to a [`ResourceType`] per instance at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResourceRef(pub(crate) wasmparser::component_types::ResourceId);

/// The identity of a resource type at run time.
///
/// Host resources are identified by the Rust type that represents them;
/// guest resources by a store-unique number, fresh for every `(type
/// (resource ...))` definition evaluated during instantiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResourceType(pub(crate) ResourceTypeKind);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ResourceTypeKind {
    Host(TypeId),
    Guest(GuestResourceId),
}

index_type! {
    /// Index of a guest-defined resource type in the store.
    pub(crate) struct GuestResourceId("guest-resource");
}

impl ResourceType {
    /// The resource type represented on the host by values of type `R`.
    pub fn host<R: 'static>() -> Self {
        Self(ResourceTypeKind::Host(TypeId::of::<R>()))
    }

    /// Whether this resource is implemented by the host.
    pub fn is_host(&self) -> bool {
        match self.0 {
            ResourceTypeKind::Host(_) => true,
            ResourceTypeKind::Guest(_) => false,
        }
    }
}

impl Type {
    /// A short WIT-like rendering for error messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Bool => "bool".into(),
            Self::S8 => "s8".into(),
            Self::U8 => "u8".into(),
            Self::S16 => "s16".into(),
            Self::U16 => "u16".into(),
            Self::S32 => "s32".into(),
            Self::U32 => "u32".into(),
            Self::S64 => "s64".into(),
            Self::U64 => "u64".into(),
            Self::F32 => "f32".into(),
            Self::F64 => "f64".into(),
            Self::Char => "char".into(),
            Self::String => "string".into(),
            Self::ErrorContext => "error-context".into(),
            Self::List(t) => format!("list<{}>", t.describe()),
            Self::FixedList(t, n) => format!("list<{}, {n}>", t.describe()),
            Self::Record(fields) => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|(n, t)| format!("{n}: {}", t.describe()))
                    .collect();
                format!("record {{ {} }}", inner.join(", "))
            }
            Self::Tuple(ts) => {
                let inner: Vec<String> = ts.iter().map(Type::describe).collect();
                format!("tuple<{}>", inner.join(", "))
            }
            Self::Variant(cases) => {
                let inner: Vec<String> = cases
                    .iter()
                    .map(|(n, t)| match t {
                        Some(t) => format!("{n}({})", t.describe()),
                        None => n.clone(),
                    })
                    .collect();
                format!("variant {{ {} }}", inner.join(", "))
            }
            Self::Enum(names) => format!("enum {{ {} }}", names.join(", ")),
            Self::Option(t) => format!("option<{}>", t.describe()),
            Self::Result { ok, err } => {
                let part = |t: &Option<Arc<Type>>| t.as_ref().map_or("_".into(), |t| t.describe());
                format!("result<{}, {}>", part(ok), part(err))
            }
            Self::Flags(names) => format!("flags {{ {} }}", names.join(", ")),
            Self::Own(_) => "own<resource>".into(),
            Self::Borrow(_) => "borrow<resource>".into(),
            Self::Future(_) => "future".into(),
            Self::Stream(_) => "stream".into(),
            Self::Map(k, v) => format!("map<{}, {}>", k.describe(), v.describe()),
        }
    }
}

impl FuncType {
    /// A WIT-like rendering, e.g. `func(a: u32) -> string`.
    pub fn describe(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(n, t)| format!("{n}: {}", t.describe()))
            .collect();
        match &self.result {
            Some(r) => format!("func({}) -> {}", params.join(", "), r.describe()),
            None => format!("func({})", params.join(", ")),
        }
    }
}
