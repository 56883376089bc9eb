//! The typed embedding API: Rust types that convert to and from component
//! values ([`ComponentValue`]), [`TypedFunc`] (a [`Func`](crate::Func) whose parameter
//! and result types were checked once, up front) and the typed host
//! functions behind [`LinkerInstance::func_wrap`](crate::LinkerInstance::func_wrap).
//!
//! Each [`ComponentValue`] converts through [`Val`], and the types of this
//! crate (numbers, `bool`, `char`, strings, lists, options, results, tuples
//! and resources) also lift and lower themselves straight between guest
//! memory and Rust values (`scalars`, `compound`, `tuple`), so a typed host
//! call of those types never builds a `Val`, and a `list<u8>` moves as one
//! memory copy. `signature` holds the
//! parameter and result traits, `func` the [`TypedFunc`], `host` the typed
//! host function.

mod compound;
mod func;
mod host;
mod scalars;
mod signature;
mod tuple;

pub use func::TypedFunc;
pub(crate) use host::{LoweredCall, TypedHost, TypedHostFunc, signature_check};
pub use signature::{ComponentParams, ComponentResult};

use crate::abi::{self, Cx, FlatIter};
use crate::engine::CoreVal;
use crate::error::{CallError, Error};
use crate::types::Type;
use crate::values::Val;

fn mismatch<T>(what: &str, val: &Val) -> Result<T, Error> {
    Err(CallError::TypeMismatch(format!("expected {what}, got {val:?}")).into())
}

/// The error for a direct lift or lower asked to use a type that the
/// link-time check should have ruled out.
fn wrong_type<T>(rust: &str, ty: &Type) -> Result<T, Error> {
    Err(CallError::TypeMismatch(format!("`{rust}` cannot stand for `{}`", ty.describe())).into())
}

/// A Rust type that is also a component value type.
///
/// Only [`typecheck`](Self::typecheck), [`into_val`](Self::into_val) and
/// [`from_val`](Self::from_val) are needed; the hidden methods move values
/// directly between guest memory and Rust and default to going through
/// [`Val`]. They name crate-private ABI types, which is why the
/// `private_interfaces` lint is allowed here: outside the crate they can
/// only be inherited, never called or overridden.
#[allow(
    private_interfaces,
    reason = "the hidden direct-ABI methods name crate-private types"
)]
pub trait ComponentValue: Sized {
    /// `true` only for `()`, which stands for "no payload" in `result`.
    const IS_UNIT: bool = false;

    /// Whether values of this Rust type have component type `ty`.
    fn typecheck(ty: &Type) -> bool;

    /// Converts into a dynamic value.
    fn into_val(self) -> Val;

    /// Converts from a dynamic value.
    ///
    /// # Errors
    ///
    /// [`CallError::TypeMismatch`] if `val` has another shape.
    fn from_val(val: Val) -> Result<Self, Error>;

    /// A WIT-like name of the type, for link errors.
    fn describe() -> String {
        std::any::type_name::<Self>().to_string()
    }

    /// `lift_flat`: reads a value of type `ty` from flat core values.
    #[doc(hidden)]
    fn lift_flat<D>(cx: &mut Cx<'_, D>, src: &mut FlatIter<'_>, ty: &Type) -> Result<Self, Error> {
        Self::from_val(abi::lift_flat(cx, src, ty)?)
    }

    /// `load`: reads a value of type `ty` at `ptr`.
    #[doc(hidden)]
    fn load<D>(cx: &mut Cx<'_, D>, ptr: u64, ty: &Type) -> Result<Self, Error> {
        Self::from_val(abi::load(cx, ptr, ty)?)
    }

    /// `lower_flat`: appends the flat core values of `self` as a `ty`.
    #[doc(hidden)]
    fn lower_flat<D>(
        self,
        cx: &mut Cx<'_, D>,
        ty: &Type,
        out: &mut Vec<CoreVal>,
    ) -> Result<(), Error> {
        abi::lower_flat(cx, &self.into_val(), ty, out)
    }

    /// `store`: writes `self` as a `ty` at `ptr`.
    #[doc(hidden)]
    fn store<D>(self, cx: &mut Cx<'_, D>, ty: &Type, ptr: u64) -> Result<(), Error> {
        abi::store(cx, &self.into_val(), ty, ptr)
    }

    /// Reads `len` elements of type `elem` at `ptr` (the body of a list).
    #[doc(hidden)]
    fn load_list<D>(
        cx: &mut Cx<'_, D>,
        ptr: u64,
        len: u64,
        elem: &Type,
    ) -> Result<Vec<Self>, Error> {
        let size = abi::list_bounds(cx, ptr, len, elem)?;
        let mut out = cx.host_vec(len)?;
        for i in 0..len {
            out.push(Self::load(cx, ptr + i * size, elem)?);
        }
        Ok(out)
    }

    /// Allocates and writes the body of a list; returns `(ptr, len)`.
    #[doc(hidden)]
    fn store_list<D>(
        vals: Vec<Self>,
        cx: &mut Cx<'_, D>,
        elem: &Type,
    ) -> Result<(u64, u64), Error> {
        let len = vals.len() as u64;
        let (ptr, size) = abi::alloc_list(cx, elem, len)?;
        for (i, v) in vals.into_iter().enumerate() {
            v.store(cx, elem, ptr + i as u64 * size)?;
        }
        Ok((ptr, len))
    }
}

/// A `result` case payload: absent for `()`, else the value.
fn payload_matches<T: ComponentValue>(ty: Option<&Type>) -> bool {
    match ty {
        None => T::IS_UNIT,
        Some(t) => !T::IS_UNIT && T::typecheck(t),
    }
}

fn into_payload<T: ComponentValue>(v: T) -> Option<Box<Val>> {
    (!T::IS_UNIT).then(|| Box::new(v.into_val()))
}

fn from_payload<T: ComponentValue>(v: Option<Box<Val>>) -> Result<T, Error> {
    T::from_val(v.map_or(Val::Tuple(Vec::new()), |v| *v))
}
