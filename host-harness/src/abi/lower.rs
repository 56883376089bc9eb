//! Lowering: [`Val`] -> core values and linear memory (CanonicalABI.md,
//! "Storing" and "Flat Lowering"). A `Val` that does not match its type is
//! a host error ([`CallError::TypeMismatch`]), not a trap.

use super::layout::{self, alignment, cases, elem_size};
use super::scalar::lower_scalar;
use super::shape::{flag_words, mismatch, record_parts, variant_parts};
use super::store::{store, store_list};
use super::{Alloc, Cx, strings};
use crate::engine::{CoreVal, CoreValType};
use crate::error::{CallError, Error, trap};
use crate::types::Type;
use crate::values::Val;

/// A pointer or length as the core value of the memory's index type.
pub(crate) fn ptr_val(ptr64: bool, v: u64) -> CoreVal {
    if ptr64 {
        CoreVal::I64(v as i64)
    } else {
        CoreVal::I32(v as i32)
    }
}

/// The address a pointer-typed core value holds (the inverse of
/// [`ptr_val`]); a value of any other type reads as 0.
pub(crate) fn core_ptr(v: &CoreVal) -> u64 {
    match v {
        CoreVal::I64(v) => *v as u64,
        CoreVal::I32(v) => u64::from(*v as u32),
        _ => 0,
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
            | Type::Own(_)
            | Type::Borrow(_)
            | Type::ErrorContext
            | Type::Future(_)
            | Type::Stream(_)
            | Type::Map(..),
            _,
        ) => out.push(lower_scalar(cx, val, ty)?),
        // Listed by type, so that a new value type is a compile error here.
        (Type::String | Type::List(_) | Type::FixedList(..) | Type::Flags(_), _) => {
            return mismatch(ty, val);
        }
    }
    Ok(())
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
