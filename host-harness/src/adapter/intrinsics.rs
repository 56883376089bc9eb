//! The host functions a fused adapter imports (its only way out of wasm).
//!
//! An adapter is core wasm, but some of the spec's steps touch state that
//! lives in the host: the Task stack of the scheduler, handle tables, and
//! (for the async half) the scheduler's decisions. (The instances' flags
//! are core globals, `runtime::flags`, which a synchronous call's fast
//! path reads and writes itself, `runtime::lazy`.) Each such step is one
//! [`Intrinsic`]; the compiler imports the ones a signature needs from the
//! `weft` namespace, and `mod.rs` creates them per instantiation, bound to
//! the caller and callee instances. The async entries hand a call whose
//! callee may block to the scheduler: the adapter moves the arguments, the
//! scheduler runs the callee's thread, blocks a synchronous caller, and
//! routes the result that comes back through `task.return`.

use std::sync::Arc;

use super::compile::CoreShape;
use super::handles::HandleMove;
use crate::abi::{self, Cx, Path};
use crate::engine::{
    self, CoreAsContext, CoreAsContextMut, CoreCaller, CoreCtxMut, CoreFunc, CoreStore, CoreVal,
    CoreValType, HostOutcome, SmallArity,
};
use crate::error::{Error, trap};
use crate::runtime::builtins::check_may_leave;
use crate::runtime::call::{self, Started};
use crate::runtime::concurrency::check_may_block;
use crate::runtime::concurrency::stream;
use crate::runtime::handles::HandleIdx;
use crate::runtime::lower;
use crate::runtime::store::StoreData;
use crate::runtime::task::TaskId;
use crate::runtime::task::{Deferred, DeferredArgs, SyncReturn};
use crate::runtime::{ComponentInstanceId, LiftedFunc, RtOptions, Runtime, flags};
use crate::types::{ResourceRef, Type};

/// The import module name of every intrinsic.
pub(crate) const MODULE: &str = "weft";

/// One host step of an adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Intrinsic {
    /// `() -> i32`: the caller may leave, the callee's entering set may be
    /// entered (and is now entered); pushes the callee's Task, returns its id.
    Enter,
    /// `(ptr, len: i32) -> i32`: [`Self::Enter`], then
    /// [`Self::Utf8Check`] of the caller's string `(ptr, len)`: one host
    /// call for the two first steps of a call whose first parameter is a
    /// string between two utf8 sides (the same checks in the same order).
    EnterUtf8,
    /// `(task: i32) -> ()`: the caller has read the results; no borrow
    /// lent to the task remains, and the callee may not leave while its
    /// `post-return` runs. Task `-1`: the running task, which a fast-path
    /// call's lazy frame became (`runtime::lazy`).
    Return,
    /// `(task: i32) -> ()`: ends the task (after `post-return`, if any) and
    /// makes the callee enterable again; task `-1` as for [`Self::Return`].
    Exit,
    /// `(code: i32) -> ()`: traps with the message of [`AdapterTrap`] `code`.
    Trap,
    /// `(new_len: i32) -> ()`: the side's `realloc`, which the adapter
    /// calls itself, returned null for `new_len` bytes; traps naming the
    /// store's memory limit if a memory growth was refused (as the host
    /// path's realloc does), else lets the adapter check the pointer.
    AllocNull(Side),
    /// `(ptr, len: i32) -> ()`: the side's utf8 string is in bounds and
    /// valid (the bytes are then copied with `memory.copy`).
    Utf8Check(Side),
    /// `(ptr, tagged_len: i32) -> i32`: validates the string of this side
    /// (trapping as the spec does) and encodes it for the other side into
    /// the store's transcoding buffer; returns the bytes the adapter is to
    /// allocate on the other side.
    Transcode(Side),
    /// `(ptr: i32) -> (i32, i32)`: writes the buffer of [`Self::Transcode`]
    /// at `ptr` in this side's memory; returns the size to shrink the
    /// block to (`-1`: keep it) and the tagged length.
    TranscodeStore(Side),
    /// `(handle, index: i32) -> i32`: moves an `own` or lends a `borrow`
    /// (or moves a future or stream end, or copies an `error-context`)
    /// from this side's table to the other's; `index` is the handle's
    /// position in the signature's `HandleMove` table.
    Handle(Side),
    /// `() -> i32`, for a callee the scheduler runs (an `async` type, or an
    /// async lift): the caller may leave (and, if synchronous, block), the
    /// callee may be entered; unless backpressure or another exclusive
    /// task holds the call back (then `-1`: the adapter defers the start
    /// with [`Self::AsyncDefer`]), pushes and enters the callee's Task
    /// and returns its id for the arguments to be moved into.
    AsyncStart,
    /// `(caller params..) -> caller results`, after [`Self::AsyncStart`]
    /// returned `-1`: defers the call (a Task in STARTING whose start runs
    /// the adapter's `start` function on these arguments), then blocks a
    /// synchronous caller until it resolves, or returns an `async` one the
    /// subtask's STARTING status.
    AsyncDefer,
    /// `(task, callee params.., [retptr]) -> caller results`: a synchronous
    /// caller runs the started task's thread; if the callee blocks, so
    /// does the caller's thread (a suspension the scheduler resumes with
    /// the lowered result once the callee resolved through `task.return`).
    AsyncBlock,
    /// `(task, callee params.., [retptr]) -> i32`: an `async` caller runs
    /// the started task's thread until it resolves (the result is stored at
    /// `retptr`, status `RETURNED`) or blocks (it becomes a subtask of the
    /// caller; status `STARTED` and its handle).
    AsyncReturn,
}

impl Intrinsic {
    /// The import name in [`MODULE`].
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Enter => "enter",
            Self::EnterUtf8 => "enter-utf8-check",
            Self::Return => "return",
            Self::Exit => "exit",
            Self::Trap => "trap",
            Self::AllocNull(Side::Caller) => "caller-alloc-null",
            Self::AllocNull(Side::Callee) => "callee-alloc-null",
            Self::Utf8Check(Side::Caller) => "caller-utf8-check",
            Self::Utf8Check(Side::Callee) => "callee-utf8-check",
            Self::Transcode(Side::Caller) => "transcode-from-caller",
            Self::Transcode(Side::Callee) => "transcode-from-callee",
            Self::TranscodeStore(Side::Caller) => "transcode-into-caller",
            Self::TranscodeStore(Side::Callee) => "transcode-into-callee",
            Self::Handle(Side::Caller) => "handle-from-caller",
            Self::Handle(Side::Callee) => "handle-from-callee",
            Self::AsyncStart => "async-start",
            Self::AsyncReturn => "async-return",
            Self::AsyncDefer => "async-defer",
            Self::AsyncBlock => "async-block",
        }
    }

    /// Whether the step touches only memory and the transcoding buffer (no
    /// task or flag), so an adapter calling it stays on its fast path
    /// (`engine::host_func_leaf`).
    fn is_leaf(self) -> bool {
        match self {
            Self::Utf8Check(_) | Self::Transcode(_) | Self::TranscodeStore(_) => true,
            Self::Enter
            | Self::EnterUtf8
            | Self::Return
            | Self::Exit
            | Self::Trap
            | Self::AllocNull(_)
            | Self::Handle(_)
            | Self::AsyncStart
            | Self::AsyncDefer
            | Self::AsyncBlock
            | Self::AsyncReturn => false,
        }
    }

    /// The core signature `(params, results)` in an adapter of `shape`
    /// (pointers and lengths are of their side's width).
    pub(crate) fn signature(self, shape: &CoreShape) -> (Vec<CoreValType>, Vec<CoreValType>) {
        const I: CoreValType = CoreValType::I32;
        let p = |side: Side| crate::abi::layout::ptr_type(shape.wide(side));
        match self {
            Self::Enter | Self::AsyncStart => (vec![], vec![I]),
            Self::Return | Self::Exit | Self::Trap => (vec![I], vec![]),
            Self::AllocNull(side) => (vec![p(side)], vec![]),
            Self::Utf8Check(side) => (vec![p(side), p(side)], vec![]),
            Self::EnterUtf8 => (vec![I, I], vec![I]),
            Self::Transcode(from) => (vec![p(from), p(from)], vec![p(from.other())]),
            Self::TranscodeStore(to) => (vec![p(to)], vec![p(to), p(to)]),
            Self::Handle(_) => (vec![I, I], vec![I]),
            Self::AsyncDefer => (shape.caller_params.clone(), shape.caller_results.clone()),
            Self::AsyncBlock | Self::AsyncReturn => {
                let mut params = vec![I];
                params.extend(&shape.callee_params);
                params.extend(shape.retptr.map(|_| p(Side::Caller)));
                (params, shape.caller_results.clone())
            }
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
    /// A string's new bytes (from `realloc`) reach past the end of memory.
    StringOutOfBounds = 5,
}

impl AdapterTrap {
    const ALL: [Self; 6] = [
        Self::InvalidChar,
        Self::UnalignedPointer,
        Self::ListOutOfBounds,
        Self::OutOfBounds,
        Self::InvalidDiscriminant,
        Self::StringOutOfBounds,
    ];

    /// The spec's message for the trap (the same as the host path's).
    fn message(code: i32) -> &'static str {
        match Self::ALL.into_iter().find(|t| *t as i32 == code) {
            Some(Self::InvalidChar) => "invalid `char` bit pattern",
            Some(Self::UnalignedPointer) => "unaligned pointer",
            Some(Self::ListOutOfBounds) => "list content out-of-bounds",
            Some(Self::OutOfBounds) => "out of bounds memory access",
            Some(Self::InvalidDiscriminant) => "invalid variant discriminant",
            Some(Self::StringOutOfBounds) => "string content out-of-bounds",
            None => "adapter trapped with an unknown code",
        }
    }
}

/// What an adapter's `realloc` call allocates; chooses the spec's
/// out-of-bounds trap for the pointer it returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AllocFor {
    String,
    List,
    Spill,
}

impl AllocFor {
    /// The trap for a returned pointer whose bytes pass the end of memory.
    pub(crate) fn out_of_bounds(self) -> AdapterTrap {
        match self {
            Self::String => AdapterTrap::StringOutOfBounds,
            Self::List => AdapterTrap::ListOutOfBounds,
            Self::Spill => AdapterTrap::OutOfBounds,
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
    /// The result type as the caller's component names it.
    pub(crate) lower_result: Option<Type>,
    /// The adapter's core signatures.
    pub(crate) shape: Arc<CoreShape>,
    /// The adapter instance's `start` function, once instantiated.
    pub(crate) start: Arc<std::sync::OnceLock<CoreFunc>>,
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
        Some(CoreVal::I64(v)) => *v as u64,
        _ => 0,
    }
}

fn ret(v: u64) -> CoreVal {
    CoreVal::I32(v as u32 as i32)
}

/// The task of the call an adapter's `return` or `exit` step names: the
/// id `enter` returned, or (`-1`) the innermost running task, which the
/// fast path's lazy frame became (`runtime::lazy`); that task must be a
/// call of the adapter's callee.
fn entered_task(rt: &Runtime, ends: &Ends, args: &[CoreVal]) -> Result<TaskId, Error> {
    if !matches!(args.first(), Some(CoreVal::I32(-1))) {
        return Ok(task_arg(args));
    }
    match rt.scheduler.current_task() {
        Some(t) if Arc::ptr_eq(&t.func, &ends.callee_func) => Ok(t.id),
        Some(_) | None => trap("adapter exited a call whose task is not running"),
    }
}

/// `v` as a pointer or length of a side whose memory is 64-bit when `wide`.
fn ret_ptr(wide: bool, v: u64) -> CoreVal {
    if wide { CoreVal::I64(v as i64) } else { ret(v) }
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
    let (params, results) = which.signature(&ends.shape);
    let ends = ends.clone();
    // The steps of every synchronous call take the typed, cheaper route.
    let small = match which {
        Intrinsic::Enter => Some(SmallArity::ToI32),
        Intrinsic::EnterUtf8 => Some(SmallArity::PairToI32),
        Intrinsic::Return | Intrinsic::Exit | Intrinsic::Trap => Some(SmallArity::OfI32),
        Intrinsic::AllocNull(side) if !ends.shape.wide(side) => Some(SmallArity::OfI32),
        Intrinsic::AllocNull(_) => None,
        Intrinsic::Utf8Check(side) if !ends.shape.wide(side) => Some(SmallArity::OfPair),
        Intrinsic::Utf8Check(_)
        | Intrinsic::Transcode(_)
        | Intrinsic::TranscodeStore(_)
        | Intrinsic::Handle(_)
        | Intrinsic::AsyncStart
        | Intrinsic::AsyncDefer
        | Intrinsic::AsyncBlock
        | Intrinsic::AsyncReturn => None,
    };
    if let Some(arity) = small {
        debug_assert_eq!(
            (params.len(), results.len()),
            match arity {
                SmallArity::ToI32 => (0, 1),
                SmallArity::OfI32 => (1, 0),
                SmallArity::OfPair => (2, 0),
                SmallArity::PairToI32 => (2, 1),
            }
        );
        let body = move |mut c: CoreCaller<'_, StoreData<T>>, a, b| {
            let mut rets = [CoreVal::I32(0)];
            let args = [CoreVal::I32(a), CoreVal::I32(b)];
            sync_step(c.as_context_mut(), &ends, which, &args, &mut rets)?;
            Ok(rets[0].i32().unwrap_or(0))
        };
        return if which.is_leaf() {
            engine::host_func_small_leaf(store, arity, body)
        } else {
            engine::host_func_small(store, arity, body)
        };
    }
    if which.is_leaf() {
        return engine::host_func_leaf(store, &params, &results, move |mut c, args, rets| {
            sync_step(c.as_context_mut(), &ends, which, args, rets)
        });
    }
    engine::host_func_suspendable(store, &params, &results, move |mut c, args, rets| {
        let ctx = c.as_context_mut();
        match which {
            Intrinsic::AsyncStart => async_start(ctx, &ends, rets).map(|()| HostOutcome::Done),
            Intrinsic::AsyncDefer => async_defer(ctx, &ends, args, rets),
            Intrinsic::AsyncBlock | Intrinsic::AsyncReturn => {
                async_run(ctx, &ends, which, args, rets)
            }
            Intrinsic::Enter
            | Intrinsic::EnterUtf8
            | Intrinsic::Return
            | Intrinsic::Exit
            | Intrinsic::Trap
            | Intrinsic::AllocNull(_)
            | Intrinsic::Utf8Check(_)
            | Intrinsic::Transcode(_)
            | Intrinsic::TranscodeStore(_)
            | Intrinsic::Handle(_) => {
                sync_step(ctx, &ends, which, args, rets).map(|()| HostOutcome::Done)
            }
        }
    })
}

/// The intrinsics of every adapted call.
fn sync_step<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    ends: &Ends,
    which: Intrinsic,
    args: &[CoreVal],
    rets: &mut [CoreVal],
) -> Result<(), Error> {
    match which {
        Intrinsic::Enter | Intrinsic::EnterUtf8 => {
            check_may_leave(&mut ctx, ends.caller)?;
            let task = push_entered(&mut ctx, ends)?;
            rets[0] = CoreVal::I32(task.as_u32() as i32);
            if which == Intrinsic::EnterUtf8 {
                let cx = ends.cx(ctx, Side::Caller);
                abi::utf8_str(&cx, arg(args, 0), arg(args, 1))?;
            }
            Ok(())
        }
        Intrinsic::Return => {
            let task = entered_task(&ctx.data().rt, ends, args)?;
            ctx.data_mut().rt.scheduler.check_returned(task)?;
            flags::set_may_leave(&mut ctx, ends.callee, false);
            Ok(())
        }
        Intrinsic::Exit => {
            let task = entered_task(&ctx.data().rt, ends, args)?;
            let rt = &mut ctx.data_mut().rt;
            rt.scheduler.check_returned(task)?;
            let lent = std::mem::take(&mut rt.scheduler.task_mut(task)?.lent);
            rt.scheduler.exit_thread();
            rt.scheduler.entered.pop();
            rt.scheduler.pop_task(task);
            rt.instance(ends.caller).handles.end_lends(&lent);
            flags::set_may_leave(&mut ctx, ends.callee, true);
            flags::set_may_enter_all(&mut ctx, &ends.entering, true);
            Ok(())
        }
        Intrinsic::Trap => {
            let code = match args.first() {
                Some(CoreVal::I32(c)) => *c,
                _ => -1,
            };
            trap(AdapterTrap::message(code))
        }
        Intrinsic::AllocNull(side) => {
            let cx = ends.cx(ctx, side);
            cx.null_alloc(arg(args, 0))
        }
        Intrinsic::Utf8Check(side) => match ends.side(side).1.memory {
            Some(m) => {
                let memory = engine::memory_data(ctx.as_context(), &m);
                abi::adapter_utf8_check(memory, arg(args, 0), arg(args, 1))
            }
            None => trap("canonical option `memory` is required"),
        },
        Intrinsic::Transcode(from) => {
            let to = ends.side(from.other()).1.encoding;
            let mut out = std::mem::take(&mut ctx.data_mut().rt.transcoded);
            let mut cx = ends.cx(ctx.as_context_mut(), from);
            let done = abi::transcode(&mut cx, arg(args, 0), arg(args, 1), to, &mut out);
            rets[0] = ret_ptr(ends.shape.wide(from.other()), out.alloc);
            ctx.data_mut().rt.transcoded = out;
            done
        }
        Intrinsic::TranscodeStore(to) => {
            let out = std::mem::take(&mut ctx.data_mut().rt.transcoded);
            let mut cx = ends.cx(ctx.as_context_mut(), to);
            let written = cx.write(arg(args, 0), &out.bytes, "string content out-of-bounds");
            let wide = ends.shape.wide(to);
            rets[0] = out
                .shrink_to
                .map_or(ret_ptr(wide, u64::MAX), |n| ret_ptr(wide, n));
            rets[1] = ret_ptr(wide, out.tagged_len);
            ctx.data_mut().rt.transcoded = out;
            written
        }
        Intrinsic::Handle(from) => {
            let Some(m) = ends.handles.get(arg(args, 1) as usize) else {
                return trap("adapter handle index out of range");
            };
            let h = arg(args, 0) as u32;
            let out = match m {
                HandleMove::Resource {
                    own,
                    caller,
                    callee,
                } => {
                    let refs = match from {
                        Side::Caller => (*caller, *callee),
                        Side::Callee => (*callee, *caller),
                    };
                    move_resource(ctx, ends, from, *own, h, refs)?
                }
                HandleMove::End {
                    future,
                    caller_elem,
                    callee_elem,
                } => {
                    let (src, dst) = (ends.side(from).0, ends.side(from.other()).0);
                    let elem = match from.other() {
                        Side::Caller => caller_elem,
                        Side::Callee => callee_elem,
                    };
                    let rt = &mut ctx.data_mut().rt;
                    let channel = stream::lift_end(rt, src, HandleIdx::from_guest(h)?, *future)?;
                    stream::lower_end(rt, dst, channel, *future, elem.clone())?.as_u32()
                }
                HandleMove::ErrorContext => {
                    let (src, dst) = (ends.side(from).0, ends.side(from.other()).0);
                    let rt = &mut ctx.data_mut().rt;
                    let e = abi::lift_error_context(rt, src, HandleIdx::from_guest(h)?)?;
                    abi::lower_error_context(rt, dst, &e)?.as_u32()
                }
            };
            rets[0] = ret(u64::from(out));
            Ok(())
        }
        Intrinsic::AsyncStart
        | Intrinsic::AsyncDefer
        | Intrinsic::AsyncBlock
        | Intrinsic::AsyncReturn => {
            trap("adapter routed a scheduler intrinsic to the synchronous ones")
        }
    }
}

/// [`Intrinsic::AsyncStart`].
fn async_start<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    ends: &Ends,
    rets: &mut [CoreVal],
) -> Result<(), Error> {
    check_may_leave(&mut ctx, ends.caller)?;
    let f = &ends.callee_func;
    let rt = &mut ctx.data_mut().rt;
    // A synchronous caller must be allowed to block before it enters a
    // callee that may block.
    if !ends.caller_opts.is_async && f.ty.is_async {
        check_may_block(rt)?;
    }
    if !rt.may_enter_set(&ends.entering) {
        return trap("cannot enter component instance");
    }
    if call::held_back(rt, f) {
        rets[0] = CoreVal::I32(-1);
        return Ok(());
    }
    let task = push_entered(&mut ctx, ends)?;
    rets[0] = CoreVal::I32(task.as_u32() as i32);
    Ok(())
}

/// [`Intrinsic::AsyncDefer`].
fn async_defer<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    ends: &Ends,
    args: &[CoreVal],
    rets: &mut [CoreVal],
) -> Result<HostOutcome, Error> {
    let Some(start) = ends.start.get().copied() else {
        return trap("adapter deferred a call without a start function");
    };
    let f = &ends.callee_func;
    let rt = &mut ctx.data_mut().rt;
    // A synchronous caller blocks until the call resolves.
    if !ends.caller_opts.is_async {
        check_may_block(rt)?;
    }
    crate::runtime::concurrency::limits::check_new_task(rt)?;
    let task = rt.scheduler.push_task(f, Path::Adapter);
    let deferred = Deferred {
        func: f.clone(),
        args: DeferredArgs::Flat {
            start,
            args: args.to_vec(),
        },
        path: Path::Adapter,
    };
    rt.scheduler.defer(task, deferred)?;
    rt.scheduler.stamp(task);
    rt.adapter_calls += 1;
    let ret = SyncReturn {
        caller: ends.caller,
        opts: ends.caller_opts.clone(),
        result: ends.lower_result.clone(),
        retptr: ends.shape.retptr.map(|i| arg(args, i as usize)),
        lenders: Vec::new(),
    };
    if ends.caller_opts.is_async {
        rets[0] = lower::pending_subtask(rt, task, ret)?;
        return Ok(HostOutcome::Done);
    }
    Ok(lower::blocked_on(task, ret))
}

/// Pushes the callee's Task and enters the call's instances (the spec's
/// `enter_from`); counts the adapted call. The task ends with its caller's
/// if the adapter traps before it exits (or, for a scheduled callee,
/// before its thread starts).
fn push_entered<T>(ctx: &mut CoreCtxMut<'_, StoreData<T>>, ends: &Ends) -> Result<TaskId, Error> {
    let rt = &mut ctx.data_mut().rt;
    crate::runtime::concurrency::limits::check_new_task(rt)?;
    let task = rt.scheduler.push_adapter_task(&ends.callee_func);
    if let Err(e) = crate::runtime::enter(ctx, task, &ends.entering) {
        ctx.data_mut().rt.scheduler.pop_task(task);
        return Err(e);
    }
    ctx.data_mut().rt.adapter_calls += 1;
    Ok(task)
}

/// [`Intrinsic::AsyncBlock`] and [`Intrinsic::AsyncReturn`].
fn async_run<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    ends: &Ends,
    which: Intrinsic,
    args: &[CoreVal],
    rets: &mut [CoreVal],
) -> Result<HostOutcome, Error> {
    let task = task_arg(args);
    let n = ends.shape.callee_params.len();
    let Some(flat) = args.get(1..=n) else {
        return trap("adapter passed too few arguments to its callee");
    };
    let retptr = ends.shape.retptr.map(|_| arg(args, n + 1));
    let rt = &mut ctx.data_mut().rt;
    // The handles lent to the callee now belong to the call's return.
    let t = rt.scheduler.task_mut(task)?;
    let lenders = std::mem::take(&mut t.lent);
    let ret = SyncReturn {
        caller: ends.caller,
        opts: ends.caller_opts.clone(),
        result: ends.lower_result.clone(),
        retptr,
        lenders,
    };
    let started = call::start_entered(ctx.as_context_mut(), task, flat, ends.caller)?;
    // From here on the scheduler owns the task.
    if let Ok(t) = ctx.data_mut().rt.scheduler.task_mut(task) {
        t.adapter_caller = None;
    }
    match (which, started) {
        (Intrinsic::AsyncReturn, Started::Done(value)) => {
            rets[0] = lower::returned_at_once(ctx, &ret, value)?;
        }
        (Intrinsic::AsyncReturn, Started::Pending) => {
            rets[0] = lower::pending_subtask(&mut ctx.data_mut().rt, task, ret)?;
        }
        (_, Started::Done(value)) => {
            let flat = lower::finish_sync_call(ctx, &ret, value)?;
            for (slot, v) in rets.iter_mut().zip(flat) {
                *slot = v;
            }
        }
        (_, Started::Pending) => {
            check_may_block(&mut ctx.data_mut().rt)?;
            return Ok(lower::blocked_on(task, ret));
        }
    }
    Ok(HostOutcome::Done)
}

/// Moves an `own` (or lends a `borrow`) `h` from side `from`'s table to
/// the other's, `refs` naming the resource type on each (source first).
fn move_resource<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    ends: &Ends,
    from: Side,
    own: bool,
    h: u32,
    (from_ref, to_ref): (ResourceRef, ResourceRef),
) -> Result<u32, Error> {
    let mut cx = ends.cx(ctx.as_context_mut(), from);
    let any = if own {
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
    if own {
        abi::lower_own(&mut cx, any, to_ref)
    } else {
        abi::lower_borrow(&mut cx, any, to_ref)
    }
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
