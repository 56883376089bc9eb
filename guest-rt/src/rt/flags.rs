//! The `Debug` text of generated flags types, in one shared function.
//!
//! Generated flags print like the `bitflags` crate's (which wit-bindgen's
//! flags use): `Name(A | B)`, bits without a name in hex after the named
//! ones, and `Name(0x0)` when nothing is set. Expanding that loop and its
//! hex formatting into every flags type cost each one several hundred bytes
//! of code; generated `Debug` impls instead pass their name, bits and flag
//! names here, so a component holds the loop once.

use core::fmt::{self, Write};

/// Writes flags `bits` of the type called `name` whose flag `i` is called
/// `names[i]` (bit `i`; at most 32 flags, as the component model allows).
// Not inlined: the point is one copy however many flags types call it.
#[inline(never)]
pub fn flags_debug(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    bits: u32,
    names: &[&str],
) -> fmt::Result {
    f.write_str(name)?;
    f.write_str("(")?;
    let mut sep = "";
    let mut unknown = bits;
    for (i, flag) in names.iter().enumerate() {
        let bit = 1u32 << i;
        if bits & bit != 0 {
            f.write_str(sep)?;
            f.write_str(flag)?;
            sep = " | ";
            unknown &= !bit;
        }
    }
    // An empty set prints as `0x0`, as `bitflags` does.
    if unknown != 0 || bits == 0 {
        f.write_str(sep)?;
        f.write_str("0x")?;
        // The digits by hand, most significant first (at least one, for
        // `0x0`): `write!` with `{:#x}` would also link `u32`'s `LowerHex`.
        let mut digits = (32 - unknown.leading_zeros()).div_ceil(4).max(1);
        while digits > 0 {
            digits -= 1;
            let digit = (unknown >> (4 * digits)) & 0xf;
            // `digit` < 16, so this is never the fallback.
            f.write_char(char::from_digit(digit, 16).unwrap_or('?'))?;
        }
    }
    f.write_str(")")
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::String;

    /// A value printed through [`flags_debug`], as a generated impl would.
    struct Shown(u32, &'static [&'static str]);

    impl fmt::Debug for Shown {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            flags_debug(f, "Perms", self.0, self.1)
        }
    }

    fn show(bits: u32, names: &'static [&'static str]) -> String {
        format!("{:?}", Shown(bits, names))
    }

    #[test]
    fn named_unknown_and_empty_bits_print_as_bitflags_does() {
        const RWX: &[&str] = &["READ", "WRITE", "EXEC"];
        assert_eq!(show(0, RWX), "Perms(0x0)");
        assert_eq!(show(0b001, RWX), "Perms(READ)");
        assert_eq!(show(0b101, RWX), "Perms(READ | EXEC)");
        assert_eq!(show(0b111, RWX), "Perms(READ | WRITE | EXEC)");
        assert_eq!(show(0b1010, RWX), "Perms(WRITE | 0x8)");
        assert_eq!(show(0xf0, RWX), "Perms(0xf0)");
        // The highest bit of the widest flags (32 of them).
        const MANY: &[&str] = &[
            "B0", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10", "B11", "B12", "B13",
            "B14", "B15", "B16", "B17", "B18", "B19", "B20", "B21", "B22", "B23", "B24", "B25",
            "B26", "B27", "B28", "B29", "B30", "B31",
        ];
        assert_eq!(show(1 << 31 | 1, MANY), "Perms(B0 | B31)");
        assert_eq!(show(1 << 31, &MANY[..31]), "Perms(0x80000000)");
    }

    #[test]
    fn outer_format_flags_do_not_change_the_text() {
        const AB: &[&str] = &["A", "B"];
        assert_eq!(format!("{:#?}", Shown(0b110, AB)), "Perms(B | 0x4)");
        assert_eq!(format!("{:>20?}", Shown(1, AB)), "Perms(A)");
    }
}
