//! Flat lowering and lifting (canonical ABI `lower_flat` / `lift_flat`).
//!
//! Values travel as a sequence of core values. Aggregates are split into
//! their fields; variants become a tag plus the *joined* payload types of
//! all cases, so each case bitcasts its own payload to and from the joined
//! types (`lower_flat_variant` / `lift_flat_variant`).

use super::{Emitter, Instruction, Prim, Walker, flat_types};
use wit_parser::abi::WasmType;
use wit_parser::{Type, TypeDefKind};

impl<E: Emitter> Walker<'_, E> {
    /// Lowers the value on top of the stack into its flat core values.
    pub(crate) fn lower(&mut self, ty: &Type) {
        let resolve = self.resolve;
        let id = match ty {
            Type::Id(id) => *id,
            other => return self.lower_scalar(other),
        };
        match &resolve.types[id].kind {
            TypeDefKind::Type(t) => self.lower(t),
            TypeDefKind::Record(record) => {
                self.emit(&Instruction::RecordLower { record, ty: id });
                self.lower_each(record.fields.iter().map(|f| &f.ty));
            }
            TypeDefKind::Tuple(tuple) => {
                self.emit(&Instruction::TupleLower { tuple });
                self.lower_each(tuple.types.iter());
            }
            TypeDefKind::FixedLengthList(elem, size) => {
                self.emit(&Instruction::FixedListLower { size: *size });
                self.lower_each((0..*size).map(|_| elem));
            }
            TypeDefKind::Flags(flags) => self.emit(&Instruction::FlagsLower { flags }),
            TypeDefKind::Enum(_) => self.emit(&Instruction::EnumLower),
            TypeDefKind::Handle(handle) => self.emit(&Instruction::HandleLower { handle }),
            TypeDefKind::List(elem) => self.lower_list(elem),
            TypeDefKind::Map(key, value) => self.lower_map(key, value),
            TypeDefKind::Variant(variant) => {
                let results = self.joined(ty);
                self.lower_cases(variant.cases.iter().map(|c| c.ty.as_ref()), &results);
                self.emit(&Instruction::VariantLower {
                    variant,
                    ty: id,
                    results: &results,
                });
            }
            TypeDefKind::Option(payload) => {
                let results = self.joined(ty);
                self.lower_cases([None, Some(payload)], &results);
                self.emit(&Instruction::OptionLower { results: &results });
            }
            TypeDefKind::Result(result) => {
                let results = self.joined(ty);
                self.lower_cases([result.ok.as_ref(), result.err.as_ref()], &results);
                self.emit(&Instruction::ResultLower { results: &results });
            }
            TypeDefKind::Future(_) | TypeDefKind::Stream(_) => {
                self.emit(&Instruction::AsyncHandleLower { ty: id })
            }
            TypeDefKind::Resource | TypeDefKind::Unknown => unsupported(ty),
        }
    }

    fn lower_scalar(&mut self, ty: &Type) {
        match prim(ty) {
            Some(prim) => self.emit(&Instruction::LowerPrim { prim }),
            None if *ty == Type::String => self.emit(&Instruction::StringLower {
                transfer: self.transfer,
            }),
            None if *ty == Type::ErrorContext => self.emit(&Instruction::ErrorContextLower {
                transfer: self.transfer,
            }),
            None => unsupported(ty),
        }
    }

    /// Lowers values that an aggregate-lowering instruction just pushed,
    /// one per type, keeping their flat values in order.
    fn lower_each<'t>(&mut self, tys: impl ExactSizeIterator<Item = &'t Type>) {
        let values = self.pop_n(tys.len());
        for (value, ty) in values.into_iter().zip(tys) {
            self.push(value);
            self.lower(ty);
        }
    }

    fn lower_list(&mut self, elem: &Type) {
        let transfer = self.transfer;
        if self.emitter.is_list_canonical(elem) {
            return self.emit(&Instruction::ListCanonLower { transfer });
        }
        self.push_block();
        self.emit(&Instruction::IterElem);
        self.emit(&Instruction::IterBasePointer);
        let base = self.pop_n(1).remove(0);
        self.write_to_memory(elem, base, Default::default());
        self.finish_block(0);
        self.emit(&Instruction::ListLower { elem, transfer });
    }

    fn lower_map(&mut self, key: &Type, value: &Type) {
        let transfer = self.transfer;
        let value_offset = self.sizes.field_offsets([key, value])[1].0;
        self.push_block();
        self.emit(&Instruction::IterBasePointer);
        let base = self.pop_n(1).remove(0);
        self.emit(&Instruction::IterMapKey);
        self.write_to_memory(key, base.clone(), Default::default());
        self.emit(&Instruction::IterMapValue);
        self.write_to_memory(value, base, value_offset);
        self.finish_block(0);
        self.emit(&Instruction::MapLower {
            key,
            value,
            transfer,
        });
    }

    /// One block per case: lower the payload, bitcast it to the joined
    /// types and pad with zeros, after the tag.
    fn lower_cases<'t>(
        &mut self,
        cases: impl IntoIterator<Item = Option<&'t Type>>,
        joined: &[WasmType],
    ) {
        for (tag, case) in cases.into_iter().enumerate() {
            self.push_block();
            self.emit(&Instruction::I32Const { val: tag as i32 });
            let mut used = 0;
            if let Some(payload) = case {
                self.emit(&Instruction::VariantPayload);
                self.lower(payload);
                let own = flat_types(self.resolve, payload).unwrap_or_default();
                used = own.len();
                let casts = own
                    .iter()
                    .zip(&joined[1..])
                    .map(|(a, b)| (*a, *b))
                    .collect();
                self.emit(&Instruction::Bitcasts { casts });
            }
            self.emit(&Instruction::ConstZero {
                tys: &joined[1 + used..],
            });
            self.finish_block(joined.len());
        }
    }

    /// Lifts flat core values on top of the stack into one value.
    pub(crate) fn lift(&mut self, ty: &Type) {
        let resolve = self.resolve;
        let id = match ty {
            Type::Id(id) => *id,
            other => return self.lift_scalar(other),
        };
        match &resolve.types[id].kind {
            TypeDefKind::Type(t) => self.lift(t),
            TypeDefKind::Record(record) => {
                self.lift_each(record.fields.iter().map(|f| &f.ty));
                self.emit(&Instruction::RecordLift { record, ty: id });
            }
            TypeDefKind::Tuple(tuple) => {
                self.lift_each(tuple.types.iter());
                self.emit(&Instruction::TupleLift { tuple });
            }
            TypeDefKind::FixedLengthList(elem, size) => {
                self.lift_each((0..*size).map(|_| elem));
                self.emit(&Instruction::FixedListLift { size: *size });
            }
            TypeDefKind::Flags(flags) => self.emit(&Instruction::FlagsLift { flags, ty: id }),
            TypeDefKind::Enum(_) => self.emit(&Instruction::EnumLift { ty: id }),
            TypeDefKind::Handle(handle) => self.emit(&Instruction::HandleLift { handle }),
            TypeDefKind::List(elem) => self.lift_list(elem),
            TypeDefKind::Map(key, value) => self.lift_map(key, value),
            TypeDefKind::Variant(variant) => {
                self.lift_cases(ty, variant.cases.iter().map(|c| c.ty.as_ref()));
                self.emit(&Instruction::VariantLift { variant, ty: id });
            }
            TypeDefKind::Option(payload) => {
                self.lift_cases(ty, [None, Some(payload)]);
                self.emit(&Instruction::OptionLift);
            }
            TypeDefKind::Result(result) => {
                self.lift_cases(ty, [result.ok.as_ref(), result.err.as_ref()]);
                self.emit(&Instruction::ResultLift);
            }
            TypeDefKind::Future(_) | TypeDefKind::Stream(_) => {
                self.emit(&Instruction::AsyncHandleLift { ty: id })
            }
            TypeDefKind::Resource | TypeDefKind::Unknown => unsupported(ty),
        }
    }

    fn lift_scalar(&mut self, ty: &Type) {
        match prim(ty) {
            Some(prim) => self.emit(&Instruction::LiftPrim { prim }),
            None if *ty == Type::ErrorContext => self.emit(&Instruction::ErrorContextLift),
            None if *ty == Type::String => self.emit(&Instruction::StringLift),
            None => unsupported(ty),
        }
    }

    /// Lifts consecutive flat values, one group per type, leaving one
    /// value per type for an aggregate-lifting instruction.
    fn lift_each<'t>(&mut self, tys: impl Iterator<Item = &'t Type> + Clone) {
        let counts: Vec<usize> = tys
            .clone()
            .map(|t| flat_types(self.resolve, t).map_or(0, |f| f.len()))
            .collect();
        let mut flat = self.pop_n(counts.iter().sum());
        for (ty, n) in tys.zip(counts) {
            let rest = flat.split_off(n);
            self.stack.extend(flat);
            flat = rest;
            self.lift(ty);
        }
    }

    fn lift_list(&mut self, elem: &Type) {
        if self.emitter.is_list_canonical(elem) {
            return self.emit(&Instruction::ListCanonLift { elem });
        }
        self.push_block();
        self.emit(&Instruction::IterBasePointer);
        let base = self.pop_n(1).remove(0);
        self.read_from_memory(elem, base, Default::default());
        self.finish_block(1);
        self.emit(&Instruction::ListLift { elem });
    }

    fn lift_map(&mut self, key: &Type, value: &Type) {
        let value_offset = self.sizes.field_offsets([key, value])[1].0;
        self.push_block();
        self.emit(&Instruction::IterBasePointer);
        let base = self.pop_n(1).remove(0);
        self.read_from_memory(key, base.clone(), Default::default());
        self.read_from_memory(value, base, value_offset);
        self.finish_block(2);
        self.emit(&Instruction::MapLift { key, value });
    }

    /// Pops the tag and joined payload; one block per case bitcasts its
    /// slice of the payload back and lifts it. Leaves the tag on the stack.
    fn lift_cases<'t>(&mut self, ty: &Type, cases: impl IntoIterator<Item = Option<&'t Type>>) {
        let joined = self.joined(ty);
        self.emit(&Instruction::Flush { amt: joined.len() });
        let mut values = self.pop_n(joined.len());
        let payload = values.split_off(1);
        for case in cases {
            self.push_block();
            if let Some(case) = case {
                let own = flat_types(self.resolve, case).unwrap_or_default();
                self.stack.extend(payload[..own.len()].iter().cloned());
                let casts = joined[1..]
                    .iter()
                    .zip(&own)
                    .map(|(a, b)| (*a, *b))
                    .collect();
                self.emit(&Instruction::Bitcasts { casts });
                self.lift(case);
                self.finish_block(1);
            } else {
                self.finish_block(0);
            }
        }
        self.stack.extend(values);
    }

    /// The flat types of a variant-like type: tag first, then the joined
    /// payload.
    fn joined(&self, ty: &Type) -> Vec<WasmType> {
        flat_types(self.resolve, ty).unwrap_or_else(|| unsupported(ty))
    }
}

/// The scalar kind of `ty`, if it is one.
pub(crate) fn prim(ty: &Type) -> Option<Prim> {
    Some(match ty {
        Type::Bool => Prim::Bool,
        Type::U8 => Prim::U8,
        Type::S8 => Prim::S8,
        Type::U16 => Prim::U16,
        Type::S16 => Prim::S16,
        Type::U32 => Prim::U32,
        Type::S32 => Prim::S32,
        Type::U64 => Prim::U64,
        Type::S64 => Prim::S64,
        Type::F32 => Prim::F32,
        Type::F64 => Prim::F64,
        Type::Char => Prim::Char,
        Type::String | Type::ErrorContext | Type::Id(_) => return None,
    })
}

/// Types the synchronous walker never sees: `crate::support` rejects
/// functions using them before any walking starts.
#[cold]
fn unsupported(ty: &Type) -> ! {
    unreachable!("type {ty:?} reached the ABI walker; support checks should have rejected it")
}
