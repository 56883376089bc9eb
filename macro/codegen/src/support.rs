//! Up-front check that a world only uses what weft can bind.
//!
//! The async types of the component model (`future`, `stream`,
//! `error-context`) are not implemented yet (`async func` is); rejecting
//! them here, with the offending item named, keeps every later pass free of
//! "cannot happen" cases for those types.
//!
//! A named import or export of a package interface (`import primary:
//! store;`, the `implements` form) is rejected too: its component-type
//! encoding (an import name with leading byte 0x02) is newer than what the
//! component linker of the Rust toolchain decodes, so accepting it would
//! only move the failure to the link step.

use crate::error::Error;
use wit_parser::{Function, Resolve, Type, TypeDefKind, TypeId, WorldId, WorldItem, WorldKey};

/// Fails with [`Error::Unsupported`] naming the first async item found.
pub fn check_world(resolve: &Resolve, world: WorldId) -> Result<(), Error> {
    let w = &resolve.worlds[world];
    for (key, item) in w.imports.iter().chain(&w.exports) {
        match item {
            WorldItem::Interface { id, span, .. } => {
                let iface = &resolve.interfaces[*id];
                if let (WorldKey::Name(name), Some(iface_name)) = (key, &iface.name) {
                    // The item's span is not always kept; the world's is.
                    let at = if span.is_known() { *span } else { w.span };
                    return Err(Error::Unsupported(format!(
                        "{}: `{name}: {iface_name}` in world `{}` names an interface import or \
                         export (the `implements` form), which the component linker cannot \
                         decode yet; import `{iface_name}` directly or wrap it in an inline \
                         interface",
                        resolve.render_location(at),
                        w.name
                    )));
                }
                let place = format!("interface `{}`", resolve.name_world_key(key));
                for func in iface.functions.values() {
                    check_func(resolve, func, &place)?;
                }
                for (name, ty) in &iface.types {
                    if let Some(what) = async_part(resolve, &Type::Id(*ty)) {
                        return Err(unsupported(&format!(
                            "type `{name}` in {place} uses {what}"
                        )));
                    }
                }
            }
            WorldItem::Function(func) => check_func(resolve, func, &format!("world `{}`", w.name))?,
            WorldItem::Type { id, .. } => {
                if let Some(what) = async_part(resolve, &Type::Id(*id)) {
                    let name = resolve.types[*id].name.as_deref().unwrap_or("<anonymous>");
                    return Err(unsupported(&format!(
                        "type `{name}` in world `{}` uses {what}",
                        w.name
                    )));
                }
            }
        }
    }
    Ok(())
}

fn check_func(resolve: &Resolve, func: &Function, place: &str) -> Result<(), Error> {
    // `async func` itself is bound (render/imports/async_import.rs,
    // render/exports/async_glue.rs); the async types are not yet.
    for ty in func.params.iter().map(|p| &p.ty).chain(&func.result) {
        if let Some(what) = async_part(resolve, ty) {
            return Err(unsupported(&format!(
                "function `{}` in {place} uses {what}",
                func.name
            )));
        }
    }
    Ok(())
}

fn unsupported(what: &str) -> Error {
    Error::Unsupported(format!(
        "weft does not support component-model async yet: {what}"
    ))
}

/// The async feature `ty` uses, if any.
fn async_part(resolve: &Resolve, ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Id(id) => async_part_def(resolve, *id),
        Type::Bool
        | Type::U8
        | Type::U16
        | Type::U32
        | Type::U64
        | Type::S8
        | Type::S16
        | Type::S32
        | Type::S64
        | Type::F32
        | Type::F64
        | Type::Char
        | Type::String
        | Type::ErrorContext => None,
    }
}

fn async_part_def(resolve: &Resolve, id: TypeId) -> Option<&'static str> {
    let any = |tys: &mut dyn Iterator<Item = &Type>| {
        let mut found = None;
        for t in tys {
            found = found.or_else(|| async_part(resolve, t));
        }
        found
    };
    match &resolve.types[id].kind {
        TypeDefKind::Future(_) => Some("`future`"),
        TypeDefKind::Stream(_) => Some("`stream`"),
        TypeDefKind::Record(r) => any(&mut r.fields.iter().map(|f| &f.ty)),
        TypeDefKind::Tuple(t) => any(&mut t.types.iter()),
        TypeDefKind::Variant(v) => any(&mut v.cases.iter().filter_map(|c| c.ty.as_ref())),
        TypeDefKind::Result(r) => any(&mut r.ok.iter().chain(&r.err)),
        TypeDefKind::Option(t)
        | TypeDefKind::List(t)
        | TypeDefKind::FixedLengthList(t, _)
        | TypeDefKind::Type(t) => async_part(resolve, t),
        TypeDefKind::Map(k, v) => any(&mut [k, v].into_iter()),
        TypeDefKind::Resource
        | TypeDefKind::Handle(_)
        | TypeDefKind::Flags(_)
        | TypeDefKind::Enum(_)
        | TypeDefKind::Unknown => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(wit: &str) -> Result<(), Error> {
        let mut resolve = Resolve::new();
        let pkg = resolve.push_str("t.wit", wit).unwrap();
        let world = resolve.select_world(&[pkg], None).unwrap();
        check_world(&resolve, world)
    }

    #[test]
    fn async_types_are_named_and_async_funcs_accepted() {
        let err = check(
            "package a:b; interface i { f: async func() -> future<u8>; } world w { import i; }",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("function `f` in interface `a:b/i` uses `future`"),
            "{err}"
        );
        assert!(
            check("package a:b; interface i { f: async func(); } world w { import i; }").is_ok()
        );
        let err = check("package a:b; world w { export g: func(x: stream<u8>); }").unwrap_err();
        assert!(err.to_string().contains("`stream`"), "{err}");
        assert!(check("package a:b; world w { export g: func(x: list<u8>) -> string; }").is_ok());
    }
}
