//! Rendering strings, lists and maps: lowering into (possibly temporary)
//! buffers, lifting out of host-allocated ones, and freeing them.

use super::{Body, align_expr, operand, size_expr, size_factor, take};
use crate::abi::Transfer;
use crate::render::moved::{Moved, Op};
use crate::render::ty::local;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use wit_parser::ArchitectureSize;

impl Body<'_, '_> {
    pub(super) fn string_lower(&mut self, transfer: Transfer, op: Moved, out: &mut Vec<Op>) {
        let into_bytes = !self.ctx.opts.raw_strings;
        self.buffer_lower(transfer, op, into_bytes, out);
    }

    pub(super) fn canon_list_lower(&mut self, transfer: Transfer, op: Moved, out: &mut Vec<Op>) {
        self.buffer_lower(transfer, op, false, out);
    }

    /// Lowers a string or a list whose elements already have their
    /// canonical layout: its own buffer is passed as is. Lent (import
    /// arguments) it stays with the caller; moved (export results) its
    /// `Vec` (a `String`'s through `into_bytes`) is leaked to the host,
    /// which frees it through `cabi_post_*`.
    fn buffer_lower(&mut self, transfer: Transfer, op: Moved, into_bytes: bool, out: &mut Vec<Op>) {
        let (ptr, len) = (self.fresh("ptr"), self.fresh("len"));
        match transfer {
            Transfer::Lend => {
                let vec = self.fresh("vec");
                stmt!(self,
                    let #vec = #op;
                    let #ptr = #vec.as_ptr().cast::<u8>().cast_mut();
                    let #len = #vec.len();
                );
            }
            Transfer::Move => {
                let owned_vec = match into_bytes {
                    true => quote!((#op).into_bytes()),
                    false => op.into_token_stream(),
                };
                stmt!(self, let (#ptr, #len) = _rt::vec_lower(#owned_vec););
            }
        }
        out.push(operand(ptr));
        out.push(operand(len));
    }

    pub(super) fn list_lower(
        &mut self,
        transfer: Transfer,
        size: ArchitectureSize,
        align: wit_parser::Alignment,
        map: bool,
        op: Moved,
        out: &mut Vec<Op>,
    ) {
        let Some(block) = self.take_blocks(1).pop() else {
            return;
        };
        let (vec, len, result) = (self.fresh("vec"), self.fresh("len"), self.fresh("result"));
        let (size_arg, size, align) = (size_expr(size), size_factor(size), align_expr(align));
        let (size_arg, align) = (Moved::new(size_arg), Moved::new(align));
        if !map && !block.captures {
            // The allocation and the loop are shared by every list of the
            // same element type; only the element's lowering is here.
            let d = block.depth;
            let (base, e) = (local("base", d), local("e", d));
            let stmts = Moved::new(block.stmts);
            let lower = match transfer {
                Transfer::Lend => {
                    self.needs_cleanup = true;
                    quote! {
                        // `&(..)[..]`: the lent list may be a slice, a
                        // borrowed `Vec` or (a task's result) an owned one.
                        let (#result, #len) = _rt::list_lower_lend(
                            &(#op)[..], #size_arg, #align, _cleanup,
                            |#base, #e, _cleanup| { #stmts },
                        );
                    }
                }
                Transfer::Move => quote! {
                    let (#result, #len) = _rt::list_lower_each(
                        #op, #size_arg, #align,
                        |#base, #e| { #stmts },
                    );
                },
            };
            let lower = Moved::new(lower);
            stmt!(self, #lower);
            out.push(operand(result));
            out.push(operand(len));
            return;
        }
        let alloc = match transfer {
            Transfer::Lend => {
                self.needs_cleanup = true;
                quote!(_cleanup.list(#len, #size_arg, #align))
            }
            Transfer::Move => quote!(_rt::alloc_list(#len, #size_arg, #align)),
        };
        let d = block.depth;
        let (base, e, k, v) = (
            local("base", d),
            local("e", d),
            local("k", d),
            local("v", d),
        );
        // A map is any `WitMap` that iterates as pairs (by reference when
        // lent), so it is measured and walked only through those traits.
        let (pat, measure, entries) = if map {
            let entries = match transfer {
                Transfer::Lend => quote!((&#vec).into_iter()),
                Transfer::Move => quote!(#vec.into_iter()),
            };
            let measure = quote!({
                use _rt::WitMap as _;
                #vec.wit_map_len()
            });
            (quote!((#k, #v)), measure, entries)
        } else {
            let iter = Self::transfer_iter(transfer);
            (quote!(#e), quote!(#vec.len()), quote!(#vec.#iter()))
        };
        let stmts = Moved::new(block.stmts);
        stmt!(self,
            let #vec = #op;
            let #len = #measure;
            let #result = #alloc;
            for (_i, #pat) in #entries.enumerate() {
                let #base = #result.add(_i * #size);
                #stmts
            }
        );
        out.push(operand(result));
        out.push(operand(len));
    }

    pub(super) fn list_lift(
        &mut self,
        size: ArchitectureSize,
        align: wit_parser::Alignment,
        map: Option<TokenStream>,
        ops: &mut [Op],
        out: &mut Vec<Op>,
    ) {
        let Some(block) = self.take_blocks(1).pop() else {
            return;
        };
        let (base_all, len, result) = (self.fresh("base"), self.fresh("len"), self.fresh("result"));
        let base = local("base", block.depth);
        let stmts = Moved::new(block.stmts);
        let (p, l) = (take(ops, 0), take(ops, 1));
        let mut results = block.results;
        if map.is_none() && !block.captures {
            // The loop, the `Vec` and the free are shared by every list of
            // the same element type; only the element's lifting is here.
            let (size, align) = (Moved::new(size_expr(size)), Moved::new(align_expr(align)));
            let e = take(&mut results, 0);
            stmt!(self,
                let #result = _rt::list_lift_each(#p, #l, #size, #align, |#base| {
                    #stmts
                    #e
                });
            );
            out.push(operand(result));
            return;
        }
        let (size, align) = (size_factor(size), align_expr(align));
        let (init, push) = if let Some(map) = map {
            let (k, v) = (take(&mut results, 0), take(&mut results, 1));
            (
                quote!(<#map as _rt::WitMap<_, _>>::wit_map_new(#len)),
                quote!(_rt::WitMap::wit_map_push(&mut #result, #k, #v);),
            )
        } else {
            let e = take(&mut results, 0);
            (
                quote!(_rt::Vec::with_capacity(#len)),
                quote!(#result.push(#e);),
            )
        };
        stmt!(self,
            let #base_all = #p;
            let #len = #l;
            let mut #result = #init;
            for _i in 0..#len {
                let #base = #base_all.add(_i * #size);
                #stmts
                #push
            }
            _rt::dealloc(#base_all, #len * #size, #align);
        );
        out.push(operand(result));
    }

    pub(super) fn dealloc_list(
        &mut self,
        size: ArchitectureSize,
        align: wit_parser::Alignment,
        ops: &mut [Op],
    ) {
        let Some(block) = self.take_blocks(1).pop() else {
            return;
        };
        let (base_all, len) = (self.fresh("base"), self.fresh("len"));
        let (p, l) = (take(ops, 0), take(ops, 1));
        let base = local("base", block.depth);
        let empty = matches!(block.stmts, Op::Taken);
        let stmts = Moved::new(block.stmts);
        if !empty && !block.captures {
            // One loop for every list whose elements own memory.
            let (size, align) = (Moved::new(size_expr(size)), Moved::new(align_expr(align)));
            stmt!(self,
                _rt::list_free_each(#p, #l, #size, #align, |#base| { #stmts });
            );
            return;
        }
        let (size, align) = (size_factor(size), align_expr(align));
        let each = (!empty).then(|| {
            quote! {
                for _i in 0..#len {
                    let #base = #base_all.add(_i * #size);
                    #stmts
                }
            }
        });
        stmt!(self,
            let #base_all = #p;
            let #len = #l;
            #each
            _rt::dealloc(#base_all, #len * #size, #align);
        );
    }
}
