//! Calls across the component boundary, in host code.
//!
//! [`call_func`] is the spec's lifted `FuncInst`: it enters the callee
//! instance, lowers the arguments, runs a Task on a Thread, lifts the
//! result and runs `post-return`. Its counterpart, `canon lower` (the core
//! function a guest calls to reach any component function), is in the
//! sibling `lower`. A call between two guests whose signature the fused
//! adapter compiler (`crate::adapter`) does not handle yet lifts out of one
//! and lowers into the other here; this path is also the adapters' oracle.

use std::any::Any;
use std::sync::Arc;

use super::host::HostFuncBox;
use super::store::{StoreContextMut, StoreData};
use super::task::Thread;
use super::{ComponentInstanceId, FuncData, FuncId, LiftedFunc};
use crate::abi::layout::MAX_FLAT_PARAMS;
use crate::abi::{self, Cx, Path};
use crate::engine::{self, CoreAsContextMut, CoreCtxMut, CoreFunc, CoreVal};
use crate::error::{CallError, Error, trap};
use crate::types::Type;
use crate::values::Val;

/// Calls component function `id` with `args`; `caller` is the calling
/// instance (`None` for the host).
pub(crate) fn call_func<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    id: FuncId,
    args: &[Val],
    caller: Option<ComponentInstanceId>,
) -> Result<Vec<Val>, Error> {
    match ctx.data().rt.func(id).clone() {
        FuncData::Lifted(f) => {
            let path = if caller.is_some() {
                Path::Adapter
            } else {
                Path::Host
            };
            Ok(call_lifted(ctx.as_context_mut(), &f, args, caller, path)?
                .into_iter()
                .collect())
        }
        FuncData::Host { func, ty, .. } => match host_func::<T>(&func)? {
            HostFuncBox::Dynamic(f) => {
                let n = ty.as_ref().map_or(0, |t| usize::from(t.result.is_some()));
                let mut results = vec![Val::Bool(false); n];
                f(StoreContextMut::new(ctx), args, &mut results)?;
                Ok(results)
            }
            HostFuncBox::Typed(f) => f.call_vals(StoreContextMut::new(ctx), args),
        },
    }
}

pub(super) fn host_func<T: 'static>(
    func: &Arc<dyn Any + Send + Sync>,
) -> Result<&HostFuncBox<T>, Error> {
    func.downcast_ref::<HostFuncBox<T>>()
        .ok_or_else(|| Error::msg("host function belongs to another store type"))
}

fn call_lifted<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    f: &LiftedFunc,
    args: &[Val],
    caller: Option<ComponentInstanceId>,
    path: Path,
) -> Result<Option<Val>, Error> {
    let rt = &mut ctx.data_mut().rt;
    let entering = rt.entering_set(f.instance, caller);
    if entering.iter().any(|i| !rt.instance(*i).may_enter) {
        return trap("cannot enter component instance");
    }
    for i in &entering {
        rt.instance(*i).may_enter = false;
    }
    let task = rt.scheduler.push_task(f.instance, f.opts.is_async);
    let mut started = false;
    let result = run_task(ctx.as_context_mut(), f, args, path, task, &mut started);
    let rt = &mut ctx.data_mut().rt;
    rt.scheduler.pop_task(task);
    // A trap, or any failure once guest code ran, leaves the instance in an
    // unknown state: it stays entered, so later calls trap ("poisoned").
    let poisoned = match &result {
        Ok(_) => false,
        Err(e) => started || e.as_trap().is_some(),
    };
    if !poisoned {
        for i in &entering {
            rt.instance(*i).may_enter = true;
        }
    }
    result
}

fn run_task<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    f: &LiftedFunc,
    args: &[Val],
    path: Path,
    task: super::task::TaskId,
    started: &mut bool,
) -> Result<Option<Val>, Error> {
    let tys: Vec<&Type> = f.ty.params.iter().map(|(_, t)| t).collect();
    let mut cx = Cx::new(ctx.as_context_mut(), f.opts.clone(), f.instance, path);
    cx.borrow_scope = Some(task);
    let flat_args = abi::lower_flat_values(&mut cx, MAX_FLAT_PARAMS, args, &tys)?;
    let mut flat_results: Vec<CoreVal> = f.core_results.iter().map(engine::default_val).collect();
    *started = true;
    Thread::start(ctx.as_context_mut(), &f.core, &flat_args, &mut flat_results)?
        .run_to_completion(ctx.as_context_mut(), &mut flat_results)?;
    if let Some(callback) = f.opts.callback {
        drive_callback(ctx.as_context_mut(), callback, &flat_results)?;
    }
    let result = if f.opts.is_async {
        // A stackful async export returns its value through `task.return`;
        // without the scheduler it must have done so before finishing.
        match ctx.data_mut().rt.scheduler.task_mut(task)?.returned.take() {
            Some(v) => v,
            None => return trap("async export finished without calling `task.return`"),
        }
    } else {
        let mut cx = Cx::new(ctx.as_context_mut(), f.opts.clone(), f.instance, path);
        abi::lift_results(&mut cx, &flat_results, f.ty.result.as_ref())?
    };
    ctx.data_mut().rt.scheduler.check_returned(task)?;
    if let Some(post_return) = f.opts.post_return {
        ctx.data_mut().rt.instance(f.instance).may_leave = false;
        let r = engine::call_plain(ctx.as_context_mut(), &post_return, &flat_results, &mut []);
        ctx.data_mut().rt.instance(f.instance).may_leave = true;
        r?;
    }
    Ok(result)
}

/// Runs the callback loop of an async export lifted with `callback`
/// (CanonicalABI.md, `canon lift`): `EXIT` ends it, `YIELD` calls back at
/// once with no event since no other thread can be waiting today, and
/// `WAIT` needs waitable sets, which the async scheduler brings. A guest
/// that keeps yielding is waiting for another task, which cannot exist
/// yet, so after `MAX_YIELDS` the call fails instead of spinning forever.
fn drive_callback<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    callback: CoreFunc,
    first: &[CoreVal],
) -> Result<(), Error> {
    const EXIT: u32 = 0;
    const YIELD: u32 = 1;
    const WAIT: u32 = 2;
    /// `EventCode.NONE`.
    const EVENT_NONE: i32 = 0;
    const MAX_YIELDS: u32 = 10_000;
    let mut yields = 0;
    let mut packed = match first.first() {
        Some(CoreVal::I32(p)) => *p as u32,
        _ => return trap("async callback export returned no status"),
    };
    loop {
        match packed & 0xf {
            EXIT => return Ok(()),
            YIELD if yields < MAX_YIELDS => yields += 1,
            YIELD => {
                return Err(CallError::Unsupported(
                    "yielding to other tasks needs the async scheduler".into(),
                )
                .into());
            }
            WAIT => {
                return Err(CallError::Unsupported(
                    "waiting on a waitable set needs the async scheduler".into(),
                )
                .into());
            }
            _ => return trap("unsupported callback code"),
        }
        let args = [CoreVal::I32(EVENT_NONE), CoreVal::I32(0), CoreVal::I32(0)];
        let mut out = [CoreVal::I32(0)];
        Thread::start(ctx.as_context_mut(), &callback, &args, &mut out)?
            .run_to_completion(ctx.as_context_mut(), &mut out)?;
        packed = match out[0] {
            CoreVal::I32(p) => p as u32,
            _ => return trap("async callback returned no status"),
        };
    }
}
