//! The value behind an exported resource's `rep`.
//!
//! For a resource this component defines, the canonical ABI stores a
//! 32-bit `rep` chosen by the component (`canon resource.new`); weft uses
//! the address of a [`ResourceRep`], boxed unless the `GuestR` trait's
//! `resource_into_raw_`/`resource_from_raw_` hooks place it elsewhere (an
//! arena, say). A `ResourceRep` records the `TypeId` of the user type first
//! (`repr(C)`), so looking the value up as the wrong type panics instead of
//! reinterpreting memory: the handle types' `get` methods are safe and
//! generic over the implementation type.
//!
//! [`ExportedResource`] names that representation for every type, so the
//! generated hooks can be written as `Self::Rep`, as in wit-bindgen.

use alloc::boxed::Box;
use core::any::TypeId;

/// A user value owned by an exported resource.
#[repr(C)]
pub struct ResourceRep<T> {
    ty: TypeId,
    value: Option<T>,
}

/// What an exported resource's implementation type is stored as; every
/// type has it, so `GuestR` traits can name `Self::Rep`.
pub trait ExportedResource: Sized + 'static {
    /// The representation behind the resource's `rep`.
    type Rep;

    /// Wraps `self` in its representation (before it is placed).
    fn wrap_rep(self) -> Self::Rep;
}

impl<T: 'static> ExportedResource for T {
    type Rep = ResourceRep<T>;

    fn wrap_rep(self) -> ResourceRep<T> {
        ResourceRep::new(self)
    }
}

impl<T: 'static> ResourceRep<T> {
    /// The representation of `value`, not yet placed anywhere.
    pub fn new(value: T) -> Self {
        ResourceRep {
            ty: TypeId::of::<T>(),
            value: Some(value),
        }
    }

    /// Boxes `value` and returns the address to use as the `rep` (what the
    /// default `resource_into_raw_` does).
    pub fn into_rep(value: T) -> *mut u8 {
        Box::into_raw(Box::new(Self::new(value))).cast()
    }

    /// The value behind `rep`.
    ///
    /// # Panics
    /// If `rep` holds a value of another type, or its value was taken.
    ///
    /// # Safety
    /// `rep` must come from [`ResourceRep::into_rep`] (for any type), must
    /// not have been dropped, and no `&mut` to its value may be live.
    pub unsafe fn value<'a>(rep: *mut u8) -> &'a T {
        // SAFETY: forwarded caller guarantee.
        match unsafe { &Self::checked(rep).value } {
            Some(value) => value,
            None => misused(),
        }
    }

    /// The value behind `rep`, mutably.
    ///
    /// # Panics
    /// As for [`ResourceRep::value`].
    ///
    /// # Safety
    /// As for [`ResourceRep::value`], and no other reference to the value
    /// may be live.
    pub unsafe fn value_mut<'a>(rep: *mut u8) -> &'a mut T {
        // SAFETY: forwarded caller guarantee.
        match unsafe { &mut Self::checked(rep).value } {
            Some(value) => value,
            None => misused(),
        }
    }

    /// Moves the value out, leaving the representation empty.
    ///
    /// # Panics
    /// As for [`ResourceRep::value`].
    ///
    /// # Safety
    /// As for [`ResourceRep::value_mut`].
    pub unsafe fn take(rep: *mut u8) -> T {
        // SAFETY: forwarded caller guarantee.
        match unsafe { Self::checked(rep).value.take() } {
            Some(value) => value,
            None => misused(),
        }
    }

    /// Checks that `rep` holds a `T` (before a destructor takes it).
    ///
    /// # Panics
    /// If `rep` holds a value of another type.
    ///
    /// # Safety
    /// As for [`ResourceRep::value`].
    pub unsafe fn check(rep: *mut u8) {
        // SAFETY: forwarded caller guarantee.
        unsafe { Self::checked(rep) };
    }

    /// # Safety
    /// `rep` must point at a live `ResourceRep<U>` for some `U`.
    unsafe fn checked<'a>(rep: *mut u8) -> &'a mut Self {
        // SAFETY: every `ResourceRep<U>` starts with its `TypeId`
        // (`repr(C)`), so reading it is valid whatever `U` is.
        let ty = unsafe { *rep.cast::<TypeId>() };
        if ty != TypeId::of::<T>() {
            misused();
        }
        // SAFETY: the type check makes the cast exact.
        unsafe { &mut *rep.cast::<Self>() }
    }
}

/// The panic of the accessors, kept out of line and shared by every `T`
/// (the accessors are generic and inlined into each export). One message
/// for both misuses keeps the text and the call sites to one.
#[cold]
#[inline(never)]
fn misused() -> ! {
    panic!("resource value missing: accessed as another type, or taken by `into_inner`")
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    #[test]
    fn values_round_trip_and_wrong_types_panic() {
        let rep = ResourceRep::into_rep(String::from("x"));
        // SAFETY: `rep` came from `into_rep` just above and is dropped only
        // at the end of the test; the `u32` read below is the type mismatch
        // under test, which `value` detects and turns into a panic.
        unsafe {
            assert_eq!(ResourceRep::<String>::value(rep), "x");
            ResourceRep::<String>::value_mut(rep).push('y');
            assert_eq!(ResourceRep::<String>::take(rep), "xy");
        }
        // SAFETY: as above; an empty value is detected before any access.
        let taken = std::panic::catch_unwind(|| unsafe { ResourceRep::<String>::value(rep).len() });
        assert!(taken.is_err());
        // SAFETY: as above; the wrong type is checked before any access.
        let wrong = std::panic::catch_unwind(|| unsafe { *ResourceRep::<u32>::value(rep) });
        assert!(wrong.is_err());
        // SAFETY: `rep` came from `into_rep`, which boxed it; it is live,
        // holds a `String`, and is not used again.
        unsafe {
            ResourceRep::<String>::check(rep);
            drop(Box::from_raw(rep.cast::<ResourceRep<String>>()));
        }
    }
}
