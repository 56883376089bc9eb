//! Function signatures on the Rust side: [`ComponentParams`] (a tuple of
//! [`ComponentValue`]s) and [`ComponentResult`] (none, or one value, bare or
//! as a one-element tuple), each checked against a [`FuncType`]'s parts and
//! able to lift or lower itself directly for typed host functions.
//!
//! [`FuncType`]: crate::FuncType

use super::{ComponentValue, from_payload, into_payload, payload_matches, wrong_type};
use crate::abi::{Cx, FlatIter};
use crate::engine::CoreVal;
use crate::error::{CallError, Error};
use crate::types::Type;
use crate::values::Val;

/// A list of parameters: tuples of [`ComponentValue`]s.
#[allow(
    private_interfaces,
    reason = "the hidden direct-ABI methods name crate-private types"
)]
pub trait ComponentParams: Sized {
    /// Whether the tuple matches the function's parameters.
    fn typecheck(params: &[(String, Type)]) -> bool;
    /// The dynamic values, in order.
    fn into_vals(self) -> Vec<Val>;
    /// The tuple from dynamic values.
    ///
    /// # Errors
    ///
    /// [`CallError::TypeMismatch`] on a count or shape mismatch.
    fn from_vals(vals: Vec<Val>) -> Result<Self, Error>;
    /// The WIT-like parameter list, for link errors.
    fn describe() -> String;
    /// Lifts the parameters from flat core values.
    #[doc(hidden)]
    fn lift_flat<D>(
        cx: &mut Cx<'_, D>,
        src: &mut FlatIter<'_>,
        params: &[(String, Type)],
    ) -> Result<Self, Error>;
    /// Loads the parameters from a spilled tuple at `ptr` whose fields
    /// sit at `offsets`.
    #[doc(hidden)]
    fn load<D>(
        cx: &mut Cx<'_, D>,
        ptr: u64,
        params: &[(String, Type)],
        offsets: &[u32],
    ) -> Result<Self, Error>;
}

/// The type of parameter `i`, or a mismatch error.
fn param_ty(params: &[(String, Type)], i: usize) -> Result<&Type, Error> {
    match params.get(i) {
        Some((_, t)) => Ok(t),
        None => {
            Err(CallError::TypeMismatch(format!("too few parameters ({})", params.len())).into())
        }
    }
}

fn offset(offsets: &[u32], i: usize) -> Result<u64, Error> {
    match offsets.get(i) {
        Some(o) => Ok(u64::from(*o)),
        None => Err(CallError::TypeMismatch("too few parameter offsets".into()).into()),
    }
}

macro_rules! tuples {
    ($(($($name:ident $i:tt),*)),* $(,)?) => {$(
        #[allow(
            non_snake_case, unused_variables, unused_mut, private_interfaces,
            reason = "the type parameters name the fields, `()` binds none of them, and the \
                      direct-ABI methods name crate-private types"
        )]
        impl<$($name: ComponentValue),*> ComponentParams for ($($name,)*) {
            fn typecheck(params: &[(String, Type)]) -> bool {
                let mut it = params.iter();
                $(let ok_one = it.next().is_some_and(|(_, t)| $name::typecheck(t));
                if !ok_one { return false; })*
                it.next().is_none()
            }
            fn into_vals(self) -> Vec<Val> {
                let ($($name,)*) = self;
                vec![$($name.into_val()),*]
            }
            fn from_vals(vals: Vec<Val>) -> Result<Self, Error> {
                const N: usize = <[usize]>::len(&[$($i),*]);
                if vals.len() != N {
                    return Err(CallError::TypeMismatch(format!(
                        "expected {N} values, got {}", vals.len()
                    )).into());
                }
                let mut it = vals.into_iter();
                Ok(($($name::from_val(it.next().unwrap_or(Val::Bool(false)))?,)*))
            }
            fn describe() -> String {
                let parts: Vec<String> = vec![$($name::describe()),*];
                parts.join(", ")
            }
            fn lift_flat<Dt>(cx: &mut Cx<'_, Dt>, src: &mut FlatIter<'_>, params: &[(String, Type)]) -> Result<Self, Error> {
                Ok(($($name::lift_flat(cx, src, param_ty(params, $i)?)?,)*))
            }
            fn load<Dt>(cx: &mut Cx<'_, Dt>, ptr: u64, params: &[(String, Type)], offsets: &[u32]) -> Result<Self, Error> {
                Ok(($($name::load(cx, ptr + offset(offsets, $i)?, param_ty(params, $i)?)?,)*))
            }
        }
    )*};
}

tuples! {
    (),
    (A 0),
    (A 0, B 1),
    (A 0, B 1, C 2),
    (A 0, B 1, C 2, D 3),
    (A 0, B 1, C 2, D 3, E 4),
    (A 0, B 1, C 2, D 3, E 4, F 5),
}

/// The result of a function: `()` for none, else one [`ComponentValue`],
/// bare (`u32`) or as a one-element tuple (`(u32,)`).
#[allow(
    private_interfaces,
    reason = "the hidden direct-ABI methods name crate-private types"
)]
pub trait ComponentResult: Sized {
    /// Whether this matches the function's result type.
    fn typecheck(result: Option<&Type>) -> bool;
    /// Converts the lifted results (zero or one).
    ///
    /// # Errors
    ///
    /// [`CallError::TypeMismatch`] on a shape mismatch.
    fn from_vals(vals: Vec<Val>) -> Result<Self, Error>;
    /// The dynamic results (zero or one).
    fn into_vals(self) -> Vec<Val>;
    /// The WIT-like result type (empty for none), for link errors.
    fn describe() -> String;
    /// Lowers the result (of type `ty`) to flat core values.
    #[doc(hidden)]
    fn lower_flat<D>(
        self,
        cx: &mut Cx<'_, D>,
        ty: Option<&Type>,
        out: &mut Vec<CoreVal>,
    ) -> Result<(), Error>;
    /// Stores the result (of type `ty`) at `ptr`.
    #[doc(hidden)]
    fn store<D>(self, cx: &mut Cx<'_, D>, ty: Option<&Type>, ptr: u64) -> Result<(), Error>;
}

#[allow(
    private_interfaces,
    reason = "the hidden direct-ABI methods name crate-private types"
)]
impl<T: ComponentValue> ComponentResult for T {
    fn typecheck(result: Option<&Type>) -> bool {
        payload_matches::<T>(result)
    }
    fn from_vals(vals: Vec<Val>) -> Result<Self, Error> {
        from_payload(vals.into_iter().next().map(Box::new))
    }
    fn into_vals(self) -> Vec<Val> {
        into_payload(self).map(|v| *v).into_iter().collect()
    }
    fn describe() -> String {
        if T::IS_UNIT {
            String::new()
        } else {
            <T as ComponentValue>::describe()
        }
    }
    fn lower_flat<D>(
        self,
        cx: &mut Cx<'_, D>,
        ty: Option<&Type>,
        out: &mut Vec<CoreVal>,
    ) -> Result<(), Error> {
        match ty {
            Some(t) => ComponentValue::lower_flat(self, cx, t, out),
            None => Ok(()),
        }
    }
    fn store<D>(self, cx: &mut Cx<'_, D>, ty: Option<&Type>, ptr: u64) -> Result<(), Error> {
        match ty {
            Some(t) => ComponentValue::store(self, cx, t, ptr),
            None => Ok(()),
        }
    }
}

#[allow(
    private_interfaces,
    reason = "the hidden direct-ABI methods name crate-private types"
)]
impl<A: ComponentValue> ComponentResult for (A,) {
    fn typecheck(result: Option<&Type>) -> bool {
        result.is_some_and(A::typecheck)
    }
    fn from_vals(vals: Vec<Val>) -> Result<Self, Error> {
        match vals.into_iter().next() {
            Some(v) => Ok((A::from_val(v)?,)),
            None => Err(CallError::TypeMismatch("expected one result, got none".into()).into()),
        }
    }
    fn into_vals(self) -> Vec<Val> {
        vec![self.0.into_val()]
    }
    fn describe() -> String {
        A::describe()
    }
    fn lower_flat<D>(
        self,
        cx: &mut Cx<'_, D>,
        ty: Option<&Type>,
        out: &mut Vec<CoreVal>,
    ) -> Result<(), Error> {
        match ty {
            Some(t) => ComponentValue::lower_flat(self.0, cx, t, out),
            None => wrong_type(&A::describe(), &Type::Tuple(Vec::new().into())),
        }
    }
    fn store<D>(self, cx: &mut Cx<'_, D>, ty: Option<&Type>, ptr: u64) -> Result<(), Error> {
        match ty {
            Some(t) => ComponentValue::store(self.0, cx, t, ptr),
            None => wrong_type(&A::describe(), &Type::Tuple(Vec::new().into())),
        }
    }
}
