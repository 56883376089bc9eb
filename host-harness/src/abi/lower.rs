//! Lowering: [`Val`] -> core values and linear memory (CanonicalABI.md,
//! "Storing" and "Flat Lowering"). A `Val` that does not match its type is
//! a host error ([`CallError::TypeMismatch`]), not a trap.

use super::layout::{self, alignment, cases, elem_size, fields};
use super::lift::{f32_canon, f64_canon};

use super::store::{store, store_list};
use super::{Alloc, Cx, resources, strings};
use crate::engine::{CoreVal, CoreValType};
use crate::error::{CallError, Error, trap};
use crate::types::Type;
use crate::values::Val;

pub(super) fn mismatch<V>(ty: &Type, val: &Val) -> Result<V, Error> {
    Err(CallError::TypeMismatch(format!("expected a `{}`, got {val:?}", ty.describe())).into())
}

pub(crate) fn ptr_val(ptr64: bool, v: u64) -> CoreVal {
    if ptr64 {
        CoreVal::I64(v as i64)
    } else {
        CoreVal::I32(v as i32)
    }
}

/// `lower_flat_values`: lowers `vals`; if the flattening exceeds
/// `max_flat`, stores them as a tuple in memory allocated with `realloc`
/// and returns the pointer.
pub(crate) fn lower_flat_values<T>(
    cx: &mut Cx<'_, T>,
    max_flat: usize,
    vals: &[Val],
    tys: &[&Type],
) -> Result<Vec<CoreVal>, Error> {
    if vals.len() != tys.len() {
        return Err(CallError::TypeMismatch(format!(
            "expected {} values, got {}",
            tys.len(),
            vals.len()
        ))
        .into());
    }
    let ptr64 = cx.ptr64();
    if tys.iter().map(|t| layout::flat_count(t)).sum::<usize>() > max_flat {
        let tuple = Type::Tuple(tys.iter().map(|t| (*t).clone()).collect());
        let (align, size) = (alignment(&tuple, ptr64), elem_size(&tuple, ptr64));
        let ptr = cx.realloc(0, 0, align, u64::from(size), Alloc::Spill)?;
        store(cx, &Val::Tuple(vals.to_vec()), &tuple, ptr)?;
        return Ok(vec![ptr_val(ptr64, ptr)]);
    }
    let mut out = Vec::new();
    for (v, t) in vals.iter().zip(tys) {
        lower_flat(cx, v, t, &mut out)?;
    }
    Ok(out)
}

/// Lowers a call's result into the caller: flat if it fits in one core
/// value, else stored at the caller-provided `retptr`.
pub(crate) fn lower_results<T>(
    cx: &mut Cx<'_, T>,
    val: Option<&Val>,
    ty: Option<&Type>,
    retptr: Option<u64>,
) -> Result<Vec<CoreVal>, Error> {
    let (Some(val), Some(ty)) = (val, ty) else {
        return Ok(vec![]);
    };
    let ptr64 = cx.ptr64();
    let mut flat = Vec::new();
    layout::flatten(ty, ptr64, &mut flat);
    if flat.len() <= layout::MAX_FLAT_RESULTS {
        let mut out = Vec::new();
        lower_flat(cx, val, ty, &mut out)?;
        return Ok(out);
    }
    let Some(ptr) = retptr else {
        return trap("missing return pointer");
    };
    cx.check_ptr(ptr, alignment(ty, ptr64), u64::from(elem_size(ty, ptr64)))?;
    store(cx, val, ty, ptr)?;
    Ok(vec![])
}

/// Stores a result at a caller-provided pointer after checking it.
pub(crate) fn store_result<T>(
    cx: &mut Cx<'_, T>,
    val: &Val,
    ty: &Type,
    ptr: u64,
) -> Result<(), Error> {
    let ptr64 = cx.ptr64();
    cx.check_ptr(ptr, alignment(ty, ptr64), u64::from(elem_size(ty, ptr64)))?;
    store(cx, val, ty, ptr)
}

pub(crate) fn lower_flat<T>(
    cx: &mut Cx<'_, T>,
    val: &Val,
    ty: &Type,
    out: &mut Vec<CoreVal>,
) -> Result<(), Error> {
    let ptr64 = cx.ptr64();
    match (ty, val) {
        (Type::Bool, Val::Bool(b)) => out.push(CoreVal::I32(i32::from(*b))),
        (Type::S8, Val::S8(v)) => out.push(CoreVal::I32(i32::from(*v))),
        (Type::U8, Val::U8(v)) => out.push(CoreVal::I32(i32::from(*v))),
        (Type::S16, Val::S16(v)) => out.push(CoreVal::I32(i32::from(*v))),
        (Type::U16, Val::U16(v)) => out.push(CoreVal::I32(i32::from(*v))),
        (Type::S32, Val::S32(v)) => out.push(CoreVal::I32(*v)),
        (Type::U32, Val::U32(v)) => out.push(CoreVal::I32(*v as i32)),
        (Type::S64, Val::S64(v)) => out.push(CoreVal::I64(*v)),
        (Type::U64, Val::U64(v)) => out.push(CoreVal::I64(*v as i64)),
        (Type::F32, Val::Float32(f)) => out.push(CoreVal::F32(f32_canon(*f).into())),
        (Type::F64, Val::Float64(f)) => out.push(CoreVal::F64(f64_canon(*f).into())),
        (Type::Char, Val::Char(c)) => out.push(CoreVal::I32(*c as i32)),
        (Type::String, Val::String(s)) => {
            let (ptr, len) = strings::store_string(cx, s)?;
            out.extend([ptr_val(ptr64, ptr), ptr_val(ptr64, len)]);
        }
        (Type::List(elem), Val::List(vs)) => {
            let (ptr, len) = store_list(cx, vs, elem)?;
            out.extend([ptr_val(ptr64, ptr), ptr_val(ptr64, len)]);
        }
        (Type::FixedList(elem, n), Val::List(vs)) if vs.len() == *n as usize => {
            for v in vs {
                lower_flat(cx, v, elem, out)?;
            }
        }
        (Type::Record(_) | Type::Tuple(_), _) => {
            for (v, t) in record_parts(ty, val)? {
                lower_flat(cx, v, t, out)?;
            }
        }
        (Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. }, _) => {
            lower_flat_variant(cx, val, ty, out)?
        }
        (Type::Flags(names), Val::Flags(set)) => out.extend(
            flag_words(names, set, ty, val)?
                .into_iter()
                .map(|w| CoreVal::I32(w as i32)),
        ),
        (Type::Own(r), Val::Resource(any)) => {
            out.push(CoreVal::I32(resources::lower_own(cx, *any, *r)? as i32))
        }
        (Type::Borrow(r), Val::Resource(any)) => {
            out.push(CoreVal::I32(resources::lower_borrow(cx, *any, *r)? as i32))
        }
        (Type::ErrorContext | Type::Future(_) | Type::Stream(_) | Type::Map(..), _) => {
            return super::lift::unsupported(ty);
        }
        // Listed by type, so that a new value type is a compile error here.
        (
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
            | Type::List(_)
            | Type::FixedList(..)
            | Type::Flags(_)
            | Type::Own(_)
            | Type::Borrow(_),
            _,
        ) => return mismatch(ty, val),
    }
    Ok(())
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

fn lower_flat_variant<T>(
    cx: &mut Cx<'_, T>,
    val: &Val,
    ty: &Type,
    out: &mut Vec<CoreVal>,
) -> Result<(), Error> {
    let (disc, payload) = variant_parts(ty, val)?;
    let mut flat = Vec::new();
    if let (Some(v), Some(Some(t))) = (payload, cases(ty).unwrap_or_default().get(disc)) {
        lower_flat(cx, v, t, &mut flat)?;
    }
    push_case(ty, cx.ptr64(), disc, &flat, out);
    Ok(())
}

/// Pushes case `disc` of the variant-like `ty` whose payload lowered to
/// `flat`: the discriminant, then the payload widened to the joined flat
/// types and padded with zeros (CanonicalABI.md, `lower_flat_variant`).
pub(crate) fn push_case(
    ty: &Type,
    ptr64: bool,
    disc: usize,
    flat: &[CoreVal],
    out: &mut Vec<CoreVal>,
) {
    let mut joined = Vec::new();
    layout::flatten(ty, ptr64, &mut joined);
    out.push(CoreVal::I32(disc as i32));
    for (i, want) in joined.iter().skip(1).enumerate() {
        out.push(match flat.get(i) {
            Some(have) => widen(have, *want),
            None => crate::engine::default_val(want),
        });
    }
}

/// Converts a case's flat value to the variant's joined flat type.
fn widen(have: &CoreVal, want: CoreValType) -> CoreVal {
    match (have, want) {
        (CoreVal::F32(f), CoreValType::I32) => CoreVal::I32(f.to_bits() as i32),
        (CoreVal::I32(v), CoreValType::I64) => CoreVal::I64(i64::from(*v as u32)),
        (CoreVal::F32(f), CoreValType::I64) => CoreVal::I64(i64::from(f.to_bits())),
        (CoreVal::F64(f), CoreValType::I64) => CoreVal::I64(f.to_bits() as i64),
        (other, _) => other.clone(),
    }
}

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
