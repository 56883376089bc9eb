//! Lifting: core values and linear memory -> [`Val`] (CanonicalABI.md,
//! "Loading" and "Flat Lifting").

use super::layout::{self, alignment, cases, elem_size};
use super::load::{load, load_list};
use super::scalar::{char_from, f32_canon, f64_canon};
use super::shape::{flags_from_words, make_variant, unsupported};
use super::{Cx, resources, strings};
use crate::engine::{CoreVal, CoreValType};
use crate::error::{Error, trap};
use crate::runtime::handles::HandleIdx;
use crate::types::Type;
use crate::values::{ReadableEnd, Val};

/// Flat core values consumed left to right.
pub(crate) struct FlatIter<'v> {
    vals: &'v [CoreVal],
    pos: usize,
}

impl<'v> FlatIter<'v> {
    pub(crate) fn new(vals: &'v [CoreVal]) -> Self {
        Self { vals, pos: 0 }
    }

    pub(crate) fn next(&mut self) -> Result<CoreVal, Error> {
        let v = self.vals.get(self.pos).cloned();
        self.pos += 1;
        v.ok_or_else(|| Error::trap("too few core values for the lifted type"))
    }

    pub(crate) fn i32(&mut self) -> Result<i32, Error> {
        match self.next()? {
            CoreVal::I32(v) => Ok(v),
            _ => trap("expected an i32 core value"),
        }
    }

    pub(crate) fn i64(&mut self) -> Result<i64, Error> {
        match self.next()? {
            CoreVal::I64(v) => Ok(v),
            _ => trap("expected an i64 core value"),
        }
    }

    pub(crate) fn f32(&mut self) -> Result<f32, Error> {
        match self.next()? {
            CoreVal::F32(f) => Ok(f.to_float()),
            _ => trap("expected an f32 core value"),
        }
    }

    pub(crate) fn f64(&mut self) -> Result<f64, Error> {
        match self.next()? {
            CoreVal::F64(f) => Ok(f.to_float()),
            _ => trap("expected an f64 core value"),
        }
    }

    pub(crate) fn ptr(&mut self, ptr64: bool) -> Result<u64, Error> {
        if ptr64 {
            Ok(self.i64()? as u64)
        } else {
            Ok(u64::from(self.i32()? as u32))
        }
    }
}

/// `lift_flat_values`: lifts `tys` from `flat`, which holds a single
/// pointer to a spilled tuple when the flattening exceeds `max_flat`.
pub(crate) fn lift_flat_values<T>(
    cx: &mut Cx<'_, T>,
    max_flat: usize,
    flat: &[CoreVal],
    tys: &[&Type],
) -> Result<Vec<Val>, Error> {
    let ptr64 = cx.ptr64();
    let mut it = FlatIter::new(flat);
    if tys.iter().map(|t| layout::flat_count(t)).sum::<usize>() > max_flat {
        let tuple = Type::Tuple(tys.iter().map(|t| (*t).clone()).collect());
        let ptr = it.ptr(ptr64)?;
        cx.check_ptr(
            ptr,
            alignment(&tuple, ptr64),
            u64::from(elem_size(&tuple, ptr64)),
        )?;
        let Val::Tuple(vals) = load(cx, ptr, &tuple)? else {
            unreachable!("a tuple type loads as a tuple")
        };
        return Ok(vals);
    }
    tys.iter().map(|t| lift_flat(cx, &mut it, t)).collect()
}

/// Lifts a function's results (at most one type) from its core results.
pub(crate) fn lift_results<T>(
    cx: &mut Cx<'_, T>,
    flat: &[CoreVal],
    ty: Option<&Type>,
) -> Result<Option<Val>, Error> {
    let Some(ty) = ty else { return Ok(None) };
    if layout::flat_count(ty) <= layout::MAX_FLAT_RESULTS {
        // The common case, lifted without the spill path's vector: this
        // runs on every call that returns a value.
        return lift_flat(cx, &mut FlatIter::new(flat), ty).map(Some);
    }
    let vals = lift_flat_values(cx, layout::MAX_FLAT_RESULTS, flat, &[ty])?;
    Ok(vals.into_iter().next())
}

pub(crate) fn lift_flat<T>(
    cx: &mut Cx<'_, T>,
    it: &mut FlatIter<'_>,
    ty: &Type,
) -> Result<Val, Error> {
    Ok(match ty {
        Type::Bool => Val::Bool(it.i32()? != 0),
        Type::S8 => Val::S8(it.i32()? as i8),
        Type::U8 => Val::U8(it.i32()? as u8),
        Type::S16 => Val::S16(it.i32()? as i16),
        Type::U16 => Val::U16(it.i32()? as u16),
        Type::S32 => Val::S32(it.i32()?),
        Type::U32 => Val::U32(it.i32()? as u32),
        Type::S64 => Val::S64(it.i64()?),
        Type::U64 => Val::U64(it.i64()? as u64),
        Type::F32 => Val::Float32(f32_canon(it.f32()?)),
        Type::F64 => Val::Float64(f64_canon(it.f64()?)),
        Type::Char => Val::Char(char_from(it.i32()? as u32)?),
        Type::String => {
            let ptr64 = cx.ptr64();
            let (ptr, len) = (it.ptr(ptr64)?, it.ptr(ptr64)?);
            Val::String(strings::load_string(cx, ptr, len)?)
        }
        Type::List(elem) => {
            let ptr64 = cx.ptr64();
            let (ptr, len) = (it.ptr(ptr64)?, it.ptr(ptr64)?);
            Val::List(load_list(cx, ptr, len, elem)?)
        }
        Type::FixedList(elem, n) => Val::List(
            (0..*n)
                .map(|_| lift_flat(cx, it, elem))
                .collect::<Result<_, _>>()?,
        ),
        Type::Record(fs) => Val::Record(
            fs.iter()
                .map(|(n, t)| Ok((n.clone(), lift_flat(cx, it, t)?)))
                .collect::<Result<_, Error>>()?,
        ),
        Type::Tuple(ts) => Val::Tuple(
            ts.iter()
                .map(|t| lift_flat(cx, it, t))
                .collect::<Result<_, _>>()?,
        ),
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
            lift_flat_variant(cx, it, ty)?
        }
        Type::Flags(names) => {
            let words: Vec<u32> = (0..names.len().div_ceil(32))
                .map(|_| Ok(it.i32()? as u32))
                .collect::<Result<_, Error>>()?;
            flags_from_words(names, &words)
        }
        Type::Own(r) => Val::Resource(resources::lift_own(cx, it.i32()? as u32, *r)?),
        Type::Borrow(r) => Val::Resource(resources::lift_borrow(cx, it.i32()? as u32, *r)?),
        Type::Future(_) => {
            let i = HandleIdx::from_guest(it.i32()? as u32)?;
            let inst = cx.inst;
            Val::Future(ReadableEnd::lift(cx.rt(), inst, i, true)?)
        }
        Type::Stream(_) => {
            let i = HandleIdx::from_guest(it.i32()? as u32)?;
            let inst = cx.inst;
            Val::Stream(ReadableEnd::lift(cx.rt(), inst, i, false)?)
        }
        Type::ErrorContext => {
            let i = HandleIdx::from_guest(it.i32()? as u32)?;
            let inst = cx.inst;
            Val::ErrorContext(resources::lift_error_context(cx.rt(), inst, i)?)
        }
        Type::Map(..) => {
            return unsupported(ty);
        }
    })
}

fn lift_flat_variant<T>(
    cx: &mut Cx<'_, T>,
    it: &mut FlatIter<'_>,
    ty: &Type,
) -> Result<Val, Error> {
    let (disc, case_ty, flat) = flat_case(cx, it, ty)?;
    let value = match case_ty {
        None => None,
        Some(t) => Some(Box::new(lift_flat(cx, &mut FlatIter::new(&flat), t)?)),
    };
    make_variant(ty, disc, value)
}

/// Reads a variant-like value's discriminant and its case's payload from
/// the joined flat values, converted back to the case's own flat types
/// (CanonicalABI.md, "Flat Lifting", `lift_flat_variant`).
pub(crate) fn flat_case<'t, T>(
    cx: &Cx<'_, T>,
    it: &mut FlatIter<'_>,
    ty: &'t Type,
) -> Result<(usize, Option<&'t Type>, Vec<CoreVal>), Error> {
    let ptr64 = cx.ptr64();
    let mut joined = Vec::new();
    layout::flatten(ty, ptr64, &mut joined);
    let disc = it.i32()? as u32 as usize;
    let payload: Vec<CoreVal> = (1..joined.len())
        .map(|_| it.next())
        .collect::<Result<_, _>>()?;
    let cs = cases(ty).unwrap_or_default();
    let Some(case_ty) = cs.get(disc).copied() else {
        return trap("invalid variant discriminant");
    };
    let mut want = Vec::new();
    if let Some(t) = case_ty {
        layout::flatten(t, ptr64, &mut want);
    }
    let coerced = want
        .iter()
        .zip(&payload)
        .map(|(w, have)| coerce(have, *w))
        .collect();
    Ok((disc, case_ty, coerced))
}

/// Reinterprets a joined flat value as the case's own flat type.
fn coerce(have: &CoreVal, want: CoreValType) -> CoreVal {
    match (have, want) {
        (CoreVal::I32(v), CoreValType::F32) => CoreVal::F32(f32::from_bits(*v as u32).into()),
        (CoreVal::I64(v), CoreValType::I32) => CoreVal::I32(*v as i32),
        (CoreVal::I64(v), CoreValType::F32) => {
            CoreVal::F32(f32::from_bits(*v as u64 as u32).into())
        }
        (CoreVal::I64(v), CoreValType::F64) => CoreVal::F64(f64::from_bits(*v as u64).into()),
        (other, _) => other.clone(),
    }
}
