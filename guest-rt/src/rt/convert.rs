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

/// A core value as the 64 bits of a joined variant payload slot, and
/// back: integers are zero-extended and truncated, floats keep their bit
/// pattern, pointers go through `usize`.
trait Bits64 {
    fn to_bits64(self) -> u64;
    fn from_bits64(bits: u64) -> Self;
}

macro_rules! bits64 {
    ($($t:ty: |$v:ident| $to:expr, |$b:ident| $from:expr;)*) => ($(
        impl Bits64 for $t {
            #[inline(always)]
            fn to_bits64(self) -> u64 {
                let $v = self;
                $to
            }
            #[inline(always)]
            fn from_bits64($b: u64) -> Self {
                $from
            }
        }
    )*)
}

bits64! {
    i32: |v| v as u32 as u64, |b| b as u32 as i32;
    i64: |v| v as u64, |b| b as i64;
    f32: |v| v.to_bits() as u64, |b| f32::from_bits(b as u32);
    f64: |v| v.to_bits(), |b| f64::from_bits(b);
    *mut u8: |v| v as usize as u64, |b| b as usize as *mut u8;
    usize: |v| v as u64, |b| b as usize;
}

macro_rules! bitcasts {
    ($($name:ident: $from:ty => $to:ty;)*) => ($(
        /// Reinterprets a core value as another core type through 64 bits
        /// (how a variant case's payload shares a slot with other cases').
        #[inline(always)]
        pub fn $name(v: $from) -> $to {
            <$to as Bits64>::from_bits64(v.to_bits64())
        }
    )*)
}

/// The reinterpretations between core types, `{from}_to_{to}` for
/// `i32`, `i64`, `f32`, `f64`, `ptr` (`*mut u8`) and `len` (`usize`).
pub mod bitcast {
    use super::Bits64;

    bitcasts! {
        i32_to_i64: i32 => i64;
        i32_to_f32: i32 => f32;
        i32_to_f64: i32 => f64;
        i32_to_ptr: i32 => *mut u8;
        i32_to_len: i32 => usize;
        i64_to_i32: i64 => i32;
        i64_to_f32: i64 => f32;
        i64_to_f64: i64 => f64;
        i64_to_ptr: i64 => *mut u8;
        i64_to_len: i64 => usize;
        f32_to_i32: f32 => i32;
        f32_to_i64: f32 => i64;
        f32_to_f64: f32 => f64;
        f32_to_ptr: f32 => *mut u8;
        f32_to_len: f32 => usize;
        f64_to_i32: f64 => i32;
        f64_to_i64: f64 => i64;
        f64_to_f32: f64 => f32;
        f64_to_ptr: f64 => *mut u8;
        f64_to_len: f64 => usize;
        ptr_to_i32: *mut u8 => i32;
        ptr_to_i64: *mut u8 => i64;
        ptr_to_f32: *mut u8 => f32;
        ptr_to_f64: *mut u8 => f64;
        ptr_to_len: *mut u8 => usize;
        len_to_i32: usize => i32;
        len_to_i64: usize => i64;
        len_to_f32: usize => f32;
        len_to_f64: usize => f64;
        len_to_ptr: usize => *mut u8;
    }
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
    use super::bitcast::*;
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
    fn bitcasts_go_through_64_bits() {
        assert_eq!(i32_to_i64(-1), 0xffff_ffff);
        assert_eq!(i64_to_i32(0x1_0000_0002), 2);
        assert_eq!(f32_to_i32(1.5).cast_unsigned(), 1.5f32.to_bits());
        assert_eq!(i64_to_f64(f64_to_i64(-2.25)), -2.25);
        assert_eq!(f32_to_i64(1.0), 1.0f32.to_bits() as i64);
        assert_eq!(ptr_to_i64(i32_to_ptr(-4)), 0xffff_fffc);
        assert_eq!(len_to_i32(i32_to_len(7)), 7);
        assert_eq!(
            i64_to_f32(f32_to_i64(f32::NAN)).to_bits(),
            f32::NAN.to_bits()
        );
    }

    #[test]
    fn lifting_checks_validity() {
        assert!(bool_lift(2));
        assert!(!bool_lift(0));
        assert_eq!(char_lift(0x1F600), '😀');
        assert!(std::panic::catch_unwind(|| char_lift(0xD800)).is_err());
    }
}
