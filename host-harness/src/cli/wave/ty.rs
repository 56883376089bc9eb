//! [`WaveType`]: a harness [`Type`] as `wasm-wave`'s `WasmType`.

use std::borrow::Cow;

use wasm_wave::wasm::{WasmType, WasmTypeKind};
use weft_harness::Type;

/// A component type seen through WAVE's eyes.
#[derive(Clone, Debug)]
pub struct WaveType(pub Type);

fn wave(ty: &Type) -> WaveType {
    WaveType(ty.clone())
}

impl WasmType for WaveType {
    fn kind(&self) -> WasmTypeKind {
        match &self.0 {
            Type::Bool => WasmTypeKind::Bool,
            Type::S8 => WasmTypeKind::S8,
            Type::U8 => WasmTypeKind::U8,
            Type::S16 => WasmTypeKind::S16,
            Type::U16 => WasmTypeKind::U16,
            Type::S32 => WasmTypeKind::S32,
            Type::U32 => WasmTypeKind::U32,
            Type::S64 => WasmTypeKind::S64,
            Type::U64 => WasmTypeKind::U64,
            Type::F32 => WasmTypeKind::F32,
            Type::F64 => WasmTypeKind::F64,
            Type::Char => WasmTypeKind::Char,
            Type::String => WasmTypeKind::String,
            Type::List(_) => WasmTypeKind::List,
            Type::FixedList(..) => WasmTypeKind::FixedLengthList,
            Type::Record(_) => WasmTypeKind::Record,
            Type::Tuple(_) => WasmTypeKind::Tuple,
            Type::Variant(_) => WasmTypeKind::Variant,
            Type::Enum(_) => WasmTypeKind::Enum,
            Type::Option(_) => WasmTypeKind::Option,
            Type::Result { .. } => WasmTypeKind::Result,
            Type::Flags(_) => WasmTypeKind::Flags,
            Type::ErrorContext
            | Type::Own(_)
            | Type::Borrow(_)
            | Type::Future(_)
            | Type::Stream(_)
            | Type::Map(..) => WasmTypeKind::Unsupported,
        }
    }

    fn list_element_type(&self) -> Option<Self> {
        match &self.0 {
            Type::List(t) | Type::FixedList(t, _) => Some(wave(t)),
            _ => None,
        }
    }

    fn record_fields(&self) -> Box<dyn Iterator<Item = (Cow<'_, str>, Self)> + '_> {
        match &self.0 {
            Type::Record(fields) => Box::new(
                fields
                    .iter()
                    .map(|(n, t)| (Cow::Borrowed(n.as_str()), wave(t))),
            ),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn tuple_element_types(&self) -> Box<dyn Iterator<Item = Self> + '_> {
        match &self.0 {
            Type::Tuple(types) => Box::new(types.iter().map(wave)),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn variant_cases(&self) -> Box<dyn Iterator<Item = (Cow<'_, str>, Option<Self>)> + '_> {
        match &self.0 {
            Type::Variant(cases) => Box::new(
                cases
                    .iter()
                    .map(|(n, t)| (Cow::Borrowed(n.as_str()), t.as_ref().map(wave))),
            ),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn enum_cases(&self) -> Box<dyn Iterator<Item = Cow<'_, str>> + '_> {
        match &self.0 {
            Type::Enum(names) | Type::Flags(names) => {
                Box::new(names.iter().map(|n| Cow::Borrowed(n.as_str())))
            }
            _ => Box::new(std::iter::empty()),
        }
    }

    fn option_some_type(&self) -> Option<Self> {
        match &self.0 {
            Type::Option(t) => Some(wave(t)),
            _ => None,
        }
    }

    fn result_types(&self) -> Option<(Option<Self>, Option<Self>)> {
        match &self.0 {
            Type::Result { ok, err } => Some((ok.as_deref().map(wave), err.as_deref().map(wave))),
            _ => None,
        }
    }

    fn flags_names(&self) -> Box<dyn Iterator<Item = Cow<'_, str>> + '_> {
        self.enum_cases()
    }
}
