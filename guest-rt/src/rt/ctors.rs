//! Running static constructors once per component instance.
//!
//! `wasm-ld` gives a module without an `_initialize` export a call to
//! `__wasm_call_ctors` at the start of *every* export, so C constructors
//! (wasi-libc's environment setup, or those of C code linked into the guest)
//! would run again on each call and could reset state set by the previous
//! one. Referencing `__wasm_call_ctors` ourselves turns that off; generated
//! export glue then calls [`run_ctors_once`] first (unless the
//! `disable_run_ctors_once_workaround` option is set), so they run exactly
//! once, before the first export's own code. `cabi_realloc` is a core
//! export with no glue, so the allocator never runs them.

use core::sync::atomic::{AtomicBool, Ordering};

/// Runs the module's static constructors the first time it is called.
// Out of line: every export calls this first, and the flag's load, store
// and test inlined cost each export ~25 bytes of code against a 2-3 byte
// call; the call happens once per export invocation, which is noise.
#[inline(never)]
pub fn run_ctors_once() {
    static RAN: AtomicBool = AtomicBool::new(false);
    let first = !RAN.swap(true, Ordering::Relaxed);
    #[cfg(target_arch = "wasm32")]
    if first {
        unsafe extern "C" {
            fn __wasm_call_ctors();
        }
        // SAFETY: `__wasm_call_ctors` is synthesised by `wasm-ld` and takes
        // no arguments; the flag above makes this the only call, which is
        // what the linker expects once the module references the symbol.
        unsafe { __wasm_call_ctors() }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = first;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_calls_do_nothing() {
        run_ctors_once();
        run_ctors_once();
    }
}
