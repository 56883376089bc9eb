//! Registers the WASI host in a [`Linker`]: the bridge between the dynamic
//! [`Val`]s the linker passes to host functions and the plain Rust behaviour
//! in the sibling modules.
//!
//! Everything is registered under the 0.2.12 interface names of the WIT in
//! `shared/wit/wasi-0.2`; the linker's semver matching lets guests that
//! import any earlier 0.2.x version (Rust 1.95's std imports 0.2.6) link.

mod cli;
mod filesystem;
mod io;
mod values;

use crate::{
    CallError, ComponentParams, ComponentResult, Error, Linker, LinkerInstance, ResourceType,
    StoreContextMut, Val,
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

/// The body of a WASI host function: the WASI state and the lifted
/// arguments in, the single result (if the function has one) out.
pub(super) type HostFn = fn(&mut WasiCtx, &[Val]) -> Result<Option<Val>, Error>;

/// The linker instance for `wasi:<package>/<interface>@VERSION`.
pub(super) fn interface<'a, T: WasiView + 'static>(
    linker: &'a mut Linker<T>,
    path: &str,
) -> Result<LinkerInstance<'a, T>, Error> {
    linker.instance(&format!("wasi:{path}@{VERSION}"))
}

/// Registers `body` as the function `name` of `instance`.
pub(super) fn func<T: WasiView + 'static>(
    instance: &mut LinkerInstance<'_, T>,
    name: &str,
    body: HostFn,
) -> Result<(), Error> {
    let qualified = instance.qualified(name);
    instance.func_new(name, move |mut cx, params, results| {
        let result = body(cx.data_mut().ctx(), params)?;
        match (result, results.first_mut()) {
            (Some(value), Some(slot)) => *slot = value,
            (None, None) => {}
            (result, _) => {
                return Err(CallError::TypeMismatch(format!(
                    "WASI host function `{qualified}` returned {} result(s), its import expects {}",
                    usize::from(result.is_some()),
                    results.len()
                ))
                .into());
            }
        }
        Ok(())
    })
}

/// Registers the typed `body` as the function `name` of `instance`: guest
/// calls lift its arguments straight from guest memory into Rust values
/// and lower its result straight back, with no [`Val`] in between. The
/// hot stream functions use this.
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
