//! Conversions between [`Val`] and the Rust values the WASI behaviour uses.
//!
//! A guest can only reach these functions through imports the linker has
//! type-checked, so a mismatch here is a host bug or a linker bug; it is
//! still reported as an error rather than a panic.

use crate::wasi::ctx::IoError;
use crate::{ComponentValue, Error, Resource, Type, Val};

use crate::wasi::table::Rep;

/// Parameter `index`, or an error naming what was expected.
fn param<'a>(params: &'a [Val], index: usize, what: &str) -> Result<&'a Val, Error> {
    params
        .get(index)
        .ok_or_else(|| Error::msg(format!("WASI host: missing parameter {index} ({what})")))
}

fn mismatch(index: usize, what: &str, got: &Val) -> Error {
    Error::msg(format!(
        "WASI host: parameter {index} should be {what}, got {got:?}"
    ))
}

/// A resource parameter (own or borrow) of host type `R`.
pub fn rep<R: 'static>(params: &[Val], index: usize) -> Result<Rep<R>, Error> {
    match param(params, index, "a resource")? {
        Val::Resource(any) => Ok(Rep::from_u32(Resource::<R>::try_from_any(*any)?.rep())),
        other => Err(mismatch(index, "a resource", other)),
    }
}

/// A `u64` parameter.
pub fn u64_at(params: &[Val], index: usize) -> Result<u64, Error> {
    match param(params, index, "u64")? {
        Val::U64(v) => Ok(*v),
        other => Err(mismatch(index, "u64", other)),
    }
}

/// A `u8` parameter.
pub fn u8_at(params: &[Val], index: usize) -> Result<u8, Error> {
    match param(params, index, "u8")? {
        Val::U8(v) => Ok(*v),
        other => Err(mismatch(index, "u8", other)),
    }
}

/// A `string` parameter.
pub fn string_at(params: &[Val], index: usize) -> Result<&str, Error> {
    match param(params, index, "string")? {
        Val::String(s) => Ok(s),
        other => Err(mismatch(index, "string", other)),
    }
}

/// A `list<u8>` parameter.
pub fn bytes_at(params: &[Val], index: usize) -> Result<Vec<u8>, Error> {
    match param(params, index, "list<u8>")? {
        Val::List(items) => items
            .iter()
            .map(|v| match v {
                Val::U8(b) => Ok(*b),
                other => Err(mismatch(index, "list<u8>", other)),
            })
            .collect(),
        other => Err(mismatch(index, "list<u8>", other)),
    }
}

/// A `flags` parameter: the names of the flags that are set.
pub fn flags_at(params: &[Val], index: usize) -> Result<&[String], Error> {
    match param(params, index, "flags")? {
        Val::Flags(names) => Ok(names),
        other => Err(mismatch(index, "flags", other)),
    }
}

/// A `result` parameter without payloads: whether it is `ok`.
pub fn is_ok_at(params: &[Val], index: usize) -> Result<bool, Error> {
    match param(params, index, "result")? {
        Val::Result(r) => Ok(r.is_ok()),
        other => Err(mismatch(index, "result", other)),
    }
}

/// A `list<borrow<R>>` parameter.
pub fn reps_at<R: 'static>(params: &[Val], index: usize) -> Result<Vec<Rep<R>>, Error> {
    match param(params, index, "list of resources")? {
        Val::List(items) => (0..items.len()).map(|i| rep::<R>(items, i)).collect(),
        other => Err(mismatch(index, "list of resources", other)),
    }
}

/// An owned handle to a new host resource, to return to the guest.
pub fn own<R: 'static>(rep: Rep<R>) -> Val {
    Val::Resource(Resource::<R>::new_own(rep.as_u32()).into_any())
}

/// A `list<u8>` value.
pub fn bytes(data: Vec<u8>) -> Val {
    Val::List(data.into_iter().map(Val::U8).collect())
}

/// `ok(payload)`.
pub fn ok(payload: Option<Val>) -> Val {
    Val::Result(Ok(payload.map(Box::new)))
}

/// `err(payload)`.
pub fn err(payload: Option<Val>) -> Val {
    Val::Result(Err(payload.map(Box::new)))
}

/// `some(v)` or `none`.
pub fn option(value: Option<Val>) -> Val {
    Val::Option(value.map(Box::new))
}

/// A `datetime` record.
pub fn datetime((seconds, nanoseconds): (u64, u32)) -> Val {
    Val::Record(vec![
        ("seconds".into(), Val::U64(seconds)),
        ("nanoseconds".into(), Val::U32(nanoseconds)),
    ])
}

/// The representation behind a typed resource handle.
pub fn rep_of<R: 'static>(handle: Resource<R>) -> Rep<R> {
    Rep::from_u32(handle.rep())
}

/// An owned typed handle to a new host resource, to return to the guest.
pub fn own_of<R: 'static>(rep: Rep<R>) -> Resource<R> {
    Resource::new_own(rep.as_u32())
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
            other => Err(Error::msg(format!(
                "WASI host: expected a stream-error, got {other:?}"
            ))),
        }
    }

    fn describe() -> String {
        "stream-error".into()
    }
}
