#[allow(unused_imports)]
#[doc(hidden)]
use ::weft::rt as __weft_rt_snap_res_res;
#[doc(hidden)]
#[allow(
    dead_code,
    unused_imports,
    unused_unsafe,
    unused_parens,
    non_snake_case,
    non_camel_case_types,
    clippy::all
)]
mod __weft_world_snap_res_res {
    #[allow(unused_imports)]
    use super::__weft_rt_snap_res_res as _rt;
    /// Exports `$ty` as the implementation of this world's exports:
    /// `export!(MyType)`, or `export!(MyType with_types_in path::to::bindings)`.
    macro_rules! __export_res_impl {
        ($ty:ident) => {
            self::export!($ty with_types_in self);
        };
        ($ty:ident with_types_in $($path_to_types_root:tt)*) => {
            #[allow(dead_code)] const _ : () = { use $($path_to_types_root)*
            ::exports::snap::res::files as __weft_glue;
            __weft_glue::__weft_export!("snap:res/files#[constructor]file" fn (arg0 : *
            mut u8, arg1 : usize) -> i32 = __weft_glue::_export_constructor_file_cabi:: <
            < $ty as __weft_glue::Guest > ::File >);
            __weft_glue::__weft_export!("snap:res/files#[method]file.read" fn (arg0 : *
            mut u8, arg1 : i32) -> * mut u8 =
            __weft_glue::_export_method_file_read_cabi:: < < $ty as __weft_glue::Guest >
            ::File >);
            __weft_glue::__weft_export!("cabi_post_snap:res/files#[method]file.read" fn
            (arg0 : * mut u8) = __weft_glue::__post_return_method_file_read:: < < $ty as
            __weft_glue::Guest > ::File >);
            __weft_glue::__weft_export!("snap:res/files#[static]file.open" fn (arg0 : *
            mut u8, arg1 : usize) -> * mut u8 =
            __weft_glue::_export_static_file_open_cabi:: < < $ty as __weft_glue::Guest >
            ::File >);
            __weft_glue::__weft_export!("cabi_post_snap:res/files#[static]file.open" fn
            (arg0 : * mut u8) = __weft_glue::__post_return_static_file_open:: < < $ty as
            __weft_glue::Guest > ::File >);
            __weft_glue::__weft_export!("snap:res/files#copy" fn (arg0 : i32, arg1 : i32)
            = __weft_glue::_export_copy_cabi:: < $ty >);
            __weft_glue::__weft_export!("snap:res/files#[dtor]file" fn (rep : * mut u8) =
            __weft_glue::File::dtor:: << $ty as __weft_glue::Guest > ::File >); };
        };
    }
    #[doc(inline)]
    pub(crate) use __export_res_impl as export;
    #[cfg(target_arch = "wasm32")]
    #[unsafe(
        link_section = ::core::concat!(
            "component-type:weft:0.1.0:snap:res:res:encoded world",
            ":",
            ::core::module_path!()
        )
    )]
    #[doc(hidden)]
    pub static __WEFT_COMPONENT_TYPE: [u8; 465usize] = *b"\0asm\r\0\x01\0\0\x19\x16wit-component-encoding\x04\0\x07\xef\x02\x01A\x02\x01A\x04\x01B\r\x04\0\x04file\x03\x01\x01i\0\x01@\x01\x04paths\0\x01\x04\0\x11[constructor]file\x01\x02\x01h\0\x01p}\x01@\x02\x04self\x03\x01ny\0\x04\x04\0\x11[method]file.read\x01\x05\x01j\x01\x01\x01s\x01@\x01\x04paths\0\x06\x04\0\x11[static]file.open\x01\x07\x01@\x02\x03src\x03\x03dst\x01\x01\0\x04\0\x04copy\x01\x08\x03\0\x0esnap:res/files\x05\0\x01B\r\x04\0\x04file\x03\x01\x01i\0\x01@\x01\x04paths\0\x01\x04\0\x11[constructor]file\x01\x02\x01h\0\x01p}\x01@\x02\x04self\x03\x01ny\0\x04\x04\0\x11[method]file.read\x01\x05\x01j\x01\x01\x01s\x01@\x01\x04paths\0\x06\x04\0\x11[static]file.open\x01\x07\x01@\x02\x03src\x03\x03dst\x01\x01\0\x04\0\x04copy\x01\x08\x04\0\x0esnap:res/files\x05\x01\x04\0\x0csnap:res/res\x04\0\x0b\t\x01\0\x03res\x03\0\0\0/\tproducers\x01\x0cprocessed-by\x01\rwit-component\x070.257.1";
    /// Keeps the component-type section and `cabi_realloc` linked.
    #[doc(hidden)]
    #[inline(never)]
    pub fn __weft_link_custom_section() {
        _rt::maybe_link_cabi_realloc();
    }
}
#[allow(unused_imports)]
pub use __weft_world_snap_res_res::*;
#[allow(
    dead_code,
    unused_imports,
    unused_unsafe,
    unused_parens,
    non_snake_case,
    clippy::all
)]
pub mod exports {
    use super::__weft_rt_snap_res_res as _rt;
    pub mod snap {
        use super::super::__weft_rt_snap_res_res as _rt;
        pub mod res {
            use super::super::super::__weft_rt_snap_res_res as _rt;
            pub mod files {
                use super::super::super::super::__weft_rt_snap_res_res as _rt;
                _rt::resource_handle!(
                    File, "[export]snap:res/files", "[resource-drop]file"
                );
                impl File {
                    /// The representation of this resource (`resource.rep`): the address [`Self::new`] registered, the same one a [`FileBorrow`] of it reports.
                    pub fn rep(&self) -> usize {
                        _rt::wit_import!(
                            "[export]snap:res/files", "[resource-rep]file", fn (i32) -> *
                            mut u8
                        );
                        unsafe { __wit_import(self.handle() as i32) as usize }
                    }
                    /// Moves `val` into a new resource owned by this component.
                    pub fn new<T_: GuestFile>(val: T_) -> Self {
                        let rep = <T_ as _rt::ExportedResource>::wrap_rep(val);
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
                    pub fn get<T_: GuestFile>(&self) -> &T_ {
                        unsafe {
                            _rt::ResourceRep::<
                                T_,
                            >::value(T_::_resource_rep(self.handle()))
                        }
                    }
                    /// The value behind this handle, mutably.
                    ///
                    /// # Panics
                    /// As for [`Self::get`].
                    pub fn get_mut<T_: GuestFile>(&mut self) -> &mut T_ {
                        unsafe {
                            _rt::ResourceRep::<
                                T_,
                            >::value_mut(T_::_resource_rep(self.handle()))
                        }
                    }
                    /// Takes the value out; the handle stays valid but empty.
                    ///
                    /// # Panics
                    /// As for [`Self::get`].
                    pub fn into_inner<T_: GuestFile>(self) -> T_ {
                        unsafe {
                            _rt::ResourceRep::<
                                T_,
                            >::take(T_::_resource_rep(self.handle()))
                        }
                    }
                    #[doc(hidden)]
                    pub unsafe fn dtor<T_: GuestFile>(rep: *mut u8) {
                        unsafe {
                            _rt::ResourceRep::<T_>::check(rep);
                            ::core::mem::drop(T_::resource_from_raw_(rep.cast()));
                        }
                    }
                }
                /// A borrowed [`File`], valid for the duration of a call.
                #[derive(Debug, Clone, Copy)]
                #[repr(transparent)]
                pub struct FileBorrow<'a> {
                    rep: *mut u8,
                    _marker: ::core::marker::PhantomData<&'a File>,
                }
                impl<'a> FileBorrow<'a> {
                    #[doc(hidden)]
                    pub unsafe fn lift(rep: usize) -> Self {
                        Self {
                            rep: rep as *mut u8,
                            _marker: ::core::marker::PhantomData,
                        }
                    }
                    /// The value behind this borrow.
                    ///
                    /// # Panics
                    /// If `T` is not the type the resource was created with.
                    pub fn get<T_: GuestFile>(&self) -> &'a T_ {
                        unsafe { _rt::ResourceRep::<T_>::value(self.rep) }
                    }
                    /// The representation (address of the boxed value).
                    pub fn rep(&self) -> usize {
                        self.rep as usize
                    }
                }
                #[used]
                #[doc(hidden)]
                static __FORCE_SECTION_REF: fn() = super::super::super::super::__weft_world_snap_res_res::__weft_link_custom_section;
                #[doc(hidden)]
                pub unsafe fn _export_constructor_file_cabi<T_: GuestFile>(
                    arg0: *mut u8,
                    arg1: usize,
                ) -> i32 {
                    _rt::run_ctors_once();
                    unsafe {
                        let _result1 = File::new(T_::new(_rt::string_lift(arg0, arg1)));
                        (_result1).take_handle() as i32
                    }
                }
                #[doc(hidden)]
                pub unsafe fn _export_method_file_read_cabi<T_: GuestFile>(
                    arg0: *mut u8,
                    arg1: i32,
                ) -> *mut u8 {
                    _rt::run_ctors_once();
                    unsafe {
                        let _result1 = T_::read(
                            (FileBorrow::lift(arg0 as usize)).get::<T_>(),
                            (arg1) as u32,
                        );
                        let _ptr2 = _rt::static_ret_area!(2 * _rt::PTR_SIZE);
                        let (_ptr3, _len4) = _rt::vec_lower(_result1);
                        _rt::len_store(_ptr2, _rt::PTR_SIZE, _len4);
                        _rt::ptr_store(_ptr2, 0, _ptr3);
                        _ptr2
                    }
                }
                #[doc(hidden)]
                pub unsafe fn __post_return_method_file_read<T_: GuestFile>(
                    arg0: *mut u8,
                ) {
                    unsafe {
                        let _l1 = _rt::ptr_load(arg0, 0);
                        let _l2 = _rt::len_load(arg0, _rt::PTR_SIZE);
                        let _base3 = _l1;
                        let _len4 = _l2;
                        _rt::dealloc(_base3, _len4 * 1, 1);
                    }
                }
                #[doc(hidden)]
                pub unsafe fn _export_static_file_open_cabi<T_: GuestFile>(
                    arg0: *mut u8,
                    arg1: usize,
                ) -> *mut u8 {
                    _rt::run_ctors_once();
                    unsafe {
                        let _result1 = T_::open(_rt::string_lift(arg0, arg1));
                        let _ptr2 = _rt::static_ret_area!(3 * _rt::PTR_SIZE);
                        match _result1 {
                            _rt::Ok(_payload1) => {
                                _rt::i32_store8(_ptr2, 0, 0i32);
                                _rt::i32_store(
                                    _ptr2,
                                    _rt::PTR_SIZE,
                                    (_payload1).take_handle() as i32,
                                );
                            }
                            _rt::Err(_payload1) => {
                                _rt::i32_store8(_ptr2, 0, 1i32);
                                let (_ptr3, _len4) = _rt::vec_lower(
                                    (_payload1).into_bytes(),
                                );
                                _rt::len_store(_ptr2, 2 * _rt::PTR_SIZE, _len4);
                                _rt::ptr_store(_ptr2, _rt::PTR_SIZE, _ptr3);
                            }
                        }
                        _ptr2
                    }
                }
                #[doc(hidden)]
                pub unsafe fn __post_return_static_file_open<T_: GuestFile>(
                    arg0: *mut u8,
                ) {
                    unsafe {
                        let _l1 = _rt::i32_load8_u(arg0, 0);
                        match _l1 {
                            1 => {
                                let _l2 = _rt::ptr_load(arg0, _rt::PTR_SIZE);
                                let _l3 = _rt::len_load(arg0, 2 * _rt::PTR_SIZE);
                                _rt::dealloc(_l2, _l3, 1);
                            }
                            _ => {}
                        }
                    }
                }
                #[doc(hidden)]
                pub unsafe fn _export_copy_cabi<T_: Guest>(arg0: i32, arg1: i32) {
                    _rt::run_ctors_once();
                    unsafe {
                        T_::copy(
                            FileBorrow::lift(arg0 as usize),
                            File::from_handle(arg1 as u32),
                        );
                    }
                }
                pub trait GuestFile: _rt::ExportedResource {
                    #[doc(hidden)]
                    unsafe fn _resource_new(val: *mut u8) -> u32
                    where
                        Self: Sized,
                    {
                        _rt::wit_import!(
                            "[export]snap:res/files", "[resource-new]file", fn (* mut u8)
                            -> i32
                        );
                        unsafe { __wit_import(val) as u32 }
                    }
                    #[doc(hidden)]
                    fn _resource_rep(handle: u32) -> *mut u8
                    where
                        Self: Sized,
                    {
                        _rt::wit_import!(
                            "[export]snap:res/files", "[resource-rep]file", fn (i32) -> *
                            mut u8
                        );
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
                        *unsafe { _rt::Box::from_raw(handle) }
                    }
                    fn new(path: _rt::String) -> Self
                    where
                        Self: Sized;
                    fn read(&self, n: u32) -> _rt::Vec<u8>;
                    fn open(path: _rt::String) -> _rt::Result<File, _rt::String>;
                }
                pub trait Guest {
                    type File: GuestFile;
                    fn copy(src: FileBorrow<'_>, dst: File);
                }
                #[doc(hidden)]
                pub use _rt::export_fn as __weft_export;
            }
        }
    }
}
#[allow(
    dead_code,
    unused_imports,
    unused_unsafe,
    unused_parens,
    non_snake_case,
    clippy::all
)]
pub mod snap {
    use super::__weft_rt_snap_res_res as _rt;
    pub mod res {
        use super::super::__weft_rt_snap_res_res as _rt;
        pub mod files {
            use super::super::super::__weft_rt_snap_res_res as _rt;
            _rt::resource_handle!(File, "snap:res/files", "[resource-drop]file");
            #[used]
            #[doc(hidden)]
            static __FORCE_SECTION_REF: fn() = super::super::super::__weft_world_snap_res_res::__weft_link_custom_section;
            pub fn copy(src: &'_ File, dst: File) {
                unsafe {
                    _rt::wit_import!("snap:res/files", "copy", fn (i32, i32));
                    __wit_import((&src).handle() as i32, (&dst).take_handle() as i32);
                }
            }
            impl File {
                pub fn new(path: &'_ str) -> File {
                    unsafe {
                        let _vec3 = &path;
                        let _ptr1 = _vec3.as_ptr().cast::<u8>().cast_mut();
                        let _len2 = _vec3.len();
                        _rt::wit_import!(
                            "snap:res/files", "[constructor]file", fn (* mut u8, usize)
                            -> i32
                        );
                        let _ret4 = __wit_import(_ptr1, _len2);
                        File::from_handle(_ret4 as u32)
                    }
                }
                pub fn read(&self, n: u32) -> _rt::Vec<u8> {
                    unsafe {
                        let mut _area2 = _rt::RetArea::<{ 2 * _rt::PTR_SIZE }>::new();
                        let _ptr1 = _area2.ptr();
                        _rt::wit_import!(
                            "snap:res/files", "[method]file.read", fn (i32, i32, * mut
                            u8)
                        );
                        __wit_import((self).handle() as i32, _rt::as_i32(&n), _ptr1);
                        let _l3 = _rt::ptr_load(_ptr1, 0);
                        let _l4 = _rt::len_load(_ptr1, _rt::PTR_SIZE);
                        _rt::list_lift::<u8>(_l3, _l4)
                    }
                }
                pub fn open(path: &'_ str) -> _rt::Result<File, _rt::String> {
                    unsafe {
                        let _vec3 = &path;
                        let _ptr1 = _vec3.as_ptr().cast::<u8>().cast_mut();
                        let _len2 = _vec3.len();
                        let mut _area5 = _rt::RetArea::<{ 3 * _rt::PTR_SIZE }>::new();
                        let _ptr4 = _area5.ptr();
                        _rt::wit_import!(
                            "snap:res/files", "[static]file.open", fn (* mut u8, usize, *
                            mut u8)
                        );
                        __wit_import(_ptr1, _len2, _ptr4);
                        let _l6 = _rt::i32_load8_u(_ptr4, 0);
                        let _v10 = match _l6 {
                            0 => {
                                let _l7 = _rt::i32_load(_ptr4, _rt::PTR_SIZE);
                                _rt::Ok(File::from_handle(_l7 as u32))
                            }
                            1 => {
                                let _l8 = _rt::ptr_load(_ptr4, _rt::PTR_SIZE);
                                let _l9 = _rt::len_load(_ptr4, 2 * _rt::PTR_SIZE);
                                _rt::Err(_rt::string_lift(_l8, _l9))
                            }
                            _ => _rt::invalid_enum_discriminant(),
                        };
                        _v10
                    }
                }
            }
        }
    }
}
