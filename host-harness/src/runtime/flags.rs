//! A component instance's `may_enter` and `may_leave` flags
//! (CanonicalABI.md, "Component instance state"), and the one place that
//! decides where they live.
//!
//! Both flags are also read and written by generated code: a fused
//! adapter's fast path (`crate::adapter`, `runtime::lazy`) checks that the
//! caller may leave and the callee may be entered, and enters and leaves
//! the callee, without a host call; an adapter clears `may_leave` while
//! it calls a side's `realloc`. So each flag is a mutable i32 core global
//! (1: allowed) that every adapter of the instance imports:
//!
//! - `may_leave` lives only in its global; host code reads and writes it
//!   through [`may_leave`] and [`set_may_leave`].
//! - `may_enter` is read on many host paths that hold only the
//!   [`Runtime`](super::Runtime) (the scheduler's scans), so it also has a
//!   host copy. Every write goes through [`set_may_enter`], which writes
//!   both. Generated code writes only the global, and only for instances
//!   its lazy frames entered: `runtime::lazy` brings the host copy up to
//!   date (the instance entered) before any host code runs, so the copy
//!   is exact whenever host code reads it.

use super::ComponentInstanceId;
use super::store::StoreData;
use crate::engine::{self, CoreAsContextMut, CoreCtxMut, CoreGlobal};
use crate::error::{Error, trap};

/// The flags of one instance.
#[derive(Debug)]
pub(crate) struct InstanceFlags {
    /// The host copy of `may_enter` (see the module docs).
    may_enter: bool,
    may_enter_global: CoreGlobal,
    may_leave_global: CoreGlobal,
}

impl InstanceFlags {
    /// Both flags set, as for a new instance.
    pub(crate) fn new(mut ctx: impl CoreAsContextMut) -> Self {
        Self {
            may_enter: true,
            may_enter_global: engine::mutable_i32_global(&mut ctx, 1),
            may_leave_global: engine::mutable_i32_global(&mut ctx, 1),
        }
    }

    /// `may_enter`, as host code sees it.
    pub(crate) fn may_enter(&self) -> bool {
        self.may_enter
    }

    /// The `may_enter` global, for an adapter to import.
    pub(crate) fn may_enter_global(&self) -> CoreGlobal {
        self.may_enter_global
    }

    /// The `may_leave` global, for an adapter to import.
    pub(crate) fn may_leave_global(&self) -> CoreGlobal {
        self.may_leave_global
    }
}

/// Sets `inst`'s `may_enter` (both its copies).
pub(crate) fn set_may_enter<T>(
    ctx: &mut CoreCtxMut<'_, StoreData<T>>,
    inst: ComponentInstanceId,
    value: bool,
) {
    let flags = &mut ctx.data_mut().rt.instance(inst).flags;
    flags.may_enter = value;
    let g = flags.may_enter_global;
    engine::set_i32_global(ctx, &g, i32::from(value));
}

/// Sets `may_enter` of every instance of `set`.
pub(crate) fn set_may_enter_all<T>(
    ctx: &mut CoreCtxMut<'_, StoreData<T>>,
    set: &[ComponentInstanceId],
    value: bool,
) {
    for i in set {
        set_may_enter(ctx, *i, value);
    }
}

/// `inst`'s `may_leave`.
pub(crate) fn may_leave<T>(ctx: &CoreCtxMut<'_, StoreData<T>>, inst: ComponentInstanceId) -> bool {
    let g = ctx.data().rt.instances[inst].flags.may_leave_global;
    engine::i32_global(ctx, &g) != 0
}

/// Sets `inst`'s `may_leave`.
pub(crate) fn set_may_leave<T>(
    ctx: &mut CoreCtxMut<'_, StoreData<T>>,
    inst: ComponentInstanceId,
    value: bool,
) {
    let g = ctx.data().rt.instances[inst].flags.may_leave_global;
    engine::set_i32_global(ctx, &g, i32::from(value));
}

/// The spec's `may_leave` guard: an instance inside `post-return` or
/// `realloc` (or a destructor) may not call out. (It takes the context
/// `&mut`, as the built-ins that call it hold it.)
pub(crate) fn check_may_leave<T>(
    ctx: &mut CoreCtxMut<'_, StoreData<T>>,
    inst: ComponentInstanceId,
) -> Result<(), Error> {
    if may_leave(ctx, inst) {
        Ok(())
    } else {
        trap("cannot leave component instance")
    }
}
