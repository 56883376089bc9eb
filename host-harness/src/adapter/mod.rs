//! Fused adapters: calls between two component instances as generated core
//! wasm (CanonicalABI.md: a `canon lower` of a `canon lift`ed function is
//! "lift, then lower", fused into one function).
//!
//! When instantiation creates the core function of a `canon lower` whose
//! callee is a guest function lifted in a component instance, [`lowered`]
//! asks for an adapter (a call into a descendant, which the suite expects
//! to trap, gets a tiny module that traps: `refusal`). The call's [`AdapterSignature`] (types and both
//! sides' canonical options) keys a cache owned by the [`Engine`](crate::Engine),
//! so every component, store and instantiation that needs the same
//! signature shares one compiled module. The pairings a component binary
//! fixes (nested components) are compiled when it is loaded
//! ([`prebuild`]); those made at link time (`weft run --link`,
//! `Linker::define_instance`) at their first instantiation. Each lowering
//! then instantiates the module with its own imports (the callee's core
//! function and post-return, and [`intrinsics`] bound to the two
//! instances). A guest
//! calling the import therefore stays in wasm all the way into the callee:
//! A -> adapter -> B is one core call stack. When the callee may block or
//! returns through `task.return` (an `async` type or lift), or may switch
//! threads before it returns (its instance uses thread built-ins), the
//! adapter still moves the arguments, but the scheduler runs the callee on
//! its own thread, through the async [`intrinsics`].
//!
//! What the compiler does not handle yet keeps the host-mediated path of
//! `runtime::lower` (lift into `Val`s, lower again), which also serves as
//! the oracle the adapter path is tested against (`WEFT_FUSED_ADAPTERS=0`):
//! a lowered type that differs from the lifted one beyond resource names. Host functions are
//! never adapted: host <-> guest calls are host code by nature.
//!
//! `WEFT_ADAPTERS_DIR=path` writes every module compiled here to `path`
//! as `.wasm`; in debug builds and tests every module is validated with
//! `wasmparser` before it is used.

mod compile;
mod handles;
mod intrinsics;
mod prebuild;
mod refusal;
mod signature;
mod strings;
mod values;
mod variants;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use crate::engine::{
    self, CoreAsContextMut, CoreEngine, CoreExtern, CoreFunc, CoreModule, CoreStore,
};
use crate::error::Error;
use crate::runtime::store::StoreData;
use crate::runtime::{ComponentInstanceId, LiftedFunc, RtOptions, lazy};
use crate::types::FuncType;
use compile::{FastGlobal, Import};
use intrinsics::{Ends, Side};
pub(crate) use prebuild::prebuild;
use refusal::Refusal;
pub(crate) use signature::{AdapterSignature, SideOptions};

/// The environment variable naming a directory for generated modules.
const DUMP_DIR: &str = "WEFT_ADAPTERS_DIR";

/// A compiled adapter module and the imports it expects, in order.
#[derive(Debug)]
struct Adapter {
    module: CoreModule,
    imports: Vec<Import>,
}

/// What an adapter module is compiled for: the dedup key of the cache.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    /// A fused adapter.
    Fused(AdapterSignature),
    /// A call into a descendant, which traps (`refusal`).
    Refused(Refusal),
}

impl Key {
    fn compile(&self) -> Result<compile::Compiled, Error> {
        match self {
            Self::Fused(sig) => compile::compile(sig),
            Self::Refused(r) => Ok(r.compile()),
        }
    }

    /// A short readable name, for `WEFT_ADAPTERS_DIR` files.
    fn describe(&self) -> String {
        match self {
            Self::Fused(sig) => sig.describe(),
            Self::Refused(_) => "refusal".into(),
        }
    }
}

/// Compiled adapters by key, shared by everything made from one engine.
#[derive(Default)]
pub(crate) struct AdapterCache {
    modules: Mutex<HashMap<Key, Arc<Adapter>>>,
}

impl std::fmt::Debug for AdapterCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdapterCache").finish_non_exhaustive()
    }
}

impl AdapterCache {
    /// The module for `key`, compiled on first use.
    fn get(&self, engine: &CoreEngine, key: &Key) -> Result<Arc<Adapter>, Error> {
        let mut modules = self
            .modules
            .lock()
            .map_err(|_| Error::msg("adapter cache poisoned by a panic"))?;
        if let Some(a) = modules.get(key) {
            return Ok(a.clone());
        }
        let compiled = key.compile()?;
        if cfg!(any(debug_assertions, test)) {
            validate(&compiled.bytes)?;
        }
        if let Some(dir) = std::env::var_os(DUMP_DIR) {
            dump(std::path::Path::new(&dir), key, &compiled.bytes)?;
        }
        let module = engine.compile(&compiled.bytes)?;
        // The core engine wants imports in its own order (it groups them
        // by kind), so they are matched up by name.
        let imports = engine::module_imports(&module)
            .into_iter()
            .map(|(m, n, _)| {
                compiled
                    .imports
                    .iter()
                    .find(|i| i.names() == (m.as_str(), n.as_str()))
                    .copied()
                    .ok_or_else(|| Error::msg(format!("adapter imports unknown `{m}::{n}`")))
            })
            .collect::<Result<_, _>>()?;
        let adapter = Arc::new(Adapter { module, imports });
        modules.insert(key.clone(), adapter.clone());
        Ok(adapter)
    }

    /// How many distinct adapter modules were compiled.
    pub(crate) fn len(&self) -> usize {
        self.modules.lock().map_or(0, |m| m.len())
    }
}

/// Checks a generated module with `wasmparser` (multi-memory and memory64
/// on, as the adapters use them).
fn validate(bytes: &[u8]) -> Result<(), Error> {
    use wasmparser::WasmFeatures as F;
    let features = F::default() | F::MULTI_MEMORY | F::MEMORY64;
    wasmparser::Validator::new_with_features(features)
        .validate_all(bytes)
        .map(drop)
        .map_err(|e| Error::msg(format!("generated adapter module is invalid: {e}")))
}

/// Writes `bytes` to `dir` (from `$WEFT_ADAPTERS_DIR`), named after `key`.
fn dump(dir: &std::path::Path, key: &Key, bytes: &[u8]) -> Result<(), Error> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    let name: String = key
        .describe()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(60)
        .collect();
    let path = dir.join(format!("adapter-{:016x}-{name}.wasm", h.finish()));
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&path, bytes))
        .map_err(|e| Error::msg(format!("{DUMP_DIR}: writing {}: {e}", path.display())))
}

/// The core function of `canon lower` (type `ty`, options `opts`, in
/// instance `caller`) of `callee`: a fused adapter, a refusal of a call
/// into a descendant, or the host-mediated lowering `host_path` makes when
/// adapters are off for the engine or the call is one the compiler does
/// not handle yet ([`Pairing::route`]).
pub(crate) fn lowered<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    caller: ComponentInstanceId,
    ty: &FuncType,
    opts: &RtOptions,
    callee: &Arc<LiftedFunc>,
    host_path: impl FnOnce(&mut CoreStore<StoreData<T>>) -> CoreFunc,
) -> Result<CoreFunc, Error> {
    match fused(store, caller, ty, opts, callee)? {
        Some((adapter, Key::Fused(sig))) => {
            instantiate(store, caller, ty, opts, callee, &adapter, &sig)
        }
        Some((adapter, Key::Refused(_))) => instantiate_refusal(store, caller, &adapter),
        None => Ok(host_path(store)),
    }
}

/// Where a callee's instance is, seen from the caller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relation {
    /// Neither the caller's instance nor one of its descendants.
    Other,
    /// The caller's own instance.
    Own,
    /// A descendant of the caller's instance.
    Descendant,
}

/// A `canon lower` of a guest function lifted in another instance, as far
/// as routing it depends on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pairing<'a> {
    /// The type the caller lowers the function at.
    pub(crate) lower: &'a FuncType,
    /// The type the callee lifted it at.
    pub(crate) lift: &'a FuncType,
    pub(crate) caller: SideOptions,
    pub(crate) callee: SideOptions,
    pub(crate) relation: Relation,
    /// The callee's instance defines a cooperative thread built-in.
    pub(crate) callee_uses_threads: bool,
}

impl Pairing<'_> {
    /// The module a lowering of a guest function gets (`None`: the
    /// host-mediated lowering): the one rule both [`prebuild`] (when a
    /// component is loaded) and [`lowered`] (when it is instantiated)
    /// follow, so that the modules the first compiles are the ones the
    /// second asks for.
    pub(crate) fn route(&self) -> Option<Key> {
        // As the suite expects for now, a call into a descendant traps.
        if self.relation == Relation::Descendant {
            return Some(Key::Refused(Refusal::new(self.lower, self.caller)));
        }
        let (lower, lift) = (self.lower, self.lift);
        let threads = self.callee_uses_threads;
        AdapterSignature::with_threads(lower, lift, self.caller, self.callee, threads)
            .ok()
            .map(Key::Fused)
    }
}

/// The compiled module of a call and its key, if it gets one.
fn fused<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    caller: ComponentInstanceId,
    ty: &FuncType,
    opts: &RtOptions,
    callee: &Arc<LiftedFunc>,
) -> Result<Option<(Arc<Adapter>, Key)>, Error> {
    let Some(cache) = store.data().rt.adapters.clone() else {
        return Ok(None);
    };
    let rt = &store.data().rt;
    let relation = if callee.instance == caller {
        Relation::Own
    } else if rt.self_and_ancestors(callee.instance).contains(&caller) {
        Relation::Descendant
    } else {
        Relation::Other
    };
    let is_64 = |o: &RtOptions| o.memory.is_some_and(|m| engine::memory_is_64(&*store, &m));
    let pairing = Pairing {
        lower: ty,
        lift: &callee.ty,
        caller: SideOptions::new(opts, is_64(opts)),
        callee: SideOptions::new(&callee.opts, is_64(&callee.opts)),
        relation,
        callee_uses_threads: rt.instances[callee.instance].uses_threads,
    };
    let Some(key) = pairing.route() else {
        return Ok(None);
    };
    let engine = CoreEngine::of_store(&*store);
    Ok(Some((cache.get(&engine, &key)?, key)))
}

/// Instantiates `adapter` for one lowering: binds its imports to the two
/// instances and returns its function.
fn instantiate<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    caller: ComponentInstanceId,
    ty: &FuncType,
    opts: &RtOptions,
    callee: &Arc<LiftedFunc>,
    adapter: &Adapter,
    sig: &AdapterSignature,
) -> Result<CoreFunc, Error> {
    let rt = &store.data().rt;
    let ends = Ends {
        caller,
        callee: callee.instance,
        callee_func: Arc::clone(callee),
        caller_opts: opts.clone(),
        callee_opts: callee.opts.clone(),
        handles: sig.handles.clone().into(),
        entering: rt.entering_set(callee.instance, Some(caller)).into(),
        lower_result: ty.result.clone(),
        shape: Arc::new(compile::CoreShape::of(sig)),
        start: Arc::default(),
    };
    let mut imports = Vec::with_capacity(adapter.imports.len());
    let mut fast = None;
    for import in &adapter.imports {
        let func = match import {
            Import::Intrinsic(which) => intrinsics::host_func(store, *which, &ends),
            Import::Memory(side) => {
                let memory = match side {
                    Side::Caller => opts.memory,
                    Side::Callee => callee.opts.memory,
                };
                match memory {
                    Some(m) => imports.push(CoreExtern::Memory(m)),
                    None => return Err(Error::msg("adapter imports a missing memory")),
                }
                continue;
            }
            Import::Realloc(side) => {
                let realloc = match side {
                    Side::Caller => opts.realloc,
                    Side::Callee => callee.opts.realloc,
                };
                match realloc {
                    Some(f) => f,
                    None => return Err(Error::msg("adapter imports a missing realloc")),
                }
            }
            Import::MayLeave(side) => {
                let inst = match side {
                    Side::Caller => caller,
                    Side::Callee => callee.instance,
                };
                let g = store.data().rt.instances[inst].flags.may_leave_global();
                imports.push(CoreExtern::Global(g));
                continue;
            }
            Import::Fast(g) => {
                let f = *fast.get_or_insert_with(|| {
                    lazy::register(store.as_context_mut(), callee, &ends.entering)
                });
                let global = match g {
                    FastGlobal::Top => f.top,
                    FastGlobal::Enabled => f.enabled,
                    FastGlobal::Calls => f.calls,
                    FastGlobal::Id => f.id,
                    FastGlobal::Prev => f.prev,
                    FastGlobal::CalleeMayEnter => f.may_enter,
                };
                imports.push(CoreExtern::Global(global));
                continue;
            }
            Import::CalleeFunc => callee.core,
            Import::CalleePostReturn => match callee.opts.post_return {
                Some(f) => f,
                None => return Err(Error::msg("adapter imports a missing post-return")),
            },
            Import::Refuse => return Err(Error::msg("a fused adapter imports a refusal")),
        };
        imports.push(CoreExtern::Func(func));
    }
    let instance = engine::instantiate(&mut *store, &adapter.module, &imports)?;
    let start = export_func(store, &instance, compile::START_EXPORT);
    if let Some(start) = start {
        // Only the intrinsics of this instance hold `ends.start`.
        let _ = ends.start.set(start);
    }
    export_func(store, &instance, compile::EXPORT)
        .ok_or_else(|| Error::msg("adapter module exports no adapter function"))
}

/// Instantiates the refusal module `adapter` for one lowering in `caller`.
fn instantiate_refusal<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    caller: ComponentInstanceId,
    adapter: &Adapter,
) -> Result<CoreFunc, Error> {
    let refuse = refusal::host_func(store, caller);
    let imports: Vec<CoreExtern> = adapter
        .imports
        .iter()
        .map(|i| match i {
            Import::Refuse => Ok(CoreExtern::Func(refuse)),
            other => Err(Error::msg(format!("a refusal imports {other:?}"))),
        })
        .collect::<Result<_, _>>()?;
    adapter_func(store, adapter, &imports)
}

/// Instantiates `adapter` with `imports`; returns its exported function.
fn adapter_func<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    adapter: &Adapter,
    imports: &[CoreExtern],
) -> Result<CoreFunc, Error> {
    let instance = engine::instantiate(&mut *store, &adapter.module, imports)?;
    export_func(store, &instance, compile::EXPORT)
        .ok_or_else(|| Error::msg("adapter module exports no adapter function"))
}

/// The function `instance` exports as `name`, if any.
fn export_func<T: 'static>(
    store: &CoreStore<StoreData<T>>,
    instance: &engine::CoreInstance,
    name: &str,
) -> Option<CoreFunc> {
    engine::instance_exports(store, instance)
        .into_iter()
        .find_map(|(n, e)| (n == name).then(|| engine::extern_func(&e)).flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::def::StringEncoding;
    use crate::types::Type;

    fn side(post_return: bool) -> SideOptions {
        SideOptions {
            encoding: StringEncoding::Utf8,
            memory64: None,
            realloc: false,
            post_return,
            is_async: false,
            callback: false,
        }
    }

    fn func(params: &[Type], result: Option<Type>) -> FuncType {
        FuncType {
            params: params
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("p{i}"), t.clone()))
                .collect(),
            result,
            is_async: false,
        }
    }

    const SCALARS: [Type; 12] = [
        Type::Bool,
        Type::S8,
        Type::U8,
        Type::S16,
        Type::U16,
        Type::S32,
        Type::U32,
        Type::S64,
        Type::U64,
        Type::F32,
        Type::F64,
        Type::Char,
    ];

    #[test]
    fn every_scalar_signature_compiles_to_a_valid_module() {
        for (i, t) in SCALARS.iter().enumerate() {
            let params = &SCALARS[..=i];
            for post_return in [false, true] {
                let ty = func(params, Some(t.clone()));
                let sig = AdapterSignature::new(&ty, &ty, side(false), side(post_return)).unwrap();
                let compiled = compile::compile(&sig).unwrap();
                validate(&compiled.bytes).unwrap();
            }
        }
    }

    #[test]
    fn equal_signatures_share_one_module() {
        let cache = AdapterCache::default();
        let engine = CoreEngine::new();
        let ty = func(&[Type::U32, Type::F64], Some(Type::Char));
        let sig = AdapterSignature::new(&ty, &ty, side(false), side(true)).unwrap();
        let a = cache.get(&engine, &Key::Fused(sig.clone())).unwrap();
        let b = cache.get(&engine, &Key::Fused(sig)).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        let other = AdapterSignature::new(&ty, &ty, side(false), side(false)).unwrap();
        let c = cache.get(&engine, &Key::Fused(other)).unwrap();
        assert!(!Arc::ptr_eq(&a, &c), "post-return changes the code");
        assert_eq!(cache.len(), 2);
    }

    fn with_memory(memory64: bool) -> SideOptions {
        SideOptions {
            memory64: Some(memory64),
            realloc: true,
            ..side(false)
        }
    }

    #[test]
    fn calls_the_compiler_cannot_fuse_keep_the_host_path() {
        let string = func(&[Type::String], None);
        let other = func(&[Type::String], Some(Type::U8));
        let why = AdapterSignature::new(&string, &other, with_memory(false), with_memory(false));
        assert_eq!(
            why.unwrap_err(),
            "the lowered and lifted function types differ"
        );
    }

    #[test]
    fn memory64_on_either_side_compiles_to_valid_modules() {
        let person =
            Type::Record([("name".to_string(), Type::String), ("id".into(), Type::U32)].into());
        let v = Type::Variant(
            [
                ("a".to_string(), Some(Type::String)),
                ("b".into(), Some(Type::F32)),
                ("c".into(), None),
            ]
            .into(),
        );
        let cases = [
            func(&[Type::String], Some(Type::String)),
            func(&[Type::List(Arc::new(Type::U32))], Some(Type::U64)),
            func(
                &[Type::List(Arc::new(person.clone()))],
                Some(person.clone()),
            ),
            func(&vec![Type::String; 9], Some(v.clone())),
            func(&[v, Type::FixedList(Arc::new(person), 20)], None),
        ];
        for ty in &cases {
            for (a, b) in [(true, false), (false, true), (true, true)] {
                for encoding in [StringEncoding::Utf8, StringEncoding::Utf16] {
                    let callee = SideOptions {
                        encoding,
                        ..with_memory(b)
                    };
                    let sig = AdapterSignature::new(ty, ty, with_memory(a), callee).unwrap();
                    validate(&compile::compile(&sig).unwrap().bytes).unwrap();
                }
            }
        }
    }

    #[test]
    fn handles_in_fixed_length_lists_share_their_element_entries() {
        // Flat (unrolled), in memory unrolled, and in memory in a loop; an
        // error context after the list takes the entry after the element's.
        for n in [3, 16, 20] {
            let futures = Type::FixedList(Arc::new(Type::Future(None)), n);
            let ty = func(&[futures, Type::ErrorContext], None);
            let sig = AdapterSignature::new(&ty, &ty, with_memory(false), with_memory(false));
            let sig = sig.unwrap();
            assert_eq!(sig.handles.len(), 2, "one entry per element type");
            assert_eq!(sig.handles[1], handles::HandleMove::ErrorContext);
            validate(&compile::compile(&sig).unwrap().bytes).unwrap();
        }
    }

    #[test]
    fn calls_into_async_callees_are_scheduled_and_compile() {
        // Past 4 flat parameters, with variants and flags the async caller
        // passes in memory and the callee takes flat.
        let v = Type::Option(Arc::new(Type::Result {
            ok: Some(Arc::new(Type::F32)),
            err: Some(Arc::new(Type::U64)),
        }));
        let flags = Type::Flags((0..12).map(|i| format!("f{i}")).collect());
        let params = [Type::U32, Type::String, v, flags, Type::U8];
        let mut ty = func(&params, Some(Type::String));
        ty.is_async = true;
        for caller_async in [false, true] {
            let mut caller = with_memory(false);
            caller.is_async = caller_async;
            let mut callee = with_memory(false);
            callee.is_async = true;
            let sig = AdapterSignature::new(&ty, &ty, caller, callee).unwrap();
            assert!(sig.scheduled);
            let compiled = compile::compile(&sig).unwrap();
            validate(&compiled.bytes).unwrap();
            let imports: Vec<_> = compiled.imports.iter().map(|i| i.names().1).collect();
            let run = if caller_async {
                "async-return"
            } else {
                "async-block"
            };
            for name in ["async-start", "async-defer", run] {
                assert!(imports.contains(&name), "{name} in {imports:?}");
            }
            assert!(
                !imports.contains(&"host-path"),
                "held-back calls are adapted"
            );
            assert!(!imports.contains(&"func"), "the scheduler calls the callee");
        }
        // A sync call of a sync callee is one core call.
        let sync = func(&[Type::U32], Some(Type::U32));
        let sig = AdapterSignature::new(&sync, &sync, side(false), side(false)).unwrap();
        assert!(!sig.scheduled);
    }

    #[test]
    fn memory_signatures_compile_to_valid_modules() {
        let person =
            Type::Record([("name".to_string(), Type::String), ("id".into(), Type::U32)].into());
        let people = Type::List(Arc::new(person.clone()));
        let cases = [
            func(&[Type::String], Some(Type::String)),
            func(&[Type::List(Arc::new(Type::U32))], Some(Type::U64)),
            func(std::slice::from_ref(&people), Some(people.clone())),
            func(&vec![Type::Char; 17], Some(person.clone())),
            func(
                &[
                    Type::FixedList(Arc::new(Type::U16), 3),
                    Type::FixedList(Arc::new(Type::U64), 40),
                    Type::FixedList(Arc::new(person.clone()), 20),
                ],
                Some(Type::FixedList(Arc::new(Type::Char), 2)),
            ),
            func(
                &[Type::Map(Arc::new(Type::String), Arc::new(person.clone()))],
                Some(Type::Map(Arc::new(Type::U32), Arc::new(Type::F64))),
            ),
            func(
                &[
                    Type::Option(Arc::new(person)),
                    Type::Flags((0..40).map(|i| format!("f{i}")).collect()),
                ],
                Some(Type::Result {
                    ok: Some(Arc::new(Type::F32)),
                    err: Some(Arc::new(Type::U64)),
                }),
            ),
        ];
        for ty in &cases {
            for encoding in [
                StringEncoding::Utf8,
                StringEncoding::Utf16,
                StringEncoding::Latin1Utf16,
            ] {
                let callee = SideOptions {
                    encoding,
                    ..with_memory(false)
                };
                let sig = AdapterSignature::new(ty, ty, with_memory(false), callee).unwrap();
                validate(&compile::compile(&sig).unwrap().bytes).unwrap();
            }
        }
    }

    #[test]
    fn modules_are_written_where_asked() {
        let dir = std::env::temp_dir().join(format!("weft-adapters-{}", std::process::id()));
        let ty = func(&[Type::U8], None);
        let sig = AdapterSignature::new(&ty, &ty, side(false), side(false)).unwrap();
        let compiled = compile::compile(&sig).unwrap();
        dump(&dir, &Key::Fused(sig), &compiled.bytes).unwrap();
        let files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1);
        assert_eq!(std::fs::read(&files[0]).unwrap(), compiled.bytes);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
