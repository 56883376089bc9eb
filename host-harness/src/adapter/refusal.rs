//! Lowerings of a function lifted in one of the caller's descendants: a
//! module that traps when called.
//!
//! The spec's `entering_set` (CanonicalABI.md, "Component Instances") lets
//! a parent enter its child ("donut wrapping"), but the suite's tests
//! expect such a call to trap, "for now", with `cannot enter component
//! instance` (`async/trap-on-reenter.wast`), as the host path does. Rather
//! than keep the host path for them, such a lowering gets this module: its
//! one function has the caller's `canon lower` core type and makes the
//! spec's first checks in the spec's order (the caller may leave, the
//! callee may be entered), the second of which fails. Its key is that core
//! type alone, so one module serves every such lowering of that type.
//!
//! (A call into the caller's own instance enters nothing, the spec's
//! `entering_set` being empty, and gets an ordinary fused adapter.)

use wasm_encoder::{
    CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, ImportSection,
    Module, TypeSection,
};

use super::compile::{Compiled, EXPORT, Import, val_type};
use crate::engine::{self, CoreAsContextMut, CoreFunc, CoreStore, CoreValType};
use crate::error::trap;
use crate::runtime::ComponentInstanceId;
use crate::runtime::builtins::check_may_leave;
use crate::runtime::lower::lowered_core_type;
use crate::runtime::store::StoreData;
use crate::types::FuncType;

use super::signature::SideOptions;

/// The dedup key of a refusal: the caller's core function type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Refusal {
    params: Vec<CoreValType>,
    results: Vec<CoreValType>,
}

impl Refusal {
    /// The refusal of a lowering at `lower` with the caller's options.
    pub(crate) fn new(lower: &FuncType, caller: SideOptions) -> Self {
        let (params, results) = lowered_core_type(lower, caller.is_async, caller.ptr64());
        Self { params, results }
    }

    /// The module: one import (the host's refusal), one function calling it.
    pub(crate) fn compile(&self) -> Compiled {
        let mut types = TypeSection::new();
        let vals = |ts: &[CoreValType]| ts.iter().copied().map(val_type).collect::<Vec<_>>();
        types.ty().function(vals(&self.params), vals(&self.results));
        types.ty().function([], []);
        let mut imports = ImportSection::new();
        let (module, name) = Import::Refuse.names();
        imports.import(module, name, EntityType::Function(1));
        let mut funcs = FunctionSection::new();
        funcs.function(0);
        let mut exports = ExportSection::new();
        exports.export(EXPORT, ExportKind::Func, 1);
        let mut body = Function::new([]);
        body.instructions().call(0).unreachable().end();
        let mut code = CodeSection::new();
        code.function(&body);
        let mut m = Module::new();
        m.section(&types)
            .section(&imports)
            .section(&funcs)
            .section(&exports)
            .section(&code);
        Compiled {
            bytes: m.finish(),
            imports: vec![Import::Refuse],
        }
    }
}

/// The host half of a refusal in instance `caller`: traps if the caller
/// may not leave, else because the callee may not be entered. Counts the
/// call as an adapted one (it took no host-mediated path).
pub(crate) fn host_func<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    caller: ComponentInstanceId,
) -> CoreFunc {
    engine::host_func(store, &[], &[], move |mut c, _, _| {
        let mut ctx = c.as_context_mut();
        check_may_leave(&mut ctx, caller)?;
        ctx.data_mut().rt.adapter_calls += 1;
        trap("cannot enter component instance")
    })
}
