//! The language-neutral canonical ABI walker.
//!
//! [`Walker`] turns a WIT function (or one value) into a sequence of
//! [`Instruction`]s that an [`Emitter`] renders; the Rust backend lives in
//! `crate::render`, but nothing here knows about Rust. The split follows the
//! canonical ABI itself: `flat` is `lower_flat`/`lift_flat`, `memory` is
//! `store`/`load` plus freeing, and `call` orchestrates a whole import,
//! export or `post-return` (flattening limits, argument and return areas).
//!
//! `async_call` adds the async call shapes (`canon lower async`, `canon
//! lift async` with `task.return`) on top of the same value walkers.

mod async_call;
pub mod call;
mod flat;
mod free;
mod instr;
pub mod memory;

pub use call::{ImportTarget, needs_post_return};
pub use instr::{Instruction, MemKind, Prim, Transfer};

use wit_parser::abi::{FlatTypes, WasmType};
use wit_parser::{Alignment, ArchitectureSize, Resolve, SizeAlign, Type};

/// Renders instructions; implemented by a language backend.
pub trait Emitter {
    /// A value on the walker's stack (for Rust: an expression).
    type Operand: Clone;

    /// Renders `inst`, consuming `operands` (exactly `inst.arity().0`) and
    /// pushing exactly `inst.arity().1` values onto `results`.
    fn emit(
        &mut self,
        inst: &Instruction<'_>,
        operands: &mut Vec<Self::Operand>,
        results: &mut Vec<Self::Operand>,
    );

    /// Starts a nested block (a list element or a variant case).
    fn push_block(&mut self);

    /// Ends the innermost block, which leaves `operands` as its values.
    fn finish_block(&mut self, operands: &mut Vec<Self::Operand>);

    /// Scratch memory of the given size: a return area or argument area.
    fn scratch_area(&mut self, size: ArchitectureSize, align: Alignment) -> Self::Operand;

    /// Whether `list<elem>` can be passed as a plain slice of Rust values.
    fn is_list_canonical(&self, elem: &Type) -> bool;

    /// Loading named type `id` from `addr + offset` as one call to a
    /// helper shared by every place that loads it, instead of walking it
    /// here; `None` walks it in place.
    fn shared_load(
        &mut self,
        id: wit_parser::TypeId,
        addr: &Self::Operand,
        offset: ArchitectureSize,
    ) -> Option<Self::Operand> {
        let _ = (id, addr, offset);
        None
    }
}

/// Walks WIT types and functions, emitting checked instructions.
pub struct Walker<'a, E: Emitter> {
    resolve: &'a Resolve,
    sizes: &'a SizeAlign,
    emitter: &'a mut E,
    stack: Vec<E::Operand>,
    /// Scratch for each instruction's operands and results, kept between
    /// instructions: a pair of fresh vectors each was a tenth of the
    /// allocations of an expansion.
    operands: Vec<E::Operand>,
    results: Vec<E::Operand>,
    transfer: Transfer,
}

impl<'a, E: Emitter> Walker<'a, E> {
    /// A walker over `resolve`, lowering with `transfer` semantics.
    pub fn new(
        resolve: &'a Resolve,
        sizes: &'a SizeAlign,
        emitter: &'a mut E,
        transfer: Transfer,
    ) -> Self {
        Walker {
            resolve,
            sizes,
            emitter,
            stack: Vec::new(),
            operands: Vec::new(),
            results: Vec::new(),
            transfer,
        }
    }

    /// Emits `inst`, checking that the stack holds enough operands and
    /// that the emitter pushed exactly what the instruction declares.
    fn emit(&mut self, inst: &Instruction<'_>) {
        let (pops, pushes) = inst.arity();
        assert!(
            self.stack.len() >= pops,
            "ABI walker underflow on {inst:?}: need {pops}, have {}",
            self.stack.len()
        );
        let at = self.stack.len() - pops;
        self.operands.clear();
        self.operands.extend(self.stack.drain(at..));
        self.results.clear();
        self.emitter
            .emit(inst, &mut self.operands, &mut self.results);
        assert_eq!(
            self.results.len(),
            pushes,
            "emitter pushed the wrong number of values for {inst:?}"
        );
        self.stack.append(&mut self.results);
    }

    fn push_block(&mut self) {
        self.emitter.push_block();
    }

    /// Ends a block that left `amt` values on the stack.
    fn finish_block(&mut self, amt: usize) {
        assert!(self.stack.len() >= amt, "block left too few values");
        let mut operands = self.stack.split_off(self.stack.len() - amt);
        self.emitter.finish_block(&mut operands);
    }

    fn push(&mut self, operand: E::Operand) {
        self.stack.push(operand);
    }

    fn pop_n(&mut self, n: usize) -> Vec<E::Operand> {
        assert!(self.stack.len() >= n, "ABI walker underflow");
        self.stack.split_off(self.stack.len() - n)
    }
}

/// The flat core types of `ty`, or `None` past the flattening limit.
pub fn flat_types(resolve: &Resolve, ty: &Type) -> Option<Vec<WasmType>> {
    let mut storage = [WasmType::I32; Resolve::MAX_FLAT_PARAMS];
    let mut flat = FlatTypes::new(&mut storage);
    if resolve.push_flat(ty, &mut flat) {
        Some(flat.to_vec())
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
