//! The handle type of an exported resource offers the accessors
//! wit-bindgen's does (`new`, `rep`, `handle`, `take_handle`, `from_handle`,
//! `get`, `get_mut`, `into_inner`, `dtor`; `lift`/`get`/`rep` on the borrow),
//! with the same signatures. Natively the canonical-ABI intrinsics are stubs,
//! so the behaviour checked here is what needs no host: handle ownership and
//! borrows of a representation.

weft::bindgen!({
    inline: "
        package test:res;
        interface api {
            resource counter {
                constructor(start: u32);
                bump: func() -> u32;
            }
        }
        world res { export api; }
    ",
});

use exports::test::res::api::{Counter, CounterBorrow, Guest, GuestCounter};
use std::cell::Cell;

struct Component;

struct MyCounter(Cell<u32>);

impl Guest for Component {
    type Counter = MyCounter;
}

impl GuestCounter for MyCounter {
    fn new(start: u32) -> Self {
        MyCounter(Cell::new(start))
    }

    fn bump(&self) -> u32 {
        self.0.set(self.0.get() + 1);
        self.0.get()
    }
}

export!(Component);

#[test]
fn accessors_have_wit_bindgens_signatures() {
    let _: fn(MyCounter) -> Counter = Counter::new::<MyCounter>;
    let _: fn(&Counter) -> usize = Counter::rep;
    let _: fn(&Counter) -> u32 = Counter::handle;
    let _: fn(&Counter) -> u32 = Counter::take_handle;
    let _: unsafe fn(u32) -> Counter = Counter::from_handle;
    let _: fn(&Counter) -> &MyCounter = Counter::get::<MyCounter>;
    let _: fn(&mut Counter) -> &mut MyCounter = Counter::get_mut::<MyCounter>;
    let _: fn(Counter) -> MyCounter = Counter::into_inner::<MyCounter>;
    let _: unsafe fn(*mut u8) = Counter::dtor::<MyCounter>;
    let _: fn(&CounterBorrow<'static>) -> &'static MyCounter = CounterBorrow::get::<MyCounter>;
    let _: fn(&CounterBorrow<'static>) -> usize = CounterBorrow::rep;
}

#[test]
fn handles_move_out_once_and_borrows_reach_the_value() {
    // SAFETY: 5 is never dropped: it is taken before `counter` goes away
    // (natively `resource.drop` is a stub that must not run).
    let counter = unsafe { Counter::from_handle(5) };
    assert_eq!(counter.handle(), 5);
    assert_eq!(counter.take_handle(), 5);
    drop(counter);

    let rep = weft::rt::ResourceRep::into_rep(MyCounter(Cell::new(41)));
    // SAFETY: `rep` is a live representation of a `MyCounter`.
    let borrow = unsafe { CounterBorrow::lift(rep as usize) };
    assert_eq!(borrow.rep(), rep as usize);
    assert_eq!(borrow.get::<MyCounter>().bump(), 42);
    // SAFETY: the host would call the destructor once, with this rep.
    unsafe { Counter::dtor::<MyCounter>(rep) };
}
