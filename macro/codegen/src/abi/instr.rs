//! The instruction set of the ABI walker.
//!
//! Each [`Instruction`] is one step of lowering a Rust value to core wasm
//! values or memory (or lifting back, or freeing). Instructions are
//! language-neutral: they name WIT types and canonical ABI operations, never
//! Rust syntax. Every instruction declares how many operands it pops and
//! pushes ([`Instruction::arity`]); the walker checks both on every emit so a
//! renderer cannot silently get out of step.
//!
//! Instructions that carry blocks (lists, variants) are preceded by that many
//! `push_block`/`finish_block` pairs on the [`Emitter`](super::Emitter).

use wit_parser::abi::WasmType;
use wit_parser::{
    Alignment, ArchitectureSize, Flags, Function, Handle, Record, Tuple, Type, TypeId, Variant,
};

/// A scalar WIT type that lowers to exactly one core value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prim {
    Bool,
    U8,
    S8,
    U16,
    S16,
    U32,
    S32,
    U64,
    S64,
    F32,
    F64,
    Char,
}

/// How a string or list being lowered relates to its Rust value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transfer {
    /// The value stays with the caller (import arguments): memory is lent
    /// for the call and temporary buffers are freed afterwards.
    Lend,
    /// Ownership moves to the other side (export results): the buffers
    /// are freed by the `cabi_post_*` function.
    Move,
}

/// How a memory access is sized (canonical ABI `load_int`/`store_int`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemKind {
    I32,
    I32U8,
    I32S8,
    I32U16,
    I32S16,
    I64,
    F32,
    F64,
    Pointer,
    Length,
}

/// One step of the canonical ABI, see the module docs.
#[derive(Debug)]
pub enum Instruction<'a> {
    /// Push the `nth` argument of the function being generated.
    GetArg {
        nth: usize,
    },
    /// Push zeros of the given core types (variant payload padding).
    ConstZero {
        tys: &'a [WasmType],
    },
    /// Reinterpret each operand from one core type to another, pairwise
    /// (variant payload joining, canonical ABI `lower_flat_variant`).
    Bitcasts {
        casts: Vec<(WasmType, WasmType)>,
    },
    /// Materialise operands so they can be used more than once.
    Flush {
        amt: usize,
    },
    LowerPrim {
        prim: Prim,
    },
    LiftPrim {
        prim: Prim,
    },
    /// `[addr] -> [value]`.
    Load {
        kind: MemKind,
        offset: ArchitectureSize,
    },
    /// `[value, addr] -> []`.
    Store {
        kind: MemKind,
        offset: ArchitectureSize,
    },
    /// `[string] -> [ptr, len]`.
    StringLower {
        transfer: Transfer,
    },
    /// `[ptr, len] -> [string]`.
    StringLift,
    /// A list whose elements have the same layout in Rust and in the
    /// canonical ABI and every bit pattern valid: `[list] -> [ptr, len]`.
    ListCanonLower {
        transfer: Transfer,
    },
    ListCanonLift {
        elem: &'a Type,
    },
    /// Any other list; one block stores [`Instruction::IterElem`] at
    /// [`Instruction::IterBasePointer`]. `[list] -> [ptr, len]`.
    ListLower {
        elem: &'a Type,
        transfer: Transfer,
    },
    /// One block loads an element from `IterBasePointer`. `[ptr, len] -> [list]`.
    ListLift {
        elem: &'a Type,
    },
    /// Like `ListLower` for `map<K, V>`, whose block stores `IterMapKey`
    /// and `IterMapValue`.
    MapLower {
        key: &'a Type,
        value: &'a Type,
        transfer: Transfer,
    },
    /// One block pushes a key and a value. `[ptr, len] -> [map]`.
    MapLift {
        key: &'a Type,
        value: &'a Type,
    },
    IterElem,
    /// Inside a variant-lowering block: the case's payload.
    VariantPayload,
    /// A constant core `i32` (a variant tag being stored).
    I32Const {
        val: i32,
    },
    IterMapKey,
    IterMapValue,
    IterBasePointer,
    FixedListLower {
        size: u32,
    },
    FixedListLift {
        size: u32,
    },
    RecordLower {
        record: &'a Record,
        ty: TypeId,
    },
    RecordLift {
        record: &'a Record,
        ty: TypeId,
    },
    TupleLower {
        tuple: &'a Tuple,
    },
    TupleLift {
        tuple: &'a Tuple,
    },
    FlagsLower {
        flags: &'a Flags,
    },
    FlagsLift {
        flags: &'a Flags,
        ty: TypeId,
    },
    HandleLower {
        handle: &'a Handle,
    },
    HandleLift {
        handle: &'a Handle,
    },
    EnumLower,
    EnumLift {
        ty: TypeId,
    },
    /// One block per case, each leaving `results.len()` values.
    VariantLower {
        variant: &'a Variant,
        ty: TypeId,
        results: &'a [WasmType],
    },
    /// One block per case, each leaving the lifted case value.
    VariantLift {
        variant: &'a Variant,
        ty: TypeId,
    },
    OptionLower {
        results: &'a [WasmType],
    },
    OptionLift,
    ResultLower {
        results: &'a [WasmType],
    },
    ResultLift,
    /// Call the core import; pops its params, pushes its results.
    CallWasm {
        module: &'a str,
        name: &'a str,
        params: &'a [WasmType],
        results: &'a [WasmType],
    },
    /// Call the user's implementation of an export, awaiting it when the
    /// export is bound `async`.
    CallInterface {
        func: &'a Function,
        awaited: bool,
    },
    /// `[value] -> [i32]`: an `error-context`'s handle. The value keeps
    /// its handle under `Lend`; under `Move` it is given up (never dropped).
    ErrorContextLower {
        transfer: Transfer,
    },
    /// `[i32] -> [value]`: take ownership of an `error-context` handle.
    ErrorContextLift,
    /// `[i32] -> []`: release an `error-context` handle this component gave
    /// a copy of to its caller (a sync export's result, in post-return).
    ErrorContextDrop,
    /// `[end] -> [i32]`: give a readable end of the `future`/`stream` type
    /// `ty` away (making one first if the reader holds a Rust value).
    AsyncHandleLower {
        ty: TypeId,
    },
    /// `[i32] -> [end]`: take a readable end of the `future`/`stream` type
    /// `ty`.
    AsyncHandleLift {
        ty: TypeId,
    },
    /// `[status] -> []`: wait until the async import call whose status
    /// word this is has returned (see `abi::async_call`).
    AwaitSubtask,
    Return {
        amt: usize,
    },
    /// Free a block the host allocated for us (indirect export params).
    GuestDeallocate {
        size: ArchitectureSize,
        align: Alignment,
    },
    /// `[ptr, len] -> []`
    GuestDeallocateString,
    /// `[ptr, len] -> []`, one block frees an element at `IterBasePointer`.
    GuestDeallocateList {
        elem: &'a Type,
    },
    /// `[ptr, len] -> []`, one block frees an entry at `IterBasePointer`.
    GuestDeallocateMap {
        key: &'a Type,
        value: &'a Type,
    },
    /// `[tag] -> []`, one block per case.
    GuestDeallocateVariant {
        blocks: usize,
    },
}

impl Instruction<'_> {
    /// `(pops, pushes)` of this instruction.
    pub fn arity(&self) -> (usize, usize) {
        use Instruction::*;
        match self {
            GetArg { .. }
            | I32Const { .. }
            | VariantPayload
            | IterElem
            | IterMapKey
            | IterMapValue
            | IterBasePointer => (0, 1),
            ConstZero { tys } => (0, tys.len()),
            Bitcasts { casts } => (casts.len(), casts.len()),
            Flush { amt } => (*amt, *amt),
            LowerPrim { .. } | LiftPrim { .. } | Load { .. } => (1, 1),
            HandleLower { .. } | HandleLift { .. } | EnumLower | EnumLift { .. } => (1, 1),
            ErrorContextLower { .. } | ErrorContextLift => (1, 1),
            ErrorContextDrop => (1, 0),
            AsyncHandleLower { .. } | AsyncHandleLift { .. } => (1, 1),
            Store { .. } => (2, 0),
            StringLower { .. } | ListCanonLower { .. } | ListLower { .. } | MapLower { .. } => {
                (1, 2)
            }
            StringLift | ListCanonLift { .. } | ListLift { .. } | MapLift { .. } => (2, 1),
            FixedListLower { size, .. } => (1, *size as usize),
            FixedListLift { size, .. } => (*size as usize, 1),
            RecordLower { record, .. } => (1, record.fields.len()),
            RecordLift { record, .. } => (record.fields.len(), 1),
            TupleLower { tuple } => (1, tuple.types.len()),
            TupleLift { tuple } => (tuple.types.len(), 1),
            FlagsLower { flags, .. } => (1, flags.repr().count()),
            FlagsLift { flags, .. } => (flags.repr().count(), 1),
            VariantLower { results, .. }
            | OptionLower { results, .. }
            | ResultLower { results, .. } => (1, results.len()),
            VariantLift { .. } | OptionLift | ResultLift => (1, 1),
            CallWasm {
                params, results, ..
            } => (params.len(), results.len()),
            CallInterface { func, .. } => (func.params.len(), usize::from(func.result.is_some())),
            Return { amt } => (*amt, 0),
            AwaitSubtask => (1, 0),
            GuestDeallocate { .. } | GuestDeallocateVariant { .. } => (1, 0),
            GuestDeallocateString | GuestDeallocateList { .. } | GuestDeallocateMap { .. } => {
                (2, 0)
            }
        }
    }
}
