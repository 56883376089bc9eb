//! Async imported functions: `pub async fn`s that lower their arguments
//! with `canon lower async`, wait for the subtask and lift the result.
//!
//! As in wit-bindgen, their parameters are owned (the future may outlive
//! the caller's borrows), and `&self` stays a borrow for methods.
//!
//! A plain `func` that the `async` option makes async gets the same Rust
//! signature but is lowered sync: its future does the whole call when first
//! polled (see `async_filter`).

use super::super::Ctx;
use super::super::body::{Body, Role};
use super::super::moved::Op;
use super::super::paths::ModPath;
use super::super::ty::Flavor;
use crate::abi::{ImportTarget, Transfer, Walker};
use crate::names::{ident, snake_ident};
use proc_macro2::TokenStream;
use quote::quote;
use wit_parser::{Function, FunctionKind, LiftLowerAbi, ManglingAndAbi, WasmImport, WorldKey};

impl Ctx<'_> {
    pub(super) fn async_import_func(
        &self,
        func: &Function,
        key: Option<&WorldKey>,
        from: &ModPath,
    ) -> TokenStream {
        let lowered_async = func.kind.is_async();
        let abi = match lowered_async {
            true => LiftLowerAbi::AsyncCallback,
            false => LiftLowerAbi::Sync,
        };
        let (module, name) = self.resolve.wasm_import_name(
            ManglingAndAbi::Legacy(abi),
            WasmImport::Func {
                interface: key,
                func,
            },
        );
        let lt = quote!('_);
        let mut decl_params = Vec::new();
        let mut args = Vec::new();
        for (i, param) in func.params.iter().enumerate() {
            if i == 0
                && matches!(
                    func.kind,
                    FunctionKind::Method(_) | FunctionKind::AsyncMethod(_)
                )
            {
                decl_params.push(quote!(&self));
                args.push(Op::from(ident("self")));
                continue;
            }
            let pname = snake_ident(&param.name);
            let ty = self.rust_type(&param.ty, Flavor::Owned, &lt, from);
            decl_params.push(quote!(#pname: #ty));
            args.push(quote!(&#pname).into());
        }
        let ret = func.result.as_ref().map(|ty| {
            let ty = self.rust_type(ty, Flavor::Owned, &lt, from);
            quote!(-> #ty)
        });
        let mut body = Body::new(self, from, Role::Import, args);
        let target = ImportTarget {
            module: &module,
            name: &name,
        };
        let mut walker = Walker::new(self.resolve, &self.sizes, &mut body, Transfer::Lend);
        if lowered_async {
            walker.call_import_async(func, &target);
        } else {
            walker.call_import(func, &target);
        }
        let body = body.finish();
        let fname = ident(&self.func_name(func));
        let docs = self.docs(&func.docs);
        quote! {
            #docs
            pub async fn #fname(#(#decl_params),*) #ret {
                unsafe { #body }
            }
        }
    }
}
