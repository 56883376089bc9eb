//! Import side of the drop-in parity checks (`wit/parity.wit`), written as
//! a wit-bindgen guest would be: its world comes from inline WIT that
//! `include`s a world of the `path` packages, parameters use
//! `Borrowing { duplicate_if_necessary: true }`, the slot's `set` chains,
//! error values are printed with `to_string()` and boxed as
//! `std::error::Error`, and `shared-types` comes from the bindings of a
//! sibling module through a `with` path relative to this module. Same
//! contract as `runner`: a line per failed check, a summary, exit status 1
//! on failure.

/// Bindings for the shared types, generated next to the runner's own.
mod shared {
    #[cfg(not(feature = "peer"))]
    weft::bindgen!({ world: "parity-types", path: "../wit" });
    #[cfg(feature = "peer")]
    wit_bindgen::generate!({ world: "parity-types", path: "../wit" });
}

#[cfg(not(feature = "peer"))]
weft::bindgen!({
    inline: "
        package test:parity-runner;
        world runner { include test:guests/parity-runner@0.1.0; }
    ",
    path: "../wit",
    ownership: Borrowing { duplicate_if_necessary: true },
    chainable_methods: ["&test:guests/parity@0.1.0#slot"],
    with: {
        "test:guests/parity@0.1.0": generate,
        "test:guests/shared-types@0.1.0": shared::test::guests::shared_types,
    },
});
#[cfg(feature = "peer")]
wit_bindgen::generate!({
    inline: "
        package test:parity-runner;
        world runner { include test:guests/parity-runner@0.1.0; }
    ",
    path: "../wit",
    ownership: Borrowing { duplicate_if_necessary: true },
    chainable_methods: ["&test:guests/parity@0.1.0#slot"],
    with: {
        "test:guests/parity@0.1.0": generate,
        "test:guests/shared-types@0.1.0": shared::test::guests::shared_types,
    },
});

use shared::test::guests::shared_types::Tag;
use test::guests::parity::{
    LabelsParam, LabelsResult, Slot, SlotRef, check, explain, join, live_slots, make_tag, read,
};

#[path = "../../runner/src/check.rs"]
mod check;

use check::Checker;

fn errors(c: &mut Checker) {
    c.eq("check(3)", check(3).ok(), Some(6));
    let empty = check(0).unwrap_err();
    c.eq(
        "fault to_string",
        empty.to_string(),
        "empty (error 0)".to_string(),
    );
    c.eq("fault name", empty.name(), "empty");
    let big = check(500).unwrap_err();
    c.eq("fault message", big.message(), "Too big to check.");
    c.eq(
        "problem to_string",
        explain(1).unwrap_err().to_string(),
        "Problem::At(1)".to_string(),
    );
    let boxed: Box<dyn std::error::Error> = explain(2).unwrap_err().into();
    c.eq(
        "problem as Box<dyn Error>",
        boxed.to_string(),
        "Problem::Said(\"n=2\")".to_string(),
    );
    c.holds("error has no source", boxed.source().is_none(), boxed.source());
    let question_mark = || -> Result<(), Box<dyn std::error::Error>> {
        explain(0)?;
        check(0)?;
        Ok(())
    };
    c.eq(
        "? into Box<dyn Error>",
        question_mark().map_err(|e| e.to_string()),
        Err("empty (error 0)".to_string()),
    );
}

fn borrowing(c: &mut Checker) {
    let owned = vec!["a".to_string(), "b".to_string()];
    let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
    let joined: LabelsResult = join(LabelsParam { names: &refs }, &refs);
    c.eq(
        "join",
        joined.names,
        ["a", "b", "a", "b"].map(String::from).to_vec(),
    );
}

fn slots(c: &mut Checker) {
    let before = live_slots();
    let one = Slot::new(4);
    let two = Slot::new(5);
    c.eq("slots placed by the hook", live_slots() - before, 2);
    c.eq(
        "read through a borrowing record",
        read(SlotRef {
            slot: &one,
            scale: 3,
        }),
        12,
    );
    c.eq("chained set", two.set(7).get(), 7);
    drop(two);
    c.eq("slot taken back by the hook", live_slots() - before, 1);
    drop(one);
    c.eq("every slot taken back", live_slots(), before);
}

fn shared_types(c: &mut Checker) {
    let tag: Tag = make_tag(9, "nine");
    // Only `parity-types` binds `shared-api`: the component keeps working
    // only if that crate's component-type section survives the link.
    let stamped = parity_types::test::guests::shared_api::stamp(1, "t");
    c.eq(
        "stamp through another crate's bindings",
        stamped.name,
        "t!".to_string(),
    );
    c.eq(
        "make-tag (Debug text)",
        format!("{tag:?}"),
        "Tag { id: 9, name: \"nine\" }".to_string(),
    );
}

fn main() {
    let mut c = Checker::default();
    errors(&mut c);
    borrowing(&mut c);
    slots(&mut c);
    shared_types(&mut c);
    if !c.finish("parity-runner") {
        std::process::exit(1);
    }
}
