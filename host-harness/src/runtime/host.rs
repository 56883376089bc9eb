//! How the runtime holds host functions and host resource destructors:
//! boxed closures behind `Any`, since the runtime is not generic over the
//! store's data. The linker makes them, the call paths (`call`, `lower`,
//! `builtins`) run them.

use std::sync::Arc;

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
/// a closure over [`Val`]s (`func_new`) or a typed one (`func_wrap`).
pub(crate) enum HostFuncBox<T: 'static> {
    Dynamic(Arc<HostFunc<T>>),
    Typed(Arc<dyn TypedHost<T>>),
}

impl<T> Clone for HostFuncBox<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Dynamic(f) => Self::Dynamic(f.clone()),
            Self::Typed(f) => Self::Typed(f.clone()),
        }
    }
}

/// A host resource destructor as the runtime holds it (behind `Any`).
pub(crate) struct HostDtorBox<T: 'static>(pub(crate) Arc<HostDtor<T>>);
