//! Flags types: a bit set with one constant per WIT flag, generated
//! directly (no `bitflags` dependency), or declared with the `bitflags!`
//! macro of the crate the `bitflags_path` option names.
//!
//! The storage integer is the smallest that holds every flag, matching the
//! canonical ABI's `FlagsRepr` (one `u8`, `u16` or `u32`).

use super::Ctx;
use crate::names::{ident, shouty};
use proc_macro2::TokenStream;
use quote::quote;
use wit_parser::{Flags, TypeId};

/// The Rust integer holding `count` flags (the component model allows at
/// most 32), or `None` past that.
pub(crate) fn flags_bits_type(count: usize) -> Option<TokenStream> {
    Some(match count {
        0..=8 => quote!(u8),
        9..=16 => quote!(u16),
        17..=32 => quote!(u32),
        _ => return None,
    })
}

impl Ctx<'_> {
    /// The definition of flags type `id`.
    pub fn flags_type(&self, id: TypeId, flags: &Flags) -> TokenStream {
        let def = &self.resolve.types[id];
        let name = ident(&self.type_name(id));
        let docs = self.docs(&def.docs);
        // `check_flags` (lib.rs) rejects wider flags before rendering.
        let bits = flags_bits_type(flags.flags.len()).unwrap_or(quote!(u32));
        if let Some(bitflags) = &self.paths.bitflags {
            let consts = flags.flags.iter().enumerate().map(|(i, f)| {
                let c = ident(&shouty(&f.name));
                let docs = self.docs(&f.docs);
                quote!(#docs const #c = 1 << #i;)
            });
            return quote! {
                #bitflags::bitflags! {
                    #docs
                    #[derive(PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Clone, Copy)]
                    pub struct #name: #bits {
                        #(#consts)*
                    }
                }
            };
        }
        let consts = flags.flags.iter().enumerate().map(|(i, f)| {
            let c = ident(&shouty(&f.name));
            let docs = self.docs(&f.docs);
            quote!(#docs pub const #c: Self = Self { bits: 1 << #i };)
        });
        let all: Vec<_> = flags
            .flags
            .iter()
            .map(|f| ident(&shouty(&f.name)))
            .collect();
        let consts_names: Vec<String> = flags.flags.iter().map(|f| shouty(&f.name)).collect();
        let type_name = name.to_string();
        // The runtime takes the widest storage; a `u32` needs no conversion
        // (which clippy would call useless).
        let bits_u32 = if flags.flags.len() > 16 {
            quote!(self.bits)
        } else {
            quote!(::core::primitive::u32::from(self.bits))
        };
        let extra = self.additional_derives(
            id,
            &[
                "Clone",
                "Copy",
                "PartialEq",
                "Eq",
                "PartialOrd",
                "Ord",
                "Hash",
                "Default",
            ],
        );
        quote! {
            #docs
            #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default #(, #extra)*)]
            pub struct #name { bits: #bits }

            impl #name {
                #(#consts)*

                /// No flags set.
                pub const fn empty() -> Self { Self { bits: 0 } }
                /// Every flag set.
                pub const fn all() -> Self { Self { bits: 0 #(| Self::#all.bits)* } }
                /// The raw bits.
                pub const fn bits(&self) -> #bits { self.bits }
                /// From raw bits, keeping unknown ones.
                pub const fn from_bits_retain(bits: #bits) -> Self { Self { bits } }
                /// Whether no flag is set.
                pub const fn is_empty(&self) -> bool { self.bits == 0 }
                /// Whether every flag of `other` is set.
                pub const fn contains(&self, other: Self) -> bool { self.bits & other.bits == other.bits }
                /// Whether any flag of `other` is set.
                pub const fn intersects(&self, other: Self) -> bool { self.bits & other.bits != 0 }
                /// Sets the flags of `other`.
                pub fn insert(&mut self, other: Self) { self.bits |= other.bits; }
                /// Clears the flags of `other`.
                pub fn remove(&mut self, other: Self) { self.bits &= !other.bits; }
                /// Sets or clears the flags of `other`.
                pub fn set(&mut self, other: Self, value: bool) {
                    if value { self.insert(other) } else { self.remove(other) }
                }
            }

            impl ::core::ops::BitOr for #name {
                type Output = Self;
                fn bitor(self, rhs: Self) -> Self { Self { bits: self.bits | rhs.bits } }
            }
            impl ::core::ops::BitAnd for #name {
                type Output = Self;
                fn bitand(self, rhs: Self) -> Self { Self { bits: self.bits & rhs.bits } }
            }
            impl ::core::ops::BitXor for #name {
                type Output = Self;
                fn bitxor(self, rhs: Self) -> Self { Self { bits: self.bits ^ rhs.bits } }
            }
            impl ::core::ops::Sub for #name {
                type Output = Self;
                fn sub(self, rhs: Self) -> Self { Self { bits: self.bits & !rhs.bits } }
            }
            impl ::core::ops::Not for #name {
                type Output = Self;
                fn not(self) -> Self { Self { bits: !self.bits } & Self::all() }
            }
            impl ::core::ops::BitOrAssign for #name {
                fn bitor_assign(&mut self, rhs: Self) { self.bits |= rhs.bits; }
            }
            impl ::core::ops::BitAndAssign for #name {
                fn bitand_assign(&mut self, rhs: Self) { self.bits &= rhs.bits; }
            }
            // The text of the `bitflags` crate's `Debug`, which wit-bindgen's
            // flags use, written by one runtime function that every flags
            // type shares (the loop and its hex formatting, expanded per
            // type, cost several hundred bytes each).
            impl ::core::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    _rt::flags_debug(f, #type_name, #bits_u32, &[#(#consts_names),*])
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_grows_with_flag_count() {
        assert_eq!(flags_bits_type(1).unwrap().to_string(), "u8");
        assert_eq!(flags_bits_type(8).unwrap().to_string(), "u8");
        assert_eq!(flags_bits_type(9).unwrap().to_string(), "u16");
        assert_eq!(flags_bits_type(17).unwrap().to_string(), "u32");
        assert_eq!(flags_bits_type(32).unwrap().to_string(), "u32");
        assert!(flags_bits_type(33).is_none());
    }
}
