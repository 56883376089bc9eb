//! Variant-like values and flags inside an adapter (CanonicalABI.md,
//! `lift_flat_variant`/`lower_flat_variant`, `load_variant`/`store_variant`
//! and the flags cases).
//!
//! `variant`, `enum`, `option` and `result` share one translation: the
//! discriminant is checked against the case count (the spec's trap), then
//! the chosen case's payload is translated. Flat, the payload sits in the
//! joined flat values of all cases, so it is first reinterpreted as the
//! case's own flat types and afterwards widened back to the joined ones.
//! Flags are masked to the bits their names define, as the host path's
//! lift drops the others.

use wasm_encoder::{BlockType, InstructionSink, MemArg, ValType};

use super::compile::{Emitter, val_type};
use super::intrinsics::{AdapterTrap, Side};
use super::values::{Dst, Src};
use crate::abi::layout;
use crate::error::{CallError, Error};
use crate::types::Type;

fn mem_arg(offset: u32, memory_index: u32) -> MemArg {
    MemArg {
        offset: u64::from(offset),
        align: 0,
        memory_index,
    }
}

/// Reinterprets a joined flat value as the case's own flat type.
fn narrow(ins: &mut InstructionSink<'_>, joined: ValType, case: ValType) {
    match (joined, case) {
        (ValType::I32, ValType::F32) => {
            ins.f32_reinterpret_i32();
        }
        (ValType::I64, ValType::I32) => {
            ins.i32_wrap_i64();
        }
        (ValType::I64, ValType::F32) => {
            ins.i32_wrap_i64().f32_reinterpret_i32();
        }
        (ValType::I64, ValType::F64) => {
            ins.f64_reinterpret_i64();
        }
        _ => {}
    }
}

/// Widens a case's flat value to the joined flat type.
fn widen(ins: &mut InstructionSink<'_>, case: ValType, joined: ValType) {
    match (case, joined) {
        (ValType::F32, ValType::I32) => {
            ins.i32_reinterpret_f32();
        }
        (ValType::I32, ValType::I64) => {
            ins.i64_extend_i32_u();
        }
        (ValType::F32, ValType::I64) => {
            ins.i32_reinterpret_f32().i64_extend_i32_u();
        }
        (ValType::F64, ValType::I64) => {
            ins.i64_reinterpret_f64();
        }
        _ => {}
    }
}

fn zero(ins: &mut InstructionSink<'_>, t: ValType) {
    match t {
        ValType::I64 => ins.i64_const(0),
        ValType::F32 => ins.f32_const(0.0.into()),
        ValType::F64 => ins.f64_const(0.0.into()),
        _ => ins.i32_const(0),
    };
}

/// The flat core types of `ty` on a side whose memory is 64-bit when
/// `ptr64`.
fn flat_types(ty: &Type, ptr64: bool) -> Vec<ValType> {
    let mut out = Vec::new();
    layout::flatten(ty, ptr64, &mut out);
    out.into_iter().map(val_type).collect()
}

fn mixed<T>(ty: &Type) -> Result<T, Error> {
    Err(CallError::Unsupported(format!(
        "adapter moving a `{}` between flat values and memory",
        ty.describe()
    ))
    .into())
}

impl Emitter {
    /// Fresh locals of the `joined` payload types, set to zero.
    fn zeroed(&mut self, joined: &[ValType]) -> Vec<u32> {
        let outs: Vec<u32> = joined.iter().map(|t| self.local(*t)).collect();
        for (out, t) in outs.iter().zip(joined) {
            let mut ins = self.ins();
            zero(&mut ins, *t);
            ins.local_set(*out);
        }
        outs
    }

    /// Pops a case's flat values (of types `own`, pushed by its
    /// translation) and widens each into the joined payload local `outs`.
    fn widen_into(&mut self, own: &[ValType], joined: &[ValType], outs: &[u32]) {
        let lowered: Vec<u32> = own.iter().map(|t| self.local(*t)).collect();
        for l in lowered.iter().rev() {
            self.ins().local_set(*l);
        }
        for (k, t) in own.iter().enumerate() {
            let mut ins = self.ins();
            ins.local_get(lowered[k]);
            widen(&mut ins, *t, joined[k]);
            ins.local_set(outs[k]);
        }
    }

    /// Loads the discriminant of a value with `n` cases at `offset` past
    /// the address in local `addr` on side `from`, and checks it.
    fn load_discriminant(&mut self, from: Side, addr: u32, offset: u32, n: usize) -> u32 {
        let disc = self.local(ValType::I32);
        let mem = self.memory(from);
        let mut ins = self.ins();
        ins.local_get(addr);
        match layout::discriminant_size(n) {
            1 => ins.i32_load8_u(mem_arg(offset, mem)),
            2 => ins.i32_load16_u(mem_arg(offset, mem)),
            _ => ins.i32_load(mem_arg(offset, mem)),
        };
        ins.local_set(disc);
        self.check_discriminant(disc, n);
        disc
    }

    /// Opens a block run when the discriminant in `disc` is case `c`.
    fn if_case(&mut self, disc: u32, c: usize) {
        self.ins()
            .local_get(disc)
            .i32_const(c as i32)
            .i32_eq()
            .if_(BlockType::Empty);
    }

    /// Traps unless the discriminant in `disc` names one of `n` cases.
    fn check_discriminant(&mut self, disc: u32, n: usize) {
        self.ins().local_get(disc).i32_const(n as i32).i32_ge_u();
        self.trap_if(AdapterTrap::InvalidDiscriminant);
    }

    /// Moves a `variant`, `enum`, `option` or `result` value.
    pub(crate) fn variant(
        &mut self,
        ty: &Type,
        from: Side,
        src: Src<'_>,
        dst: Dst,
    ) -> Result<(), Error> {
        let cases = layout::cases(ty).unwrap_or_default();
        let (from64, to64) = (self.wide(from), self.wide(from.other()));
        match (src, dst) {
            (Src::Flat(ls), Dst::Flat) => {
                let (joined, joined_to) = (flat_types(ty, from64), flat_types(ty, to64));
                let disc = ls[0];
                self.check_discriminant(disc, cases.len());
                let outs = self.zeroed(&joined_to[1..]);
                for (c, case) in cases.iter().enumerate() {
                    let Some(case) = case else { continue };
                    let own = flat_types(case, from64);
                    self.if_case(disc, c);
                    let narrowed: Vec<u32> = own.iter().map(|t| self.local(*t)).collect();
                    for (k, t) in own.iter().enumerate() {
                        let mut ins = self.ins();
                        ins.local_get(ls[1 + k]);
                        narrow(&mut ins, joined[1 + k], *t);
                        ins.local_set(narrowed[k]);
                    }
                    self.translate(case, from, Src::Flat(&narrowed), Dst::Flat)?;
                    self.widen_into(&flat_types(case, to64), &joined_to[1..], &outs);
                    self.ins().end();
                }
                self.ins().local_get(disc);
                for out in &outs {
                    self.ins().local_get(*out);
                }
                Ok(())
            }
            (
                Src::Mem {
                    addr: src_addr,
                    offset: src_off,
                },
                Dst::Mem {
                    addr: dst_addr,
                    offset: dst_off,
                },
            ) => {
                let disc = self.load_discriminant(from, src_addr, src_off, cases.len());
                let size = layout::discriminant_size(cases.len());
                let dst_mem = self.memory(from.other());
                let mut ins = self.ins();
                ins.local_get(dst_addr).local_get(disc);
                match size {
                    1 => ins.i32_store8(mem_arg(dst_off, dst_mem)),
                    2 => ins.i32_store16(mem_arg(dst_off, dst_mem)),
                    _ => ins.i32_store(mem_arg(dst_off, dst_mem)),
                };
                let payload = layout::payload_offset(ty, from64);
                let dst_payload = layout::payload_offset(ty, to64);
                for (c, case) in cases.iter().enumerate() {
                    let Some(case) = case else { continue };
                    self.if_case(disc, c);
                    let src = Src::Mem {
                        addr: src_addr,
                        offset: src_off + payload,
                    };
                    let dst = Dst::Mem {
                        addr: dst_addr,
                        offset: dst_off + dst_payload,
                    };
                    self.translate(case, from, src, dst)?;
                    self.ins().end();
                }
                Ok(())
            }
            // An `async` caller's parameters in its memory, flat to the callee.
            (Src::Mem { addr, offset }, Dst::Flat) => {
                let joined = flat_types(ty, to64);
                let disc = self.load_discriminant(from, addr, offset, cases.len());
                let outs = self.zeroed(&joined[1..]);
                let payload = layout::payload_offset(ty, from64);
                for (c, case) in cases.iter().enumerate() {
                    let Some(case) = case else { continue };
                    self.if_case(disc, c);
                    let src = Src::Mem {
                        addr,
                        offset: offset + payload,
                    };
                    self.translate(case, from, src, Dst::Flat)?;
                    let own = flat_types(case, to64);
                    self.widen_into(&own, &joined[1..], &outs);
                    self.ins().end();
                }
                self.ins().local_get(disc);
                for out in &outs {
                    self.ins().local_get(*out);
                }
                Ok(())
            }
            (Src::Flat(_), Dst::Mem { .. }) => mixed(ty),
        }
    }

    /// Moves a `flags` value with `n` names, dropping undefined bits.
    pub(crate) fn flags(
        &mut self,
        n: usize,
        from: Side,
        src: Src<'_>,
        dst: Dst,
    ) -> Result<(), Error> {
        let mask = |word: usize| -> i32 {
            let bits = n.saturating_sub(32 * word).min(32);
            if bits == 32 {
                -1
            } else {
                ((1u32 << bits) - 1) as i32
            }
        };
        match (src, dst) {
            (Src::Flat(ls), Dst::Flat) => {
                for (i, l) in ls.iter().enumerate() {
                    self.ins().local_get(*l).i32_const(mask(i)).i32_and();
                }
                Ok(())
            }
            (
                Src::Mem {
                    addr: src_addr,
                    offset: src_off,
                },
                Dst::Mem {
                    addr: dst_addr,
                    offset: dst_off,
                },
            ) => {
                let (src_mem, dst_mem) = (self.memory(from), self.memory(from.other()));
                let words = match n {
                    0 => 0,
                    1..=16 => 1,
                    _ => n.div_ceil(32),
                };
                for i in 0..words {
                    let off = 4 * i as u32;
                    let mut ins = self.ins();
                    ins.local_get(dst_addr).local_get(src_addr);
                    match n {
                        1..=8 => ins
                            .i32_load8_u(mem_arg(src_off, src_mem))
                            .i32_const(mask(0))
                            .i32_and()
                            .i32_store8(mem_arg(dst_off, dst_mem)),
                        9..=16 => ins
                            .i32_load16_u(mem_arg(src_off, src_mem))
                            .i32_const(mask(0))
                            .i32_and()
                            .i32_store16(mem_arg(dst_off, dst_mem)),
                        _ => ins
                            .i32_load(mem_arg(src_off + off, src_mem))
                            .i32_const(mask(i))
                            .i32_and()
                            .i32_store(mem_arg(dst_off + off, dst_mem)),
                    };
                }
                Ok(())
            }
            // An `async` caller's parameters in its memory, flat to the callee.
            (Src::Mem { addr, offset }, Dst::Flat) => {
                let mem = self.memory(from);
                let words = n.div_ceil(32);
                for i in 0..words {
                    let mut ins = self.ins();
                    ins.local_get(addr);
                    match n {
                        1..=8 => ins.i32_load8_u(mem_arg(offset, mem)),
                        9..=16 => ins.i32_load16_u(mem_arg(offset, mem)),
                        _ => ins.i32_load(mem_arg(offset + 4 * i as u32, mem)),
                    };
                    ins.i32_const(mask(i)).i32_and();
                }
                Ok(())
            }
            (Src::Flat(_), Dst::Mem { .. }) => mixed(&Type::Flags(Vec::new().into())),
        }
    }
}
