//! `counters`: resources owned by this component, passed by handle in every
//! position (own and borrow parameters, results, list elements, record fields,
//! variant payloads), with a live count so the runner can observe drops.

use crate::Provider;
use crate::exports::test::guests::counters::{
    Counter, CounterBorrow, Guest, GuestChecked, GuestCounter, Holder, MaybeCounter, Peek,
};
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};

/// Counters constructed and not yet destroyed.
static LIVE: AtomicU32 = AtomicU32::new(0);

/// The representation behind every `counter` handle.
pub struct MyCounter {
    value: Cell<i32>,
}

impl MyCounter {
    fn handle(start: i32) -> Counter {
        Counter::new(<MyCounter as GuestCounter>::new(start))
    }
}

impl Drop for MyCounter {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

fn value_of(c: &Counter) -> i32 {
    c.get::<MyCounter>().value.get()
}

impl GuestCounter for MyCounter {
    fn new(start: i32) -> Self {
        LIVE.fetch_add(1, Ordering::Relaxed);
        MyCounter {
            value: Cell::new(start),
        }
    }
    fn get(&self) -> i32 {
        self.value.get()
    }
    fn add(&self, by: i32) {
        self.value.set(self.value.get().wrapping_add(by));
    }
    fn absorb(&self, other: Counter) {
        let other: MyCounter = other.into_inner();
        self.add(other.value.get());
    }
    fn add_from(&self, other: CounterBorrow<'_>) {
        self.add(other.get::<MyCounter>().value.get());
    }
    fn duplicate(&self) -> Counter {
        MyCounter::handle(self.value.get())
    }
    fn make(start: i32) -> Counter {
        MyCounter::handle(start)
    }
    fn sum(items: Vec<CounterBorrow<'_>>) -> i32 {
        items
            .iter()
            .map(|c| c.get::<MyCounter>().value.get())
            .fold(0, i32::wrapping_add)
    }
}

/// The representation behind `checked`: only non-negative values construct.
pub struct MyChecked(i32);

impl MyChecked {
    fn try_new(value: i32) -> Result<Self, String> {
        if value < 0 {
            Err(format!("negative value {value}"))
        } else {
            Ok(MyChecked(value))
        }
    }
}

impl GuestChecked for MyChecked {
    fn new(value: i32) -> Result<Self, String> {
        Self::try_new(value)
    }
    fn value(&self) -> i32 {
        self.0
    }
}

impl Guest for Provider {
    type Counter = MyCounter;
    type Checked = MyChecked;

    fn wrap(label: String, item: Counter) -> Holder {
        Holder { label, item }
    }
    fn unwrap(h: Holder) -> Counter {
        h.item
    }
    fn make_many(n: u32) -> Vec<Counter> {
        (0..n).map(|i| MyCounter::handle(i as i32)).collect()
    }
    fn total(items: Vec<Counter>) -> i32 {
        items.iter().map(value_of).fold(0, i32::wrapping_add)
    }
    fn reshape(m: MaybeCounter) -> MaybeCounter {
        match m {
            MaybeCounter::Nothing => MaybeCounter::One(MyCounter::handle(0)),
            MaybeCounter::One(c) => {
                let copy = MyCounter::handle(value_of(&c));
                MaybeCounter::Many(vec![c, copy])
            }
            MaybeCounter::Many(cs) => MaybeCounter::One(MyCounter::handle(Self::total(cs))),
        }
    }
    fn peek_label(p: Peek<'_>) -> String {
        format!("{}={}", p.label, p.item.get::<MyCounter>().value.get())
    }
    fn live() -> u32 {
        LIVE.load(Ordering::Relaxed)
    }
}
