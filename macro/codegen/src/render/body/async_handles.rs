//! Lifting and lowering a `future`/`stream` readable end: the handle plus
//! the payload type's vtable from the generated `wit_future`/`wit_stream`
//! module. Lowering passes the vtable too, so that a reader made from a Rust
//! future or stream can make its component-model end right there.

use super::Body;
use crate::render::moved::Moved;
use crate::render::paths::item_path;
use proc_macro2::TokenStream;
use quote::quote;
use wit_parser::{TypeDefKind, TypeId};

impl Body<'_, '_> {
    pub(super) fn async_handle_lift(&mut self, ty: TypeId, handle: Moved) -> TokenStream {
        let (reader, payload, vtable) = self.async_handle_parts(ty);
        quote! {
            _rt::async_support::#reader::<#payload>::new(#handle as u32, #vtable)
        }
    }

    pub(super) fn async_handle_lower(&mut self, ty: TypeId, end: Moved) -> TokenStream {
        let (_, _, vtable) = self.async_handle_parts(ty);
        quote!((#end).lower_handle(#vtable) as i32)
    }

    /// The reader type, the payload type and the payload's vtable
    /// expression for the `future`/`stream` type `ty`.
    fn async_handle_parts(&self, ty: TypeId) -> (TokenStream, TokenStream, TokenStream) {
        let world_path = vec![self.ctx.names.world_module.clone()];
        let (module, payload_trait, reader, payload) = match &self.ctx.resolve.types[ty].kind {
            TypeDefKind::Future(p) => {
                ("wit_future", quote!(FuturePayload), quote!(FutureReader), p)
            }
            TypeDefKind::Stream(p) => {
                ("wit_stream", quote!(StreamPayload), quote!(StreamReader), p)
            }
            // The walker emits these instructions for futures and streams only.
            other => unreachable!("async handle instruction on {other:?}"),
        };
        let payload = self.ctx.payload_type(payload.as_ref(), self.from);
        let module = item_path(self.from, &world_path, module);
        let vtable = quote!(<#payload as #module::#payload_trait>::VTABLE);
        (reader, payload, vtable)
    }
}
