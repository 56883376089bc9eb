//! Rendering variants (and `option`/`result`), flags, handles, and the call
//! into the user's implementation of an export.

use super::render::tuple_or_single;
use super::{Body, Callee, Finished, Role, operand};
use crate::render::moved::{Moved, Op};
use crate::render::ty::local;
use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};
use wit_parser::Handle;

impl Body<'_, '_> {
    pub(super) fn flags_lower(&mut self, words: usize, op: Moved, out: &mut Vec<Op>) {
        if words == 0 {
            stmt!(self, let _ = #op;);
            return;
        }
        let bits = self.fresh("bits");
        stmt!(self, let #bits = (#op).bits(););
        for i in 0..words {
            let shift = Literal::usize_unsuffixed(32 * i);
            let word = if i == 0 {
                quote!((#bits as i32))
            } else {
                quote!(((#bits >> #shift) as i32))
            };
            out.push(word.into());
        }
    }

    pub(super) fn handle_lift(&mut self, handle: &Handle, op: Moved) -> TokenStream {
        match handle {
            Handle::Own(r) => {
                let path = self.ctx.resource_path(*r, self.from, "");
                quote!(#path::from_handle(#op as u32))
            }
            Handle::Borrow(r) if self.ctx.is_exported_resource(*r) => {
                let path = self.ctx.resource_path(*r, self.from, "Borrow");
                quote!(#path::lift(#op as usize))
            }
            Handle::Borrow(r) => {
                let def = self.ctx.resource_def(*r);
                // The arena is a local of the whole function.
                for block in &mut self.blocks {
                    block.captures = true;
                }
                let arena = match self.arenas.iter().find(|(t, _)| *t == def) {
                    Some((_, name)) => name.clone(),
                    None => {
                        let name = local("arena", self.arenas.len());
                        self.arenas.push((def, name.clone()));
                        name
                    }
                };
                let path = self.ctx.resource_path(def, self.from, "");
                quote!(#arena.alloc(#path::from_handle(#op as u32)))
            }
        }
    }

    /// `match value { case => { lower payload; (results) } ... }`
    pub(super) fn variant_lower(
        &mut self,
        pats: Vec<(TokenStream, bool)>,
        nresults: usize,
        op: Moved,
        out: &mut Vec<Op>,
    ) {
        let blocks = self.take_blocks(pats.len());
        // Each arm is appended onto the arms so far (see `stmt!`).
        let mut arms = TokenStream::new();
        for ((pat, has_payload), b) in pats.into_iter().zip(blocks) {
            let prev = Moved::new(arms);
            let pat = Moved::new(pat);
            arms = match (has_payload, b.payload_used) {
                (true, true) => {
                    let payload = Moved::new(local("payload", b.depth));
                    quote!(#prev #pat(#payload) =>)
                }
                (true, false) => quote!(#prev #pat(_) =>),
                (false, _) => quote!(#prev #pat =>),
            };
            let prev = Moved::new(arms);
            // A block only around statements: a lone value is the arm.
            arms = match (b.stmts, tuple_or_single(b.results)) {
                (Op::Taken, Op::Taken) => quote!(#prev {}),
                (Op::Taken, value) => {
                    let value = Moved::new(value);
                    quote!(#prev #value,)
                }
                (stmts, results) => {
                    let (stmts, results) = (Moved::new(stmts), Moved::new(results));
                    quote!(#prev { #stmts #results })
                }
            };
        }
        let arms = Moved::new(arms);
        let names: Vec<Op> = (0..nresults).map(|_| operand(self.fresh("v"))).collect();
        if names.is_empty() {
            stmt!(self, match #op { #arms });
        } else {
            let pat = Moved::new(tuple_or_single(names.clone()));
            stmt!(self, let #pat = match #op { #arms };);
        }
        out.extend(names);
    }

    /// `match tag { 0 => Case(lifted), ... _ => invalid }`; each
    /// constructor says whether a missing payload is written `(())`
    /// (`result` cases without a type) or left out.
    pub(super) fn variant_lift(
        &mut self,
        ctors: Vec<(TokenStream, bool)>,
        tag: Moved,
        out: &mut Vec<Op>,
    ) {
        let blocks: Vec<Finished> = self.take_blocks(ctors.len());
        // Each arm is appended onto the arms so far (see `stmt!`).
        let mut arms = TokenStream::new();
        for (i, ((ctor, unit_payload), mut b)) in ctors.into_iter().zip(blocks).enumerate() {
            let prev = Moved::new(arms);
            let i = Literal::i32_unsuffixed(i as i32);
            let ctor = Moved::new(ctor);
            // A block only around statements: a lone value is the arm. The
            // value is appended onto the arm's statements, or the arms.
            let (mut value, block) = match b.stmts {
                Op::Taken => (quote!(#prev #i =>), false),
                stmts => (stmts.into_token_stream(), true),
            };
            let head = Moved::new(value);
            value = match (b.results.pop(), unit_payload) {
                (Some(v), _) => {
                    let v = Moved::new(v);
                    quote!(#head #ctor(#v))
                }
                (None, true) => quote!(#head #ctor(())),
                (None, false) => quote!(#head #ctor),
            };
            arms = if block {
                let body = Moved::new(value);
                quote!(#prev #i => { #body })
            } else {
                let arm = Moved::new(value);
                quote!(#arm,)
            };
        }
        let arms = Moved::new(arms);
        let v = self.fresh("v");
        stmt!(self,
            let #v = match #tag {
                #arms
                _ => _rt::invalid_enum_discriminant(),
            };
        );
        out.push(operand(v));
    }

    pub(super) fn call_interface(
        &mut self,
        has_result: bool,
        is_async: bool,
        ops: Vec<Moved>,
        out: &mut Vec<Op>,
    ) {
        let run = |call: TokenStream| match self.blocking {
            true => quote!(_rt::async_support::block_on(#call)),
            false => call,
        };
        let call = match &self.role {
            Role::Export(Callee::Plain(f)) => run(quote!(#f(#(#ops),*))),
            Role::Export(Callee::Method(f)) => {
                let (this, rest) = ops
                    .split_first()
                    .map_or((quote!(()), &[][..]), |(a, b)| (a.to_token_stream(), b));
                run(quote!(#f((#this).get::<T_>() #(, #rest)*)))
            }
            Role::Export(Callee::Constructor { call, handle }) => {
                let call = run(quote!(#call(#(#ops),*)));
                quote!(#handle::new(#call))
            }
            Role::Export(Callee::FallibleConstructor { call, handle }) => {
                let call = run(quote!(#call(#(#ops),*)));
                quote!(#call.map(#handle::new))
            }
            Role::Import => quote!(unreachable!()),
        };
        let call = if is_async { quote!(#call.await) } else { call };
        if has_result {
            let r = self.fresh("result");
            stmt!(self, let #r = #call;);
            if is_async {
                // An async export's result is lent to `task.return`, which
                // copies it out during the call: lowering it through a
                // reference keeps its strings, lists and error contexts
                // alive until then (matching on it by value would drop
                // each payload at the end of its arm), as import arguments are.
                out.push(quote!(&#r).into());
            } else {
                out.push(operand(r));
            }
        } else {
            stmt!(self, #call;);
        }
    }
}
