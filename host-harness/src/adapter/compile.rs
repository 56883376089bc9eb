//! The `wasm-encoder` module of one adapter signature.
//!
//! The module imports what it needs (intrinsics, the two sides' memories,
//! the callee's core function and post-return) and exports one function,
//! `adapter`, with the caller's `canon lower` core signature. Its body
//! follows the spec's order for a synchronous call (CanonicalABI.md,
//! `canon_lower` into `canon_lift`): enter the callee, move the arguments
//! across (flat, or as a spilled tuple past 16 flat values), call the
//! callee's core function, move the result back (flat, or from the
//! callee's return area into the caller's), let the callee's `post-return`
//! run once the result has been read, and leave. A call that moves no
//! handles enters and leaves on a fast path in wasm when the flags allow
//! it, its Task made only if host code needs it (`runtime::lazy`); else
//! the host's `enter` and `exit` steps do it. When the scheduler runs
//! the callee (an `async` type or lift), the adapter asks it to start the
//! call, moves the arguments (from an `async` caller: at most 4 flat, else
//! from its memory), and hands the running, blocking and result to it; a
//! call it holds back is deferred, and a second exported function, `start`,
//! moves the arguments when the scheduler starts it (the spec's
//! `on_start`). `values` and `strings` emit the per-type moves.
//!
//! Either side's memory may be 64-bit (memory64): its pointers and
//! lengths, flat or in memory, are then i64, its layouts (`abi::layout`
//! with `ptr64`) and `realloc` signature are its own, and lengths moved to
//! a 32-bit side are checked to fit. The helpers taking a [`Side`] pick
//! the width.

use std::collections::HashMap;

use wasm_encoder::{
    CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, GlobalType,
    ImportSection, InstructionSink, MemoryType, Module, TypeSection, ValType,
};

use super::intrinsics::{self, AdapterTrap, AllocFor, Intrinsic, Side};
use super::signature::AdapterSignature;
use super::values::{Dst, Src};
use crate::abi::layout::{self, MAX_FLAT_ASYNC_PARAMS, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS};
use crate::engine::CoreValType;
use crate::error::Error;
use crate::types::Type;

/// The export name of the adapter function.
pub(crate) const EXPORT: &str = "adapter";

/// The export name of a scheduled adapter's second function: the same
/// parameters, returning the callee's core arguments moved from them, for
/// a call the scheduler held back and starts later.
pub(crate) const START_EXPORT: &str = "start";

/// What an adapter module imports, in import order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Import {
    Intrinsic(Intrinsic),
    /// One side's linear memory.
    Memory(Side),
    /// The callee's lifted core function.
    CalleeFunc,
    /// The callee's `post-return`.
    CalleePostReturn,
    /// One side's `realloc`, which the adapter calls itself.
    Realloc(Side),
    /// One side's `may_leave` flag as a mutable i32 global (1: may leave),
    /// which the adapter clears while that side's `realloc` runs.
    MayLeave(Side),
    /// The host's refusal of a call into a descendant (`refusal`).
    Refuse,
    /// A global of the fast path of a synchronous call (`runtime::lazy`).
    Fast(FastGlobal),
}

/// The globals the fast path of a synchronous call reads and writes
/// (`runtime::lazy::FastImports`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FastGlobal {
    /// Store-wide, mutable i32: the innermost lazy frame's lowering id.
    Top,
    /// Store-wide, mutable i32: 1 while the fast path may be taken.
    Enabled,
    /// Store-wide, mutable i64: the calls that took it.
    Calls,
    /// Immutable i32: this lowering's id (0: it has no fast path).
    Id,
    /// Mutable i32: the lowering id of the frame below this one's.
    Prev,
    /// Mutable i32: the callee's `may_enter` (1: it may be entered).
    CalleeMayEnter,
}

impl FastGlobal {
    fn name(self) -> &'static str {
        match self {
            Self::Top => "top",
            Self::Enabled => "enabled",
            Self::Calls => "calls",
            Self::Id => "id",
            Self::Prev => "prev",
            Self::CalleeMayEnter => "callee-may-enter",
        }
    }

    fn ty(self) -> GlobalType {
        let (val_type, mutable) = match self {
            Self::Id => (ValType::I32, false),
            Self::Calls => (ValType::I64, true),
            Self::Top | Self::Enabled | Self::Prev | Self::CalleeMayEnter => (ValType::I32, true),
        };
        GlobalType {
            val_type,
            mutable,
            shared: false,
        }
    }
}

impl Import {
    /// The import's `(module, name)`.
    pub(crate) fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Intrinsic(which) => (intrinsics::MODULE, which.name()),
            Self::Memory(Side::Caller) => ("caller", "memory"),
            Self::Memory(Side::Callee) => ("callee", "memory"),
            Self::CalleeFunc => ("callee", "func"),
            Self::CalleePostReturn => ("callee", "post-return"),
            Self::Realloc(Side::Caller) => ("caller", "realloc"),
            Self::Realloc(Side::Callee) => ("callee", "realloc"),
            Self::MayLeave(Side::Caller) => ("caller", "may-leave"),
            Self::MayLeave(Side::Callee) => ("callee", "may-leave"),
            Self::Fast(g) => ("fast", g.name()),
            Self::Refuse => (intrinsics::MODULE, "refuse"),
        }
    }
}

/// An encoded adapter module and the imports it expects.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub(crate) bytes: Vec<u8>,
    pub(crate) imports: Vec<Import>,
}

pub(crate) fn val_type(t: CoreValType) -> ValType {
    match t {
        CoreValType::I32 => ValType::I32,
        CoreValType::I64 => ValType::I64,
        CoreValType::F32 => ValType::F32,
        CoreValType::F64 => ValType::F64,
        CoreValType::V128 => ValType::V128,
        CoreValType::FuncRef => ValType::FUNCREF,
        CoreValType::ExternRef => ValType::EXTERNREF,
    }
}

/// The module under construction: imports are added on first use, while
/// the body is emitted, so a signature imports only what it needs.
pub(crate) struct Emitter {
    types: TypeSection,
    imports: ImportSection,
    order: Vec<Import>,
    funcs: u32,
    memories: HashMap<Side, u32>,
    intrinsics: HashMap<Intrinsic, u32>,
    /// Function indices of the sides' `realloc`s, and global indices,
    /// once imported.
    reallocs: HashMap<Side, u32>,
    globals: HashMap<Import, u32>,
    /// The adapter function's parameter count, then its extra locals.
    params: u32,
    locals: Vec<ValType>,
    code: Vec<u8>,
    /// The next entry of `sig.handles` a handle translation uses.
    pub(crate) next_handle: u32,
    /// The caller's first string (its parameters 0 and 1) was checked by
    /// [`Intrinsic::EnterUtf8`]: the first caller-side string move skips
    /// its check.
    pub(crate) first_string_checked: bool,
    pub(crate) sig: AdapterSignature,
    shape: CoreShape,
    /// The first function's locals and body, once a second one is emitted.
    first: Option<(Vec<ValType>, Vec<u8>)>,
}

impl Emitter {
    fn new(sig: AdapterSignature, shape: CoreShape) -> Self {
        Self {
            types: TypeSection::new(),
            imports: ImportSection::new(),
            order: Vec::new(),
            funcs: 0,
            memories: HashMap::new(),
            intrinsics: HashMap::new(),
            reallocs: HashMap::new(),
            globals: HashMap::new(),
            params: 0,
            locals: Vec::new(),
            code: Vec::new(),
            next_handle: 0,
            first_string_checked: false,
            sig,
            shape,
            first: None,
        }
    }

    fn ty(&mut self, params: &[ValType], results: &[ValType]) -> u32 {
        let i = self.types.len();
        self.types
            .ty()
            .function(params.iter().copied(), results.iter().copied());
        i
    }

    fn import_func(&mut self, what: Import, ty: u32) -> u32 {
        let (module, name) = what.names();
        self.imports.import(module, name, EntityType::Function(ty));
        self.order.push(what);
        self.funcs += 1;
        self.funcs - 1
    }

    /// The function index of intrinsic `which`, imported on first use.
    pub(crate) fn intrinsic(&mut self, which: Intrinsic) -> u32 {
        if let Some(i) = self.intrinsics.get(&which) {
            return *i;
        }
        let (p, r) = which.signature(&self.shape);
        let (p, r) = (val_types(&p), val_types(&r));
        let ty = self.ty(&p, &r);
        let i = self.import_func(Import::Intrinsic(which), ty);
        self.intrinsics.insert(which, i);
        i
    }

    /// The memory index of `side`'s memory, imported on first use.
    pub(crate) fn memory(&mut self, side: Side) -> u32 {
        if let Some(i) = self.memories.get(&side) {
            return *i;
        }
        let i = self.memories.len() as u32;
        let (module, name) = Import::Memory(side).names();
        let ty = MemoryType {
            minimum: 0,
            maximum: None,
            memory64: self.wide(side),
            shared: false,
            page_size_log2: None,
        };
        self.imports.import(module, name, EntityType::Memory(ty));
        self.order.push(Import::Memory(side));
        self.memories.insert(side, i);
        i
    }

    /// A fresh local of type `t`.
    pub(crate) fn local(&mut self, t: ValType) -> u32 {
        self.locals.push(t);
        self.params + self.locals.len() as u32 - 1
    }

    /// Whether `side`'s memory is 64-bit: its pointers and lengths are i64.
    pub(crate) fn wide(&self, side: Side) -> bool {
        match side {
            Side::Caller => self.sig.caller.ptr64(),
            Side::Callee => self.sig.callee.ptr64(),
        }
    }

    /// The type of `side`'s pointers and lengths.
    pub(crate) fn ptr_ty(&self, side: Side) -> ValType {
        if self.wide(side) {
            ValType::I64
        } else {
            ValType::I32
        }
    }

    /// A fresh local for a pointer or length of `side`.
    pub(crate) fn ptr_local(&mut self, side: Side) -> u32 {
        let t = self.ptr_ty(side);
        self.local(t)
    }

    /// Pushes `v` as a pointer or length of `side`.
    pub(crate) fn ptr_const(&mut self, side: Side, v: u64) {
        if self.wide(side) {
            self.ins().i64_const(v as i64);
        } else {
            self.ins().i32_const(v as u32 as i32);
        }
    }

    /// Multiplies the two pointer-sized values of `side` on the stack.
    pub(crate) fn ptr_mul(&mut self, side: Side) {
        if self.wide(side) {
            self.ins().i64_mul();
        } else {
            self.ins().i32_mul();
        }
    }

    /// Adds the two pointer-sized values of `side` on the stack.
    pub(crate) fn ptr_add(&mut self, side: Side) {
        if self.wide(side) {
            self.ins().i64_add();
        } else {
            self.ins().i32_add();
        }
    }

    /// Converts the length on the stack from `from`'s width to `to`'s; a
    /// 64-bit length that a 32-bit side cannot hold traps with `oob`.
    pub(crate) fn convert_len(&mut self, from: Side, to: Side, oob: AdapterTrap) {
        match (self.wide(from), self.wide(to)) {
            (false, true) => {
                self.ins().i64_extend_i32_u();
            }
            (true, false) => {
                let l = self.local(ValType::I64);
                self.ins().local_tee(l).i64_const(0xffff_ffff).i64_gt_u();
                self.trap_if(oob);
                self.ins().local_get(l).i32_wrap_i64();
            }
            (false, false) | (true, true) => {}
        }
    }

    /// Converts the byte count on the stack, of `side`'s width, to the
    /// width `memory.copy` between `side` and `other` takes (i64 only
    /// when both memories are 64-bit); the count fits, as it fits in both
    /// memories.
    pub(crate) fn copy_len(&mut self, side: Side, other: Side) {
        if self.wide(side) && !self.wide(other) {
            self.ins().i32_wrap_i64();
        }
    }

    /// Appends instructions to the body.
    pub(crate) fn ins(&mut self) -> InstructionSink<'_> {
        InstructionSink::new(&mut self.code)
    }

    /// Traps with `code`'s message.
    pub(crate) fn trap(&mut self, code: AdapterTrap) {
        let trap = self.intrinsic(Intrinsic::Trap);
        self.ins().i32_const(code as i32).call(trap).unreachable();
    }

    /// Traps with `code` if the i32 on the stack is non-zero.
    pub(crate) fn trap_if(&mut self, code: AdapterTrap) {
        self.ins().if_(wasm_encoder::BlockType::Empty);
        self.trap(code);
        self.ins().end();
    }

    /// Checks that `size` bytes at the pointer in `ptr` (a local of the
    /// side's width) are aligned to `align` and inside `side`'s memory,
    /// trapping with `oob`.
    pub(crate) fn check_range(
        &mut self,
        side: Side,
        ptr: u32,
        align: u32,
        size: SizeOf,
        oob: AdapterTrap,
    ) {
        if self.wide(side) {
            return self.check_range64(side, ptr, align, size, oob);
        }
        if align > 1 {
            self.ins()
                .local_get(ptr)
                .i32_const(align as i32 - 1)
                .i32_and();
            self.trap_if(AdapterTrap::UnalignedPointer);
        }
        let mem = self.memory(side);
        let mut ins = self.ins();
        ins.local_get(ptr).i64_extend_i32_u();
        match size {
            SizeOf::Fixed(n) => {
                ins.i64_const(i64::from(n));
            }
            SizeOf::Elems { len, elem } => {
                ins.local_get(len)
                    .i64_extend_i32_u()
                    .i64_const(i64::from(elem))
                    .i64_mul();
            }
        }
        ins.i64_add()
            .memory_size(mem)
            .i64_extend_i32_u()
            .i64_const(16)
            .i64_shl()
            .i64_gt_u();
        self.trap_if(oob);
    }

    /// [`Emitter::check_range`] in a 64-bit memory, where `ptr + size` may
    /// overflow: the pointer must be at most the memory's size, and the
    /// bytes after it at least `size`.
    fn check_range64(&mut self, side: Side, ptr: u32, align: u32, size: SizeOf, oob: AdapterTrap) {
        if align > 1 {
            self.ins()
                .local_get(ptr)
                .i64_const(i64::from(align) - 1)
                .i64_and()
                .i64_const(0)
                .i64_ne();
            self.trap_if(AdapterTrap::UnalignedPointer);
        }
        let mem = self.memory(side);
        let left = self.local(ValType::I64);
        self.ins()
            .memory_size(mem)
            .i64_const(16)
            .i64_shl()
            .local_get(ptr)
            .i64_sub()
            .local_set(left)
            .local_get(ptr)
            .memory_size(mem)
            .i64_const(16)
            .i64_shl()
            .i64_gt_u();
        self.trap_if(oob);
        match size {
            SizeOf::Fixed(n) => {
                self.ins()
                    .i64_const(i64::from(n))
                    .local_get(left)
                    .i64_gt_u();
            }
            SizeOf::Elems { elem: 0, .. } => return,
            SizeOf::Elems { len, elem } => {
                self.ins()
                    .local_get(len)
                    .local_get(left)
                    .i64_const(i64::from(elem))
                    .i64_div_u()
                    .i64_gt_u();
            }
        }
        self.trap_if(oob);
    }

    /// Calls `side`'s realloc for `bytes` (an i32 on the stack) aligned to
    /// `align`; leaves the new pointer on the stack. As on the host path,
    /// the side may not leave while its realloc runs, and the pointer must
    /// be aligned and its `bytes` inside the side's memory (the trap names
    /// what was allocated).
    pub(crate) fn realloc(&mut self, side: Side, align: u32, what: AllocFor) {
        self.resize(side, None, align, what);
    }

    /// [`Emitter::realloc`] of the block `(ptr, len)` in `old` (two i32
    /// locals) when given, else of a new block.
    pub(crate) fn resize(
        &mut self,
        side: Side,
        old: Option<(u32, u32)>,
        align: u32,
        what: AllocFor,
    ) {
        let bytes = self.ptr_local(side);
        let ptr = self.ptr_local(side);
        self.ins().local_set(bytes);
        let realloc = self.realloc_func(side);
        let may_leave = self.may_leave_global(side);
        self.ins().i32_const(0).global_set(may_leave);
        match old {
            Some((old_ptr, old_len)) => {
                self.ins().local_get(old_ptr).local_get(old_len);
            }
            None => {
                self.ptr_const(side, 0);
                self.ptr_const(side, 0);
            }
        };
        self.ptr_const(side, u64::from(align));
        self.ins()
            .local_get(bytes)
            .call(realloc)
            .local_set(ptr)
            .i32_const(1)
            .global_set(may_leave);
        // A null pointer for a non-empty allocation may be a refused
        // memory growth, which the host names.
        let null = self.intrinsic(Intrinsic::AllocNull(side));
        let wide = self.wide(side);
        let mut ins = self.ins();
        ins.local_get(ptr);
        if wide {
            ins.i64_eqz().local_get(bytes).i64_const(0).i64_ne();
        } else {
            ins.i32_eqz().local_get(bytes).i32_const(0).i32_ne();
        }
        ins.i32_and()
            .if_(wasm_encoder::BlockType::Empty)
            .local_get(bytes)
            .call(null)
            .end();
        let size = SizeOf::Elems {
            len: bytes,
            elem: 1,
        };
        self.check_range(side, ptr, align, size, what.out_of_bounds());
        self.ins().local_get(ptr);
    }

    /// The function index of `side`'s `realloc`, imported on first use.
    fn realloc_func(&mut self, side: Side) -> u32 {
        if let Some(i) = self.reallocs.get(&side) {
            return *i;
        }
        let p = self.ptr_ty(side);
        let ty = self.ty(&[p; 4], &[p]);
        let i = self.import_func(Import::Realloc(side), ty);
        self.reallocs.insert(side, i);
        i
    }

    /// The global index of `side`'s `may_leave` flag, imported on first use.
    fn may_leave_global(&mut self, side: Side) -> u32 {
        let ty = GlobalType {
            val_type: ValType::I32,
            mutable: true,
            shared: false,
        };
        self.global(Import::MayLeave(side), ty)
    }

    /// The global index of fast-path global `g`, imported on first use.
    fn fast_global(&mut self, g: FastGlobal) -> u32 {
        self.global(Import::Fast(g), g.ty())
    }

    fn global(&mut self, what: Import, ty: GlobalType) -> u32 {
        if let Some(i) = self.globals.get(&what) {
            return *i;
        }
        let i = self.globals.len() as u32;
        let (module, name) = what.names();
        self.imports.import(module, name, EntityType::Global(ty));
        self.order.push(what);
        self.globals.insert(what, i);
        i
    }

    /// Ends the adapter function's body and starts the one of the `start`
    /// function, which has the same parameters.
    fn begin_start(&mut self) {
        self.ins().end();
        let locals = std::mem::take(&mut self.locals);
        let code = std::mem::take(&mut self.code);
        self.first = Some((locals, code));
        self.next_handle = 0;
        self.first_string_checked = false;
    }

    fn finish(self, params: &[ValType], results: &[ValType]) -> Compiled {
        self.finish_with_start(params, results, None)
    }

    /// Encodes the module; with `start_results`, the current body is the
    /// `start` function's (see [`Emitter::begin_start`]).
    fn finish_with_start(
        mut self,
        params: &[ValType],
        results: &[ValType],
        start_results: Option<&[ValType]>,
    ) -> Compiled {
        self.ins().end();
        let ty = self.ty(params, results);
        let body = |locals: &[ValType], code: &[u8]| {
            let mut f = Function::new_with_locals_types(locals.iter().copied());
            f.raw(code.iter().copied());
            f
        };
        let mut funcs = FunctionSection::new();
        let mut exports = ExportSection::new();
        let mut code = CodeSection::new();
        exports.export(EXPORT, ExportKind::Func, self.funcs);
        funcs.function(ty);
        match (start_results, self.first.take()) {
            (Some(start_results), Some((locals, first))) => {
                let start_ty = self.ty(params, start_results);
                funcs.function(start_ty);
                exports.export(START_EXPORT, ExportKind::Func, self.funcs + 1);
                code.function(&body(&locals, &first));
                code.function(&body(&self.locals, &self.code));
            }
            (_, _) => {
                code.function(&body(&self.locals, &self.code));
            }
        }
        let mut module = Module::new();
        module
            .section(&self.types)
            .section(&self.imports)
            .section(&funcs)
            .section(&exports)
            .section(&code);
        Compiled {
            bytes: module.finish(),
            imports: self.order,
        }
    }
}

/// A byte count for [`Emitter::check_range`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum SizeOf {
    Fixed(u32),
    /// `len` (a local of the side's width) elements of `elem` bytes each.
    Elems {
        len: u32,
        elem: u32,
    },
}

/// The core signatures of an adapter: the callee's lifted function and
/// the caller's lowered one, each with its side's pointer width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CoreShape {
    pub(crate) callee_params: Vec<CoreValType>,
    pub(crate) callee_results: Vec<CoreValType>,
    pub(crate) caller_params: Vec<CoreValType>,
    pub(crate) caller_results: Vec<CoreValType>,
    /// More than 16 flat parameters: the callee takes a pointer to them.
    pub(crate) spill_params: bool,
    /// More than one flat result: the callee returns a pointer to it.
    pub(crate) spill_result: bool,
    /// The caller passes its parameters through a pointer (past 16 flat
    /// values, or past 4 for an `async` lowering).
    pub(crate) caller_spills: bool,
    /// The caller's result pointer: its parameter index.
    pub(crate) retptr: Option<u32>,
    /// Whether the caller's, and the callee's, memory is 64-bit.
    pub(crate) caller64: bool,
    pub(crate) callee64: bool,
}

impl CoreShape {
    /// Whether `side`'s memory is 64-bit.
    pub(crate) fn wide(&self, side: Side) -> bool {
        match side {
            Side::Caller => self.caller64,
            Side::Callee => self.callee64,
        }
    }

    pub(crate) fn of(sig: &AdapterSignature) -> Self {
        let (caller64, callee64) = (sig.caller.ptr64(), sig.callee.ptr64());
        let params = |ptr64| layout::flatten_all(sig.ty.params.iter().map(|(_, t)| t), ptr64);
        let results = |ptr64| layout::flatten_all(sig.ty.result.iter(), ptr64);
        let (flat_params, flat_results) = (params(caller64), results(caller64));
        let spill_params = flat_params.len() > MAX_FLAT_PARAMS;
        let spill_result = flat_results.len() > MAX_FLAT_RESULTS;
        let callee_ptr = layout::ptr_type(callee64);
        let callee_params = if spill_params {
            vec![callee_ptr]
        } else {
            params(callee64)
        };
        let callee_results = if spill_result {
            vec![callee_ptr]
        } else {
            results(callee64)
        };
        let caller_ptr = layout::ptr_type(caller64);
        // An `async` lowering passes up to 4 flat parameters (else a pointer
        // to them), always takes a result pointer, and returns a status.
        let async_lower = sig.caller.is_async;
        let caller_spills = if async_lower {
            flat_params.len() > MAX_FLAT_ASYNC_PARAMS
        } else {
            spill_params
        };
        let mut caller_params = if caller_spills {
            vec![caller_ptr]
        } else {
            flat_params
        };
        let result_in_memory = spill_result || (async_lower && sig.ty.result.is_some());
        let caller_results = if async_lower {
            vec![CoreValType::I32]
        } else if spill_result {
            vec![]
        } else {
            flat_results
        };
        if result_in_memory {
            caller_params.push(caller_ptr);
        }
        let retptr = result_in_memory.then(|| caller_params.len() as u32 - 1);
        Self {
            callee_params,
            callee_results,
            caller_params,
            caller_results,
            spill_params,
            spill_result,
            caller_spills,
            retptr,
            caller64,
            callee64,
        }
    }
}

fn val_types(ts: &[CoreValType]) -> Vec<ValType> {
    ts.iter().copied().map(val_type).collect()
}

/// Compiles the adapter for `sig`.
///
/// # Errors
///
/// [`CallError::Unsupported`](crate::CallError) for a type the compiler
/// does not translate (every value type is translated today; the error
/// guards a scalar that flattens to no core value).
pub(crate) fn compile(sig: &AdapterSignature) -> Result<Compiled, Error> {
    let shape = CoreShape::of(sig);
    let param_tys: Vec<&Type> = sig.ty.params.iter().map(|(_, t)| t).collect();
    let callee_params = val_types(&shape.callee_params);
    let callee_results = val_types(&shape.callee_results);
    let caller_params = val_types(&shape.caller_params);
    let caller_results = val_types(&shape.caller_results);
    let mut e = Emitter::new(sig.clone(), shape.clone());
    e.params = caller_params.len() as u32;
    let task = e.local(ValType::I32);
    if sig.scheduled {
        // The scheduler may hold the call back: then the adapter defers
        // it, and its `start` function moves the arguments when the task
        // starts.
        let start = e.intrinsic(Intrinsic::AsyncStart);
        let defer = e.intrinsic(Intrinsic::AsyncDefer);
        e.ins()
            .call(start)
            .local_tee(task)
            .i32_const(-1)
            .i32_eq()
            .if_(wasm_encoder::BlockType::Empty);
        for i in 0..caller_params.len() as u32 {
            e.ins().local_get(i);
        }
        e.ins().call(defer).return_().end().local_get(task);
        e.move_params(&param_tys, &shape)?;
        // The scheduler runs the callee; its result comes back through
        // `task.return` and is lowered into the caller there.
        let run = e.intrinsic(if sig.caller.is_async {
            Intrinsic::AsyncReturn
        } else {
            Intrinsic::AsyncBlock
        });
        if let Some(retptr) = shape.retptr {
            e.ins().local_get(retptr);
        }
        e.ins().call(run);
        e.begin_start();
        e.move_params(&param_tys, &shape)?;
        let start_results = callee_params.clone();
        return Ok(e.finish_with_start(&caller_params, &caller_results, Some(&start_results)));
    }
    // A first parameter that is a utf8 string on both sides is checked
    // by the same host call that enters the callee.
    let utf8 = crate::translate::def::StringEncoding::Utf8;
    e.first_string_checked = !shape.caller_spills
        && !shape.caller64
        && param_tys.first() == Some(&&Type::String)
        && (sig.caller.encoding, sig.callee.encoding) == (utf8, utf8);
    // Calls that lend or move no handles (no borrow scope to check at
    // the end) may take the fast path.
    let fast = sig.handles.is_empty();
    if fast {
        e.fast_enter(task);
    }
    if e.first_string_checked {
        let enter = e.intrinsic(Intrinsic::EnterUtf8);
        e.ins()
            .local_get(0)
            .local_get(1)
            .call(enter)
            .local_set(task);
    } else {
        let enter = e.intrinsic(Intrinsic::Enter);
        e.ins().call(enter).local_set(task);
    }
    if fast {
        e.ins().end();
    }
    e.move_params(&param_tys, &shape)?;
    let core_ty = e.ty(&callee_params, &callee_results);
    let callee = e.import_func(Import::CalleeFunc, core_ty);
    e.ins().call(callee);

    // The callee's raw results (for post-return) and the caller's.
    let raw: Vec<u32> = callee_results.iter().map(|t| e.local(*t)).collect();
    for l in raw.iter().rev() {
        e.ins().local_set(*l);
    }
    let mut out = Vec::new();
    if let Some(t) = sig.ty.result.as_ref() {
        match shape.retptr {
            Some(retptr) => e.move_result_to(t, &raw, retptr, shape.spill_result)?,
            None => {
                e.translate(t, Side::Callee, Src::Flat(&raw), Dst::Flat)?;
                out = caller_results.iter().map(|t| e.local(*t)).collect();
                for l in out.iter().rev() {
                    e.ins().local_set(*l);
                }
            }
        }
    }
    if sig.callee.post_return {
        let ret = e.intrinsic(Intrinsic::Return);
        let ty = e.ty(&callee_results, &[]);
        let post_return = e.import_func(Import::CalleePostReturn, ty);
        if fast {
            // The callee may not leave while its `post-return` runs.
            let may_leave = e.may_leave_global(Side::Callee);
            e.lazy_frame(task);
            e.ins().i32_const(0).global_set(may_leave).else_();
        }
        e.ins().local_get(task).call(ret);
        if fast {
            e.ins().end();
        }
        for l in &raw {
            e.ins().local_get(*l);
        }
        e.ins().call(post_return);
    }
    let exit = e.intrinsic(Intrinsic::Exit);
    if fast {
        e.fast_exit(task);
    }
    e.ins().local_get(task).call(exit);
    if fast {
        e.ins().end();
    }
    for l in &out {
        e.ins().local_get(*l);
    }
    Ok(e.finish(&caller_params, &caller_results))
}

impl Emitter {
    /// Opens the fast path's enter (`runtime::lazy`): when the store allows
    /// it, the caller may leave and the callee may be entered, enters the
    /// callee, pushes a lazy frame, counts the call and sets `task` to -1
    /// (no task was made); the caller's first string is still checked
    /// (by a leaf intrinsic, in the same order as the host's `enter`).
    /// Leaves an `else` open for the host's `enter`, which traps as the
    /// spec says when a check fails.
    fn fast_enter(&mut self, task: u32) {
        let enabled = self.fast_global(FastGlobal::Enabled);
        let may_leave = self.may_leave_global(Side::Caller);
        let may_enter = self.fast_global(FastGlobal::CalleeMayEnter);
        let top = self.fast_global(FastGlobal::Top);
        let prev = self.fast_global(FastGlobal::Prev);
        let id = self.fast_global(FastGlobal::Id);
        let calls = self.fast_global(FastGlobal::Calls);
        self.ins()
            .global_get(enabled)
            .global_get(may_leave)
            .i32_and()
            .global_get(may_enter)
            .i32_and()
            .if_(wasm_encoder::BlockType::Empty)
            .i32_const(0)
            .global_set(may_enter)
            .global_get(top)
            .global_set(prev)
            .global_get(id)
            .global_set(top)
            .global_get(calls)
            .i64_const(1)
            .i64_add()
            .global_set(calls)
            .i32_const(-1)
            .local_set(task);
        if self.first_string_checked {
            let check = self.intrinsic(Intrinsic::Utf8Check(Side::Caller));
            self.ins().local_get(0).local_get(1).call(check);
        }
        self.ins().else_();
    }

    /// Opens an `if` taken when this call's frame is still lazy: it took
    /// the fast path (`task` is -1) and no host code made its task since
    /// (the chain's top is still this lowering).
    fn lazy_frame(&mut self, task: u32) {
        let top = self.fast_global(FastGlobal::Top);
        let id = self.fast_global(FastGlobal::Id);
        self.ins()
            .local_get(task)
            .i32_const(-1)
            .i32_eq()
            .global_get(top)
            .global_get(id)
            .i32_eq()
            .i32_and()
            .if_(wasm_encoder::BlockType::Empty);
    }

    /// Opens the fast path's exit: for a lazy frame, lets the callee leave
    /// again (after `post-return`), pops the frame and makes the callee
    /// enterable. Leaves an `else` open for the host's `exit`.
    fn fast_exit(&mut self, task: u32) {
        self.lazy_frame(task);
        if self.sig.callee.post_return {
            let may_leave = self.may_leave_global(Side::Callee);
            self.ins().i32_const(1).global_set(may_leave);
        }
        let may_enter = self.fast_global(FastGlobal::CalleeMayEnter);
        let top = self.fast_global(FastGlobal::Top);
        let prev = self.fast_global(FastGlobal::Prev);
        self.ins()
            .i32_const(1)
            .global_set(may_enter)
            .global_get(prev)
            .global_set(top)
            .else_();
    }

    /// Checks that the spilled tuple of `param_tys` at the caller's pointer
    /// (its parameter 0) is aligned and in bounds; returns the tuple type.
    fn caller_tuple(&mut self, param_tys: &[&Type]) -> (Type, u32, u32) {
        let tuple = Type::Tuple(param_tys.iter().map(|t| (*t).clone()).collect());
        let wide = self.wide(Side::Caller);
        let (align, size) = (
            layout::alignment(&tuple, wide),
            layout::elem_size(&tuple, wide),
        );
        self.check_range(
            Side::Caller,
            0,
            align,
            SizeOf::Fixed(size),
            AdapterTrap::OutOfBounds,
        );
        (tuple, align, size)
    }

    /// Pushes the callee's core parameters, moved from the caller's: flat
    /// to flat, from the caller's memory to flat values (an `async`
    /// lowering past 4), or (past 16 flat values) from the caller's memory
    /// into an area the callee allocates.
    fn move_params(&mut self, param_tys: &[&Type], shape: &CoreShape) -> Result<(), Error> {
        let src = Src::Mem { addr: 0, offset: 0 };
        if shape.spill_params {
            let (tuple, ..) = self.caller_tuple(param_tys);
            let wide = self.wide(Side::Callee);
            let (align, size) = (
                layout::alignment(&tuple, wide),
                layout::elem_size(&tuple, wide),
            );
            let area = self.ptr_local(Side::Callee);
            self.ptr_const(Side::Callee, u64::from(size));
            self.realloc(Side::Callee, align, AllocFor::Spill);
            self.ins().local_set(area);
            let dst = Dst::Mem {
                addr: area,
                offset: 0,
            };
            self.translate(&tuple, Side::Caller, src, dst)?;
            self.ins().local_get(area);
        } else if shape.caller_spills {
            let (tuple, ..) = self.caller_tuple(param_tys);
            self.translate(&tuple, Side::Caller, src, Dst::Flat)?;
        } else {
            let mut next = 0;
            for t in param_tys {
                let n = layout::flat_count(t) as u32;
                let locals: Vec<u32> = (next..next + n).collect();
                next += n;
                self.translate(t, Side::Caller, Src::Flat(&locals), Dst::Flat)?;
            }
        }
        Ok(())
    }

    /// Moves the callee's result (flat in `raw`, or in its return area
    /// when `spilled`) to the caller's result pointer, parameter `retptr`.
    fn move_result_to(
        &mut self,
        t: &Type,
        raw: &[u32],
        retptr: u32,
        spilled: bool,
    ) -> Result<(), Error> {
        let layout_of = |wide| (layout::alignment(t, wide), layout::elem_size(t, wide));
        let (align, size) = layout_of(self.wide(Side::Caller));
        let src = if spilled {
            let area = raw[0];
            let (align, size) = layout_of(self.wide(Side::Callee));
            self.check_range(
                Side::Callee,
                area,
                align,
                SizeOf::Fixed(size),
                AdapterTrap::OutOfBounds,
            );
            Src::Mem {
                addr: area,
                offset: 0,
            }
        } else {
            Src::Flat(raw)
        };
        self.check_range(
            Side::Caller,
            retptr,
            align,
            SizeOf::Fixed(size),
            AdapterTrap::OutOfBounds,
        );
        let dst = Dst::Mem {
            addr: retptr,
            offset: 0,
        };
        self.translate(t, Side::Callee, src, dst)
    }
}
