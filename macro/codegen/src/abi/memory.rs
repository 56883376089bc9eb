//! Values in linear memory (canonical ABI `store` / `load`); freeing
//! what they own is in `free`.
//!
//! Offsets come from wit-parser's [`SizeAlign`](wit_parser::SizeAlign) as
//! [`ArchitectureSize`]s, so the same walk serves wasm32 and, later, wasm64.

use super::{Emitter, Instruction, MemKind, Walker};
use wit_parser::{ArchitectureSize, Int, Type, TypeDefKind};

impl<E: Emitter> Walker<'_, E> {
    /// Stores the value on top of the stack at `addr + offset`.
    pub(crate) fn write_to_memory(
        &mut self,
        ty: &Type,
        addr: E::Operand,
        offset: ArchitectureSize,
    ) {
        let resolve = self.resolve;
        let id = match ty {
            Type::String => {
                self.emit(&Instruction::StringLower {
                    transfer: self.transfer,
                });
                return self.store_ptr_len(addr, offset);
            }
            Type::Id(id) => *id,
            // Primitives and `error-context`: one flat value each.
            other => {
                self.lower(other);
                return self.store(scalar_kind(other), addr, offset);
            }
        };
        match &resolve.types[id].kind {
            TypeDefKind::Type(t) => self.write_to_memory(t, addr, offset),
            TypeDefKind::Record(record) => {
                self.emit(&Instruction::RecordLower { record, ty: id });
                self.write_fields(record.fields.iter().map(|f| &f.ty).collect(), addr, offset);
            }
            TypeDefKind::Tuple(tuple) => {
                self.emit(&Instruction::TupleLower { tuple });
                self.write_fields(tuple.types.iter().collect(), addr, offset);
            }
            TypeDefKind::FixedLengthList(elem, size) => {
                self.emit(&Instruction::FixedListLower { size: *size });
                self.write_fields((0..*size).map(|_| elem).collect(), addr, offset);
            }
            TypeDefKind::Flags(flags) => {
                self.emit(&Instruction::FlagsLower { flags });
                let words = flags.repr().count();
                let kind = int_kind(match flags.repr() {
                    wit_parser::FlagsRepr::U8 => Int::U8,
                    wit_parser::FlagsRepr::U16 => Int::U16,
                    wit_parser::FlagsRepr::U32(_) => Int::U32,
                });
                let values = self.pop_n(words);
                for (i, v) in values.into_iter().enumerate() {
                    self.push(v);
                    self.store(kind, addr.clone(), offset.add_bytes(4 * i));
                }
            }
            TypeDefKind::Enum(enum_) => {
                self.emit(&Instruction::EnumLower);
                self.store(int_kind(enum_.tag()), addr, offset);
            }
            TypeDefKind::Handle(handle) => {
                self.emit(&Instruction::HandleLower { handle });
                self.store(MemKind::I32, addr, offset);
            }
            TypeDefKind::List(_) | TypeDefKind::Map(..) => {
                self.lower(ty);
                self.store_ptr_len(addr, offset);
            }
            TypeDefKind::Variant(variant) => {
                let cases: Vec<_> = variant.cases.iter().map(|c| c.ty.as_ref()).collect();
                self.write_cases(variant.tag(), &cases, addr, offset);
                self.emit(&Instruction::VariantLower {
                    variant,
                    ty: id,
                    results: &[],
                });
            }
            TypeDefKind::Option(payload) => {
                self.write_cases(Int::U8, &[None, Some(payload)], addr, offset);
                self.emit(&Instruction::OptionLower { results: &[] });
            }
            TypeDefKind::Result(result) => {
                let cases = [result.ok.as_ref(), result.err.as_ref()];
                self.write_cases(Int::U8, &cases, addr, offset);
                self.emit(&Instruction::ResultLower { results: &[] });
            }
            TypeDefKind::Future(_) | TypeDefKind::Stream(_) => {
                self.emit(&Instruction::AsyncHandleLower { ty: id });
                self.store(MemKind::I32, addr, offset);
            }
            TypeDefKind::Resource | TypeDefKind::Unknown => {}
        }
    }

    fn store(&mut self, kind: MemKind, addr: E::Operand, offset: ArchitectureSize) {
        self.push(addr);
        self.emit(&Instruction::Store { kind, offset });
    }

    /// Stores `[ptr, len]` from the stack as a string/list header.
    fn store_ptr_len(&mut self, addr: E::Operand, offset: ArchitectureSize) {
        let len_offset = offset.add_bytes(0) + ArchitectureSize::new(0, 1);
        self.store(MemKind::Length, addr.clone(), len_offset);
        self.store(MemKind::Pointer, addr, offset);
    }

    fn write_fields(&mut self, tys: Vec<&Type>, addr: E::Operand, offset: ArchitectureSize) {
        let offsets: Vec<_> = self
            .sizes
            .field_offsets(tys.iter().copied())
            .into_iter()
            .map(|(o, _)| o)
            .collect();
        let values = self.pop_n(tys.len());
        for ((value, ty), field_offset) in values.into_iter().zip(tys).zip(offsets) {
            self.push(value);
            self.write_to_memory(ty, addr.clone(), offset + field_offset);
        }
    }

    fn write_cases(
        &mut self,
        tag: Int,
        cases: &[Option<&Type>],
        addr: E::Operand,
        offset: ArchitectureSize,
    ) {
        let payload_offset = offset + self.payload_offset(tag, cases);
        self.each_case(cases, |w, i, case| {
            w.emit(&Instruction::I32Const { val: i as i32 });
            w.store(int_kind(tag), addr.clone(), offset);
            if let Some(payload) = case {
                w.emit(&Instruction::VariantPayload);
                w.write_to_memory(payload, addr.clone(), payload_offset);
            }
            0
        });
    }

    /// One block per case of a variant-like type; `per_case` emits the
    /// block's body and says how many values it leaves.
    pub(super) fn each_case(
        &mut self,
        cases: &[Option<&Type>],
        mut per_case: impl FnMut(&mut Self, usize, Option<&Type>) -> usize,
    ) {
        for (i, case) in cases.iter().enumerate() {
            self.push_block();
            let results = per_case(self, i, *case);
            self.finish_block(results);
        }
    }

    pub(super) fn payload_offset(&self, tag: Int, cases: &[Option<&Type>]) -> ArchitectureSize {
        self.sizes.payload_offset(tag, cases.iter().copied())
    }

    /// Loads a value from `addr + offset` onto the stack (through the
    /// emitter's shared helper when it has one for the type).
    pub(crate) fn read_from_memory(
        &mut self,
        ty: &Type,
        addr: E::Operand,
        offset: ArchitectureSize,
    ) {
        if let Type::Id(id) = ty
            && let Some(value) = self.emitter.shared_load(*id, &addr, offset)
        {
            return self.push(value);
        }
        self.read_in_place(ty, addr, offset);
    }

    /// The body of the shared helper that loads named type `id` from
    /// `addr`: the type walked in place, its value returned.
    pub fn shared_load_body(&mut self, id: wit_parser::TypeId, addr: E::Operand) -> E::Operand {
        self.read_in_place(&Type::Id(id), addr, ArchitectureSize::default());
        self.pop_n(1).remove(0)
    }

    /// [`Self::read_from_memory`] without the shared helper at the top.
    fn read_in_place(&mut self, ty: &Type, addr: E::Operand, offset: ArchitectureSize) {
        let resolve = self.resolve;
        let id = match ty {
            Type::String => {
                self.load_ptr_len(addr, offset);
                return self.emit(&Instruction::StringLift);
            }
            Type::Id(id) => *id,
            other => {
                self.load(scalar_kind(other), addr, offset);
                return self.lift(other);
            }
        };
        match &resolve.types[id].kind {
            TypeDefKind::Type(t) => self.read_from_memory(t, addr, offset),
            TypeDefKind::Record(record) => {
                self.read_fields(record.fields.iter().map(|f| &f.ty).collect(), addr, offset);
                self.emit(&Instruction::RecordLift { record, ty: id });
            }
            TypeDefKind::Tuple(tuple) => {
                self.read_fields(tuple.types.iter().collect(), addr, offset);
                self.emit(&Instruction::TupleLift { tuple });
            }
            TypeDefKind::FixedLengthList(elem, size) => {
                self.read_fields((0..*size).map(|_| elem).collect(), addr, offset);
                self.emit(&Instruction::FixedListLift { size: *size });
            }
            TypeDefKind::Flags(flags) => {
                let kind = match flags.repr() {
                    wit_parser::FlagsRepr::U8 => MemKind::I32U8,
                    wit_parser::FlagsRepr::U16 => MemKind::I32U16,
                    wit_parser::FlagsRepr::U32(_) => MemKind::I32,
                };
                for i in 0..flags.repr().count() {
                    self.load(kind, addr.clone(), offset.add_bytes(4 * i));
                }
                self.emit(&Instruction::FlagsLift { flags, ty: id });
            }
            TypeDefKind::Enum(enum_) => {
                self.load(int_kind(enum_.tag()), addr, offset);
                self.emit(&Instruction::EnumLift { ty: id });
            }
            TypeDefKind::Handle(handle) => {
                self.load(MemKind::I32, addr, offset);
                self.emit(&Instruction::HandleLift { handle });
            }
            TypeDefKind::List(_) | TypeDefKind::Map(..) => {
                self.load_ptr_len(addr, offset);
                self.lift(ty);
            }
            TypeDefKind::Variant(variant) => {
                let cases: Vec<_> = variant.cases.iter().map(|c| c.ty.as_ref()).collect();
                self.read_cases(variant.tag(), &cases, addr, offset);
                self.emit(&Instruction::VariantLift { variant, ty: id });
            }
            TypeDefKind::Option(payload) => {
                self.read_cases(Int::U8, &[None, Some(payload)], addr, offset);
                self.emit(&Instruction::OptionLift);
            }
            TypeDefKind::Result(result) => {
                let cases = [result.ok.as_ref(), result.err.as_ref()];
                self.read_cases(Int::U8, &cases, addr, offset);
                self.emit(&Instruction::ResultLift);
            }
            TypeDefKind::Future(_) | TypeDefKind::Stream(_) => {
                self.load(MemKind::I32, addr, offset);
                self.emit(&Instruction::AsyncHandleLift { ty: id });
            }
            TypeDefKind::Resource | TypeDefKind::Unknown => {}
        }
    }

    pub(super) fn load(&mut self, kind: MemKind, addr: E::Operand, offset: ArchitectureSize) {
        self.push(addr);
        self.emit(&Instruction::Load { kind, offset });
    }

    pub(super) fn load_ptr_len(&mut self, addr: E::Operand, offset: ArchitectureSize) {
        self.load(MemKind::Pointer, addr.clone(), offset);
        self.load(MemKind::Length, addr, offset + ArchitectureSize::new(0, 1));
    }

    fn read_fields(&mut self, tys: Vec<&Type>, addr: E::Operand, offset: ArchitectureSize) {
        let offsets = self.sizes.field_offsets(tys.iter().copied());
        for (field_offset, ty) in offsets {
            self.read_from_memory(ty, addr.clone(), offset + field_offset);
        }
    }

    /// Loads the tag, then one block per case loads that case's payload.
    /// Leaves the tag on the stack for the lifting instruction.
    fn read_cases(
        &mut self,
        tag: Int,
        cases: &[Option<&Type>],
        addr: E::Operand,
        offset: ArchitectureSize,
    ) {
        let payload_offset = offset + self.payload_offset(tag, cases);
        self.load(int_kind(tag), addr.clone(), offset);
        self.each_case(cases, |w, _, case| match case {
            Some(payload) => {
                w.read_from_memory(payload, addr.clone(), payload_offset);
                1
            }
            None => 0,
        });
    }
}

fn scalar_kind(ty: &Type) -> MemKind {
    match ty {
        Type::Bool | Type::U8 => MemKind::I32U8,
        Type::S8 => MemKind::I32S8,
        Type::U16 => MemKind::I32U16,
        Type::S16 => MemKind::I32S16,
        Type::U64 | Type::S64 => MemKind::I64,
        Type::F32 => MemKind::F32,
        Type::F64 => MemKind::F64,
        Type::U32 | Type::S32 | Type::Char | Type::String | Type::ErrorContext | Type::Id(_) => {
            MemKind::I32
        }
    }
}

pub(super) fn int_kind(int: Int) -> MemKind {
    match int {
        Int::U8 => MemKind::I32U8,
        Int::U16 => MemKind::I32U16,
        Int::U32 => MemKind::I32,
        Int::U64 => MemKind::I64,
    }
}
