//! The structure of compound values, shared by the flat path (`lift`,
//! `lower`) and the memory path (`load`, `store`): pairing a value with its
//! type's fields or cases, flag bit sets, and the errors for values that do
//! not fit their type. Lives below all four so none of them imports another
//! for a helper.

use super::layout::fields;
use crate::error::{CallError, Error, trap};
use crate::types::Type;
use crate::values::Val;

/// The trap for value types the harness does not carry across yet.
pub(crate) fn unsupported<V>(ty: &Type) -> Result<V, Error> {
    trap(format!(
        "values of type `{}` are not supported yet",
        ty.describe()
    ))
}

/// The flag names whose bits are set in `words`.
pub(super) fn flags_from_words(names: &[String], words: &[u32]) -> Val {
    Val::Flags(
        names
            .iter()
            .enumerate()
            .filter(|(i, _)| words[i / 32] & (1 << (i % 32)) != 0)
            .map(|(_, n)| n.clone())
            .collect(),
    )
}

/// The host error for a `Val` that does not match its type.
pub(super) fn mismatch<V>(ty: &Type, val: &Val) -> Result<V, Error> {
    Err(CallError::TypeMismatch(format!("expected a `{}`, got {val:?}", ty.describe())).into())
}

/// Pairs each field value with its type, checking names and arity.
pub(super) fn record_parts<'a>(
    ty: &'a Type,
    val: &'a Val,
) -> Result<Vec<(&'a Val, &'a Type)>, Error> {
    let tys = fields(ty).unwrap_or_default();
    let vals: Vec<&Val> = match (ty, val) {
        (Type::Record(fs), Val::Record(vs))
            if vs.len() == fs.len() && vs.iter().zip(fs.iter()).all(|(a, b)| a.0 == b.0) =>
        {
            vs.iter().map(|(_, v)| v).collect()
        }
        (Type::Tuple(ts), Val::Tuple(vs)) if vs.len() == ts.len() => vs.iter().collect(),
        _ => return mismatch(ty, val),
    };
    Ok(vals.into_iter().zip(tys).collect())
}

/// The case index and payload of a variant-like value.
pub(super) fn variant_parts<'a>(
    ty: &Type,
    val: &'a Val,
) -> Result<(usize, Option<&'a Val>), Error> {
    let found = match (ty, val) {
        (Type::Variant(cs), Val::Variant(name, payload)) => cs
            .iter()
            .position(|(n, t)| n == name && t.is_some() == payload.is_some())
            .map(|i| (i, payload.as_deref())),
        (Type::Enum(names), Val::Enum(name)) => {
            names.iter().position(|n| n == name).map(|i| (i, None))
        }
        (Type::Option(_), Val::Option(None)) => Some((0, None)),
        (Type::Option(_), Val::Option(Some(v))) => Some((1, Some(&**v))),
        (Type::Result { ok, .. }, Val::Result(Ok(v))) if ok.is_some() == v.is_some() => {
            Some((0, v.as_deref()))
        }
        (Type::Result { err, .. }, Val::Result(Err(v))) if err.is_some() == v.is_some() => {
            Some((1, v.as_deref()))
        }
        _ => None,
    };
    found.map_or_else(|| mismatch(ty, val), Ok)
}

/// The bit words of the flag set `set` of the flags type `names`.
pub(super) fn flag_words(
    names: &[String],
    set: &[String],
    ty: &Type,
    val: &Val,
) -> Result<Vec<u32>, Error> {
    let mut words = vec![0u32; names.len().div_ceil(32)];
    for name in set {
        let Some(i) = names.iter().position(|n| n == name) else {
            return mismatch(ty, val);
        };
        words[i / 32] |= 1 << (i % 32);
    }
    Ok(words)
}

/// Builds the [`Val`] for case `disc` (already checked against the case
/// count) of a variant-like type.
pub(super) fn make_variant(ty: &Type, disc: usize, value: Option<Box<Val>>) -> Result<Val, Error> {
    Ok(match ty {
        Type::Variant(cs) => match cs.get(disc) {
            Some((name, _)) => Val::Variant(name.clone(), value),
            None => return trap("invalid variant discriminant"),
        },
        Type::Enum(names) => match names.get(disc) {
            Some(name) => Val::Enum(name.clone()),
            None => return trap("invalid variant discriminant"),
        },
        Type::Option(_) => Val::Option(if disc == 0 { None } else { value }),
        Type::Result { .. } => Val::Result(if disc == 0 { Ok(value) } else { Err(value) }),
        Type::Bool
        | Type::S8
        | Type::U8
        | Type::S16
        | Type::U16
        | Type::S32
        | Type::U32
        | Type::S64
        | Type::U64
        | Type::F32
        | Type::F64
        | Type::Char
        | Type::String
        | Type::ErrorContext
        | Type::List(_)
        | Type::FixedList(..)
        | Type::Record(_)
        | Type::Tuple(_)
        | Type::Flags(_)
        | Type::Own(_)
        | Type::Borrow(_)
        | Type::Future(_)
        | Type::Stream(_)
        | Type::Map(..) => {
            return Err(
                CallError::TypeMismatch(format!("`{}` has no cases", ty.describe())).into(),
            );
        }
    })
}
