//! `store`, exported by wrapping the same interface imported from the leaf:
//! each exported `cell` owns one imported `cell`, so dropping ours drops the
//! leaf's, and `swap` turns a borrow of our resource into a borrow of theirs.

use crate::Provider;
use crate::exports::test::guests::store::{CellBorrow, Guest, GuestCell};
use crate::test::guests::store as leaf;

/// An exported cell: a thin owner of the leaf's cell.
pub struct ProxyCell {
    inner: leaf::Cell,
}

impl GuestCell for ProxyCell {
    fn new(value: String) -> Self {
        ProxyCell {
            inner: leaf::Cell::new(&value),
        }
    }
    fn get(&self) -> String {
        self.inner.get()
    }
    fn set(&self, value: String) {
        self.inner.set(&value);
    }
    fn swap(&self, other: CellBorrow<'_>) {
        self.inner.swap(&other.get::<ProxyCell>().inner);
    }
}

impl Guest for Provider {
    type Cell = ProxyCell;

    fn stats() -> (u32, u32) {
        leaf::stats()
    }
}
