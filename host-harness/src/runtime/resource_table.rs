//! A store-owned table mapping host resource representations to host values.
//!
//! Host resources cross into guests as a `u32` rep. This table hands out
//! those reps for arbitrary host values and gets them back, type-checked.
//! It is independent of the component handle tables (`handles`), which
//! track what each guest instance holds.

use std::any::Any;

use super::super::values::Resource;
use crate::error::Error;
use crate::index::{PrimaryMap, index_type};

index_type! {
    /// A slot of a [`ResourceTable`]: the rep its resources carry.
    struct Slot("rep");
}

impl Slot {
    /// The slot of a rep from a [`Resource`]; `u32::MAX`, the index type's
    /// reserved value, is never handed out, so it names no slot.
    fn of(rep: u32) -> Option<Self> {
        (rep != u32::MAX).then(|| Self::from_u32(rep))
    }
}

/// Host values indexed by the reps given to guests.
#[derive(Default)]
pub struct ResourceTable {
    slots: PrimaryMap<Slot, Option<Box<dyn Any + Send>>>,
    free: Vec<Slot>,
}

impl ResourceTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `value` and returns an owned handle to it.
    pub fn push<R: Any + Send>(&mut self, value: R) -> Resource<R> {
        let boxed: Box<dyn Any + Send> = Box::new(value);
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot] = Some(boxed);
                slot
            }
            None => self.slots.push(Some(boxed)),
        };
        Resource::new_own(slot.as_u32())
    }

    /// The value behind `resource`.
    ///
    /// # Errors
    ///
    /// If the rep is unknown or holds a value of another type.
    pub fn get<R: Any + Send>(&self, resource: &Resource<R>) -> Result<&R, Error> {
        Slot::of(resource.rep())
            .and_then(|slot| self.slots.get(slot))
            .and_then(|s| s.as_ref())
            .and_then(|b| b.downcast_ref())
            .ok_or_else(|| Error::trap(format!("unknown resource rep {}", resource.rep())))
    }

    /// The value behind `resource`, mutably.
    ///
    /// # Errors
    ///
    /// If the rep is unknown or holds a value of another type.
    pub fn get_mut<R: Any + Send>(&mut self, resource: &Resource<R>) -> Result<&mut R, Error> {
        Slot::of(resource.rep())
            .and_then(|slot| self.slots.get_mut(slot))
            .and_then(|s| s.as_mut())
            .and_then(|b| b.downcast_mut())
            .ok_or_else(|| Error::trap(format!("unknown resource rep {}", resource.rep())))
    }

    /// Removes and returns the value behind `resource`.
    ///
    /// # Errors
    ///
    /// If the rep is unknown or holds a value of another type.
    pub fn delete<R: Any + Send>(&mut self, resource: Resource<R>) -> Result<R, Error> {
        self.get::<R>(&resource)?;
        let slot = Slot::of(resource.rep()).expect("checked by get");
        let boxed = self.slots[slot].take().expect("checked by get");
        self.free.push(slot);
        Ok(*boxed.downcast().expect("checked by get"))
    }
}
