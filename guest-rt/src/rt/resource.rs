//! Owned resource handles.
//!
//! Every resource type the bindings generate (imported or exported) wraps a
//! [`Resource<T>`]: an `i32` handle in this component's handle table that is
//! dropped with the type's `resource.drop` intrinsic (canonical ABI,
//! `canon resource.drop`). The handle lives in an atomic so that lowering
//! an `own` handle can take it out through a shared reference, which lets
//! generated code lower borrowed and owned arguments the same way.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::fmt;
use core::marker::PhantomData;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU32, Ordering};

/// The value a [`Resource`] holds once its handle was moved out.
const TAKEN: u32 = u32::MAX;

/// How a resource type's handles are released.
///
/// # Safety
/// `drop` must be the `resource.drop` intrinsic of exactly this resource
/// type.
pub unsafe trait WasmResource {
    /// Drops `handle`.
    ///
    /// # Safety
    /// `handle` must be a live owned handle of this resource type.
    unsafe fn drop(handle: u32);
}

/// The handle type of a resource: a struct wrapping a [`Resource`] of
/// itself, `from_handle`/`take_handle`/`handle`, and its [`WasmResource`]
/// impl, whose drop calls the core function `$drop` of module `$module`
/// (the resource's `resource.drop`). Attributes (its docs) go on the
/// struct. One call per resource instead of the same items spelled out in
/// every binding (see `type_impls` for why their length matters).
///
/// ```
/// weft::rt::resource_handle!(
///     /// A file.
///     File, "example:fs/types", "[resource-drop]file"
/// );
/// // SAFETY: a handle that is never used or dropped (this is not wasm).
/// let file = unsafe { File::from_handle(7) };
/// assert_eq!(file.take_handle(), 7);
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __weft_resource_handle {
    ($(#[$attr:meta])* $name:ident, $module:literal, $drop:literal) => {
        $(#[$attr])*
        #[derive(Debug)]
        #[repr(transparent)]
        pub struct $name {
            handle: $crate::rt::Resource<$name>,
        }

        impl $name {
            #[doc(hidden)]
            pub unsafe fn from_handle(handle: u32) -> Self {
                // SAFETY: the caller hands over an owned handle of this type.
                Self { handle: unsafe { $crate::rt::Resource::from_handle(handle) } }
            }
            #[doc(hidden)]
            pub fn take_handle(&self) -> u32 {
                $crate::rt::Resource::take_handle(&self.handle)
            }
            #[doc(hidden)]
            pub fn handle(&self) -> u32 {
                $crate::rt::Resource::handle(&self.handle)
            }
        }

        // SAFETY: `__wit_import` is this resource type's `resource.drop`,
        // as the caller names it.
        unsafe impl $crate::rt::WasmResource for $name {
            #[inline]
            unsafe fn drop(handle: u32) {
                $crate::rt::wit_import!($module, $drop, fn(i32));
                // SAFETY: the caller's live owned handle of this type.
                unsafe { __wit_import(handle as i32) }
            }
        }
    };
}

pub use crate::__weft_resource_handle as resource_handle;

/// An owned handle to a resource of type `T`.
#[repr(transparent)]
pub struct Resource<T: WasmResource> {
    handle: AtomicU32,
    _marker: PhantomData<fn() -> T>,
}

impl<T: WasmResource> Resource<T> {
    /// Wraps an owned handle.
    ///
    /// # Safety
    /// `handle` must be an owned handle of `T` that nothing else drops.
    pub unsafe fn from_handle(handle: u32) -> Self {
        debug_assert!(handle != TAKEN);
        Resource {
            handle: AtomicU32::new(handle),
            _marker: PhantomData,
        }
    }

    /// Moves the handle out; the resource will no longer drop it.
    pub fn take_handle(resource: &Self) -> u32 {
        resource.handle.swap(TAKEN, Ordering::Relaxed)
    }

    /// The handle, still owned by `resource`.
    pub fn handle(resource: &Self) -> u32 {
        resource.handle.load(Ordering::Relaxed)
    }
}

impl<T: WasmResource> fmt::Debug for Resource<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resource")
            .field("handle", &self.handle)
            .finish()
    }
}

impl<T: WasmResource> Drop for Resource<T> {
    fn drop(&mut self) {
        let handle = *self.handle.get_mut();
        if handle != TAKEN {
            // SAFETY: the handle is owned (from `from_handle`) and was not
            // moved out, so this is its only drop.
            unsafe { T::drop(handle) }
        }
    }
}

/// Storage for imported resources that an export receives as `borrow<T>`:
/// the generated types hold `&T`, so each borrowed handle needs a place to
/// live until the export returns.
///
/// Dropping the arena drops every handle in it. For a borrowed handle that
/// is required, not just allowed: the canonical ABI gives the callee its
/// own handle for each borrow of a resource it did not define and traps
/// if any is left when the call ends (`lift_borrow`, `num_borrows`), and
/// `resource.drop` on it is how the callee gives it back.
///
/// The slots are raw pointers from [`Box::into_raw`], not `Box`es: moving a
/// `Box` (into the vector) asserts unique access to its contents, which
/// invalidated the references already handed out (`cargo miri test`
/// reported it as undefined behaviour under Stacked Borrows).
pub struct HandleArena<T> {
    slots: RefCell<Vec<NonNull<T>>>,
}

impl<T> HandleArena<T> {
    /// An empty arena.
    pub const fn new() -> Self {
        HandleArena {
            slots: RefCell::new(Vec::new()),
        }
    }

    /// Stores `value` and returns a reference that lives as long as the
    /// arena.
    pub fn alloc(&self, value: T) -> &T {
        let slot = NonNull::from(Box::leak(Box::new(value)));
        self.slots.borrow_mut().push(slot);
        // SAFETY: the allocation is only freed by `Drop`, which needs the
        // arena by value, after every `&self` borrow (and so every
        // reference returned here) has ended; nothing takes `&mut` to it.
        unsafe { slot.as_ref() }
    }
}

impl<T> Drop for HandleArena<T> {
    fn drop(&mut self) {
        for slot in self.slots.get_mut().drain(..) {
            // SAFETY: each slot came from `Box::leak` in `alloc`, is in the
            // vector once, and no reference to it outlives the arena.
            drop(unsafe { Box::from_raw(slot.as_ptr()) });
        }
    }
}

impl<T> Default for HandleArena<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::sync::atomic::AtomicU32;

    static DROPPED: AtomicU32 = AtomicU32::new(0);

    struct Thing;
    // SAFETY: test double; `drop` only records the handle.
    unsafe impl WasmResource for Thing {
        unsafe fn drop(handle: u32) {
            DROPPED.store(handle, Ordering::SeqCst);
        }
    }

    #[test]
    fn dropping_releases_unless_taken() {
        // SAFETY: `Thing`'s handles are made-up numbers whose `drop` only
        // records them; no real component handle is involved.
        let r = unsafe { Resource::<Thing>::from_handle(7) };
        assert_eq!(Resource::handle(&r), 7);
        drop(r);
        assert_eq!(DROPPED.swap(0, Ordering::SeqCst), 7);
        // SAFETY: as above.
        let r = unsafe { Resource::<Thing>::from_handle(9) };
        assert_eq!(Resource::take_handle(&r), 9);
        drop(r);
        assert_eq!(DROPPED.load(Ordering::SeqCst), 0);
    }

    static OTHER_DROPPED: AtomicU32 = AtomicU32::new(0);

    struct Other;
    // SAFETY: test double; `drop` only records the handle.
    unsafe impl WasmResource for Other {
        unsafe fn drop(_handle: u32) {
            OTHER_DROPPED.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn arena_keeps_borrowed_handles_until_it_is_dropped() {
        let arena = HandleArena::new();
        // SAFETY: `Other`'s handles are made-up numbers whose `drop` only
        // counts calls; no real component handle is involved.
        let a = arena.alloc(unsafe { Resource::<Other>::from_handle(3) });
        // SAFETY: as above.
        let b = arena.alloc(unsafe { Resource::<Other>::from_handle(4) });
        assert_eq!(Resource::handle(a), 3);
        assert_eq!(Resource::handle(b), 4);
        assert_eq!(OTHER_DROPPED.load(Ordering::SeqCst), 0);
        drop(arena);
        assert_eq!(
            OTHER_DROPPED.load(Ordering::SeqCst),
            2,
            "both handles given back"
        );
    }
}
