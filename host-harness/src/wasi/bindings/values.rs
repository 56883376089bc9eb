//! The WIT values of the WASI interfaces as Rust types, so that every WASI
//! host function is a typed [`func_wrap`](crate::LinkerInstance::func_wrap)
//! closure: its Rust types are checked against the guest's import when the
//! guest is instantiated, and its arguments arrive as Rust values.
//!
//! Records, flags and enums are declared with the three macros below,
//! which implement [`ComponentValue`] from the WIT names of their fields,
//! flags or cases, both through [`Val`] and directly between guest memory
//! and the Rust value (so a guest's call never builds a `Val`); the
//! interfaces' own types sit beside the interface that defines them
//! (`fs_values` for `wasi:filesystem`).

use crate::abi::Cx;
use crate::engine::CoreVal;
use crate::wasi::ctx::IoError;
use crate::{CallError, ComponentValue, Error, Resource, Type, Val};

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

/// The error for a direct lift or lower at a type that the link-time check
/// should have ruled out.
pub(super) fn wrong_type<V>(what: &str, ty: &Type) -> Result<V, Error> {
    Err(CallError::TypeMismatch(format!("`{what}` cannot stand for `{}`", ty.describe())).into())
}

/// The field types of the record type `ty`, each with its offset in memory.
pub(super) fn record_layout<'t, D>(
    cx: &Cx<'_, D>,
    ty: &'t Type,
    what: &str,
) -> Result<std::vec::IntoIter<(&'t Type, u64)>, Error> {
    let Type::Record(fields) = ty else {
        return wrong_type(what, ty);
    };
    let offsets = crate::abi::layout::field_offsets(ty, cx.ptr64());
    let laid: Vec<(&Type, u64)> = fields
        .iter()
        .zip(offsets)
        .map(|((_, t), o)| (t, u64::from(o)))
        .collect();
    Ok(laid.into_iter())
}

/// The next field of a record type (from [`record_layout`]).
pub(super) fn next_layout<'t>(
    fields: &mut std::vec::IntoIter<(&'t Type, u64)>,
    what: &str,
) -> Result<(&'t Type, u64), Error> {
    fields
        .next()
        .ok_or_else(|| CallError::TypeMismatch(format!("too few fields for `{what}`")).into())
}

/// The flag names of the flags type `ty` and its number of bit words.
pub(super) fn flag_names<'t>(ty: &'t Type, what: &str) -> Result<(&'t [String], usize), Error> {
    match ty {
        Type::Flags(names) => Ok((names, names.len().div_ceil(32))),
        other => wrong_type(what, other),
    }
}

/// Whether flag `name` is set in `words`, the bits of a value of the flags
/// type with flags `names`.
pub(super) fn flag_is_set(names: &[String], words: &[u32], name: &str) -> bool {
    names
        .iter()
        .position(|n| n == name)
        .is_some_and(|i| words.get(i / 32).is_some_and(|w| w & (1 << (i % 32)) != 0))
}

/// Sets flag `name` in `words`, sized for the flags `names`.
pub(super) fn set_flag(names: &[String], words: &mut [u32], name: &str) {
    if let Some(i) = names.iter().position(|n| n == name)
        && let Some(w) = words.get_mut(i / 32)
    {
        *w |= 1 << (i % 32);
    }
}

/// The Rust case at discriminant `disc`, which the ABI has already checked
/// against the type's case count.
pub(super) fn enum_case<E: Copy>(cases: &[E], disc: usize, what: &str) -> Result<E, Error> {
    cases
        .get(disc)
        .copied()
        .ok_or_else(|| CallError::TypeMismatch(format!("`{what}` has no case {disc}")).into())
}

/// The flat core values a direct lower appends to.
pub(super) type Flat = Vec<CoreVal>;

/// Implements [`ComponentValue`] for a struct standing for a WIT record:
/// each Rust field with its WIT name, in WIT order.
macro_rules! wit_record {
    ($rust:ident, $wit:literal { $($field:ident: $name:literal),* $(,)? }) => {
        #[allow(
            private_interfaces,
            reason = "the direct-ABI methods name crate-private types; see `ComponentValue`"
        )]
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
            fn lift_flat<D>(
                cx: &mut $crate::abi::Cx<'_, D>,
                src: &mut $crate::abi::FlatIter<'_>,
                ty: &$crate::Type,
            ) -> Result<Self, $crate::Error> {
                let mut fields = $crate::wasi::bindings::values::record_layout(cx, ty, $wit)?;
                Ok(Self {
                    $($field: {
                        let (t, _) = $crate::wasi::bindings::values::next_layout(&mut fields, $wit)?;
                        $crate::ComponentValue::lift_flat(cx, src, t)?
                    },)*
                })
            }
            fn load<D>(
                cx: &mut $crate::abi::Cx<'_, D>,
                ptr: u64,
                ty: &$crate::Type,
            ) -> Result<Self, $crate::Error> {
                let mut fields = $crate::wasi::bindings::values::record_layout(cx, ty, $wit)?;
                Ok(Self {
                    $($field: {
                        let (t, at) = $crate::wasi::bindings::values::next_layout(&mut fields, $wit)?;
                        $crate::ComponentValue::load(cx, ptr + at, t)?
                    },)*
                })
            }
            fn lower_flat<D>(
                self,
                cx: &mut $crate::abi::Cx<'_, D>,
                ty: &$crate::Type,
                out: &mut $crate::wasi::bindings::values::Flat,
            ) -> Result<(), $crate::Error> {
                let mut fields = $crate::wasi::bindings::values::record_layout(cx, ty, $wit)?;
                $(
                    let (t, _) = $crate::wasi::bindings::values::next_layout(&mut fields, $wit)?;
                    $crate::ComponentValue::lower_flat(self.$field, cx, t, out)?;
                )*
                Ok(())
            }
            fn store<D>(
                self,
                cx: &mut $crate::abi::Cx<'_, D>,
                ty: &$crate::Type,
                ptr: u64,
            ) -> Result<(), $crate::Error> {
                let mut fields = $crate::wasi::bindings::values::record_layout(cx, ty, $wit)?;
                $(
                    let (t, at) = $crate::wasi::bindings::values::next_layout(&mut fields, $wit)?;
                    $crate::ComponentValue::store(self.$field, cx, t, ptr + at)?;
                )*
                Ok(())
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
        #[allow(
            private_interfaces,
            reason = "the direct-ABI methods name crate-private types; see `ComponentValue`"
        )]
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
            fn lift_flat<D>(
                _: &mut $crate::abi::Cx<'_, D>,
                src: &mut $crate::abi::FlatIter<'_>,
                ty: &$crate::Type,
            ) -> Result<Self, $crate::Error> {
                let (names, n) = $crate::wasi::bindings::values::flag_names(ty, $wit)?;
                let words = (0..n)
                    .map(|_| Ok(src.i32()? as u32))
                    .collect::<Result<Vec<u32>, $crate::Error>>()?;
                Ok(Self { $($field: $crate::wasi::bindings::values::flag_is_set(names, &words, $name)),* })
            }
            fn load<D>(
                cx: &mut $crate::abi::Cx<'_, D>,
                ptr: u64,
                ty: &$crate::Type,
            ) -> Result<Self, $crate::Error> {
                let (names, _) = $crate::wasi::bindings::values::flag_names(ty, $wit)?;
                let words = $crate::abi::load_flag_words(cx, ptr, ty)?;
                Ok(Self { $($field: $crate::wasi::bindings::values::flag_is_set(names, &words, $name)),* })
            }
            fn lower_flat<D>(
                self,
                _: &mut $crate::abi::Cx<'_, D>,
                ty: &$crate::Type,
                out: &mut $crate::wasi::bindings::values::Flat,
            ) -> Result<(), $crate::Error> {
                let (names, n) = $crate::wasi::bindings::values::flag_names(ty, $wit)?;
                let mut words = vec![0u32; n];
                $(if self.$field {
                    $crate::wasi::bindings::values::set_flag(names, &mut words, $name);
                })*
                out.extend(words.into_iter().map(|w| $crate::engine::CoreVal::I32(w as i32)));
                Ok(())
            }
            fn store<D>(
                self,
                cx: &mut $crate::abi::Cx<'_, D>,
                ty: &$crate::Type,
                ptr: u64,
            ) -> Result<(), $crate::Error> {
                let (names, n) = $crate::wasi::bindings::values::flag_names(ty, $wit)?;
                let mut words = vec![0u32; n];
                $(if self.$field {
                    $crate::wasi::bindings::values::set_flag(names, &mut words, $name);
                })*
                $crate::abi::store_flag_words(cx, ty, &words, ptr)
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
        #[allow(
            private_interfaces,
            reason = "the direct-ABI methods name crate-private types; see `ComponentValue`"
        )]
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
            fn lift_flat<D>(
                cx: &mut $crate::abi::Cx<'_, D>,
                src: &mut $crate::abi::FlatIter<'_>,
                ty: &$crate::Type,
            ) -> Result<Self, $crate::Error> {
                let (disc, _, _) = $crate::abi::flat_case(cx, src, ty)?;
                $crate::wasi::bindings::values::enum_case(&[$($rust::$case),*], disc, $wit)
            }
            fn load<D>(
                cx: &mut $crate::abi::Cx<'_, D>,
                ptr: u64,
                ty: &$crate::Type,
            ) -> Result<Self, $crate::Error> {
                let (disc, _, _) = $crate::abi::load_case(cx, ptr, ty)?;
                $crate::wasi::bindings::values::enum_case(&[$($rust::$case),*], disc, $wit)
            }
            fn lower_flat<D>(
                self,
                cx: &mut $crate::abi::Cx<'_, D>,
                ty: &$crate::Type,
                out: &mut $crate::wasi::bindings::values::Flat,
            ) -> Result<(), $crate::Error> {
                $crate::abi::push_case(ty, cx.ptr64(), self.case_index(), &[], out);
                Ok(())
            }
            fn store<D>(
                self,
                cx: &mut $crate::abi::Cx<'_, D>,
                ty: &$crate::Type,
                ptr: u64,
            ) -> Result<(), $crate::Error> {
                $crate::abi::store_case(cx, ty, self.case_index(), ptr).map(drop)
            }
        }

        impl $rust {
            /// The case's index in the WIT enum.
            fn case_index(self) -> usize {
                let name = self.wit_name();
                [$($rust::$case),*].iter().position(|c| c.wit_name() == name).unwrap_or(0)
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
