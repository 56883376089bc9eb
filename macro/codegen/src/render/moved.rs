//! Moving tokens into `quote!` instead of copying them, and the operands
//! of the body emitter, which are moved the same way.
//!
//! `quote!` interpolates `#x` through `ToTokens::to_tokens(&x)`, which
//! copies every token of `x`; a function body interpolated into its
//! function, then into its module, then into the module tree is copied
//! once per level, and those copies (and dropping them) were most of the
//! macro's time. [`Moved`] hands its tokens over on first interpolation.
//!
//! Outside a proc macro (in tests, benches, and any tool that calls the
//! generator as a library) every `TokenStream`, even an empty one, is a
//! reference-counted vector: two allocations. Most operands are a single
//! identifier or literal, so [`Op`] keeps those out of streams.

use proc_macro2::{Ident, Literal, TokenStream, TokenTree};
use quote::{ToTokens, TokenStreamExt};
use std::cell::Cell;

/// An operand of the body emitter: an expression of the generated code.
#[derive(Clone, Default)]
pub(crate) enum Op {
    /// Moved out already (what `std::mem::take` leaves behind).
    #[default]
    Taken,
    /// A local or an argument.
    Ident(Ident),
    /// A constant.
    Literal(Literal),
    /// Anything else.
    Expr(TokenStream),
}

impl Op {
    /// The identifier, when the operand is a lone local or argument
    /// (which, being a core value or used once, can be named again as is).
    pub fn as_ident(&self) -> Option<&Ident> {
        match self {
            Op::Ident(name) => Some(name),
            Op::Taken | Op::Literal(_) | Op::Expr(_) => None,
        }
    }

    fn append_to(self, out: &mut TokenStream) {
        match self {
            Op::Taken => {}
            Op::Ident(name) => out.append(name),
            Op::Literal(lit) => out.append(lit),
            // Interpolated first: the stream becomes the output, no token
            // is moved one by one.
            Op::Expr(tokens) if out.is_empty() => *out = tokens,
            Op::Expr(tokens) => out.extend(std::iter::once(tokens)),
        }
    }
}

impl From<Ident> for Op {
    fn from(name: Ident) -> Op {
        Op::Ident(name)
    }
}

impl From<Literal> for Op {
    fn from(lit: Literal) -> Op {
        Op::Literal(lit)
    }
}

impl From<TokenStream> for Op {
    fn from(tokens: TokenStream) -> Op {
        Op::Expr(tokens)
    }
}

impl ToTokens for Op {
    fn to_tokens(&self, out: &mut TokenStream) {
        match self {
            Op::Taken => {}
            Op::Ident(name) => out.append(name.clone()),
            Op::Literal(lit) => out.append(lit.clone()),
            Op::Expr(tokens) => tokens.to_tokens(out),
        }
    }

    fn into_token_stream(self) -> TokenStream {
        match self {
            Op::Taken => TokenStream::new(),
            Op::Ident(name) => TokenTree::Ident(name).into(),
            Op::Literal(lit) => TokenTree::Literal(lit).into(),
            Op::Expr(tokens) => tokens,
        }
    }
}

/// Tokens that `quote!` moves in rather than copies. Interpolate them
/// once: a second `#x` of the same value adds nothing.
pub(crate) struct Moved(Cell<Op>);

impl Moved {
    /// Wraps `tokens` to be moved into the next `quote!` that names it.
    pub fn new(tokens: impl Into<Op>) -> Moved {
        Moved(Cell::new(tokens.into()))
    }

    /// The tokens as an operand again, unmoved.
    pub fn into_op(self) -> Op {
        self.0.into_inner()
    }
}

impl ToTokens for Moved {
    fn to_tokens(&self, out: &mut TokenStream) {
        self.0.take().append_to(out);
    }

    fn into_token_stream(self) -> TokenStream {
        self.0.into_inner().into_token_stream()
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

    #[test]
    fn single_token_operands_are_moved_in_as_tokens() {
        let name = Moved::new(Op::from(quote::format_ident!("x")));
        let lit = Moved::new(Op::from(Literal::i32_suffixed(7)));
        let out = quote!(#name + #lit + #name);
        assert_eq!(out.to_string(), "x + 7i32 +");
    }

    #[test]
    fn an_operand_interpolated_by_reference_is_copied() {
        let op = Op::from(quote::format_ident!("y"));
        assert_eq!(quote!(#op * #op).to_string(), "y * y");
        assert_eq!(op.as_ident().map(|i| i.to_string()).as_deref(), Some("y"));
        assert!(Op::from(quote!(a + b)).as_ident().is_none());
    }
}
