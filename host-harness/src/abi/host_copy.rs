//! Host copies of guest values, held to the store's memory limit.
//!
//! Lifting a string or list copies it out of linear memory into host
//! memory, and a guest chooses the lengths. A `list<list<u8>>` whose
//! elements all point at the same gigabyte would make the host copy it
//! again and again, so every copy one lift makes is charged to a budget
//! ([`Cx::host_budget`](super::Cx)): what the store's memory limit leaves
//! plus a little slack. Buffers are reserved fallibly, so running out of
//! host memory is a trap, never an abort.

use super::Cx;
use crate::engine::Bytes;
use crate::error::{Error, trap};

/// Host memory a lift may use even when the guest's memories have taken
/// the whole limit: room for the small values every call passes.
pub(super) const HOST_SLACK: u64 = 16 << 20;

impl<T> Cx<'_, T> {
    /// Takes `bytes` out of this lift's host-memory budget.
    pub(crate) fn charge_host(&mut self, bytes: u64) -> Result<(), Error> {
        match self.host_budget.checked_sub(bytes) {
            Some(left) => {
                self.host_budget = left;
                Ok(())
            }
            None => trap(format!(
                "a lifted value needs {} of host memory, more than the {} the store's memory limit leaves",
                Bytes(bytes),
                Bytes(self.host_budget)
            )),
        }
    }

    /// An empty vector with room for `len` elements, charged to the budget.
    pub(crate) fn host_vec<E>(&mut self, len: u64) -> Result<Vec<E>, Error> {
        let bytes = len.saturating_mul(size_of::<E>() as u64);
        self.charge_host(bytes)?;
        let mut out = Vec::new();
        let len = usize::try_from(len).map_err(|_| out_of_host_memory(bytes))?;
        out.try_reserve_exact(len)
            .map_err(|_| out_of_host_memory(bytes))?;
        Ok(out)
    }

    /// An empty string with room for `capacity` bytes, charged likewise.
    pub(crate) fn host_string(&mut self, capacity: u64) -> Result<String, Error> {
        let bytes = self.host_vec::<u8>(capacity)?;
        // An empty vector is always UTF-8; the default is never taken.
        Ok(String::from_utf8(bytes).unwrap_or_default())
    }

    /// A copy of `len` bytes at `ptr`, bounds-checked with `oob`.
    pub(crate) fn host_bytes(&mut self, ptr: u64, len: u64, oob: &str) -> Result<Vec<u8>, Error> {
        self.bytes(ptr, len, oob)?;
        let mut out = self.host_vec::<u8>(len)?;
        out.extend_from_slice(self.bytes(ptr, len, oob)?);
        Ok(out)
    }
}

/// The trap for a host allocation the system refused.
fn out_of_host_memory(bytes: u64) -> Error {
    Error::trap(format!(
        "out of host memory: cannot allocate {} for a lifted value",
        Bytes(bytes)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::Path;
    use crate::engine::CoreAsContextMut;
    use crate::index::EntityRef;
    use crate::runtime::{ComponentInstanceId, RtOptions};
    use crate::translate::def::StringEncoding;
    use crate::{Engine, Store, StoreLimits};

    fn with_cx(max_memory: u64, f: impl FnOnce(&mut Cx<'_, ()>)) {
        let engine = Engine::default();
        let mut store = Store::new(&engine, ());
        store.set_limits(StoreLimits::default().max_memory(max_memory));
        let opts = RtOptions {
            encoding: StringEncoding::Utf8,
            memory: None,
            realloc: None,
            post_return: None,
            is_async: false,
            callback: None,
        };
        let ctx = store.inner.as_context_mut();
        let mut cx = Cx::new(ctx, opts, ComponentInstanceId::new(0), Path::Host);
        f(&mut cx);
    }

    #[test]
    fn copies_are_charged_until_the_budget_is_spent() {
        with_cx(1 << 20, |cx| {
            let budget = (1 << 20) + HOST_SLACK;
            assert!(cx.host_vec::<u8>(budget - 8).is_ok());
            assert!(cx.host_vec::<u64>(1).is_ok(), "exactly the rest");
            let err = cx.host_vec::<u8>(1).unwrap_err();
            let message = err.as_trap().map(|t| t.message().to_string());
            assert_eq!(
                message.as_deref(),
                Some(
                    "a lifted value needs 1 byte of host memory, more than the 0 bytes the store's memory limit leaves"
                )
            );
        });
    }

    #[test]
    fn an_allocation_the_system_refuses_is_a_trap() {
        with_cx(u64::MAX, |cx| {
            let err = cx.host_vec::<u64>(u64::MAX / 16).unwrap_err();
            let message = err.as_trap().map(|t| t.message().to_string());
            assert!(
                message.is_some_and(|m| m.starts_with("out of host memory")),
                "{err}"
            );
        });
    }
}
