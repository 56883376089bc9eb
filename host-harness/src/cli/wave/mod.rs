//! Bridges the harness's dynamic values to WAVE, the text form `--invoke`
//! reads its arguments in and prints results in.
//!
//! `wasm-wave` parses and prints any type implementing its `WasmType` /
//! `WasmValue` traits; [`WaveType`] and [`WaveVal`] implement them over
//! `weft_harness::Type` and `Val`. Types WAVE cannot express (resources, futures,
//! streams, maps, error contexts) report `Unsupported`, which makes parsing
//! or printing fail with an error rather than guess.

mod ty;
mod val;

pub use ty::WaveType;
pub use val::WaveVal;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use weft_harness::{Type, Val};

    fn parse(ty: Type, text: &str) -> Result<Val, String> {
        wasm_wave::from_str::<WaveVal>(&WaveType(ty), text)
            .map(|v| v.0)
            .map_err(|e| e.to_string())
    }

    fn print(val: Val) -> String {
        wasm_wave::to_string(&WaveVal(val)).unwrap()
    }

    #[test]
    fn records_and_flags_round_trip_in_declaration_order() {
        let record = Type::Record(Arc::from(vec![
            ("b".to_string(), Type::U32),
            ("a".to_string(), Type::Option(Arc::new(Type::String))),
        ]));
        let value = parse(record.clone(), r#"{a: some("x"), b: 7}"#).unwrap();
        assert_eq!(print(value.clone()), r#"{b: 7, a: some("x")}"#);
        assert_eq!(
            parse(record, "{b: 1}").unwrap(),
            Val::Record(vec![
                ("b".into(), Val::U32(1)),
                ("a".into(), Val::Option(None)),
            ])
        );
        let flags = Type::Flags(Arc::from(vec!["x".to_string(), "y".to_string()]));
        assert_eq!(
            parse(flags, "{y, x}").unwrap(),
            Val::Flags(vec!["x".into(), "y".into()])
        );
    }

    #[test]
    fn ill_typed_text_is_an_error_not_a_panic() {
        assert!(parse(Type::U8, "300").is_err());
        assert!(parse(Type::Enum(Arc::from(vec!["a".to_string()])), "b").is_err());
        assert!(parse(Type::Tuple(Arc::from(vec![Type::U8])), "(1, 2)").is_err());
        assert!(parse(Type::ErrorContext, "1").is_err());
    }

    fn nested_list(depth: usize) -> Type {
        (0..depth).fold(Type::U8, |inner, _| Type::List(Arc::new(inner)))
    }

    #[test]
    fn values_nested_too_deep_are_an_error() {
        let text = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(parse(nested_list(50), &text(50)).is_ok());
        let err = parse(nested_list(1000), &text(1000)).unwrap_err();
        assert!(err.contains("nesting too deep"), "{err}");
        let err = parse(nested_list(3), &text(100_000)).unwrap_err();
        assert!(err.contains("nesting too deep"), "{err}");
    }
}
