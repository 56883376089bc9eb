//! Components shared by the embedding-API tests (`api`, `host_funcs`).

use weft_harness::{Component, Engine};

/// Encodes and loads a component written in the text format.
pub fn component(engine: &Engine, text: &str) -> Component {
    let buf = wast::parser::ParseBuffer::new(text).expect("lexes");
    let mut wat: wast::Wat = wast::parser::parse(&buf).expect("parses");
    Component::new(engine, &wat.encode().expect("encodes")).expect("loads")
}

/// Imports `double: func(x: u32) -> u32` from `test:host/math@0.2.4` and
/// exports `quad`, which calls it twice.
pub const IMPORTER: &str = r#"(component
  (import "test:host/math@0.2.4" (instance $h
    (export "double" (func (param "x" u32) (result u32)))))
  (alias export $h "double" (func $double))
  (core func $d (canon lower (func $double)))
  (core module $M
    (import "h" "double" (func $d (param i32) (result i32)))
    (func (export "quad") (param i32) (result i32) (call $d (call $d (local.get 0)))))
  (core instance $m (instantiate $M (with "h" (instance (export "double" (func $d))))))
  (func (export "quad") (param "x" u32) (result u32) (canon lift (core func $m "quad")))
)"#;
