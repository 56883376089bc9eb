//! Loading values from linear memory (CanonicalABI.md, "Loading").

use super::layout::{self, alignment, cases, elem_size, fields};
use super::scalar::{char_from, f32_canon, f64_canon};
use super::shape::{flags_from_words, make_variant, unsupported};
use super::{Cx, Path, resources, strings};
use crate::error::{Error, trap};
use crate::runtime::handles::HandleIdx;
use crate::types::Type;
use crate::values::{ReadableEnd, Val};

pub(super) fn load_list<T>(
    cx: &mut Cx<'_, T>,
    ptr: u64,
    len: u64,
    elem: &Type,
) -> Result<Vec<Val>, Error> {
    let size = list_bounds(cx, ptr, len, elem)?;
    let mut out = cx.host_vec(len)?;
    for i in 0..len {
        out.push(load(cx, ptr + i * size, elem)?);
    }
    Ok(out)
}

/// Checks that a list of `len` elements at `ptr` is aligned and inside
/// memory (CanonicalABI.md, `load_list_from_range`); returns the element
/// size.
pub(crate) fn list_bounds<T>(
    cx: &Cx<'_, T>,
    ptr: u64,
    len: u64,
    elem: &Type,
) -> Result<u64, Error> {
    let ptr64 = cx.ptr64();
    let size = u64::from(elem_size(elem, ptr64));
    if !ptr.is_multiple_of(u64::from(alignment(elem, ptr64))) {
        return trap("unaligned pointer");
    }
    let total = len.checked_mul(size);
    if total.is_none_or(|t| {
        ptr.checked_add(t)
            .is_none_or(|end| end > cx.mem_len().unwrap_or(0))
    }) {
        return trap(match cx.path {
            Path::Host => "list pointer/length out of bounds of memory",
            Path::Adapter => "list content out-of-bounds",
        });
    }
    Ok(size)
}

/// Reads the `(pointer, length)` pair of a string or list stored at `ptr`.
pub(crate) fn load_pair<T>(cx: &Cx<'_, T>, ptr: u64) -> Result<(u64, u64), Error> {
    Ok(if cx.ptr64() {
        (
            u64::from_le_bytes(cx.load(ptr)?),
            u64::from_le_bytes(cx.load(ptr + 8)?),
        )
    } else {
        (
            u64::from(u32::from_le_bytes(cx.load(ptr)?)),
            u64::from(u32::from_le_bytes(cx.load(ptr + 4)?)),
        )
    })
}

/// Reads the discriminant of a variant-like value at `ptr`: the case
/// index, the case's payload type and the payload's address.
pub(crate) fn load_case<'t, T>(
    cx: &Cx<'_, T>,
    ptr: u64,
    ty: &'t Type,
) -> Result<(usize, Option<&'t Type>, u64), Error> {
    let cs = cases(ty).unwrap_or_default();
    let disc = match layout::discriminant_size(cs.len()) {
        1 => u32::from(cx.load::<1>(ptr)?[0]),
        2 => u32::from(u16::from_le_bytes(cx.load(ptr)?)),
        _ => u32::from_le_bytes(cx.load(ptr)?),
    } as usize;
    let Some(case_ty) = cs.get(disc).copied() else {
        return trap("invalid variant discriminant");
    };
    let at = ptr + u64::from(layout::payload_offset(ty, cx.ptr64()));
    Ok((disc, case_ty, at))
}

/// `load`: reads a value of type `ty` at `ptr`.
pub(crate) fn load<T>(cx: &mut Cx<'_, T>, ptr: u64, ty: &Type) -> Result<Val, Error> {
    let ptr64 = cx.ptr64();
    Ok(match ty {
        Type::Bool => Val::Bool(cx.load::<1>(ptr)?[0] != 0),
        Type::S8 => Val::S8(cx.load::<1>(ptr)?[0] as i8),
        Type::U8 => Val::U8(cx.load::<1>(ptr)?[0]),
        Type::S16 => Val::S16(i16::from_le_bytes(cx.load(ptr)?)),
        Type::U16 => Val::U16(u16::from_le_bytes(cx.load(ptr)?)),
        Type::S32 => Val::S32(i32::from_le_bytes(cx.load(ptr)?)),
        Type::U32 => Val::U32(u32::from_le_bytes(cx.load(ptr)?)),
        Type::S64 => Val::S64(i64::from_le_bytes(cx.load(ptr)?)),
        Type::U64 => Val::U64(u64::from_le_bytes(cx.load(ptr)?)),
        Type::F32 => Val::Float32(f32_canon(f32::from_le_bytes(cx.load(ptr)?))),
        Type::F64 => Val::Float64(f64_canon(f64::from_le_bytes(cx.load(ptr)?))),
        Type::Char => Val::Char(char_from(u32::from_le_bytes(cx.load(ptr)?))?),
        Type::String => {
            let (p, l) = load_pair(cx, ptr)?;
            Val::String(strings::load_string(cx, p, l)?)
        }
        Type::List(elem) => {
            let (p, l) = load_pair(cx, ptr)?;
            Val::List(load_list(cx, p, l, elem)?)
        }
        Type::FixedList(elem, n) => {
            let size = u64::from(elem_size(elem, ptr64));
            Val::List(
                (0..u64::from(*n))
                    .map(|i| load(cx, ptr + i * size, elem))
                    .collect::<Result<_, _>>()?,
            )
        }
        Type::Record(fs) => {
            let vals = load_fields(cx, ptr, ty)?;
            Val::Record(fs.iter().map(|(n, _)| n.clone()).zip(vals).collect())
        }
        Type::Tuple(_) => Val::Tuple(load_fields(cx, ptr, ty)?),
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
            let (disc, case_ty, at) = load_case(cx, ptr, ty)?;
            let value = match case_ty {
                Some(t) => Some(Box::new(load(cx, at, t)?)),
                None => None,
            };
            make_variant(ty, disc, value)?
        }
        Type::Flags(names) => flags_from_words(names, &load_flag_words(cx, ptr, ty)?),
        Type::Own(r) => Val::Resource(resources::lift_own(
            cx,
            u32::from_le_bytes(cx.load(ptr)?),
            *r,
        )?),
        Type::Borrow(r) => Val::Resource(resources::lift_borrow(
            cx,
            u32::from_le_bytes(cx.load(ptr)?),
            *r,
        )?),
        Type::Future(_) | Type::Stream(_) => {
            let i = HandleIdx::from_guest(u32::from_le_bytes(cx.load(ptr)?))?;
            let inst = cx.inst;
            let future = matches!(ty, Type::Future(_));
            let end = ReadableEnd::lift(cx.rt(), inst, i, future)?;
            if future {
                Val::Future(end)
            } else {
                Val::Stream(end)
            }
        }
        Type::ErrorContext => {
            let i = HandleIdx::from_guest(u32::from_le_bytes(cx.load(ptr)?))?;
            let inst = cx.inst;
            Val::ErrorContext(super::resources::lift_error_context(cx.rt(), inst, i)?)
        }
        Type::Map(..) => {
            return unsupported(ty);
        }
    })
}

/// Loads the bit words of the flags type `ty` stored at `ptr` (one, two
/// or four bytes per word as the flag count needs).
pub(crate) fn load_flag_words<T>(cx: &Cx<'_, T>, ptr: u64, ty: &Type) -> Result<Vec<u32>, Error> {
    let size = elem_size(ty, cx.ptr64());
    Ok(match size {
        0 => vec![],
        1 => vec![u32::from(cx.load::<1>(ptr)?[0])],
        2 => vec![u32::from(u16::from_le_bytes(cx.load(ptr)?))],
        _ => (0..u64::from(size / 4))
            .map(|i| Ok(u32::from_le_bytes(cx.load(ptr + 4 * i)?)))
            .collect::<Result<_, Error>>()?,
    })
}

/// Loads the fields of the record-like `ty` stored at `ptr`.
fn load_fields<T>(cx: &mut Cx<'_, T>, ptr: u64, ty: &Type) -> Result<Vec<Val>, Error> {
    let offsets = layout::field_offsets(ty, cx.ptr64());
    fields(ty)
        .unwrap_or_default()
        .into_iter()
        .zip(offsets)
        .map(|(t, off)| load(cx, ptr + u64::from(off), t))
        .collect()
}
