//! Export side of the drop-in parity checks (`wit/parity.wit`): error types
//! returned as `result` errors, a resource whose representations this crate
//! allocates itself through the `resource_into_raw_`/`resource_from_raw_`
//! hooks (and counts), and `shared-types` bindings taken from the
//! `parity-types` crate through `with` (bindings split over two crates).

#[cfg(not(feature = "peer"))]
weft::bindgen!({
    world: "parity-provider",
    path: "../wit",
    with: { "test:guests/shared-types@0.1.0": parity_types::test::guests::shared_types },
});
#[cfg(feature = "peer")]
wit_bindgen::generate!({
    world: "parity-provider",
    path: "../wit",
    with: { "test:guests/shared-types@0.1.0": parity_types::test::guests::shared_types },
});

use exports::test::guests::parity::{Fault, Guest, GuestSlot, Labels, Problem, SlotRef, Tag};
use std::alloc::{Layout, alloc, dealloc, handle_alloc_error};
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};

struct Provider;

/// Slots placed by `resource_into_raw_` and not yet taken back.
static LIVE: AtomicU32 = AtomicU32::new(0);

struct Slot(Cell<u32>);

impl GuestSlot for Slot {
    fn new(v: u32) -> Self {
        Slot(Cell::new(v))
    }

    fn get(&self) -> u32 {
        self.0.get()
    }

    fn set(&self, v: u32) {
        self.0.set(v);
    }

    unsafe fn resource_into_raw_(val: Self::Rep) -> *mut Self::Rep {
        let layout = Layout::new::<Self::Rep>();
        // SAFETY: the representation is not zero-sized (it holds a `Slot`);
        // the block is written before the pointer is returned.
        unsafe {
            let ptr = alloc(layout).cast::<Self::Rep>();
            if ptr.is_null() {
                handle_alloc_error(layout);
            }
            ptr.write(val);
            LIVE.fetch_add(1, Ordering::Relaxed);
            ptr
        }
    }

    unsafe fn resource_from_raw_(handle: *mut Self::Rep) -> Self::Rep {
        // SAFETY: `handle` came from `resource_into_raw_` above (the hooks'
        // contract), so it holds a value and was allocated with this layout.
        unsafe {
            let val = handle.read();
            dealloc(handle.cast(), Layout::new::<Self::Rep>());
            LIVE.fetch_sub(1, Ordering::Relaxed);
            val
        }
    }
}

impl Guest for Provider {
    type Slot = Slot;

    fn check(n: u32) -> Result<u32, Fault> {
        match n {
            0 => Err(Fault::Empty),
            101.. => Err(Fault::TooBig),
            n => Ok(n * 2),
        }
    }

    fn explain(n: u32) -> Result<(), Problem> {
        match n {
            0 => Ok(()),
            1 => Err(Problem::At(n)),
            n => Err(Problem::Said(format!("n={n}"))),
        }
    }

    fn join(l: Labels, extra: Vec<String>) -> Labels {
        Labels {
            names: l.names.into_iter().chain(extra).collect(),
        }
    }

    fn read(r: SlotRef) -> u32 {
        r.slot.get::<Slot>().get() * r.scale
    }

    fn live_slots() -> u32 {
        LIVE.load(Ordering::Relaxed)
    }

    fn make_tag(id: u32, name: String) -> Tag {
        parity_types::tag(id, &name)
    }
}

impl exports::test::guests::shared_api::Guest for Provider {
    fn stamp(id: u32, name: String) -> Tag {
        parity_types::tag(id, &format!("{name}!"))
    }
}

export!(Provider);
