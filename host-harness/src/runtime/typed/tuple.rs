//! [`ComponentValue`] for Rust tuples of two to six values, standing for
//! WIT `tuple<...>`. Each lifts and lowers itself field by field through the
//! fields' own direct methods, at the field offsets of the tuple's layout.
//!
//! `()` (the empty tuple, which stands for "no payload") lives with the
//! scalars, and one-element tuples are left out: `(T,)` already means "a
//! single result `T`" to [`ComponentResult`](super::ComponentResult).

#![allow(
    private_interfaces,
    reason = "the direct-ABI methods name crate-private types; see `ComponentValue`"
)]

use super::{ComponentValue, mismatch, wrong_type};
use crate::abi::{Cx, FlatIter, layout};
use crate::engine::CoreVal;
use crate::error::Error;
use crate::types::Type;
use crate::values::Val;

/// The field types of the tuple type `ty`, checked to number `n`.
fn fields(ty: &Type, n: usize) -> Result<&[Type], Error> {
    match ty {
        Type::Tuple(ts) if ts.len() == n => Ok(ts),
        other => wrong_type(&format!("a {n}-tuple"), other),
    }
}

macro_rules! tuples {
    ($($n:literal: ($($name:ident $i:tt),*);)*) => {$(
        #[allow(non_snake_case, reason = "the type parameters name the fields")]
        impl<$($name: ComponentValue),*> ComponentValue for ($($name,)*) {
            fn typecheck(ty: &Type) -> bool {
                matches!(ty, Type::Tuple(ts) if ts.len() == $n $(&& $name::typecheck(&ts[$i]))*)
            }
            fn into_val(self) -> Val {
                let ($($name,)*) = self;
                Val::Tuple(vec![$($name.into_val()),*])
            }
            fn from_val(val: Val) -> Result<Self, Error> {
                match val {
                    Val::Tuple(vs) if vs.len() == $n => {
                        let mut it = vs.into_iter();
                        Ok(($($name::from_val(it.next().unwrap_or(Val::Bool(false)))?,)*))
                    }
                    other => mismatch(concat!("a ", $n, "-tuple"), &other),
                }
            }
            fn describe() -> String {
                let parts: Vec<String> = vec![$($name::describe()),*];
                format!("tuple<{}>", parts.join(", "))
            }
            fn lift_flat<Dt>(cx: &mut Cx<'_, Dt>, src: &mut FlatIter<'_>, ty: &Type) -> Result<Self, Error> {
                let ts = fields(ty, $n)?;
                Ok(($($name::lift_flat(cx, src, &ts[$i])?,)*))
            }
            fn load<Dt>(cx: &mut Cx<'_, Dt>, ptr: u64, ty: &Type) -> Result<Self, Error> {
                let ts = fields(ty, $n)?;
                let offsets = layout::field_offsets(ty, cx.ptr64());
                Ok(($($name::load(cx, ptr + u64::from(offsets[$i]), &ts[$i])?,)*))
            }
            fn lower_flat<Dt>(self, cx: &mut Cx<'_, Dt>, ty: &Type, out: &mut Vec<CoreVal>) -> Result<(), Error> {
                let ts = fields(ty, $n)?;
                let ($($name,)*) = self;
                $($name.lower_flat(cx, &ts[$i], out)?;)*
                Ok(())
            }
            fn store<Dt>(self, cx: &mut Cx<'_, Dt>, ty: &Type, ptr: u64) -> Result<(), Error> {
                let ts = fields(ty, $n)?;
                let offsets = layout::field_offsets(ty, cx.ptr64());
                let ($($name,)*) = self;
                $($name.store(cx, &ts[$i], ptr + u64::from(offsets[$i]))?;)*
                Ok(())
            }
        }
    )*};
}

tuples! {
    2: (A 0, B 1);
    3: (A 0, B 1, C 2);
    4: (A 0, B 1, C 2, D 3);
    5: (A 0, B 1, C 2, D 3, E 4);
    6: (A 0, B 1, C 2, D 3, E 4, F 5);
}
