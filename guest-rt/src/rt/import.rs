//! Declarations of the core wasm imports that generated bindings call.
//!
//! Every imported function's binding declares its own `__wit_import` inside
//! its body, and every `future`/`stream` payload type its seven canonical
//! built-ins: the imports themselves on wasm, and on other targets stubs,
//! so that host builds of a guest crate (its unit tests) compile and link.
//! One macro call says that instead of repeating both declarations, and
//! their parameter lists, in every binding.

/// Declares `__wit_import`, the core function `$name` of core module
/// `$module` with the given core signature, in the enclosing block; on
/// targets other than wasm32 it is a stub that panics.
///
/// ```
/// weft::rt::wit_import!("example:log/sink", "write", fn(*mut u8, usize));
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __weft_wit_import {
    ($module:literal, $name:literal, fn($($param:ty),* $(,)?) $(-> $result:ty)?) => {
        #[cfg(target_arch = "wasm32")]
        #[link(wasm_import_module = $module)]
        unsafe extern "C" {
            #[link_name = $name]
            fn __wit_import($(_: $param),*) $(-> $result)?;
        }
        #[cfg(not(target_arch = "wasm32"))]
        unsafe extern "C" fn __wit_import($(_: $param),*) $(-> $result)? {
            unreachable!()
        }
    };
}

pub use crate::__weft_wit_import as wit_import;

/// Declares the canonical built-ins of one `future` or `stream` payload
/// type (`new`, `start_read`, `start_write`, `cancel_read`, `cancel_write`,
/// `drop_readable`, `drop_writable`) from core module `$module`, under the
/// given core names; on targets other than wasm32 they are stubs that
/// panic. A stream's reads and writes also take the element count.
#[doc(hidden)]
#[macro_export]
macro_rules! __weft_payload_intrinsics {
    (future $module:literal: $($name:literal),* $(,)?) => {
        $crate::__weft_payload_intrinsics!(@declare $module: $($name),*; );
    };
    (stream $module:literal: $($name:literal),* $(,)?) => {
        $crate::__weft_payload_intrinsics!(@declare $module: $($name),*; , _: usize);
    };
    (@declare $module:literal: $new:literal, $read:literal, $write:literal,
        $cancel_read:literal, $cancel_write:literal, $drop_readable:literal,
        $drop_writable:literal; $($amt:tt)*) => {
        #[cfg(target_arch = "wasm32")]
        #[link(wasm_import_module = $module)]
        unsafe extern "C" {
            #[link_name = $new]
            fn new() -> u64;
            #[link_name = $read]
            fn start_read(_: u32, _: *mut u8 $($amt)*) -> u32;
            #[link_name = $write]
            fn start_write(_: u32, _: *const u8 $($amt)*) -> u32;
            #[link_name = $cancel_read]
            fn cancel_read(_: u32) -> u32;
            #[link_name = $cancel_write]
            fn cancel_write(_: u32) -> u32;
            #[link_name = $drop_readable]
            fn drop_readable(_: u32);
            #[link_name = $drop_writable]
            fn drop_writable(_: u32);
        }
        #[cfg(not(target_arch = "wasm32"))]
        unsafe extern "C" fn new() -> u64 { unreachable!() }
        #[cfg(not(target_arch = "wasm32"))]
        unsafe extern "C" fn start_read(_: u32, _: *mut u8 $($amt)*) -> u32 { unreachable!() }
        #[cfg(not(target_arch = "wasm32"))]
        unsafe extern "C" fn start_write(_: u32, _: *const u8 $($amt)*) -> u32 { unreachable!() }
        #[cfg(not(target_arch = "wasm32"))]
        unsafe extern "C" fn cancel_read(_: u32) -> u32 { unreachable!() }
        #[cfg(not(target_arch = "wasm32"))]
        unsafe extern "C" fn cancel_write(_: u32) -> u32 { unreachable!() }
        #[cfg(not(target_arch = "wasm32"))]
        unsafe extern "C" fn drop_readable(_: u32) { unreachable!() }
        #[cfg(not(target_arch = "wasm32"))]
        unsafe extern "C" fn drop_writable(_: u32) { unreachable!() }
    };
}

pub use crate::__weft_payload_intrinsics as payload_intrinsics;

#[cfg(test)]
mod tests {
    use super::{payload_intrinsics, wit_import};

    #[test]
    fn the_declaration_has_the_given_core_signature() {
        wit_import!("example:log/sink", "write", fn(*mut u8, usize) -> i32);
        // The native stub panics, and an `extern "C"` function cannot
        // unwind, so it is checked by type only.
        let _: unsafe extern "C" fn(*mut u8, usize) -> i32 = __wit_import;
    }

    #[test]
    fn stream_built_ins_take_the_element_count() {
        payload_intrinsics!(stream "m": "n", "r", "w", "cr", "cw", "dr", "dw");
        let _: unsafe extern "C" fn(u32, *mut u8, usize) -> u32 = start_read;
        let _: unsafe extern "C" fn(u32, *const u8, usize) -> u32 = start_write;
        let _: unsafe extern "C" fn() -> u64 = new;
        let _: unsafe extern "C" fn(u32) -> u32 = cancel_read;
        let _: unsafe extern "C" fn(u32) -> u32 = cancel_write;
        let _: unsafe extern "C" fn(u32) = drop_readable;
        let _: unsafe extern "C" fn(u32) = drop_writable;
    }
}
