//! The core module type of a component's module import, and the check that
//! a module a linker supplies fits it.
//!
//! A component can import a core module (`(import "m" (core module ...))`,
//! wasmtime's `host#simple-module`); the import's type lists the exports
//! the component may use and the imports it will supply. A module fits
//! when it exports at least those (with the same types) and imports
//! nothing the component would not supply: the module-type subtyping of
//! the component model. Types are compared as the core engine sees them;
//! memory and table limits are not compared, only that the item is one.

use std::fmt;

use wasmparser::component_types::ComponentCoreModuleTypeId;
use wasmparser::types::{EntityType, TypesRef};

use crate::engine::{CoreModule, CoreValType};

/// A core item's type, as far as a module import's type is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CoreExternShape {
    Func {
        params: Vec<CoreValType>,
        results: Vec<CoreValType>,
    },
    Global {
        content: CoreValType,
        mutable: bool,
    },
    Memory,
    Table(CoreValType),
    /// A type the core engine cannot have (a tag, a typed reference):
    /// nothing the linker supplies fits it.
    Unsupported(&'static str),
}

/// A core module type: what a module must export and may import.
#[derive(Debug, Clone)]
pub(crate) struct ModuleShape {
    pub(crate) imports: Vec<(String, String, CoreExternShape)>,
    pub(crate) exports: Vec<(String, CoreExternShape)>,
}

impl fmt::Display for CoreExternShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Func { params, results } => write!(f, "func {params:?} -> {results:?}"),
            Self::Global { content, mutable } => {
                let m = if *mutable { "mut " } else { "" };
                write!(f, "global {m}{content:?}")
            }
            Self::Memory => write!(f, "memory"),
            Self::Table(element) => write!(f, "table of {element:?}"),
            Self::Unsupported(what) => write!(f, "{what}"),
        }
    }
}

fn val_type(ty: wasmparser::ValType) -> Option<CoreValType> {
    use wasmparser::{RefType, ValType};
    Some(match ty {
        ValType::I32 => CoreValType::I32,
        ValType::I64 => CoreValType::I64,
        ValType::F32 => CoreValType::F32,
        ValType::F64 => CoreValType::F64,
        ValType::V128 => CoreValType::V128,
        ValType::Ref(r) if r == RefType::FUNCREF => CoreValType::FuncRef,
        ValType::Ref(r) if r == RefType::EXTERNREF => CoreValType::ExternRef,
        ValType::Ref(_) => return None,
    })
}

fn val_types(tys: &[wasmparser::ValType]) -> Option<Vec<CoreValType>> {
    tys.iter().map(|t| val_type(*t)).collect()
}

/// The shape of a core entity type of the validator's.
fn entity_shape(types: TypesRef<'_>, ty: &EntityType) -> CoreExternShape {
    let unsupported = CoreExternShape::Unsupported("a typed reference");
    match ty {
        EntityType::Func(id) | EntityType::FuncExact(id) => {
            match &types[*id].composite_type.inner {
                wasmparser::CompositeInnerType::Func(f) => {
                    match (val_types(f.params()), val_types(f.results())) {
                        (Some(params), Some(results)) => CoreExternShape::Func { params, results },
                        (None, _) | (_, None) => unsupported,
                    }
                }
                wasmparser::CompositeInnerType::Array(_)
                | wasmparser::CompositeInnerType::Struct(_)
                | wasmparser::CompositeInnerType::Cont(_) => {
                    CoreExternShape::Unsupported("a GC type")
                }
            }
        }
        EntityType::Global(g) => match val_type(g.content_type) {
            Some(content) => CoreExternShape::Global {
                content,
                mutable: g.mutable,
            },
            None => unsupported,
        },
        EntityType::Memory(_) => CoreExternShape::Memory,
        EntityType::Table(t) => match val_type(wasmparser::ValType::Ref(t.element_type)) {
            Some(element) => CoreExternShape::Table(element),
            None => unsupported,
        },
        EntityType::Tag(_) => CoreExternShape::Unsupported("a tag"),
    }
}

/// The shape of an item of a compiled module.
fn extern_shape(ty: &wasmi::ExternType) -> CoreExternShape {
    match ty {
        wasmi::ExternType::Func(f) => CoreExternShape::Func {
            params: f.params().to_vec(),
            results: f.results().to_vec(),
        },
        wasmi::ExternType::Global(g) => CoreExternShape::Global {
            content: g.content(),
            mutable: g.mutability().is_mut(),
        },
        wasmi::ExternType::Memory(_) => CoreExternShape::Memory,
        wasmi::ExternType::Table(t) => CoreExternShape::Table(match t.element() {
            wasmi::RefType::Func => CoreValType::FuncRef,
            wasmi::RefType::Extern => CoreValType::ExternRef,
        }),
    }
}

impl ModuleShape {
    /// The shape of the module type `id`.
    pub(crate) fn new(types: TypesRef<'_>, id: ComponentCoreModuleTypeId) -> Self {
        let ty = &types[id];
        Self {
            imports: (ty.imports.iter())
                .map(|((m, n), t)| (m.clone(), n.clone(), entity_shape(types, t)))
                .collect(),
            exports: (ty.exports.iter())
                .map(|(n, t)| (n.clone(), entity_shape(types, t)))
                .collect(),
        }
    }

    /// Whether `module` fits this type; else what does not.
    pub(crate) fn check(&self, module: &CoreModule) -> Result<(), String> {
        for (name, want) in &self.exports {
            let Some(found) = module.get_export(name) else {
                return Err(format!("the module has no export `{name}` ({want})"));
            };
            let found = extern_shape(&found);
            if found != *want {
                return Err(format!(
                    "the module's export `{name}` is a {found}, expected a {want}"
                ));
            }
        }
        for import in module.imports() {
            let (m, n) = (import.module(), import.name());
            let found = extern_shape(import.ty());
            let offered = self
                .imports
                .iter()
                .find(|(im, iname, _)| im == m && iname == n);
            match offered {
                Some((_, _, want)) if *want == found => {}
                Some((_, _, want)) => {
                    return Err(format!(
                        "the module imports `{m}` `{n}` as a {found}, but is given a {want}"
                    ));
                }
                None => {
                    return Err(format!(
                        "the module imports `{m}` `{n}`, which the component does not supply"
                    ));
                }
            }
        }
        Ok(())
    }
}
