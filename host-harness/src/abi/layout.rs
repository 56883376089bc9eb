//! Sizes, alignments and flattenings of value types (CanonicalABI.md,
//! "Alignment", "Element Size" and "Flattening").
//!
//! `ptr64` selects the memory64 variants, where pointers and lengths of
//! strings and lists are 8 bytes and flatten to `i64`.

use crate::engine::CoreValType;
use crate::types::Type;

pub(crate) const MAX_FLAT_PARAMS: usize = 16;
pub(crate) const MAX_FLAT_RESULTS: usize = 1;
/// How many flat parameters an `async` lowering passes as core values;
/// more go through memory.
pub(crate) const MAX_FLAT_ASYNC_PARAMS: usize = 4;

pub(crate) fn align_to(ptr: u64, alignment: u32) -> u64 {
    ptr.div_ceil(u64::from(alignment))
        .saturating_mul(u64::from(alignment))
}

/// Bytes used by a discriminant for `n` cases.
pub(crate) fn discriminant_size(n: usize) -> u32 {
    match n {
        0..=256 => 1,
        257..=65536 => 2,
        _ => 4,
    }
}

fn flags_size(n: usize) -> u32 {
    match n {
        0 => 0,
        1..=8 => 1,
        9..=16 => 2,
        _ => 4 * n.div_ceil(32) as u32,
    }
}

fn ptr_size(ptr64: bool) -> u32 {
    if ptr64 { 8 } else { 4 }
}

/// The payload types of a variant-like type, with their case count.
pub(crate) fn cases(ty: &Type) -> Option<Vec<Option<&Type>>> {
    Some(match ty {
        Type::Variant(cs) => cs.iter().map(|(_, t)| t.as_ref()).collect(),
        Type::Enum(names) => names.iter().map(|_| None).collect(),
        Type::Option(t) => vec![None, Some(&**t)],
        Type::Result { ok, err } => vec![ok.as_deref(), err.as_deref()],
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
        | Type::Flags(_)
        | Type::Own(_)
        | Type::Borrow(_)
        | Type::Future(_)
        | Type::Stream(_)
        | Type::Map(..)
        | Type::Record(_)
        | Type::Tuple(_) => return None,
    })
}

/// The field types of a record-like type.
pub(crate) fn fields(ty: &Type) -> Option<Vec<&Type>> {
    Some(match ty {
        Type::Record(fs) => fs.iter().map(|(_, t)| t).collect(),
        Type::Tuple(ts) => ts.iter().collect(),
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
        | Type::Flags(_)
        | Type::Own(_)
        | Type::Borrow(_)
        | Type::Future(_)
        | Type::Stream(_)
        | Type::Map(..)
        | Type::Variant(_)
        | Type::Enum(_)
        | Type::Option(_)
        | Type::Result { .. } => return None,
    })
}

pub(crate) fn alignment(ty: &Type, ptr64: bool) -> u32 {
    match ty {
        Type::Bool | Type::S8 | Type::U8 => 1,
        Type::S16 | Type::U16 => 2,
        Type::S32 | Type::U32 | Type::F32 | Type::Char => 4,
        Type::S64 | Type::U64 | Type::F64 => 8,
        Type::ErrorContext | Type::Own(_) | Type::Borrow(_) => 4,
        Type::Future(_) | Type::Stream(_) => 4,
        Type::String | Type::List(_) | Type::Map(..) => ptr_size(ptr64),
        Type::FixedList(t, _) => alignment(t, ptr64),
        Type::Flags(names) => match flags_size(names.len()) {
            0 | 1 => 1,
            2 => 2,
            _ => 4,
        },
        Type::Record(_) | Type::Tuple(_) => fields(ty)
            .unwrap_or_default()
            .into_iter()
            .map(|t| alignment(t, ptr64))
            .max()
            .unwrap_or(1),
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
            let cs = cases(ty).unwrap_or_default();
            let payload = cs
                .iter()
                .flatten()
                .map(|t| alignment(t, ptr64))
                .max()
                .unwrap_or(1);
            discriminant_size(cs.len()).max(payload)
        }
    }
}

pub(crate) fn elem_size(ty: &Type, ptr64: bool) -> u32 {
    // Validation keeps every component-defined type far below `u32::MAX`
    // (`translate::sizes`); the clamp only guards other callers.
    u32::try_from(elem_size_u64(ty, ptr64)).unwrap_or(u32::MAX)
}

/// [`elem_size`] without overflow: saturates at `u64::MAX`, so even a
/// fixed-length list of fixed-length lists with huge lengths has a size
/// to compare against the validation bound.
pub(crate) fn elem_size_u64(ty: &Type, ptr64: bool) -> u64 {
    match ty {
        Type::Bool | Type::S8 | Type::U8 => 1,
        Type::S16 | Type::U16 => 2,
        Type::S32 | Type::U32 | Type::F32 | Type::Char => 4,
        Type::S64 | Type::U64 | Type::F64 => 8,
        Type::ErrorContext | Type::Own(_) | Type::Borrow(_) => 4,
        Type::Future(_) | Type::Stream(_) => 4,
        Type::String | Type::List(_) | Type::Map(..) => 2 * u64::from(ptr_size(ptr64)),
        Type::FixedList(t, n) => elem_size_u64(t, ptr64).saturating_mul(u64::from(*n)),
        Type::Flags(names) => u64::from(flags_size(names.len())),
        Type::Record(_) | Type::Tuple(_) => {
            let mut s = 0u64;
            for f in fields(ty).unwrap_or_default() {
                s = align_to(s, alignment(f, ptr64)).saturating_add(elem_size_u64(f, ptr64));
            }
            align_to(s, alignment(ty, ptr64))
        }
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
            let cs = cases(ty).unwrap_or_default();
            let mut s = u64::from(discriminant_size(cs.len()));
            s = align_to(s, max_case_alignment(&cs, ptr64));
            let payload = cs
                .iter()
                .flatten()
                .map(|t| elem_size_u64(t, ptr64))
                .max()
                .unwrap_or(0);
            align_to(s.saturating_add(payload), alignment(ty, ptr64))
        }
    }
}

pub(crate) fn max_case_alignment(cases: &[Option<&Type>], ptr64: bool) -> u32 {
    cases
        .iter()
        .flatten()
        .map(|t| alignment(t, ptr64))
        .max()
        .unwrap_or(1)
}

/// The offset of each field of a record-like type.
pub(crate) fn field_offsets(ty: &Type, ptr64: bool) -> Vec<u32> {
    let mut s = 0u64;
    let mut out = Vec::new();
    for f in fields(ty).unwrap_or_default() {
        s = align_to(s, alignment(f, ptr64));
        out.push(s as u32);
        s += u64::from(elem_size(f, ptr64));
    }
    out
}

/// The offset of a variant's payload.
pub(crate) fn payload_offset(ty: &Type, ptr64: bool) -> u32 {
    let cs = cases(ty).unwrap_or_default();
    align_to(
        u64::from(discriminant_size(cs.len())),
        max_case_alignment(&cs, ptr64),
    ) as u32
}

/// The core type of pointers and lengths.
pub(crate) fn ptr_type(ptr64: bool) -> CoreValType {
    if ptr64 {
        CoreValType::I64
    } else {
        CoreValType::I32
    }
}

pub(crate) fn flatten(ty: &Type, ptr64: bool, out: &mut Vec<CoreValType>) {
    let ptr = ptr_type(ptr64);
    match ty {
        Type::Bool
        | Type::S8
        | Type::U8
        | Type::S16
        | Type::U16
        | Type::S32
        | Type::U32
        | Type::Char
        | Type::ErrorContext
        | Type::Own(_)
        | Type::Borrow(_)
        | Type::Future(_)
        | Type::Stream(_) => out.push(CoreValType::I32),
        Type::S64 | Type::U64 => out.push(CoreValType::I64),
        Type::F32 => out.push(CoreValType::F32),
        Type::F64 => out.push(CoreValType::F64),
        Type::String | Type::List(_) | Type::Map(..) => out.extend([ptr, ptr]),
        Type::FixedList(t, n) => {
            for _ in 0..*n {
                flatten(t, ptr64, out);
            }
        }
        Type::Flags(names) => out.extend(std::iter::repeat_n(
            CoreValType::I32,
            names.len().div_ceil(32),
        )),
        Type::Record(_) | Type::Tuple(_) => {
            for f in fields(ty).unwrap_or_default() {
                flatten(f, ptr64, out);
            }
        }
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
            let mut joined: Vec<CoreValType> = Vec::new();
            for case in cases(ty).unwrap_or_default().into_iter().flatten() {
                let mut flat = Vec::new();
                flatten(case, ptr64, &mut flat);
                for (i, ft) in flat.into_iter().enumerate() {
                    match joined.get_mut(i) {
                        Some(j) => *j = join(*j, ft),
                        None => joined.push(ft),
                    }
                }
            }
            out.push(CoreValType::I32);
            out.extend(joined);
        }
    }
}

fn join(a: CoreValType, b: CoreValType) -> CoreValType {
    use CoreValType as V;
    if a == b {
        a
    } else if matches!((a, b), (V::I32, V::F32) | (V::F32, V::I32)) {
        V::I32
    } else {
        V::I64
    }
}

/// How many core values `ty` flattens to (without building the list; the
/// spill checks run on every call).
pub(crate) fn flat_count(ty: &Type) -> usize {
    match ty {
        Type::String | Type::List(_) | Type::Map(..) => 2,
        Type::FixedList(t, n) => flat_count(t) * *n as usize,
        Type::Flags(names) => names.len().div_ceil(32),
        Type::Record(_) | Type::Tuple(_) => fields(ty)
            .unwrap_or_default()
            .into_iter()
            .map(flat_count)
            .sum(),
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
            let cs = cases(ty).unwrap_or_default();
            1 + cs.into_iter().flatten().map(flat_count).max().unwrap_or(0)
        }
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
        | Type::ErrorContext
        | Type::Own(_)
        | Type::Borrow(_)
        | Type::Future(_)
        | Type::Stream(_) => 1,
    }
}

pub(crate) fn flatten_all<'a>(
    tys: impl IntoIterator<Item = &'a Type>,
    ptr64: bool,
) -> Vec<CoreValType> {
    let mut out = Vec::new();
    for t in tys {
        flatten(t, ptr64, &mut out);
    }
    out
}
