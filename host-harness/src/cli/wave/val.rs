//! [`WaveVal`]: a harness [`Val`] as `wasm-wave`'s `WasmValue`.

use std::borrow::Cow;
use std::sync::Arc;

use wasm_wave::wasm::{WasmTypeKind, WasmValue, WasmValueError};
use weft_harness::{Type, Val};

use super::WaveType;

/// A component value seen through WAVE's eyes.
#[derive(Clone, Debug)]
pub struct WaveVal(pub Val);

fn owned(v: &Val) -> Cow<'_, WaveVal> {
    Cow::Owned(WaveVal(v.clone()))
}

fn type_error(ty: &WaveType, what: &str) -> WasmValueError {
    WasmValueError::Other(format!(
        "a {what} value does not fit type {}",
        ty.0.describe()
    ))
}

/// Puts `named` values in the order `order` lists their names; `None` if a
/// name is unknown.
fn in_order<'a, V>(
    order: &'a [(String, Type)],
    named: impl IntoIterator<Item = (&'a str, V)>,
) -> Option<Vec<(String, V)>> {
    let mut named: Vec<(usize, String, V)> = named
        .into_iter()
        .map(|(n, v)| Some((order.iter().position(|(m, _)| m == n)?, n.to_string(), v)))
        .collect::<Option<_>>()?;
    named.sort_by_key(|(i, _, _)| *i);
    Some(named.into_iter().map(|(_, n, v)| (n, v)).collect())
}

/// The constructor and accessor of each scalar case. Accessors answer a
/// default for a value of another case: the writer only asks for the case
/// that `kind` reported, and a wrong guess must not panic the CLI.
macro_rules! scalars {
    ($($make:ident / $unwrap:ident: $case:ident($ty:ty) = $default:expr,)*) => {
        $(
            fn $make(val: $ty) -> Self {
                WaveVal(Val::$case(val))
            }
            fn $unwrap(&self) -> $ty {
                match self.0 {
                    Val::$case(v) => v,
                    _ => $default,
                }
            }
        )*
    };
}

impl WasmValue for WaveVal {
    type Type = WaveType;

    fn kind(&self) -> WasmTypeKind {
        match &self.0 {
            Val::Bool(_) => WasmTypeKind::Bool,
            Val::S8(_) => WasmTypeKind::S8,
            Val::U8(_) => WasmTypeKind::U8,
            Val::S16(_) => WasmTypeKind::S16,
            Val::U16(_) => WasmTypeKind::U16,
            Val::S32(_) => WasmTypeKind::S32,
            Val::U32(_) => WasmTypeKind::U32,
            Val::S64(_) => WasmTypeKind::S64,
            Val::U64(_) => WasmTypeKind::U64,
            Val::Float32(_) => WasmTypeKind::F32,
            Val::Float64(_) => WasmTypeKind::F64,
            Val::Char(_) => WasmTypeKind::Char,
            Val::String(_) => WasmTypeKind::String,
            Val::List(_) => WasmTypeKind::List,
            Val::Record(_) => WasmTypeKind::Record,
            Val::Tuple(_) => WasmTypeKind::Tuple,
            Val::Variant(..) => WasmTypeKind::Variant,
            Val::Enum(_) => WasmTypeKind::Enum,
            Val::Option(_) => WasmTypeKind::Option,
            Val::Result(_) => WasmTypeKind::Result,
            Val::Flags(_) => WasmTypeKind::Flags,
            Val::Resource(_) | Val::Stream(_) | Val::Future(_) | Val::ErrorContext(_) => {
                WasmTypeKind::Unsupported
            }
        }
    }

    scalars! {
        make_bool / unwrap_bool: Bool(bool) = false,
        make_s8 / unwrap_s8: S8(i8) = 0,
        make_s16 / unwrap_s16: S16(i16) = 0,
        make_s32 / unwrap_s32: S32(i32) = 0,
        make_s64 / unwrap_s64: S64(i64) = 0,
        make_u8 / unwrap_u8: U8(u8) = 0,
        make_u16 / unwrap_u16: U16(u16) = 0,
        make_u32 / unwrap_u32: U32(u32) = 0,
        make_u64 / unwrap_u64: U64(u64) = 0,
        make_f32 / unwrap_f32: Float32(f32) = 0.0,
        make_f64 / unwrap_f64: Float64(f64) = 0.0,
        make_char / unwrap_char: Char(char) = '\0',
    }

    fn make_string(val: Cow<str>) -> Self {
        WaveVal(Val::String(val.into_owned()))
    }

    fn make_list(
        ty: &WaveType,
        vals: impl IntoIterator<Item = Self>,
    ) -> Result<Self, WasmValueError> {
        let items: Vec<Val> = vals.into_iter().map(|v| v.0).collect();
        match &ty.0 {
            Type::List(_) => Ok(WaveVal(Val::List(items))),
            Type::FixedList(_, n) if items.len() == *n as usize => Ok(WaveVal(Val::List(items))),
            _ => Err(type_error(ty, "list")),
        }
    }

    fn make_record<'a>(
        ty: &WaveType,
        fields: impl IntoIterator<Item = (&'a str, Self)>,
    ) -> Result<Self, WasmValueError> {
        let Type::Record(order) = &ty.0 else {
            return Err(type_error(ty, "record"));
        };
        let fields = in_order(order, fields.into_iter().map(|(n, v)| (n, v.0)))
            .ok_or_else(|| type_error(ty, "record"))?;
        Ok(WaveVal(Val::Record(fields)))
    }

    fn make_tuple(
        ty: &WaveType,
        vals: impl IntoIterator<Item = Self>,
    ) -> Result<Self, WasmValueError> {
        let items: Vec<Val> = vals.into_iter().map(|v| v.0).collect();
        match &ty.0 {
            Type::Tuple(types) if types.len() == items.len() => Ok(WaveVal(Val::Tuple(items))),
            Type::Tuple(types) => Err(WasmValueError::WrongNumberOfTupleValues {
                want: types.len(),
                got: items.len(),
            }),
            _ => Err(type_error(ty, "tuple")),
        }
    }

    fn make_variant(ty: &WaveType, case: &str, val: Option<Self>) -> Result<Self, WasmValueError> {
        let Type::Variant(cases) = &ty.0 else {
            return Err(type_error(ty, "variant"));
        };
        if !cases.iter().any(|(n, _)| n == case) {
            return Err(WasmValueError::UnknownCase(case.to_string()));
        }
        Ok(WaveVal(Val::Variant(
            case.to_string(),
            val.map(|v| Box::new(v.0)),
        )))
    }

    fn make_enum(ty: &WaveType, case: &str) -> Result<Self, WasmValueError> {
        match &ty.0 {
            Type::Enum(cases) if cases.iter().any(|n| n == case) => {
                Ok(WaveVal(Val::Enum(case.to_string())))
            }
            Type::Enum(_) => Err(WasmValueError::UnknownCase(case.to_string())),
            _ => Err(type_error(ty, "enum")),
        }
    }

    fn make_option(ty: &WaveType, val: Option<Self>) -> Result<Self, WasmValueError> {
        match &ty.0 {
            Type::Option(_) => Ok(WaveVal(Val::Option(val.map(|v| Box::new(v.0))))),
            _ => Err(type_error(ty, "option")),
        }
    }

    fn make_result(
        ty: &WaveType,
        val: Result<Option<Self>, Option<Self>>,
    ) -> Result<Self, WasmValueError> {
        if !matches!(ty.0, Type::Result { .. }) {
            return Err(type_error(ty, "result"));
        }
        let boxed = |v: Option<Self>| v.map(|v| Box::new(v.0));
        Ok(WaveVal(Val::Result(val.map(boxed).map_err(boxed))))
    }

    fn make_flags<'a>(
        ty: &WaveType,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, WasmValueError> {
        let Type::Flags(order) = &ty.0 else {
            return Err(type_error(ty, "flags"));
        };
        let order: Arc<[(String, Type)]> = order.iter().map(|n| (n.clone(), Type::Bool)).collect();
        let set = in_order(&order, names.into_iter().map(|n| (n, ())))
            .ok_or_else(|| type_error(ty, "flags"))?;
        Ok(WaveVal(Val::Flags(
            set.into_iter().map(|(n, ())| n).collect(),
        )))
    }

    fn unwrap_string(&self) -> Cow<'_, str> {
        match &self.0 {
            Val::String(s) => Cow::Borrowed(s),
            _ => Cow::Borrowed(""),
        }
    }
    fn unwrap_list(&self) -> Box<dyn Iterator<Item = Cow<'_, Self>> + '_> {
        match &self.0 {
            Val::List(items) => Box::new(items.iter().map(owned)),
            _ => Box::new(std::iter::empty()),
        }
    }
    fn unwrap_record(&self) -> Box<dyn Iterator<Item = (Cow<'_, str>, Cow<'_, Self>)> + '_> {
        match &self.0 {
            Val::Record(fields) => Box::new(
                fields
                    .iter()
                    .map(|(n, v)| (Cow::Borrowed(n.as_str()), owned(v))),
            ),
            _ => Box::new(std::iter::empty()),
        }
    }
    fn unwrap_tuple(&self) -> Box<dyn Iterator<Item = Cow<'_, Self>> + '_> {
        match &self.0 {
            Val::Tuple(items) => Box::new(items.iter().map(owned)),
            _ => Box::new(std::iter::empty()),
        }
    }
    fn unwrap_variant(&self) -> (Cow<'_, str>, Option<Cow<'_, Self>>) {
        match &self.0 {
            Val::Variant(case, payload) => (Cow::Borrowed(case), payload.as_deref().map(owned)),
            _ => (Cow::Borrowed(""), None),
        }
    }
    fn unwrap_enum(&self) -> Cow<'_, str> {
        match &self.0 {
            Val::Enum(case) => Cow::Borrowed(case),
            _ => Cow::Borrowed(""),
        }
    }
    fn unwrap_option(&self) -> Option<Cow<'_, Self>> {
        match &self.0 {
            Val::Option(v) => v.as_deref().map(owned),
            _ => None,
        }
    }
    fn unwrap_result(&self) -> Result<Option<Cow<'_, Self>>, Option<Cow<'_, Self>>> {
        match &self.0 {
            Val::Result(r) => match r {
                Ok(v) => Ok(v.as_deref().map(owned)),
                Err(v) => Err(v.as_deref().map(owned)),
            },
            _ => Ok(None),
        }
    }
    fn unwrap_flags(&self) -> Box<dyn Iterator<Item = Cow<'_, str>> + '_> {
        match &self.0 {
            Val::Flags(names) => Box::new(names.iter().map(|n| Cow::Borrowed(n.as_str()))),
            _ => Box::new(std::iter::empty()),
        }
    }
}
