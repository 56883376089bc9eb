//! Options, results, tuples, records, variants, enums, aliases and flags.

use crate::check::Checker;
use crate::test::guests::compound::{
    self, Big, Color, DivError, Flags1, Flags8, Flags9, Flags17, Flags32, Shape,
};
use crate::test::shapes::geometry::Point;
use crate::values::person;

pub fn options_results(c: &mut Checker) {
    for x in [None, Some(0), Some(u32::MAX)] {
        c.eq("echo-opt-u32", compound::echo_opt_u32(x), x);
    }
    for x in [None, Some(""), Some("text ✓")] {
        c.eq(
            "echo-opt-string",
            compound::echo_opt_string(x),
            x.map(String::from),
        );
    }
    for x in [None, Some(None), Some(Some(0)), Some(Some(u8::MAX))] {
        c.eq("echo-opt-opt", compound::echo_opt_opt(x), x);
    }
    for x in [None, Some(Point { x: -5, y: 6 })] {
        c.eq("echo-opt-position", compound::echo_opt_position(x), x);
    }
    c.eq(
        "echo-res-both ok",
        compound::echo_res_both(Ok(u64::MAX)),
        Ok(u64::MAX),
    );
    c.eq(
        "echo-res-both err",
        compound::echo_res_both(Err("bad ✗")),
        Err("bad ✗".to_string()),
    );
    c.eq(
        "echo-res-ok ok",
        compound::echo_res_ok(Ok("fine")),
        Ok("fine".to_string()),
    );
    c.eq("echo-res-ok err", compound::echo_res_ok(Err(())), Err(()));
    c.eq("echo-res-err ok", compound::echo_res_err(Ok(())), Ok(()));
    c.eq(
        "echo-res-err err",
        compound::echo_res_err(Err(Color::Blue)),
        Err(Color::Blue),
    );
    c.eq("echo-res-none ok", compound::echo_res_none(Ok(())), Ok(()));
    c.eq(
        "echo-res-none err",
        compound::echo_res_none(Err(())),
        Err(()),
    );
    c.eq("checked-div", compound::checked_div(-9, 2), Ok(-4));
    c.eq(
        "checked-div by zero",
        compound::checked_div(1, 0),
        Err(DivError::ByZero),
    );
    c.eq(
        "checked-div overflow",
        compound::checked_div(i32::MIN, -1),
        Err(DivError::Overflow(i32::MIN)),
    );
}

pub fn records_variants(c: &mut Checker) {
    let tuple = (200, "tuple ✓".to_string(), -0.125, '😀');
    c.eq(
        "echo-tuple",
        compound::echo_tuple((tuple.0, &tuple.1, tuple.2, tuple.3)),
        tuple.clone(),
    );
    for p in [person("bob", 41), person("", 2)] {
        c.eq("echo-person", compound::echo_person(&p), p.clone());
    }
    for color in [Color::Red, Color::Green, Color::Blue] {
        c.eq("echo-color", compound::echo_color(color), color);
    }
    for shape in shapes() {
        c.eq("echo-shape", compound::echo_shape(&shape), shape.clone());
    }
    let big = Big {
        id: u64::MAX - 1,
        who: person("big 😀", 6),
        shape: Shape::Path(vec![Point { x: 1, y: 2 }; 3]),
        colors: vec![Color::Green, Color::Red],
        grid: vec![vec![1, 2], vec![], vec![3]],
        pair: ("pair".to_string(), 'ß'),
    };
    c.eq("echo-big", compound::echo_big(&big), big.clone());
    c.eq("echo-id", compound::echo_id(u64::MAX), u64::MAX);
}

fn shapes() -> Vec<Shape> {
    vec![
        Shape::Nothing,
        Shape::Circle(2.5),
        Shape::Square(-1e-300),
        Shape::At(Point { x: 3, y: -4 }),
        Shape::Named("named ✓".into()),
        Shape::Named(String::new()),
        Shape::Path(vec![]),
        Shape::Path(vec![Point { x: 1, y: 1 }, Point { x: 2, y: 2 }]),
        Shape::Tinted((Color::Blue, 255)),
        Shape::Maybe(None),
        Shape::Maybe(Some(i64::MIN)),
    ]
}

pub fn flags(c: &mut Checker) {
    for x in [Flags1::empty(), Flags1::ONLY] {
        c.eq("echo-flags1", compound::echo_flags1(x), x);
    }
    for x in [Flags8::empty(), Flags8::B0 | Flags8::B7, Flags8::all()] {
        c.eq("echo-flags8", compound::echo_flags8(x), x);
    }
    for x in [
        Flags9::empty(),
        Flags9::B8,
        Flags9::B0 | Flags9::B8,
        Flags9::all(),
    ] {
        c.eq("echo-flags9", compound::echo_flags9(x), x);
    }
    for x in [
        Flags17::empty(),
        Flags17::B16,
        Flags17::B3 | Flags17::B16,
        Flags17::all(),
    ] {
        c.eq("echo-flags17", compound::echo_flags17(x), x);
    }
    for x in [
        Flags32::empty(),
        Flags32::B31,
        Flags32::B0 | Flags32::B31,
        Flags32::all(),
    ] {
        c.eq("echo-flags32", compound::echo_flags32(x), x);
    }
}
