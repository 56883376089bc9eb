//! Moving token streams into `quote!` instead of copying them.
//!
//! `quote!` interpolates `#x` through `ToTokens::to_tokens(&x)`, which
//! copies every token of `x`; a function body interpolated into its
//! function, then into its module, then into the module tree is copied
//! once per level, and those copies (and dropping them) were most of the
//! macro's time. [`Moved`] hands its stream over on first interpolation.

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::cell::Cell;

/// A stream that `quote!` moves in rather than copies. Interpolate it
/// once: a second `#x` of the same value adds nothing.
pub(crate) struct Moved(Cell<TokenStream>);

impl Moved {
    /// Wraps `tokens` to be moved into the next `quote!` that names it.
    pub fn new(tokens: TokenStream) -> Moved {
        Moved(Cell::new(tokens))
    }
}

impl ToTokens for Moved {
    fn to_tokens(&self, out: &mut TokenStream) {
        out.extend(std::iter::once(self.0.take()));
    }

    fn into_token_stream(self) -> TokenStream {
        self.0.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn the_stream_is_moved_in_whole_once() {
        let body = Moved::new(quote!(let a = 1; a));
        let out = quote!(fn f() -> u32 { #body });
        assert_eq!(out.to_string(), "fn f () -> u32 { let a = 1 ; a }");
        assert!(body.into_token_stream().is_empty());
    }
}
