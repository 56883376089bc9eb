//! Registers the WASI host in a [`Linker`]: every function a typed
//! [`func_wrap`](LinkerInstance::func_wrap) closure over the WIT values of
//! `values` and `fs_values`, calling the plain Rust behaviour in the
//! sibling modules.
//!
//! Everything is registered under the 0.2.12 interface names of the WIT in
//! `shared/wit/wasi-0.2`; the linker's semver matching lets guests that
//! import any earlier 0.2.x version (Rust 1.95's std imports 0.2.6) link.

mod cli;
mod filesystem;
mod fs_values;
mod io;
mod values;
#[cfg(test)]
mod values_tests;

use crate::{
    ComponentParams, ComponentResult, Error, Linker, LinkerInstance, ResourceType, StoreContextMut,
};

use super::table::Rep;

use super::WasiCtx;

/// The WASI version every interface is registered under.
pub(super) const VERSION: &str = "0.2.12";

/// Gives host functions access to the [`WasiCtx`] inside a store's data.
pub trait WasiView {
    /// The WASI state of this store.
    fn ctx(&mut self) -> &mut WasiCtx;
}

impl WasiView for WasiCtx {
    fn ctx(&mut self) -> &mut WasiCtx {
        self
    }
}

/// Adds every WASI 0.2 interface this host implements to `linker`.
///
/// # Errors
/// When `linker` already defines one of the names.
pub fn add_to_linker<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    io::add_to_linker(linker)?;
    cli::add_to_linker(linker)?;
    filesystem::add_to_linker(linker)?;
    Ok(())
}

/// The linker instance for `wasi:<package>/<interface>@VERSION`.
pub(super) fn interface<'a, T: WasiView + 'static>(
    linker: &'a mut Linker<T>,
    path: &str,
) -> Result<LinkerInstance<'a, T>, Error> {
    linker.instance(&format!("wasi:{path}@{VERSION}"))
}

/// Registers the typed `body` as the function `name` of `instance`: guest
/// calls lift its arguments straight from guest memory into Rust values
/// and lower its result straight back, and the guest's import type is
/// checked against `P` and `R` at instantiation.
pub(super) fn typed<T, P, R>(
    instance: &mut LinkerInstance<'_, T>,
    name: &str,
    body: fn(&mut WasiCtx, P) -> Result<R, Error>,
) -> Result<(), Error>
where
    T: WasiView + 'static,
    P: ComponentParams + 'static,
    R: ComponentResult + 'static,
{
    instance.func_wrap(name, move |mut cx: StoreContextMut<'_, T>, params: P| {
        body(cx.data_mut().ctx(), params)
    })
}

/// Declares the host resource `name` whose objects live in one of the
/// [`WasiCtx`] tables; `drop` removes the object when the guest drops its
/// last owned handle (`None` if it was already gone).
pub(super) fn resource<T: WasiView + 'static, R: 'static>(
    instance: &mut LinkerInstance<'_, T>,
    name: &str,
    drop: fn(&mut WasiCtx, Rep<R>) -> Option<()>,
) -> Result<(), Error> {
    instance.resource(name, ResourceType::host::<R>(), move |mut cx, rep| {
        // A second drop of the same representation cannot happen through the
        // handle table; ignoring a miss keeps a host bug from trapping guests.
        let _ = drop(cx.data_mut().ctx(), Rep::from_u32(rep));
        Ok(())
    })
}
