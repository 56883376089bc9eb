//! Strings inside an adapter (CanonicalABI.md, "String loading" and
//! "String storing").
//!
//! Between two utf8 sides the bytes are checked in place by an intrinsic
//! (bounds and validity, with the spec's traps) and copied with one
//! `memory.copy` from one memory to the other. Every other pair of
//! encodings calls two transcoding intrinsics around the destination's
//! `realloc`, which the adapter calls itself: the first reads the source
//! in place, validates it and encodes it into a host buffer, saying how
//! much to allocate; the second writes it at the new block and says
//! whether to shrink it. Validation, allocation sizes and traps are the
//! host path's (`abi::transcode` follows `load_string`/`store_string`).

use super::compile::Emitter;
use super::intrinsics::{AdapterTrap, AllocFor, Intrinsic, Side};
use crate::translate::def::StringEncoding;

impl Emitter {
    /// Moves the string `(ptr, len)` (two i32 locals) from side `from` to
    /// the other side; returns the locals of the new `(ptr, len)`.
    pub(crate) fn string(&mut self, from: Side, ptr: u32, len: u32) -> (u32, u32) {
        let to = from.other();
        let encoding = |s: Side| match s {
            Side::Caller => self.sig.caller.encoding,
            Side::Callee => self.sig.callee.encoding,
        };
        let (src_enc, dst_enc) = (encoding(from), encoding(to));
        let (new_ptr, new_len) = (self.ptr_local(to), self.ptr_local(to));
        if (src_enc, dst_enc) == (StringEncoding::Utf8, StringEncoding::Utf8) {
            if from == Side::Caller && self.first_string_checked {
                self.first_string_checked = false;
            } else {
                let check = self.intrinsic(Intrinsic::Utf8Check(from));
                self.ins().local_get(ptr).local_get(len).call(check);
            }
            self.ins().local_get(len);
            self.convert_len(from, to, AdapterTrap::StringOutOfBounds);
            self.ins().local_tee(new_len);
            self.realloc(to, 1, AllocFor::String);
            self.ins().local_set(new_ptr);
            let (dst_mem, src_mem) = (self.memory(to), self.memory(from));
            self.ins()
                .local_get(new_ptr)
                .local_get(ptr)
                .local_get(new_len);
            self.copy_len(to, from);
            self.ins().memory_copy(dst_mem, src_mem);
        } else {
            // The host encodes the string for the other side; the adapter
            // allocates there (the host path's sizes), lets the host write
            // it, and shrinks the block when the worst case was not needed.
            let align = match dst_enc {
                StringEncoding::Utf8 => 1,
                StringEncoding::Utf16 | StringEncoding::Latin1Utf16 => 2,
            };
            let (alloc, shrink) = (self.ptr_local(to), self.ptr_local(to));
            let transcode = self.intrinsic(Intrinsic::Transcode(from));
            self.ins()
                .local_get(ptr)
                .local_get(len)
                .call(transcode)
                .local_tee(alloc);
            self.realloc(to, align, AllocFor::String);
            self.ins().local_set(new_ptr);
            let store = self.intrinsic(Intrinsic::TranscodeStore(to));
            self.ins()
                .local_get(new_ptr)
                .call(store)
                .local_set(new_len)
                .local_tee(shrink);
            // `-1`: keep the block.
            if self.wide(to) {
                self.ins().i64_const(-1).i64_ne();
            } else {
                self.ins().i32_const(-1).i32_ne();
            }
            self.ins()
                .if_(wasm_encoder::BlockType::Empty)
                .local_get(shrink);
            self.resize(to, Some((new_ptr, alloc)), align, AllocFor::String);
            self.ins().local_set(new_ptr).end();
        }
        (new_ptr, new_len)
    }
}
