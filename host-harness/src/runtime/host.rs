//! How the runtime holds host functions and host resource destructors:
//! boxed closures behind `Any`, since the runtime is not generic over the
//! store's data. The linker makes them, the call paths (`call`, `lower`,
//! `builtins`) run them.

use std::sync::Arc;

use super::concurrency::host_call::AsyncHost;
use super::store::StoreContextMut;
use super::typed::TypedHost;
use crate::error::Error;
use crate::values::Val;

/// A host function body: the store, the lifted arguments, and the result
/// slots to fill.
pub(crate) type HostFunc<T> =
    dyn Fn(StoreContextMut<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync;

/// A host resource destructor, given the rep of the dropped resource.
pub(crate) type HostDtor<T> =
    dyn Fn(StoreContextMut<'_, T>, u32) -> Result<(), Error> + Send + Sync;

/// A host function as the non-generic runtime holds it (behind `Any`):
/// a closure over [`Val`]s (`func_new`), a typed one (`func_wrap`), or one
/// making a future per call (`func_new_async`, `func_wrap_async`).
pub(crate) enum HostFuncBox<T: 'static> {
    Dynamic(Arc<HostFunc<T>>),
    Typed(Arc<dyn TypedHost<T>>),
    Async(Arc<AsyncHost<T>>),
}

impl<T> Clone for HostFuncBox<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Dynamic(f) => Self::Dynamic(f.clone()),
            Self::Typed(f) => Self::Typed(f.clone()),
            Self::Async(f) => Self::Async(f.clone()),
        }
    }
}

/// A host resource destructor as the runtime holds it (behind `Any`).
pub(crate) struct HostDtorBox<T: 'static>(pub(crate) Arc<HostDtor<T>>);
