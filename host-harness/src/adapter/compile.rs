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
//! run once the result has been read, and leave. `values` and `strings`
//! emit the per-type moves.

use std::collections::HashMap;

use wasm_encoder::{
    CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, ImportSection,
    InstructionSink, MemoryType, Module, TypeSection, ValType,
};

use super::intrinsics::{self, AdapterTrap, AllocFor, Intrinsic, Side};
use super::signature::AdapterSignature;
use super::values::{Dst, Src};
use crate::abi::layout::{self, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS};
use crate::engine::CoreValType;
use crate::error::Error;
use crate::types::Type;

/// The export name of the adapter function.
pub(crate) const EXPORT: &str = "adapter";

/// What an adapter module imports, in import order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Import {
    Intrinsic(Intrinsic),
    /// One side's linear memory.
    Memory(Side),
    /// The callee's lifted core function.
    CalleeFunc,
    /// The callee's `post-return`.
    CalleePostReturn,
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
    /// The adapter function's parameter count, then its extra locals.
    params: u32,
    locals: Vec<ValType>,
    code: Vec<u8>,
    /// The next entry of `sig.handles` a handle translation uses.
    pub(crate) next_handle: u32,
    pub(crate) sig: AdapterSignature,
}

impl Emitter {
    fn new(sig: AdapterSignature) -> Self {
        Self {
            types: TypeSection::new(),
            imports: ImportSection::new(),
            order: Vec::new(),
            funcs: 0,
            memories: HashMap::new(),
            intrinsics: HashMap::new(),
            params: 0,
            locals: Vec::new(),
            code: Vec::new(),
            next_handle: 0,
            sig,
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
        let (p, r) = which.signature();
        let p: Vec<ValType> = p.iter().copied().map(val_type).collect();
        let r: Vec<ValType> = r.iter().copied().map(val_type).collect();
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
            memory64: false,
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

    /// Checks that `size` bytes at the pointer in `ptr` (an i32 local) are
    /// aligned to `align` and inside `side`'s memory, trapping with `oob`.
    pub(crate) fn check_range(
        &mut self,
        side: Side,
        ptr: u32,
        align: u32,
        size: SizeOf,
        oob: AdapterTrap,
    ) {
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

    /// Calls `side`'s realloc for `bytes` (an i32 on the stack) aligned to
    /// `align`; leaves the new pointer on the stack.
    pub(crate) fn realloc(&mut self, side: Side, align: u32, what: AllocFor) {
        let bytes = self.local(ValType::I32);
        self.ins().local_set(bytes);
        let realloc = self.intrinsic(Intrinsic::Realloc(side));
        self.ins()
            .i32_const(0)
            .i32_const(0)
            .i32_const(align as i32)
            .local_get(bytes)
            .i32_const(what as i32)
            .call(realloc);
    }

    fn finish(mut self, params: &[ValType], results: &[ValType]) -> Compiled {
        self.ins().end();
        let ty = self.ty(params, results);
        let mut f = Function::new_with_locals_types(self.locals.iter().copied());
        f.raw(self.code.iter().copied());
        let mut funcs = FunctionSection::new();
        funcs.function(ty);
        let mut exports = ExportSection::new();
        exports.export(EXPORT, ExportKind::Func, self.funcs);
        let mut code = CodeSection::new();
        code.function(&f);
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
    /// `len` (an i32 local) elements of `elem` bytes each.
    Elems {
        len: u32,
        elem: u32,
    },
}

fn flat(tys: &[&Type]) -> Vec<ValType> {
    layout::flatten_all(tys.iter().copied(), false)
        .into_iter()
        .map(val_type)
        .collect()
}

/// Compiles the adapter for `sig`.
///
/// # Errors
///
/// [`CallError::Unsupported`](crate::CallError) for a type the compiler
/// does not translate (which `AdapterSignature::new` already refuses).
pub(crate) fn compile(sig: &AdapterSignature) -> Result<Compiled, Error> {
    let param_tys: Vec<&Type> = sig.ty.params.iter().map(|(_, t)| t).collect();
    let result_ty = sig.ty.result.as_ref();
    let flat_params = flat(&param_tys);
    let flat_results = flat(&result_ty.into_iter().collect::<Vec<_>>());
    let spill_params = flat_params.len() > MAX_FLAT_PARAMS;
    let spill_result = flat_results.len() > MAX_FLAT_RESULTS;

    // Both sides' core signatures (32-bit memories only, so pointers are i32).
    let callee_params = if spill_params {
        vec![ValType::I32]
    } else {
        flat_params.clone()
    };
    let callee_results = if spill_result {
        vec![ValType::I32]
    } else {
        flat_results.clone()
    };
    let mut caller_params = callee_params.clone();
    let caller_results = if spill_result {
        caller_params.push(ValType::I32);
        vec![]
    } else {
        flat_results.clone()
    };
    let retptr = spill_result.then(|| caller_params.len() as u32 - 1);

    let mut e = Emitter::new(sig.clone());
    e.params = caller_params.len() as u32;
    let enter = e.intrinsic(Intrinsic::Enter);
    let task = e.local(ValType::I32);
    e.ins().call(enter).local_set(task);

    if spill_params {
        let tuple = Type::Tuple(param_tys.iter().map(|t| (*t).clone()).collect());
        let (align, size) = (
            layout::alignment(&tuple, false),
            layout::elem_size(&tuple, false),
        );
        e.check_range(
            Side::Caller,
            0,
            align,
            SizeOf::Fixed(size),
            AdapterTrap::OutOfBounds,
        );
        let area = e.local(ValType::I32);
        e.ins().i32_const(size as i32);
        e.realloc(Side::Callee, align, AllocFor::Spill);
        e.ins().local_set(area);
        let src = Src::Mem { addr: 0, offset: 0 };
        let dst = Dst::Mem {
            addr: area,
            offset: 0,
        };
        e.translate(&tuple, Side::Caller, src, dst)?;
        e.ins().local_get(area);
    } else {
        let mut next = 0;
        for t in &param_tys {
            let n = layout::flat_count(t) as u32;
            let locals: Vec<u32> = (next..next + n).collect();
            next += n;
            e.translate(t, Side::Caller, Src::Flat(&locals), Dst::Flat)?;
        }
    }
    let core_ty = e.ty(&callee_params, &callee_results);
    let callee = e.import_func(Import::CalleeFunc, core_ty);
    e.ins().call(callee);

    // The callee's raw results (for post-return) and the caller's.
    let raw: Vec<u32> = callee_results.iter().map(|t| e.local(*t)).collect();
    for l in raw.iter().rev() {
        e.ins().local_set(*l);
    }
    let mut out = Vec::new();
    if let Some(t) = result_ty {
        if let (true, Some(retptr)) = (spill_result, retptr) {
            let (align, size) = (layout::alignment(t, false), layout::elem_size(t, false));
            let area = raw[0];
            e.check_range(
                Side::Callee,
                area,
                align,
                SizeOf::Fixed(size),
                AdapterTrap::OutOfBounds,
            );
            e.check_range(
                Side::Caller,
                retptr,
                align,
                SizeOf::Fixed(size),
                AdapterTrap::OutOfBounds,
            );
            let src = Src::Mem {
                addr: area,
                offset: 0,
            };
            e.translate(
                t,
                Side::Callee,
                src,
                Dst::Mem {
                    addr: retptr,
                    offset: 0,
                },
            )?;
        } else {
            e.translate(t, Side::Callee, Src::Flat(&raw), Dst::Flat)?;
            out = caller_results.iter().map(|t| e.local(*t)).collect();
            for l in out.iter().rev() {
                e.ins().local_set(*l);
            }
        }
    }
    if sig.callee.post_return {
        let ret = e.intrinsic(Intrinsic::Return);
        let ty = e.ty(&callee_results, &[]);
        let post_return = e.import_func(Import::CalleePostReturn, ty);
        e.ins().local_get(task).call(ret);
        for l in &raw {
            e.ins().local_get(*l);
        }
        e.ins().call(post_return);
    }
    let exit = e.intrinsic(Intrinsic::Exit);
    e.ins().local_get(task).call(exit);
    for l in &out {
        e.ins().local_get(*l);
    }
    Ok(e.finish(&caller_params, &caller_results))
}
