//! [`TypedFunc`]: a guest export called with Rust values, its types checked
//! once when it is made.

use std::marker::PhantomData;

use super::{ComponentParams, ComponentResult};
use crate::error::{CallError, Error};
use crate::runtime::func::Func;
use crate::runtime::store::AsContextMut;
use crate::types::Type;
use crate::values::Val;

/// A [`Func`] with statically known parameter and result types.
pub struct TypedFunc<P, R> {
    func: Func,
    marker: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for TypedFunc<P, R> {}

impl Func {
    /// Checks the function's type against `P` and `R` once, so that calls
    /// through the returned [`TypedFunc`] take and return Rust values.
    ///
    /// # Errors
    ///
    /// [`CallError::TypeMismatch`] if the types differ.
    pub fn typed<P: ComponentParams, R: ComponentResult, S: AsContextMut>(
        &self,
        mut store: S,
    ) -> Result<TypedFunc<P, R>, Error> {
        let params = self.params(&mut store);
        let results = self.results(&mut store);
        if !P::typecheck(&params) || !R::typecheck(results.first()) {
            return Err(CallError::TypeMismatch(format!(
                "the function's type is ({}) -> {:?}, which does not match the Rust types",
                params
                    .iter()
                    .map(|(_, t)| t.describe())
                    .collect::<Vec<_>>()
                    .join(", "),
                results.first().map(Type::describe)
            ))
            .into());
        }
        Ok(TypedFunc {
            func: *self,
            marker: PhantomData,
        })
    }
}

impl<P: ComponentParams, R: ComponentResult> TypedFunc<P, R> {
    /// Calls the function with Rust values.
    ///
    /// # Errors
    ///
    /// As [`Func::call`].
    pub fn call<S: AsContextMut>(&self, mut store: S, params: P) -> Result<R, Error>
    where
        S::Data: 'static,
    {
        let n = self.func.results(&mut store).len();
        let mut results = vec![Val::Bool(false); n];
        self.func
            .call(&mut store, &params.into_vals(), &mut results)?;
        R::from_vals(results)
    }

    /// The untyped function.
    pub fn func(&self) -> Func {
        self.func
    }
}
