//! Definitions of the core wasm exports that a world's export macro makes.
//!
//! The export macro gives every exported function (and post-return,
//! callback and destructor) a core export: an `extern "C"` function under
//! the core name that calls the generic glue with the user's type. One
//! macro call says that with the core parameters written once, instead
//! of the attribute, signature and forwarding call spelled out per export.

/// Defines the core export `$name`: a function with the given core
/// parameters and result that forwards to `$glue`. It is exported under
/// that name on wasm32 only; on other targets (host unit tests of a guest
/// crate) it stays a plain, unused function.
///
/// ```
/// fn glue(a: i32, b: *mut u8) -> i32 { a + b as i32 }
/// weft::rt::export_fn!("example:calc/ops#add" fn(arg0: i32, arg1: *mut u8) -> i32 = glue);
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __weft_export_fn {
    ($name:literal fn($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? = $glue:path) => {
        // Each export in its own anonymous scope, so that the function
        // needs no name of its own.
        const _: () = {
            #[cfg_attr(target_arch = "wasm32", unsafe(export_name = $name))]
            unsafe extern "C" fn export($($arg: $ty),*) $(-> $ret)? {
                #[allow(unused_unsafe, reason = "the glue may be a safe function")]
                unsafe { $glue($($arg),*) }
            }
        };
    };
}

pub use crate::__weft_export_fn as export_fn;

// Checked by compiling: the exports have no name to call them by natively.
#[cfg(test)]
#[allow(dead_code, reason = "natively the exports are never called")]
mod tests {
    mod glue {
        use crate::rt as _rt;
        // How a generated module hands the macro to its export macro.
        pub use _rt::export_fn as __weft_export;

        pub unsafe fn add<T: Into<i64> + Default>(a: i32, b: i64) -> i64 {
            i64::from(a) + b + T::default().into()
        }

        pub fn noop() {}
    }

    glue::__weft_export!("example:calc/ops#add" fn(arg0: i32, arg1: i64) -> i64 = glue::add::<u8>);
    glue::__weft_export!("example:calc/ops#noop" fn() = glue::noop);
}
