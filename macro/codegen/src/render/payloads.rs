//! The `wit_future` and `wit_stream` modules: one `FuturePayload` /
//! `StreamPayload` impl per payload type used in the world, each with the
//! vtable of canonical built-ins and memory conversions that
//! `rt::async_support` needs, and wit-bindgen's `new()` constructors.
//!
//! The built-ins are imported under the names `wit-component` decodes:
//! `[future-new-N]f` in the module of the function `f` that uses the type
//! (`[export]…` for exports), `N` being the type's position among the
//! futures and streams of `f`'s signature. One impl per Rust type: the first
//! function that uses a payload type names its built-ins.

use super::Ctx;
use super::body::{Body, Callee, Role, align_expr, size_expr};
use super::moved::Op;
use super::paths::ModPath;
use super::ty::Flavor;
use crate::abi::{Transfer, Walker};
use crate::analysis::{dealias, is_list_canonical, unalias};
use crate::names::ident;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use wit_parser::{Function, Handle, Type, TypeDefKind, WorldItem, WorldKey};

/// Whether a payload travels in a `future` or a `stream`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Future,
    Stream,
}

/// One payload type and the function whose built-ins it uses.
struct Payload<'r> {
    kind: Kind,
    ty: Option<Type>,
    module: String,
    func: &'r Function,
    index: usize,
}

impl Ctx<'_> {
    /// The Rust type a `future<T>`/`stream<T>` payload is read as (`()`
    /// for none).
    pub(crate) fn payload_type(&self, payload: Option<&Type>, from: &ModPath) -> TokenStream {
        match payload {
            Some(ty) => self.rust_type(ty, Flavor::Owned, &quote!('static), from),
            None => quote!(()),
        }
    }

    /// The `wit_future` and `wit_stream` modules (empty if unused).
    pub(crate) fn payload_modules(&self) -> TokenStream {
        let mut futures = Vec::new();
        let mut streams = Vec::new();
        let mut seen: Vec<(bool, String)> = Vec::new();
        for p in self.payloads() {
            let (module, list) = match p.kind {
                Kind::Future => ("wit_future", &mut futures),
                Kind::Stream => ("wit_stream", &mut streams),
            };
            let vpath: ModPath = vec![
                self.names.world_module.clone(),
                module.to_string(),
                format!("vtable{}", list.len()),
            ];
            let key = (
                p.kind == Kind::Future,
                p.ty.as_ref()
                    .map_or_else(String::new, |t| self.payload_key(t, &vpath)),
            );
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let n = list.len();
            list.push(self.payload_vtable(&p, &vpath, n));
        }
        let mut out = TokenStream::new();
        if !futures.is_empty() {
            out.extend(quote! {
                /// `future<T>` support: [`new`] and the payload types.
                pub mod wit_future {
                    #[allow(unused_imports)]
                    use super::_rt;
                    /// A type that can be the payload of a `future` in
                    /// this world; implemented for each one used.
                    pub trait FuturePayload: Unpin + Sized + 'static {
                        #[doc(hidden)]
                        const VTABLE: &'static _rt::async_support::FutureVtable<Self>;
                    }
                    /// A new future: the writer to keep, the reader to pass
                    /// on. `default` is written if the writer is dropped
                    /// unwritten.
                    pub fn new<T: FuturePayload>(
                        default: fn() -> T,
                    ) -> (_rt::async_support::FutureWriter<T>, _rt::async_support::FutureReader<T>) {
                        // SAFETY: each `FuturePayload` impl carries its own
                        // type's generated vtable.
                        unsafe { _rt::async_support::future_new(default, T::VTABLE) }
                    }
                    #(#futures)*
                }
            });
        }
        if !streams.is_empty() {
            out.extend(quote! {
                /// `stream<T>` support: [`new`] and the payload types.
                pub mod wit_stream {
                    #[allow(unused_imports)]
                    use super::_rt;
                    /// A type that can be the payload of a `stream` in
                    /// this world; implemented for each one used.
                    pub trait StreamPayload: Unpin + Sized + 'static {
                        #[doc(hidden)]
                        const VTABLE: &'static _rt::async_support::StreamVtable<Self>;
                    }
                    /// A new stream: the writer to keep, the reader to pass
                    /// on.
                    pub fn new<T: StreamPayload>(
                    ) -> (_rt::async_support::StreamWriter<T>, _rt::async_support::StreamReader<T>) {
                        // SAFETY: each `StreamPayload` impl carries its own
                        // type's generated vtable.
                        unsafe { _rt::async_support::stream_new(T::VTABLE) }
                    }
                    #(#streams)*
                }
            });
        }
        out
    }

    fn payload_vtable(&self, p: &Payload<'_>, vpath: &ModPath, n: usize) -> TokenStream {
        let vmod = format_ident!("vtable{}", n);
        let (prefix, vtable, payload_trait) = match p.kind {
            Kind::Future => ("future", quote!(FutureVtable), quote!(FuturePayload)),
            Kind::Stream => ("stream", quote!(StreamVtable), quote!(StreamPayload)),
        };
        let name = |op: &str| format!("[{prefix}-{op}-{}]{}", p.index, p.func.name);
        let async_name = |op: &str| format!("[async-lower]{}", name(op));
        let (new, cancel_read, cancel_write) =
            (name("new"), name("cancel-read"), name("cancel-write"));
        let (drop_readable, drop_writable) = (name("drop-readable"), name("drop-writable"));
        let (read, write) = (async_name("read"), async_name("write"));
        let kind = format_ident!("{prefix}");
        let module = &p.module;
        let t = self.payload_type(p.ty.as_ref(), vpath);
        let (size, align) = match &p.ty {
            Some(ty) => (
                size_expr(self.sizes.size(ty)),
                align_expr(self.sizes.align(ty)),
            ),
            None => (
                proc_macro2::Literal::usize_unsuffixed(0).into(),
                proc_macro2::Literal::usize_unsuffixed(1).into(),
            ),
        };
        let conversions = self.payload_conversions(p.ty.as_ref(), vpath, &t);
        // Only number payloads are copied as raw buffers here: plain records
        // would also qualify, but their vtable is not specialised for it.
        let canonical =
            p.ty.as_ref()
                .is_none_or(|ty| is_list_canonical(self.resolve, ty, &|_| false));
        let fields = match (p.kind, canonical) {
            (Kind::Future, _) => quote!(lift, lower, dealloc_lists,),
            (Kind::Stream, false) => {
                quote!(lift: Some(lift), lower: Some(lower), dealloc_lists: Some(dealloc_lists),)
            }
            (Kind::Stream, true) => quote!(lift: None, lower: None, dealloc_lists: None,),
        };
        let conversions = (p.kind == Kind::Future || !canonical).then_some(conversions);
        quote! {
            #[doc(hidden)]
            pub mod #vmod {
                use super::_rt;
                _rt::payload_intrinsics!(#kind #module: #new, #read, #write, #cancel_read, #cancel_write, #drop_readable, #drop_writable);
                #conversions
                pub static VTABLE: _rt::async_support::#vtable<#t> = _rt::async_support::#vtable {
                    // SAFETY: the canonical ABI's size and alignment of the
                    // payload, which are a valid layout.
                    layout: unsafe { ::core::alloc::Layout::from_size_align_unchecked(#size, #align) },
                    #fields
                    new,
                    start_read,
                    start_write,
                    cancel_read,
                    cancel_write,
                    drop_readable,
                    drop_writable,
                };
                impl super::#payload_trait for #t {
                    const VTABLE: &'static _rt::async_support::#vtable<Self> = &VTABLE;
                }
            }
        }
    }

    /// A string that is equal for two payload types exactly when they are
    /// the same Rust type: aliases (`use`, `type a = b`) are followed all
    /// the way down, so one Rust type gets one payload impl.
    fn payload_key(&self, ty: &Type, vpath: &ModPath) -> String {
        let key = |t: &Type| self.payload_key(t, vpath);
        let opt = |t: &Option<Type>| t.as_ref().map_or_else(|| "_".to_string(), key);
        let ty = &unalias(self.resolve, ty);
        let Type::Id(id) = ty else {
            return format!("{ty:?}");
        };
        let id = dealias(self.resolve, *id);
        let def = &self.resolve.types[id];
        if def.name.is_some() {
            return self.payload_type(Some(&Type::Id(id)), vpath).to_string();
        }
        match &def.kind {
            TypeDefKind::Option(t) => format!("option<{}>", key(t)),
            TypeDefKind::Result(r) => format!("result<{},{}>", opt(&r.ok), opt(&r.err)),
            TypeDefKind::Tuple(t) => {
                let parts: Vec<String> = t.types.iter().map(key).collect();
                format!("tuple<{}>", parts.join(","))
            }
            TypeDefKind::List(t) => format!("list<{}>", key(t)),
            TypeDefKind::FixedLengthList(t, n) => format!("list<{},{n}>", key(t)),
            TypeDefKind::Map(k, v) => format!("map<{},{}>", key(k), key(v)),
            TypeDefKind::Future(t) => format!("future<{}>", opt(t)),
            TypeDefKind::Stream(t) => format!("stream<{}>", opt(t)),
            TypeDefKind::Handle(Handle::Own(r)) => {
                format!("own<{}>", key(&Type::Id(dealias(self.resolve, *r))))
            }
            TypeDefKind::Handle(Handle::Borrow(r)) => {
                format!("borrow<{}>", key(&Type::Id(dealias(self.resolve, *r))))
            }
            TypeDefKind::Type(t) => key(t),
            TypeDefKind::Record(_)
            | TypeDefKind::Resource
            | TypeDefKind::Flags(_)
            | TypeDefKind::Variant(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Unknown => self.payload_type(Some(ty), vpath).to_string(),
        }
    }

    /// `lift`, `lower` and `dealloc_lists` for one payload type.
    fn payload_conversions(
        &self,
        ty: Option<&Type>,
        vpath: &ModPath,
        t: &TokenStream,
    ) -> TokenStream {
        let Some(ty) = ty else {
            return quote! {
                unsafe fn lift(_ptr: *mut u8) {}
                unsafe fn lower(_value: (), _ptr: *mut u8) {}
                unsafe fn dealloc_lists(_ptr: *mut u8) {}
            };
        };
        let body = |params: Vec<Op>, walk: &dyn Fn(&mut Walker<'_, Body<'_, '_>>)| {
            let mut body = Body::new(self, vpath, Role::Export(Callee::Plain(quote!())), params);
            walk(&mut Walker::new(
                self.resolve,
                &self.sizes,
                &mut body,
                Transfer::Move,
            ));
            body.finish()
        };
        let op = |name: &str| Op::from(ident(name));
        let lift = body(vec![op("ptr")], &|w| w.lift_payload(ty));
        let lower = body(vec![op("value"), op("ptr")], &|w| w.lower_payload(ty));
        let free = body(vec![op("ptr")], &|w| w.free_payload(ty));
        quote! {
            unsafe fn lift(ptr: *mut u8) -> #t { unsafe { #lift } }
            unsafe fn lower(value: #t, ptr: *mut u8) { unsafe { #lower } }
            unsafe fn dealloc_lists(ptr: *mut u8) { unsafe { #free } }
        }
    }
}

impl<'a> Ctx<'a> {
    /// Every (kind, payload) the world's functions use, first use first.
    fn payloads(&self) -> Vec<Payload<'a>> {
        let resolve: &'a wit_parser::Resolve = self.resolve;
        let w = &resolve.worlds[self.world];
        let mut out = Vec::new();
        let mut visit = |key: Option<&WorldKey>, exported: bool, funcs: Vec<&'a Function>| {
            let name = key.map_or_else(|| "$root".to_string(), |k| resolve.name_world_key(k));
            let module = if exported {
                format!("[export]{name}")
            } else {
                name
            };
            for func in funcs {
                if self.is_skipped(&func.name) {
                    continue;
                }
                for (index, id) in func
                    .find_futures_and_streams(resolve)
                    .into_iter()
                    .enumerate()
                {
                    let (kind, ty) = match &resolve.types[id].kind {
                        TypeDefKind::Future(t) => (Kind::Future, *t),
                        TypeDefKind::Stream(t) => (Kind::Stream, *t),
                        _ => continue,
                    };
                    out.push(Payload {
                        kind,
                        ty,
                        module: module.clone(),
                        func,
                        index,
                    });
                }
            }
        };
        for (exported, items) in [(false, &w.imports), (true, &w.exports)] {
            let mut world_funcs = Vec::new();
            for (key, item) in items {
                match item {
                    WorldItem::Interface { id, .. } => {
                        let funcs = resolve.interfaces[*id].functions.values().collect();
                        visit(Some(key), exported, funcs);
                    }
                    WorldItem::Function(f) => world_funcs.push(f),
                    WorldItem::Type { .. } => {}
                }
            }
            visit(None, exported, world_funcs);
        }
        out
    }
}
