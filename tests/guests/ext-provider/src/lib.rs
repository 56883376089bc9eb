//! Provider of the gated value types (`map`, fixed-length lists): the
//! counterpart of `ext-runner`, kept apart from `provider` so that hosts
//! without those component-model features still run the main pair.

#[cfg(not(feature = "peer"))]
weft::bindgen!({ world: "ext-provider", path: "../wit" });
#[cfg(feature = "peer")]
wit_bindgen::generate!({ world: "ext-provider", path: "../wit" });

use exports::test::guests::ext::{Guest, Inventory, Names};
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

export!(ExtProvider);
