//! The allocator name shared by `src/cabi_realloc.c` and the `weft` crate.
//!
//! On wasm targets this crate's C code defines a weak `cabi_realloc` export
//! that forwards to a Rust function defined in `weft` (Rust cannot emit weak
//! symbols; C can). That Rust function's symbol carries the crate version so
//! that two weft versions linked into one component each keep their own
//! strong allocator while exactly one weak `cabi_realloc` survives. build.rs
//! derives the name once and hands it to both languages: to the C compiler
//! as a define, and to Rust through the macro below. build.rs also decides
//! whether the forwarder exists at all (not where `std` brings its own
//! `cabi_realloc`), and `with_own_cabi_realloc!` carries that decision to
//! the Rust side.

include!(concat!(env!("OUT_DIR"), "/realloc_symbol.rs"));

/// The symbol `cabi_realloc` forwards to on wasm targets, e.g.
/// `weft_cabi_realloc_v0_1_0`.
pub const CABI_REALLOC_TARGET: &str = cabi_realloc_target_symbol!();

#[cfg(test)]
mod tests {
    use super::CABI_REALLOC_TARGET;

    #[test]
    fn target_symbol_is_a_c_identifier_naming_this_version() {
        let suffix = CABI_REALLOC_TARGET
            .strip_prefix("weft_cabi_realloc_v")
            .expect("the symbol keeps its prefix");
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(suffix.len(), version.len());
        for (s, v) in suffix.bytes().zip(version.bytes()) {
            let expected = if v.is_ascii_alphanumeric() { v } else { b'_' };
            assert_eq!(s, expected, "{CABI_REALLOC_TARGET} vs {version}");
        }
    }
}
