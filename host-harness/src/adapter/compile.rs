//! The `wasm-encoder` module of one adapter signature.
//!
//! The module imports the intrinsics it needs and the callee's core items,
//! and exports one function, `adapter`, with the caller's `canon lower`
//! core signature. Its body follows the spec's order for a synchronous call
//! (CanonicalABI.md, `canon_lower` into `canon_lift`): enter the callee,
//! move the arguments across, call the callee's core function, move the
//! result back, then let the callee's `post-return` run once the result
//! has been read, and leave.

use wasm_encoder::{
    CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, ImportSection,
    Module, TypeSection, ValType,
};

use super::intrinsics::{self, Intrinsic};
use super::signature::AdapterSignature;
use super::values::{self, Calls};
use crate::abi::layout;
use crate::engine::CoreValType;
use crate::error::Error;

/// The export name of the adapter function.
pub(crate) const EXPORT: &str = "adapter";

/// What an adapter module imports, in import order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Import {
    Intrinsic(Intrinsic),
    /// The callee's lifted core function.
    CalleeFunc,
    /// The callee's `post-return`.
    CalleePostReturn,
}

/// An encoded adapter module and the imports it expects.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub(crate) bytes: Vec<u8>,
    pub(crate) imports: Vec<Import>,
}

fn val_type(t: CoreValType) -> ValType {
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

/// Builds the module's sections as imports are added.
#[derive(Default)]
struct Builder {
    types: TypeSection,
    imports: ImportSection,
    order: Vec<Import>,
}

impl Builder {
    /// Adds a function type, returning its index.
    fn ty(&mut self, params: &[ValType], results: &[ValType]) -> u32 {
        let i = self.types.len();
        self.types
            .ty()
            .function(params.iter().copied(), results.iter().copied());
        i
    }

    /// Imports a function, returning its function index.
    fn import(&mut self, what: Import, module: &str, name: &str, ty: u32) -> u32 {
        let i = self.order.len() as u32;
        self.imports.import(module, name, EntityType::Function(ty));
        self.order.push(what);
        i
    }

    fn intrinsic(&mut self, which: Intrinsic) -> u32 {
        let (p, r) = which.signature();
        let p: Vec<ValType> = p.iter().copied().map(val_type).collect();
        let r: Vec<ValType> = r.iter().copied().map(val_type).collect();
        let ty = self.ty(&p, &r);
        self.import(
            Import::Intrinsic(which),
            intrinsics::MODULE,
            which.name(),
            ty,
        )
    }
}

/// Compiles the adapter for `sig`.
///
/// # Errors
///
/// [`CallError::Unsupported`](crate::CallError) for a type the compiler
/// does not translate (which `AdapterSignature::new` already refuses).
pub(crate) fn compile(sig: &AdapterSignature) -> Result<Compiled, Error> {
    let ptr64 = sig.callee.ptr64();
    let param_tys: Vec<_> = sig.ty.params.iter().map(|(_, t)| t).collect();
    let params: Vec<ValType> = layout::flatten_all(param_tys.iter().copied(), ptr64)
        .into_iter()
        .map(val_type)
        .collect();
    let results: Vec<ValType> = layout::flatten_all(sig.ty.result.iter(), ptr64)
        .into_iter()
        .map(val_type)
        .collect();

    let mut b = Builder::default();
    let enter = b.intrinsic(Intrinsic::Enter);
    let ret = sig
        .callee
        .post_return
        .then(|| b.intrinsic(Intrinsic::Return));
    let exit = b.intrinsic(Intrinsic::Exit);
    let calls = Calls {
        trap: b.intrinsic(Intrinsic::Trap),
    };
    let core_ty = b.ty(&params, &results);
    let callee = b.import(Import::CalleeFunc, "callee", "func", core_ty);
    let post_return = if sig.callee.post_return {
        let ty = b.ty(&results, &[]);
        Some(b.import(Import::CalleePostReturn, "callee", "post-return", ty))
    } else {
        None
    };

    // Locals after the parameters: the task id, then the callee's raw
    // result and the converted one.
    let n = params.len() as u32;
    let task = n;
    let mut locals = vec![(1, ValType::I32)];
    let result_locals = results.first().map(|t| {
        locals.push((2, *t));
        (n + 1, n + 2)
    });
    let mut f = Function::new(locals);
    f.instructions().call(enter).local_set(task);
    for (i, t) in param_tys.iter().enumerate() {
        values::emit_scalar(&mut f, calls, t, i as u32)?;
    }
    f.instructions().call(callee);
    if let (Some((raw, out)), Some(t)) = (result_locals, &sig.ty.result) {
        f.instructions().local_set(raw);
        values::emit_scalar(&mut f, calls, t, raw)?;
        f.instructions().local_set(out);
    }
    if let (Some(ret), Some(post_return)) = (ret, post_return) {
        let mut ins = f.instructions();
        ins.local_get(task).call(ret);
        if let Some((raw, _)) = result_locals {
            ins.local_get(raw);
        }
        ins.call(post_return);
    }
    let mut ins = f.instructions();
    ins.local_get(task).call(exit);
    if let Some((_, out)) = result_locals {
        ins.local_get(out);
    }
    ins.end();

    let adapter_ty = b.ty(&params, &results);
    let index = b.order.len() as u32;
    let mut funcs = FunctionSection::new();
    funcs.function(adapter_ty);
    let mut exports = ExportSection::new();
    exports.export(EXPORT, ExportKind::Func, index);
    let mut code = CodeSection::new();
    code.function(&f);
    let mut module = Module::new();
    module
        .section(&b.types)
        .section(&b.imports)
        .section(&funcs)
        .section(&exports)
        .section(&code);
    Ok(Compiled {
        bytes: module.finish(),
        imports: b.order,
    })
}
