//! Conversions between script values (`wast`'s `WastVal`) and [`Val`].

use wast::component::WastVal;
use wast::{WastArg, WastRet};

use crate::{Error, Val};

pub(super) fn arg(a: &WastArg<'_>) -> Result<Val, Error> {
    match a {
        WastArg::Component(v) => Ok(val(v)),
        _ => Err(Error::msg("core arguments cannot be passed to a component")),
    }
}

fn boxed(v: &Option<Box<WastVal<'_>>>) -> Option<Box<Val>> {
    v.as_ref().map(|v| Box::new(val(v)))
}

fn val(v: &WastVal<'_>) -> Val {
    match v {
        WastVal::Bool(b) => Val::Bool(*b),
        WastVal::U8(x) => Val::U8(*x),
        WastVal::S8(x) => Val::S8(*x),
        WastVal::U16(x) => Val::U16(*x),
        WastVal::S16(x) => Val::S16(*x),
        WastVal::U32(x) => Val::U32(*x),
        WastVal::S32(x) => Val::S32(*x),
        WastVal::U64(x) => Val::U64(*x),
        WastVal::S64(x) => Val::S64(*x),
        WastVal::F32(f) => Val::Float32(f32::from_bits(f.bits)),
        WastVal::F64(f) => Val::Float64(f64::from_bits(f.bits)),
        WastVal::Char(c) => Val::Char(*c),
        WastVal::String(s) => Val::String(s.to_string()),
        WastVal::List(vs) => Val::List(vs.iter().map(val).collect()),
        WastVal::Record(fs) => {
            Val::Record(fs.iter().map(|(n, v)| (n.to_string(), val(v))).collect())
        }
        WastVal::Tuple(vs) => Val::Tuple(vs.iter().map(val).collect()),
        WastVal::Variant(n, p) => Val::Variant(n.to_string(), boxed(p)),
        WastVal::Enum(n) => Val::Enum(n.to_string()),
        WastVal::Option(v) => Val::Option(boxed(v)),
        WastVal::Result(Ok(v)) => Val::Result(Ok(boxed(v))),
        WastVal::Result(Err(v)) => Val::Result(Err(boxed(v))),
        WastVal::Flags(fs) => Val::Flags(fs.iter().map(|f| f.to_string()).collect()),
    }
}

/// Equality with NaNs equal to each other (results are canonicalised) and
/// flags compared as sets.
fn same(got: &Val, want: &Val) -> bool {
    match (got, want) {
        (Val::Float32(a), Val::Float32(b)) => {
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
        }
        (Val::Float64(a), Val::Float64(b)) => {
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
        }
        (Val::List(a), Val::List(b)) | (Val::Tuple(a), Val::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Val::Record(a), Val::Record(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0 && same(&x.1, &y.1))
        }
        (Val::Variant(n, a), Val::Variant(m, b)) => n == m && same_opt(a, b),
        (Val::Option(a), Val::Option(b)) => same_opt(a, b),
        (Val::Result(Ok(a)), Val::Result(Ok(b))) | (Val::Result(Err(a)), Val::Result(Err(b))) => {
            same_opt(a, b)
        }
        (Val::Flags(a), Val::Flags(b)) => {
            let mut a = a.clone();
            let mut b = b.clone();
            a.sort();
            b.sort();
            a == b
        }
        _ => got == want,
    }
}

fn same_opt(a: &Option<Box<Val>>, b: &Option<Box<Val>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        _ => false,
    }
}

pub(super) fn check_results(got: &[Val], want: &[WastRet<'_>]) -> Result<(), String> {
    let want: Vec<Val> = want
        .iter()
        .map(|r| match r {
            WastRet::Component(v) => Ok(val(v)),
            _ => Err("core results cannot be compared with component results".to_string()),
        })
        .collect::<Result<_, _>>()?;
    if got.len() == want.len() && got.iter().zip(&want).all(|(g, w)| same(g, w)) {
        Ok(())
    } else {
        Err(format!("expected {want:?}, got {got:?}"))
    }
}
