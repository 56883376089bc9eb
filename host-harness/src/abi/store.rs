//! Storing values into linear memory (CanonicalABI.md, "Storing").

use super::layout::{self, alignment, cases, elem_size};
use super::scalar::lower_scalar;
use super::shape::{flag_words, mismatch, record_parts, variant_parts};
use super::{Alloc, Cx, strings};
use crate::engine::CoreVal;
use crate::error::{Error, trap};
use crate::types::Type;
use crate::values::Val;

pub(super) fn store_list<T>(
    cx: &mut Cx<'_, T>,
    vals: &[Val],
    elem: &Type,
) -> Result<(u64, u64), Error> {
    let (ptr, size) = alloc_list(cx, elem, vals.len() as u64)?;
    for (i, v) in vals.iter().enumerate() {
        store(cx, v, elem, ptr + i as u64 * size)?;
    }
    Ok((ptr, vals.len() as u64))
}

/// Allocates room for `len` elements of `elem` with the guest's
/// `realloc`; returns the address and the element size.
pub(crate) fn alloc_list<T>(
    cx: &mut Cx<'_, T>,
    elem: &Type,
    len: u64,
) -> Result<(u64, u64), Error> {
    let ptr64 = cx.ptr64();
    let size = u64::from(elem_size(elem, ptr64));
    let byte_len = size.saturating_mul(len);
    if byte_len > u64::from(u32::MAX) && !ptr64 {
        return trap("list too long");
    }
    let ptr = cx.realloc(0, 0, alignment(elem, ptr64), byte_len, Alloc::List)?;
    Ok((ptr, size))
}

/// Writes the discriminant of case `disc` of the variant-like `ty` at
/// `ptr`; returns the payload's address.
pub(crate) fn store_case<T>(
    cx: &mut Cx<'_, T>,
    ty: &Type,
    disc: usize,
    ptr: u64,
) -> Result<u64, Error> {
    const OOB: &str = "out of bounds memory access";
    let n_cases = cases(ty).map_or(0, |cs| cs.len());
    let disc_bytes = (disc as u32).to_le_bytes();
    let n = layout::discriminant_size(n_cases) as usize;
    cx.write(ptr, &disc_bytes[..n], OOB)?;
    Ok(ptr + u64::from(layout::payload_offset(ty, cx.ptr64())))
}

/// `store`: writes `val` of type `ty` at `ptr`.
pub(crate) fn store<T>(cx: &mut Cx<'_, T>, val: &Val, ty: &Type, ptr: u64) -> Result<(), Error> {
    const OOB: &str = "out of bounds memory access";
    let ptr64 = cx.ptr64();
    match (ty, val) {
        (Type::String, Val::String(s)) => {
            let (p, l) = strings::store_string(cx, s)?;
            store_pair(cx, ptr, p, l)
        }
        (Type::List(elem), Val::List(vs)) => {
            let (p, l) = store_list(cx, vs, elem)?;
            store_pair(cx, ptr, p, l)
        }
        (Type::FixedList(elem, n), Val::List(vs)) if vs.len() == *n as usize => {
            let size = u64::from(elem_size(elem, ptr64));
            for (i, v) in vs.iter().enumerate() {
                store(cx, v, elem, ptr + i as u64 * size)?;
            }
            Ok(())
        }
        (Type::Record(_) | Type::Tuple(_), _) => {
            let offsets = layout::field_offsets(ty, ptr64);
            for ((v, t), off) in record_parts(ty, val)?.into_iter().zip(offsets) {
                store(cx, v, t, ptr + u64::from(off))?;
            }
            Ok(())
        }
        (Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. }, _) => {
            let (disc, payload) = variant_parts(ty, val)?;
            let at = store_case(cx, ty, disc, ptr)?;
            if let (Some(v), Some(Some(t))) = (payload, cases(ty).unwrap_or_default().get(disc)) {
                store(cx, v, t, at)?;
            }
            Ok(())
        }
        (Type::Flags(names), Val::Flags(set)) => {
            store_flag_words(cx, ty, &flag_words(names, set, ty, val)?, ptr)
        }
        // Scalars (and any mismatched value, which `lower_scalar` rejects):
        // the flat value's bytes. Listed by type, so that a new value type
        // is a compile error here.
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
            | Type::Borrow(_)
            | Type::ErrorContext
            | Type::Future(_)
            | Type::Stream(_)
            | Type::Map(..),
            _,
        ) => {
            let bytes = match lower_scalar(cx, val, ty)? {
                CoreVal::I64(v) => v.to_le_bytes().to_vec(),
                CoreVal::F32(f) => f.to_bits().to_le_bytes().to_vec(),
                CoreVal::F64(f) => f.to_bits().to_le_bytes().to_vec(),
                CoreVal::I32(v) => v.to_le_bytes()[..elem_size(ty, ptr64) as usize].to_vec(),
                _ => return mismatch(ty, val),
            };
            cx.write(ptr, &bytes, OOB)
        }
    }
}

/// Writes the bit words of a value of the flags type `ty` at `ptr`, in as
/// many bytes as the flag count needs.
pub(crate) fn store_flag_words<T>(
    cx: &mut Cx<'_, T>,
    ty: &Type,
    words: &[u32],
    ptr: u64,
) -> Result<(), Error> {
    let size = elem_size(ty, cx.ptr64()) as usize;
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    match bytes.get(..size) {
        Some(bytes) => cx.write(ptr, bytes, "out of bounds memory access"),
        None => Err(crate::error::CallError::TypeMismatch(format!(
            "{} flag words for `{}`",
            words.len(),
            ty.describe()
        ))
        .into()),
    }
}

/// Writes the `(pointer, length)` pair of a string or list at `at`.
pub(crate) fn store_pair<T>(cx: &mut Cx<'_, T>, at: u64, ptr: u64, len: u64) -> Result<(), Error> {
    const OOB: &str = "out of bounds memory access";
    if cx.ptr64() {
        cx.write(at, &ptr.to_le_bytes(), OOB)?;
        cx.write(at + 8, &len.to_le_bytes(), OOB)
    } else {
        cx.write(at, &(ptr as u32).to_le_bytes(), OOB)?;
        cx.write(at + 4, &(len as u32).to_le_bytes(), OOB)
    }
}
