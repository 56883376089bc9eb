//! Scalar conversions between Rust values and core wasm values.
//!
//! Lowering goes through the `As*` traits so that generated code can lower a
//! value and a reference to it with the same expression (import parameters
//! are often borrowed). Lifting checks what the canonical ABI requires to be
//! checked (`bool` is 0/1 by `lift_flat` being `convert_int_to_bool`, which
//! treats any non-zero as true; `char` must be a Unicode scalar value).

/// Values that lower to a core `i32`.
pub trait LowerI32 {
    /// The core wasm representation of `self`.
    fn lower_i32(self) -> i32;
}

/// Values that lower to a core `i64`.
pub trait LowerI64 {
    /// The core wasm representation of `self`.
    fn lower_i64(self) -> i64;
}

macro_rules! as_i32 {
    ($($t:ty)*) => ($(
        impl LowerI32 for $t {
            #[inline]
            fn lower_i32(self) -> i32 { self as i32 }
        }
        impl LowerI32 for &$t {
            #[inline]
            fn lower_i32(self) -> i32 { (*self) as i32 }
        }
    )*)
}
as_i32!(i8 u8 i16 u16 i32 u32 char);

impl LowerI32 for bool {
    #[inline]
    fn lower_i32(self) -> i32 {
        i32::from(self)
    }
}

impl LowerI32 for &bool {
    #[inline]
    fn lower_i32(self) -> i32 {
        i32::from(*self)
    }
}

impl LowerI64 for i64 {
    #[inline]
    fn lower_i64(self) -> i64 {
        self
    }
}

impl LowerI64 for &i64 {
    #[inline]
    fn lower_i64(self) -> i64 {
        *self
    }
}

impl LowerI64 for u64 {
    #[inline]
    fn lower_i64(self) -> i64 {
        self as i64
    }
}

impl LowerI64 for &u64 {
    #[inline]
    fn lower_i64(self) -> i64 {
        *self as i64
    }
}

/// Lowers an integer-like value (or a reference to one) to `i32`.
#[inline]
pub fn as_i32<T: LowerI32>(t: T) -> i32 {
    t.lower_i32()
}

/// Lowers a 64-bit integer (or a reference to one) to `i64`.
#[inline]
pub fn as_i64<T: LowerI64>(t: T) -> i64 {
    t.lower_i64()
}

/// Lowers an `f32` (or a reference to one).
#[inline]
pub fn as_f32<T: core::borrow::Borrow<f32>>(t: T) -> f32 {
    *t.borrow()
}

/// Lowers an `f64` (or a reference to one).
#[inline]
pub fn as_f64<T: core::borrow::Borrow<f64>>(t: T) -> f64 {
    *t.borrow()
}

/// Lifts a `bool`: the canonical ABI treats every non-zero value as `true`.
#[inline]
pub fn bool_lift(v: i32) -> bool {
    v != 0
}

/// Lifts a `char`, trapping on a value that is not a Unicode scalar value
/// (canonical ABI, `convert_i32_to_char`).
#[inline]
pub fn char_lift(v: i32) -> char {
    match char::from_u32(v as u32) {
        Some(c) => c,
        None => invalid_value(),
    }
}

/// Called when a lifted enum or variant discriminant is out of range.
#[cold]
pub fn invalid_enum_discriminant<T>() -> T {
    invalid_value()
}

#[cold]
fn invalid_value() -> ! {
    // The host broke the canonical ABI contract; trapping is the only safe
    // answer (there is no caller to report an error to).
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    panic!("invalid canonical ABI value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(
        clippy::needless_borrows_for_generic_args,
        reason = "passing references is what this test checks"
    )]
    fn lowering_accepts_values_and_references() {
        assert_eq!(as_i32(u32::MAX), -1);
        assert_eq!(as_i32(&200u8), 200);
        assert_eq!(as_i32(-3i8), -3);
        assert_eq!(as_i32('a'), 97);
        assert_eq!(as_i32(&true), 1);
        assert_eq!(as_i64(&u64::MAX), -1);
        assert_eq!(as_f64(&1.5f64), 1.5);
    }

    #[test]
    fn lifting_checks_validity() {
        assert!(bool_lift(2));
        assert!(!bool_lift(0));
        assert_eq!(char_lift(0x1F600), '😀');
        assert!(std::panic::catch_unwind(|| char_lift(0xD800)).is_err());
    }
}
