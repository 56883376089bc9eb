//! Arguments for any exported function, generated from its type.
//!
//! The component fuzzer calls every export of what it instantiates; the
//! arguments lean towards edge values (zero, extremes, NaN, empty and
//! non-ASCII strings) because that is where lifting and lowering break.
//! Handles and async values cannot be made up by the host, so a function
//! taking them is reported as not callable rather than called with garbage.

use rand::RngExt;
use rand::rngs::SmallRng;
use weft_harness::{Type, Val};

/// Arguments for parameters `params`, or `None` if one of them is a type the
/// host cannot invent a value of (a resource handle, a future, a stream or
/// an error-context).
pub fn arguments(rng: &mut SmallRng, params: &[(String, Type)]) -> Option<Vec<Val>> {
    params.iter().map(|(_, ty)| value(rng, ty, 0)).collect()
}

/// How deep values nest before every list is empty and every option `none`.
const MAX_DEPTH: u32 = 4;

/// A value of type `ty`.
pub fn value(rng: &mut SmallRng, ty: &Type, depth: u32) -> Option<Val> {
    let shallow = depth >= MAX_DEPTH;
    Some(match ty {
        Type::Bool => Val::Bool(rng.random()),
        Type::S8 => Val::S8(edge(rng, &[0, i8::MIN, i8::MAX, -1], |r| r.random())),
        Type::U8 => Val::U8(edge(rng, &[0, u8::MAX], |r| r.random())),
        Type::S16 => Val::S16(edge(rng, &[0, i16::MIN, i16::MAX, -1], |r| r.random())),
        Type::U16 => Val::U16(edge(rng, &[0, u16::MAX], |r| r.random())),
        Type::S32 => Val::S32(edge(rng, &[0, i32::MIN, i32::MAX, -1], |r| r.random())),
        Type::U32 => Val::U32(edge(rng, &[0, u32::MAX, 1 << 31], |r| r.random())),
        Type::S64 => Val::S64(edge(rng, &[0, i64::MIN, i64::MAX, -1], |r| r.random())),
        Type::U64 => Val::U64(edge(rng, &[0, u64::MAX], |r| r.random())),
        Type::F32 => Val::Float32(edge(
            rng,
            &[0.0, -0.0, f32::NAN, f32::INFINITY, f32::MIN],
            |r| r.random(),
        )),
        Type::F64 => Val::Float64(edge(
            rng,
            &[0.0, -0.0, f64::NAN, f64::NEG_INFINITY, f64::MAX],
            |r| r.random(),
        )),
        Type::Char => Val::Char(edge(rng, &['\0', 'a', '\u{10FFFF}', '☃'], |r| r.random())),
        Type::String => Val::String(string(rng)),
        Type::List(elem) => {
            let len = if shallow { 0 } else { length(rng) };
            Val::List(
                (0..len)
                    .map(|_| value(rng, elem, depth + 1))
                    .collect::<Option<_>>()?,
            )
        }
        Type::FixedList(elem, len) => Val::List(
            (0..*len)
                .map(|_| value(rng, elem, depth + 1))
                .collect::<Option<_>>()?,
        ),
        Type::Map(k, v) => {
            let len = if shallow { 0 } else { length(rng) };
            Val::List(
                (0..len)
                    .map(|_| {
                        Some(Val::Tuple(vec![
                            value(rng, k, depth + 1)?,
                            value(rng, v, depth + 1)?,
                        ]))
                    })
                    .collect::<Option<_>>()?,
            )
        }
        Type::Record(fields) => Val::Record(
            fields
                .iter()
                .map(|(n, t)| Some((n.clone(), value(rng, t, depth + 1)?)))
                .collect::<Option<_>>()?,
        ),
        Type::Tuple(ts) => Val::Tuple(
            ts.iter()
                .map(|t| value(rng, t, depth + 1))
                .collect::<Option<_>>()?,
        ),
        Type::Variant(cases) => {
            let (name, payload) = cases.get(rng.random_range(0..cases.len().max(1)))?;
            let payload = match payload {
                Some(t) => Some(Box::new(value(rng, t, depth + 1)?)),
                None => None,
            };
            Val::Variant(name.clone(), payload)
        }
        Type::Enum(names) => Val::Enum(names.get(rng.random_range(0..names.len().max(1)))?.clone()),
        Type::Option(t) => Val::Option(if shallow || rng.random() {
            None
        } else {
            Some(Box::new(value(rng, t, depth + 1)?))
        }),
        Type::Result { ok, err } => {
            let is_ok: bool = rng.random();
            let payload = match if is_ok { ok } else { err } {
                Some(t) => Some(Box::new(value(rng, t, depth + 1)?)),
                None => None,
            };
            Val::Result(if is_ok { Ok(payload) } else { Err(payload) })
        }
        Type::Flags(names) => Val::Flags(
            names
                .iter()
                .filter(|_| rng.random_bool(0.5))
                .cloned()
                .collect(),
        ),
        Type::Own(_) | Type::Borrow(_) | Type::Future(_) | Type::Stream(_) | Type::ErrorContext => {
            return None;
        }
    })
}

/// One of `edges` half of the time, a random value otherwise.
fn edge<T: Copy>(rng: &mut SmallRng, edges: &[T], random: impl FnOnce(&mut SmallRng) -> T) -> T {
    if rng.random_bool(0.5) {
        edges[rng.random_range(0..edges.len())]
    } else {
        random(rng)
    }
}

/// Mostly short lengths, now and then a long one.
fn length(rng: &mut SmallRng) -> usize {
    if rng.random_ratio(1, 20) {
        rng.random_range(100..2000)
    } else {
        rng.random_range(0..4)
    }
}

fn string(rng: &mut SmallRng) -> String {
    const PIECES: &[&str] = &["", "a", "héllo", "☃", "\u{10FFFF}", "\0", "𝄞x", "long"];
    let n = length(rng);
    (0..n)
        .map(|_| PIECES[rng.random_range(0..PIECES.len())])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use std::sync::Arc;

    #[test]
    fn values_have_the_shape_of_their_type() {
        let mut rng = SmallRng::seed_from_u64(1);
        let ty = Type::Record(Arc::from(vec![
            ("a".to_string(), Type::FixedList(Arc::new(Type::U8), 3)),
            (
                "b".to_string(),
                Type::Enum(Arc::from(vec!["x".to_string(), "y".to_string()])),
            ),
        ]));
        for _ in 0..20 {
            let Some(Val::Record(fields)) = value(&mut rng, &ty, 0) else {
                panic!("not a record");
            };
            assert!(matches!(&fields[0], (n, Val::List(l)) if n == "a" && l.len() == 3));
            assert!(matches!(&fields[1], (_, Val::Enum(e)) if e == "x" || e == "y"));
        }
        let stream = Type::List(Arc::new(Type::Stream(None)));
        let with_streams = (0..20).any(|_| value(&mut rng, &stream, 0).is_none());
        assert!(with_streams, "a non-empty list of streams cannot be made");
    }
}
