//! Runner for the gated value types (`map`, fixed-length lists), imported
//! from `ext-provider`. Same contract as `runner`: a line per failed check, a
//! summary, exit status 1 on failure. Its world also `include`s
//! `extras-runner`: two versions of `test:versioned`, `@since`/`@unstable`
//! gates (enabled with `features`) and keyword names, all checked at run time.

#[cfg(not(feature = "peer"))]
weft::bindgen!({ world: "ext-runner", path: "../wit", additional_derives: [PartialEq], features: ["some-feature"], generate_all });
#[cfg(feature = "peer")]
wit_bindgen::generate!({ world: "ext-runner", path: "../wit", additional_derives: [PartialEq], features: ["some-feature"], generate_all });

use std::collections::BTreeMap;
use std::fmt::Debug;
use test::guests::ext::{self, Inventory};
use test::guests::keywords::{self, Fields, Kind, Loop};
use test::{versioned1_0_0::api as api1, versioned2_0_0::api as api2};

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

/// Two versions of one package side by side, reached through `include`;
/// `added` is `@since`-gated and `experimental` `@unstable`-gated.
fn versions(c: &mut Checker) {
    c.eq("api@1.0.0 version", api1::version(), "1.0.0".to_string());
    c.eq("api@2.0.0 version", api2::version(), "2.0.0".to_string());
    c.eq("api@1.0.0 double", api1::double(21), 42);
    c.eq("api@2.0.0 double", api2::double(21), 63);
    c.eq("api@2.0.0 added (@since)", api2::added(7), 1007);
    c.eq(
        "api@2.0.0 experimental (@unstable)",
        api2::experimental(6, 7),
        41,
    );
}

/// Rust keywords as function, parameter, field and case names.
fn keyword_names(c: &mut Checker) {
    let fields = Fields {
        type_: 5,
        match_: "m".into(),
        self_: false,
        kind: Kind::Static,
    };
    let expected = |type_, kind| Fields {
        type_,
        match_: "m!".into(),
        self_: true,
        kind,
    };
    c.eq(
        "keywords.type(move)",
        keywords::type_(Kind::Move, &fields),
        expected(15, Kind::Move),
    );
    c.eq(
        "keywords.type(type)",
        keywords::type_(Kind::Type, &fields),
        expected(105, Kind::Type),
    );
    c.eq(
        "keywords.type(static)",
        keywords::type_(Kind::Static, &fields),
        expected(6, Kind::Static),
    );
    c.eq(
        "keywords.continue(ref 3)",
        keywords::continue_(Loop::Ref(3)),
        Loop::Ref(2),
    );
    c.eq(
        "keywords.continue(ref 0)",
        keywords::continue_(Loop::Ref(0)),
        Loop::Break,
    );
    c.eq(
        "keywords.continue(break)",
        keywords::continue_(Loop::Break),
        Loop::Ref(u32::MAX),
    );
}

fn main() {
    let mut c = Checker::default();
    maps(&mut c);
    fixed(&mut c);
    versions(&mut c);
    keyword_names(&mut c);
    println!(
        "ext-runner: {} checks passed, {} failed",
        c.passed, c.failed
    );
    if c.failed > 0 {
        std::process::exit(1);
    }
}
