//! The `merge_structurally_equal_types` option: named types with the same
//! structure (same kind, member names and member types, whatever the type's
//! own name) get one definition; the later ones become aliases of the first,
//! so values pass between, say, the imported and the exported copy of an
//! interface without conversion. Resources are nominal and never merge, and
//! neither does anything holding handles to different resources.

use super::Ctx;
use crate::analysis::{dealias, unalias};
use crate::id_map::IdMap;
use wit_parser::{Handle, Resolve, Type, TypeDefKind, TypeId};

/// For each merged type, the type whose definition it aliases.
pub(crate) fn merge_classes(ctx: &Ctx<'_>) -> IdMap<TypeId, TypeId> {
    let mut rep: IdMap<TypeId, TypeId> = IdMap::default();
    if !ctx.opts.merge_structurally_equal_types {
        return rep;
    }
    let resolve = ctx.resolve;
    let mut seen: Vec<TypeId> = Vec::new();
    for id in candidates(ctx) {
        let found = seen.iter().copied().find(|earlier| {
            ctx.analysis.flavors(resolve, *earlier) == ctx.analysis.flavors(resolve, id)
                && equal(resolve, &rep, &Type::Id(*earlier), &Type::Id(id))
        });
        match found {
            Some(earlier) => {
                rep.insert(id, earlier);
            }
            None => seen.push(id),
        }
    }
    rep
}

/// Named, generated, non-resource definitions, imports before exports.
fn candidates(ctx: &Ctx<'_>) -> Vec<TypeId> {
    let mut out = ctx.rendered_types();
    out.retain(|id| {
        !matches!(
            ctx.resolve.types[*id].kind,
            TypeDefKind::Resource | TypeDefKind::Type(Type::Id(_))
        )
    });
    out
}

fn find(rep: &IdMap<TypeId, TypeId>, id: TypeId) -> TypeId {
    rep.get(&id).copied().unwrap_or(id)
}

/// Whether `a` and `b` have the same structure.
fn equal(resolve: &Resolve, rep: &IdMap<TypeId, TypeId>, a: &Type, b: &Type) -> bool {
    let (a, b) = (unalias(resolve, a), unalias(resolve, b));
    let (Type::Id(a), Type::Id(b)) = (a, b) else {
        return a == b;
    };
    if find(rep, a) == find(rep, b) {
        return true;
    }
    let eq = |x: &Type, y: &Type| equal(resolve, rep, x, y);
    let opt_eq = |x: &Option<Type>, y: &Option<Type>| match (x, y) {
        (Some(x), Some(y)) => eq(x, y),
        (None, None) => true,
        _ => false,
    };
    match (&resolve.types[a].kind, &resolve.types[b].kind) {
        (TypeDefKind::Record(x), TypeDefKind::Record(y)) => {
            x.fields.len() == y.fields.len()
                && x.fields
                    .iter()
                    .zip(&y.fields)
                    .all(|(f, g)| f.name == g.name && eq(&f.ty, &g.ty))
        }
        (TypeDefKind::Variant(x), TypeDefKind::Variant(y)) => {
            x.cases.len() == y.cases.len()
                && x.cases
                    .iter()
                    .zip(&y.cases)
                    .all(|(c, d)| c.name == d.name && opt_eq(&c.ty, &d.ty))
        }
        (TypeDefKind::Enum(x), TypeDefKind::Enum(y)) => {
            x.cases.len() == y.cases.len()
                && x.cases.iter().zip(&y.cases).all(|(c, d)| c.name == d.name)
        }
        (TypeDefKind::Flags(x), TypeDefKind::Flags(y)) => {
            x.flags.len() == y.flags.len()
                && x.flags.iter().zip(&y.flags).all(|(c, d)| c.name == d.name)
        }
        (TypeDefKind::Tuple(x), TypeDefKind::Tuple(y)) => {
            x.types.len() == y.types.len() && x.types.iter().zip(&y.types).all(|(s, t)| eq(s, t))
        }
        (TypeDefKind::List(x), TypeDefKind::List(y))
        | (TypeDefKind::Option(x), TypeDefKind::Option(y)) => eq(x, y),
        (TypeDefKind::FixedLengthList(x, n), TypeDefKind::FixedLengthList(y, m)) => {
            n == m && eq(x, y)
        }
        (TypeDefKind::Map(k, v), TypeDefKind::Map(l, w)) => eq(k, l) && eq(v, w),
        (TypeDefKind::Result(x), TypeDefKind::Result(y)) => {
            opt_eq(&x.ok, &y.ok) && opt_eq(&x.err, &y.err)
        }
        (TypeDefKind::Handle(Handle::Own(x)), TypeDefKind::Handle(Handle::Own(y)))
        | (TypeDefKind::Handle(Handle::Borrow(x)), TypeDefKind::Handle(Handle::Borrow(y))) => {
            dealias(resolve, *x) == dealias(resolve, *y)
        }
        // Resources are nominal; async kinds are rejected before rendering;
        // different kinds differ.
        _ => false,
    }
}
