//! Per-type translation inside an adapter: the code that moves one value
//! from one side's representation (flat core values, or bytes in its
//! memory) to the other's, with the checks the spec's lift makes on the
//! way (CanonicalABI.md, "Flat Lifting"/"Loading" followed by "Flat
//! Lowering"/"Storing").
//!
//! Scalars are converted in place (masking, sign extension, `bool`, NaN
//! canonicalisation, `char` validation); records and tuples field by
//! field; strings by `strings`; lists (and maps, lists of key-value
//! tuples) with one `memory.copy` when their elements are byte-copyable
//! and with a generated loop otherwise; fixed-length lists like tuples, or
//! as a copy or a loop when long.
//! Variants and flags are in `variants`, handles in `handles`.

use wasm_encoder::{Ieee32, Ieee64, MemArg};

use super::compile::{Emitter, SizeOf, val_type};
use super::intrinsics::{AdapterTrap, AllocFor, Side};
use super::signature::is_byte_copyable;
use crate::abi::layout;
use crate::error::{CallError, Error};
use crate::types::Type;

/// Where a value comes from, on the source side.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Src<'l> {
    /// The locals holding its flat values, in order.
    Flat(&'l [u32]),
    /// `offset` bytes past the address in local `addr`, in the side's memory.
    Mem { addr: u32, offset: u32 },
}

/// How many elements a loop moves.
#[derive(Debug, Clone, Copy)]
enum Count {
    /// The count in an i32 local.
    Local(u32),
    Const(u32),
}

/// Where a value goes, on the other side.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Dst {
    /// Pushed onto the operand stack as flat values.
    Flat,
    /// `offset` bytes past the address in local `addr`, in the side's memory.
    Mem { addr: u32, offset: u32 },
}

impl<'l> Src<'l> {
    /// The part of the value holding flat values `flat`, or at `offset`
    /// bytes further in memory.
    fn part(self, flat: std::ops::Range<usize>, offset: u32) -> Self {
        match self {
            Self::Flat(ls) => Self::Flat(&ls[flat]),
            Self::Mem { addr, offset: o } => Self::Mem {
                addr,
                offset: o + offset,
            },
        }
    }
}

impl Dst {
    /// The part of the destination `offset` bytes further (if in memory).
    fn part(self, offset: u32) -> Self {
        match self {
            Self::Flat => Self::Flat,
            Self::Mem { addr, offset: o } => Self::Mem {
                addr,
                offset: o + offset,
            },
        }
    }
}

fn mem_arg(offset: u32, align_log2: u32, memory_index: u32) -> MemArg {
    MemArg {
        offset: u64::from(offset),
        align: align_log2,
        memory_index,
    }
}

fn unsupported<T>(ty: &Type) -> Result<T, Error> {
    Err(CallError::Unsupported(format!("adapter for a `{}` value", ty.describe())).into())
}

/// The fields of a record or tuple, with their byte offsets in a memory
/// that is 64-bit when `from64`, and in one that is when `to64`.
fn fields(ty: &Type, from64: bool, to64: bool) -> Vec<(&Type, u32, u32)> {
    let from = layout::field_offsets(ty, from64);
    let to = layout::field_offsets(ty, to64);
    let fields = layout::fields(ty).unwrap_or_default().into_iter();
    fields
        .zip(from.into_iter().zip(to))
        .map(|(t, (a, b))| (t, a, b))
        .collect()
}

impl Emitter {
    /// Moves a value of type `ty` from `src` on side `from` to `dst` on the
    /// other side.
    pub(crate) fn translate(
        &mut self,
        ty: &Type,
        from: Side,
        src: Src<'_>,
        dst: Dst,
    ) -> Result<(), Error> {
        match ty {
            Type::Bool
            | Type::S8
            | Type::U8
            | Type::S16
            | Type::U16
            | Type::S32
            | Type::U32
            | Type::S64
            | Type::U64
            | Type::F32
            | Type::F64
            | Type::Char => self.scalar(ty, from, src, dst),
            Type::Record(_) | Type::Tuple(_) => {
                let mut next = 0;
                let (from64, to64) = (self.wide(from), self.wide(from.other()));
                for (t, src_at, dst_at) in fields(ty, from64, to64) {
                    let n = layout::flat_count(t);
                    let src = src.part(next..next + n, src_at);
                    next += n;
                    self.translate(t, from, src, dst.part(dst_at))?;
                }
                Ok(())
            }
            Type::String | Type::List(_) | Type::Map(..) => {
                let (ptr, len) = self.pair(from, src);
                let (new_ptr, new_len) = match ty {
                    Type::List(elem) => self.list(elem, from, ptr, len)?,
                    // A map is a list of (key, value) tuples.
                    Type::Map(k, v) => {
                        let entry = Type::Tuple([(**k).clone(), (**v).clone()].into());
                        self.list(&entry, from, ptr, len)?
                    }
                    _ => self.string(from, ptr, len),
                };
                self.put_pair(from.other(), dst, new_ptr, new_len);
                Ok(())
            }
            Type::FixedList(elem, n) => self.fixed_list(elem, *n, from, src, dst),
            Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
                self.variant(ty, from, src, dst)
            }
            Type::Flags(names) => self.flags(names.len(), from, src, dst),
            Type::Own(_)
            | Type::Borrow(_)
            | Type::Future(_)
            | Type::Stream(_)
            | Type::ErrorContext => {
                self.handle(from, src, dst);
                Ok(())
            }
        }
    }

    /// The `(ptr, len)` of a string or list, in two locals.
    fn pair(&mut self, from: Side, src: Src<'_>) -> (u32, u32) {
        match src {
            Src::Flat(ls) => (ls[0], ls[1]),
            Src::Mem { addr, offset } => {
                let (ptr, len) = (self.ptr_local(from), self.ptr_local(from));
                let width = if self.wide(from) { 8 } else { 4 };
                for (local, at) in [(ptr, offset), (len, offset + width)] {
                    self.ins().local_get(addr);
                    self.ptr_access(from, at, false);
                    self.ins().local_set(local);
                }
                (ptr, len)
            }
        }
    }

    fn put_pair(&mut self, to: Side, dst: Dst, ptr: u32, len: u32) {
        match dst {
            Dst::Flat => {
                self.ins().local_get(ptr).local_get(len);
            }
            Dst::Mem { addr, offset } => {
                let width = if self.wide(to) { 8 } else { 4 };
                for (local, at) in [(ptr, offset), (len, offset + width)] {
                    self.ins().local_get(addr).local_get(local);
                    self.ptr_access(to, at, true);
                }
            }
        }
    }

    /// Loads (or, when `store`, stores) a pointer or length of `side` at
    /// `offset` past the address on the stack, in its memory.
    fn ptr_access(&mut self, side: Side, offset: u32, store: bool) {
        let mem = self.memory(side);
        let wide = self.wide(side);
        let mut ins = self.ins();
        match (wide, store) {
            (true, false) => ins.i64_load(mem_arg(offset, 3, mem)),
            (true, true) => ins.i64_store(mem_arg(offset, 3, mem)),
            (false, false) => ins.i32_load(mem_arg(offset, 2, mem)),
            (false, true) => ins.i32_store(mem_arg(offset, 2, mem)),
        };
    }

    /// Moves the list of `len` `elem`s at `ptr` on side `from` into memory
    /// the other side allocates; returns the local holding the new pointer
    /// and the one holding the length in the other side's width.
    fn list(&mut self, elem: &Type, from: Side, ptr: u32, len: u32) -> Result<(u32, u32), Error> {
        let to = from.other();
        let (align, size) = (
            layout::alignment(elem, self.wide(from)),
            layout::elem_size(elem, self.wide(from)),
        );
        let (dst_align, dst_size) = (
            layout::alignment(elem, self.wide(to)),
            layout::elem_size(elem, self.wide(to)),
        );
        let range = SizeOf::Elems { len, elem: size };
        self.check_range(from, ptr, align, range, AdapterTrap::ListOutOfBounds);
        let (new_ptr, new_len, bytes) =
            (self.ptr_local(to), self.ptr_local(to), self.ptr_local(to));
        self.ins().local_get(len);
        self.convert_len(from, to, AdapterTrap::ListOutOfBounds);
        self.ins().local_tee(new_len);
        self.ptr_const(to, u64::from(dst_size));
        self.ptr_mul(to);
        self.ins().local_tee(bytes);
        self.realloc(to, dst_align, AllocFor::List);
        self.ins().local_set(new_ptr);
        if is_byte_copyable(elem) {
            let (dst_mem, src_mem) = (self.memory(to), self.memory(from));
            self.ins()
                .local_get(new_ptr)
                .local_get(ptr)
                .local_get(bytes);
            self.copy_len(to, from);
            self.ins().memory_copy(dst_mem, src_mem);
            return Ok((new_ptr, new_len));
        }
        self.each_elem(elem, from, ptr, new_ptr, Count::Local(len))?;
        Ok((new_ptr, new_len))
    }

    /// Moves `count` `elem`s, one per iteration, from the address in local
    /// `src_start` on side `from` to the one in `dst_start` on the other
    /// (a `Count::Local` is of `from`'s width).
    fn each_elem(
        &mut self,
        elem: &Type,
        from: Side,
        src_start: u32,
        dst_start: u32,
        count: Count,
    ) -> Result<(), Error> {
        let to = from.other();
        let src_step = layout::elem_size(elem, self.wide(from));
        let dst_step = layout::elem_size(elem, self.wide(to));
        // The counter runs in `from`'s width, like a `Count::Local`.
        let counter = from;
        let (i, src, dst) = (
            self.ptr_local(counter),
            self.ptr_local(from),
            self.ptr_local(to),
        );
        self.ptr_const(counter, 0);
        self.ins()
            .local_set(i)
            .local_get(src_start)
            .local_set(src)
            .local_get(dst_start)
            .local_set(dst)
            .block(wasm_encoder::BlockType::Empty)
            .loop_(wasm_encoder::BlockType::Empty)
            .local_get(i);
        match count {
            Count::Local(len) => {
                self.ins().local_get(len);
            }
            Count::Const(n) => self.ptr_const(counter, u64::from(n)),
        };
        if self.wide(counter) {
            self.ins().i64_ge_u().br_if(1);
        } else {
            self.ins().i32_ge_u().br_if(1);
        }
        self.translate(
            elem,
            from,
            Src::Mem {
                addr: src,
                offset: 0,
            },
            Dst::Mem {
                addr: dst,
                offset: 0,
            },
        )?;
        self.ins().local_get(src);
        self.ptr_const(from, u64::from(src_step));
        self.ptr_add(from);
        self.ins().local_set(src).local_get(dst);
        self.ptr_const(to, u64::from(dst_step));
        self.ptr_add(to);
        self.ins().local_set(dst).local_get(i);
        self.ptr_const(counter, 1);
        self.ptr_add(counter);
        self.ins().local_set(i).br(0).end().end();
        Ok(())
    }

    /// Moves a fixed-length list of `n` `elem`s: like a tuple of them, but
    /// in memory past 16 elements with a loop (or one `memory.copy` when
    /// the elements are byte-copyable).
    fn fixed_list(
        &mut self,
        elem: &Type,
        n: u32,
        from: Side,
        src: Src<'_>,
        dst: Dst,
    ) -> Result<(), Error> {
        const UNROLLED: u32 = 16;
        let (
            Src::Mem {
                addr: sa,
                offset: so,
            },
            Dst::Mem {
                addr: da,
                offset: doff,
            },
        ) = (src, dst)
        else {
            return self.each_unrolled(elem, n, from, src, dst);
        };
        let copyable = is_byte_copyable(elem);
        if n <= UNROLLED && !copyable {
            return self.each_unrolled(elem, n, from, src, dst);
        }
        // Both start addresses, offsets included, in locals.
        let to = from.other();
        let (s, d) = (self.ptr_local(from), self.ptr_local(to));
        self.ins().local_get(sa);
        self.ptr_const(from, u64::from(so));
        self.ptr_add(from);
        self.ins().local_set(s).local_get(da);
        self.ptr_const(to, u64::from(doff));
        self.ptr_add(to);
        self.ins().local_set(d);
        if copyable {
            // Integers only: the same layout on both sides.
            let bytes = layout::elem_size(elem, false) * n;
            let (dst_mem, src_mem) = (self.memory(to), self.memory(from));
            self.ins().local_get(d).local_get(s);
            if self.wide(from) && self.wide(to) {
                self.ins().i64_const(i64::from(bytes));
            } else {
                self.ins().i32_const(bytes as i32);
            }
            self.ins().memory_copy(dst_mem, src_mem);
            return Ok(());
        }
        self.each_elem(elem, from, s, d, Count::Const(n))
    }

    /// Moves the `n` `elem`s of a fixed-length list one after another, as
    /// the fields of a tuple; each element's handles use the element type's
    /// entries of the signature's handle table (as in a loop).
    fn each_unrolled(
        &mut self,
        elem: &Type,
        n: u32,
        from: Side,
        src: Src<'_>,
        dst: Dst,
    ) -> Result<(), Error> {
        let flat = layout::flat_count(elem);
        let src_size = layout::elem_size(elem, self.wide(from));
        let dst_size = layout::elem_size(elem, self.wide(from.other()));
        let first_handle = self.next_handle;
        for i in 0..n {
            self.next_handle = first_handle;
            let first = i as usize * flat;
            let src = src.part(first..first + flat, i * src_size);
            self.translate(elem, from, src, dst.part(i * dst_size))?;
        }
        Ok(())
    }

    fn scalar(&mut self, ty: &Type, from: Side, src: Src<'_>, dst: Dst) -> Result<(), Error> {
        let mut flat = Vec::new();
        layout::flatten(ty, false, &mut flat);
        let Some(core) = flat.first().copied().map(val_type) else {
            return unsupported(ty);
        };
        let local = match src {
            Src::Flat(ls) => ls[0],
            Src::Mem { addr, offset } => {
                let mem = self.memory(from);
                let local = self.local(core);
                self.ins().local_get(addr);
                self.load(ty, mem_arg(offset, 0, mem));
                self.ins().local_set(local);
                local
            }
        };
        match dst {
            Dst::Flat => self.convert(ty, local),
            Dst::Mem { addr, offset } => {
                let mem = self.memory(from.other());
                self.ins().local_get(addr);
                self.convert(ty, local);
                self.store(ty, mem_arg(offset, 0, mem));
            }
        }
        Ok(())
    }

    /// Loads scalar `ty` (address on the stack) as its flat core value.
    fn load(&mut self, ty: &Type, m: MemArg) {
        let mut ins = self.ins();
        match ty {
            Type::Bool | Type::U8 => ins.i32_load8_u(m),
            Type::S8 => ins.i32_load8_s(m),
            Type::U16 => ins.i32_load16_u(m),
            Type::S16 => ins.i32_load16_s(m),
            Type::F32 => ins.f32_load(m),
            Type::F64 => ins.f64_load(m),
            Type::S64 | Type::U64 => ins.i64_load(m),
            Type::S32 | Type::U32 | Type::Char => ins.i32_load(m),
            // `scalar` is reached only for scalars.
            Type::String
            | Type::ErrorContext
            | Type::List(_)
            | Type::FixedList(..)
            | Type::Record(_)
            | Type::Tuple(_)
            | Type::Variant(_)
            | Type::Enum(_)
            | Type::Option(_)
            | Type::Result { .. }
            | Type::Flags(_)
            | Type::Own(_)
            | Type::Borrow(_)
            | Type::Future(_)
            | Type::Stream(_)
            | Type::Map(..) => &mut ins,
        };
    }

    /// Stores scalar `ty` (address, then value on the stack).
    fn store(&mut self, ty: &Type, m: MemArg) {
        let mut ins = self.ins();
        match ty {
            Type::Bool | Type::U8 | Type::S8 => ins.i32_store8(m),
            Type::U16 | Type::S16 => ins.i32_store16(m),
            Type::F32 => ins.f32_store(m),
            Type::F64 => ins.f64_store(m),
            Type::S64 | Type::U64 => ins.i64_store(m),
            Type::S32 | Type::U32 | Type::Char => ins.i32_store(m),
            Type::String
            | Type::ErrorContext
            | Type::List(_)
            | Type::FixedList(..)
            | Type::Record(_)
            | Type::Tuple(_)
            | Type::Variant(_)
            | Type::Enum(_)
            | Type::Option(_)
            | Type::Result { .. }
            | Type::Flags(_)
            | Type::Own(_)
            | Type::Borrow(_)
            | Type::Future(_)
            | Type::Stream(_)
            | Type::Map(..) => &mut ins,
        };
    }

    /// Pushes the scalar held in `local`, converted as a lift from one side
    /// and a lower into the other: integers narrower than their core type
    /// are masked or sign-extended, `bool` becomes 0 or 1, NaNs become the
    /// canonical NaN, and an invalid `char` traps.
    fn convert(&mut self, ty: &Type, local: u32) {
        let mut ins = self.ins();
        match ty {
            Type::Bool => {
                ins.local_get(local).i32_const(0).i32_ne();
            }
            Type::S8 => {
                ins.local_get(local).i32_extend8_s();
            }
            Type::U8 => {
                ins.local_get(local).i32_const(0xff).i32_and();
            }
            Type::S16 => {
                ins.local_get(local).i32_extend16_s();
            }
            Type::U16 => {
                ins.local_get(local).i32_const(0xffff).i32_and();
            }
            Type::F32 => {
                ins.local_get(local)
                    .f32_const(Ieee32::from(f32::from_bits(0x7fc0_0000)))
                    .local_get(local)
                    .local_get(local)
                    .f32_eq()
                    .select();
            }
            Type::F64 => {
                ins.local_get(local)
                    .f64_const(Ieee64::from(f64::from_bits(0x7ff8_0000_0000_0000)))
                    .local_get(local)
                    .local_get(local)
                    .f64_eq()
                    .select();
            }
            Type::Char => {
                // A surrogate (0xd800..=0xdfff) or beyond 0x10ffff traps.
                ins.local_get(local)
                    .i32_const(0xd800)
                    .i32_xor()
                    .i32_const(0x800)
                    .i32_lt_u()
                    .local_get(local)
                    .i32_const(0x11_0000)
                    .i32_ge_u()
                    .i32_or();
                self.trap_if(AdapterTrap::InvalidChar);
                self.ins().local_get(local);
            }
            Type::S32 | Type::U32 | Type::S64 | Type::U64 => {
                ins.local_get(local);
            }
            Type::String
            | Type::ErrorContext
            | Type::List(_)
            | Type::FixedList(..)
            | Type::Record(_)
            | Type::Tuple(_)
            | Type::Variant(_)
            | Type::Enum(_)
            | Type::Option(_)
            | Type::Result { .. }
            | Type::Flags(_)
            | Type::Own(_)
            | Type::Borrow(_)
            | Type::Future(_)
            | Type::Stream(_)
            | Type::Map(..) => {}
        }
    }
}
