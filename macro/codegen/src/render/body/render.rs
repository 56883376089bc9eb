//! The dispatch from each [`Instruction`] to its rendering; scalar and
//! memory instructions are rendered here, lists in `lists`, variants,
//! handles and calls in `variants`.

use super::{
    Body, align_expr, bitcast, lift_prim, load_fn, lower_prim, operand, size_expr, store_fn, take,
    take_all, wasm_type, zero,
};
use crate::abi::{Instruction, MemKind, Transfer};
use crate::names::{camel_ident, ident, snake_ident};
use crate::render::flags::flags_bits_type;
use crate::render::moved::{Moved, Op};
use crate::render::resources::core_import;
use crate::render::ty::{Flavor, local};
use proc_macro2::Literal;
use quote::quote;
use wit_parser::{ArchitectureSize, Handle};

impl Body<'_, '_> {
    pub(super) fn render(&mut self, inst: &Instruction<'_>, ops: &mut Vec<Op>, out: &mut Vec<Op>) {
        use Instruction::*;
        let d = self.depth();
        match inst {
            GetArg { nth } => out.push(self.params[*nth].clone()),
            ConstZero { tys } => out.extend(tys.iter().map(|t| zero(*t))),
            Bitcasts { casts } => {
                out.extend(
                    take_all(ops)
                        .into_iter()
                        .zip(casts)
                        .map(|(op, (from, to))| bitcast(op, *from, *to)),
                );
            }
            Flush { .. } => {
                for op in ops.drain(..) {
                    // A local or an argument can be used again as it is
                    // (core values are `Copy`); anything else is bound.
                    if op.as_ident().is_some() {
                        out.push(op);
                        continue;
                    }
                    let t = self.fresh("t");
                    let op = Moved::new(op);
                    stmt!(self, let #t = #op;);
                    out.push(operand(t));
                }
            }
            I32Const { val } => out.push(Literal::i32_suffixed(*val).into()),
            LowerPrim { prim } => out.push(lower_prim(*prim, take(ops, 0))),
            LiftPrim { prim } => out.push(lift_prim(*prim, take(ops, 0))),
            Load { kind, offset } => out.push(self.load(*kind, *offset, take(ops, 0))),
            Store { kind, offset } => self.store(*kind, *offset, take(ops, 0), take(ops, 1)),
            IterElem => out.push(operand(local("e", d))),
            IterBasePointer => out.push(operand(local("base", d))),
            IterMapKey => out.push(operand(local("k", d))),
            IterMapValue => out.push(operand(local("v", d))),
            VariantPayload => {
                if let Some(b) = self.blocks.last_mut() {
                    b.payload_used = true;
                }
                out.push(operand(local("payload", d)));
            }
            StringLower { transfer } => self.string_lower(*transfer, take(ops, 0), out),
            StringLift => {
                let (p, l) = (take(ops, 0), take(ops, 1));
                let lifted = if self.ctx.opts.raw_strings {
                    quote!(_rt::list_lift::<u8>(#p, #l))
                } else {
                    quote!(_rt::string_lift(#p, #l))
                };
                out.push(lifted.into());
            }
            ListCanonLower { transfer, .. } => self.canon_list_lower(*transfer, take(ops, 0), out),
            ListCanonLift { elem } => {
                let elem = self
                    .ctx
                    .rust_type(elem, Flavor::Owned, &quote!('_), self.from);
                let (p, l) = (take(ops, 0), take(ops, 1));
                out.push(quote!(_rt::list_lift::<#elem>(#p, #l)).into());
            }
            ListLower { elem, transfer } => {
                let info = self.ctx.sizes.record([*elem]);
                self.list_lower(*transfer, info.size, info.align, false, take(ops, 0), out);
            }
            MapLower {
                key,
                value,
                transfer,
            } => {
                let info = self.ctx.sizes.record([*key, *value]);
                self.list_lower(*transfer, info.size, info.align, true, take(ops, 0), out);
            }
            ListLift { elem } => {
                let info = self.ctx.sizes.record([*elem]);
                self.list_lift(info.size, info.align, None, ops, out);
            }
            MapLift { key, value } => {
                let info = self.ctx.sizes.record([*key, *value]);
                let kind = wit_parser::TypeDefKind::Map(**key, **value);
                let map = self
                    .ctx
                    .anonymous_type(&kind, Flavor::Owned, &quote!('_), self.from);
                self.list_lift(info.size, info.align, Some(map), ops, out);
            }
            FixedListLower { size, .. } => {
                let names: Vec<_> = (0..*size).map(|_| self.fresh("t")).collect();
                let op = take(ops, 0);
                stmt!(self, let [#(#names),*] = #op;);
                out.extend(names.into_iter().map(operand));
            }
            FixedListLift { .. } => {
                let ops = take_all(ops);
                out.push(quote!([#(#ops),*]).into());
            }
            RecordLower { record, ty } => {
                let path = self.def_path(*ty, self.lower_flavor());
                let fields: Vec<_> = record.fields.iter().map(|f| snake_ident(&f.name)).collect();
                let names: Vec<_> = fields.iter().map(|_| self.fresh("t")).collect();
                let op = take(ops, 0);
                stmt!(self, let #path { #(#fields: #names),* } = #op;);
                out.extend(names.into_iter().map(operand));
            }
            RecordLift { record, ty } => {
                let path = self.def_path(*ty, Flavor::Owned);
                let fields = record.fields.iter().map(|f| snake_ident(&f.name));
                let ops = take_all(ops);
                out.push(quote!(#path { #(#fields: #ops),* }).into());
            }
            TupleLower { tuple } => {
                let names: Vec<_> = tuple.types.iter().map(|_| self.fresh("t")).collect();
                let op = take(ops, 0);
                stmt!(self, let (#(#names,)*) = #op;);
                out.extend(names.into_iter().map(operand));
            }
            TupleLift { .. } => {
                let ops = take_all(ops);
                out.push(quote!((#(#ops,)*)).into());
            }
            FlagsLower { flags, .. } => self.flags_lower(flags.repr().count(), take(ops, 0), out),
            FlagsLift { flags, ty } => {
                let path = self.def_path(*ty, Flavor::Owned);
                let bits = flags_bits_type(flags.flags.len()).unwrap_or(quote!(u32));
                let words = ops.iter().enumerate().map(|(i, w)| match i {
                    0 => quote!((#w as u32 as #bits)),
                    _ => {
                        let shift = Literal::usize_unsuffixed(32 * i);
                        quote!(((#w as u32 as #bits) << #shift))
                    }
                });
                if ops.is_empty() {
                    out.push(quote!(#path::empty()).into());
                } else {
                    out.push(quote!(#path::from_bits_retain(#(#words)|*)).into());
                }
            }
            HandleLower { handle, .. } => {
                let op = take(ops, 0);
                let lowered = match handle {
                    Handle::Own(_) => quote!((#op).take_handle() as i32),
                    Handle::Borrow(_) => quote!((#op).handle() as i32),
                };
                out.push(lowered.into());
            }
            HandleLift { handle, .. } => {
                let lifted = self.handle_lift(handle, take(ops, 0));
                out.push(lifted.into());
            }
            EnumLower => {
                let op = take(ops, 0);
                out.push(quote!((#op)._lower()).into());
            }
            EnumLift { ty, .. } => {
                let path = self.def_path(*ty, Flavor::Owned);
                let op = take(ops, 0);
                out.push(quote!(#path::_lift(#op as u32)).into());
            }
            VariantLower {
                variant,
                ty,
                results,
            } => {
                let path = self.def_path(*ty, self.lower_flavor());
                let pats = variant.cases.iter().map(|c| {
                    let case = Moved::new(camel_ident(&c.name));
                    (quote!(#path::#case), c.ty.is_some())
                });
                self.variant_lower(pats.collect(), results.len(), take(ops, 0), out);
            }
            OptionLower { results, .. } => {
                let pats = vec![(quote!(_rt::None), false), (quote!(_rt::Some), true)];
                self.variant_lower(pats, results.len(), take(ops, 0), out);
            }
            ResultLower { results, .. } => {
                let pats = vec![(quote!(_rt::Ok), true), (quote!(_rt::Err), true)];
                self.variant_lower(pats, results.len(), take(ops, 0), out);
            }
            VariantLift { variant, ty } => {
                let path = self.def_path(*ty, Flavor::Owned);
                let ctors = variant.cases.iter().map(|c| {
                    let case = Moved::new(camel_ident(&c.name));
                    (quote!(#path::#case), false)
                });
                self.variant_lift(ctors.collect(), take(ops, 0), out);
            }
            OptionLift => {
                let ctors = vec![(quote!(_rt::None), false), (quote!(_rt::Some), false)];
                self.variant_lift(ctors, take(ops, 0), out);
            }
            ResultLift => {
                let ctors = vec![(quote!(_rt::Ok), true), (quote!(_rt::Err), true)];
                self.variant_lift(ctors, take(ops, 0), out);
            }
            CallWasm {
                module,
                name,
                params,
                results,
            } => {
                let param_tys: Vec<_> = params.iter().map(|t| wasm_type(*t)).collect();
                let result_ty = results.first().map(|t| wasm_type(*t));
                let decl = Moved::new(core_import(module, name, param_tys, result_ty));
                stmt!(self, #decl);
                let ops = take_all(ops);
                if results.is_empty() {
                    stmt!(self, __wit_import(#(#ops),*););
                } else {
                    let ret = self.fresh("ret");
                    stmt!(self, let #ret = __wit_import(#(#ops),*););
                    out.push(operand(ret));
                }
            }
            CallInterface { func, awaited } => {
                self.call_interface(func.result.is_some(), *awaited, take_all(ops), out)
            }
            ErrorContextLower { transfer } => {
                let v = take(ops, 0);
                let lowered = match transfer {
                    Transfer::Lend => quote!((#v).handle() as i32),
                    // A sync export's result: the caller's lift reads our
                    // handle after we return, so it must stay valid.
                    Transfer::Move => quote!(::core::mem::ManuallyDrop::new(#v).handle() as i32),
                };
                out.push(lowered.into());
            }
            ErrorContextLift => {
                let v = take(ops, 0);
                out.push(quote!(_rt::async_support::ErrorContext::from_handle(#v as u32)).into());
            }
            ErrorContextDrop => {
                // From a return area an `i32`; flat, post-return's pointer
                // argument: either way the handle's bits.
                let v = take(ops, 0);
                stmt!(self,
                    drop(_rt::async_support::ErrorContext::from_handle(#v as usize as u32));
                );
            }
            AsyncHandleLower { ty } => {
                let lowered = self.async_handle_lower(*ty, take(ops, 0));
                out.push(lowered.into());
            }
            AsyncHandleLift { ty } => {
                let lifted = self.async_handle_lift(*ty, take(ops, 0));
                out.push(lifted.into());
            }
            AwaitSubtask => {
                let status = take(ops, 0);
                stmt!(self, _rt::async_support::Subtask::new(#status as u32).await;);
            }
            Return { amt } => {
                if *amt == 1 {
                    self.ret = Some(std::mem::take(&mut ops[0]));
                }
            }
            GuestDeallocate { size, align } => {
                let (p, size, align) = (take(ops, 0), size_expr(*size), align_expr(*align));
                let (size, align) = (Moved::new(size), Moved::new(align));
                stmt!(self, _rt::dealloc(#p, #size, #align););
            }
            GuestDeallocateString => {
                let (p, l) = (take(ops, 0), take(ops, 1));
                stmt!(self, _rt::dealloc(#p, #l, 1););
            }
            GuestDeallocateList { elem } => {
                let info = self.ctx.sizes.record([*elem]);
                self.dealloc_list(info.size, info.align, ops);
            }
            GuestDeallocateMap { key, value } => {
                let info = self.ctx.sizes.record([*key, *value]);
                self.dealloc_list(info.size, info.align, ops);
            }
            GuestDeallocateVariant { blocks } => {
                // Only the cases that own memory get an arm; the others
                // fall to `_`, and with none the tag is not even matched.
                let blocks = self.take_blocks(*blocks);
                let arms = blocks
                    .into_iter()
                    .enumerate()
                    .filter(|(_, b)| !matches!(b.stmts, Op::Taken))
                    .map(|(i, b)| {
                        let i = Literal::i32_unsuffixed(i as i32);
                        let stmts = Moved::new(b.stmts);
                        quote!(#i => { #stmts })
                    });
                let arms = arms.collect::<proc_macro2::TokenStream>();
                if !arms.is_empty() {
                    let (arms, tag) = (Moved::new(arms), take(ops, 0));
                    stmt!(self, match #tag { #arms _ => {} });
                }
            }
        }
    }

    fn load(&mut self, kind: MemKind, offset: ArchitectureSize, addr: Moved) -> Op {
        let (load, off) = (
            Moved::new(ident(load_fn(kind))),
            Moved::new(size_expr(offset)),
        );
        // Loads are bound right away: the memory may be freed before the
        // lifted value is used.
        let l = self.fresh("l");
        stmt!(self, let #l = _rt::#load(#addr, #off););
        operand(l)
    }

    fn store(&mut self, kind: MemKind, offset: ArchitectureSize, value: Moved, addr: Moved) {
        let (store, off) = (
            Moved::new(ident(store_fn(kind))),
            Moved::new(size_expr(offset)),
        );
        stmt!(self, _rt::#store(#addr, #off, #value););
    }
}

/// `a`, `(a, b)`, or nothing: avoids `unused_parens` in generated code.
pub(super) fn tuple_or_single(mut items: Vec<Op>) -> Op {
    match items.len() {
        0 => Op::Taken,
        1 => items.pop().unwrap_or_default(),
        _ => {
            let items = items.into_iter().map(Moved::new);
            quote!((#(#items),*)).into()
        }
    }
}
