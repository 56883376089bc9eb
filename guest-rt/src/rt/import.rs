//! The declaration of a core wasm import that generated bindings call.
//!
//! Every imported function's binding declares its own `__wit_import` inside
//! its body: the import itself on wasm, and on other targets a stub, so
//! that host builds of a guest crate (its unit tests) compile and link. One
//! macro call says that in a line instead of repeating both declarations,
//! and their parameter lists, in every binding.

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

#[cfg(test)]
mod tests {
    use super::wit_import;

    #[test]
    fn the_declaration_has_the_given_core_signature() {
        wit_import!("example:log/sink", "write", fn(*mut u8, usize) -> i32);
        // The native stub panics, and an `extern "C"` function cannot
        // unwind, so it is checked by type only.
        let _: unsafe extern "C" fn(*mut u8, usize) -> i32 = __wit_import;
    }
}
