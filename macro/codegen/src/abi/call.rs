//! Whole-function shapes: calling an import, implementing an export, and an
//! export's `post-return`.
//!
//! This is where the flattening limits of the canonical ABI apply
//! (`MAX_FLAT_PARAMS` = 16, `MAX_FLAT_RESULTS` = 1, section "Flattening"):
//! wit-parser's `wasm_signature` decides, and this module follows its
//! decision by passing parameters through an argument area and results
//! through a return area.

use super::free::{Owned, owns};
use super::{Emitter, Instruction, Walker, flat_types};
use wit_parser::Function;
use wit_parser::abi::{AbiVariant, WasmSignature};

/// What an import call needs beyond the function itself.
pub struct ImportTarget<'a> {
    /// Core wasm import module name.
    pub module: &'a str,
    /// Core wasm import field name.
    pub name: &'a str,
}

impl<E: Emitter> Walker<'_, E> {
    /// Emits the body of a Rust function that calls the import `func`:
    /// arguments are `GetArg`s in WIT parameter order.
    pub fn call_import(&mut self, func: &Function, target: &ImportTarget<'_>) {
        let sig = self.resolve.wasm_signature(AbiVariant::GuestImport, func);
        self.lower_params(func, sig.indirect_params);
        let ret_area = match (&func.result, sig.retptr) {
            (Some(ty), true) => {
                let area = self
                    .emitter
                    .scratch_area(self.sizes.size(ty), self.sizes.align(ty));
                self.push(area.clone());
                Some(area)
            }
            _ => None,
        };
        self.call_wasm(target, &sig);
        match (&func.result, ret_area) {
            (Some(ty), Some(area)) => self.read_from_memory(ty, area, Default::default()),
            (Some(ty), None) => self.lift(ty),
            (None, _) => {}
        }
        self.emit(&Instruction::Return {
            amt: usize::from(func.result.is_some()),
        });
    }

    /// Lowers the `GetArg`s of an import call: flat, or through an
    /// argument area when `indirect`.
    pub(super) fn lower_params(&mut self, func: &Function, indirect: bool) {
        if indirect {
            let info = self.sizes.record(func.params.iter().map(|p| &p.ty));
            let area = self.emitter.scratch_area(info.size, info.align);
            let offsets = self.sizes.field_offsets(func.params.iter().map(|p| &p.ty));
            for (nth, (offset, ty)) in offsets.into_iter().enumerate() {
                self.emit(&Instruction::GetArg { nth });
                self.write_to_memory(ty, area.clone(), offset);
            }
            self.push(area);
        } else {
            for (nth, param) in func.params.iter().enumerate() {
                self.emit(&Instruction::GetArg { nth });
                self.lower(&param.ty);
            }
        }
    }

    pub(super) fn call_wasm(&mut self, target: &ImportTarget<'_>, sig: &WasmSignature) {
        self.emit(&Instruction::CallWasm {
            module: target.module,
            name: target.name,
            params: &sig.params,
            results: &sig.results,
        });
    }

    /// Emits the body of the core export for `func`: lifts the core
    /// arguments, calls the user's implementation, lowers the result.
    pub fn call_export(&mut self, func: &Function) {
        let sig = self.resolve.wasm_signature(AbiVariant::GuestExport, func);
        self.lift_params(func, sig.indirect_params);
        self.emit(&Instruction::CallInterface {
            func,
            awaited: false,
        });
        match (&func.result, sig.retptr) {
            (Some(ty), true) => {
                let area = self
                    .emitter
                    .scratch_area(self.sizes.size(ty), self.sizes.align(ty));
                self.write_to_memory(ty, area.clone(), Default::default());
                self.push(area);
                self.emit(&Instruction::Return { amt: 1 });
            }
            (Some(ty), false) => {
                self.lower(ty);
                self.emit(&Instruction::Return {
                    amt: sig.results.len(),
                });
            }
            (None, _) => self.emit(&Instruction::Return { amt: 0 }),
        }
    }

    /// Lifts an export's core arguments into its WIT parameters: flat, or
    /// from the argument block the caller passed when `indirect`.
    pub(super) fn lift_params(&mut self, func: &Function, indirect: bool) {
        if indirect {
            // The caller allocated the argument block with our
            // `cabi_realloc`; it is ours to free once read.
            self.emit(&Instruction::GetArg { nth: 0 });
            let area = self.pop_n(1).remove(0);
            let offsets = self.sizes.field_offsets(func.params.iter().map(|p| &p.ty));
            for (offset, ty) in offsets {
                self.read_from_memory(ty, area.clone(), offset);
            }
            let info = self.sizes.record(func.params.iter().map(|p| &p.ty));
            self.push(area);
            self.emit(&Instruction::GuestDeallocate {
                size: info.size,
                align: info.align,
            });
        } else {
            let mut nth = 0;
            for param in &func.params {
                let count = flat_types(self.resolve, &param.ty).map_or(0, |f| f.len());
                for _ in 0..count {
                    self.emit(&Instruction::GetArg { nth });
                    nth += 1;
                }
                self.lift(&param.ty);
            }
        }
    }

    /// Emits the body of `cabi_post_*` for `func`, which receives the
    /// export's return value (the return-area pointer) and frees what the
    /// result owns.
    pub fn post_return(&mut self, func: &Function) {
        let Some(ty) = &func.result else { return };
        self.emit(&Instruction::GetArg { nth: 0 });
        if result_is_one_handle(self.resolve, ty) {
            // Returned flat: the argument is the handle itself.
            self.emit(&Instruction::ErrorContextDrop);
        } else {
            let area = self.pop_n(1).remove(0);
            self.release_result(ty, area, Default::default());
        }
        self.emit(&Instruction::Return { amt: 0 });
    }
}

/// Whether an export of `func` needs a `cabi_post_*` function: its result
/// holds memory to free or `error-context` handles to release.
pub fn needs_post_return(resolve: &wit_parser::Resolve, func: &Function) -> bool {
    func.result
        .as_ref()
        .is_some_and(|ty| owns(resolve, ty, Owned::MemoryAndErrorContexts))
}

/// Whether a result of type `ty` that needs a post-return is returned flat,
/// as one `i32`: then it is an `error-context` handle (anything else a
/// post-return cares about spills to a return area).
fn result_is_one_handle(resolve: &wit_parser::Resolve, ty: &wit_parser::Type) -> bool {
    flat_types(resolve, ty).is_some_and(|flat| flat.len() <= wit_parser::Resolve::MAX_FLAT_RESULTS)
}
