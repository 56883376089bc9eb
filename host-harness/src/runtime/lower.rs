//! `canon lower`: the core function a guest calls to reach a component
//! function (CanonicalABI.md, `canon_lower`).
//!
//! [`lowered_import`] lifts the guest's flat arguments, calls the callee
//! through [`call_func`] and lowers the result back. A typed host function
//! (`func_wrap`) is called directly instead, its Rust types checked once
//! here, when the lowering is created.

use std::sync::Arc;

use super::builtins::check_may_leave;
use super::call::{Started, call_func, check_enterable, host_func, start_call};
use super::concurrency::check_may_block;
use super::concurrency::host_call::{self, HostStarted};
use super::concurrency::subtask::{Subtask, SubtaskState};
use super::handles::HandleIdx;
use super::host::HostFuncBox;
use super::store::StoreData;
use super::task::{Blocked, OnResolve, SyncReturn};
use super::typed::{LoweredCall, TypedHost};
use super::{ComponentInstanceId, FuncData, FuncId, RtOptions};
use crate::abi::layout::{self, MAX_FLAT_ASYNC_PARAMS, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS};
use crate::abi::{self, Cx, Path};
use crate::adapter;
use crate::engine::{
    self, CoreAsContextMut, CoreCtxMut, CoreFunc, CoreStore, CoreVal, HostOutcome, Suspension,
};
use crate::error::{CallError, Error, ErrorKind, LinkError};
use crate::types::{FuncType, Type};
use crate::values::Val;

/// What a lowering needs to know about a host callee.
struct HostCallee<T> {
    /// The import's name, for errors.
    name: Option<Arc<str>>,
    /// The function, if it is a typed one (`func_wrap`).
    typed: Option<Arc<dyn TypedHost<T>>>,
}

/// Looks at `callee`: if a typed host function, checks its Rust types
/// against `ty` (a mismatch is a link error naming the import).
fn host_callee<T: 'static>(
    store: &CoreStore<StoreData<T>>,
    callee: FuncId,
    ty: &FuncType,
) -> Result<HostCallee<T>, Error> {
    let FuncData::Host { func, name, .. } = store.data().rt.func(callee) else {
        return Ok(HostCallee {
            name: None,
            typed: None,
        });
    };
    let mismatch = |host: String| LinkError::ImportMismatch {
        name: name.to_string(),
        reason: format!(
            "the component imports `{}` but the host function is `{host}`",
            ty.describe()
        ),
    };
    let typed = match host_func::<T>(func)? {
        HostFuncBox::Dynamic(_) => None,
        HostFuncBox::Typed(f) => {
            f.typecheck(ty).map_err(mismatch)?;
            Some(f.clone())
        }
        HostFuncBox::Async(f) => {
            if let Some(check) = f.typecheck {
                check(ty).map_err(mismatch)?;
            }
            None
        }
    };
    Ok(HostCallee {
        name: Some(name.clone()),
        typed,
    })
}

/// Names the host function in a type mismatch of the results it returned.
fn name_host_result(error: Error, host: Option<&str>) -> Error {
    match (error.kind(), host) {
        (ErrorKind::Call(CallError::TypeMismatch(m)), Some(name)) => CallError::TypeMismatch(
            format!("host function `{name}` returned a result that does not match its import's type: {m}"),
        )
        .into(),
        _ => error,
    }
}

/// The flat core signature of `canon lower` for `ty`.
fn lowered_signature(
    ty: &FuncType,
    ptr64: bool,
) -> (Vec<engine::CoreValType>, Vec<engine::CoreValType>, bool) {
    let ptr = layout::ptr_type(ptr64);
    let mut params = layout::flatten_all(ty.params.iter().map(|(_, t)| t), ptr64);
    if params.len() > MAX_FLAT_PARAMS {
        params = vec![ptr];
    }
    let mut results = layout::flatten_all(ty.result.iter(), ptr64);
    let spilled = results.len() > MAX_FLAT_RESULTS;
    if spilled {
        params.push(ptr);
        results.clear();
    }
    (params, results, spilled)
}

/// The flat core signature of `canon lower ... async` for `ty`: flat
/// params up to `MAX_FLAT_ASYNC_PARAMS` (else a pointer to them), a result
/// pointer if there is a result, an `i32` status.
fn async_lowered_signature(
    ty: &FuncType,
    ptr64: bool,
) -> (Vec<engine::CoreValType>, Vec<engine::CoreValType>) {
    let ptr = layout::ptr_type(ptr64);
    let mut params = layout::flatten_all(ty.params.iter().map(|(_, t)| t), ptr64);
    if params.len() > MAX_FLAT_ASYNC_PARAMS {
        params = vec![ptr];
    }
    if ty.result.is_some() {
        params.push(ptr);
    }
    (params, vec![engine::CoreValType::I32])
}

/// The core function type `(params, results)` of a `canon lower` of `ty`,
/// `async` or not, whose memory (if any) is 64-bit when `ptr64`.
pub(crate) fn lowered_core_type(
    ty: &FuncType,
    is_async: bool,
    ptr64: bool,
) -> (Vec<engine::CoreValType>, Vec<engine::CoreValType>) {
    if is_async {
        return async_lowered_signature(ty, ptr64);
    }
    let (params, results, _) = lowered_signature(ty, ptr64);
    (params, results)
}

/// Creates the core function for `canon lower` of `callee` in `caller`.
///
/// # Errors
///
/// [`LinkError::ImportMismatch`] if `callee` is a typed host function
/// whose Rust types do not match `ty`.
pub(crate) fn lowered_import<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    caller: ComponentInstanceId,
    callee: FuncId,
    ty: FuncType,
    opts: RtOptions,
) -> Result<CoreFunc, Error> {
    let HostCallee {
        name: host_name,
        typed,
    } = host_callee(store, callee, &ty)?;
    let lifted = match store.data().rt.func(callee) {
        FuncData::Lifted(f) => Some(f.clone()),
        FuncData::Host { .. } => None,
    };
    let (fty, fopts) = (ty.clone(), opts.clone());
    let host_path = move |store: &mut CoreStore<StoreData<T>>| {
        host_lowered(store, caller, callee, fty, fopts, host_name, typed)
    };
    match lifted {
        Some(lifted) => adapter::lowered(store, caller, &ty, &opts, &lifted, host_path),
        None => Ok(host_path(store)),
    }
}

/// The host-mediated `canon lower` of `callee`: lifts the arguments into
/// `Val`s, calls, lowers the result.
fn host_lowered<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    caller: ComponentInstanceId,
    callee: FuncId,
    ty: FuncType,
    opts: RtOptions,
    host_name: Option<Arc<str>>,
    typed: Option<Arc<dyn TypedHost<T>>>,
) -> CoreFunc {
    let ptr64 = opts
        .memory
        .is_some_and(|m| engine::memory_is_64(&*store, &m));
    if opts.is_async {
        return async_lowered_import(store, caller, callee, ty, opts, ptr64, host_name);
    }
    let (params, results, spilled) = lowered_signature(&ty, ptr64);
    if let Some(typed) = typed {
        let call = LoweredCall::new(caller, opts, ty, ptr64, spilled);
        return engine::host_func(store, &params, &results, move |mut c, args, rets| {
            let mut ctx = c.as_context_mut();
            check_may_leave(&mut ctx, caller)?;
            typed.call_lowered(ctx, &call, args, rets)
        });
    }
    let ty = Arc::new(ty);
    engine::host_func_suspendable(store, &params, &results, move |mut c, args, rets| {
        let mut ctx = c.as_context_mut();
        check_may_leave(&mut ctx, caller)?;
        let (args, retptr) = if spilled {
            let (last, rest) = args.split_last().expect("spilled signature has a retptr");
            (rest, Some(abi::core_ptr(last)))
        } else {
            (args, None)
        };
        let (vals, lenders) = lift_args(
            ctx.as_context_mut(),
            caller,
            callee,
            &opts,
            &ty,
            args,
            false,
        )?;
        let ret = SyncReturn {
            caller,
            opts: opts.clone(),
            result: ty.result.clone(),
            retptr,
            lenders,
        };
        let lifted = match ctx.data().rt.func(callee) {
            FuncData::Lifted(f) => Some(f.clone()),
            FuncData::Host { .. } => None,
        };
        let result = match lifted {
            Some(f) => {
                // An `async` callee may block, which a synchronous
                // caller must not: trap before entering it.
                if ty.is_async {
                    check_may_block(&mut ctx.data_mut().rt)?;
                }
                let (task, started) =
                    start_call(ctx.as_context_mut(), &f, vals, Some(caller), Path::Adapter)?;
                match started {
                    Started::Done(v) => v,
                    // The callee blocked: so does this thread, until the
                    // callee resolves (only this thread: others run).
                    Started::Pending => {
                        check_may_block(&mut ctx.data_mut().rt)?;
                        return Ok(blocked_on(task, ret));
                    }
                }
            }
            None if host_call::is_async_host::<T>(&ctx.data().rt, callee)? => {
                match host_call::start_lowered(ctx.as_context_mut(), callee, &ty, vals, false)? {
                    HostStarted::Done(v) => v,
                    // Only this thread waits for the host's future.
                    HostStarted::Pending(call) => return Ok(blocked_on(call, ret)),
                }
            }
            None => call_func(ctx.as_context_mut(), callee, &vals, Some(caller))?
                .into_iter()
                .next(),
        };
        let flat = finish_sync_call(ctx.as_context_mut(), &ret, result)
            .map_err(|e| name_host_result(e, host_name.as_deref()))?;
        for (slot, v) in rets.iter_mut().zip(flat) {
            *slot = v;
        }
        Ok(HostOutcome::Done)
    })
}

/// Lifts the flat arguments `args` of a host-path call of `callee` from
/// `caller` (at most `MAX_FLAT_ASYNC_PARAMS` flat for an `async`
/// lowering); returns them and the caller's handles lent to the call.
///
/// In the spec's order, a guest callee is entered before its arguments
/// are lifted (`enter_from` precedes `on_start`), as fused adapters do: a
/// callee that may not be entered traps first, and an argument that traps
/// leaves the callee entered (poisoned), as a trap in its body would.
fn lift_args<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    caller: ComponentInstanceId,
    callee: FuncId,
    opts: &RtOptions,
    ty: &FuncType,
    args: &[CoreVal],
    is_async: bool,
) -> Result<(Vec<Val>, Vec<HandleIdx>), Error> {
    let guest = match ctx.data().rt.func(callee) {
        FuncData::Lifted(f) => Some(f.clone()),
        FuncData::Host { .. } => None,
    };
    if let Some(f) = &guest {
        check_enterable(&ctx.data().rt, f, Some(caller))?;
    }
    let max = if is_async {
        MAX_FLAT_ASYNC_PARAMS
    } else {
        MAX_FLAT_PARAMS
    };
    let tys: Vec<&Type> = ty.params.iter().map(|(_, t)| t).collect();
    let mut cx = Cx::new(ctx.as_context_mut(), opts.clone(), caller, Path::Adapter);
    match abi::lift_flat_values(&mut cx, max, args, &tys) {
        Ok(vals) => Ok((vals, std::mem::take(&mut cx.lenders))),
        Err(e) => {
            if let Some(f) = guest {
                let entering = ctx.data().rt.entering_set(f.instance, Some(caller));
                super::flags::set_may_enter_all(&mut ctx, &entering, false);
            }
            Err(e)
        }
    }
}

/// A synchronous caller's thread suspending until `callee` (a task or a
/// pending host call) resolves, its result then going where `ret` says.
pub(crate) fn blocked_on(callee: super::task::TaskId, ret: SyncReturn) -> HostOutcome {
    HostOutcome::Suspend(Suspension::new(Blocked::Call {
        callee,
        ret: Box::new(ret),
    }))
}

/// The end of a synchronous `canon lower`: lowers the callee's result into
/// the caller (flat results, or stored at the return pointer) and ends the
/// loans of the caller's handles.
pub(crate) fn finish_sync_call<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    ret: &SyncReturn,
    result: Option<Val>,
) -> Result<Vec<CoreVal>, Error> {
    let mut cx = Cx::new(
        ctx.as_context_mut(),
        ret.opts.clone(),
        ret.caller,
        Path::Adapter,
    );
    let flat = abi::lower_results(&mut cx, result.as_ref(), ret.result.as_ref(), ret.retptr)?;
    ctx.data_mut()
        .rt
        .instance(ret.caller)
        .handles
        .end_lends(&ret.lenders);
    Ok(flat)
}

/// `canon lower ... async`: flat params up to `MAX_FLAT_ASYNC_PARAMS`, a
/// result pointer, an `i32` status. A callee that resolves at once has its
/// result stored already (`RETURNED`); one that blocks becomes a subtask
/// in the caller's table, and the status packs its state and index.
fn async_lowered_import<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    caller: ComponentInstanceId,
    callee: FuncId,
    ty: FuncType,
    opts: RtOptions,
    ptr64: bool,
    host_name: Option<Arc<str>>,
) -> CoreFunc {
    let (params, results) = async_lowered_signature(&ty, ptr64);
    let has_result = ty.result.is_some();
    engine::host_func(store, &params, &results, move |mut c, args, rets| {
        let mut ctx = c.as_context_mut();
        check_may_leave(&mut ctx, caller)?;
        let (args, retptr) = match (has_result, args.split_last()) {
            (true, Some((last, rest))) => (rest, Some(abi::core_ptr(last))),
            _ => (args, None),
        };
        let (vals, lenders) =
            lift_args(ctx.as_context_mut(), caller, callee, &opts, &ty, args, true)?;
        let lifted = match ctx.data().rt.func(callee) {
            FuncData::Lifted(f) => Some(f.clone()),
            FuncData::Host { .. } => None,
        };
        let started = match lifted {
            Some(f) => {
                match start_call(ctx.as_context_mut(), &f, vals, Some(caller), Path::Adapter)? {
                    (_, Started::Done(v)) => Ok(v),
                    (task, Started::Pending) => Err(task),
                }
            }
            None if host_call::is_async_host::<T>(&ctx.data().rt, callee)? => {
                match host_call::start_lowered(ctx.as_context_mut(), callee, &ty, vals, true)? {
                    HostStarted::Done(v) => Ok(v),
                    HostStarted::Pending(call) => Err(call),
                }
            }
            None => Ok(
                call_func(ctx.as_context_mut(), callee, &vals, Some(caller))?
                    .into_iter()
                    .next(),
            ),
        };
        let ret = AsyncReturn {
            caller,
            opts: opts.clone(),
            result: ty.result.clone(),
            retptr,
            lenders,
        };
        let result = match started {
            Ok(v) => v,
            // The callee (a task or a host call) has not resolved: it
            // becomes a subtask of the caller.
            Err(task) => {
                rets[0] = pending_subtask(&mut ctx.data_mut().rt, task, ret)?;
                return Ok(());
            }
        };
        rets[0] = returned_at_once(ctx.as_context_mut(), &ret, result)
            .map_err(|e| name_host_result(e, host_name.as_deref()))?;
        Ok(())
    })
}

/// Where an `async` lowering's result goes: what a sync one's
/// [`SyncReturn`] says, for a result stored at `retptr`.
pub(crate) type AsyncReturn = SyncReturn;

/// The status of an `async` lowering whose callee resolved with `result`
/// during the call: the result is stored at the caller's result pointer,
/// the lends end, and the subtask is `RETURNED` without a handle.
pub(crate) fn returned_at_once<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    ret: &AsyncReturn,
    result: Option<Val>,
) -> Result<CoreVal, Error> {
    if let (Some(ptr), Some(val), Some(rty)) = (ret.retptr, result.as_ref(), &ret.result) {
        let mut cx = Cx::new(
            ctx.as_context_mut(),
            ret.opts.clone(),
            ret.caller,
            Path::Adapter,
        );
        abi::store_result(&mut cx, val, rty, ptr)?;
    }
    ctx.data_mut()
        .rt
        .instance(ret.caller)
        .handles
        .end_lends(&ret.lenders);
    Ok(CoreVal::I32(SubtaskState::Returned.code() as i32))
}

/// The status of an `async` lowering whose callee `task` did not resolve
/// during the call: it becomes a subtask in the caller's table, which the
/// result reaches when it resolves.
pub(crate) fn pending_subtask(
    rt: &mut super::Runtime,
    task: super::task::TaskId,
    ret: AsyncReturn,
) -> Result<CoreVal, Error> {
    let state = match rt.scheduler.task(task) {
        Some(t) if t.deferred.is_some() => SubtaskState::Starting,
        Some(_) | None => SubtaskState::Started,
    };
    let caller = ret.caller;
    let subtask = Subtask::new(task, state, ret.lenders);
    let i = super::concurrency::limits::add_subtask(rt, caller, subtask)?;
    let on_resolve = OnResolve::Subtask {
        caller,
        subtask: i,
        retptr: ret.retptr,
        opts: ret.opts,
        ty: ret.result,
    };
    rt.scheduler.set_on_resolve(task, on_resolve)?;
    Ok(CoreVal::I32((state.code() | (i.as_u32() << 4)) as i32))
}
