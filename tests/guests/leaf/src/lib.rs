//! The innermost test component: it owns the `store` cells that the provider
//! both imports (from here) and re-exports, and counts creations and drops so
//! the runner can observe destructors across two component boundaries.

#[cfg(not(feature = "peer"))]
weft::bindgen!({ world: "leaf", path: "../wit" });
#[cfg(feature = "peer")]
wit_bindgen::generate!({ world: "leaf", path: "../wit" });

use exports::test::guests::store::{Guest, GuestCell};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering};

static MADE: AtomicU32 = AtomicU32::new(0);
static DROPPED: AtomicU32 = AtomicU32::new(0);

struct Leaf;

/// One stored string; `RefCell` because resource methods take `&self`.
struct Cell {
    value: RefCell<String>,
}

impl Guest for Leaf {
    type Cell = Cell;

    fn stats() -> (u32, u32) {
        (
            MADE.load(Ordering::Relaxed),
            DROPPED.load(Ordering::Relaxed),
        )
    }
}

impl GuestCell for Cell {
    fn new(value: String) -> Self {
        MADE.fetch_add(1, Ordering::Relaxed);
        Cell {
            value: RefCell::new(value),
        }
    }

    fn get(&self) -> String {
        self.value.borrow().clone()
    }

    fn set(&self, value: String) {
        *self.value.borrow_mut() = value;
    }

    fn swap(&self, other: exports::test::guests::store::CellBorrow<'_>) {
        let other: &Cell = other.get();
        // Swapping a cell with itself is a no-op rather than a double borrow.
        if std::ptr::eq(self, other) {
            return;
        }
        std::mem::swap(
            &mut *self.value.borrow_mut(),
            &mut *other.value.borrow_mut(),
        );
    }
}

impl Drop for Cell {
    fn drop(&mut self) {
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

export!(Leaf);
