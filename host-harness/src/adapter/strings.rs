//! Strings inside an adapter (CanonicalABI.md, "String loading" and
//! "String storing").
//!
//! Between two utf8 sides the bytes are checked in place by an intrinsic
//! (bounds and validity, with the spec's traps) and copied with one
//! `memory.copy` from one memory to the other. Every other pair of
//! encodings calls the transcoding intrinsic, which reads one memory and
//! writes the other with the same code as the host path, so validation,
//! allocation sizes and traps are the spec's in every combination.

use wasm_encoder::ValType;

use super::compile::Emitter;
use super::intrinsics::{AllocFor, Intrinsic, Side};
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
        let (new_ptr, new_len) = (self.local(ValType::I32), self.local(ValType::I32));
        if (src_enc, dst_enc) == (StringEncoding::Utf8, StringEncoding::Utf8) {
            let check = self.intrinsic(Intrinsic::Utf8Check(from));
            self.ins().local_get(ptr).local_get(len).call(check);
            self.ins().local_get(len);
            self.realloc(to, 1, AllocFor::String);
            self.ins().local_set(new_ptr);
            let (dst_mem, src_mem) = (self.memory(to), self.memory(from));
            self.ins()
                .local_get(new_ptr)
                .local_get(ptr)
                .local_get(len)
                .memory_copy(dst_mem, src_mem)
                .local_get(len)
                .local_set(new_len);
        } else {
            let transcode = self.intrinsic(Intrinsic::Transcode(from));
            self.ins()
                .local_get(ptr)
                .local_get(len)
                .call(transcode)
                .local_set(new_len)
                .local_set(new_ptr);
        }
        (new_ptr, new_len)
    }
}
