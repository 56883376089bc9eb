//! The host imports that component `.wast` suites written for wasmtime
//! link against (its `link_component_spectest`), so such suites run on
//! `weft wast` unchanged: `host-return-two`, `host-echo-u32`, and the
//! `host` instance with `resource1` (counting drops), `resource2`,
//! `resource1-again` and their functions, and async functions that return
//! after a yield (`return-two-slowly`, `echo-slowly`) or never
//! (`never-return`, `[method]resource1.never-return`), and the core module
//! `host#simple-module` (a global `g` of 100 and a function `f` returning
//! 101).
//!
//! Where wasmtime's host functions assert, these return an error, which
//! traps the calling guest (bad input never panics the harness).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::Poll;

use crate::{Engine, Error, Linker, Module, Resource, ResourceType};

/// The host resource behind `host#resource1` (and `resource1-again`).
struct Resource1;
/// The host resource behind `host#resource2`.
struct Resource2;

/// Drops of `resource1`s seen, and the rep of the last one.
#[derive(Default)]
struct Drops {
    count: AtomicU32,
    last: AtomicU32,
}

/// Returns on its second poll, having woken itself on the first: a host
/// call that resolves only after the guest went on (STARTED).
async fn yield_once() {
    let mut polled = false;
    std::future::poll_fn(|cx| {
        if polled {
            return Poll::Ready(());
        }
        polled = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await;
}

/// A host function's check failing: a trap for the calling guest.
fn check(ok: bool, what: &str) -> Result<(), Error> {
    if ok {
        Ok(())
    } else {
        Err(Error::msg(format!("spectest host check failed: {what}")))
    }
}

/// The core module behind `host#simple-module`.
const SIMPLE_MODULE: &str = r#"(module
  (global (export "g") i32 (i32.const 100))
  (func (export "f") (result i32) (i32.const 101)))"#;

/// Compiles [`SIMPLE_MODULE`] for `engine`.
fn simple_module(engine: &Engine) -> Result<Module, Error> {
    let invalid = |e: wast::Error| Error::msg(format!("spectest simple-module: {e}"));
    let buffer = wast::parser::ParseBuffer::new(SIMPLE_MODULE).map_err(invalid)?;
    let mut wat: wast::Wat = wast::parser::parse(&buffer).map_err(invalid)?;
    Module::new(engine, &wat.encode().map_err(invalid)?)
}

/// Defines the spectest imports in `linker`, for stores of `engine` (the
/// engine compiles `host#simple-module`).
///
/// # Errors
///
/// Only if `linker` already defines one of the names.
pub fn link_spectest<T: 'static>(linker: &mut Linker<T>, engine: &Engine) -> Result<(), Error> {
    let mut root = linker.root();
    root.func_wrap_async("host-echo-u32", |_, (v,): (u32,)| async move { Ok((v,)) })?;
    root.func_wrap("host-return-two", |_, ()| Ok((2u32,)))?;
    let mut host = linker.instance("host")?;
    host.func_wrap("return-three", |_, ()| Ok((3u32,)))?;
    host.instance("nested")?
        .func_wrap("return-four", |_, ()| Ok((4u32,)))?;
    host.func_wrap("return-hi", |_, ()| Ok(("hi".to_string(),)))?;
    host.module("simple-module", &simple_module(engine)?)?;
    link_resources(&mut host)?;
    host.func_wrap_async("never-return", |_, ()| {
        std::future::pending::<Result<(), Error>>()
    })?;
    host.func_wrap_async("return-two-slowly", |_, ()| async {
        yield_once().await;
        Ok((2i32,))
    })?;
    host.func_wrap_async("echo-slowly", |_, (a,): (u32,)| async move {
        yield_once().await;
        Ok((a,))
    })?;
    host.func_wrap_async(
        "[method]resource1.never-return",
        |_, (_,): (Resource<Resource1>,)| std::future::pending::<Result<(), Error>>(),
    )?;
    Ok(())
}

/// `resource1`, `resource2`, `resource1-again` and the `resource1`
/// functions of the `host` instance.
fn link_resources<T: 'static>(host: &mut crate::LinkerInstance<'_, T>) -> Result<(), Error> {
    let drops = Arc::new(Drops::default());
    // `resource1-again` is the same type, so it shares the destructor.
    for name in ["resource1", "resource1-again"] {
        let d = drops.clone();
        host.resource(name, ResourceType::host::<Resource1>(), move |_, rep| {
            d.count.fetch_add(1, Ordering::SeqCst);
            d.last.store(rep, Ordering::SeqCst);
            Ok(())
        })?;
    }
    host.resource(
        "resource2",
        ResourceType::host::<Resource2>(),
        |_, _| Ok(()),
    )?;
    host.func_wrap("[constructor]resource1", |_, (rep,): (u32,)| {
        Ok((Resource::<Resource1>::new_own(rep),))
    })?;
    host.func_wrap(
        "[static]resource1.assert",
        |_, (r, rep): (Resource<Resource1>, u32)| check(r.rep() == rep, "resource1.assert rep"),
    )?;
    let d = drops.clone();
    host.func_wrap("[static]resource1.last-drop", move |_, ()| {
        Ok((d.last.load(Ordering::SeqCst),))
    })?;
    let d = drops;
    host.func_wrap("[static]resource1.drops", move |_, ()| {
        Ok((d.count.load(Ordering::SeqCst),))
    })?;
    host.func_wrap(
        "[method]resource1.simple",
        |_, (r, rep): (Resource<Resource1>, u32)| {
            check(!r.owned(), "resource1.simple takes a borrow")?;
            check(r.rep() == rep, "resource1.simple rep")
        },
    )?;
    host.func_wrap(
        "[method]resource1.take-borrow",
        |_, (a, b): (Resource<Resource1>, Resource<Resource1>)| {
            check(
                !a.owned() && !b.owned(),
                "resource1.take-borrow takes borrows",
            )
        },
    )?;
    host.func_wrap(
        "[method]resource1.take-own",
        |_, (a, b): (Resource<Resource1>, Resource<Resource1>)| {
            check(
                !a.owned() && b.owned(),
                "resource1.take-own takes a borrow and an own",
            )
        },
    )?;
    Ok(())
}
