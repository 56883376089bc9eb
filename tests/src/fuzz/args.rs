//! Arguments for any exported function, generated from its type.
//!
//! The component fuzzer calls every export of what it instantiates; the
//! arguments lean towards edge values (zero, extremes, NaN, empty and
//! non-ASCII strings) because that is where lifting and lowering break.
//! Handles cannot be made up by the host: a handle parameter gets one the
//! host received earlier (from the `pool`, whatever its resource type, so
//! that mismatches are tried too), and without one the function is not
//! called. Async values (futures, streams, error-contexts) are never made.

use rand::RngExt;
use rand::rngs::SmallRng;
use weft_harness::{ResourceAny, Type, Val};

/// Arguments for parameters `params`, or `None` if one of them is a type the
/// host cannot invent a value of (a handle when `pool` is empty, a future,
/// a stream or an error-context).
pub fn arguments(
    rng: &mut SmallRng,
    params: &[(String, Type)],
    pool: &[ResourceAny],
) -> Option<Vec<Val>> {
    let mut values = ValueGen {
        rng,
        pool,
        budget: MAX_VALUES,
    };
    params.iter().map(|(_, ty)| values.value(ty, 0)).collect()
}

/// How deep values nest before every list is empty and every option `none`.
const MAX_DEPTH: u32 = 4;

/// Where values come from: the case's generator, and the handles received.
struct ValueGen<'a> {
    rng: &'a mut SmallRng,
    pool: &'a [ResourceAny],
    /// Values left to make: nested long lists would otherwise multiply
    /// into billions (a hang the component fuzzer once reported).
    budget: usize,
}

/// The most values one call's arguments hold.
const MAX_VALUES: usize = 10_000;

impl ValueGen<'_> {
    /// A value of type `ty`.
    fn value(&mut self, ty: &Type, depth: u32) -> Option<Val> {
        self.budget = self.budget.saturating_sub(1);
        let shallow = depth >= MAX_DEPTH || self.budget == 0;
        Some(match ty {
            Type::Bool => Val::Bool(self.rng.random()),
            Type::S8 => Val::S8(edge(self.rng, &[0, i8::MIN, i8::MAX, -1], |r| r.random())),
            Type::U8 => Val::U8(edge(self.rng, &[0, u8::MAX], |r| r.random())),
            Type::S16 => Val::S16(edge(self.rng, &[0, i16::MIN, i16::MAX, -1], |r| r.random())),
            Type::U16 => Val::U16(edge(self.rng, &[0, u16::MAX], |r| r.random())),
            Type::S32 => Val::S32(edge(self.rng, &[0, i32::MIN, i32::MAX, -1], |r| r.random())),
            Type::U32 => Val::U32(edge(self.rng, &[0, u32::MAX, 1 << 31], |r| r.random())),
            Type::S64 => Val::S64(edge(self.rng, &[0, i64::MIN, i64::MAX, -1], |r| r.random())),
            Type::U64 => Val::U64(edge(self.rng, &[0, u64::MAX], |r| r.random())),
            Type::F32 => Val::Float32(edge(
                self.rng,
                &[0.0, -0.0, f32::NAN, f32::INFINITY, f32::MIN],
                |r| r.random(),
            )),
            Type::F64 => Val::Float64(edge(
                self.rng,
                &[0.0, -0.0, f64::NAN, f64::NEG_INFINITY, f64::MAX],
                |r| r.random(),
            )),
            Type::Char => Val::Char(edge(self.rng, &['\0', 'a', '\u{10FFFF}', '☃'], |r| {
                r.random()
            })),
            Type::String => Val::String(string(self.rng)),
            Type::List(elem) => {
                let len = if shallow {
                    0
                } else {
                    length(self.rng).min(self.budget)
                };
                Val::List(
                    (0..len)
                        .map(|_| self.value(elem, depth + 1))
                        .collect::<Option<_>>()?,
                )
            }
            Type::FixedList(elem, len) => Val::List(
                (0..*len)
                    .map(|_| self.value(elem, depth + 1))
                    .collect::<Option<_>>()?,
            ),
            Type::Map(k, v) => {
                let len = if shallow {
                    0
                } else {
                    length(self.rng).min(self.budget)
                };
                Val::List(
                    (0..len)
                        .map(|_| {
                            Some(Val::Tuple(vec![
                                self.value(k, depth + 1)?,
                                self.value(v, depth + 1)?,
                            ]))
                        })
                        .collect::<Option<_>>()?,
                )
            }
            Type::Record(fields) => Val::Record(
                fields
                    .iter()
                    .map(|(n, t)| Some((n.clone(), self.value(t, depth + 1)?)))
                    .collect::<Option<_>>()?,
            ),
            Type::Tuple(ts) => Val::Tuple(
                ts.iter()
                    .map(|t| self.value(t, depth + 1))
                    .collect::<Option<_>>()?,
            ),
            Type::Variant(cases) => {
                let (name, payload) = cases.get(self.rng.random_range(0..cases.len().max(1)))?;
                let payload = match payload {
                    Some(t) => Some(Box::new(self.value(t, depth + 1)?)),
                    None => None,
                };
                Val::Variant(name.clone(), payload)
            }
            Type::Enum(names) => Val::Enum(
                names
                    .get(self.rng.random_range(0..names.len().max(1)))?
                    .clone(),
            ),
            Type::Option(t) => Val::Option(if shallow || self.rng.random() {
                None
            } else {
                Some(Box::new(self.value(t, depth + 1)?))
            }),
            Type::Result { ok, err } => {
                let is_ok: bool = self.rng.random();
                let payload = match if is_ok { ok } else { err } {
                    Some(t) => Some(Box::new(self.value(t, depth + 1)?)),
                    None => None,
                };
                Val::Result(if is_ok { Ok(payload) } else { Err(payload) })
            }
            Type::Flags(names) => Val::Flags(
                names
                    .iter()
                    .filter(|_| self.rng.random_bool(0.5))
                    .cloned()
                    .collect(),
            ),
            Type::Own(_) | Type::Borrow(_) => Val::Resource(
                *self
                    .pool
                    .get(self.rng.random_range(0..self.pool.len().max(1)))?,
            ),
            Type::Future(_) | Type::Stream(_) | Type::ErrorContext => return None,
        })
    }
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
            let Some(Val::Record(fields)) =
                arguments(&mut rng, &[("r".into(), ty.clone())], &[]).and_then(|mut v| v.pop())
            else {
                panic!("not a record");
            };
            assert!(matches!(&fields[0], (n, Val::List(l)) if n == "a" && l.len() == 3));
            assert!(matches!(&fields[1], (_, Val::Enum(e)) if e == "x" || e == "y"));
        }
        let stream = [("s".to_string(), Type::List(Arc::new(Type::Stream(None))))];
        let with_streams = (0..20).any(|_| arguments(&mut rng, &stream, &[]).is_none());
        assert!(with_streams, "a non-empty list of streams cannot be made");
    }
}
