//! Glue for async exports (`canon lift async` with a callback): the
//! entry point lifts the arguments, starts a task on weft's executor that
//! awaits the user's `async fn` and delivers the result with `task.return`,
//! and answers with the executor's first callback code; the `[callback]`
//! export forwards later events to the same executor.

use super::super::Ctx;
use super::super::body::{Body, Callee, Role, wasm_type};
use super::super::moved::Op;
use super::super::paths::ModPath;
use super::export_fn;
use crate::abi::{ImportTarget, Transfer, Walker};
use crate::names::{func_helper, ident};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use wit_parser::abi::AbiVariant;
use wit_parser::{
    Function, FunctionKind, LiftLowerAbi, Mangling, ManglingAndAbi, WasmExport, WasmExportKind,
    WorldKey,
};

impl Ctx<'_> {
    /// The core parameters of an async-lifted export: names and types.
    fn async_core_params(&self, func: &Function) -> (Vec<proc_macro2::Ident>, Vec<TokenStream>) {
        let sig = self
            .resolve
            .wasm_signature(AbiVariant::GuestExportAsync, func);
        let args = (0..sig.params.len())
            .map(|i| format_ident!("arg{}", i))
            .collect();
        (args, sig.params.iter().map(|t| wasm_type(*t)).collect())
    }

    pub(super) fn async_export_glue(
        &self,
        func: &Function,
        key: Option<&WorldKey>,
        from: &ModPath,
    ) -> TokenStream {
        let helper = func_helper(&func.name);
        let cabi = format_ident!("_export_{}_cabi", helper);
        let callback = format_ident!("__callback_{}", helper);
        let (args, arg_tys) = self.async_core_params(func);
        let name = ident(&self.func_name(func));
        let (bound, callee) = match func.kind {
            FunctionKind::AsyncMethod(_) | FunctionKind::Method(_) => {
                (self.guest_bound(func), Callee::Method(quote!(T_::#name)))
            }
            FunctionKind::AsyncStatic(_) | FunctionKind::Static(_) => {
                (self.guest_bound(func), Callee::Plain(quote!(T_::#name)))
            }
            FunctionKind::AsyncFreestanding
            | FunctionKind::Freestanding
            | FunctionKind::Constructor(_) => (quote!(Guest), Callee::Plain(quote!(T_::#name))),
        };
        let (module, import, _) = func.task_return_import(self.resolve, key, Mangling::Legacy);
        let params = args.iter().cloned().map(Op::from).collect();
        let mut body = Body::new(self, from, Role::Export(callee), params);
        // `task.return` copies the result out during the call, so its
        // buffers stay ours and are freed when the task's body ends.
        Walker::new(self.resolve, &self.sizes, &mut body, Transfer::Lend).call_export_async(
            func,
            &ImportTarget {
                module: &module,
                name: &import,
            },
        );
        let body = body.finish();
        let ctors =
            (!self.opts.disable_run_ctors_once_workaround).then(|| quote!(_rt::run_ctors_once();));
        quote! {
            #[doc(hidden)]
            pub unsafe fn #cabi<T_: #bound + 'static>(#(#args: #arg_tys),*) -> u32 {
                #ctors
                _rt::async_support::start_task(async move {
                    let cancel = _rt::async_support::TaskCancelOnDrop::new();
                    unsafe { #body }
                    cancel.forget();
                })
            }
            #[doc(hidden)]
            pub unsafe fn #callback(event0: u32, event1: u32, event2: u32) -> u32 {
                unsafe { _rt::async_support::callback(event0, event1, event2) }
            }
        }
    }

    pub(super) fn async_export_symbols(
        &self,
        func: &Function,
        key: Option<&WorldKey>,
        mpath: &TokenStream,
    ) -> TokenStream {
        let name_of = |kind| {
            let name = self.resolve.wasm_export_name(
                ManglingAndAbi::Legacy(LiftLowerAbi::AsyncCallback),
                WasmExport::Func {
                    interface: key,
                    func,
                    kind,
                },
            );
            format!("{}{name}", self.opts.export_prefix.as_deref().unwrap_or(""))
        };
        let (entry, callback_name) = (
            name_of(WasmExportKind::Normal),
            name_of(WasmExportKind::Callback),
        );
        let helper = func_helper(&func.name);
        let cabi = format_ident!("_export_{}_cabi", helper);
        let callback = format_ident!("__callback_{}", helper);
        let (args, arg_tys) = self.async_core_params(func);
        let ty = self.macro_impl_type(func, mpath);
        let params = args.iter().zip(&arg_tys).map(|(a, t)| quote!(#a: #t));
        let mut out = export_fn(
            mpath,
            &entry,
            quote!(#(#params),*),
            Some(quote!(-> u32)),
            quote!(#mpath::#cabi::<#ty>),
        );
        out.extend(export_fn(
            mpath,
            &callback_name,
            quote!(event0: u32, event1: u32, event2: u32),
            Some(quote!(-> u32)),
            quote!(#mpath::#callback),
        ));
        out
    }
}
