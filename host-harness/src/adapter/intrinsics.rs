//! The host functions a fused adapter imports (its only way out of wasm).
//!
//! An adapter is core wasm, but some of the spec's steps touch state that
//! lives in the host: the component instances' `may_enter`/`may_leave`
//! flags, the Task stack of the scheduler, handle tables, and (for the
//! async half) the scheduler's decisions. Each such step is one
//! [`Intrinsic`]; the compiler imports the ones a signature needs from the
//! `weft` namespace, and `mod.rs` creates them per instantiation, bound to
//! the caller and callee instances. The async entries are the seam the
//! scheduler issue fills in; today they trap.

use std::sync::Arc;

use crate::engine::{self, CoreAsContextMut, CoreFunc, CoreStore, CoreVal, CoreValType};
use crate::error::{CallError, trap};
use crate::runtime::ComponentInstanceId;
use crate::runtime::builtins::check_may_leave;
use crate::runtime::store::StoreData;
use crate::runtime::task::TaskId;

/// The import module name of every intrinsic.
pub(crate) const MODULE: &str = "weft";

/// One host step of an adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Intrinsic {
    /// `() -> i32`: the caller may leave, the callee's entering set may be
    /// entered (and is now entered); pushes the callee's Task, returns its id.
    Enter,
    /// `(task: i32) -> ()`: the caller has read the results; no borrow
    /// lent to the task remains, and the callee may not leave while its
    /// `post-return` runs.
    Return,
    /// `(task: i32) -> ()`: ends the task (after `post-return`, if any) and
    /// makes the callee enterable again.
    Exit,
    /// `(code: i32) -> ()`: traps with the message of [`AdapterTrap`] `code`.
    Trap,
    /// An async-lowered call starts its subtask (scheduler issue).
    #[expect(
        dead_code,
        reason = "the async scheduler issue routes async calls here"
    )]
    AsyncStart,
    /// An async-lifted callee returned through `task.return` (scheduler issue).
    #[expect(
        dead_code,
        reason = "the async scheduler issue routes async calls here"
    )]
    AsyncReturn,
    /// A sync-lowered caller blocks on an async callee (scheduler issue).
    #[expect(
        dead_code,
        reason = "the async scheduler issue routes async calls here"
    )]
    AsyncBlock,
}

impl Intrinsic {
    /// The import name in [`MODULE`].
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Enter => "enter",
            Self::Return => "return",
            Self::Exit => "exit",
            Self::Trap => "trap",
            Self::AsyncStart => "async-start",
            Self::AsyncReturn => "async-return",
            Self::AsyncBlock => "async-block",
        }
    }

    /// The core signature `(params, results)`.
    pub(crate) fn signature(self) -> (&'static [CoreValType], &'static [CoreValType]) {
        const I32: &[CoreValType] = &[CoreValType::I32];
        match self {
            Self::Enter => (&[], I32),
            Self::Return | Self::Exit | Self::Trap => (I32, &[]),
            Self::AsyncStart | Self::AsyncReturn | Self::AsyncBlock => (&[], &[]),
        }
    }
}

/// Why an adapter traps; the code it passes to [`Intrinsic::Trap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub(crate) enum AdapterTrap {
    /// A `char` outside the Unicode scalar values.
    InvalidChar = 0,
}

impl AdapterTrap {
    /// The spec's message for the trap (the same as the host path's).
    fn message(code: i32) -> &'static str {
        match code {
            c if c == Self::InvalidChar as i32 => "invalid `char` bit pattern",
            _ => "adapter trapped with an unknown code",
        }
    }
}

/// The two instances an adapter connects, as its intrinsics see them.
#[derive(Debug, Clone)]
pub(crate) struct Ends {
    pub(crate) caller: ComponentInstanceId,
    pub(crate) callee: ComponentInstanceId,
    /// The spec's `entering_set` of this call, fixed by the two instances.
    pub(crate) entering: Arc<[ComponentInstanceId]>,
}

fn task_arg(args: &[CoreVal]) -> TaskId {
    match args.first() {
        Some(CoreVal::I32(v)) => TaskId::from_u32(*v as u32),
        _ => TaskId::from_u32(0),
    }
}

/// Creates intrinsic `which` bound to `ends`.
pub(crate) fn host_func<T: 'static>(
    store: &mut CoreStore<StoreData<T>>,
    which: Intrinsic,
    ends: &Ends,
) -> CoreFunc {
    let (params, results) = which.signature();
    let ends = ends.clone();
    engine::host_func(store, params, results, move |mut c, args, rets| {
        let mut ctx = c.as_context_mut();
        match which {
            Intrinsic::Enter => {
                check_may_leave(&mut ctx, ends.caller)?;
                let rt = &mut ctx.data_mut().rt;
                if ends.entering.iter().any(|i| !rt.instance(*i).may_enter) {
                    return trap("cannot enter component instance");
                }
                for i in ends.entering.iter() {
                    rt.instance(*i).may_enter = false;
                }
                rt.adapter_calls += 1;
                let task = rt.scheduler.push_task(ends.callee, false);
                rets[0] = CoreVal::I32(task.as_u32() as i32);
                Ok(())
            }
            Intrinsic::Return => {
                let rt = &mut ctx.data_mut().rt;
                rt.scheduler.check_returned(task_arg(args))?;
                rt.instance(ends.callee).may_leave = false;
                Ok(())
            }
            Intrinsic::Exit => {
                let rt = &mut ctx.data_mut().rt;
                let task = task_arg(args);
                rt.scheduler.check_returned(task)?;
                rt.instance(ends.callee).may_leave = true;
                rt.scheduler.pop_task(task);
                for i in ends.entering.iter() {
                    rt.instance(*i).may_enter = true;
                }
                Ok(())
            }
            Intrinsic::Trap => {
                let code = match args.first() {
                    Some(CoreVal::I32(c)) => *c,
                    _ => -1,
                };
                trap(AdapterTrap::message(code))
            }
            Intrinsic::AsyncStart | Intrinsic::AsyncReturn | Intrinsic::AsyncBlock => {
                Err(CallError::Unsupported(format!(
                    "adapter intrinsic `{}` needs the async scheduler (not supported yet)",
                    which.name()
                ))
                .into())
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trap_code_has_its_own_message() {
        assert_eq!(
            AdapterTrap::message(AdapterTrap::InvalidChar as i32),
            "invalid `char` bit pattern"
        );
        assert_eq!(
            AdapterTrap::message(99),
            "adapter trapped with an unknown code"
        );
    }
}
