//! Loads and stores of core values in linear memory, named after the core
//! wasm instructions the canonical ABI's `load_int`/`store_int` (and the
//! float cases of `load`/`store`) amount to, plus the pointer-sized layout
//! constants generated code computes offsets with.
//!
//! Each is one call in generated code instead of a dereference, an offset,
//! a cast and (for narrow integers) a widening or truncation spelled out at
//! every use; inlined, they compile to the same single instruction.

/// The size of a pointer (and of a length) in linear memory.
pub const PTR_SIZE: usize = core::mem::size_of::<*const u8>();
/// The alignment of a pointer (and of a length) in linear memory.
pub const PTR_ALIGN: usize = core::mem::align_of::<*const u8>();
/// A null pointer: the zero of a pointer-typed flat value.
pub const NULL: *mut u8 = core::ptr::null_mut();

macro_rules! loads {
    ($($(#[$doc:meta])* $name:ident: $mem:ty as $val:ty;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// `base + offset` must be in bounds and aligned for the access.
        #[inline(always)]
        pub unsafe fn $name(base: *mut u8, offset: usize) -> $val {
            // SAFETY: the caller guarantees bounds and alignment.
            (unsafe { *base.add(offset).cast::<$mem>() }) as $val
        }
    )*};
}

macro_rules! stores {
    ($($(#[$doc:meta])* $name:ident: $val:ty as $mem:ty;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// `base + offset` must be in bounds and aligned for the access.
        #[inline(always)]
        pub unsafe fn $name(base: *mut u8, offset: usize, value: $val) {
            // SAFETY: the caller guarantees bounds and alignment.
            unsafe { *base.add(offset).cast::<$mem>() = value as $mem }
        }
    )*};
}

loads! {
    /// `i32.load`.
    i32_load: i32 as i32;
    /// `i32.load8_u`: one byte, zero-extended.
    i32_load8_u: u8 as i32;
    /// `i32.load8_s`: one byte, sign-extended.
    i32_load8_s: i8 as i32;
    /// `i32.load16_u`: two bytes, zero-extended.
    i32_load16_u: u16 as i32;
    /// `i32.load16_s`: two bytes, sign-extended.
    i32_load16_s: i16 as i32;
    /// `i64.load`.
    i64_load: i64 as i64;
    /// `f32.load`.
    f32_load: f32 as f32;
    /// `f64.load`.
    f64_load: f64 as f64;
    /// A pointer.
    ptr_load: *mut u8 as *mut u8;
    /// A length.
    len_load: usize as usize;
}

stores! {
    /// `i32.store`.
    i32_store: i32 as i32;
    /// `i32.store8`: the low byte.
    i32_store8: i32 as u8;
    /// `i32.store16`: the low two bytes.
    i32_store16: i32 as u16;
    /// `i64.store`.
    i64_store: i64 as i64;
    /// `f32.store`.
    f32_store: f32 as f32;
    /// `f64.store`.
    f64_store: f64 as f64;
    /// A pointer.
    ptr_store: *mut u8 as *mut u8;
    /// A length.
    len_store: usize as usize;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_loads_extend_and_stores_truncate() {
        let mut buf = [0u64; 2];
        let base = buf.as_mut_ptr().cast::<u8>();
        // SAFETY: every access is within `buf` and aligned for its size.
        unsafe {
            i32_store8(base, 0, 0x1ff);
            assert_eq!(i32_load8_u(base, 0), 0xff);
            assert_eq!(i32_load8_s(base, 0), -1);
            i32_store16(base, 2, -2);
            assert_eq!(i32_load16_u(base, 2), 0xfffe);
            assert_eq!(i32_load16_s(base, 2), -2);
            i64_store(base, 8, -3);
            assert_eq!(i64_load(base, 8), -3);
            f32_store(base, 4, 1.5);
            assert_eq!(f32_load(base, 4), 1.5);
            ptr_store(base, 8, NULL);
            assert!(ptr_load(base, 8).is_null());
            len_store(base, 8, 7);
            assert_eq!(len_load(base, 8), 7);
            assert_eq!(i32_load(base, 8), 7);
        }
        assert_eq!(PTR_SIZE, core::mem::size_of::<usize>());
        assert_eq!(PTR_ALIGN, core::mem::align_of::<usize>());
    }
}
