//! The per-instance `HandleTable` of the spec ("Table State").
//!
//! Index 0 is reserved so that 0 can mean "no handle"; freed slots are
//! reused most-recently-freed first, exactly as the reference `Table` does,
//! because the suite observes handle numbers. Slots are typed: resource
//! handles, and the scheduler's waitables (`concurrency::waitable`) and
//! waitable sets.

use crate::error::{Error, trap};
use crate::index::{EntityRef, PrimaryMap, index_type};
use crate::types::ResourceType;

use super::concurrency::stream::CopyEnd;
use super::concurrency::subtask::Subtask;
use super::concurrency::waitable::WaitableSet;
use super::task::TaskId;

index_type! {
    /// A handle index as the guest sees it.
    pub(crate) struct HandleIdx("handle");
}

impl HandleIdx {
    /// The handle index a guest passed. `u32::MAX`, the index type's
    /// reserved value, is past any table's `MAX_LENGTH`, so it traps here
    /// with the message a lookup of it would give.
    pub(crate) fn from_guest(i: u32) -> Result<Self, Error> {
        if i == u32::MAX {
            return unknown(i);
        }
        Ok(Self::from_u32(i))
    }
}

/// The spec's `ResourceHandle`.
#[derive(Debug, Clone)]
pub(crate) struct ResourceHandle {
    pub(crate) ty: ResourceType,
    pub(crate) rep: u32,
    pub(crate) own: bool,
    /// For borrows: the task whose call lent the handle.
    pub(crate) borrow_scope: Option<TaskId>,
    pub(crate) num_lends: u32,
}

impl ResourceHandle {
    /// An owned handle.
    pub(crate) fn own(ty: ResourceType, rep: u32) -> Self {
        Self {
            ty,
            rep,
            own: true,
            borrow_scope: None,
            num_lends: 0,
        }
    }

    /// A borrow lent for the call of task `scope` (`None`: by the host).
    pub(crate) fn borrow(ty: ResourceType, rep: u32, scope: Option<TaskId>) -> Self {
        Self {
            own: false,
            borrow_scope: scope,
            ..Self::own(ty, rep)
        }
    }
}

/// What a table slot holds.
#[derive(Debug, Clone)]
pub(crate) enum Slot {
    Resource(ResourceHandle),
    WaitableSet(WaitableSet),
    Subtask(Subtask),
    /// An end of a stream or future.
    CopyEnd(CopyEnd),
    /// An `error-context`: its debug message.
    ErrorContext(String),
}

#[derive(Debug)]
pub(crate) struct HandleTable {
    array: PrimaryMap<HandleIdx, Option<Slot>>,
    free: Vec<HandleIdx>,
    /// The most live handles: the spec's `Table.MAX_LENGTH` (2^28 - 1) or
    /// the store's lower limit.
    max_len: u32,
}

impl HandleTable {
    pub(crate) fn with_max_len(max_len: u32) -> Self {
        let mut array = PrimaryMap::new();
        array.push(None);
        Self {
            array,
            free: Vec::new(),
            max_len,
        }
    }

    pub(crate) fn add(&mut self, slot: Slot) -> Result<HandleIdx, Error> {
        if let Some(i) = self.free.pop() {
            self.array[i] = Some(slot);
            return Ok(i);
        }
        if self.array.next_key().index() > self.max_len as usize {
            return trap(format!(
                "handle table is full: the limit is {} handles",
                self.max_len
            ));
        }
        // A guest decides how many handles it makes, so a failed allocation
        // must be a trap. PrimaryMap has no `try_reserve`; its buffer moves
        // in and out of a `Vec` without a copy.
        let mut array: Vec<Option<Slot>> = std::mem::take(&mut self.array).into();
        let reserved = array.try_reserve(1);
        self.array = array.into();
        if reserved.is_err() {
            return trap("out of host memory for the handle table");
        }
        Ok(self.array.push(Some(slot)))
    }

    pub(crate) fn get(&self, i: HandleIdx) -> Result<&Slot, Error> {
        match self.array.get(i) {
            Some(Some(slot)) => Ok(slot),
            _ => unknown(i.as_u32()),
        }
    }

    pub(crate) fn get_mut(&mut self, i: HandleIdx) -> Result<&mut Slot, Error> {
        match self.array.get_mut(i) {
            Some(Some(slot)) => Ok(slot),
            _ => unknown(i.as_u32()),
        }
    }

    pub(crate) fn remove(&mut self, i: HandleIdx) -> Result<Slot, Error> {
        self.get(i)?;
        self.free.push(i);
        Ok(self.array[i].take().expect("checked by get"))
    }

    /// Ends the loans that lifting `borrow`s from these owned handles made
    /// for one call (the spec's `num_lends` decrement when the borrow scope
    /// ends). A handle the guest has since dropped is skipped.
    pub(crate) fn end_lends(&mut self, lenders: &[HandleIdx]) {
        for i in lenders {
            if let Ok(Slot::Resource(h)) = self.get_mut(*i) {
                h.num_lends = h.num_lends.saturating_sub(1);
            }
        }
    }

    /// The resource handle at `i`, checked to be of type `ty`.
    pub(crate) fn resource(
        &mut self,
        i: HandleIdx,
        ty: ResourceType,
    ) -> Result<&mut ResourceHandle, Error> {
        let found = match self.get(i)? {
            Slot::Resource(h) => h.ty,
            Slot::WaitableSet(_) | Slot::Subtask(_) | Slot::CopyEnd(_) | Slot::ErrorContext(_) => {
                return trap(format!(
                    "handle index {} used with the wrong type, expected a resource",
                    i.as_u32()
                ));
            }
        };
        if found != ty {
            return trap(wrong_type(i, ty, found));
        }
        match self.get_mut(i)? {
            Slot::Resource(h) => Ok(h),
            Slot::WaitableSet(_) | Slot::Subtask(_) | Slot::CopyEnd(_) | Slot::ErrorContext(_) => {
                unknown(i.as_u32())
            }
        }
    }
}

/// The trap for a handle index that names no slot.
fn unknown<T>(i: u32) -> Result<T, Error> {
    trap(format!("unknown handle index {i}"))
}

/// The trap message when a handle is used at the wrong resource type.
pub(crate) fn wrong_type(i: HandleIdx, expected: ResourceType, found: ResourceType) -> String {
    let kind = |t: ResourceType| {
        if t.is_host() {
            "host-defined resource"
        } else {
            "guest-defined resource"
        }
    };
    let found = if kind(expected) == kind(found) {
        format!("a different {}", kind(found))
    } else {
        format!("a {}", kind(found))
    };
    format!(
        "handle index {} used with the wrong type, expected {} but found {found}",
        i.as_u32(),
        kind(expected)
    )
}
