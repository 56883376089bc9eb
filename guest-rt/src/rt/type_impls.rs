//! The trait impls and hidden helpers every generated type gets, written
//! once here as macros instead of spelled out in every binding.
//!
//! `bindgen!` runs on every build of a guest crate, and outside a compiler
//! (tests, tools) every token it emits is a heap allocation, so the
//! boilerplate of a type (its `Debug` match, an enum's `_lift` table, an
//! error type's `Display`) costs expansion time in proportion to its
//! length. A call of one of these macros names the type and its cases
//! once; the text they print is exactly what the spelled-out impls
//! printed (wit-bindgen's), so guests behave the same with either
//! generator.

/// `Debug` for a variant: `Name::Case`, then the payload of a case that
/// has one (written `Case(e)`, `e` naming it), as a tuple field.
///
/// ```
/// enum Shape<'a> { Dot, Label(&'a str) }
/// weft::rt::debug_cases!(Shape<'a> { Dot, Label(e) });
/// assert_eq!(format!("{:?}", Shape::Label("x")), "Shape::Label(\"x\")");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __weft_debug_cases {
    ($name:ident $(<$($lt:lifetime),+>)? { $($case:ident $(($e:ident))?),* $(,)? }) => {
        impl $(<$($lt),+>)? ::core::fmt::Debug for $name $(<$($lt),+>)? {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    $($name::$case $(($e))? => f
                        .debug_tuple(::core::concat!(
                            ::core::stringify!($name), "::", ::core::stringify!($case)
                        ))
                        $(.field($e))?
                        .finish(),)*
                }
            }
        }
    };
}

pub use crate::__weft_debug_cases as debug_cases;

/// `Debug` for a record: `Name { wit-name: value, .. }`. A field whose
/// WIT name differs from its Rust name is written `field: "wit-name"`.
///
/// ```
/// struct Point { x_pos: i32, y: i32 }
/// weft::rt::debug_record!(Point { x_pos: "x-pos", y });
/// assert_eq!(format!("{:?}", Point { x_pos: 1, y: 2 }), "Point { x-pos: 1, y: 2 }");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __weft_debug_record {
    ($name:ident $(<$($lt:lifetime),+>)? { $($field:ident $(: $wit:literal)?),* $(,)? }) => {
        impl $(<$($lt),+>)? ::core::fmt::Debug for $name $(<$($lt),+>)? {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(::core::stringify!($name))
                    $(.field($crate::__weft_debug_record!(@label $field $($wit)?), &self.$field))*
                    .finish()
            }
        }
    };
    (@label $field:ident) => { ::core::stringify!($field) };
    (@label $field:ident $wit:literal) => { $wit };
}

pub use crate::__weft_debug_record as debug_record;

/// `Display` (the `Debug` text) and `core::error::Error` for a record or
/// variant used as an error type; attributes before the type (the
/// `std_feature` cfg) apply to the `Error` impl.
///
/// ```
/// #[derive(Debug)]
/// struct Oops;
/// weft::rt::error_impls!(Oops);
/// assert_eq!(Oops.to_string(), "Oops");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __weft_error_impls {
    ($(#[$attr:meta])* $name:ident $(<$($lt:lifetime),+>)?) => {
        impl $(<$($lt),+>)? ::core::fmt::Display for $name $(<$($lt),+>)? {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::write!(f, "{:?}", self)
            }
        }
        $(#[$attr])*
        impl $(<$($lt),+>)? ::core::error::Error for $name $(<$($lt),+>)? {}
    };
}

pub use crate::__weft_error_impls as error_impls;

/// The hidden `_lower` and `_lift` of a WIT enum (whose discriminants
/// are the canonical ABI's) and its `Debug` (`Name::Case`).
///
/// ```
/// #[derive(Clone, Copy, PartialEq)]
/// #[repr(u8)]
/// enum Level { Low, High }
/// weft::rt::enum_impls!(Level { Low, High });
/// assert!(Level::_lift(1) == Level::High);
/// assert_eq!(Level::High._lower(), 1);
/// assert_eq!(format!("{:?}", Level::Low), "Level::Low");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __weft_enum_impls {
    ($name:ident { $($case:ident),+ $(,)? }) => {
        $crate::__weft_enum_impls!(@abi $name { $($case),+ });
        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(match self {
                    $($name::$case => ::core::concat!(
                        ::core::stringify!($name), "::", ::core::stringify!($case)
                    ),)+
                })
            }
        }
    };
    (@abi $name:ident { $($case:ident),+ }) => {
        impl $name {
            #[doc(hidden)]
            pub fn _lower(&self) -> i32 {
                *self as i32
            }

            #[doc(hidden)]
            pub fn _lift(val: u32) -> $name {
                // A compare per case, not a lookup table: LLVM folds the
                // chain into one range check and a truncation, as it does a
                // `match` on the discriminants, where a table would be
                // data and a load.
                $(if val == $name::$case as u32 {
                    return $name::$case;
                })+
                $crate::rt::invalid_enum_discriminant()
            }
        }
    };
}

pub use crate::__weft_enum_impls as enum_impls;

/// For a WIT enum used as an error type: its `_lower`/`_lift`, `name()`
/// (the WIT case name) and `message()` (the case's docs), a `Debug`
/// showing code, name and message, `Display` as `name (error code)`, and
/// `Error` (under the attributes given before the type, if any). Each
/// case is written `Case = "wit-name" "docs"`.
///
/// ```
/// #[derive(Clone, Copy, PartialEq)]
/// #[repr(u8)]
/// enum Errno { Busy }
/// weft::rt::error_enum!(Errno { Busy = "busy" "Try again." });
/// assert_eq!(Errno::Busy.to_string(), "busy (error 0)");
/// assert_eq!(Errno::Busy.message(), "Try again.");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __weft_error_enum {
    ($(#[$attr:meta])* $name:ident { $($case:ident = $wit:literal $docs:literal),+ $(,)? }) => {
        $crate::__weft_enum_impls!(@abi $name { $($case),+ });
        impl $name {
            /// The WIT name of this case.
            pub fn name(&self) -> &'static str {
                match self { $($name::$case => $wit,)+ }
            }
            /// The WIT documentation of this case.
            pub fn message(&self) -> &'static str {
                match self { $($name::$case => $docs,)+ }
            }
        }
        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(::core::stringify!($name))
                    .field("code", &(*self as i32))
                    .field("name", &self.name())
                    .field("message", &self.message())
                    .finish()
            }
        }
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::write!(f, "{} (error {})", self.name(), *self as i32)
            }
        }
        $(#[$attr])*
        impl ::core::error::Error for $name {}
    };
}

pub use crate::__weft_error_enum as error_enum;

#[cfg(test)]
mod tests {
    use super::{debug_cases, debug_record, enum_impls, error_enum, error_impls};
    use std::format;
    use std::string::{String, ToString};

    // The expected texts are what the impls these macros replace printed
    // (`debug_tuple`/`debug_struct` calls spelled out per type).

    #[derive(Clone)]
    #[allow(dead_code, reason = "only printed")]
    enum V1<'a> {
        A,
        C(u8),
        D(&'a str),
    }
    debug_cases!(V1<'a> { A, C(e), D(e) });

    #[test]
    fn variant_cases_print_their_path_and_payload() {
        assert_eq!(format!("{:?}", V1::A), "V1::A");
        assert_eq!(format!("{:?}", V1::C(3)), "V1::C(3)");
        assert_eq!(format!("{:?}", V1::D("x")), "V1::D(\"x\")");
        assert_eq!(format!("{:#?}", V1::C(3)), "V1::C(\n    3,\n)");
    }

    struct Empty {
        not_empty_anymore: bool,
        v1: u32,
    }
    debug_record!(Empty {
        not_empty_anymore: "not-empty-anymore",
        v1
    });

    #[test]
    fn records_print_wit_field_names() {
        let e = Empty {
            not_empty_anymore: true,
            v1: 7,
        };
        assert_eq!(format!("{e:?}"), "Empty { not-empty-anymore: true, v1: 7 }");
        assert_eq!(
            format!("{e:#?}"),
            "Empty {\n    not-empty-anymore: true,\n    v1: 7,\n}"
        );
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    #[repr(u8)]
    enum E {
        First,
        Second,
        Third,
    }
    enum_impls!(E {
        First,
        Second,
        Third
    });

    #[test]
    fn enums_lift_by_index_and_print_their_path() {
        for (i, case) in [E::First, E::Second, E::Third].into_iter().enumerate() {
            assert!(E::_lift(i as u32) == case);
            assert_eq!(case._lower(), i as i32);
        }
        assert_eq!(format!("{:?}", E::Second), "E::Second");
        assert!(std::panic::catch_unwind(|| E::_lift(3)).is_err());
        assert!(std::panic::catch_unwind(|| E::_lift(u32::MAX)).is_err());
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    #[repr(u8)]
    enum MyErrno {
        Bad1,
        Bad2,
    }
    error_enum!(#[cfg(all())] MyErrno { Bad1 = "bad1" "", Bad2 = "bad2" "Worse." });

    #[test]
    fn error_enums_print_code_name_and_message() {
        assert_eq!(MyErrno::Bad2.name(), "bad2");
        assert_eq!(MyErrno::Bad2.message(), "Worse.");
        assert_eq!(
            format!("{:?}", MyErrno::Bad2),
            "MyErrno { code: 1, name: \"bad2\", message: \"Worse.\" }"
        );
        assert_eq!(MyErrno::Bad1.to_string(), "bad1 (error 0)");
        assert!(MyErrno::_lift(1) == MyErrno::Bad2);
        let _: &dyn core::error::Error = &MyErrno::Bad1;
    }

    struct Failure<'a> {
        why: &'a str,
    }
    debug_record!(Failure<'a> { why });
    error_impls!(Failure<'a>);

    #[test]
    fn error_records_display_their_debug_text() {
        let f = Failure { why: "no" };
        assert_eq!(f.to_string(), "Failure { why: \"no\" }");
        let e: &dyn core::error::Error = &f;
        assert_eq!(e.to_string(), String::from("Failure { why: \"no\" }"));
    }
}
