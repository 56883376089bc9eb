//! The [`Linker`]: names -> host functions, host resources and other
//! instances' exports, resolved against a component's imports.
//!
//! Names with a version (`wasi:cli/stdout@0.2.4`) match registrations with
//! a semver-compatible version (see `semver`).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use super::concurrency::host_call::{AsyncHost, HostFuture};
use super::host::{HostDtor, HostDtorBox, HostFuncBox};
use super::instance::Instance;
use super::instantiate::instantiate;
use super::items::{ComponentClosure, Exports, Item, RtType};
use super::store::{Store, StoreContextMut};
use super::typed::{ComponentParams, ComponentResult, TypedHostFunc, signature_check};
use super::{FuncData, StoreId, semver};
use crate::config::Engine;
use crate::engine::CoreModule;
use crate::error::{CallError, Error, LinkError};
use crate::translate::def::ImportShape;
use crate::translate::{BoundDefault, Component, Module};
use crate::types::ResourceType;
use crate::values::Val;

enum Def<T: 'static> {
    Func(HostFuncBox<T>),
    Instance(Namespace<T>),
    Resource(ResourceType, Option<Arc<HostDtor<T>>>),
    /// A core module, for a core module import.
    Module(CoreModule),
    /// An export of an instance living in the given store.
    Item(Item, StoreId),
}

struct Namespace<T: 'static> {
    defs: Vec<(String, Def<T>)>,
}

impl<T> Default for Namespace<T> {
    fn default() -> Self {
        Self { defs: Vec::new() }
    }
}

/// Resolves imports by name when instantiating components.
pub struct Linker<T: 'static> {
    root: Namespace<T>,
    /// Whether a later definition of a root name replaces an earlier one;
    /// see [`Linker::allow_shadowing`].
    allow_shadowing: bool,
}

/// A namespace inside a [`Linker`] (the root or an instance).
pub struct LinkerInstance<'a, T: 'static> {
    ns: &'a mut Namespace<T>,
    /// The namespace's path from the root (`wasi:cli/stdout@0.2.12`;
    /// empty for the root), for messages naming a function in it.
    path: String,
}

impl<T> Namespace<T> {
    fn find(&self, name: &str) -> Option<&Def<T>> {
        semver::lookup(&self.defs, name)
    }

    fn insert(&mut self, name: &str, def: Def<T>) -> Result<(), Error> {
        if self.defs.iter().any(|(n, _)| n == name) {
            return Err(LinkError::Duplicate(name.to_string()).into());
        }
        self.defs.push((name.to_string(), def));
        Ok(())
    }
}

impl<T: 'static> Linker<T> {
    /// An empty linker.
    pub fn new(_engine: &Engine) -> Self {
        Self {
            root: Namespace::default(),
            allow_shadowing: false,
        }
    }

    /// The root namespace, for top-level function and resource imports.
    pub fn root(&mut self) -> LinkerInstance<'_, T> {
        LinkerInstance {
            ns: &mut self.root,
            path: String::new(),
        }
    }

    /// The instance namespace `name` (e.g. `wasi:cli/stdout@0.2.6`),
    /// created if needed.
    ///
    /// # Errors
    ///
    /// [`LinkError::Duplicate`] if `name` is already something else.
    pub fn instance(&mut self, name: &str) -> Result<LinkerInstance<'_, T>, Error> {
        self.root().into_instance(name)
    }

    /// Makes every export of `instance` available as a top-level import of
    /// the same name (how `weft run --link other.wasm` satisfies imports).
    ///
    /// # Errors
    ///
    /// [`LinkError::Duplicate`] if a name is already defined.
    pub fn define_instance(&mut self, instance: &Instance) -> Result<(), Error> {
        for (name, item) in &instance.exports.items {
            if self.allow_shadowing {
                self.root.defs.retain(|(n, _)| n != name);
            }
            self.root
                .insert(name, Def::Item(item.clone(), instance.store))?;
        }
        Ok(())
    }

    /// Lets [`Linker::define_instance`] replace root names that are already
    /// defined instead of failing with [`LinkError::Duplicate`].
    ///
    /// This is what a chain of components wants: a component that imports
    /// an interface and exports its own version of it (a virtualising
    /// wrapper) should stand in for the original for everything linked
    /// after it. Names defined through [`LinkerInstance`] still refuse
    /// duplicates, so a typo in host setup is not silently hidden.
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    /// Instantiates `component` in `store`, resolving its imports here.
    ///
    /// # Errors
    ///
    /// [`LinkError::MissingImport`] naming the first unresolved import and
    /// its kind; a trap if a start function or core start traps.
    pub fn instantiate(
        &self,
        store: &mut Store<T>,
        component: &Component,
    ) -> Result<Instance, Error> {
        let mut args = HashMap::new();
        for import in component.def.imports() {
            let found = self.root.find(import.name);
            if let (None, Some(default)) = (found, import.fixed_by_bound) {
                args.insert(import.name.to_string(), bound_item(default));
                continue;
            }
            let Some(def) = found else {
                return Err(LinkError::MissingImport {
                    name: import.name.to_string(),
                    ty: import.describe.to_string(),
                }
                .into());
            };
            let item = to_item(store, def, import.name, import.shape)?;
            args.insert(import.name.to_string(), item);
        }
        let closure = ComponentClosure {
            def: component.def.clone(),
            outer: None,
        };
        let name = component.name.clone();
        let exports = instantiate(&mut store.inner, &closure, &args, None, name)?;
        Ok(Instance {
            exports,
            store: store.inner.data().rt.store_id,
        })
    }
}

/// Turns a linker definition imported as `name` into a run-time item,
/// allocating host functions in the store; checks it against what the
/// import requires (`shape`), as far as it is known.
fn to_item<T: 'static>(
    store: &mut Store<T>,
    def: &Def<T>,
    name: &str,
    shape: Option<&ImportShape>,
) -> Result<Item, Error> {
    check_kind(def, name, shape)?;
    Ok(match def {
        Def::Func(f) => {
            let ty = match shape {
                Some(ImportShape::Func(ty)) => Some(ty.clone()),
                Some(_) | None => None,
            };
            let data = FuncData::Host {
                func: Arc::new(f.clone()),
                ty,
                name: name.into(),
            };
            Item::Func(store.inner.data_mut().rt.add_func(data))
        }
        Def::Instance(ns) => {
            let wanted = match shape {
                Some(ImportShape::Instance(wanted)) => wanted.as_slice(),
                Some(_) | None => &[],
            };
            if let Some((missing, s)) = wanted
                .iter()
                .find(|(n, s)| s.required() && !ns.defs.iter().any(|(d, _)| d == n))
            {
                return Err(LinkError::MissingImport {
                    name: format!("{name}#{missing}"),
                    ty: s.kind().into(),
                }
                .into());
            }
            let member = |n: &str| wanted.iter().find(|(w, _)| w == n).map(|(_, s)| s);
            Item::Instance(Arc::new(Exports {
                items: ns
                    .defs
                    .iter()
                    .map(|(n, d)| {
                        Ok((
                            n.clone(),
                            to_item(store, d, &format!("{name}#{n}"), member(n))?,
                        ))
                    })
                    .collect::<Result<_, Error>>()?,
            }))
        }
        Def::Resource(rt, dtor) => {
            if let Some(d) = dtor {
                let boxed: Arc<dyn std::any::Any + Send + Sync> = Arc::new(HostDtorBox(d.clone()));
                store.inner.data_mut().rt.host_dtors.insert(*rt, boxed);
            }
            Item::Type(RtType::Resource(*rt))
        }
        Def::Module(module) => {
            if let Some(ImportShape::Module(ty)) = shape {
                ty.check(module)
                    .map_err(|reason| LinkError::ImportMismatch {
                        name: name.to_string(),
                        reason,
                    })?;
            }
            Item::Module(module.clone())
        }
        Def::Item(item, owner) if *owner == store.inner.data().rt.store_id => item.clone(),
        Def::Item(..) => return Err(CallError::WrongStore.into()),
    })
}

/// Refuses a host definition of another kind than the import requires
/// (a function where a resource is imported, ...).
fn check_kind<T>(def: &Def<T>, name: &str, shape: Option<&ImportShape>) -> Result<(), Error> {
    let found = match def {
        Def::Func(_) => "func",
        Def::Instance(_) => "instance",
        Def::Resource(..) => "resource",
        Def::Module(_) => "module",
        // Another instance's export: its type is checked where it is used.
        Def::Item(..) => return Ok(()),
    };
    let expected = match shape {
        None | Some(ImportShape::Other) => return Ok(()),
        Some(s) => s.kind(),
    };
    if expected == found {
        return Ok(());
    }
    Err(LinkError::ImportMismatch {
        name: name.to_string(),
        reason: format!("expected {expected} found {found}"),
    }
    .into())
}

impl<'a, T: 'static> LinkerInstance<'a, T> {
    /// Defines the host function `name`. `f` receives the store, the lifted
    /// arguments and a slot per result (zero or one) to fill.
    ///
    /// # Errors
    ///
    /// [`LinkError::Duplicate`] if `name` is already defined here.
    pub fn func_new<F>(&mut self, name: &str, f: F) -> Result<(), Error>
    where
        F: Fn(StoreContextMut<'_, T>, &[Val], &mut [Val]) -> Result<(), Error>
            + Send
            + Sync
            + 'static,
    {
        let f = HostFuncBox::Dynamic(Arc::new(f));
        self.ns.insert(name, Def::Func(f))
    }

    /// Defines the typed host function `name`: `f` takes the parameters
    /// as a tuple of [`ComponentValue`](crate::ComponentValue)s and returns
    /// `()` for no result or a one-element tuple. Guest calls lift the
    /// arguments from guest memory straight into these Rust types and
    /// lower the result straight back (a `Vec<u8>` is one copy).
    ///
    /// ```no_run
    /// # fn f(linker: &mut weft_harness::Linker<()>) -> Result<(), weft_harness::Error> {
    /// linker
    ///     .instance("example:host/bytes@0.1.0")?
    ///     .func_wrap("reverse", |_cx, (mut data,): (Vec<u8>,)| {
    ///         data.reverse();
    ///         Ok((data,))
    ///     })?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`LinkError::Duplicate`] if `name` is already defined here. When a
    /// component whose import has another type is instantiated, that
    /// instantiation fails with [`LinkError::ImportMismatch`] naming the
    /// import, its type and the host's.
    pub fn func_wrap<P, R, F>(&mut self, name: &str, f: F) -> Result<(), Error>
    where
        P: ComponentParams + 'static,
        R: ComponentResult + 'static,
        F: Fn(StoreContextMut<'_, T>, P) -> Result<R, Error> + Send + Sync + 'static,
    {
        let f = HostFuncBox::Typed(Arc::new(TypedHostFunc::new(f)));
        self.ns.insert(name, Def::Func(f))
    }

    /// Defines the async host function `name`: for each call, `f` receives
    /// the store and the lifted arguments and returns the future that
    /// produces the results (zero or one). While the future is pending only
    /// the calling guest thread waits: an async-lowered caller gets a
    /// STARTED subtask, a sync-lowered one blocks while the store's other
    /// threads run (a synchronous task, which may not block, waits for the
    /// future alone). The scheduler polls the future again when its
    /// [`Waker`](std::task::Waker) fires; a future that is pending while
    /// nothing holds its waker and no guest thread can run is a deadlock,
    /// reported as a trap.
    ///
    /// ```no_run
    /// # use weft_harness::{HostFuture, Val};
    /// # fn f(linker: &mut weft_harness::Linker<()>) -> Result<(), weft_harness::Error> {
    /// linker.root().func_new_async("slow-double", |_cx, args| {
    ///     let n = match args.first() {
    ///         Some(Val::U32(n)) => *n,
    ///         _ => 0,
    ///     };
    ///     let fut: HostFuture = Box::pin(async move { Ok(vec![Val::U32(n * 2)]) });
    ///     Ok(fut)
    /// })?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`LinkError::Duplicate`] if `name` is already defined here.
    pub fn func_new_async<F>(&mut self, name: &str, f: F) -> Result<(), Error>
    where
        F: Fn(StoreContextMut<'_, T>, Vec<Val>) -> Result<HostFuture, Error>
            + Send
            + Sync
            + 'static,
    {
        let f = AsyncHost {
            call: Arc::new(f),
            typecheck: None,
        };
        self.ns
            .insert(name, Def::Func(HostFuncBox::Async(Arc::new(f))))
    }

    /// Defines the typed async host function `name`: like
    /// [`Self::func_wrap`], with `f` returning a future of the result (see
    /// [`Self::func_new_async`] for how calls wait for it).
    ///
    /// # Errors
    ///
    /// [`LinkError::Duplicate`] if `name` is already defined here; a
    /// component importing it at another type fails to instantiate with
    /// [`LinkError::ImportMismatch`].
    pub fn func_wrap_async<P, R, F, Fut>(&mut self, name: &str, f: F) -> Result<(), Error>
    where
        P: ComponentParams + 'static,
        R: ComponentResult + 'static,
        F: Fn(StoreContextMut<'_, T>, P) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, Error>> + Send + 'static,
    {
        let call = move |cx: StoreContextMut<'_, T>, args: Vec<Val>| -> Result<HostFuture, Error> {
            let fut = f(cx, P::from_vals(args)?);
            Ok(Box::pin(async move { Ok(fut.await?.into_vals()) }))
        };
        let f = AsyncHost {
            call: Arc::new(call),
            typecheck: Some(signature_check::<P, R>),
        };
        self.ns
            .insert(name, Def::Func(HostFuncBox::Async(Arc::new(f))))
    }

    /// Defines the host resource type `name` as `ty` (usually
    /// [`ResourceType::host::<R>()`](ResourceType::host)); `dtor` runs with
    /// the rep when a guest drops its last owned handle.
    ///
    /// # Errors
    ///
    /// [`LinkError::Duplicate`] if `name` is already defined here.
    pub fn resource<F>(&mut self, name: &str, ty: ResourceType, dtor: F) -> Result<(), Error>
    where
        F: Fn(StoreContextMut<'_, T>, u32) -> Result<(), Error> + Send + Sync + 'static,
    {
        self.ns
            .insert(name, Def::Resource(ty, Some(Arc::new(dtor))))
    }

    /// Defines the core module `name`, for a component's core module
    /// import; the linker checks `module` against the import's type when a
    /// component is instantiated.
    ///
    /// # Errors
    ///
    /// [`LinkError::Duplicate`] if `name` is already defined here.
    pub fn module(&mut self, name: &str, module: &Module) -> Result<(), Error> {
        self.ns.insert(name, Def::Module(module.inner.clone()))
    }

    /// The nested instance namespace `name`, created if needed.
    ///
    /// # Errors
    ///
    /// [`LinkError::Duplicate`] if `name` is already something else.
    pub fn instance(&mut self, name: &str) -> Result<LinkerInstance<'_, T>, Error> {
        LinkerInstance {
            ns: &mut *self.ns,
            path: self.path.clone(),
        }
        .into_instance(name)
    }

    fn into_instance(self, name: &str) -> Result<LinkerInstance<'a, T>, Error> {
        let pos = match self.ns.defs.iter().position(|(n, _)| n == name) {
            Some(p) => p,
            None => {
                self.ns
                    .defs
                    .push((name.to_string(), Def::Instance(Namespace::default())));
                self.ns.defs.len() - 1
            }
        };
        match &mut self.ns.defs[pos].1 {
            Def::Instance(ns) => Ok(LinkerInstance {
                ns,
                path: match self.path.as_str() {
                    "" => name.to_string(),
                    outer => format!("{outer}#{name}"),
                },
            }),
            _ => Err(LinkError::Duplicate(name.to_string()).into()),
        }
    }
}

/// The run-time item for an import its own type determines.
fn bound_item(default: &BoundDefault) -> Item {
    match default {
        BoundDefault::Type => Item::Type(RtType::Other),
        BoundDefault::Instance(exports) => Item::Instance(Arc::new(Exports {
            items: exports
                .iter()
                .map(|(name, d)| (name.clone(), bound_item(d)))
                .collect(),
        })),
    }
}
