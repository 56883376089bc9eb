//! The WIT values of the WASI interfaces as Rust types, so that every WASI
//! host function is a typed [`func_wrap`](crate::LinkerInstance::func_wrap)
//! closure: its Rust types are checked against the guest's import when the
//! guest is instantiated, and its arguments arrive as Rust values.
//!
//! Records, flags and enums are declared with the three macros below,
//! which implement [`ComponentValue`] from the WIT names of their fields,
//! flags or cases; the interfaces' own types sit beside the interface that
//! defines them (`fs_values` for `wasi:filesystem`).

use crate::wasi::ctx::IoError;
use crate::{ComponentValue, Error, Resource, Type, Val};

use crate::wasi::table::Rep;

/// The representation behind a typed resource handle.
pub fn rep_of<R: 'static>(handle: Resource<R>) -> Rep<R> {
    Rep::from_u32(handle.rep())
}

/// An owned typed handle to a new host resource, to return to the guest.
pub fn own_of<R: 'static>(rep: Rep<R>) -> Resource<R> {
    Resource::new_own(rep.as_u32())
}

/// The error for a WASI value of the wrong shape. The linker has checked
/// every import's type, so this is a host bug, reported rather than a panic.
pub(super) fn bad_value(what: &str, got: &Val) -> Error {
    Error::msg(format!("WASI host: expected a `{what}`, got {got:?}"))
}

/// Whether the field `get` of a record of Rust type `S` has component type
/// `ty`: lets [`wit_record!`] typecheck a field whose Rust type it cannot
/// name.
pub(super) fn field_matches<S, F: ComponentValue>(_get: fn(&S) -> &F, ty: &Type) -> bool {
    F::typecheck(ty)
}

/// The next field of a record value, checked to be called `name`.
pub(super) fn next_field<F: ComponentValue>(
    fields: &mut std::vec::IntoIter<(String, Val)>,
    name: &str,
    record: &str,
) -> Result<F, Error> {
    match fields.next() {
        Some((n, v)) if n == name => F::from_val(v),
        other => Err(Error::msg(format!(
            "WASI host: `{record}` should have the field `{name}` here, got {other:?}"
        ))),
    }
}

/// Implements [`ComponentValue`] for a struct standing for a WIT record:
/// each Rust field with its WIT name, in WIT order.
macro_rules! wit_record {
    ($rust:ident, $wit:literal { $($field:ident: $name:literal),* $(,)? }) => {
        impl $crate::ComponentValue for $rust {
            fn typecheck(ty: &$crate::Type) -> bool {
                let $crate::Type::Record(fields) = ty else { return false };
                let mut it = fields.iter();
                $(let ok = it.next().is_some_and(|(n, t)| {
                    n == $name && $crate::wasi::bindings::values::field_matches(|s: &$rust| &s.$field, t)
                });
                if !ok { return false; })*
                it.next().is_none()
            }
            fn into_val(self) -> $crate::Val {
                $crate::Val::Record(vec![$(($name.into(), $crate::ComponentValue::into_val(self.$field))),*])
            }
            fn from_val(val: $crate::Val) -> Result<Self, $crate::Error> {
                let $crate::Val::Record(fields) = val else {
                    return Err($crate::wasi::bindings::values::bad_value($wit, &val));
                };
                let mut it = fields.into_iter();
                Ok(Self {
                    $($field: $crate::wasi::bindings::values::next_field(&mut it, $name, $wit)?,)*
                })
            }
            fn describe() -> String {
                $wit.into()
            }
        }
    };
}
pub(super) use wit_record;

/// Implements [`ComponentValue`] for a struct of `bool`s standing for a WIT
/// `flags` type. The import's type may have more flags than the struct
/// (the host honours a subset): those are ignored when lifting and never
/// set when lowering.
macro_rules! wit_flags {
    ($rust:ty, $wit:literal { $($field:ident: $name:literal),* $(,)? }) => {
        impl $crate::ComponentValue for $rust {
            fn typecheck(ty: &$crate::Type) -> bool {
                matches!(ty, $crate::Type::Flags(names)
                    if [$($name),*].iter().all(|f| names.iter().any(|n| n == f)))
            }
            fn into_val(self) -> $crate::Val {
                let set = [$((self.$field, $name)),*];
                $crate::Val::Flags(
                    set.into_iter().filter(|(on, _)| *on).map(|(_, n)| n.to_string()).collect(),
                )
            }
            fn from_val(val: $crate::Val) -> Result<Self, $crate::Error> {
                let $crate::Val::Flags(set) = val else {
                    return Err($crate::wasi::bindings::values::bad_value($wit, &val));
                };
                let has = |name: &str| set.iter().any(|n| n == name);
                Ok(Self { $($field: has($name)),* })
            }
            fn describe() -> String {
                $wit.into()
            }
        }
    };
}
pub(super) use wit_flags;

/// Implements [`ComponentValue`] for a Rust enum standing for a WIT `enum`
/// with a `wit_name` method: every case, in WIT order, which the import's
/// type must list exactly.
macro_rules! wit_enum {
    ($rust:ident, $wit:literal { $($case:ident),* $(,)? }) => {
        impl $crate::ComponentValue for $rust {
            fn typecheck(ty: &$crate::Type) -> bool {
                let ours = [$($rust::$case.wit_name()),*];
                matches!(ty, $crate::Type::Enum(names)
                    if names.len() == ours.len() && names.iter().zip(ours).all(|(n, o)| n == o))
            }
            fn into_val(self) -> $crate::Val {
                $crate::Val::Enum(self.wit_name().into())
            }
            fn from_val(val: $crate::Val) -> Result<Self, $crate::Error> {
                if let $crate::Val::Enum(name) = &val {
                    for case in [$($rust::$case),*] {
                        if case.wit_name() == name {
                            return Ok(case);
                        }
                    }
                }
                Err($crate::wasi::bindings::values::bad_value($wit, &val))
            }
            fn describe() -> String {
                $wit.into()
            }
        }
    };
}
pub(super) use wit_enum;

/// `wasi:clocks/wall-clock.datetime` (also used by `wasi:filesystem`).
pub(super) struct Datetime {
    pub(super) seconds: u64,
    pub(super) nanoseconds: u32,
}

wit_record!(Datetime, "datetime" {
    seconds: "seconds",
    nanoseconds: "nanoseconds",
});

impl From<(u64, u32)> for Datetime {
    fn from((seconds, nanoseconds): (u64, u32)) -> Self {
        Self {
            seconds,
            nanoseconds,
        }
    }
}

/// `wasi:io/streams.stream-error`, as the typed stream functions return it.
pub enum WasiStreamError {
    /// `last-operation-failed(error)`.
    LastOperationFailed(Resource<IoError>),
    /// `closed`.
    Closed,
}

const LAST_OPERATION_FAILED: &str = "last-operation-failed";
const CLOSED: &str = "closed";

impl ComponentValue for WasiStreamError {
    fn typecheck(ty: &Type) -> bool {
        match ty {
            Type::Variant(cases) => match &cases[..] {
                [(failed, Some(error)), (closed, None)] => {
                    failed == LAST_OPERATION_FAILED
                        && closed == CLOSED
                        && <Resource<IoError> as ComponentValue>::typecheck(error)
                }
                _ => false,
            },
            _ => false,
        }
    }

    fn into_val(self) -> Val {
        match self {
            Self::LastOperationFailed(error) => Val::Variant(
                LAST_OPERATION_FAILED.into(),
                Some(Box::new(error.into_val())),
            ),
            Self::Closed => Val::Variant(CLOSED.into(), None),
        }
    }

    fn from_val(val: Val) -> Result<Self, Error> {
        match val {
            Val::Variant(case, Some(error)) if case == LAST_OPERATION_FAILED => {
                Ok(Self::LastOperationFailed(Resource::from_val(*error)?))
            }
            Val::Variant(case, None) if case == CLOSED => Ok(Self::Closed),
            other => Err(bad_value("stream-error", &other)),
        }
    }

    fn describe() -> String {
        "stream-error".into()
    }
}
