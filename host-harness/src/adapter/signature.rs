//! The key adapters are deduplicated by, and the rule for which calls get one.
//!
//! Two pairings of a `canon lower` with a `canon lift` share one adapter
//! module when both sides agree on everything the generated code depends
//! on: the component-level function type (which fixes the flat types) and
//! each side's canonical options as far as they shape code (string
//! encoding, whether there is a memory and whether it is 64-bit, realloc,
//! post-return, async). The core items themselves (which memory, which
//! realloc) are imports, supplied per instantiation.

use crate::abi::layout::{self, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS};
use crate::runtime::RtOptions;
use crate::translate::def::StringEncoding;
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

    pub(crate) fn ptr64(&self) -> bool {
        self.memory64 == Some(true)
    }
}

/// The dedup key of an adapter module.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct AdapterSignature {
    pub(crate) ty: FuncType,
    pub(crate) caller: SideOptions,
    pub(crate) callee: SideOptions,
}

impl AdapterSignature {
    /// The signature of a call lowered at `lower` into a function lifted at
    /// `lift`, if the compiler handles it; otherwise why not (the call then
    /// keeps the host-mediated path).
    pub(crate) fn new(
        lower: &FuncType,
        lift: &FuncType,
        caller: SideOptions,
        callee: SideOptions,
    ) -> Result<Self, &'static str> {
        if lower != lift {
            return Err("the lowered and lifted function types differ");
        }
        if caller.is_async || callee.is_async || caller.callback || callee.callback {
            return Err("async calls need the scheduler");
        }
        let params = lift.params.iter().map(|(_, t)| t);
        if layout::flatten_all(params, callee.ptr64()).len() > MAX_FLAT_PARAMS {
            return Err("spilled parameters are not compiled yet");
        }
        if layout::flatten_all(lift.result.iter(), callee.ptr64()).len() > MAX_FLAT_RESULTS {
            return Err("return areas are not compiled yet");
        }
        let all = lift.params.iter().map(|(_, t)| t).chain(lift.result.iter());
        for t in all {
            if !is_scalar(t) {
                return Err("values in memory and handles are not compiled yet");
            }
        }
        Ok(Self {
            ty: lift.clone(),
            caller,
            callee,
        })
    }

    /// A short readable name, for `WEFT_ADAPTERS_DIR` files.
    pub(crate) fn describe(&self) -> String {
        self.ty.describe()
    }
}

/// Whether values of `ty` are one core value moved without memory or handles.
pub(crate) fn is_scalar(ty: &Type) -> bool {
    match ty {
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
        | Type::Char => true,
        Type::String
        | Type::ErrorContext
        | Type::List(_)
        | Type::FixedList(..)
        | Type::Record(_)
        | Type::Tuple(_)
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
