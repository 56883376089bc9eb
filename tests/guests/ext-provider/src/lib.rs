//! Provider of the gated value types (`map`, fixed-length lists): the
//! counterpart of `ext-runner`, kept apart from `provider` so that hosts
//! without those component-model features still run the main pair. Its world
//! also `include`s `extras-provider` (both `test:versioned` versions, the
//! gated functions and the keyword names).

#[cfg(not(feature = "peer"))]
weft::bindgen!({ world: "ext-provider", path: "../wit", features: ["some-feature"] });
#[cfg(feature = "peer")]
wit_bindgen::generate!({ world: "ext-provider", path: "../wit", features: ["some-feature"] });

use exports::test::guests::ext::{Guest, Inventory, Names};
use exports::test::guests::keywords::{self, Fields, Kind, Loop};
use std::collections::BTreeMap;

struct ExtProvider;

impl Guest for ExtProvider {
    fn echo_names(m: Names) -> Names {
        m
    }
    fn invert(m: BTreeMap<u32, String>) -> BTreeMap<String, u32> {
        m.into_iter().map(|(k, v)| (v, k)).collect()
    }
    fn echo_nested(
        m: BTreeMap<String, BTreeMap<u32, String>>,
    ) -> BTreeMap<String, BTreeMap<u32, String>> {
        m
    }
    fn echo_inventory(i: Inventory) -> Inventory {
        i
    }
    fn echo_quad(a: [u32; 4]) -> [u32; 4] {
        a
    }
    fn echo_triple(a: [(u16, bool); 3]) -> [(u16, bool); 3] {
        a
    }
    fn reverse_bytes(mut a: [u8; 16]) -> [u8; 16] {
        a.reverse();
        a
    }
    fn sum_eight(a: [i64; 8]) -> i64 {
        a.iter().fold(0, |acc, v| acc.wrapping_add(*v))
    }
}

impl exports::test::versioned1_0_0::api::Guest for ExtProvider {
    fn version() -> String {
        "1.0.0".into()
    }
    fn double(x: u32) -> u32 {
        x.wrapping_mul(2)
    }
}

impl exports::test::versioned2_0_0::api::Guest for ExtProvider {
    fn version() -> String {
        "2.0.0".into()
    }
    fn double(x: u32) -> u32 {
        x.wrapping_mul(3)
    }
    fn added(x: u32) -> u32 {
        x.wrapping_add(1000)
    }
    fn experimental(a: u32, b: u32) -> u32 {
        a.wrapping_mul(b).wrapping_sub(1)
    }
}

impl keywords::Guest for ExtProvider {
    fn type_(ref_: Kind, fn_: Fields) -> Fields {
        let bump = match ref_ {
            Kind::Static => 1,
            Kind::Move => 10,
            Kind::Type => 100,
        };
        Fields {
            type_: fn_.type_.wrapping_add(bump),
            match_: format!("{}!", fn_.match_),
            self_: !fn_.self_,
            kind: ref_,
        }
    }
    fn continue_(in_: Loop) -> Loop {
        match in_ {
            Loop::Ref(0) => Loop::Break,
            Loop::Ref(n) => Loop::Ref(n - 1),
            Loop::Break => Loop::Ref(u32::MAX),
        }
    }
}

export!(ExtProvider);
