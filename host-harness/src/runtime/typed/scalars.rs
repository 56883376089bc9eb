//! [`ComponentValue`] for the scalar types: integers, `bool`, floats,
//! `char`, `String` and `()`.
//!
//! Each lifts and lowers itself directly (CanonicalABI.md, "Loading",
//! "Storing", "Flat Lifting", "Flat Lowering"), with the same NaN
//! canonicalisation and `char` checks as the dynamic path, and `u8` moves a
//! whole `list<u8>` as one memory copy.

#![allow(
    private_interfaces,
    reason = "the direct-ABI methods name crate-private types; see `ComponentValue`"
)]

use super::{ComponentValue, mismatch};
use crate::abi::{self, Cx, FlatIter};
use crate::engine::CoreVal;
use crate::error::Error;
use crate::types::Type;
use crate::values::Val;

const OOB: &str = "out of bounds memory access";

/// The [`Val`] side of a `ComponentValue` impl for a type that is one
/// `Val` variant and one `Type`: `typecheck`, `into_val`, `from_val` and
/// `describe`.
macro_rules! scalar_val {
    ($variant:ident / $ty:ident, $wit:literal) => {
        fn typecheck(ty: &Type) -> bool {
            matches!(ty, Type::$ty)
        }
        fn into_val(self) -> Val {
            Val::$variant(self)
        }
        fn from_val(val: Val) -> Result<Self, Error> {
            match val {
                Val::$variant(v) => Ok(v),
                other => mismatch($wit, &other),
            }
        }
        fn describe() -> String {
            $wit.into()
        }
    };
}

macro_rules! integer {
    // `$rust` is an `ident`, not a `ty`, so that `@list u8` can match it.
    ($($rust:ident => $variant:ident / $ty:ident, $wit:literal, $flat:ident as $core:ty;)*) => {$(
        impl ComponentValue for $rust {
            scalar_val!($variant / $ty, $wit);
            fn lift_flat<D>(_: &mut Cx<'_, D>, src: &mut FlatIter<'_>, _: &Type) -> Result<Self, Error> {
                // Narrowing keeps the low bits, as the spec's `wrap_i32_to_*`.
                Ok(src.$flat()? as $rust)
            }
            fn load<D>(cx: &mut Cx<'_, D>, ptr: u64, _: &Type) -> Result<Self, Error> {
                Ok(<$rust>::from_le_bytes(cx.load(ptr)?))
            }
            fn lower_flat<D>(self, _: &mut Cx<'_, D>, _: &Type, out: &mut Vec<CoreVal>) -> Result<(), Error> {
                // Widening sign-extends signed and zero-extends unsigned types.
                out.push(core_int!($flat, self as $core));
                Ok(())
            }
            fn store<D>(self, cx: &mut Cx<'_, D>, _: &Type, ptr: u64) -> Result<(), Error> {
                cx.write(ptr, &self.to_le_bytes(), OOB)
            }
            integer!(@list $rust);
        }
    )*};
    (@list u8) => {
        fn load_list<D>(cx: &mut Cx<'_, D>, ptr: u64, len: u64, elem: &Type) -> Result<Vec<u8>, Error> {
            abi::list_bounds(cx, ptr, len, elem)?;
            cx.host_bytes(ptr, len, OOB)
        }
        fn store_list<D>(vals: Vec<u8>, cx: &mut Cx<'_, D>, elem: &Type) -> Result<(u64, u64), Error> {
            let len = vals.len() as u64;
            let (ptr, _) = abi::alloc_list(cx, elem, len)?;
            cx.write(ptr, &vals, OOB)?;
            Ok((ptr, len))
        }
    };
    (@list $other:ident) => {};
}

macro_rules! core_int {
    (i32, $v:expr) => {
        CoreVal::I32($v)
    };
    (i64, $v:expr) => {
        CoreVal::I64($v)
    };
}

integer! {
    i8 => S8 / S8, "s8", i32 as i32;
    u8 => U8 / U8, "u8", i32 as i32;
    i16 => S16 / S16, "s16", i32 as i32;
    u16 => U16 / U16, "u16", i32 as i32;
    i32 => S32 / S32, "s32", i32 as i32;
    u32 => U32 / U32, "u32", i32 as i32;
    i64 => S64 / S64, "s64", i64 as i64;
    u64 => U64 / U64, "u64", i64 as i64;
}

macro_rules! float {
    ($($rust:ident => $variant:ident / $ty:ident, $wit:literal, $canon:ident, $core:ident;)*) => {$(
        impl ComponentValue for $rust {
            scalar_val!($variant / $ty, $wit);
            fn lift_flat<D>(_: &mut Cx<'_, D>, src: &mut FlatIter<'_>, _: &Type) -> Result<Self, Error> {
                Ok(abi::$canon(src.$rust()?))
            }
            fn load<D>(cx: &mut Cx<'_, D>, ptr: u64, _: &Type) -> Result<Self, Error> {
                Ok(abi::$canon(<$rust>::from_le_bytes(cx.load(ptr)?)))
            }
            fn lower_flat<D>(self, _: &mut Cx<'_, D>, _: &Type, out: &mut Vec<CoreVal>) -> Result<(), Error> {
                out.push(CoreVal::$core(abi::$canon(self).into()));
                Ok(())
            }
            fn store<D>(self, cx: &mut Cx<'_, D>, _: &Type, ptr: u64) -> Result<(), Error> {
                cx.write(ptr, &abi::$canon(self).to_le_bytes(), OOB)
            }
        }
    )*};
}

float! {
    f32 => Float32 / F32, "f32", f32_canon, F32;
    f64 => Float64 / F64, "f64", f64_canon, F64;
}

impl ComponentValue for char {
    scalar_val!(Char / Char, "char");
    fn lift_flat<D>(_: &mut Cx<'_, D>, src: &mut FlatIter<'_>, _: &Type) -> Result<Self, Error> {
        abi::char_from(src.i32()? as u32)
    }
    fn load<D>(cx: &mut Cx<'_, D>, ptr: u64, _: &Type) -> Result<Self, Error> {
        abi::char_from(u32::from_le_bytes(cx.load(ptr)?))
    }
    fn lower_flat<D>(
        self,
        _: &mut Cx<'_, D>,
        _: &Type,
        out: &mut Vec<CoreVal>,
    ) -> Result<(), Error> {
        out.push(CoreVal::I32(self as i32));
        Ok(())
    }
    fn store<D>(self, cx: &mut Cx<'_, D>, _: &Type, ptr: u64) -> Result<(), Error> {
        cx.write(ptr, &u32::from(self).to_le_bytes(), OOB)
    }
}

impl ComponentValue for bool {
    scalar_val!(Bool / Bool, "bool");
    fn lift_flat<D>(_: &mut Cx<'_, D>, src: &mut FlatIter<'_>, _: &Type) -> Result<Self, Error> {
        Ok(src.i32()? != 0)
    }
    fn load<D>(cx: &mut Cx<'_, D>, ptr: u64, _: &Type) -> Result<Self, Error> {
        Ok(cx.load::<1>(ptr)?[0] != 0)
    }
    fn lower_flat<D>(
        self,
        _: &mut Cx<'_, D>,
        _: &Type,
        out: &mut Vec<CoreVal>,
    ) -> Result<(), Error> {
        out.push(CoreVal::I32(i32::from(self)));
        Ok(())
    }
    fn store<D>(self, cx: &mut Cx<'_, D>, _: &Type, ptr: u64) -> Result<(), Error> {
        cx.write(ptr, &[u8::from(self)], OOB)
    }
}

/// Pushes a `(pointer, length)` pair as flat values.
pub(super) fn push_pair<D>(cx: &Cx<'_, D>, (ptr, len): (u64, u64), out: &mut Vec<CoreVal>) {
    let ptr64 = cx.ptr64();
    out.extend([abi::ptr_val(ptr64, ptr), abi::ptr_val(ptr64, len)]);
}

pub(super) fn pop_pair<D>(cx: &Cx<'_, D>, src: &mut FlatIter<'_>) -> Result<(u64, u64), Error> {
    let ptr64 = cx.ptr64();
    Ok((src.ptr(ptr64)?, src.ptr(ptr64)?))
}

impl ComponentValue for String {
    scalar_val!(String / String, "string");
    fn lift_flat<D>(cx: &mut Cx<'_, D>, src: &mut FlatIter<'_>, _: &Type) -> Result<Self, Error> {
        let (ptr, len) = pop_pair(cx, src)?;
        abi::load_string(cx, ptr, len)
    }
    fn load<D>(cx: &mut Cx<'_, D>, ptr: u64, _: &Type) -> Result<Self, Error> {
        let (ptr, len) = abi::load_pair(cx, ptr)?;
        abi::load_string(cx, ptr, len)
    }
    fn lower_flat<D>(
        self,
        cx: &mut Cx<'_, D>,
        _: &Type,
        out: &mut Vec<CoreVal>,
    ) -> Result<(), Error> {
        let pair = abi::store_string(cx, &self)?;
        push_pair(cx, pair, out);
        Ok(())
    }
    fn store<D>(self, cx: &mut Cx<'_, D>, _: &Type, ptr: u64) -> Result<(), Error> {
        let (p, l) = abi::store_string(cx, &self)?;
        abi::store_pair(cx, ptr, p, l)
    }
}

impl ComponentValue for () {
    const IS_UNIT: bool = true;
    fn typecheck(ty: &Type) -> bool {
        matches!(ty, Type::Tuple(ts) if ts.is_empty())
    }
    fn into_val(self) -> Val {
        Val::Tuple(Vec::new())
    }
    fn from_val(val: Val) -> Result<Self, Error> {
        match val {
            Val::Tuple(vs) if vs.is_empty() => Ok(()),
            other => mismatch("()", &other),
        }
    }
    fn describe() -> String {
        "tuple<>".into()
    }
}
