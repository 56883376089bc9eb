//! [`ComponentValue`] for the compound types and resources: `Vec`,
//! `Option`, `Result`, [`ResourceAny`] and [`Resource`].
//!
//! Lists, options and results lift and lower themselves directly, element
//! by element or case by case, through their payload's own direct methods;
//! resources do the handle-table work of `crate::abi` on the handle index
//! directly, with no [`Val`] in between.

#![allow(
    private_interfaces,
    reason = "the direct-ABI methods name crate-private types; see `ComponentValue`"
)]

use super::scalars::{pop_pair, push_pair};
use super::{ComponentValue, from_payload, into_payload, mismatch, payload_matches, wrong_type};
use crate::abi::{self, Cx, FlatIter};
use crate::engine::CoreVal;
use crate::error::Error;
use crate::types::Type;
use crate::values::{Resource, ResourceAny, Val};

fn list_elem(ty: &Type) -> Result<&Type, Error> {
    match ty {
        Type::List(elem) => Ok(elem),
        other => wrong_type("Vec", other),
    }
}

impl<T: ComponentValue> ComponentValue for Vec<T> {
    fn typecheck(ty: &Type) -> bool {
        matches!(ty, Type::List(t) if T::typecheck(t))
    }
    fn into_val(self) -> Val {
        Val::List(self.into_iter().map(T::into_val).collect())
    }
    fn from_val(val: Val) -> Result<Self, Error> {
        match val {
            Val::List(vs) => vs.into_iter().map(T::from_val).collect(),
            other => mismatch("a list", &other),
        }
    }
    fn describe() -> String {
        format!("list<{}>", T::describe())
    }
    fn lift_flat<D>(cx: &mut Cx<'_, D>, src: &mut FlatIter<'_>, ty: &Type) -> Result<Self, Error> {
        let (ptr, len) = pop_pair(cx, src)?;
        T::load_list(cx, ptr, len, list_elem(ty)?)
    }
    fn load<D>(cx: &mut Cx<'_, D>, ptr: u64, ty: &Type) -> Result<Self, Error> {
        let (ptr, len) = abi::load_pair(cx, ptr)?;
        T::load_list(cx, ptr, len, list_elem(ty)?)
    }
    fn lower_flat<D>(
        self,
        cx: &mut Cx<'_, D>,
        ty: &Type,
        out: &mut Vec<CoreVal>,
    ) -> Result<(), Error> {
        let pair = T::store_list(self, cx, list_elem(ty)?)?;
        push_pair(cx, pair, out);
        Ok(())
    }
    fn store<D>(self, cx: &mut Cx<'_, D>, ty: &Type, ptr: u64) -> Result<(), Error> {
        let (p, l) = T::store_list(self, cx, list_elem(ty)?)?;
        abi::store_pair(cx, ptr, p, l)
    }
}

/// Lifts a variant case's payload: `V` from `ty`, or `()` when the case
/// has none.
fn lift_payload<V: ComponentValue, D>(
    cx: &mut Cx<'_, D>,
    flat: &[CoreVal],
    ty: Option<&Type>,
) -> Result<V, Error> {
    match ty {
        Some(t) => V::lift_flat(cx, &mut FlatIter::new(flat), t),
        None => V::from_val(Val::Tuple(Vec::new())),
    }
}

fn load_payload<V: ComponentValue, D>(
    cx: &mut Cx<'_, D>,
    ptr: u64,
    ty: Option<&Type>,
) -> Result<V, Error> {
    match ty {
        Some(t) => V::load(cx, ptr, t),
        None => V::from_val(Val::Tuple(Vec::new())),
    }
}

/// Lowers a case payload; a case without one takes only `()`, which
/// the link-time type check guarantees.
fn lower_payload<V: ComponentValue, D>(
    v: V,
    cx: &mut Cx<'_, D>,
    ty: Option<&Type>,
    out: &mut Vec<CoreVal>,
) -> Result<(), Error> {
    match ty {
        Some(t) => v.lower_flat(cx, t, out),
        None => Ok(()),
    }
}

fn store_payload<V: ComponentValue, D>(
    v: V,
    cx: &mut Cx<'_, D>,
    ty: Option<&Type>,
    ptr: u64,
) -> Result<(), Error> {
    match ty {
        Some(t) => v.store(cx, t, ptr),
        None => Ok(()),
    }
}

fn option_inner(ty: &Type) -> Result<&Type, Error> {
    match ty {
        Type::Option(t) => Ok(t),
        other => wrong_type("Option", other),
    }
}

impl<T: ComponentValue> ComponentValue for Option<T> {
    fn typecheck(ty: &Type) -> bool {
        matches!(ty, Type::Option(t) if T::typecheck(t))
    }
    fn into_val(self) -> Val {
        Val::Option(self.map(|v| Box::new(v.into_val())))
    }
    fn from_val(val: Val) -> Result<Self, Error> {
        match val {
            Val::Option(v) => v.map(|v| T::from_val(*v)).transpose(),
            other => mismatch("an option", &other),
        }
    }
    fn describe() -> String {
        format!("option<{}>", T::describe())
    }
    fn lift_flat<D>(cx: &mut Cx<'_, D>, src: &mut FlatIter<'_>, ty: &Type) -> Result<Self, Error> {
        let (disc, case, flat) = abi::flat_case(cx, src, ty)?;
        match disc {
            0 => Ok(None),
            _ => lift_payload(cx, &flat, case).map(Some),
        }
    }
    fn load<D>(cx: &mut Cx<'_, D>, ptr: u64, ty: &Type) -> Result<Self, Error> {
        let (disc, case, at) = abi::load_case(cx, ptr, ty)?;
        match disc {
            0 => Ok(None),
            _ => load_payload(cx, at, case).map(Some),
        }
    }
    fn lower_flat<D>(
        self,
        cx: &mut Cx<'_, D>,
        ty: &Type,
        out: &mut Vec<CoreVal>,
    ) -> Result<(), Error> {
        let inner = option_inner(ty)?;
        let mut flat = Vec::new();
        let disc = usize::from(self.is_some());
        if let Some(v) = self {
            v.lower_flat(cx, inner, &mut flat)?;
        }
        abi::push_case(ty, cx.ptr64(), disc, &flat, out);
        Ok(())
    }
    fn store<D>(self, cx: &mut Cx<'_, D>, ty: &Type, ptr: u64) -> Result<(), Error> {
        let inner = option_inner(ty)?;
        let at = abi::store_case(cx, ty, usize::from(self.is_some()), ptr)?;
        match self {
            Some(v) => v.store(cx, inner, at),
            None => Ok(()),
        }
    }
}

fn result_cases(ty: &Type) -> Result<(Option<&Type>, Option<&Type>), Error> {
    match ty {
        Type::Result { ok, err } => Ok((ok.as_deref(), err.as_deref())),
        other => wrong_type("Result", other),
    }
}

impl<T: ComponentValue, E: ComponentValue> ComponentValue for Result<T, E> {
    fn typecheck(ty: &Type) -> bool {
        match ty {
            Type::Result { ok, err } => {
                payload_matches::<T>(ok.as_deref()) && payload_matches::<E>(err.as_deref())
            }
            _ => false,
        }
    }
    fn into_val(self) -> Val {
        Val::Result(match self {
            Ok(v) => Ok(into_payload(v)),
            Err(e) => Err(into_payload(e)),
        })
    }
    fn from_val(val: Val) -> Result<Self, Error> {
        match val {
            Val::Result(Ok(v)) => Ok(Ok(from_payload(v)?)),
            Val::Result(Err(e)) => Ok(Err(from_payload(e)?)),
            other => mismatch("a result", &other),
        }
    }
    fn describe() -> String {
        let part = |unit: bool, name: String| if unit { "_".to_string() } else { name };
        format!(
            "result<{}, {}>",
            part(T::IS_UNIT, T::describe()),
            part(E::IS_UNIT, E::describe())
        )
    }
    fn lift_flat<D>(cx: &mut Cx<'_, D>, src: &mut FlatIter<'_>, ty: &Type) -> Result<Self, Error> {
        let (disc, case, flat) = abi::flat_case(cx, src, ty)?;
        Ok(match disc {
            0 => Ok(lift_payload(cx, &flat, case)?),
            _ => Err(lift_payload(cx, &flat, case)?),
        })
    }
    fn load<D>(cx: &mut Cx<'_, D>, ptr: u64, ty: &Type) -> Result<Self, Error> {
        let (disc, case, at) = abi::load_case(cx, ptr, ty)?;
        Ok(match disc {
            0 => Ok(load_payload(cx, at, case)?),
            _ => Err(load_payload(cx, at, case)?),
        })
    }
    fn lower_flat<D>(
        self,
        cx: &mut Cx<'_, D>,
        ty: &Type,
        out: &mut Vec<CoreVal>,
    ) -> Result<(), Error> {
        let (ok, err) = result_cases(ty)?;
        let mut flat = Vec::new();
        let disc = match self {
            Ok(v) => lower_payload(v, cx, ok, &mut flat).map(|()| 0)?,
            Err(e) => lower_payload(e, cx, err, &mut flat).map(|()| 1)?,
        };
        abi::push_case(ty, cx.ptr64(), disc, &flat, out);
        Ok(())
    }
    fn store<D>(self, cx: &mut Cx<'_, D>, ty: &Type, ptr: u64) -> Result<(), Error> {
        let (ok, err) = result_cases(ty)?;
        match self {
            Ok(v) => {
                let at = abi::store_case(cx, ty, 0, ptr)?;
                store_payload(v, cx, ok, at)
            }
            Err(e) => {
                let at = abi::store_case(cx, ty, 1, ptr)?;
                store_payload(e, cx, err, at)
            }
        }
    }
}

impl ComponentValue for ResourceAny {
    fn typecheck(ty: &Type) -> bool {
        matches!(ty, Type::Own(_) | Type::Borrow(_))
    }
    fn into_val(self) -> Val {
        Val::Resource(self)
    }
    fn from_val(val: Val) -> Result<Self, Error> {
        match val {
            Val::Resource(r) => Ok(r),
            other => mismatch("a resource", &other),
        }
    }
    fn describe() -> String {
        "resource".into()
    }
    fn lift_flat<D>(cx: &mut Cx<'_, D>, src: &mut FlatIter<'_>, ty: &Type) -> Result<Self, Error> {
        lift_handle(cx, src.i32()? as u32, ty)
    }
    fn load<D>(cx: &mut Cx<'_, D>, ptr: u64, ty: &Type) -> Result<Self, Error> {
        lift_handle(cx, u32::from_le_bytes(cx.load(ptr)?), ty)
    }
    fn lower_flat<D>(
        self,
        cx: &mut Cx<'_, D>,
        ty: &Type,
        out: &mut Vec<CoreVal>,
    ) -> Result<(), Error> {
        out.push(CoreVal::I32(lower_handle(self, cx, ty)? as i32));
        Ok(())
    }
    fn store<D>(self, cx: &mut Cx<'_, D>, ty: &Type, ptr: u64) -> Result<(), Error> {
        let handle = lower_handle(self, cx, ty)?;
        cx.write(ptr, &handle.to_le_bytes(), "out of bounds memory access")
    }
}

/// Lifts the guest's handle index `i` as the `own` or `borrow` type `ty`.
fn lift_handle<D>(cx: &mut Cx<'_, D>, i: u32, ty: &Type) -> Result<ResourceAny, Error> {
    match ty {
        Type::Own(r) => abi::lift_own(cx, i, *r),
        Type::Borrow(r) => abi::lift_borrow(cx, i, *r),
        other => wrong_type("ResourceAny", other),
    }
}

/// Lowers `any` as the `own` or `borrow` type `ty`; returns the handle index.
fn lower_handle<D>(any: ResourceAny, cx: &mut Cx<'_, D>, ty: &Type) -> Result<u32, Error> {
    match ty {
        Type::Own(r) => abi::lower_own(cx, any, *r),
        Type::Borrow(r) => abi::lower_borrow(cx, any, *r),
        other => wrong_type("ResourceAny", other),
    }
}

impl<R: 'static> ComponentValue for Resource<R> {
    fn typecheck(ty: &Type) -> bool {
        <ResourceAny as ComponentValue>::typecheck(ty)
    }
    fn into_val(self) -> Val {
        Val::Resource(self.into_any())
    }
    fn from_val(val: Val) -> Result<Self, Error> {
        Resource::try_from_any(ResourceAny::from_val(val)?)
    }
    fn describe() -> String {
        format!("resource<{}>", std::any::type_name::<R>())
    }
    fn lift_flat<D>(cx: &mut Cx<'_, D>, src: &mut FlatIter<'_>, ty: &Type) -> Result<Self, Error> {
        Resource::try_from_any(ResourceAny::lift_flat(cx, src, ty)?)
    }
    fn load<D>(cx: &mut Cx<'_, D>, ptr: u64, ty: &Type) -> Result<Self, Error> {
        Resource::try_from_any(ResourceAny::load(cx, ptr, ty)?)
    }
    fn lower_flat<D>(
        self,
        cx: &mut Cx<'_, D>,
        ty: &Type,
        out: &mut Vec<CoreVal>,
    ) -> Result<(), Error> {
        self.into_any().lower_flat(cx, ty, out)
    }
    fn store<D>(self, cx: &mut Cx<'_, D>, ty: &Type, ptr: u64) -> Result<(), Error> {
        self.into_any().store(cx, ty, ptr)
    }
}
