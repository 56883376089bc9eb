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
            resource slot {
                get: func() -> u32;
            }
        }
        world res { export api; }
    ",
});

use exports::test::res::api::{Counter, CounterBorrow, Guest, GuestCounter, GuestSlot, Slot};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Component;

struct MyCounter(Cell<u32>);

impl Guest for Component {
    type Counter = MyCounter;
    type Slot = ArenaSlot;
}

/// A resource whose representations live in a fixed arena instead of
/// boxes, through the `resource_into_raw_`/`resource_from_raw_` hooks.
struct ArenaSlot(u32);

static PLACED: AtomicUsize = AtomicUsize::new(0);
static RELEASED: AtomicUsize = AtomicUsize::new(0);

/// Room for a few representations, never moved.
struct Arena(std::cell::UnsafeCell<[Option<<ArenaSlot as weft::rt::ExportedResource>::Rep>; 4]>);

// SAFETY: the tests touch the arena from one thread at a time (each slot
// index is used by one test only).
unsafe impl Sync for Arena {}

static ARENA: Arena = Arena(std::cell::UnsafeCell::new([None, None, None, None]));

impl GuestSlot for ArenaSlot {
    unsafe fn resource_into_raw_(val: Self::Rep) -> *mut Self::Rep {
        let i = PLACED.fetch_add(1, Ordering::Relaxed);
        // SAFETY: slot `i` is used once (see `Arena`).
        let slot = unsafe { &mut (*ARENA.0.get())[i] };
        slot.insert(val)
    }

    unsafe fn resource_from_raw_(handle: *mut Self::Rep) -> Self::Rep {
        RELEASED.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `handle` points into the arena slot `resource_into_raw_`
        // filled; taking it out of the `Option` leaves the slot empty.
        let slots = unsafe { &mut *ARENA.0.get() };
        let slot = slots
            .iter_mut()
            .find(|s| s.as_ref().is_some_and(|v| std::ptr::eq(v, handle)))
            .expect("a placed representation");
        slot.take().expect("placed once")
    }

    fn get(&self) -> u32 {
        self.0
    }
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

#[test]
fn representation_hooks_decide_where_values_live() {
    let rep = weft::rt::ExportedResource::wrap_rep(ArenaSlot(9));
    // SAFETY: the pointer stays valid until the destructor below.
    let ptr = unsafe { <ArenaSlot as GuestSlot>::resource_into_raw_(rep) }.cast::<u8>();
    // SAFETY: `ptr` is a live representation of an `ArenaSlot`.
    let borrow = unsafe { exports::test::res::api::SlotBorrow::lift(ptr as usize) };
    assert_eq!(borrow.get::<ArenaSlot>().get(), 9);
    assert_eq!(RELEASED.load(Ordering::Relaxed), 0);
    // SAFETY: the host would call the destructor once, with this rep.
    unsafe { Slot::dtor::<ArenaSlot>(ptr) };
    assert_eq!(
        RELEASED.load(Ordering::Relaxed),
        1,
        "the destructor used the hook"
    );
}
