//! Scalars at their edges, strings, and lists of every element kind.

use crate::check::Checker;
use crate::test::guests::lists;
use crate::test::guests::scalars::{self, Many};
use crate::test::guests::strings;
use crate::test::guests::types::Person;
use crate::test::shapes::geometry::Point;

pub fn scalars(c: &mut Checker) {
    for x in [true, false] {
        c.eq("echo-bool", scalars::echo_bool(x), x);
    }
    for x in [0, 1, 127, 128, u8::MAX] {
        c.eq("echo-u8", scalars::echo_u8(x), x);
    }
    for x in [i8::MIN, -1, 0, i8::MAX] {
        c.eq("echo-s8", scalars::echo_s8(x), x);
    }
    for x in [0, 0x8000, u16::MAX] {
        c.eq("echo-u16", scalars::echo_u16(x), x);
    }
    for x in [i16::MIN, -1, 0, i16::MAX] {
        c.eq("echo-s16", scalars::echo_s16(x), x);
    }
    for x in [0, 0x8000_0000, u32::MAX] {
        c.eq("echo-u32", scalars::echo_u32(x), x);
    }
    for x in [i32::MIN, -1, 0, i32::MAX] {
        c.eq("echo-s32", scalars::echo_s32(x), x);
    }
    for x in [0, 1 << 63, u64::MAX] {
        c.eq("echo-u64", scalars::echo_u64(x), x);
    }
    for x in [i64::MIN, -1, 0, i64::MAX] {
        c.eq("echo-s64", scalars::echo_s64(x), x);
    }
    floats(c);
    // Every UTF-8 length, both sides of the surrogate gap, and the maximum.
    for x in [
        '\0',
        'a',
        'é',
        '\u{d7ff}',
        '\u{e000}',
        '€',
        '😀',
        '\u{10ffff}',
    ] {
        c.eq("echo-char", scalars::echo_char(x), x);
    }
    many(c);
    c.eq(
        "split-u64",
        scalars::split_u64(0x1234_5678_9abc_def0),
        (0x1234_5678, 0x9abc_def0, false),
    );
    c.eq("split-u64 zero", scalars::split_u64(0), (0, 0, true));
}

fn floats(c: &mut Checker) {
    let f32s = [
        0.0,
        1.5,
        f32::MIN,
        f32::MAX,
        f32::MIN_POSITIVE,
        f32::INFINITY,
        f32::NEG_INFINITY,
    ];
    for x in f32s {
        c.eq("echo-f32", scalars::echo_f32(x).to_bits(), x.to_bits());
    }
    let f64s = [
        0.0,
        -2.25,
        f64::MIN,
        f64::MAX,
        f64::EPSILON,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for x in f64s {
        c.eq("echo-f64", scalars::echo_f64(x).to_bits(), x.to_bits());
    }
    // The sign of zero is a bit pattern the ABI must keep.
    c.eq(
        "echo-f32 -0",
        scalars::echo_f32(-0.0).to_bits(),
        (-0.0f32).to_bits(),
    );
    c.eq(
        "echo-f64 -0",
        scalars::echo_f64(-0.0).to_bits(),
        (-0.0f64).to_bits(),
    );
    // NaN payloads may be canonicalised by the ABI; NaN-ness may not change.
    let nan32 = scalars::echo_f32(f32::NAN);
    c.holds("echo-f32 NaN", nan32.is_nan(), nan32);
    let nan64 = scalars::echo_f64(f64::from_bits(0x7ff0_0000_0000_0001));
    c.holds("echo-f64 NaN", nan64.is_nan(), nan64);
}

fn many(c: &mut Checker) {
    let got = scalars::many_args(
        u8::MAX,
        i16::MIN,
        u32::MAX,
        i64::MIN,
        1.25,
        -1e300,
        '😀',
        true,
        u64::MAX,
        -7,
        0xbeef,
        -123_456,
        f32::INFINITY,
        0.5,
        42,
        i64::MAX,
        7,
        "eighteenth",
    );
    let expected = Many {
        a1: u8::MAX,
        a2: i16::MIN,
        a3: u32::MAX,
        a4: i64::MIN,
        a5: 1.25,
        a6: -1e300,
        a7: '😀',
        a8: true,
        a9: u64::MAX,
        a10: -7,
        a11: 0xbeef,
        a12: -123_456,
        a13: f32::INFINITY,
        a14: 0.5,
        a15: 42,
        a16: i64::MAX,
        a17: 7,
        a18: "eighteenth".to_string(),
    };
    c.eq("many-args", got, expected);
}

pub fn strings(c: &mut Checker) {
    let samples = [
        "",
        "a",
        "hello world",
        "grüße, 日本語, 😀🎉",
        "\0nul inside\0",
    ];
    for s in samples {
        c.eq("echo-string", strings::echo_string(s), s.to_string());
        c.eq(
            "char-count",
            strings::char_count(s),
            s.chars().count() as u32,
        );
    }
    let long = "x".repeat(100_000);
    c.eq(
        "echo-string long",
        strings::echo_string(&long).len(),
        long.len(),
    );
    c.eq(
        "concat",
        strings::concat("wasm ", "😀"),
        "wasm 😀".to_string(),
    );
    c.eq("concat empty", strings::concat("", ""), String::new());
    c.eq(
        "split-words",
        strings::split_words("  one two\tdrei 四  "),
        vec!["one".to_string(), "two".into(), "drei".into(), "四".into()],
    );
    c.eq(
        "split-words empty",
        strings::split_words(""),
        Vec::<String>::new(),
    );
}

pub fn lists(c: &mut Checker) {
    let bytes: Vec<u8> = (0..=255).collect();
    c.eq("echo-u8s", lists::echo_u8s(&bytes), bytes.clone());
    c.eq("echo-u8s empty", lists::echo_u8s(&[]), vec![]);
    let s64s = vec![i64::MIN, -1, 0, i64::MAX];
    c.eq("echo-s64s", lists::echo_s64s(&s64s), s64s.clone());
    c.eq(
        "sum-s64s",
        lists::sum_s64s(&[1, -2, 3, 1 << 40]),
        2 + (1 << 40),
    );
    c.eq("sum-s64s empty", lists::sum_s64s(&[]), 0);
    let f32s = vec![0.5, -0.0, f32::INFINITY, f32::MAX];
    let got: Vec<u32> = lists::echo_f32s(&f32s)
        .iter()
        .map(|f| f.to_bits())
        .collect();
    c.eq("echo-f32s", got, f32s.iter().map(|f| f.to_bits()).collect());
    let chars = vec!['a', 'ß', '€', '😀', '\u{10ffff}'];
    c.eq("echo-chars", lists::echo_chars(&chars), chars.clone());
    let bools = vec![true, false, false, true, true];
    c.eq("echo-bools", lists::echo_bools(&bools), bools.clone());
    let strings: Vec<String> = vec!["".into(), "b".into(), "日本".into(), "😀".repeat(50)];
    c.eq(
        "echo-strings",
        lists::echo_strings(&strings),
        strings.clone(),
    );
    c.eq(
        "echo-strings empty",
        lists::echo_strings(&[]),
        Vec::<String>::new(),
    );
    let points = vec![
        Point {
            x: i32::MIN,
            y: i32::MAX,
        },
        Point { x: 0, y: -1 },
    ];
    c.eq("echo-points", lists::echo_points(&points), points.clone());
    let people = vec![person("ann", 30), person("", 0), person("Zoë 😀", 255)];
    c.eq("echo-people", lists::echo_people(&people), people.clone());
    let nested = vec![vec![], vec![1], vec![2, 3, u32::MAX], vec![]];
    c.eq("echo-nested", lists::echo_nested(&nested), nested.clone());
    let nested_strings = vec![vec![], vec!["x".to_string(), "".into()], vec!["ü".into()]];
    c.eq(
        "echo-nested-strings",
        lists::echo_nested_strings(&nested_strings),
        nested_strings.clone(),
    );
    let tuples = vec![
        (0, "zero".to_string()),
        (255, "".into()),
        (7, "sieben".into()),
    ];
    c.eq("echo-tuples", lists::echo_tuples(&tuples), tuples.clone());
    let options = vec![None, Some("".to_string()), Some("some".into()), None];
    c.eq(
        "echo-options",
        lists::echo_options(&options),
        options.clone(),
    );
    c.eq("fill", lists::fill(1000, 0xab), vec![0xab; 1000]);
    c.eq("fill empty", lists::fill(0, 1), vec![]);
}

/// A person whose every field depends on the inputs, home set on even ages.
pub fn person(name: &str, age: u8) -> Person {
    Person {
        name: name.to_string(),
        age,
        tags: (0..age % 4).map(|i| format!("tag{i}")).collect(),
        home: age.is_multiple_of(2).then_some(Point {
            x: age as i32,
            y: -(age as i32),
        }),
        score: f64::from(age) / 3.0,
    }
}
