//! Typed host functions ([`LinkerInstance::func_wrap`](crate::LinkerInstance::func_wrap)):
//! a Rust closure over [`ComponentParams`] and a [`ComponentResult`].
//!
//! When a guest calls one through `canon lower`, the parameters are lifted
//! straight from the guest's flat values and memory into the Rust types,
//! and the result is lowered straight back ([`TypedHost::call_lowered`]);
//! no [`Val`] is built. Calls from the host go through `Val`s
//! ([`TypedHost::call_vals`]).

use std::marker::PhantomData;

use super::{ComponentParams, ComponentResult};
use crate::abi::layout::{self, MAX_FLAT_PARAMS};
use crate::abi::{self, Cx, FlatIter, Path};
use crate::engine::{CoreAsContextMut, CoreCtxMut, CoreVal};
use crate::error::Error;
use crate::runtime::store::{StoreContextMut, StoreData};
use crate::runtime::{ComponentInstanceId, RtOptions};
use crate::types::{FuncType, Type};
use crate::values::Val;

/// One `canon lower` of a typed host function: what each call needs,
/// computed once when the lowering is created.
pub(crate) struct LoweredCall {
    pub(crate) caller: ComponentInstanceId,
    pub(crate) opts: RtOptions,
    pub(crate) ty: FuncType,
    /// When the parameters do not fit in `MAX_FLAT_PARAMS` flat values:
    /// the alignment and size of the tuple they are spilled to, and each
    /// field's offset in it.
    spilled_params: Option<(u32, u32, Vec<u32>)>,
    /// Whether the result goes through a caller-provided pointer, passed
    /// as the last flat argument.
    spilled_result: bool,
}

impl LoweredCall {
    pub(crate) fn new(
        caller: ComponentInstanceId,
        opts: RtOptions,
        ty: FuncType,
        ptr64: bool,
        spilled_result: bool,
    ) -> Self {
        let param_tys = ty.params.iter().map(|(_, t)| t);
        let spilled_params =
            (layout::flatten_all(param_tys.clone(), ptr64).len() > MAX_FLAT_PARAMS).then(|| {
                let tuple = Type::Tuple(param_tys.cloned().collect());
                (
                    layout::alignment(&tuple, ptr64),
                    layout::elem_size(&tuple, ptr64),
                    layout::field_offsets(&tuple, ptr64),
                )
            });
        Self {
            caller,
            opts,
            ty,
            spilled_params,
            spilled_result,
        }
    }
}

/// A typed host function with its Rust types erased, so the store can
/// hold it.
pub(crate) trait TypedHost<T>: Send + Sync {
    /// `Ok` if the host's Rust types match `ty`; else the host's type,
    /// rendered like WIT, for the link error.
    fn typecheck(&self, ty: &FuncType) -> Result<(), String>;

    /// A call with dynamic values (from the host, or through a re-export).
    fn call_vals(&self, store: StoreContextMut<'_, T>, args: &[Val]) -> Result<Vec<Val>, Error>;

    /// A call from a guest through `canon lower`: flat core arguments in,
    /// flat core results out.
    fn call_lowered(
        &self,
        ctx: CoreCtxMut<'_, StoreData<T>>,
        call: &LoweredCall,
        args: &[CoreVal],
        rets: &mut [CoreVal],
    ) -> Result<(), Error>;
}

/// `Ok` if parameters `P` and result `R` match `ty`; else the Rust side's
/// type, rendered like WIT, for the link error.
pub(crate) fn signature_check<P: ComponentParams, R: ComponentResult>(
    ty: &FuncType,
) -> Result<(), String> {
    if P::typecheck(&ty.params) && R::typecheck(ty.result.as_ref()) {
        return Ok(());
    }
    Err(match R::describe() {
        r if r.is_empty() => format!("func({})", P::describe()),
        r => format!("func({}) -> {r}", P::describe()),
    })
}

/// A closure `F` taking parameters `P` and returning `R`.
pub(crate) struct TypedHostFunc<F, P, R> {
    f: F,
    marker: PhantomData<fn(P) -> R>,
}

impl<F, P, R> TypedHostFunc<F, P, R> {
    pub(crate) fn new(f: F) -> Self {
        Self {
            f,
            marker: PhantomData,
        }
    }
}

impl<T, F, P, R> TypedHost<T> for TypedHostFunc<F, P, R>
where
    F: Fn(StoreContextMut<'_, T>, P) -> Result<R, Error> + Send + Sync,
    P: ComponentParams,
    R: ComponentResult,
{
    fn typecheck(&self, ty: &FuncType) -> Result<(), String> {
        signature_check::<P, R>(ty)
    }

    fn call_vals(&self, store: StoreContextMut<'_, T>, args: &[Val]) -> Result<Vec<Val>, Error> {
        let params = P::from_vals(args.to_vec())?;
        Ok((self.f)(store, params)?.into_vals())
    }

    fn call_lowered(
        &self,
        mut ctx: CoreCtxMut<'_, StoreData<T>>,
        call: &LoweredCall,
        args: &[CoreVal],
        rets: &mut [CoreVal],
    ) -> Result<(), Error> {
        let (args, retptr) = match (call.spilled_result, args.split_last()) {
            (true, Some((last, rest))) => (rest, Some(abi::core_ptr(last))),
            _ => (args, None),
        };
        let mut cx = Cx::new(
            ctx.as_context_mut(),
            call.opts.clone(),
            call.caller,
            Path::Adapter,
        );
        let mut src = FlatIter::new(args);
        let params = match &call.spilled_params {
            None => P::lift_flat(&mut cx, &mut src, &call.ty.params)?,
            Some((align, size, offsets)) => {
                let ptr = src.ptr(cx.ptr64())?;
                cx.check_ptr(ptr, *align, u64::from(*size))?;
                P::load(&mut cx, ptr, &call.ty.params, offsets)?
            }
        };
        let lenders = std::mem::take(&mut cx.lenders);
        let result = (self.f)(StoreContextMut::new(ctx.as_context_mut()), params)?;
        let mut cx = Cx::new(
            ctx.as_context_mut(),
            call.opts.clone(),
            call.caller,
            Path::Adapter,
        );
        let rty = call.ty.result.as_ref();
        match (retptr, rty) {
            (Some(ptr), Some(t)) => {
                let ptr64 = cx.ptr64();
                cx.check_ptr(
                    ptr,
                    layout::alignment(t, ptr64),
                    u64::from(layout::elem_size(t, ptr64)),
                )?;
                result.store(&mut cx, rty, ptr)?;
            }
            _ => {
                let mut flat = Vec::with_capacity(rets.len());
                result.lower_flat(&mut cx, rty, &mut flat)?;
                for (slot, v) in rets.iter_mut().zip(flat) {
                    *slot = v;
                }
            }
        }
        ctx.data_mut()
            .rt
            .instance(call.caller)
            .handles
            .end_lends(&lenders);
        Ok(())
    }
}
