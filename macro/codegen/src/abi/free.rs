//! Freeing what a value in memory owns: the strings, lists and maps an
//! export returned (`cabi_post_*`, canonical ABI "post-return") and the
//! elements of lists being dropped.

use super::memory::int_kind;
use super::{Emitter, Instruction, Walker};
use wit_parser::{ArchitectureSize, Int, Type, TypeDefKind};

impl<E: Emitter> Walker<'_, E> {
    /// Frees whatever the value at `addr + offset` owns (strings, lists),
    /// without touching the value's own storage.
    pub(crate) fn deallocate(&mut self, ty: &Type, addr: E::Operand, offset: ArchitectureSize) {
        if !needs_dealloc(self.resolve, ty) {
            return;
        }
        let resolve = self.resolve;
        let Type::Id(id) = ty else {
            self.load_ptr_len(addr, offset);
            return self.emit(&Instruction::GuestDeallocateString);
        };
        match &resolve.types[id.to_owned()].kind {
            TypeDefKind::Type(t) => self.deallocate(t, addr, offset),
            TypeDefKind::Record(record) => {
                self.deallocate_fields(record.fields.iter().map(|f| &f.ty).collect(), addr, offset)
            }
            TypeDefKind::Tuple(tuple) => {
                self.deallocate_fields(tuple.types.iter().collect(), addr, offset)
            }
            TypeDefKind::FixedLengthList(elem, size) => {
                self.deallocate_fields((0..*size).map(|_| elem).collect(), addr, offset)
            }
            TypeDefKind::List(elem) => {
                self.load_ptr_len(addr, offset);
                self.push_block();
                self.emit(&Instruction::IterBasePointer);
                let base = self.pop_n(1).remove(0);
                self.deallocate(elem, base, Default::default());
                self.finish_block(0);
                self.emit(&Instruction::GuestDeallocateList { elem });
            }
            TypeDefKind::Map(key, value) => {
                let value_offset = self.sizes.field_offsets([key, value])[1].0;
                self.load_ptr_len(addr, offset);
                self.push_block();
                self.emit(&Instruction::IterBasePointer);
                let base = self.pop_n(1).remove(0);
                self.deallocate(key, base.clone(), Default::default());
                self.deallocate(value, base, value_offset);
                self.finish_block(0);
                self.emit(&Instruction::GuestDeallocateMap { key, value });
            }
            TypeDefKind::Variant(variant) => {
                let cases: Vec<_> = variant.cases.iter().map(|c| c.ty.as_ref()).collect();
                self.deallocate_cases(variant.tag(), &cases, addr, offset);
            }
            TypeDefKind::Option(payload) => {
                self.deallocate_cases(Int::U8, &[None, Some(payload)], addr, offset)
            }
            TypeDefKind::Result(result) => {
                let cases = [result.ok.as_ref(), result.err.as_ref()];
                self.deallocate_cases(Int::U8, &cases, addr, offset);
            }
            TypeDefKind::Flags(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Handle(_)
            | TypeDefKind::Resource
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_)
            | TypeDefKind::Unknown => {}
        }
    }

    fn deallocate_fields(&mut self, tys: Vec<&Type>, addr: E::Operand, offset: ArchitectureSize) {
        for (field_offset, ty) in self.sizes.field_offsets(tys.iter().copied()) {
            self.deallocate(ty, addr.clone(), offset + field_offset);
        }
    }

    fn deallocate_cases(
        &mut self,
        tag: Int,
        cases: &[Option<&Type>],
        addr: E::Operand,
        offset: ArchitectureSize,
    ) {
        let payload_offset = offset + self.payload_offset(tag, cases);
        self.load(int_kind(tag), addr.clone(), offset);
        self.each_case(cases, |w, _, case| {
            if let Some(payload) = case {
                w.deallocate(payload, addr.clone(), payload_offset);
            }
            0
        });
        self.emit(&Instruction::GuestDeallocateVariant {
            blocks: cases.len(),
        });
    }
}

/// Whether a value of `ty` owns memory that must be freed (it contains a
/// string, list or map).
pub fn needs_dealloc(resolve: &wit_parser::Resolve, ty: &Type) -> bool {
    let Type::Id(id) = ty else {
        return *ty == Type::String;
    };
    match &resolve.types[*id].kind {
        TypeDefKind::List(_) | TypeDefKind::Map(..) => true,
        TypeDefKind::Type(t) | TypeDefKind::Option(t) | TypeDefKind::FixedLengthList(t, _) => {
            needs_dealloc(resolve, t)
        }
        TypeDefKind::Record(r) => r.fields.iter().any(|f| needs_dealloc(resolve, &f.ty)),
        TypeDefKind::Tuple(t) => t.types.iter().any(|t| needs_dealloc(resolve, t)),
        TypeDefKind::Variant(v) => v
            .cases
            .iter()
            .filter_map(|c| c.ty.as_ref())
            .any(|t| needs_dealloc(resolve, t)),
        TypeDefKind::Result(r) => r.ok.iter().chain(&r.err).any(|t| needs_dealloc(resolve, t)),
        TypeDefKind::Flags(_)
        | TypeDefKind::Enum(_)
        | TypeDefKind::Handle(_)
        | TypeDefKind::Resource
        | TypeDefKind::Future(_)
        | TypeDefKind::Stream(_)
        | TypeDefKind::Unknown => false,
    }
}
