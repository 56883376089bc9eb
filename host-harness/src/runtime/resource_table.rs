//! A store-owned table mapping host resource representations to host values.
//!
//! Host resources cross into guests as a `u32` rep. This table hands out
//! those reps for arbitrary host values and gets them back, type-checked.
//! It is independent of the component handle tables (`handles`), which
//! track what each guest instance holds.

use std::any::Any;

use super::super::values::Resource;
use crate::error::Error;

/// Host values indexed by the reps given to guests.
#[derive(Default)]
pub struct ResourceTable {
    slots: Vec<Option<Box<dyn Any + Send>>>,
    free: Vec<u32>,
}

impl ResourceTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `value` and returns an owned handle to it.
    pub fn push<R: Any + Send>(&mut self, value: R) -> Resource<R> {
        let boxed: Box<dyn Any + Send> = Box::new(value);
        let rep = match self.free.pop() {
            Some(rep) => {
                self.slots[rep as usize] = Some(boxed);
                rep
            }
            None => {
                self.slots.push(Some(boxed));
                (self.slots.len() - 1) as u32
            }
        };
        Resource::new_own(rep)
    }

    /// The value behind `resource`.
    ///
    /// # Errors
    ///
    /// If the rep is unknown or holds a value of another type.
    pub fn get<R: Any + Send>(&self, resource: &Resource<R>) -> Result<&R, Error> {
        self.slots
            .get(resource.rep() as usize)
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
        self.slots
            .get_mut(resource.rep() as usize)
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
        let rep = resource.rep();
        let boxed = self.slots[rep as usize].take().expect("checked by get");
        self.free.push(rep);
        Ok(*boxed.downcast().expect("checked by get"))
    }
}
