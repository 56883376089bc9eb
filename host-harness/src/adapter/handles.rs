//! Handles inside an adapter (CanonicalABI.md, "Handle types" and the
//! `future`/`stream` lifts): an `own`
//! moves out of the source instance's table into the destination's; a
//! `borrow` is lent for the call (the owner's `num_lends` counts it, the
//! callee's Task counts the borrowed handle) and the lend ends when the
//! adapter exits, after the callee's Task checked that every borrow it got
//! was dropped. A `future` or `stream` end moves like an `own` (the
//! scheduler's `lift_end` checks it may leave, `lower_end` adds it). An
//! `error-context` is copied: the source keeps its handle, the destination
//! gets a new one to the same context.
//!
//! Both steps touch handle tables, which live in the host, so each handle
//! is one call of the `handle` intrinsic with the handle and its index in
//! the signature's [`HandleMove`] table; the host side reuses the host
//! path's `abi::resources` code, so checks and traps are the same.

use wasm_encoder::{MemArg, ValType};

use super::compile::Emitter;
use super::intrinsics::{Intrinsic, Side};
use super::values::{Dst, Src};
use crate::types::{FuncType, ResourceRef, Type};

/// One handle position of a signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum HandleMove {
    /// An `own` or `borrow`, with the resource type as each side's
    /// component names it.
    Resource {
        own: bool,
        caller: ResourceRef,
        callee: ResourceRef,
    },
    /// The readable end of a `future` (or a `stream`): it leaves the
    /// source's table and a new end of the same channel joins the
    /// destination's (the elements themselves stay in the channel), typed
    /// with the element type as the destination's component names it.
    End {
        future: bool,
        caller_elem: Option<Type>,
        callee_elem: Option<Type>,
    },
    /// An `error-context`: the source keeps its handle and the destination
    /// gets a new handle to the same context (it is copied, not moved).
    ErrorContext,
}

/// Whether `lower` (the caller's view) and `lift` (the callee's) are the
/// same type up to which component names each resource; collects the
/// handle positions in the order the compiler meets them.
fn pair(lower: &Type, lift: &Type, out: &mut Vec<HandleMove>) -> bool {
    let opt = |a: Option<&Type>, b: Option<&Type>, out: &mut Vec<HandleMove>| match (a, b) {
        (Some(a), Some(b)) => pair(a, b, out),
        (None, None) => true,
        _ => false,
    };
    match (lower, lift) {
        (Type::Own(caller), Type::Own(callee)) | (Type::Borrow(caller), Type::Borrow(callee)) => {
            out.push(HandleMove::Resource {
                own: matches!(lower, Type::Own(_)),
                caller: *caller,
                callee: *callee,
            });
            true
        }
        // The element types must agree up to resource names; their values
        // are not moved here (the channel moves them later, lifting with
        // the writer's end's type and lowering with the reader's), so their
        // handles take no entries.
        (Type::Future(a), Type::Future(b)) | (Type::Stream(a), Type::Stream(b))
            if opt(a.as_deref(), b.as_deref(), &mut Vec::new()) =>
        {
            out.push(HandleMove::End {
                future: matches!(lower, Type::Future(_)),
                caller_elem: a.as_deref().cloned(),
                callee_elem: b.as_deref().cloned(),
            });
            true
        }
        (Type::ErrorContext, Type::ErrorContext) => {
            out.push(HandleMove::ErrorContext);
            true
        }
        (Type::List(a), Type::List(b)) | (Type::Option(a), Type::Option(b)) => pair(a, b, out),
        (Type::Map(k, v), Type::Map(l, w)) => pair(k, l, out) && pair(v, w, out),
        // Every element of a fixed-length list uses the element type's
        // entries (the compiler moves them one after another, or in a loop,
        // with the same code); an empty one has none.
        (Type::FixedList(a, n), Type::FixedList(b, m)) => {
            n == m && if *n == 0 { a == b } else { pair(a, b, out) }
        }
        (Type::Record(a), Type::Record(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b.iter())
                    .all(|((n, a), (m, b))| n == m && pair(a, b, out))
        }
        (Type::Tuple(a), Type::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(a, b)| pair(a, b, out))
        }
        (Type::Variant(a), Type::Variant(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b.iter())
                    .all(|((n, a), (m, b))| n == m && opt(a.as_ref(), b.as_ref(), out))
        }
        (Type::Result { ok: a, err: e }, Type::Result { ok: b, err: f }) => {
            opt(a.as_deref(), b.as_deref(), out) && opt(e.as_deref(), f.as_deref(), out)
        }
        // Everything else holds no handle the compiler moves: equal or not.
        (a, b) => a == b,
    }
}

/// The handle positions of a call lowered at `lower` into `lift`, or
/// `None` if the two types differ beyond their resource names.
pub(crate) fn pair_func(lower: &FuncType, lift: &FuncType) -> Option<Vec<HandleMove>> {
    let mut out = Vec::new();
    let same = lower.params.len() == lift.params.len()
        && lower
            .params
            .iter()
            .zip(lift.params.iter())
            .all(|((n, a), (m, b))| n == m && pair(a, b, &mut out))
        && match (&lower.result, &lift.result) {
            (Some(a), Some(b)) => pair(a, b, &mut out),
            (None, None) => true,
            _ => false,
        };
    same.then_some(out)
}

impl Emitter {
    /// Moves the handle at `src` (from side `from`) to `dst`.
    pub(crate) fn handle(&mut self, from: Side, src: Src<'_>, dst: Dst) {
        let index = self.next_handle;
        self.next_handle += 1;
        let h = match src {
            Src::Flat(ls) => ls[0],
            Src::Mem { addr, offset } => {
                let mem = self.memory(from);
                let h = self.local(ValType::I32);
                self.ins()
                    .local_get(addr)
                    .i32_load(MemArg {
                        offset: u64::from(offset),
                        align: 2,
                        memory_index: mem,
                    })
                    .local_set(h);
                h
            }
        };
        let intrinsic = self.intrinsic(Intrinsic::Handle(from));
        match dst {
            Dst::Flat => {
                self.ins()
                    .local_get(h)
                    .i32_const(index as i32)
                    .call(intrinsic);
            }
            Dst::Mem { addr, offset } => {
                let mem = self.memory(from.other());
                self.ins()
                    .local_get(addr)
                    .local_get(h)
                    .i32_const(index as i32)
                    .call(intrinsic)
                    .i32_store(MemArg {
                        offset: u64::from(offset),
                        align: 2,
                        memory_index: mem,
                    });
            }
        }
    }
}
