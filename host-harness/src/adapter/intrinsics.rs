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

use super::handles::HandleMove;
use crate::abi::{self, Alloc, Cx, Path};
use crate::engine::{
    self, CoreAsContextMut, CoreCtxMut, CoreFunc, CoreStore, CoreVal, CoreValType,
};
use crate::error::{CallError, trap};
use crate::runtime::builtins::check_may_leave;
use crate::runtime::store::StoreData;
use crate::runtime::task::TaskId;
use crate::runtime::{ComponentInstanceId, LiftedFunc, RtOptions};

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
    /// `(old, old_len, align, new_len, what: i32) -> i32`: calls the side's
    /// `realloc` as the host path does (the instance may not leave
    /// meanwhile) and checks the result; `what` is an [`AllocFor`] code
    /// choosing the spec's out-of-bounds message.
    Realloc(Side),
    /// `(ptr, len: i32) -> ()`: the side's utf8 string is in bounds and
    /// valid (the bytes are then copied with `memory.copy`).
    Utf8Check(Side),
    /// `(ptr, tagged_len: i32) -> (i32, i32)`: moves a string from this side
    /// to the other, transcoding between their encodings (validating and
    /// trapping as the spec does), allocating with the other's `realloc`.
    Transcode(Side),
    /// `(handle, index: i32) -> i32`: moves an `own` or lends a `borrow`
    /// from this side's table to the other's; `index` is the handle's
    /// position in the signature's `HandleMove` table.
    Handle(Side),
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
            Self::Realloc(Side::Caller) => "caller-realloc",
            Self::Realloc(Side::Callee) => "callee-realloc",
            Self::Utf8Check(Side::Caller) => "caller-utf8-check",
            Self::Utf8Check(Side::Callee) => "callee-utf8-check",
            Self::Transcode(Side::Caller) => "transcode-from-caller",
            Self::Transcode(Side::Callee) => "transcode-from-callee",
            Self::Handle(Side::Caller) => "handle-from-caller",
            Self::Handle(Side::Callee) => "handle-from-callee",
            Self::AsyncStart => "async-start",
            Self::AsyncReturn => "async-return",
            Self::AsyncBlock => "async-block",
        }
    }

    /// The core signature `(params, results)`.
    pub(crate) fn signature(self) -> (&'static [CoreValType], &'static [CoreValType]) {
        const I: CoreValType = CoreValType::I32;
        const I32: &[CoreValType] = &[I];
        match self {
            Self::Enter => (&[], I32),
            Self::Return | Self::Exit | Self::Trap => (I32, &[]),
            Self::Realloc(_) => (&[I, I, I, I, I], I32),
            Self::Utf8Check(_) => (&[I, I], &[]),
            Self::Transcode(_) => (&[I, I], &[I, I]),
            Self::Handle(_) => (&[I, I], I32),
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
    /// A list, spilled tuple or return area not aligned for its type.
    UnalignedPointer = 1,
    /// A list's elements reach past the end of memory.
    ListOutOfBounds = 2,
    /// A spilled tuple or return area reaches past the end of memory.
    OutOfBounds = 3,
    /// A variant-like value's discriminant names no case.
    InvalidDiscriminant = 4,
}

impl AdapterTrap {
    const ALL: [Self; 5] = [
        Self::InvalidChar,
        Self::UnalignedPointer,
        Self::ListOutOfBounds,
        Self::OutOfBounds,
        Self::InvalidDiscriminant,
    ];

    /// The spec's message for the trap (the same as the host path's).
    fn message(code: i32) -> &'static str {
        match Self::ALL.into_iter().find(|t| *t as i32 == code) {
            Some(Self::InvalidChar) => "invalid `char` bit pattern",
            Some(Self::UnalignedPointer) => "unaligned pointer",
            Some(Self::ListOutOfBounds) => "list content out-of-bounds",
            Some(Self::OutOfBounds) => "out of bounds memory access",
            Some(Self::InvalidDiscriminant) => "invalid variant discriminant",
            None => "adapter trapped with an unknown code",
        }
    }
}

/// What a [`Intrinsic::Realloc`] allocates, as its `what` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub(crate) enum AllocFor {
    String = 0,
    List = 1,
    Spill = 2,
}

impl AllocFor {
    fn alloc(code: i32) -> Alloc {
        match code {
            c if c == Self::String as i32 => Alloc::String,
            c if c == Self::List as i32 => Alloc::List,
            _ => Alloc::Spill,
        }
    }
}

/// One of the two sides of an adapted call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Side {
    Caller,
    Callee,
}

impl Side {
    pub(crate) fn other(self) -> Self {
        match self {
            Self::Caller => Self::Callee,
            Self::Callee => Self::Caller,
        }
    }
}

/// The two instances an adapter connects, as its intrinsics see them.
#[derive(Debug, Clone)]
pub(crate) struct Ends {
    pub(crate) caller: ComponentInstanceId,
    pub(crate) callee: ComponentInstanceId,
    /// The lifted function called, for the Task the call runs as.
    pub(crate) callee_func: Arc<LiftedFunc>,
    pub(crate) caller_opts: RtOptions,
    pub(crate) callee_opts: RtOptions,
    /// The spec's `entering_set` of this call, fixed by the two instances.
    pub(crate) entering: Arc<[ComponentInstanceId]>,
    /// The signature's handle positions.
    pub(crate) handles: Arc<[HandleMove]>,
}

impl Ends {
    fn side(&self, side: Side) -> (ComponentInstanceId, &RtOptions) {
        match side {
            Side::Caller => (self.caller, &self.caller_opts),
            Side::Callee => (self.callee, &self.callee_opts),
        }
    }

    /// A lift/lower context for `side`'s memory and options.
    fn cx<'s, T>(&self, ctx: CoreCtxMut<'s, StoreData<T>>, side: Side) -> Cx<'s, T> {
        let (inst, opts) = self.side(side);
        Cx::new(ctx, opts.clone(), inst, Path::Adapter)
    }
}

fn arg(args: &[CoreVal], i: usize) -> u64 {
    match args.get(i) {
        Some(CoreVal::I32(v)) => u64::from(*v as u32),
        _ => 0,
    }
}

fn ret(v: u64) -> CoreVal {
    CoreVal::I32(v as u32 as i32)
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
                let caller_task = rt.scheduler.current_task().map(|t| t.id);
                let task = rt.scheduler.push_task(&ends.callee_func, Path::Adapter);
                rt.scheduler.task_mut(task)?.adapter_caller = caller_task;
                if let Err(e) = rt.enter(task, &ends.entering) {
                    rt.scheduler.pop_task(task);
                    return Err(e);
                }
                rt.adapter_calls += 1;
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
                let lent = std::mem::take(&mut rt.scheduler.task_mut(task)?.lent);
                rt.scheduler.exit_thread();
                rt.scheduler.entered.pop();
                rt.scheduler.pop_task(task);
                rt.instance(ends.caller).handles.end_lends(&lent);
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
            Intrinsic::Realloc(side) => {
                let mut cx = ends.cx(ctx, side);
                let what = AllocFor::alloc(args.get(4).map_or(-1, |v| v.i32().unwrap_or(-1)));
                let align = arg(args, 2) as u32;
                rets[0] = ret(cx.realloc(arg(args, 0), arg(args, 1), align, arg(args, 3), what)?);
                Ok(())
            }
            Intrinsic::Utf8Check(side) => {
                let cx = ends.cx(ctx, side);
                abi::utf8_str(&cx, arg(args, 0), arg(args, 1)).map(drop)
            }
            Intrinsic::Transcode(from) => {
                let mut cx = ends.cx(ctx.as_context_mut(), from);
                let s = abi::load_string(&mut cx, arg(args, 0), arg(args, 1))?;
                let mut cx = ends.cx(ctx, from.other());
                let (ptr, len) = abi::store_string(&mut cx, &s)?;
                rets[0] = ret(ptr);
                rets[1] = ret(len);
                Ok(())
            }
            Intrinsic::Handle(from) => {
                let Some(m) = ends.handles.get(arg(args, 1) as usize).copied() else {
                    return trap("adapter handle index out of range");
                };
                let (from_ref, to_ref) = match from {
                    Side::Caller => (m.caller, m.callee),
                    Side::Callee => (m.callee, m.caller),
                };
                let h = arg(args, 0) as u32;
                let mut cx = ends.cx(ctx.as_context_mut(), from);
                let any = if m.own {
                    abi::lift_own(&mut cx, h, from_ref)?
                } else {
                    abi::lift_borrow(&mut cx, h, from_ref)?
                };
                let lenders = std::mem::take(&mut cx.lenders);
                // The callee's Task is the innermost one while the adapter runs.
                let task = ctx.data_mut().rt.scheduler.current_task_mut()?;
                task.lent.extend(lenders);
                let task = task.id;
                let mut cx = ends.cx(ctx, from.other());
                cx.borrow_scope = Some(task);
                let out = if m.own {
                    abi::lower_own(&mut cx, any, to_ref)?
                } else {
                    abi::lower_borrow(&mut cx, any, to_ref)?
                };
                rets[0] = ret(u64::from(out));
                Ok(())
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
