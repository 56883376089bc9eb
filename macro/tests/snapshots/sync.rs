#[allow(unused_imports)]
#[doc(hidden)]
use ::weft::rt as __weft_rt_snap_sync_sync;
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
mod __weft_world_snap_sync_sync {
    #[allow(unused_imports)]
    use super::__weft_rt_snap_sync_sync as _rt;
    #[doc(hidden)]
    pub unsafe fn _export_hello_cabi<T_: Guest>(arg0: *mut u8, arg1: usize) -> *mut u8 {
        _rt::run_ctors_once();
        unsafe {
            let _result1 = T_::hello(_rt::string_lift(arg0, arg1));
            let _ptr2 = _rt::static_ret_area!(2 * _rt::PTR_SIZE);
            let (_ptr3, _len4) = _rt::vec_lower((_result1).into_bytes());
            _rt::len_store(_ptr2, _rt::PTR_SIZE, _len4);
            _rt::ptr_store(_ptr2, 0, _ptr3);
            _ptr2
        }
    }
    #[doc(hidden)]
    pub unsafe fn __post_return_hello<T_: Guest>(arg0: *mut u8) {
        unsafe {
            let _l1 = _rt::ptr_load(arg0, 0);
            let _l2 = _rt::len_load(arg0, _rt::PTR_SIZE);
            _rt::dealloc(_l1, _l2, 1);
        }
    }
    pub trait Guest {
        fn hello(name: _rt::String) -> _rt::String;
    }
    #[doc(hidden)]
    pub use _rt::export_fn as __weft_export;
    /// Exports `$ty` as the implementation of this world's exports:
    /// `export!(MyType)`, or `export!(MyType with_types_in path::to::bindings)`.
    macro_rules! __export_sync_impl {
        ($ty:ident) => {
            self::export!($ty with_types_in self);
        };
        ($ty:ident with_types_in $($path_to_types_root:tt)*) => {
            #[allow(dead_code)] const _ : () = { use $($path_to_types_root)*
            ::exports::snap::sync::types as __weft_glue;
            __weft_glue::__weft_export!("snap:sync/types#measure" fn (arg0 : i32, arg1 :
            i32, arg2 : i32, arg3 : i32, arg4 : i32, arg5 : * mut u8, arg6 : usize) -> *
            mut u8 = __weft_glue::_export_measure_cabi:: < $ty >);
            __weft_glue::__weft_export!("cabi_post_snap:sync/types#measure" fn (arg0 : *
            mut u8) = __weft_glue::__post_return_measure:: < $ty >); };
            #[allow(dead_code)] const _ : () = { use $($path_to_types_root)*
            ::__weft_world_snap_sync_sync as __weft_glue;
            __weft_glue::__weft_export!("hello" fn (arg0 : * mut u8, arg1 : usize) -> *
            mut u8 = __weft_glue::_export_hello_cabi:: < $ty >);
            __weft_glue::__weft_export!("cabi_post_hello" fn (arg0 : * mut u8) =
            __weft_glue::__post_return_hello:: < $ty >); };
        };
    }
    #[doc(inline)]
    pub(crate) use __export_sync_impl as export;
    #[cfg(target_arch = "wasm32")]
    #[unsafe(
        link_section = ::core::concat!(
            "component-type:weft:0.1.0:snap:sync:sync:encoded world",
            ":",
            ::core::module_path!()
        )
    )]
    #[doc(hidden)]
    pub static __WEFT_COMPONENT_TYPE: [u8; 445usize] = *b"\0asm\r\0\x01\0\0\x19\x16wit-component-encoding\x04\0\x07\xda\x02\x01A\x02\x01A\x06\x01B\x0b\x01r\x02\x01xz\x01yz\x04\0\x05point\x03\0\0\x01o\x02\x01\x01\x01q\x03\x03dot\x01\x01\0\x04line\x01\x02\0\x04none\0\0\x04\0\x05shape\x03\0\x03\x01n\x03\x04read\x05write\x04exec\x04\0\x05perms\x03\0\x05\x01ps\x01j\x01w\x01s\x01@\x02\x01s\x04\x05names\x07\0\x08\x04\0\x07measure\x01\t\x03\0\x0fsnap:sync/types\x05\0\x01@\x01\x04names\0s\x04\0\x05hello\x01\x01\x01B\x0b\x01r\x02\x01xz\x01yz\x04\0\x05point\x03\0\0\x01o\x02\x01\x01\x01q\x03\x03dot\x01\x01\0\x04line\x01\x02\0\x04none\0\0\x04\0\x05shape\x03\0\x03\x01n\x03\x04read\x05write\x04exec\x04\0\x05perms\x03\0\x05\x01ps\x01j\x01w\x01s\x01@\x02\x01s\x04\x05names\x07\0\x08\x04\0\x07measure\x01\t\x04\0\x0fsnap:sync/types\x05\x02\x04\0\x0esnap:sync/sync\x04\0\x0b\n\x01\0\x04sync\x03\0\0\0/\tproducers\x01\x0cprocessed-by\x01\rwit-component\x070.257.1";
    /// Keeps the component-type section and `cabi_realloc` linked.
    #[doc(hidden)]
    #[inline(never)]
    pub fn __weft_link_custom_section() {
        _rt::maybe_link_cabi_realloc();
    }
}
#[allow(unused_imports)]
pub use __weft_world_snap_sync_sync::*;
#[allow(
    dead_code,
    unused_imports,
    unused_unsafe,
    unused_parens,
    non_snake_case,
    clippy::all
)]
pub mod exports {
    use super::__weft_rt_snap_sync_sync as _rt;
    pub mod snap {
        use super::super::__weft_rt_snap_sync_sync as _rt;
        pub mod sync {
            use super::super::super::__weft_rt_snap_sync_sync as _rt;
            pub mod types {
                use super::super::super::super::__weft_rt_snap_sync_sync as _rt;
                #[derive(Clone, Copy)]
                #[repr(C)]
                pub struct Point {
                    pub x: i32,
                    pub y: i32,
                }
                _rt::debug_record!(Point { x, y });
                #[derive(Clone, Copy)]
                pub enum Shape {
                    Dot(Point),
                    Line((Point, Point)),
                    None,
                }
                _rt::debug_cases!(Shape { Dot(e), Line(e), None });
                #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
                pub struct Perms {
                    bits: u8,
                }
                impl Perms {
                    pub const READ: Self = Self { bits: 1 << 0usize };
                    pub const WRITE: Self = Self { bits: 1 << 1usize };
                    pub const EXEC: Self = Self { bits: 1 << 2usize };
                    /// No flags set.
                    pub const fn empty() -> Self {
                        Self { bits: 0 }
                    }
                    /// Every flag set.
                    pub const fn all() -> Self {
                        Self {
                            bits: 0 | Self::READ.bits | Self::WRITE.bits
                                | Self::EXEC.bits,
                        }
                    }
                    /// The raw bits.
                    pub const fn bits(&self) -> u8 {
                        self.bits
                    }
                    /// From raw bits, keeping unknown ones.
                    pub const fn from_bits_retain(bits: u8) -> Self {
                        Self { bits }
                    }
                    /// Whether no flag is set.
                    pub const fn is_empty(&self) -> bool {
                        self.bits == 0
                    }
                    /// Whether every flag of `other` is set.
                    pub const fn contains(&self, other: Self) -> bool {
                        self.bits & other.bits == other.bits
                    }
                    /// Whether any flag of `other` is set.
                    pub const fn intersects(&self, other: Self) -> bool {
                        self.bits & other.bits != 0
                    }
                    /// Sets the flags of `other`.
                    pub fn insert(&mut self, other: Self) {
                        self.bits |= other.bits;
                    }
                    /// Clears the flags of `other`.
                    pub fn remove(&mut self, other: Self) {
                        self.bits &= !other.bits;
                    }
                    /// Sets or clears the flags of `other`.
                    pub fn set(&mut self, other: Self, value: bool) {
                        if value { self.insert(other) } else { self.remove(other) }
                    }
                }
                impl ::core::ops::BitOr for Perms {
                    type Output = Self;
                    fn bitor(self, rhs: Self) -> Self {
                        Self { bits: self.bits | rhs.bits }
                    }
                }
                impl ::core::ops::BitAnd for Perms {
                    type Output = Self;
                    fn bitand(self, rhs: Self) -> Self {
                        Self { bits: self.bits & rhs.bits }
                    }
                }
                impl ::core::ops::BitXor for Perms {
                    type Output = Self;
                    fn bitxor(self, rhs: Self) -> Self {
                        Self { bits: self.bits ^ rhs.bits }
                    }
                }
                impl ::core::ops::Sub for Perms {
                    type Output = Self;
                    fn sub(self, rhs: Self) -> Self {
                        Self {
                            bits: self.bits & !rhs.bits,
                        }
                    }
                }
                impl ::core::ops::Not for Perms {
                    type Output = Self;
                    fn not(self) -> Self {
                        Self { bits: !self.bits } & Self::all()
                    }
                }
                impl ::core::ops::BitOrAssign for Perms {
                    fn bitor_assign(&mut self, rhs: Self) {
                        self.bits |= rhs.bits;
                    }
                }
                impl ::core::ops::BitAndAssign for Perms {
                    fn bitand_assign(&mut self, rhs: Self) {
                        self.bits &= rhs.bits;
                    }
                }
                impl ::core::fmt::Debug for Perms {
                    fn fmt(
                        &self,
                        f: &mut ::core::fmt::Formatter<'_>,
                    ) -> ::core::fmt::Result {
                        _rt::flags_debug(
                            f,
                            "Perms",
                            ::core::primitive::u32::from(self.bits),
                            &["READ", "WRITE", "EXEC"],
                        )
                    }
                }
                #[used]
                #[doc(hidden)]
                static __FORCE_SECTION_REF: fn() = super::super::super::super::__weft_world_snap_sync_sync::__weft_link_custom_section;
                #[doc(hidden)]
                pub unsafe fn _export_measure_cabi<T_: Guest>(
                    arg0: i32,
                    arg1: i32,
                    arg2: i32,
                    arg3: i32,
                    arg4: i32,
                    arg5: *mut u8,
                    arg6: usize,
                ) -> *mut u8 {
                    _rt::run_ctors_once();
                    unsafe {
                        let _v1 = match arg0 {
                            0 => Shape::Dot(Point { x: arg1, y: arg2 }),
                            1 => {
                                Shape::Line((
                                    Point { x: arg1, y: arg2 },
                                    Point { x: arg3, y: arg4 },
                                ))
                            }
                            2 => Shape::None,
                            _ => _rt::invalid_enum_discriminant(),
                        };
                        let _result6 = _rt::list_lift_each(
                            arg5,
                            arg6,
                            2 * _rt::PTR_SIZE,
                            _rt::PTR_ALIGN,
                            |_base1| {
                                let _l2 = _rt::ptr_load(_base1, 0);
                                let _l3 = _rt::len_load(_base1, _rt::PTR_SIZE);
                                _rt::string_lift(_l2, _l3)
                            },
                        );
                        let _result7 = T_::measure(_v1, _result6);
                        let _ptr8 = _rt::static_ret_area!(8 + 2 * _rt::PTR_SIZE);
                        match _result7 {
                            _rt::Ok(_payload1) => {
                                _rt::i32_store8(_ptr8, 0, 0i32);
                                _rt::i64_store(_ptr8, 8, _rt::as_i64(_payload1));
                            }
                            _rt::Err(_payload1) => {
                                _rt::i32_store8(_ptr8, 0, 1i32);
                                let (_ptr9, _len10) = _rt::vec_lower(
                                    (_payload1).into_bytes(),
                                );
                                _rt::len_store(_ptr8, 8 + _rt::PTR_SIZE, _len10);
                                _rt::ptr_store(_ptr8, 8, _ptr9);
                            }
                        }
                        _ptr8
                    }
                }
                #[doc(hidden)]
                pub unsafe fn __post_return_measure<T_: Guest>(arg0: *mut u8) {
                    unsafe {
                        let _l1 = _rt::i32_load8_u(arg0, 0);
                        match _l1 {
                            1 => {
                                let _l2 = _rt::ptr_load(arg0, 8);
                                let _l3 = _rt::len_load(arg0, 8 + _rt::PTR_SIZE);
                                _rt::dealloc(_l2, _l3, 1);
                            }
                            _ => {}
                        }
                    }
                }
                pub trait Guest {
                    fn measure(
                        s: Shape,
                        names: _rt::Vec<_rt::String>,
                    ) -> _rt::Result<u64, _rt::String>;
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
    use super::__weft_rt_snap_sync_sync as _rt;
    pub mod sync {
        use super::super::__weft_rt_snap_sync_sync as _rt;
        pub mod types {
            use super::super::super::__weft_rt_snap_sync_sync as _rt;
            #[derive(Clone, Copy)]
            #[repr(C)]
            pub struct Point {
                pub x: i32,
                pub y: i32,
            }
            _rt::debug_record!(Point { x, y });
            #[derive(Clone, Copy)]
            pub enum Shape {
                Dot(Point),
                Line((Point, Point)),
                None,
            }
            _rt::debug_cases!(Shape { Dot(e), Line(e), None });
            #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
            pub struct Perms {
                bits: u8,
            }
            impl Perms {
                pub const READ: Self = Self { bits: 1 << 0usize };
                pub const WRITE: Self = Self { bits: 1 << 1usize };
                pub const EXEC: Self = Self { bits: 1 << 2usize };
                /// No flags set.
                pub const fn empty() -> Self {
                    Self { bits: 0 }
                }
                /// Every flag set.
                pub const fn all() -> Self {
                    Self {
                        bits: 0 | Self::READ.bits | Self::WRITE.bits | Self::EXEC.bits,
                    }
                }
                /// The raw bits.
                pub const fn bits(&self) -> u8 {
                    self.bits
                }
                /// From raw bits, keeping unknown ones.
                pub const fn from_bits_retain(bits: u8) -> Self {
                    Self { bits }
                }
                /// Whether no flag is set.
                pub const fn is_empty(&self) -> bool {
                    self.bits == 0
                }
                /// Whether every flag of `other` is set.
                pub const fn contains(&self, other: Self) -> bool {
                    self.bits & other.bits == other.bits
                }
                /// Whether any flag of `other` is set.
                pub const fn intersects(&self, other: Self) -> bool {
                    self.bits & other.bits != 0
                }
                /// Sets the flags of `other`.
                pub fn insert(&mut self, other: Self) {
                    self.bits |= other.bits;
                }
                /// Clears the flags of `other`.
                pub fn remove(&mut self, other: Self) {
                    self.bits &= !other.bits;
                }
                /// Sets or clears the flags of `other`.
                pub fn set(&mut self, other: Self, value: bool) {
                    if value { self.insert(other) } else { self.remove(other) }
                }
            }
            impl ::core::ops::BitOr for Perms {
                type Output = Self;
                fn bitor(self, rhs: Self) -> Self {
                    Self { bits: self.bits | rhs.bits }
                }
            }
            impl ::core::ops::BitAnd for Perms {
                type Output = Self;
                fn bitand(self, rhs: Self) -> Self {
                    Self { bits: self.bits & rhs.bits }
                }
            }
            impl ::core::ops::BitXor for Perms {
                type Output = Self;
                fn bitxor(self, rhs: Self) -> Self {
                    Self { bits: self.bits ^ rhs.bits }
                }
            }
            impl ::core::ops::Sub for Perms {
                type Output = Self;
                fn sub(self, rhs: Self) -> Self {
                    Self {
                        bits: self.bits & !rhs.bits,
                    }
                }
            }
            impl ::core::ops::Not for Perms {
                type Output = Self;
                fn not(self) -> Self {
                    Self { bits: !self.bits } & Self::all()
                }
            }
            impl ::core::ops::BitOrAssign for Perms {
                fn bitor_assign(&mut self, rhs: Self) {
                    self.bits |= rhs.bits;
                }
            }
            impl ::core::ops::BitAndAssign for Perms {
                fn bitand_assign(&mut self, rhs: Self) {
                    self.bits &= rhs.bits;
                }
            }
            impl ::core::fmt::Debug for Perms {
                fn fmt(
                    &self,
                    f: &mut ::core::fmt::Formatter<'_>,
                ) -> ::core::fmt::Result {
                    _rt::flags_debug(
                        f,
                        "Perms",
                        ::core::primitive::u32::from(self.bits),
                        &["READ", "WRITE", "EXEC"],
                    )
                }
            }
            #[used]
            #[doc(hidden)]
            static __FORCE_SECTION_REF: fn() = super::super::super::__weft_world_snap_sync_sync::__weft_link_custom_section;
            pub fn measure(
                s: Shape,
                names: &'_ [_rt::String],
            ) -> _rt::Result<u64, _rt::String> {
                unsafe {
                    let _cleanup = &mut _rt::Cleanup::new();
                    let (_v9, _v10, _v11, _v12, _v13) = match &s {
                        Shape::Dot(_payload1) => {
                            let Point { x: _t1, y: _t2 } = _payload1;
                            (0i32, _rt::as_i32(_t1), _rt::as_i32(_t2), 0i32, 0i32)
                        }
                        Shape::Line(_payload1) => {
                            let (_t3, _t4) = _payload1;
                            let Point { x: _t5, y: _t6 } = _t3;
                            let Point { x: _t7, y: _t8 } = _t4;
                            (
                                1i32,
                                _rt::as_i32(_t5),
                                _rt::as_i32(_t6),
                                _rt::as_i32(_t7),
                                _rt::as_i32(_t8),
                            )
                        }
                        Shape::None => (2i32, 0i32, 0i32, 0i32, 0i32),
                    };
                    let (_result19, _len18) = _rt::list_lower_lend(
                        &(&names)[..],
                        2 * _rt::PTR_SIZE,
                        _rt::PTR_ALIGN,
                        _cleanup,
                        |_base1, _e1, _cleanup| {
                            let _vec16 = _e1;
                            let _ptr14 = _vec16.as_ptr().cast::<u8>().cast_mut();
                            let _len15 = _vec16.len();
                            _rt::len_store(_base1, _rt::PTR_SIZE, _len15);
                            _rt::ptr_store(_base1, 0, _ptr14);
                        },
                    );
                    let mut _area21 = _rt::RetArea::<{ 8 + 2 * _rt::PTR_SIZE }>::new();
                    let _ptr20 = _area21.ptr();
                    _rt::wit_import!(
                        "snap:sync/types", "measure", fn (i32, i32, i32, i32, i32, * mut
                        u8, usize, * mut u8)
                    );
                    __wit_import(_v9, _v10, _v11, _v12, _v13, _result19, _len18, _ptr20);
                    let _l22 = _rt::i32_load8_u(_ptr20, 0);
                    let _v26 = match _l22 {
                        0 => {
                            let _l23 = _rt::i64_load(_ptr20, 8);
                            _rt::Ok((_l23) as u64)
                        }
                        1 => {
                            let _l24 = _rt::ptr_load(_ptr20, 8);
                            let _l25 = _rt::len_load(_ptr20, 8 + _rt::PTR_SIZE);
                            _rt::Err(_rt::string_lift(_l24, _l25))
                        }
                        _ => _rt::invalid_enum_discriminant(),
                    };
                    _v26
                }
            }
        }
    }
}
