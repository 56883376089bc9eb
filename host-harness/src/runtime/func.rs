//! The public [`Func`] handle, and dropping the resources it hands out.

use super::store::AsContextMut;
use super::{FuncData, FuncId, StoreId, call};
use crate::error::{CallError, Error};
use crate::types::Type;
use crate::values::Val;

impl crate::values::ResourceAny {
    /// Drops an owned resource the host received from a guest (or made
    /// itself), running its destructor: the defining guest's `dtor`, or the
    /// host destructor registered with the linker.
    ///
    /// # Errors
    ///
    /// [`CallError::TypeMismatch`] for a borrowed handle; a trap if the
    /// destructor traps.
    pub fn resource_drop<S: AsContextMut>(self, mut store: S) -> Result<(), Error>
    where
        S::Data: 'static,
    {
        if !self.own {
            return Err(
                CallError::TypeMismatch("only owned resources can be dropped".into()).into(),
            );
        }
        let mut ctx = store.as_context_mut();
        ctx.inner.data_mut().rt.release(&self)?;
        super::builtins::run_dtor(ctx.inner, None, self.ty, self.rep)
    }
}

/// A component function in a store: an export of a guest or a host function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Func {
    pub(crate) id: FuncId,
    pub(crate) store: StoreId,
}

impl Func {
    /// Calls the function: lowers `params`, runs the callee as a Task,
    /// lifts its result into `results` and runs its `post-return`.
    ///
    /// # Errors
    ///
    /// [`CallError::TypeMismatch`] if `params` or the length of `results`
    /// do not match the function type; [`ErrorKind::Trap`](crate::ErrorKind)
    /// if the guest traps. After a trap the instance stays usable for the
    /// host but its state is whatever the guest left.
    pub fn call<S: AsContextMut>(
        &self,
        mut store: S,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error>
    where
        S::Data: 'static,
    {
        let ctx = store.as_context_mut();
        self.check_store(ctx.inner.data().rt.store_id)?;
        call::call_func_into(ctx.inner, self.id, params, results)
    }

    fn check_store(&self, store: StoreId) -> Result<(), Error> {
        if store == self.store {
            Ok(())
        } else {
            Err(CallError::WrongStore.into())
        }
    }

    /// The parameter names and types (empty for host functions whose type
    /// is not known yet, or if `store` is not this function's store).
    pub fn params<S: AsContextMut>(&self, mut store: S) -> Vec<(String, Type)> {
        let ctx = store.as_context_mut();
        if self.check_store(ctx.inner.data().rt.store_id).is_err() {
            return Vec::new();
        }
        match ctx.inner.data().rt.func(self.id) {
            FuncData::Lifted(f) => f.ty.params.to_vec(),
            FuncData::Host { ty, .. } => ty.as_ref().map(|t| t.params.to_vec()).unwrap_or_default(),
        }
    }

    /// The result types (zero or one).
    pub fn results<S: AsContextMut>(&self, mut store: S) -> Vec<Type> {
        let ctx = store.as_context_mut();
        if self.check_store(ctx.inner.data().rt.store_id).is_err() {
            return Vec::new();
        }
        match ctx.inner.data().rt.func(self.id) {
            FuncData::Lifted(f) => f.ty.result.iter().cloned().collect(),
            FuncData::Host { ty, .. } => ty
                .as_ref()
                .and_then(|t| t.result.clone())
                .into_iter()
                .collect(),
        }
    }
}
