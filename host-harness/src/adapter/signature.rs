//! The key adapters are deduplicated by, and the rule for which calls get one.
//!
//! Two pairings of a `canon lower` with a `canon lift` share one adapter
//! module when both sides agree on everything the generated code depends
//! on: the component-level function type (which fixes the flat types) and
//! each side's canonical options as far as they shape code (string
//! encoding, whether there is a memory and whether it is 64-bit, realloc,
//! post-return, async). The core items themselves (which memory, which
//! realloc) are imports, supplied per instantiation.

use super::handles::{HandleMove, pair_func};
use crate::abi::layout::{self, MAX_FLAT_ASYNC_PARAMS, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS};
use crate::runtime::RtOptions;
use crate::translate::def::{CanonOptions, StringEncoding};
use crate::types::{FuncType, Type};

/// One side's canonical options, reduced to what the code depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SideOptions {
    pub(crate) encoding: StringEncoding,
    /// `None` without a memory; `Some(true)` for a 64-bit memory.
    pub(crate) memory64: Option<bool>,
    pub(crate) realloc: bool,
    pub(crate) post_return: bool,
    pub(crate) is_async: bool,
    pub(crate) callback: bool,
}

impl SideOptions {
    /// `opts` of one side, whose memory (if any) is 64-bit when `memory64`.
    pub(crate) fn new(opts: &RtOptions, memory64: bool) -> Self {
        Self {
            encoding: opts.encoding,
            memory64: opts.memory.map(|_| memory64),
            realloc: opts.realloc.is_some(),
            post_return: opts.post_return.is_some(),
            is_async: opts.is_async,
            callback: opts.callback.is_some(),
        }
    }

    /// The options `o` as a component binary states them, before
    /// instantiation resolves their core items: the same reduction as
    /// [`SideOptions::new`], given whether the memory (if any) is 64-bit;
    /// `None` if it has one whose width is not known.
    pub(crate) fn of_canon(o: &CanonOptions, memory64: Option<bool>) -> Option<Self> {
        let memory64 = match (o.memory, memory64) {
            (Some(_), Some(wide)) => Some(wide),
            (Some(_), None) => return None,
            (None, _) => None,
        };
        Some(Self {
            encoding: o.encoding,
            memory64,
            realloc: o.realloc.is_some(),
            post_return: o.post_return.is_some(),
            is_async: o.is_async,
            callback: o.callback.is_some(),
        })
    }

    pub(crate) fn ptr64(&self) -> bool {
        self.memory64 == Some(true)
    }
}

/// The dedup key of an adapter module.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct AdapterSignature {
    /// The callee's (lifted) function type.
    pub(crate) ty: FuncType,
    /// The handle positions, with each side's name for the resource.
    pub(crate) handles: Vec<HandleMove>,
    pub(crate) caller: SideOptions,
    pub(crate) callee: SideOptions,
    /// The scheduler runs the callee (see [`AdapterSignature::new`]).
    pub(crate) scheduled: bool,
}

impl AdapterSignature {
    /// The signature of a call lowered at `lower` into a function lifted at
    /// `lift`, if the compiler handles it; otherwise why not (the call then
    /// keeps the host-mediated path), for a callee in an instance without
    /// thread built-ins.
    #[cfg(test)]
    pub(crate) fn new(
        lower: &FuncType,
        lift: &FuncType,
        caller: SideOptions,
        callee: SideOptions,
    ) -> Result<Self, &'static str> {
        Self::with_threads(lower, lift, caller, callee, false)
    }

    /// [`AdapterSignature::new`] of a callee whose instance defines a
    /// cooperative thread built-in when `callee_threads`.
    pub(crate) fn with_threads(
        lower: &FuncType,
        lift: &FuncType,
        caller: SideOptions,
        callee: SideOptions,
        callee_threads: bool,
    ) -> Result<Self, &'static str> {
        let Some(handles) = pair_func(lower, lift) else {
            return Err("the lowered and lifted function types differ");
        };
        // A callee of `async` type may block before it returns, and an
        // async-lifted one returns through `task.return`: the scheduler
        // runs such a callee on its own thread, the adapter only moves the
        // arguments (the result comes back through the host). So does a
        // callee in an instance with cooperative threads, which may switch
        // threads (or block while others are ready) before it returns
        // (`concurrency::thread`). Any other sync callee of a sync type
        // never blocks before it returns (it traps instead): a sync call
        // of it is one core call.
        // (The `async` options are valid only on `async` types; both are
        // tested, as the two sides' views come from different places.)
        let scheduled = lift.is_async
            || lower.is_async
            || caller.is_async
            || callee.is_async
            || callee.callback
            || callee_threads;
        let result_moved = !scheduled && lift.result.is_some();
        let moved: Vec<&Type> = lift
            .params
            .iter()
            .map(|(_, t)| t)
            .chain(lift.result.as_ref().filter(|_| result_moved))
            .collect();
        let params = lift.params.iter().map(|(_, t)| t);
        let flat_params = layout::flatten_all(params, false).len();
        let flat_results = layout::flatten_all(lift.result.iter(), false).len();
        let spills =
            flat_params > MAX_FLAT_PARAMS || (result_moved && flat_results > MAX_FLAT_RESULTS);
        // An async lowering passes more than 4 flat parameters, and any
        // result, through the caller's memory.
        let caller_spills =
            caller.is_async && (flat_params > MAX_FLAT_ASYNC_PARAMS || result_moved);
        // A result moved from flat values into the caller's memory (only an
        // async caller of a sync callee, which validation rules out): the
        // compiler does not move variant-like values or flags that way.
        let flat_to_memory = caller.is_async && result_moved && flat_results <= MAX_FLAT_RESULTS;
        if flat_to_memory && moved.iter().any(|t| has_variant(t)) {
            return Err("a variant or flags moved from flat values into memory");
        }
        let both_in_memory = spills || moved.iter().any(|t| uses_memory(t));
        let sides = [
            (caller, both_in_memory || caller_spills),
            (callee, both_in_memory),
        ];
        if sides
            .iter()
            .any(|(s, needs)| *needs && s.memory64.is_none())
        {
            return Err("a side without memory");
        }
        Ok(Self {
            ty: lift.clone(),
            handles,
            caller,
            callee,
            scheduled,
        })
    }

    /// A short readable name, for `WEFT_ADAPTERS_DIR` files.
    pub(crate) fn describe(&self) -> String {
        self.ty.describe()
    }
}

/// Whether `ty` holds a variant-like value or flags (outside lists, whose
/// elements always move memory to memory).
fn has_variant(ty: &Type) -> bool {
    match ty {
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => true,
        Type::Flags(_) => true,
        Type::Record(fields) => fields.iter().any(|(_, t)| has_variant(t)),
        Type::Tuple(ts) => ts.iter().any(has_variant),
        Type::FixedList(t, _) => has_variant(t),
        Type::Bool
        | Type::S8
        | Type::U8
        | Type::S16
        | Type::U16
        | Type::S32
        | Type::U32
        | Type::S64
        | Type::U64
        | Type::F32
        | Type::F64
        | Type::Char
        | Type::String
        | Type::List(_)
        | Type::ErrorContext
        | Type::Own(_)
        | Type::Borrow(_)
        | Type::Future(_)
        | Type::Stream(_)
        | Type::Map(..) => false,
    }
}

/// Whether `ty` has parts in linear memory (strings or lists).
fn uses_memory(ty: &Type) -> bool {
    match ty {
        Type::String | Type::List(_) | Type::Map(..) => true,
        Type::FixedList(t, _) => uses_memory(t),
        Type::Record(fields) => fields.iter().any(|(_, t)| uses_memory(t)),
        Type::Tuple(ts) => ts.iter().any(uses_memory),
        Type::Option(t) => uses_memory(t),
        Type::Variant(cases) => cases
            .iter()
            .any(|(_, t)| t.as_ref().is_some_and(uses_memory)),
        Type::Result { ok, err } => [ok, err]
            .into_iter()
            .any(|t| t.as_deref().is_some_and(uses_memory)),
        Type::Bool
        | Type::S8
        | Type::U8
        | Type::S16
        | Type::U16
        | Type::S32
        | Type::U32
        | Type::S64
        | Type::U64
        | Type::F32
        | Type::F64
        | Type::Char
        | Type::ErrorContext
        | Type::Enum(_)
        | Type::Flags(_)
        | Type::Own(_)
        | Type::Borrow(_)
        | Type::Future(_)
        | Type::Stream(_) => false,
    }
}

/// Whether a list of `ty` can be moved as its bytes: its layout is the
/// same on both sides and every bit pattern is a valid value that the
/// lift-then-lower round trip leaves unchanged (integers, and records or
/// tuples of them; not `bool`, `char` or floats, which are checked or
/// canonicalised).
pub(crate) fn is_byte_copyable(ty: &Type) -> bool {
    match ty {
        Type::S8
        | Type::U8
        | Type::S16
        | Type::U16
        | Type::S32
        | Type::U32
        | Type::S64
        | Type::U64 => true,
        Type::Record(fields) => fields.iter().all(|(_, t)| is_byte_copyable(t)),
        Type::Tuple(ts) => ts.iter().all(is_byte_copyable),
        Type::FixedList(t, _) => is_byte_copyable(t),
        Type::Bool
        | Type::F32
        | Type::F64
        | Type::Char
        | Type::String
        | Type::ErrorContext
        | Type::List(_)
        | Type::Variant(_)
        | Type::Enum(_)
        | Type::Option(_)
        | Type::Result { .. }
        | Type::Flags(_)
        | Type::Own(_)
        | Type::Borrow(_)
        | Type::Future(_)
        | Type::Stream(_)
        | Type::Map(..) => false,
    }
}
