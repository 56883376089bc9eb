//! `merge_structurally_equal_types`: the imported and the exported copy of
//! an interface share their type definitions, so values move between the
//! two sides without conversion; types holding handles to the two sides'
//! (different) resources stay apart.

weft::bindgen!({
    inline: "
        package test:merge;
        interface api {
            record point { x: u32, y: u32 }
            variant shape { dot(point), none }
            enum side { left, right }
            flags marks { a, b }
            resource token;
            record holder { t: token }
            /// An error, so the merged definition needs `Display`.
            enum oops { bad }
            step: func(p: point, s: shape, d: side, m: marks) -> result<point, oops>;
        }
        world merged { import api; export api; }
    ",
    merge_structurally_equal_types: true,
});

use exports::test::merge::api as ours;
use test::merge::api as theirs;

struct Component;

impl ours::Guest for Component {
    type Token = Token;

    fn step(
        p: ours::Point,
        s: ours::Shape,
        d: ours::Side,
        m: ours::Marks,
    ) -> Result<ours::Point, ours::Oops> {
        // The export's parameters are the import's types: forward them.
        let forward: fn(theirs::Point, theirs::Shape, theirs::Side, theirs::Marks) -> _ =
            theirs::step;
        std::hint::black_box(forward);
        match (s, d, m.contains(theirs::Marks::B)) {
            (theirs::Shape::Dot(q), theirs::Side::Right, true) => Ok(theirs::Point {
                x: p.x + q.x,
                y: p.y + q.y,
            }),
            _ => Err(theirs::Oops::Bad),
        }
    }
}

struct Token;

impl ours::GuestToken for Token {}

export!(Component);

#[test]
fn both_sides_share_definitions_and_the_glue_still_lifts_and_lowers() {
    let same: fn(theirs::Point) -> ours::Point = |p| p;
    std::hint::black_box(same);
    assert_eq!(ours::Oops::Bad.to_string(), "bad (error 0)");
    // step(point{1,2}, dot(point{10,20}), right, b): flat arguments.
    // SAFETY: scalar arguments only; the result is read from the static
    // return area before the next call.
    let area = unsafe { ours::_export_step_cabi::<Component>(1, 2, 0, 10, 20, 1, 2) };
    // SAFETY: `result<point, oops>`: tag byte, then the point at offset 4.
    let (tag, x, y) = unsafe {
        (
            *area,
            *area.add(4).cast::<u32>(),
            *area.add(8).cast::<u32>(),
        )
    };
    assert_eq!((tag, x, y), (0, 11, 22));
}
