//! Lifting a `future`/`stream` readable end: the handle plus the payload
//! type's vtable from the generated `wit_future`/`wit_stream` module.

use super::Body;
use crate::render::paths::item_path;
use proc_macro2::TokenStream;
use quote::quote;
use wit_parser::{TypeDefKind, TypeId};

impl Body<'_, '_> {
    pub(super) fn async_handle_lift(&mut self, ty: TypeId, handle: &TokenStream) -> TokenStream {
        let world_path = vec![self.ctx.names.world_module.clone()];
        let (module, payload_trait, reader, payload) = match &self.ctx.resolve.types[ty].kind {
            TypeDefKind::Future(p) => {
                ("wit_future", quote!(FuturePayload), quote!(FutureReader), p)
            }
            TypeDefKind::Stream(p) => {
                ("wit_stream", quote!(StreamPayload), quote!(StreamReader), p)
            }
            // The walker emits this instruction for futures and streams only.
            other => unreachable!("AsyncHandleLift on {other:?}"),
        };
        let payload = self.ctx.payload_type(payload.as_ref(), &self.from);
        let module = item_path(&self.from, &world_path, module);
        quote! {
            _rt::async_support::#reader::<#payload>::new(
                #handle as u32,
                <#payload as #module::#payload_trait>::VTABLE,
            )
        }
    }
}
