//! The WASI host's own resource tables.
//!
//! Every WASI resource the guest holds (`output-stream`, `pollable`,
//! `descriptor`, ...) is, from the component's point of view, a host resource
//! whose representation is a `u32`. That `u32` is a key into one of these
//! tables, which own the Rust object behind the handle. The component-level
//! handle table (index 0 reserved, own/borrow tracking) lives in the harness
//! core; this table only maps the representation back to host state.

use std::collections::HashMap;
use std::marker::PhantomData;

/// The representation of a WASI host resource of kind `T`: the key the host
/// hands to the component's handle table when it creates the resource.
pub struct Rep<T> {
    index: u32,
    kind: PhantomData<fn() -> T>,
}

impl<T> Rep<T> {
    /// Wraps a representation received back from the guest.
    pub fn from_u32(index: u32) -> Self {
        Self {
            index,
            kind: PhantomData,
        }
    }

    /// The value stored in the component's handle table.
    pub fn as_u32(&self) -> u32 {
        self.index
    }
}

impl<T> Clone for Rep<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Rep<T> {}
impl<T> std::fmt::Debug for Rep<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rep({})", self.index)
    }
}

/// Host objects of one resource kind, keyed by their representation.
///
/// Keys are never reused while the table lives, so a stale representation
/// can only miss, never reach a different object.
#[derive(Debug)]
pub struct HostTable<T> {
    entries: HashMap<u32, T>,
    next: u32,
}

impl<T> Default for HostTable<T> {
    fn default() -> Self {
        Self {
            entries: HashMap::new(),
            // Start at 1 so that a zeroed representation is recognisably invalid.
            next: 1,
        }
    }
}

impl<T> HostTable<T> {
    /// Stores `value` and returns its representation.
    pub fn push(&mut self, value: T) -> Rep<T> {
        let index = self.next;
        self.next = self.next.wrapping_add(1).max(1);
        self.entries.insert(index, value);
        Rep::from_u32(index)
    }

    /// The object behind `rep`, if it is still alive.
    pub fn get(&self, rep: Rep<T>) -> Option<&T> {
        self.entries.get(&rep.index)
    }

    /// The object behind `rep`, mutably, if it is still alive.
    pub fn get_mut(&mut self, rep: Rep<T>) -> Option<&mut T> {
        self.entries.get_mut(&rep.index)
    }

    /// Removes and returns the object behind `rep` (the resource's destructor).
    pub fn remove(&mut self, rep: Rep<T>) -> Option<T> {
        self.entries.remove(&rep.index)
    }

    /// How many objects are alive.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn representations_are_not_reused_after_removal() {
        let mut table = HostTable::default();
        let a = table.push("a");
        assert_eq!(table.remove(a), Some("a"));
        let b = table.push("b");
        assert_ne!(a.as_u32(), b.as_u32());
        assert!(table.get(a).is_none());
        assert_eq!(table.get(b), Some(&"b"));
        assert_eq!(table.len(), 1);
    }
}
