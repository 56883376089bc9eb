//! Freeing what a value in memory owns: the strings, lists and maps an
//! export returned (`cabi_post_*`, canonical ABI "post-return") and the
//! elements of lists being dropped. A sync export's result also holds the
//! `error-context` handles it returned: the caller's lift gave the caller
//! handles of its own (error contexts are shared, not moved), so
//! post-return releases ours.

use super::memory::int_kind;
use super::{Emitter, Instruction, MemKind, Walker};
use wit_parser::{ArchitectureSize, Int, Type, TypeDefKind};

impl<E: Emitter> Walker<'_, E> {
    /// Frees whatever the value at `addr + offset` owns (strings, lists),
    /// without touching the value's own storage.
    pub(crate) fn deallocate(&mut self, ty: &Type, addr: E::Operand, offset: ArchitectureSize) {
        self.release(ty, addr, offset, Owned::Memory);
    }

    /// Frees what `deallocate` does, and releases the `error-context`
    /// handles in the value too.
    pub(crate) fn release_result(&mut self, ty: &Type, addr: E::Operand, offset: ArchitectureSize) {
        self.release(ty, addr, offset, Owned::MemoryAndErrorContexts);
    }

    fn release(&mut self, ty: &Type, addr: E::Operand, offset: ArchitectureSize, what: Owned) {
        if !owns(self.resolve, ty, what) {
            return;
        }
        let resolve = self.resolve;
        let Type::Id(id) = ty else {
            if *ty == Type::ErrorContext {
                self.load(MemKind::I32, addr, offset);
                return self.emit(&Instruction::ErrorContextDrop);
            }
            self.load_ptr_len(addr, offset);
            return self.emit(&Instruction::GuestDeallocateString);
        };
        match &resolve.types[id.to_owned()].kind {
            TypeDefKind::Type(t) => self.release(t, addr, offset, what),
            TypeDefKind::Record(record) => self.release_fields(
                record.fields.iter().map(|f| &f.ty).collect(),
                addr,
                offset,
                what,
            ),
            TypeDefKind::Tuple(tuple) => {
                self.release_fields(tuple.types.iter().collect(), addr, offset, what)
            }
            TypeDefKind::FixedLengthList(elem, size) => {
                self.release_fields((0..*size).map(|_| elem).collect(), addr, offset, what)
            }
            TypeDefKind::List(elem) => {
                self.load_ptr_len(addr, offset);
                self.push_block();
                self.emit(&Instruction::IterBasePointer);
                let base = self.pop_n(1).remove(0);
                self.release(elem, base, Default::default(), what);
                self.finish_block(0);
                self.emit(&Instruction::GuestDeallocateList { elem });
            }
            TypeDefKind::Map(key, value) => {
                let value_offset = self.sizes.field_offsets([key, value])[1].0;
                self.load_ptr_len(addr, offset);
                self.push_block();
                self.emit(&Instruction::IterBasePointer);
                let base = self.pop_n(1).remove(0);
                self.release(key, base.clone(), Default::default(), what);
                self.release(value, base, value_offset, what);
                self.finish_block(0);
                self.emit(&Instruction::GuestDeallocateMap { key, value });
            }
            TypeDefKind::Variant(variant) => {
                let cases: Vec<_> = variant.cases.iter().map(|c| c.ty.as_ref()).collect();
                self.release_cases(variant.tag(), &cases, addr, offset, what);
            }
            TypeDefKind::Option(payload) => {
                self.release_cases(Int::U8, &[None, Some(payload)], addr, offset, what)
            }
            TypeDefKind::Result(result) => {
                let cases = [result.ok.as_ref(), result.err.as_ref()];
                self.release_cases(Int::U8, &cases, addr, offset, what);
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

    fn release_fields(
        &mut self,
        tys: Vec<&Type>,
        addr: E::Operand,
        offset: ArchitectureSize,
        what: Owned,
    ) {
        for (field_offset, ty) in self.sizes.field_offsets(tys.iter().copied()) {
            self.release(ty, addr.clone(), offset + field_offset, what);
        }
    }

    fn release_cases(
        &mut self,
        tag: Int,
        cases: &[Option<&Type>],
        addr: E::Operand,
        offset: ArchitectureSize,
        what: Owned,
    ) {
        let payload_offset = offset + self.payload_offset(tag, cases);
        self.load(int_kind(tag), addr.clone(), offset);
        self.each_case(cases, |w, _, case| {
            if let Some(payload) = case {
                w.release(payload, addr.clone(), payload_offset, what);
            }
            0
        });
        self.emit(&Instruction::GuestDeallocateVariant {
            blocks: cases.len(),
        });
    }
}

/// What a release frees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owned {
    /// Strings, lists and maps.
    Memory,
    /// Those, and `error-context` handles.
    MemoryAndErrorContexts,
}

/// Whether a value of `ty` holds something `what` releases: memory (a
/// string, list or map) and, if asked, `error-context` handles.
pub(crate) fn owns(resolve: &wit_parser::Resolve, ty: &Type, what: Owned) -> bool {
    let Type::Id(id) = ty else {
        return *ty == Type::String
            || (*ty == Type::ErrorContext && what == Owned::MemoryAndErrorContexts);
    };
    let owns = |t: &Type| owns(resolve, t, what);
    match &resolve.types[*id].kind {
        TypeDefKind::List(_) | TypeDefKind::Map(..) => true,
        TypeDefKind::Type(t) | TypeDefKind::Option(t) | TypeDefKind::FixedLengthList(t, _) => {
            owns(t)
        }
        TypeDefKind::Record(r) => r.fields.iter().any(|f| owns(&f.ty)),
        TypeDefKind::Tuple(t) => t.types.iter().any(owns),
        TypeDefKind::Variant(v) => v.cases.iter().filter_map(|c| c.ty.as_ref()).any(owns),
        TypeDefKind::Result(r) => r.ok.iter().chain(&r.err).any(owns),
        TypeDefKind::Flags(_)
        | TypeDefKind::Enum(_)
        | TypeDefKind::Handle(_)
        | TypeDefKind::Resource
        | TypeDefKind::Future(_)
        | TypeDefKind::Stream(_)
        | TypeDefKind::Unknown => false,
    }
}
