//! Imported functions: safe Rust wrappers that lower their arguments,
//! call the core import and lift the result.
//!
//! Freestanding functions become `pub fn`s of the interface module (or
//! the world root); resource functions become methods of the resource's
//! handle type (`impl R { pub fn new(..), pub fn m(&self, ..) }`).

use super::Ctx;
use super::body::{Body, Role};
use super::chain::{Chaining, chaining};
use super::moved::{Moved, Op};
use super::paths::ModPath;
use super::ty::Flavor;
use crate::abi::{ImportTarget, Transfer, Walker};
use crate::names::{ident, snake, snake_ident};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;
use wit_parser::{
    Function, FunctionKind, LiftLowerAbi, ManglingAndAbi, TypeId, WasmImport, WorldKey,
};

mod async_import;

impl Ctx<'_> {
    /// All imported functions of one interface (or the world, with
    /// `key == None`), grouped: freestanding first, then one `impl` block
    /// per resource.
    pub fn import_funcs<'f>(
        &self,
        funcs: impl Iterator<Item = &'f Function>,
        key: Option<&WorldKey>,
        from: &ModPath,
    ) -> TokenStream {
        let mut free = TokenStream::new();
        let mut by_resource: BTreeMap<TypeId, TokenStream> = BTreeMap::new();
        for func in funcs {
            if self.is_skipped(&func.name) {
                continue;
            }
            let rendered = if self.is_async(key, func, true) {
                self.async_import_func(func, key, from)
            } else {
                self.import_func(func, key, from)
            };
            match func.kind.resource() {
                Some(r) => by_resource.entry(r).or_default().extend(rendered),
                None => free.extend(rendered),
            }
        }
        for (r, methods) in by_resource {
            let name = self.resource_path(r, from, "");
            let methods = Moved::new(methods);
            free.extend(quote!(impl #name { #methods }));
        }
        free
    }

    /// Whether the `skip` option names `name`.
    pub fn is_skipped(&self, name: &str) -> bool {
        self.opts.skip.iter().any(|s| s == name)
    }

    fn import_func(&self, func: &Function, key: Option<&WorldKey>, from: &ModPath) -> TokenStream {
        let (module, name) = self.resolve.wasm_import_name(
            ManglingAndAbi::Legacy(LiftLowerAbi::Sync),
            WasmImport::Func {
                interface: key,
                func,
            },
        );
        let chaining = chaining(&self.opts.chainable_methods, self.resolve, key, func);
        let mut decl_params = Vec::new();
        let mut args = Vec::new();
        for (i, param) in func.params.iter().enumerate() {
            if i == 0
                && matches!(
                    func.kind,
                    FunctionKind::Method(_) | FunctionKind::AsyncMethod(_)
                )
            {
                decl_params.push(Moved::new(match chaining {
                    Some(Chaining::Owning) => quote!(self),
                    Some(Chaining::Borrowing) | None => quote!(&self),
                }));
                args.push(Op::from(ident("self")));
                continue;
            }
            let pname = snake_ident(&param.name);
            let ty = Moved::new(self.import_param_type(&param.ty, from));
            decl_params.push(Moved::new(quote!(#pname: #ty)));
            args.push(quote!(&#pname).into());
        }
        let ret = match chaining {
            Some(Chaining::Owning) => Some(quote!(-> Self)),
            Some(Chaining::Borrowing) => Some(quote!(-> &Self)),
            None => func.result.as_ref().map(|ty| {
                let ty = Moved::new(self.rust_type(ty, Flavor::Owned, &quote!('_), from));
                quote!(-> #ty)
            }),
        };
        let ret = ret.map(Moved::new);
        let receiver = chaining.map(|_| quote!(self));
        let mut body = Body::new(self, from, Role::Import, args);
        Walker::new(self.resolve, &self.sizes, &mut body, Transfer::Lend).call_import(
            func,
            &ImportTarget {
                module: &module,
                name: &name,
            },
        );
        let body = Moved::new(body.finish());
        let fname = ident(&self.func_name(func));
        let docs = Moved::new(self.docs(&func.docs));
        quote! {
            #docs
            pub fn #fname(#(#decl_params),*) #ret {
                unsafe { #body }
                #receiver
            }
        }
    }

    /// The Rust name of a function: the item name (`read` for
    /// `[method]file.read`, `new` for constructors).
    pub fn func_name(&self, func: &Function) -> String {
        match func.kind {
            FunctionKind::Constructor(_) => "new".to_string(),
            FunctionKind::Freestanding
            | FunctionKind::AsyncFreestanding
            | FunctionKind::Method(_)
            | FunctionKind::AsyncMethod(_)
            | FunctionKind::Static(_)
            | FunctionKind::AsyncStatic(_) => snake(func.item_name()),
        }
    }
}
