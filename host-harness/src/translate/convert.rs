//! Converts the validator's component types into the runtime's [`Type`]s
//! and collects the static resource facts instantiation needs.

use std::sync::Arc;

use wasmparser::PrimitiveValType;
use wasmparser::component_types::{
    ComponentAnyTypeId, ComponentDefinedType, ComponentEntityType, ComponentFuncTypeId,
    ComponentInstanceTypeId, ComponentValType,
};
use wasmparser::types::TypesRef;

use super::def::{BoundDefault, ExportedResources, ImportShape, StaticTypes};
use crate::types::{FuncType, ResourceRef, Type};

pub(crate) fn func_type(types: TypesRef<'_>, id: ComponentFuncTypeId) -> FuncType {
    let f = &types[id];
    FuncType {
        params: f
            .params
            .iter()
            .map(|(name, ty)| (name.to_string(), val_type(types, ty)))
            .collect(),
        result: f.result.as_ref().map(|t| val_type(types, t)),
        is_async: f.async_,
    }
}

pub(crate) fn val_type(types: TypesRef<'_>, ty: &ComponentValType) -> Type {
    match ty {
        ComponentValType::Primitive(p) => primitive(*p),
        ComponentValType::Type(id) => defined(types, &types[*id]),
    }
}

/// Converts a value type as written in a section (types by index).
pub(crate) fn reader_val_type(types: TypesRef<'_>, ty: wasmparser::ComponentValType) -> Type {
    match ty {
        wasmparser::ComponentValType::Primitive(p) => primitive(p),
        wasmparser::ComponentValType::Type(i) => {
            defined(types, &types[types.component_defined_type_at(i)])
        }
    }
}

fn primitive(p: PrimitiveValType) -> Type {
    match p {
        PrimitiveValType::Bool => Type::Bool,
        PrimitiveValType::S8 => Type::S8,
        PrimitiveValType::U8 => Type::U8,
        PrimitiveValType::S16 => Type::S16,
        PrimitiveValType::U16 => Type::U16,
        PrimitiveValType::S32 => Type::S32,
        PrimitiveValType::U32 => Type::U32,
        PrimitiveValType::S64 => Type::S64,
        PrimitiveValType::U64 => Type::U64,
        PrimitiveValType::F32 => Type::F32,
        PrimitiveValType::F64 => Type::F64,
        PrimitiveValType::Char => Type::Char,
        PrimitiveValType::String => Type::String,
        PrimitiveValType::ErrorContext => Type::ErrorContext,
    }
}

fn arc(types: TypesRef<'_>, ty: &ComponentValType) -> Arc<Type> {
    Arc::new(val_type(types, ty))
}

fn defined(types: TypesRef<'_>, ty: &ComponentDefinedType) -> Type {
    match ty {
        ComponentDefinedType::Primitive(p) => primitive(*p),
        ComponentDefinedType::Record(r) => Type::Record(
            r.fields
                .iter()
                .map(|(n, t)| (n.to_string(), val_type(types, t)))
                .collect(),
        ),
        ComponentDefinedType::Variant(v) => Type::Variant(
            v.cases
                .iter()
                .map(|(n, c)| (n.to_string(), c.ty.as_ref().map(|t| val_type(types, t))))
                .collect(),
        ),
        ComponentDefinedType::List { element, .. } => Type::List(arc(types, element)),
        // A map is lifted and lowered as `list<tuple<K, V>>` (CanonicalABI.md).
        ComponentDefinedType::Map { key, value, .. } => Type::List(Arc::new(Type::Tuple(
            [val_type(types, key), val_type(types, value)].into(),
        ))),
        ComponentDefinedType::FixedLengthList {
            element, length, ..
        } => Type::FixedList(arc(types, element), *length),
        ComponentDefinedType::Tuple(t) => {
            Type::Tuple(t.types.iter().map(|t| val_type(types, t)).collect())
        }
        ComponentDefinedType::Flags(names) => {
            Type::Flags(names.iter().map(|n| n.to_string()).collect())
        }
        ComponentDefinedType::Enum(names) => {
            Type::Enum(names.iter().map(|n| n.to_string()).collect())
        }
        ComponentDefinedType::Option { ty, .. } => Type::Option(arc(types, ty)),
        ComponentDefinedType::Result { ok, err, .. } => Type::Result {
            ok: ok.as_ref().map(|t| arc(types, t)),
            err: err.as_ref().map(|t| arc(types, t)),
        },
        ComponentDefinedType::Own(id) => Type::Own(ResourceRef(id.resource())),
        ComponentDefinedType::Borrow(id) => Type::Borrow(ResourceRef(id.resource())),
        ComponentDefinedType::Future { ty, .. } => Type::Future(ty.as_ref().map(|t| arc(types, t))),
        ComponentDefinedType::Stream { ty, .. } => Type::Stream(ty.as_ref().map(|t| arc(types, t))),
    }
}

/// A one-line rendering of an import's type for error messages, e.g.
/// `instance { double: func(x: u32) -> u32 }`.
pub(crate) fn describe_entity(types: TypesRef<'_>, ty: &ComponentEntityType) -> String {
    match ty {
        ComponentEntityType::Func(id) => func_type(types, *id).describe(),
        ComponentEntityType::Instance(id) => {
            let exports: Vec<String> = types[*id]
                .exports
                .iter()
                .map(|(name, item)| format!("{name}: {}", describe_entity(types, &item.ty)))
                .collect();
            format!("instance {{ {} }}", exports.join(", "))
        }
        ComponentEntityType::Type {
            referenced: ComponentAnyTypeId::Resource(_),
            ..
        } => "resource".into(),
        ComponentEntityType::Type { .. } => "type".into(),
        ComponentEntityType::Module(_) => "core module".into(),
        ComponentEntityType::Component(_) => "component".into(),
        ComponentEntityType::Value(_) => "value".into(),
    }
}

/// What a definition of an import of type `ty` must be. A resource is
/// required only where it first appears: one in `known` (named by an
/// earlier import or export) is an `eq` reference to it.
pub(crate) fn import_shape(
    types: TypesRef<'_>,
    ty: &ComponentEntityType,
    known: &mut std::collections::HashSet<ResourceRef>,
) -> ImportShape {
    match ty {
        ComponentEntityType::Func(id) => ImportShape::Func(func_type(types, *id)),
        ComponentEntityType::Instance(id) => ImportShape::Instance(
            types[*id]
                .exports
                .iter()
                .map(|(name, item)| (name.to_string(), import_shape(types, &item.ty, known)))
                .collect(),
        ),
        ComponentEntityType::Type {
            referenced: ComponentAnyTypeId::Resource(r),
            ..
        } => {
            if known.insert(ResourceRef(r.resource())) {
                ImportShape::Resource
            } else {
                ImportShape::Other
            }
        }
        ComponentEntityType::Module(id) => {
            ImportShape::Module(super::module_shape::ModuleShape::new(types, *id))
        }
        ComponentEntityType::Type { .. }
        | ComponentEntityType::Component(_)
        | ComponentEntityType::Value(_) => ImportShape::Other,
    }
}

/// What the linker may supply for an import of type `ty` when nothing
/// defines it; `None` when something must (functions, resources, ...).
pub(crate) fn bound_default(types: TypesRef<'_>, ty: &ComponentEntityType) -> Option<BoundDefault> {
    match ty {
        ComponentEntityType::Type {
            referenced: ComponentAnyTypeId::Defined(_),
            ..
        } => Some(BoundDefault::Type),
        ComponentEntityType::Instance(id) => types[*id]
            .exports
            .iter()
            .map(|(name, item)| Some((name.to_string(), bound_default(types, &item.ty)?)))
            .collect::<Option<Vec<_>>>()
            .map(BoundDefault::Instance),
        ComponentEntityType::Type { .. }
        | ComponentEntityType::Func(_)
        | ComponentEntityType::Module(_)
        | ComponentEntityType::Component(_)
        | ComponentEntityType::Value(_) => None,
    }
}

/// Collects, for every type and instance index of a finished component,
/// the resources they name.
pub(crate) fn static_types(types: TypesRef<'_>) -> StaticTypes {
    let type_resources = (0..types.component_type_count())
        .map(|i| match types.component_any_type_at(i) {
            ComponentAnyTypeId::Resource(id) => Some(ResourceRef(id.resource())),
            ComponentAnyTypeId::Defined(_)
            | ComponentAnyTypeId::Func(_)
            | ComponentAnyTypeId::Instance(_)
            | ComponentAnyTypeId::Component(_) => None,
        })
        .collect();
    let instance_resources = (0..types.component_instance_count())
        .map(|i| {
            let mut out = Vec::new();
            instance_resources(types, types.component_instance_at(i), &mut vec![], &mut out);
            out
        })
        .collect();
    StaticTypes {
        type_resources,
        instance_resources,
    }
}

fn instance_resources(
    types: TypesRef<'_>,
    id: ComponentInstanceTypeId,
    path: &mut Vec<String>,
    out: &mut ExportedResources,
) {
    for (name, item) in &types[id].exports {
        path.push(name.clone());
        match &item.ty {
            ComponentEntityType::Type {
                referenced,
                created,
            } => {
                for any in [referenced, created] {
                    if let ComponentAnyTypeId::Resource(r) = any {
                        out.push((path.clone(), ResourceRef(r.resource())));
                    }
                }
            }
            ComponentEntityType::Instance(inner) => instance_resources(types, *inner, path, out),
            ComponentEntityType::Module(_)
            | ComponentEntityType::Func(_)
            | ComponentEntityType::Value(_)
            | ComponentEntityType::Component(_) => {}
        }
        path.pop();
    }
}

/// Whether core type `index` of the component is a function type whose
/// parameters are one `i64` (`thread.new-indirect`'s wide start function).
pub(crate) fn core_func_takes_i64(types: TypesRef<'_>, index: u32) -> bool {
    use wasmparser::component_types::ComponentCoreTypeId;
    match types.core_type_at_in_component(index) {
        ComponentCoreTypeId::Sub(id) => match &types[id].composite_type.inner {
            wasmparser::CompositeInnerType::Func(f) => f.params() == [wasmparser::ValType::I64],
            wasmparser::CompositeInnerType::Array(_)
            | wasmparser::CompositeInnerType::Struct(_)
            | wasmparser::CompositeInnerType::Cont(_) => false,
        },
        ComponentCoreTypeId::Module(_) => false,
    }
}
