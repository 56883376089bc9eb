//! The narrow interface between the component layer and the core engine.
//!
//! This is the only module that names `wasmi`. Everything above it speaks of
//! core modules, core instances, core functions and linear memories through
//! the aliases and helpers below: compile a module, instantiate it, create a
//! host function, start and resume a call, read and write memory. Swapping
//! the core engine means rewriting this file, not the canonical ABI.

mod fuel;
mod limits;
mod resume;

pub(crate) use limits::{Bytes, CoreLimits, GrowthDenied, HasCoreLimits};
pub(crate) use resume::{CoreCall, HostOutcome, SuspendedCall, Suspension};

use crate::error::{Error, LinkError, LoadError, Trap};

/// How deep guest recursion may go. wasmi's default (1024 frames) is too
/// shallow for real guests compiled at opt-level 0.
const MAX_RECURSION_DEPTH: usize = 64 * 1024;
/// Upper bound of the value stack in bytes.
const MAX_STACK_HEIGHT: usize = 256 * 1024 * 1024;

pub(crate) type CoreStore<D> = wasmi::Store<D>;
pub(crate) type CoreCtxMut<'a, D> = wasmi::StoreContextMut<'a, D>;
pub(crate) type CoreCaller<'a, D> = wasmi::Caller<'a, D>;
pub(crate) type CoreModule = wasmi::Module;
pub(crate) type CoreInstance = wasmi::Instance;
pub(crate) type CoreExtern = wasmi::Extern;
pub(crate) type CoreFunc = wasmi::Func;
pub(crate) type CoreMemory = wasmi::Memory;
pub(crate) type CoreVal = wasmi::Val;
pub(crate) type CoreValType = wasmi::ValType;
pub(crate) type CoreFuncType = wasmi::FuncType;
pub(crate) type CoreTable = wasmi::Table;
pub(crate) type CoreGlobal = wasmi::Global;
pub(crate) use wasmi::{AsContext as CoreAsContext, AsContextMut as CoreAsContextMut};

/// The configured core engine, shared by every store of one [`crate::Engine`].
#[derive(Clone)]
pub(crate) struct CoreEngine {
    engine: wasmi::Engine,
    /// Whether guest code consumes fuel (needed by fuel and time limits).
    metered: bool,
}

impl CoreEngine {
    #[cfg(test)]
    pub(crate) fn new() -> Self {
        Self::with_fuel(false)
    }

    /// An engine that meters fuel when `metered` is set; metering costs a
    /// little speed, so it is off unless a fuel or time limit needs it.
    pub(crate) fn with_fuel(metered: bool) -> Self {
        let mut config = wasmi::Config::default();
        config
            .set_max_recursion_depth(MAX_RECURSION_DEPTH)
            .set_max_stack_height(MAX_STACK_HEIGHT)
            .wasm_simd(true)
            .wasm_multi_memory(true)
            .wasm_memory64(true)
            .consume_fuel(metered);
        Self {
            engine: wasmi::Engine::new(&config),
            metered,
        }
    }

    /// Validates and compiles one core module.
    pub(crate) fn compile(&self, bytes: &[u8]) -> Result<CoreModule, Error> {
        wasmi::Module::new(&self.engine, bytes)
            .map_err(|e| LoadError::CoreCompile(e.to_string()).into())
    }

    /// The engine a store was created with.
    pub(crate) fn of_store<D>(store: &CoreStore<D>) -> Self {
        Self {
            engine: store.engine().clone(),
            // wasmi reports fuel only for stores of a metered engine.
            metered: store.get_fuel().is_ok(),
        }
    }

    /// A store whose memories, tables, instances and fuel are held to the
    /// [`CoreLimits`] in its data.
    pub(crate) fn new_store<D: HasCoreLimits + 'static>(&self, data: D) -> CoreStore<D> {
        let mut store = wasmi::Store::new(&self.engine, data);
        store.limiter(|data| data.core_limits() as &mut dyn wasmi::ResourceLimiter);
        let mut budget = fuel::FuelBudget::new(self.metered);
        budget.start(&mut store);
        store.data_mut().core_limits().fuel = budget;
        store
    }
}

/// Sets the store's total fuel (`None`: unlimited).
pub(crate) fn set_fuel<D: HasCoreLimits>(
    store: &mut CoreStore<D>,
    fuel: Option<u64>,
) -> Result<(), Error> {
    fuel::with_budget(store, |budget, store| budget.set_fuel(store, fuel))
}

/// Ends every call still running `timeout` from now with a trap.
pub(crate) fn set_timeout<D: HasCoreLimits>(
    store: &mut CoreStore<D>,
    timeout: std::time::Duration,
) -> Result<(), Error> {
    fuel::with_budget(store, |budget, store| budget.set_timeout(store, timeout))
}

/// The fuel a store has left, if it has a fuel limit.
pub(crate) fn fuel_remaining<D: HasCoreLimits>(store: &mut CoreStore<D>) -> Option<u64> {
    fuel::with_budget(store, |budget, store| Ok(budget.remaining(store))).unwrap_or(None)
}

/// Instantiates `module` with `imports` given in the module's import order.
pub(crate) fn instantiate<D: HasCoreLimits>(
    mut ctx: impl CoreAsContextMut<Data = D>,
    module: &CoreModule,
    imports: &[CoreExtern],
) -> Result<CoreInstance, Error> {
    let created = fuel::around_start(&mut ctx, |ctx| wasmi::Instance::new(ctx, module, imports));
    created.map_err(|e| match from_core_error(e) {
        err if err.as_trap().is_some() => err,
        err => LinkError::Core(err.to_string()).into(),
    })
}

/// The `(module, name, function type if a function)` triples a module
/// imports, in order.
pub(crate) fn module_imports(module: &CoreModule) -> Vec<(String, String, Option<CoreFuncType>)> {
    module
        .imports()
        .map(|i| {
            let ty = match i.ty() {
                wasmi::ExternType::Func(f) => Some(f.clone()),
                wasmi::ExternType::Global(_)
                | wasmi::ExternType::Table(_)
                | wasmi::ExternType::Memory(_) => None,
            };
            (i.module().to_string(), i.name().to_string(), ty)
        })
        .collect()
}

/// Whether the memory module `module` exports as `name` is 64-bit; `None`
/// if it exports no memory of that name.
pub(crate) fn module_memory_is_64(module: &CoreModule, name: &str) -> Option<bool> {
    module.exports().find_map(|e| match e.ty() {
        wasmi::ExternType::Memory(m) if e.name() == name => Some(m.is_64()),
        wasmi::ExternType::Memory(_)
        | wasmi::ExternType::Func(_)
        | wasmi::ExternType::Global(_)
        | wasmi::ExternType::Table(_) => None,
    })
}

/// A core instance's exports, in order.
pub(crate) fn instance_exports(
    ctx: impl CoreAsContext,
    instance: &CoreInstance,
) -> Vec<(String, CoreExtern)> {
    let ctx = ctx.as_context();
    instance
        .exports(ctx)
        .map(|e| (e.name().to_string(), e.into_extern()))
        .collect()
}

/// The sort of a core extern.
pub(crate) fn extern_memory(e: &CoreExtern) -> Option<CoreMemory> {
    e.into_memory()
}

/// The function at index `i` of funcref table `table`, if there is one
/// (in bounds and not null).
pub(crate) fn table_func(ctx: impl CoreAsContext, table: &CoreTable, i: u32) -> Option<CoreFunc> {
    let r = table.get(ctx, u64::from(i))?;
    r.as_func()?.val().map(|f| **f)
}

pub(crate) fn extern_table(e: &CoreExtern) -> Option<CoreTable> {
    e.into_table()
}

pub(crate) fn extern_func(e: &CoreExtern) -> Option<CoreFunc> {
    e.into_func()
}

/// What the data of a store does when core code calls one of its host
/// functions: the single place where "the host is entered from wasm" is
/// seen (the runtime materializes the tasks that fused adapters' fast
/// paths only recorded, `runtime::lazy`). Leaf functions
/// ([`host_func_leaf`]) skip it.
pub(crate) trait HostEntry: Sized {
    fn host_entered(caller: &mut CoreCaller<'_, Self>) -> Result<(), Error>;
}

impl HostEntry for CoreLimits {
    fn host_entered(_: &mut CoreCaller<'_, Self>) -> Result<(), Error> {
        Ok(())
    }
}

/// Creates a host function that the core engine can call.
pub(crate) fn host_func<D: HostEntry + 'static>(
    ctx: impl CoreAsContextMut<Data = D>,
    params: &[CoreValType],
    results: &[CoreValType],
    body: impl Fn(CoreCaller<'_, D>, &[CoreVal], &mut [CoreVal]) -> Result<(), Error>
    + Send
    + Sync
    + 'static,
) -> CoreFunc {
    host_func_suspendable(ctx, params, results, move |caller, args, rets| {
        body(caller, args, rets).map(|()| HostOutcome::Done)
    })
}

/// Like [`host_func`], but the body may suspend the calling thread.
pub(crate) fn host_func_suspendable<D: HostEntry + 'static>(
    ctx: impl CoreAsContextMut<Data = D>,
    params: &[CoreValType],
    results: &[CoreValType],
    body: impl Fn(CoreCaller<'_, D>, &[CoreVal], &mut [CoreVal]) -> Result<HostOutcome, Error>
    + Send
    + Sync
    + 'static,
) -> CoreFunc {
    untyped(ctx, params, results, move |mut caller, args, rets| {
        D::host_entered(&mut caller)?;
        body(caller, args, rets)
    })
}

/// A host function that reads and writes only memory and host buffers
/// (never a task, a flag or another core function): it skips
/// [`HostEntry`], so core code that calls it stays on its fast path.
pub(crate) fn host_func_leaf<D: 'static>(
    ctx: impl CoreAsContextMut<Data = D>,
    params: &[CoreValType],
    results: &[CoreValType],
    body: impl Fn(CoreCaller<'_, D>, &[CoreVal], &mut [CoreVal]) -> Result<(), Error>
    + Send
    + Sync
    + 'static,
) -> CoreFunc {
    untyped(ctx, params, results, move |caller, args, rets| {
        body(caller, args, rets).map(|()| HostOutcome::Done)
    })
}

fn untyped<D: 'static>(
    ctx: impl CoreAsContextMut<Data = D>,
    params: &[CoreValType],
    results: &[CoreValType],
    body: impl Fn(CoreCaller<'_, D>, &[CoreVal], &mut [CoreVal]) -> Result<HostOutcome, Error>
    + Send
    + Sync
    + 'static,
) -> CoreFunc {
    let ty = wasmi::FuncType::new(params.iter().copied(), results.iter().copied());
    wasmi::Func::new(ctx, ty, move |caller, args, rets| {
        // A panic must not unwind into the core engine's frames, which
        // cannot unwind (the process would abort): it becomes a trap that
        // names it, found by the component fuzzer.
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(caller, args, rets)));
        match outcome {
            Ok(Ok(HostOutcome::Done)) => Ok(()),
            Ok(Ok(HostOutcome::Suspend(s))) => Err(wasmi::Error::host(s)),
            Ok(Err(e)) => Err(into_core_error(e)),
            Err(payload) => Err(into_core_error(Error::trap(format!(
                "{HOST_PANIC}: {}",
                panic_message(payload.as_ref())
            )))),
        }
    })
}

/// A new mutable i32 global holding `value`, owned by the host.
pub(crate) fn mutable_i32_global<D>(
    ctx: impl CoreAsContextMut<Data = D>,
    value: i32,
) -> CoreGlobal {
    wasmi::Global::new(ctx, wasmi::Val::I32(value), wasmi::Mutability::Var)
}

/// A new immutable i32 global holding `value`, owned by the host.
pub(crate) fn const_i32_global<D>(ctx: impl CoreAsContextMut<Data = D>, value: i32) -> CoreGlobal {
    wasmi::Global::new(ctx, wasmi::Val::I32(value), wasmi::Mutability::Const)
}

/// A new mutable i64 global holding 0, owned by the host.
pub(crate) fn mutable_i64_global<D>(ctx: impl CoreAsContextMut<Data = D>) -> CoreGlobal {
    wasmi::Global::new(ctx, wasmi::Val::I64(0), wasmi::Mutability::Var)
}

/// The value of an i32 global (0 for a global of another type).
pub(crate) fn i32_global(ctx: impl CoreAsContext, g: &CoreGlobal) -> i32 {
    match g.get(ctx) {
        wasmi::Val::I32(v) => v,
        _ => 0,
    }
}

/// The value of an i64 global (0 for a global of another type).
pub(crate) fn i64_global(ctx: impl CoreAsContext, g: &CoreGlobal) -> i64 {
    match g.get(ctx) {
        wasmi::Val::I64(v) => v,
        _ => 0,
    }
}

/// Sets a mutable i32 global the host made (a no-op for any other global,
/// which the host never passes).
pub(crate) fn set_i32_global(ctx: impl CoreAsContextMut, g: &CoreGlobal, value: i32) {
    let set = g.set(ctx, wasmi::Val::I32(value));
    debug_assert!(
        set.is_ok(),
        "the host sets only its own mutable i32 globals"
    );
}

/// A host function of one of the [`SmallArity`] core types, for the small
/// steps a fused adapter takes on every call: a typed function skips the
/// untyped value buffers of [`host_func_suspendable`]. `body` gets the
/// arguments (0 for those the type lacks) and returns the result (ignored
/// when the type has none).
pub(crate) fn host_func_small<D: HostEntry + 'static>(
    ctx: impl CoreAsContextMut<Data = D>,
    arity: SmallArity,
    body: impl Fn(CoreCaller<'_, D>, i32, i32) -> Result<i32, Error> + Send + Sync + 'static,
) -> CoreFunc {
    host_func_small_leaf(ctx, arity, move |mut caller, a, b| {
        D::host_entered(&mut caller)?;
        body(caller, a, b)
    })
}

/// [`host_func_small`] for a leaf step (see [`host_func_leaf`]).
pub(crate) fn host_func_small_leaf<D: 'static>(
    ctx: impl CoreAsContextMut<Data = D>,
    arity: SmallArity,
    body: impl Fn(CoreCaller<'_, D>, i32, i32) -> Result<i32, Error> + Send + Sync + 'static,
) -> CoreFunc {
    let guarded = move |caller: CoreCaller<'_, D>, a: i32, b: i32| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(caller, a, b)))
            .unwrap_or_else(|payload| {
                Err(Error::trap(format!(
                    "{HOST_PANIC}: {}",
                    panic_message(payload.as_ref())
                )))
            })
            .map_err(into_core_error)
    };
    match arity {
        SmallArity::ToI32 => {
            wasmi::Func::wrap(ctx, move |caller: CoreCaller<'_, D>| guarded(caller, 0, 0))
        }
        SmallArity::OfI32 => wasmi::Func::wrap(ctx, move |caller: CoreCaller<'_, D>, a: i32| {
            guarded(caller, a, 0).map(drop)
        }),
        SmallArity::OfPair => {
            wasmi::Func::wrap(ctx, move |caller: CoreCaller<'_, D>, a: i32, b: i32| {
                guarded(caller, a, b).map(drop)
            })
        }
        SmallArity::PairToI32 => {
            wasmi::Func::wrap(ctx, move |caller: CoreCaller<'_, D>, a: i32, b: i32| {
                guarded(caller, a, b)
            })
        }
    }
}

/// The core type of a [`host_func_small`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SmallArity {
    /// `() -> i32`.
    ToI32,
    /// `(i32) -> ()`.
    OfI32,
    /// `(i32, i32) -> ()`.
    OfPair,
    /// `(i32, i32) -> i32`.
    PairToI32,
}

/// The start of the trap message of a host function that panicked.
pub(crate) const HOST_PANIC: &str = "host function panicked";

fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "(no message)"
    }
}

/// The parameter and result types of a core function.
pub(crate) fn func_type(ctx: impl CoreAsContext, func: &CoreFunc) -> CoreFuncType {
    func.ty(ctx)
}

/// Calls a core function to completion without suspension support; used for
/// short helper calls like `realloc`, `post-return` and destructors.
pub(crate) fn call_plain<D: HasCoreLimits>(
    mut ctx: impl CoreAsContextMut<Data = D>,
    func: &CoreFunc,
    args: &[CoreVal],
    results: &mut [CoreVal],
) -> Result<(), Error> {
    fuel::call_to_completion(&mut ctx, func, args, results)
}

/// A zero value of each core type, to size result buffers.
pub(crate) fn default_val(ty: &CoreValType) -> CoreVal {
    CoreVal::default_for_ty(*ty)
}

pub(crate) fn memory_data<'a, D: 'a>(
    ctx: impl Into<wasmi::StoreContext<'a, D>>,
    mem: &CoreMemory,
) -> &'a [u8] {
    mem.data(ctx)
}

pub(crate) fn memory_data_mut<'a, D: 'a>(
    ctx: impl Into<wasmi::StoreContextMut<'a, D>>,
    mem: &CoreMemory,
) -> &'a mut [u8] {
    mem.data_mut(ctx)
}

pub(crate) fn memory_is_64(ctx: impl CoreAsContext, mem: &CoreMemory) -> bool {
    mem.ty(ctx).is_64()
}

impl wasmi::errors::HostError for Error {}

pub(crate) fn into_core_error(e: Error) -> wasmi::Error {
    wasmi::Error::host(e)
}

/// Maps a core engine error to ours, keeping host errors intact and giving
/// traps the messages the reference tests use.
pub(crate) fn from_core_error(e: wasmi::Error) -> Error {
    if let Some(code) = e.as_trap_code() {
        return Trap::new(trap_message(code)).into();
    }
    if let Some(status) = e.i32_exit_status() {
        return Error::exit(status);
    }
    let other_message = e.to_string();
    match e.downcast::<Error>() {
        Some(ours) => ours,
        None => Error::msg(other_message),
    }
}

fn trap_message(code: wasmi::TrapCode) -> String {
    use wasmi::TrapCode as C;
    match code {
        C::UnreachableCodeReached => "wasm `unreachable` instruction executed".into(),
        C::MemoryOutOfBounds => "out of bounds memory access".into(),
        C::TableOutOfBounds => "undefined element: out of bounds table access".into(),
        C::IndirectCallToNull => "uninitialized element".into(),
        C::IntegerDivisionByZero => "integer divide by zero".into(),
        C::IntegerOverflow => "integer overflow".into(),
        C::BadConversionToInteger => "invalid conversion to integer".into(),
        C::StackOverflow => "call stack exhausted".into(),
        C::BadSignature => "indirect call type mismatch".into(),
        other => other.to_string(),
    }
}
