//! Core functions for `canon` built-ins: `resource.new`, `resource.drop`,
//! `resource.rep`, `context.*`, `backpressure.*`, `task.return`, and a
//! trapping stand-in for the async built-ins the scheduler
//! (`runtime::concurrency`) does not implement yet.

use super::handles::{HandleIdx, ResourceHandle, Slot};
use super::host::HostDtorBox;
use super::store::{StoreContextMut, StoreData};
use super::{ComponentInstanceId, RtOptions, flags};
use crate::abi::{self, Cx, Path, layout};
use crate::engine::{
    self, CoreAsContextMut, CoreCtxMut, CoreFunc, CoreFuncType, CoreStore, CoreVal, CoreValType,
};
use crate::error::{Error, trap};
use crate::types::Type;
use crate::types::{ResourceType, ResourceTypeKind};

fn arg_u32(args: &[CoreVal]) -> u32 {
    match args.first() {
        Some(CoreVal::I32(v)) => *v as u32,
        _ => 0,
    }
}

pub(crate) use super::flags::check_may_leave;

pub(crate) fn resource_new<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    inst: ComponentInstanceId,
    ty: ResourceType,
) -> CoreFunc {
    engine::host_func(
        store,
        &[CoreValType::I32],
        &[CoreValType::I32],
        move |mut c, args, rets| {
            let mut ctx = c.as_context_mut();
            check_may_leave(&mut ctx, inst)?;
            let h = ResourceHandle::own(ty, arg_u32(args));
            let i = ctx
                .data_mut()
                .rt
                .instance(inst)
                .handles
                .add(Slot::Resource(h))?;
            rets[0] = CoreVal::I32(i.as_u32() as i32);
            Ok(())
        },
    )
}

pub(crate) fn resource_rep<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    inst: ComponentInstanceId,
    ty: ResourceType,
) -> CoreFunc {
    engine::host_func(
        store,
        &[CoreValType::I32],
        &[CoreValType::I32],
        move |mut c, args, rets| {
            let mut ctx = c.as_context_mut();
            let table = &mut ctx.data_mut().rt.instance(inst).handles;
            let h = table.resource(HandleIdx::from_guest(arg_u32(args))?, ty)?;
            rets[0] = CoreVal::I32(h.rep as i32);
            Ok(())
        },
    )
}

pub(crate) fn resource_drop<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    inst: ComponentInstanceId,
    ty: ResourceType,
) -> CoreFunc {
    engine::host_func(store, &[CoreValType::I32], &[], move |mut c, args, _| {
        let mut ctx = c.as_context_mut();
        check_may_leave(&mut ctx, inst)?;
        let i = HandleIdx::from_guest(arg_u32(args))?;
        let rt = &mut ctx.data_mut().rt;
        let h = rt.instance(inst).handles.resource(i, ty)?.clone();
        if h.num_lends != 0 {
            return trap("cannot remove owned resource while borrowed");
        }
        rt.instance(inst).handles.remove(i)?;
        if !h.own {
            if let Some(scope) = h.borrow_scope {
                let task = rt.scheduler.task_mut(scope)?;
                task.num_borrows = task.num_borrows.saturating_sub(1);
            }
            return Ok(());
        }
        run_dtor(ctx, Some(inst), ty, h.rep)
    })
}

/// Runs the destructor of an owned resource being dropped by `inst`
/// (`None`: by the host).
pub(crate) fn run_dtor<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    inst: Option<ComponentInstanceId>,
    ty: ResourceType,
    rep: u32,
) -> Result<(), Error> {
    match ty.0 {
        ResourceTypeKind::Guest(g) => {
            let res = ctx.data().rt.guest_resource(g);
            let (implementer, dtor) = (res.instance, res.dtor);
            let Some(dtor) = dtor else { return Ok(()) };
            let rt = &ctx.data().rt;
            let entering = rt.entering_set(implementer, inst);
            if !rt.may_enter_set(&entering) {
                return trap("cannot enter component instance");
            }
            flags::set_may_enter_all(&mut ctx, &entering, false);
            let r = engine::call_plain(
                ctx.as_context_mut(),
                &dtor,
                &[CoreVal::I32(rep as i32)],
                &mut [],
            );
            flags::set_may_enter_all(&mut ctx, &entering, true);
            r
        }
        ResourceTypeKind::Host(_) => {
            let dtor = ctx.data().rt.host_dtors.get(&ty).cloned();
            match dtor.and_then(|d| d.downcast::<HostDtorBox<T>>().ok()) {
                Some(d) => (d.0)(StoreContextMut::new(ctx), rep),
                None => Ok(()),
            }
        }
    }
}

/// `context.get`: reads a slot of the current thread's storage.
pub(crate) fn context_get<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    slot: u32,
    wide: bool,
) -> CoreFunc {
    let ty = if wide {
        CoreValType::I64
    } else {
        CoreValType::I32
    };
    engine::host_func(store, &[], &[ty], move |mut c, _, rets| {
        let mut ctx = c.as_context_mut();
        let storage = ctx.data_mut().rt.scheduler.current_storage_mut()?;
        let v = storage.get(slot as usize).copied().unwrap_or(0);
        rets[0] = if wide {
            CoreVal::I64(v as i64)
        } else {
            CoreVal::I32(v as i32)
        };
        Ok(())
    })
}

/// `context.set`: writes a slot of the current thread's storage.
pub(crate) fn context_set<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    slot: u32,
    wide: bool,
) -> CoreFunc {
    let ty = if wide {
        CoreValType::I64
    } else {
        CoreValType::I32
    };
    engine::host_func(store, &[ty], &[], move |mut c, args, _| {
        let mut ctx = c.as_context_mut();
        let v = match args.first() {
            Some(CoreVal::I64(v)) => *v as u64,
            Some(CoreVal::I32(v)) => u64::from(*v as u32),
            _ => 0,
        };
        let storage = ctx.data_mut().rt.scheduler.current_storage_mut()?;
        if let Some(s) = storage.get_mut(slot as usize) {
            *s = v;
        }
        Ok(())
    })
}

/// `backpressure.inc` (`delta` 1) and `backpressure.dec` (`delta` -1).
pub(crate) fn backpressure<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    inst: ComponentInstanceId,
    delta: i32,
) -> CoreFunc {
    engine::host_func(store, &[], &[], move |mut c, _, _| {
        let mut ctx = c.as_context_mut();
        let instance = ctx.data_mut().rt.instance(inst);
        let next = instance.backpressure + delta;
        if !(0..1 << 16).contains(&next) {
            return trap("backpressure counter out of range");
        }
        instance.backpressure = next;
        Ok(())
    })
}

/// `task.return`: records the result of the current (async-lifted) task.
pub(crate) fn task_return<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    inst: ComponentInstanceId,
    result: Option<Type>,
    opts: RtOptions,
) -> CoreFunc {
    let ptr64 = opts
        .memory
        .is_some_and(|m| engine::memory_is_64(&*store, &m));
    let mut params = layout::flatten_all(result.iter(), ptr64);
    if params.len() > layout::MAX_FLAT_PARAMS {
        params = vec![layout::ptr_type(ptr64)];
    }
    engine::host_func(store, &params, &[], move |mut c, args, _| {
        let mut ctx = c.as_context_mut();
        check_may_leave(&mut ctx, inst)?;
        let task = ctx.data_mut().rt.scheduler.current_task_mut()?;
        if !task.is_async || task.inst != inst {
            return trap("`task.return` called outside an async export of this instance");
        }
        if task.resolved {
            return trap("`task.return` called twice");
        }
        let id = task.id;
        let tys: Vec<&Type> = result.iter().collect();
        let mut cx = Cx::new(ctx.as_context_mut(), opts.clone(), inst, Path::Adapter);
        let vals = abi::lift_flat_values(&mut cx, layout::MAX_FLAT_PARAMS, args, &tys)?;
        if ctx.data_mut().rt.scheduler.task_mut(id)?.num_borrows > 0 {
            return trap("borrow handles still remain at the end of the call");
        }
        super::call::resolve(ctx.as_context_mut(), id, vals.into_iter().next())
    })
}

/// A core function of type `ty` that traps: async built-ins load but only
/// the scheduler issue implements them.
/// Like every built-in that leaves the instance, it first checks
/// `may_leave` (so it traps as the spec says during `post-return`).
pub(crate) fn unsupported<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    inst: ComponentInstanceId,
    name: &str,
    ty: &CoreFuncType,
) -> CoreFunc {
    let message = format!("not supported yet: canon built-in `{name}` needs the async scheduler");
    engine::host_func(store, ty.params(), ty.results(), move |mut c, _, _| {
        check_may_leave(&mut c.as_context_mut(), inst)?;
        trap(message.clone())
    })
}
