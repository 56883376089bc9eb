//! Runner for the gated value types (`map`, fixed-length lists), imported
//! from `ext-provider`. Same contract as `runner`: a line per failed check, a
//! summary, exit status 1 on failure.

#[cfg(not(feature = "peer"))]
weft::bindgen!({ world: "ext-runner", path: "../wit", additional_derives: [PartialEq] });
#[cfg(feature = "peer")]
wit_bindgen::generate!({ world: "ext-runner", path: "../wit", additional_derives: [PartialEq] });

use std::collections::BTreeMap;
use std::fmt::Debug;
use test::guests::ext::{self, Inventory};

#[derive(Default)]
struct Checker {
    passed: u32,
    failed: u32,
}

impl Checker {
    fn eq<T: PartialEq + Debug>(&mut self, what: &str, actual: T, expected: T) {
        if actual == expected {
            self.passed += 1;
        } else {
            self.failed += 1;
            println!("FAIL {what}: got {actual:?}, expected {expected:?}");
        }
    }
}

fn maps(c: &mut Checker) {
    let names: BTreeMap<u32, String> = [
        (0, "zero".to_string()),
        (7, "".into()),
        (u32::MAX, "max 😀".into()),
    ]
    .into();
    c.eq("echo-names", ext::echo_names(&names), names.clone());
    c.eq(
        "echo-names empty",
        ext::echo_names(&BTreeMap::new()),
        BTreeMap::new(),
    );
    let inverted: BTreeMap<String, u32> = names.iter().map(|(k, v)| (v.clone(), *k)).collect();
    c.eq("invert", ext::invert(&names), inverted);
    let nested: BTreeMap<String, BTreeMap<u32, String>> = [
        ("a".to_string(), names.clone()),
        ("empty".to_string(), BTreeMap::new()),
    ]
    .into();
    c.eq("echo-nested", ext::echo_nested(&nested), nested.clone());
    let inventory = Inventory {
        items: [("apples".to_string(), 3), ("pears ✓".to_string(), 0)].into(),
        tag: [1, 2, 3, 255],
    };
    c.eq(
        "echo-inventory",
        ext::echo_inventory(&inventory),
        inventory.clone(),
    );
}

fn fixed(c: &mut Checker) {
    c.eq(
        "echo-quad",
        ext::echo_quad([0, 1, u32::MAX, 42]),
        [0, 1, u32::MAX, 42],
    );
    let triple = [(0, true), (u16::MAX, false), (7, true)];
    c.eq("echo-triple", ext::echo_triple(triple), triple);
    let bytes: [u8; 16] = std::array::from_fn(|i| i as u8 * 17);
    let mut reversed = bytes;
    reversed.reverse();
    c.eq("reverse-bytes", ext::reverse_bytes(bytes), reversed);
    c.eq(
        "sum-eight",
        ext::sum_eight([1, -2, 3, -4, 5, -6, 7, i64::MAX - 4]),
        i64::MAX,
    );
}

fn main() {
    let mut c = Checker::default();
    maps(&mut c);
    fixed(&mut c);
    println!(
        "ext-runner: {} checks passed, {} failed",
        c.passed, c.failed
    );
    if c.failed > 0 {
        std::process::exit(1);
    }
}
