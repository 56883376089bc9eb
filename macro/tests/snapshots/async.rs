#[allow(unused_imports)]
#[doc(hidden)]
use ::weft::rt as __weft_rt_snap_concurrent_concurrent;
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
mod __weft_world_snap_concurrent_concurrent {
    #[allow(unused_imports)]
    use super::__weft_rt_snap_concurrent_concurrent as _rt;
    #[doc(hidden)]
    pub unsafe fn _export_run_cabi<T_: Guest + 'static>(arg0: i32, arg1: i32) -> u32 {
        _rt::run_ctors_once();
        _rt::async_support::start_task(async move {
            let cancel = _rt::async_support::TaskCancelOnDrop::new();
            unsafe {
                let _result1 = T_::run(
                        _rt::async_support::StreamReader::<
                            u8,
                        >::new(arg0 as u32, <u8 as wit_stream::StreamPayload>::VTABLE),
                        _rt::async_support::FutureReader::<
                            u32,
                        >::new(arg1 as u32, <u32 as wit_future::FuturePayload>::VTABLE),
                    )
                    .await;
                _rt::wit_import!("[export]$root", "[task-return]run", fn (i32));
                __wit_import(_rt::as_i32(&_result1));
            }
            cancel.forget();
        })
    }
    #[doc(hidden)]
    pub unsafe fn __callback_run(event0: u32, event1: u32, event2: u32) -> u32 {
        unsafe { _rt::async_support::callback(event0, event1, event2) }
    }
    #[doc(hidden)]
    pub unsafe fn _export_feed_cabi<T_: Guest + 'static>() -> u32 {
        _rt::run_ctors_once();
        _rt::async_support::start_task(async move {
            let cancel = _rt::async_support::TaskCancelOnDrop::new();
            unsafe {
                let _result1 = T_::feed().await;
                _rt::wit_import!("[export]$root", "[task-return]feed", fn (i32));
                __wit_import(
                    (&_result1).lower_handle(<u32 as wit_future::FuturePayload>::VTABLE)
                        as i32,
                );
            }
            cancel.forget();
        })
    }
    #[doc(hidden)]
    pub unsafe fn __callback_feed(event0: u32, event1: u32, event2: u32) -> u32 {
        unsafe { _rt::async_support::callback(event0, event1, event2) }
    }
    pub trait Guest {
        #[allow(async_fn_in_trait)]
        async fn run(
            input: _rt::async_support::StreamReader<u8>,
            done: _rt::async_support::FutureReader<u32>,
        ) -> u32;
        #[allow(async_fn_in_trait)]
        async fn feed() -> _rt::async_support::FutureReader<u32>;
    }
    #[doc(hidden)]
    pub use _rt::export_fn as __weft_export;
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
            unsafe { _rt::async_support::future_new(default, T::VTABLE) }
        }
        #[doc(hidden)]
        pub mod vtable0 {
            use super::_rt;
            _rt::payload_intrinsics!(
                future "[export]$root" : "[future-new-1]run",
                "[async-lower][future-read-1]run", "[async-lower][future-write-1]run",
                "[future-cancel-read-1]run", "[future-cancel-write-1]run",
                "[future-drop-readable-1]run", "[future-drop-writable-1]run"
            );
            unsafe fn lift(ptr: *mut u8) -> u32 {
                unsafe {
                    let _l1 = _rt::i32_load(ptr, 0);
                    (_l1) as u32
                }
            }
            unsafe fn lower(value: u32, ptr: *mut u8) {
                unsafe {
                    _rt::i32_store(ptr, 0, _rt::as_i32(value));
                }
            }
            unsafe fn dealloc_lists(ptr: *mut u8) {
                unsafe {}
            }
            pub static VTABLE: _rt::async_support::FutureVtable<u32> = _rt::async_support::FutureVtable {
                layout: unsafe {
                    ::core::alloc::Layout::from_size_align_unchecked(4, 4)
                },
                lift,
                lower,
                dealloc_lists,
                new,
                start_read,
                start_write,
                cancel_read,
                cancel_write,
                drop_readable,
                drop_writable,
            };
            impl super::FuturePayload for u32 {
                const VTABLE: &'static _rt::async_support::FutureVtable<Self> = &VTABLE;
            }
        }
    }
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
        pub fn new<T: StreamPayload>() -> (
            _rt::async_support::StreamWriter<T>,
            _rt::async_support::StreamReader<T>,
        ) {
            unsafe { _rt::async_support::stream_new(T::VTABLE) }
        }
        #[doc(hidden)]
        pub mod vtable0 {
            use super::_rt;
            _rt::payload_intrinsics!(
                stream "snap:concurrent/io" : "[stream-new-0]lines",
                "[async-lower][stream-read-0]lines",
                "[async-lower][stream-write-0]lines", "[stream-cancel-read-0]lines",
                "[stream-cancel-write-0]lines", "[stream-drop-readable-0]lines",
                "[stream-drop-writable-0]lines"
            );
            unsafe fn lift(ptr: *mut u8) -> _rt::String {
                unsafe {
                    let _l1 = _rt::ptr_load(ptr, 0);
                    let _l2 = _rt::len_load(ptr, _rt::PTR_SIZE);
                    _rt::string_lift(_l1, _l2)
                }
            }
            unsafe fn lower(value: _rt::String, ptr: *mut u8) {
                unsafe {
                    let (_ptr1, _len2) = _rt::vec_lower((value).into_bytes());
                    _rt::len_store(ptr, _rt::PTR_SIZE, _len2);
                    _rt::ptr_store(ptr, 0, _ptr1);
                }
            }
            unsafe fn dealloc_lists(ptr: *mut u8) {
                unsafe {
                    let _l1 = _rt::ptr_load(ptr, 0);
                    let _l2 = _rt::len_load(ptr, _rt::PTR_SIZE);
                    _rt::dealloc(_l1, _l2, 1);
                }
            }
            pub static VTABLE: _rt::async_support::StreamVtable<_rt::String> = _rt::async_support::StreamVtable {
                layout: unsafe {
                    ::core::alloc::Layout::from_size_align_unchecked(
                        2 * _rt::PTR_SIZE,
                        _rt::PTR_ALIGN,
                    )
                },
                lift: Some(lift),
                lower: Some(lower),
                dealloc_lists: Some(dealloc_lists),
                new,
                start_read,
                start_write,
                cancel_read,
                cancel_write,
                drop_readable,
                drop_writable,
            };
            impl super::StreamPayload for _rt::String {
                const VTABLE: &'static _rt::async_support::StreamVtable<Self> = &VTABLE;
            }
        }
        #[doc(hidden)]
        pub mod vtable1 {
            use super::_rt;
            _rt::payload_intrinsics!(
                stream "[export]$root" : "[stream-new-0]run",
                "[async-lower][stream-read-0]run", "[async-lower][stream-write-0]run",
                "[stream-cancel-read-0]run", "[stream-cancel-write-0]run",
                "[stream-drop-readable-0]run", "[stream-drop-writable-0]run"
            );
            pub static VTABLE: _rt::async_support::StreamVtable<u8> = _rt::async_support::StreamVtable {
                layout: unsafe {
                    ::core::alloc::Layout::from_size_align_unchecked(1, 1)
                },
                lift: None,
                lower: None,
                dealloc_lists: None,
                new,
                start_read,
                start_write,
                cancel_read,
                cancel_write,
                drop_readable,
                drop_writable,
            };
            impl super::StreamPayload for u8 {
                const VTABLE: &'static _rt::async_support::StreamVtable<Self> = &VTABLE;
            }
        }
    }
    /// Exports `$ty` as the implementation of this world's exports:
    /// `export!(MyType)`, or `export!(MyType with_types_in path::to::bindings)`.
    macro_rules! __export_concurrent_impl {
        ($ty:ident) => {
            self::export!($ty with_types_in self);
        };
        ($ty:ident with_types_in $($path_to_types_root:tt)*) => {
            #[allow(dead_code)] const _ : () = { use $($path_to_types_root)*
            ::__weft_world_snap_concurrent_concurrent as __weft_glue;
            __weft_glue::__weft_export!("[async-lift]run" fn (arg0 : i32, arg1 : i32) ->
            u32 = __weft_glue::_export_run_cabi:: < $ty >);
            __weft_glue::__weft_export!("[callback][async-lift]run" fn (event0 : u32,
            event1 : u32, event2 : u32) -> u32 = __weft_glue::__callback_run);
            __weft_glue::__weft_export!("[async-lift]feed" fn () -> u32 =
            __weft_glue::_export_feed_cabi:: < $ty >);
            __weft_glue::__weft_export!("[callback][async-lift]feed" fn (event0 : u32,
            event1 : u32, event2 : u32) -> u32 = __weft_glue::__callback_feed); };
        };
    }
    #[doc(inline)]
    pub(crate) use __export_concurrent_impl as export;
    #[cfg(target_arch = "wasm32")]
    #[unsafe(
        link_section = ::core::concat!(
            "component-type:weft:0.1.0:snap:concurrent:concurrent:encoded world",
            ":",
            ::core::module_path!()
        )
    )]
    #[doc(hidden)]
    pub static __WEFT_COMPONENT_TYPE: [u8; 264usize] = *b"\0asm\r\0\x01\0\0\x19\x16wit-component-encoding\x04\0\x07\x9f\x01\x01A\x02\x01A\x08\x01B\x07\x01p}\x01j\x01\0\x01d\x01C\x01\x03urls\0\x01\x04\0\x05fetch\x01\x02\x01f\x01s\x01@\0\0\x03\x04\0\x05lines\x01\x04\x03\0\x12snap:concurrent/io\x05\0\x01f\x01}\x01e\x01y\x01C\x02\x05input\x01\x04done\x02\0y\x04\0\x03run\x01\x03\x01C\0\0\x02\x04\0\x04feed\x01\x04\x04\0\x1asnap:concurrent/concurrent\x04\0\x0b\x10\x01\0\nconcurrent\x03\0\0\0/\tproducers\x01\x0cprocessed-by\x01\rwit-component\x070.257.1";
    /// Keeps the component-type section and `cabi_realloc` linked.
    #[doc(hidden)]
    #[inline(never)]
    pub fn __weft_link_custom_section() {
        _rt::maybe_link_cabi_realloc();
    }
}
#[allow(unused_imports)]
pub use __weft_world_snap_concurrent_concurrent::*;
#[allow(
    dead_code,
    unused_imports,
    unused_unsafe,
    unused_parens,
    non_snake_case,
    clippy::all
)]
pub mod snap {
    use super::__weft_rt_snap_concurrent_concurrent as _rt;
    pub mod concurrent {
        use super::super::__weft_rt_snap_concurrent_concurrent as _rt;
        pub mod io {
            use super::super::super::__weft_rt_snap_concurrent_concurrent as _rt;
            #[used]
            #[doc(hidden)]
            static __FORCE_SECTION_REF: fn() = super::super::super::__weft_world_snap_concurrent_concurrent::__weft_link_custom_section;
            pub async fn fetch(
                url: _rt::String,
            ) -> _rt::Result<_rt::Vec<u8>, _rt::async_support::ErrorContext> {
                unsafe {
                    let _vec3 = &url;
                    let _ptr1 = _vec3.as_ptr().cast::<u8>().cast_mut();
                    let _len2 = _vec3.len();
                    let mut _area5 = _rt::RetArea::<{ 3 * _rt::PTR_SIZE }>::new();
                    let _ptr4 = _area5.ptr();
                    _rt::wit_import!(
                        "snap:concurrent/io", "[async-lower]fetch", fn (* mut u8, usize,
                        * mut u8) -> i32
                    );
                    let _ret6 = __wit_import(_ptr1, _len2, _ptr4);
                    _rt::async_support::Subtask::new(_ret6 as u32).await;
                    let _l7 = _rt::i32_load8_u(_ptr4, 0);
                    let _v11 = match _l7 {
                        0 => {
                            let _l8 = _rt::ptr_load(_ptr4, _rt::PTR_SIZE);
                            let _l9 = _rt::len_load(_ptr4, 2 * _rt::PTR_SIZE);
                            _rt::Ok(_rt::list_lift::<u8>(_l8, _l9))
                        }
                        1 => {
                            let _l10 = _rt::i32_load(_ptr4, _rt::PTR_SIZE);
                            _rt::Err(
                                _rt::async_support::ErrorContext::from_handle(_l10 as u32),
                            )
                        }
                        _ => _rt::invalid_enum_discriminant(),
                    };
                    _v11
                }
            }
            pub fn lines() -> _rt::async_support::StreamReader<_rt::String> {
                unsafe {
                    _rt::wit_import!("snap:concurrent/io", "lines", fn () -> i32);
                    let _ret1 = __wit_import();
                    _rt::async_support::StreamReader::<
                        _rt::String,
                    >::new(
                        _ret1 as u32,
                        <_rt::String as super::super::super::__weft_world_snap_concurrent_concurrent::wit_stream::StreamPayload>::VTABLE,
                    )
                }
            }
        }
    }
}
