//! Handles across the boundary (CanonicalABI.md, "Handle types"):
//! `own` moves a handle out of one table and into another; `borrow` lends
//! an owned handle for the duration of a call (counted in `num_lends`) and
//! gives the callee a handle scoped to its task (counted in `num_borrows`).
//! An `error-context` is not moved: the sender keeps its handle and the
//! receiver gets a new handle to the same context.

use super::Cx;
use crate::error::{CallError, Error, trap};
use crate::runtime::handles::{HandleIdx, ResourceHandle, Slot};
use crate::runtime::{ComponentInstanceId, Runtime};
use crate::types::{ResourceRef, ResourceTypeKind};
use crate::values::{ErrorContext, ResourceAny};

/// Lifts the owned handle `i` of the resource `r`, moving it out of the
/// instance's table.
pub(crate) fn lift_own<T>(
    cx: &mut Cx<'_, T>,
    i: u32,
    r: ResourceRef,
) -> Result<ResourceAny, Error> {
    let inst = cx.inst;
    let ty = cx.rt().resolve(inst, r)?;
    let table = &mut cx.rt().instance(inst).handles;
    let h = table.resource(HandleIdx::from_guest(i)?, ty)?;
    if h.num_lends != 0 {
        return trap("cannot remove owned resource while borrowed");
    }
    if !h.own {
        return trap(format!(
            "handle index {i} is a borrow, expected an owned handle"
        ));
    }
    let rep = h.rep;
    table.remove(HandleIdx::from_guest(i)?)?;
    let store = cx.rt().store_id;
    let ticket = cx.rt().hold();
    Ok(ResourceAny {
        ty,
        rep,
        own: true,
        origin: Some((store, Some(ticket))),
    })
}

/// Lifts the handle `i` of the resource `r` as a borrow for the call,
/// lending it if the instance owns it.
pub(crate) fn lift_borrow<T>(
    cx: &mut Cx<'_, T>,
    i: u32,
    r: ResourceRef,
) -> Result<ResourceAny, Error> {
    let inst = cx.inst;
    let ty = cx.rt().resolve(inst, r)?;
    let h = cx
        .rt()
        .instance(inst)
        .handles
        .resource(HandleIdx::from_guest(i)?, ty)?;
    let rep = h.rep;
    if h.own {
        h.num_lends += 1;
        cx.lenders.push(HandleIdx::from_guest(i)?);
    }
    let store = cx.rt().store_id;
    Ok(ResourceAny {
        ty,
        rep,
        own: false,
        origin: Some((store, None)),
    })
}

fn check_type<T>(cx: &mut Cx<'_, T>, any: ResourceAny, r: ResourceRef) -> Result<(), Error> {
    cx.rt().check_origin(&any)?;
    let inst = cx.inst;
    let expected = cx.rt().resolve(inst, r)?;
    if expected != any.ty {
        return Err(CallError::TypeMismatch(
            "resource handle passed at the wrong resource type".into(),
        )
        .into());
    }
    Ok(())
}

/// Lowers the owned resource `any` into a new handle of the instance.
pub(crate) fn lower_own<T>(
    cx: &mut Cx<'_, T>,
    any: ResourceAny,
    r: ResourceRef,
) -> Result<u32, Error> {
    check_type(cx, any, r)?;
    if !any.own {
        return Err(CallError::TypeMismatch("expected an owned resource".into()).into());
    }
    cx.rt().release(&any)?;
    let inst = cx.inst;
    let h = ResourceHandle::own(any.ty, any.rep);
    Ok(cx
        .rt()
        .instance(inst)
        .handles
        .add(Slot::Resource(h))?
        .as_u32())
}

/// Lowers `any` as a borrow for the call: its rep if the instance
/// implements the resource, else a new borrowed handle.
pub(crate) fn lower_borrow<T>(
    cx: &mut Cx<'_, T>,
    any: ResourceAny,
    r: ResourceRef,
) -> Result<u32, Error> {
    check_type(cx, any, r)?;
    let inst = cx.inst;
    // A borrow given to the resource's own implementation is just its rep.
    if let ResourceTypeKind::Guest(g) = any.ty.0
        && cx.rt().guest_resource(g).instance == inst
    {
        return Ok(any.rep);
    }
    let scope = cx.borrow_scope;
    let h = ResourceHandle::borrow(any.ty, any.rep, scope);
    let idx = cx.rt().instance(inst).handles.add(Slot::Resource(h))?;
    if let Some(task) = scope {
        cx.rt().scheduler.task_mut(task)?.num_borrows += 1;
    }
    Ok(idx.as_u32())
}

/// The spec's `lift_error_context`: the error context at handle `i` of
/// `inst`, which keeps its handle.
pub(crate) fn lift_error_context(
    rt: &mut Runtime,
    inst: ComponentInstanceId,
    i: HandleIdx,
) -> Result<ErrorContext, Error> {
    let message = crate::runtime::concurrency::builtins::error_context(rt, inst, i)?;
    Ok(ErrorContext::new(message))
}

/// The spec's `lower_error_context`: a new handle in `inst`'s table to the
/// error context `e`.
pub(crate) fn lower_error_context(
    rt: &mut Runtime,
    inst: ComponentInstanceId,
    e: &ErrorContext,
) -> Result<HandleIdx, Error> {
    let slot = Slot::ErrorContext(e.debug_message().to_string());
    rt.instance(inst).handles.add(slot)
}
