//! Typed indices: one mechanism for every index space of the harness.
//!
//! Each index space, static (a component's function, instance, type and
//! core spaces in `translate::def`) or run-time (component instances,
//! functions, tasks, handles and guest resources in `runtime`), gets its own
//! `u32` newtype from [`index_type!`], and the tables keyed by it are
//! [`PrimaryMap`]s, so indexing a table with another space's index is a
//! compile error, not a wrong value. The newtype and map come from
//! `cranelift-entity`, the crate a mature runtime uses for exactly this.

pub(crate) use cranelift_entity::{EntityRef, PrimaryMap, SecondaryMap};

/// Declares typed index newtypes over `u32`, each with the prefix its
/// `Debug` and `Display` output shows (`func3`).
macro_rules! index_type {
    ($($(#[$doc:meta])* $vis:vis struct $name:ident($prefix:literal);)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis struct $name(u32);
        cranelift_entity::entity_impl!($name, $prefix);
    )*};
}
pub(crate) use index_type;
