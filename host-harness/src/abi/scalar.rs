//! Scalar conversions shared by the flat path and the memory path: `char`
//! validation, NaN canonicalisation, and the single core value a scalar or
//! handle lowers to (which `store` then writes as bytes).

use super::{Cx, resources, shape};
use crate::engine::CoreVal;
use crate::error::Error;
use crate::types::Type;
use crate::values::Val;

/// Reads a `char` from its code point, as the spec's `convert_i32_to_char`.
pub(crate) fn char_from(i: u32) -> Result<char, Error> {
    char::from_u32(i).ok_or_else(|| Error::trap("invalid `char` bit pattern"))
}

/// NaN canonicalisation (CanonicalABI.md, "Floating-point numbers"):
/// every NaN crossing the boundary becomes the canonical quiet NaN.
pub(crate) fn f32_canon(f: f32) -> f32 {
    if f.is_nan() {
        f32::from_bits(0x7fc0_0000)
    } else {
        f
    }
}

/// [`f32_canon`] for `f64`.
pub(crate) fn f64_canon(f: f64) -> f64 {
    if f.is_nan() {
        f64::from_bits(0x7ff8_0000_0000_0000)
    } else {
        f
    }
}

/// Lowers a value whose type flattens to one core value and owns no
/// memory: the numbers, `bool`, `char` and resource handles. `store` writes
/// these as the bytes of that core value; `lower_flat` pushes it.
///
/// # Errors
///
/// A [`CallError::TypeMismatch`](crate::CallError) for a value that does not
/// match `ty` or a `ty` that is not such a scalar; a trap for a handle the
/// instance cannot lower or a type not supported yet.
pub(crate) fn lower_scalar<T>(cx: &mut Cx<'_, T>, val: &Val, ty: &Type) -> Result<CoreVal, Error> {
    Ok(match (ty, val) {
        (Type::Bool, Val::Bool(b)) => CoreVal::I32(i32::from(*b)),
        (Type::S8, Val::S8(v)) => CoreVal::I32(i32::from(*v)),
        (Type::U8, Val::U8(v)) => CoreVal::I32(i32::from(*v)),
        (Type::S16, Val::S16(v)) => CoreVal::I32(i32::from(*v)),
        (Type::U16, Val::U16(v)) => CoreVal::I32(i32::from(*v)),
        (Type::S32, Val::S32(v)) => CoreVal::I32(*v),
        (Type::U32, Val::U32(v)) => CoreVal::I32(*v as i32),
        (Type::S64, Val::S64(v)) => CoreVal::I64(*v),
        (Type::U64, Val::U64(v)) => CoreVal::I64(*v as i64),
        (Type::F32, Val::Float32(f)) => CoreVal::F32(f32_canon(*f).into()),
        (Type::F64, Val::Float64(f)) => CoreVal::F64(f64_canon(*f).into()),
        (Type::Char, Val::Char(c)) => CoreVal::I32(*c as i32),
        (Type::Own(r), Val::Resource(any)) => {
            CoreVal::I32(resources::lower_own(cx, *any, *r)? as i32)
        }
        (Type::Borrow(r), Val::Resource(any)) => {
            CoreVal::I32(resources::lower_borrow(cx, *any, *r)? as i32)
        }
        (Type::Future(t), Val::Future(end)) | (Type::Stream(t), Val::Stream(end)) => {
            let inst = cx.inst;
            let future = matches!(ty, Type::Future(_));
            let elem = t.as_deref().cloned();
            let i = end.lower(cx.rt(), inst, future, elem)?;
            CoreVal::I32(i.as_u32() as i32)
        }
        (Type::ErrorContext, Val::ErrorContext(e)) => {
            let inst = cx.inst;
            let i = resources::lower_error_context(cx.rt(), inst, e)?;
            CoreVal::I32(i.as_u32() as i32)
        }
        (Type::ErrorContext | Type::Future(_) | Type::Stream(_) | Type::Map(..), _) => {
            return shape::unsupported(ty);
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
            | Type::Own(_)
            | Type::Borrow(_)
            | Type::String
            | Type::List(_)
            | Type::FixedList(..)
            | Type::Record(_)
            | Type::Tuple(_)
            | Type::Variant(_)
            | Type::Enum(_)
            | Type::Option(_)
            | Type::Result { .. }
            | Type::Flags(_),
            _,
        ) => return shape::mismatch(ty, val),
    })
}
