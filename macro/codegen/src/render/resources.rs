//! Resource handle types.
//!
//! Imported resources get a handle type `R` whose drop calls the
//! `[resource-drop]r` import. Exported resources additionally get
//! `R::new`/`get`/`rep` over a boxed user value, an `RBorrow<'a>` for
//! borrowed parameters, and the `GuestR` trait's `[resource-new]`/
//! `[resource-rep]` intrinsics (canonical ABI `canon resource.new` etc.).

use super::Ctx;
use super::moved::Moved;
use crate::names::ident;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use wit_parser::{LiftLowerAbi, ManglingAndAbi, ResourceIntrinsic, TypeId, WasmImport};

/// A core import declared inside a function body (`_rt::wit_import!`,
/// which adds the non-wasm stub that host builds link against).
pub(crate) fn core_import(
    module: &str,
    name: &str,
    params: Vec<TokenStream>,
    result: Option<TokenStream>,
) -> TokenStream {
    let params = params.into_iter().map(Moved::new);
    let ret = result.map(|r| {
        let r = Moved::new(r);
        Moved::new(quote!(-> #r))
    });
    quote!(_rt::wit_import!(#module, #name, fn(#(#params),*) #ret);)
}

impl Ctx<'_> {
    /// The handle type (and helpers) of the resource `id`.
    pub fn resource_type(&self, id: TypeId) -> TokenStream {
        let exported = self.type_site(id).is_some_and(|s| s.exported);
        let drop = if exported {
            ResourceIntrinsic::ExportedDrop
        } else {
            ResourceIntrinsic::ImportedDrop
        };
        let (module, field) = self.resource_intrinsic(id, drop);
        let name = ident(&self.type_name(id));
        let docs = self.docs(&self.resolve.types[id].docs);
        let common = quote!(_rt::resource_handle!(#docs #name, #module, #field););
        if !exported {
            return common;
        }
        let exported_parts = self.exported_resource_parts(id);
        quote!(#common #exported_parts)
    }

    fn exported_resource_parts(&self, id: TypeId) -> TokenStream {
        let name = ident(&self.type_name(id));
        let borrow = format_ident!("{}Borrow", name);
        let guest = format_ident!("Guest{}", name);
        let borrow_doc = format!(" A borrowed [`{name}`], valid for the duration of a call.");
        let rep_doc = format!(
            " The representation of this resource (`resource.rep`): the address \
             [`Self::new`] registered, the same one a [`{borrow}`] of it reports."
        );
        let (module, rep) = self.resource_intrinsic(id, ResourceIntrinsic::ExportedRep);
        let rep_import = core_import(&module, &rep, vec![quote!(i32)], Some(quote!(*mut u8)));
        quote! {
            impl #name {
                #[doc = #rep_doc]
                pub fn rep(&self) -> usize {
                    #rep_import
                    // SAFETY: `resource.rep` of a live handle of this
                    // component's own resource type.
                    unsafe { __wit_import(self.handle() as i32) as usize }
                }

                /// Moves `val` into a new resource owned by this component.
                pub fn new<T_: #guest>(val: T_) -> Self {
                    let rep = <T_ as _rt::ExportedResource>::wrap_rep(val);
                    // SAFETY: the implementation's hook places the
                    // representation at an address that stays valid until
                    // the destructor hands it back.
                    unsafe {
                        let ptr = T_::resource_into_raw_(rep);
                        Self::from_handle(T_::_resource_new(ptr.cast()))
                    }
                }

                /// The value behind this handle.
                ///
                /// # Panics
                /// If `T` is not the type the resource was created with, or
                /// the value was taken by [`Self::into_inner`].
                pub fn get<T_: #guest>(&self) -> &T_ {
                    // SAFETY: the rep of a live handle of this exported
                    // resource is a `ResourceRep` made by `new`.
                    unsafe { _rt::ResourceRep::<T_>::value(T_::_resource_rep(self.handle())) }
                }

                /// The value behind this handle, mutably.
                ///
                /// # Panics
                /// As for [`Self::get`].
                pub fn get_mut<T_: #guest>(&mut self) -> &mut T_ {
                    // SAFETY: as in `get`; `&mut self` makes the access unique
                    // among users of this handle.
                    unsafe { _rt::ResourceRep::<T_>::value_mut(T_::_resource_rep(self.handle())) }
                }

                /// Takes the value out; the handle stays valid but empty.
                ///
                /// # Panics
                /// As for [`Self::get`].
                pub fn into_inner<T_: #guest>(self) -> T_ {
                    // SAFETY: as in `get_mut`.
                    unsafe { _rt::ResourceRep::<T_>::take(T_::_resource_rep(self.handle())) }
                }

                #[doc(hidden)]
                pub unsafe fn dtor<T_: #guest>(rep: *mut u8) {
                    // SAFETY: the host calls the destructor once, with a rep
                    // `new` created through `resource_into_raw_`; `check`
                    // rejects a rep of another implementation type.
                    unsafe {
                        _rt::ResourceRep::<T_>::check(rep);
                        ::core::mem::drop(T_::resource_from_raw_(rep.cast()));
                    }
                }
            }

            #[doc = #borrow_doc]
            #[derive(Debug, Clone, Copy)]
            #[repr(transparent)]
            pub struct #borrow<'a> {
                rep: *mut u8,
                _marker: ::core::marker::PhantomData<&'a #name>,
            }

            impl<'a> #borrow<'a> {
                #[doc(hidden)]
                pub unsafe fn lift(rep: usize) -> Self {
                    Self { rep: rep as *mut u8, _marker: ::core::marker::PhantomData }
                }

                /// The value behind this borrow.
                ///
                /// # Panics
                /// If `T` is not the type the resource was created with.
                pub fn get<T_: #guest>(&self) -> &'a T_ {
                    // SAFETY: a borrow lifted from the canonical ABI carries
                    // the rep `new` created, alive for the call.
                    unsafe { _rt::ResourceRep::<T_>::value(self.rep) }
                }

                /// The representation (address of the boxed value).
                pub fn rep(&self) -> usize {
                    self.rep as usize
                }
            }

        }
    }

    /// The provided `_resource_new`/`_resource_rep` methods of the
    /// `GuestR` trait of exported resource `id`, and the
    /// `resource_into_raw_`/`resource_from_raw_` hooks that decide where its
    /// representation lives (boxed by default), as in wit-bindgen.
    pub fn resource_intrinsics(&self, id: TypeId) -> TokenStream {
        let (module, new) = self.resource_intrinsic(id, ResourceIntrinsic::ExportedNew);
        let new_import = core_import(&module, &new, vec![quote!(*mut u8)], Some(quote!(i32)));
        let (module, rep) = self.resource_intrinsic(id, ResourceIntrinsic::ExportedRep);
        let rep_import = core_import(&module, &rep, vec![quote!(i32)], Some(quote!(*mut u8)));
        quote! {
            #[doc(hidden)]
            unsafe fn _resource_new(val: *mut u8) -> u32
            where
                Self: Sized,
            {
                #new_import
                unsafe { __wit_import(val) as u32 }
            }

            #[doc(hidden)]
            fn _resource_rep(handle: u32) -> *mut u8
            where
                Self: Sized,
            {
                #rep_import
                unsafe { __wit_import(handle as i32) }
            }

            /// Places `val` at a stable address for the lifetime of the
            /// resource and returns it (a `Box` by default). Overriding it
            /// (an arena, say) requires overriding `resource_from_raw_` too.
            ///
            /// # Safety
            /// Safe to call, unsafe to implement: the returned pointer must
            /// stay valid until `resource_from_raw_` receives it.
            #[doc(hidden)]
            unsafe fn resource_into_raw_(val: Self::Rep) -> *mut Self::Rep {
                _rt::Box::into_raw(_rt::Box::new(val))
            }

            /// Takes back a pointer from `resource_into_raw_` when the
            /// resource is destroyed, returning the representation.
            ///
            /// # Safety
            /// `handle` must come from `resource_into_raw_`, once.
            #[doc(hidden)]
            unsafe fn resource_from_raw_(handle: *mut Self::Rep) -> Self::Rep {
                // SAFETY: the default `resource_into_raw_` boxed it.
                *unsafe { _rt::Box::from_raw(handle) }
            }
        }
    }

    /// The core import (module, name) of a resource intrinsic, as
    /// wit-component expects it.
    fn resource_intrinsic(&self, id: TypeId, intrinsic: ResourceIntrinsic) -> (String, String) {
        let interface = self.type_site(id).map(|s| &s.key);
        self.resolve.wasm_import_name(
            ManglingAndAbi::Legacy(LiftLowerAbi::Sync),
            WasmImport::ResourceIntrinsic {
                interface,
                resource: id,
                intrinsic,
            },
        )
    }
}
