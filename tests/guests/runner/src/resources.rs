//! Resources: constructors (plain and fallible), methods, statics, own and
//! borrow handles, handles inside lists, records and variants, destructors
//! observed through the provider's live count, and the `store` resource that
//! the provider re-exports from the leaf.

use crate::check::Checker;
use crate::test::guests::counters::{self, Checked, Counter, MaybeCounter, Peek};
use crate::test::guests::store::{self, Cell};

pub fn counters(c: &mut Checker) {
    let base = counters::live();
    let a = Counter::new(10);
    a.add(5);
    c.eq("counter get", a.get(), 15);
    let b = Counter::make(-3);
    c.eq("counter static make", b.get(), -3);
    c.eq("live after two", counters::live(), base + 2);
    a.add_from(&b);
    c.eq("add-from borrow", a.get(), 12);
    c.eq("borrowed stays alive", b.get(), -3);
    let d = a.duplicate();
    c.eq("duplicate", d.get(), 12);
    c.eq("static sum of borrows", Counter::sum(&[&a, &b, &d]), 21);
    c.eq("static sum empty", Counter::sum(&[]), 0);
    a.absorb(b);
    c.eq("absorb", a.get(), 9);
    c.eq(
        "absorb dropped the owned argument",
        counters::live(),
        base + 2,
    );
    drop(d);
    c.eq("drop runs destructor", counters::live(), base + 1);
    drop(a);
    c.eq("all dropped", counters::live(), base);

    match Checked::new(4) {
        Ok(ok) => c.eq("fallible constructor ok", ok.value(), 4),
        Err(e) => c.holds("fallible constructor ok", false, e),
    }
    match Checked::new(-1) {
        Ok(_) => c.holds("fallible constructor err", false, "constructed"),
        Err(e) => c.eq(
            "fallible constructor err",
            e,
            "negative value -1".to_string(),
        ),
    }
}

pub fn aggregates(c: &mut Checker) {
    let base = counters::live();
    let holder = counters::wrap("held", Counter::new(7));
    c.eq("record label", holder.label.as_str(), "held");
    c.eq("record handle", holder.item.get(), 7);
    let back = counters::unwrap(holder);
    c.eq("unwrap", back.get(), 7);
    c.eq(
        "borrow in record",
        counters::peek_label(&Peek {
            label: "seen".to_string(),
            item: &back,
        }),
        "seen=7".to_string(),
    );

    let many = counters::make_many(4);
    let values: Vec<i32> = many.iter().map(Counter::get).collect();
    c.eq("list of handles", values, vec![0, 1, 2, 3]);
    c.eq("live with list", counters::live(), base + 5);
    c.eq("total consumes list", counters::total(many), 6);
    c.eq("list dropped by callee", counters::live(), base + 1);

    variants(c, back);
    c.eq("aggregates leave nothing alive", counters::live(), base);
}

fn variants(c: &mut Checker, one: Counter) {
    match counters::reshape(MaybeCounter::Nothing) {
        MaybeCounter::One(x) => c.eq("variant nothing -> one", x.get(), 0),
        _ => c.holds("variant nothing -> one", false, "other case"),
    }
    match counters::reshape(MaybeCounter::One(one)) {
        MaybeCounter::Many(xs) => {
            let values: Vec<i32> = xs.iter().map(Counter::get).collect();
            c.eq("variant one -> many", values, vec![7, 7]);
            match counters::reshape(MaybeCounter::Many(xs)) {
                MaybeCounter::One(sum) => c.eq("variant many -> one", sum.get(), 14),
                _ => c.holds("variant many -> one", false, "other case"),
            }
        }
        _ => c.holds("variant one -> many", false, "other case"),
    }
}

pub fn store(c: &mut Checker) {
    let (made, dropped) = store::stats();
    let x = Cell::new("left");
    let y = Cell::new("right ✓");
    c.eq("cell get", x.get(), "left".to_string());
    x.swap(&y);
    c.eq(
        "swap through two components",
        (x.get(), y.get()),
        ("right ✓".to_string(), "left".to_string()),
    );
    y.set("");
    c.eq("set empty", y.get(), String::new());
    c.eq("leaf saw constructors", store::stats(), (made + 2, dropped));
    drop(x);
    drop(y);
    c.eq(
        "drop reaches the leaf",
        store::stats(),
        (made + 2, dropped + 2),
    );
}
