//! Exported functions: the `Guest`/`GuestR` traits the user implements,
//! the generic `_export_*_cabi` glue that lifts arguments, calls the trait
//! and lowers the result, `__post_return_*` helpers, and the per-function
//! pieces of the export macro that give the glue its core export names.

use super::Ctx;
use super::body::{Body, Callee, Role, wasm_type};
use super::moved::{Moved, Op};
use super::paths::ModPath;
use super::ty::Flavor;
use crate::abi::{Transfer, Walker, needs_post_return};
use crate::analysis::dealias;
use crate::names::{func_helper, ident, snake_ident};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use wit_parser::abi::AbiVariant;
use wit_parser::{
    Function, FunctionKind, Handle, LiftLowerAbi, ManglingAndAbi, Type, TypeDefKind, TypeId,
    WasmExport, WasmExportKind, WorldKey,
};

mod async_glue;

/// The rendered export side of one interface (or of the world).
#[derive(Default)]
pub(crate) struct ExportParts {
    /// Traits and glue, placed in the interface module.
    pub items: TokenStream,
    /// `extern "C"` definitions for the export macro, referring to the
    /// module as `#mpath` and the user type as `$ty`.
    pub macro_body: TokenStream,
    /// Whether a `Guest` trait was generated.
    pub has_guest: bool,
    /// Resources defined here: (Rust name, trait name).
    pub resources: Vec<(TypeId, String)>,
}

/// A core export signature, rendered.
struct CoreSig {
    args: Vec<proc_macro2::Ident>,
    arg_tys: Vec<TokenStream>,
    ret: Option<TokenStream>,
}

/// One function's trait method for the stubs: signature plus body.
pub(crate) struct StubMethod {
    pub resource: Option<TypeId>,
    pub sig: TokenStream,
}

impl Ctx<'_> {
    /// Renders the export side of an interface (`key`) or world (`None`)
    /// whose module is `from`, named `mpath` in the export macro.
    pub fn export_parts(
        &self,
        funcs: &[&Function],
        resources: &[TypeId],
        key: Option<&WorldKey>,
        from: &ModPath,
        mpath: &TokenStream,
        stubs: &mut Vec<StubMethod>,
    ) -> ExportParts {
        let mut parts = ExportParts::default();
        let mut guest_items = Vec::new();
        let mut resource_items: Vec<Vec<TokenStream>> = vec![Vec::new(); resources.len()];
        for r in resources {
            let name = self.type_name(*r);
            let assoc = ident(&name);
            let guest = format_ident!("Guest{}", name);
            guest_items.push(quote!(type #assoc: #guest;));
            parts.resources.push((*r, name));
        }
        for func in funcs {
            if self.is_skipped(&func.name) {
                continue;
            }
            let asyncness = self.is_async(key, func, false);
            let sig = self.trait_sig(func, from, asyncness);
            let docs = self.docs(&func.docs);
            if self.opts.stubs {
                stubs.push(StubMethod {
                    resource: func.kind.resource(),
                    sig: self.trait_sig(func, &Vec::new(), asyncness),
                });
            }
            match func
                .kind
                .resource()
                .and_then(|r| resources.iter().position(|x| *x == r))
            {
                Some(i) => resource_items[i].push(quote!(#docs #sig;)),
                None => guest_items.push(quote!(#docs #sig;)),
            }
            if asyncness && func.kind.is_async() {
                parts.items.extend(self.async_export_glue(func, key, from));
                parts
                    .macro_body
                    .extend(self.async_export_symbols(func, key, mpath));
            } else {
                // An `async` trait method of a plain `func` is lifted sync
                // and run with `block_on` (see `async_filter`).
                parts.items.extend(self.export_glue(func, from, asyncness));
                parts
                    .macro_body
                    .extend(self.export_symbols(func, key, mpath));
            }
        }
        for (i, r) in resources.iter().enumerate() {
            let guest = format_ident!("Guest{}", self.type_name(*r));
            let intrinsics = self.resource_intrinsics(*r);
            let methods = &resource_items[i];
            let docs = self.docs(&self.resolve.types[*r].docs);
            parts.items.extend(quote! {
                #docs
                pub trait #guest: _rt::ExportedResource {
                    #intrinsics
                    #(#methods)*
                }
            });
            parts.macro_body.extend(self.dtor_symbol(*r, key, mpath));
        }
        if !guest_items.is_empty() {
            parts.has_guest = true;
            parts.items.extend(quote! {
                pub trait Guest {
                    #(#guest_items)*
                }
            });
        }
        if !parts.macro_body.is_empty() {
            // The export macro defines this module's core exports with the
            // runtime's `export_fn!`, named through this module (the
            // `_rt` alias is private to the bindings).
            parts.items.extend(quote! {
                #[doc(hidden)]
                pub use _rt::export_fn as __weft_export;
            });
        }
        parts
    }

    /// The trait method signature for an exported function.
    fn trait_sig(&self, func: &Function, from: &ModPath, asyncness: bool) -> TokenStream {
        let lt = quote!('_);
        let mut params = Vec::new();
        for (i, param) in func.params.iter().enumerate() {
            if i == 0
                && matches!(
                    func.kind,
                    FunctionKind::Method(_) | FunctionKind::AsyncMethod(_)
                )
            {
                params.push(Moved::new(quote!(&self)));
                continue;
            }
            let name = Moved::new(snake_ident(&param.name));
            let ty = Moved::new(self.rust_type(&param.ty, Flavor::Owned, &lt, from));
            params.push(Moved::new(quote!(#name: #ty)));
        }
        let name = ident(&self.func_name(func));
        let ret = match (&func.kind, &func.result) {
            (FunctionKind::Constructor(_), _) if func.is_constructor_shorthand(self.resolve) => {
                quote!(-> Self)
            }
            (FunctionKind::Constructor(r), _)
                if let Some(err) = self.fallible_constructor(*r, func) =>
            {
                let err = Moved::new(match err {
                    Some(ty) => self.rust_type(&ty, Flavor::Owned, &lt, from),
                    None => quote!(()),
                });
                quote!(-> _rt::Result<Self, #err>)
            }
            (_, Some(ty)) => {
                let ty = Moved::new(self.rust_type(ty, Flavor::Owned, &lt, from));
                quote!(-> #ty)
            }
            (_, None) => quote!(),
        };
        let ret = Moved::new(ret);
        let bound =
            matches!(func.kind, FunctionKind::Constructor(_)).then(|| quote!(where Self: Sized));
        if asyncness {
            // As in wit-bindgen: the trait is for implementing, not for
            // generic callers, so the future's missing `Send` bound is fine.
            return quote!(#[allow(async_fn_in_trait)] async fn #name(#(#params),*) #ret #bound);
        }
        quote!(fn #name(#(#params),*) #ret #bound)
    }

    /// For a constructor of `resource` returning `result<own<resource>, E>`:
    /// `Some(E)`. The trait method then returns `Result<Self, E>` and the
    /// glue wraps the `Ok` value in a handle, as wit-bindgen's does, so the
    /// same implementation compiles against both generators.
    fn fallible_constructor(&self, resource: TypeId, func: &Function) -> Option<Option<Type>> {
        let Some(Type::Id(id)) = func.result else {
            return None;
        };
        let TypeDefKind::Result(result) = &self.resolve.types[dealias(self.resolve, id)].kind
        else {
            return None;
        };
        let Some(Type::Id(ok)) = result.ok else {
            return None;
        };
        match self.resolve.types[dealias(self.resolve, ok)].kind {
            TypeDefKind::Handle(Handle::Own(owned))
                if dealias(self.resolve, owned) == dealias(self.resolve, resource) =>
            {
                Some(result.err)
            }
            _ => None,
        }
    }

    fn export_glue(&self, func: &Function, from: &ModPath, blocking: bool) -> TokenStream {
        let helper = func_helper(&func.name);
        let cabi = format_ident!("_export_{}_cabi", helper);
        let CoreSig { args, arg_tys, ret } = self.core_export_sig(func);
        let name = ident(&self.func_name(func));
        let (bound, callee) = match func.kind {
            FunctionKind::Freestanding | FunctionKind::AsyncFreestanding => {
                (quote!(Guest), Callee::Plain(quote!(T_::#name)))
            }
            FunctionKind::Method(_) | FunctionKind::AsyncMethod(_) => {
                (self.guest_bound(func), Callee::Method(quote!(T_::#name)))
            }
            FunctionKind::Static(_) | FunctionKind::AsyncStatic(_) => {
                (self.guest_bound(func), Callee::Plain(quote!(T_::#name)))
            }
            FunctionKind::Constructor(r) if func.is_constructor_shorthand(self.resolve) => (
                self.guest_bound(func),
                Callee::Constructor {
                    call: quote!(T_::new),
                    handle: self.resource_path(r, from, ""),
                },
            ),
            FunctionKind::Constructor(r) if self.fallible_constructor(r, func).is_some() => (
                self.guest_bound(func),
                Callee::FallibleConstructor {
                    call: quote!(T_::new),
                    handle: self.resource_path(r, from, ""),
                },
            ),
            FunctionKind::Constructor(_) => {
                (self.guest_bound(func), Callee::Plain(quote!(T_::new)))
            }
        };
        let params = args.iter().cloned().map(Op::from);
        let mut body =
            Body::new(self, from, Role::Export(callee), params.collect()).blocking(blocking);
        Walker::new(self.resolve, &self.sizes, &mut body, Transfer::Move).call_export(func);
        let body = Moved::new(body.finish());
        let ctors = (!self.opts.disable_run_ctors_once_workaround)
            .then(|| Moved::new(quote!(_rt::run_ctors_once();)));
        let (args, arg_tys) = (
            args.into_iter().map(Moved::new),
            arg_tys.into_iter().map(Moved::new),
        );
        let ret = ret.map(Moved::new);
        let mut out = quote! {
            #[doc(hidden)]
            pub unsafe fn #cabi<T_: #bound>(#(#args: #arg_tys),*) #ret {
                #ctors
                unsafe { #body }
            }
        };
        if needs_post_return(self.resolve, func) {
            let post = format_ident!("__post_return_{}", helper);
            let mut body = Body::new(self, from, Role::Import, vec![Op::from(ident("arg0"))]);
            Walker::new(self.resolve, &self.sizes, &mut body, Transfer::Move).post_return(func);
            let body = Moved::new(body.finish());
            out.extend(quote! {
                #[doc(hidden)]
                pub unsafe fn #post<T_: #bound>(arg0: *mut u8) {
                    unsafe { #body }
                }
            });
        }
        out
    }

    /// The core wasm signature of an export: argument names and types,
    /// and the return type.
    fn core_export_sig(&self, func: &Function) -> CoreSig {
        let sig = self.resolve.wasm_signature(AbiVariant::GuestExport, func);
        CoreSig {
            args: (0..sig.params.len())
                .map(|i| format_ident!("arg{}", i))
                .collect(),
            arg_tys: sig.params.iter().map(|t| wasm_type(*t)).collect(),
            ret: sig.results.first().map(|t| {
                let t = wasm_type(*t);
                quote!(-> #t)
            }),
        }
    }

    fn guest_bound(&self, func: &Function) -> TokenStream {
        let r = func
            .kind
            .resource()
            .map(|r| self.type_name(r))
            .unwrap_or_default();
        let guest = format_ident!("Guest{}", r);
        quote!(#guest)
    }

    /// The `$ty` the glue of `func` is instantiated with, inside the macro.
    fn macro_impl_type(&self, func: &Function, mpath: &TokenStream) -> TokenStream {
        match func.kind.resource() {
            Some(r) => {
                let assoc = ident(&self.type_name(r));
                quote!(<$ty as #mpath::Guest>::#assoc)
            }
            None => quote!($ty),
        }
    }

    fn export_symbols(
        &self,
        func: &Function,
        key: Option<&WorldKey>,
        mpath: &TokenStream,
    ) -> TokenStream {
        let export_name = self.export_name(WasmExport::Func {
            interface: key,
            func,
            kind: WasmExportKind::Normal,
        });
        let helper = func_helper(&func.name);
        let cabi = format_ident!("_export_{}_cabi", helper);
        let CoreSig { args, arg_tys, ret } = self.core_export_sig(func);
        let ty = self.macro_impl_type(func, mpath);
        let params = args.iter().zip(&arg_tys).map(|(a, t)| quote!(#a: #t));
        let glue = quote!(#mpath::#cabi::<#ty>);
        let mut out = export_fn(mpath, &export_name, quote!(#(#params),*), ret, glue);
        if needs_post_return(self.resolve, func) {
            let post_name = self.export_name(WasmExport::Func {
                interface: key,
                func,
                kind: WasmExportKind::PostReturn,
            });
            let post = format_ident!("__post_return_{}", helper);
            out.extend(export_fn(
                mpath,
                &post_name,
                quote!(arg0: *mut u8),
                None,
                quote!(#mpath::#post::<#ty>),
            ));
        }
        out
    }

    /// The core export name of `export`, after the `export_prefix` option.
    fn export_name(&self, export: WasmExport<'_>) -> String {
        let name = self
            .resolve
            .wasm_export_name(ManglingAndAbi::Legacy(LiftLowerAbi::Sync), export);
        format!("{}{name}", self.opts.export_prefix.as_deref().unwrap_or(""))
    }

    fn dtor_symbol(&self, r: TypeId, key: Option<&WorldKey>, mpath: &TokenStream) -> TokenStream {
        let Some(key) = key else {
            return TokenStream::new();
        };
        let name = self.export_name(WasmExport::ResourceDtor {
            interface: key,
            resource: r,
        });
        let handle = ident(&self.type_name(r));
        export_fn(
            mpath,
            &name,
            quote!(rep: *mut u8),
            None,
            quote!(#mpath::#handle::dtor::<<$ty as #mpath::Guest>::#handle>),
        )
    }
}

/// One core export in the export macro: the runtime's `export_fn!`,
/// reached through the glue module `mpath` (whose items re-export it as
/// `__weft_export`, see [`Ctx::export_parts`]), defining the core function `name` with
/// core parameters `params` and result `ret` that calls `glue`. Core
/// export names are wasm-only; native builds (e.g. host unit tests of a
/// guest crate) keep the functions as plain ones.
pub(super) fn export_fn(
    mpath: &TokenStream,
    name: &str,
    params: TokenStream,
    ret: Option<TokenStream>,
    glue: TokenStream,
) -> TokenStream {
    let (params, glue) = (Moved::new(params), Moved::new(glue));
    quote!(#mpath::__weft_export!(#name fn(#params) #ret = #glue);)
}
