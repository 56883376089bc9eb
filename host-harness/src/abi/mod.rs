//! The canonical ABI in host code: lifting core values and memory into
//! [`Val`]s and lowering them back (CanonicalABI.md, "Lifting and Lowering").
//!
//! [`Cx`] is the spec's `LiftLowerContext`: the options (memory, realloc,
//! string encoding), the instance whose handle table is used, and the borrow
//! scope. `lift`/`lower` walk values; `strings` does the transcoding;
//! `layout` computes sizes and flattenings. The cross-component path lifts
//! from the callee and lowers into the caller here; the adapter compiler
//! will later replace it with generated core code.

mod host_copy;
pub(crate) mod layout;
mod lift;
mod load;
mod lower;
mod resources;
mod scalar;
mod shape;
mod store;
mod strings;

pub(crate) use lift::{FlatIter, flat_case, lift_flat, lift_flat_values, lift_results};
pub(crate) use load::{list_bounds, load, load_case, load_flag_words, load_pair};
pub(crate) use lower::{
    core_ptr, lower_flat, lower_flat_values, lower_results, ptr_val, push_case, store_result,
};
pub(crate) use resources::{
    lift_borrow, lift_error_context, lift_own, lower_borrow, lower_error_context, lower_own,
};
pub(crate) use scalar::{char_from, f32_canon, f64_canon};
pub(crate) use store::{alloc_list, store, store_case, store_flag_words, store_pair};
pub(crate) use strings::{
    Transcoded, adapter_utf8_check, load_string, store_string, transcode, utf8_str,
};

use crate::engine::{
    self, CoreAsContext, CoreAsContextMut, CoreCtxMut, CoreMemory, CoreVal, GrowthDenied,
};
use crate::error::{Error, trap};
use crate::runtime::handles::HandleIdx;
use crate::runtime::store::StoreData;
use crate::runtime::task::TaskId;
use crate::runtime::{ComponentInstanceId, RtOptions, Runtime, flags};

/// Which side drives a boundary crossing; selects trap messages so they
/// match what the reference suite expects of a host-to-guest call versus a
/// guest-to-guest call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Path {
    Host,
    Adapter,
}

/// The spec's `LiftLowerContext`.
pub(crate) struct Cx<'s, T> {
    pub(crate) store: CoreCtxMut<'s, StoreData<T>>,
    pub(crate) opts: RtOptions,
    pub(crate) inst: ComponentInstanceId,
    pub(crate) path: Path,
    /// Where borrows lowered into this instance are scoped.
    pub(crate) borrow_scope: Option<TaskId>,
    /// Owned handles lent out by lifting `borrow`s from this instance.
    pub(crate) lenders: Vec<HandleIdx>,
    /// Bytes of host memory copies made by this lift may still take
    /// (`host_copy`).
    host_budget: u64,
}

impl<'s, T> Cx<'s, T> {
    pub(crate) fn new(
        store: CoreCtxMut<'s, StoreData<T>>,
        opts: RtOptions,
        inst: ComponentInstanceId,
        path: Path,
    ) -> Self {
        let host_budget = store
            .data()
            .limits
            .memory_left()
            .saturating_add(host_copy::HOST_SLACK);
        Self {
            store,
            opts,
            inst,
            path,
            borrow_scope: None,
            lenders: Vec::new(),
            host_budget,
        }
    }

    pub(crate) fn rt(&mut self) -> &mut Runtime {
        &mut self.store.data_mut().rt
    }

    fn memory(&self) -> Result<CoreMemory, Error> {
        match self.opts.memory {
            Some(m) => Ok(m),
            None => trap("canonical option `memory` is required"),
        }
    }

    pub(crate) fn ptr64(&self) -> bool {
        self.opts
            .memory
            .is_some_and(|m| engine::memory_is_64(self.store.as_context(), &m))
    }

    pub(crate) fn mem_len(&self) -> Result<u64, Error> {
        let m = self.memory()?;
        Ok(engine::memory_data(self.store.as_context(), &m).len() as u64)
    }

    /// `len` bytes at `ptr`, bounds-checked with the given trap message.
    pub(crate) fn bytes(&self, ptr: u64, len: u64, oob: &str) -> Result<&[u8], Error> {
        let m = self.memory()?;
        let data = engine::memory_data(self.store.as_context(), &m);
        match ptr.checked_add(len) {
            Some(end) if end <= data.len() as u64 => Ok(&data[ptr as usize..end as usize]),
            _ => trap(oob),
        }
    }

    pub(crate) fn write(&mut self, ptr: u64, bytes: &[u8], oob: &str) -> Result<(), Error> {
        let m = self.memory()?;
        let data = engine::memory_data_mut(self.store.as_context_mut(), &m);
        match ptr.checked_add(bytes.len() as u64) {
            Some(end) if end <= data.len() as u64 => {
                data[ptr as usize..end as usize].copy_from_slice(bytes);
                Ok(())
            }
            _ => trap(oob),
        }
    }

    pub(crate) fn load<const N: usize>(&self, ptr: u64) -> Result<[u8; N], Error> {
        let b = self.bytes(ptr, N as u64, "out of bounds memory access")?;
        Ok(b.try_into().expect("length checked"))
    }

    /// Calls the guest's `realloc` (the spec's `LiftLowerContext.reallocate`)
    /// and checks the returned pointer.
    pub(crate) fn realloc(
        &mut self,
        old: u64,
        old_len: u64,
        align: u32,
        new_len: u64,
        what: Alloc,
    ) -> Result<u64, Error> {
        let Some(realloc) = self.opts.realloc else {
            return trap("canonical option `realloc` is required");
        };
        let ptr64 = self.ptr64();
        let arg = |v: u64| {
            if ptr64 {
                CoreVal::I64(v as i64)
            } else {
                CoreVal::I32(v as i32)
            }
        };
        let args = [arg(old), arg(old_len), arg(u64::from(align)), arg(new_len)];
        let mut out = [arg(0)];
        let inst = self.inst;
        flags::set_may_leave(&mut self.store, inst, false);
        self.store.data_mut().limits.take_memory_denied();
        let result = engine::call_plain(self.store.as_context_mut(), &realloc, &args, &mut out);
        let denied = self.store.data_mut().limits.take_memory_denied();
        flags::set_may_leave(&mut self.store, inst, true);
        let checked = result.and_then(|()| {
            let ptr = match out[0] {
                CoreVal::I64(v) => v as u64,
                CoreVal::I32(v) => u64::from(v as u32),
                _ => return trap("realloc returned a non-integer"),
            };
            // Allocators return null when `memory.grow` fails.
            if denied.is_some() && ptr == 0 && new_len > 0 {
                return trap("realloc returned null");
            }
            self.check_alloc(ptr, align, new_len, what)?;
            Ok(ptr)
        });
        match (checked, denied) {
            (Err(e), Some(why)) => Err(self.memory_limit_trap(new_len, why, &e)),
            (checked, _) => checked,
        }
    }

    /// After a `realloc` that a fused adapter called itself returned null
    /// for `new_len` bytes: the trap the host path's [`Cx::realloc`] gives
    /// when a memory growth was refused meanwhile, else nothing (the
    /// adapter checks the pointer). A refusal the guest saw outside a
    /// `realloc` and survived also counts, since the adapter does not clear
    /// the record before its call; only a realloc that returns null for a
    /// non-empty allocation asks.
    pub(crate) fn null_alloc(mut self, new_len: u64) -> Result<(), Error> {
        match self.store.data_mut().limits.take_memory_denied() {
            Some(why) if new_len > 0 => {
                let cause = Error::trap("realloc returned null");
                Err(self.memory_limit_trap(new_len, why, &cause))
            }
            Some(_) | None => Ok(()),
        }
    }

    /// The trap for a `realloc` that failed because a memory could not
    /// grow, keeping what the guest's failure looked like.
    fn memory_limit_trap(&self, new_len: u64, why: GrowthDenied, cause: &Error) -> Error {
        let reason = match why {
            GrowthDenied::Limit => format!(
                "the store's memory limit of {} is reached",
                engine::Bytes(self.store.data().limits.max_memory())
            ),
            GrowthDenied::System => "the host is out of memory".to_string(),
        };
        let cause = cause
            .as_trap()
            .map_or_else(|| cause.to_string(), |t| t.message().to_string());
        Error::trap(format!(
            "realloc could not allocate {new_len} bytes: {reason} ({cause})"
        ))
    }

    fn check_alloc(&self, ptr: u64, align: u32, len: u64, what: Alloc) -> Result<(), Error> {
        let host = self.path == Path::Host;
        if !ptr.is_multiple_of(u64::from(align)) {
            return trap(if host {
                "realloc return: result not aligned"
            } else {
                "unaligned pointer"
            });
        }
        let mem_len = self.mem_len()?;
        if ptr.checked_add(len).is_none_or(|end| end > mem_len) {
            return trap(match (host, what) {
                (true, _) => "realloc return: beyond end of memory",
                (false, Alloc::String) => "string content out-of-bounds",
                (false, Alloc::List) => "list content out-of-bounds",
                (false, Alloc::Spill) => "out of bounds memory access",
            });
        }
        Ok(())
    }

    /// Checks a pointer the guest handed over (a spilled argument tuple or
    /// a return area) for alignment and bounds.
    pub(crate) fn check_ptr(&self, ptr: u64, align: u32, len: u64) -> Result<(), Error> {
        if !ptr.is_multiple_of(u64::from(align)) {
            return trap("unaligned pointer");
        }
        if ptr
            .checked_add(len)
            .is_none_or(|end| end > self.mem_len().unwrap_or(0))
        {
            return trap("out of bounds memory access");
        }
        Ok(())
    }
}

/// What an allocation is for; chooses the out-of-bounds trap message.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Alloc {
    String,
    List,
    Spill,
}
