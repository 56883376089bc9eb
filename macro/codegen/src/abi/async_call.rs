//! Async call shapes (CanonicalABI.md, `canon lower` and `canon lift` with
//! the `async` option).
//!
//! An async-lowered import takes at most `MAX_FLAT_ASYNC_PARAMS` (4) flat
//! arguments before switching to an argument area, always receives its
//! result through a return-area pointer, and returns a subtask status word
//! that [`Instruction::AwaitSubtask`] waits on. An async-lifted export
//! lifts its arguments as a sync export does, awaits the implementation and
//! hands the result to `task.return`, whose parameters are the result's
//! flat values (up to `MAX_FLAT_PARAMS`) or one pointer to them.

use super::{Emitter, Instruction, Walker, flat_types};
use crate::abi::ImportTarget;
use wit_parser::Function;
use wit_parser::abi::{AbiVariant, WasmType};

impl<E: Emitter> Walker<'_, E> {
    /// Emits the body of an `async fn` calling the async-lowered import
    /// `func`; arguments are `GetArg`s in WIT parameter order.
    pub fn call_import_async(&mut self, func: &Function, target: &ImportTarget<'_>) {
        let sig = self
            .resolve
            .wasm_signature(AbiVariant::GuestImportAsync, func);
        self.lower_params(func, sig.indirect_params);
        let ret_area = func.result.as_ref().map(|ty| {
            let area = self
                .emitter
                .scratch_area(self.sizes.size(ty), self.sizes.align(ty));
            self.push(area.clone());
            area
        });
        self.call_wasm(target, &sig);
        self.emit(&Instruction::AwaitSubtask);
        if let (Some(ty), Some(area)) = (&func.result, ret_area) {
            self.read_from_memory(ty, area, Default::default());
        }
        self.emit(&Instruction::Return {
            amt: usize::from(func.result.is_some()),
        });
    }

    /// Emits the body of the task an async-lifted export runs: lift the
    /// arguments, await the implementation, call `task_return` with the
    /// result.
    pub fn call_export_async(&mut self, func: &Function, task_return: &ImportTarget<'_>) {
        let sig = self
            .resolve
            .wasm_signature(AbiVariant::GuestExportAsync, func);
        self.lift_params(func, sig.indirect_params);
        self.emit(&Instruction::CallInterface {
            func,
            awaited: true,
        });
        let params = match &func.result {
            None => Vec::new(),
            Some(ty) => match flat_types(self.resolve, ty) {
                Some(flat) => {
                    self.lower(ty);
                    flat
                }
                None => {
                    let area = self
                        .emitter
                        .scratch_area(self.sizes.size(ty), self.sizes.align(ty));
                    self.write_to_memory(ty, area.clone(), Default::default());
                    self.push(area);
                    vec![WasmType::Pointer]
                }
            },
        };
        self.emit(&Instruction::CallWasm {
            module: task_return.module,
            name: task_return.name,
            params: &params,
            results: &[],
        });
        self.emit(&Instruction::Return { amt: 0 });
    }
}

impl<E: Emitter> Walker<'_, E> {
    /// The body of a payload's `lift(ptr) -> T`: read one value at `ptr`.
    pub fn lift_payload(&mut self, ty: &wit_parser::Type) {
        self.emit(&Instruction::GetArg { nth: 0 });
        let addr = self.pop_n(1).remove(0);
        self.read_from_memory(ty, addr, Default::default());
        self.emit(&Instruction::Return { amt: 1 });
    }

    /// The body of a payload's `lower(value, ptr)`: store `value` at `ptr`,
    /// moving its lists there.
    pub fn lower_payload(&mut self, ty: &wit_parser::Type) {
        self.emit(&Instruction::GetArg { nth: 1 });
        let addr = self.pop_n(1).remove(0);
        self.emit(&Instruction::GetArg { nth: 0 });
        self.write_to_memory(ty, addr, Default::default());
        self.emit(&Instruction::Return { amt: 0 });
    }

    /// The body of a payload's `dealloc_lists(ptr)`: free the lists of the
    /// lowered value at `ptr` (after the reader copied it).
    pub fn free_payload(&mut self, ty: &wit_parser::Type) {
        self.emit(&Instruction::GetArg { nth: 0 });
        let addr = self.pop_n(1).remove(0);
        self.deallocate(ty, addr, Default::default());
        self.emit(&Instruction::Return { amt: 0 });
    }
}
