//! Streams and futures (Concurrency.md, "Streams and Futures";
//! CanonicalABI.md, "Stream State" and "Future State").
//!
//! A stream or future is a [`Channel`] with two ends, each a waitable in
//! some instance's handle table ([`CopyEnd`]). A read or write offers a
//! buffer of guest memory; if the other end already offered one, values
//! move between the two memories at once, otherwise the offer waits in the
//! channel (`Channel::pending`) until the other end comes. A future is the
//! one-element case with stricter end rules, so both share this code.
//! Values are copied through `abi::load`/`abi::store`, so handles in
//! payloads move between the instances' tables as the spec says.

use super::waitable::{Event, EventCode, Waitable};
use crate::abi::{self, Cx, Path, layout};
use crate::engine::{CoreAsContextMut, CoreCtxMut};
use crate::error::{Error, trap};
use crate::index::index_type;
use crate::runtime::handles::{HandleIdx, HandleTable, Slot};
use crate::runtime::store::StoreData;
use crate::runtime::{ComponentInstanceId, RtOptions, Runtime};
use crate::types::Type;

index_type! {
    /// Identifies a stream or future shared by its two ends.
    pub(crate) struct ChannelId("channel");
}

/// The spec's `Buffer.MAX_LENGTH`.
const MAX_BUFFER_LENGTH: u32 = (1 << 28) - 1;

/// The state two ends share (the spec's `SharedStreamImpl` and
/// `SharedFutureImpl`).
#[derive(Debug, Clone)]
pub(crate) struct Channel {
    /// Whether one end was dropped.
    pub(crate) dropped: bool,
    /// The end whose read or write waits for the other end.
    pub(crate) pending: Option<EndRef>,
}

/// Where an end lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EndRef {
    pub(crate) inst: ComponentInstanceId,
    pub(crate) idx: HandleIdx,
}

/// The spec's `CopyState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CopyState {
    Idle,
    Copying,
    CancellingCopy,
    Done,
}

/// The spec's `CopyResult`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CopyResult {
    Completed,
    Dropped,
    Cancelled,
}

impl CopyResult {
    fn code(self) -> u32 {
        match self {
            Self::Completed => 0,
            Self::Dropped => 1,
            Self::Cancelled => 2,
        }
    }
}

/// A guest buffer offered to a read or write.
#[derive(Debug, Clone)]
pub(crate) struct Buffer {
    opts: RtOptions,
    ptr: u64,
    len: u32,
    progress: u32,
}

impl Buffer {
    fn remain(&self) -> u32 {
        self.len - self.progress
    }
}

/// Which end and of what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EndKind {
    pub(crate) future: bool,
    pub(crate) readable: bool,
}

impl EndKind {
    fn noun(self) -> &'static str {
        if self.future { "future" } else { "stream" }
    }

    fn event_code(self) -> EventCode {
        match (self.future, self.readable) {
            (false, true) => EventCode::StreamRead,
            (false, false) => EventCode::StreamWrite,
            (true, true) => EventCode::FutureRead,
            (true, false) => EventCode::FutureWrite,
        }
    }
}

/// One end of a stream or future in a handle table (the spec's `CopyEnd`).
#[derive(Debug, Clone)]
pub(crate) struct CopyEnd {
    pub(crate) channel: ChannelId,
    pub(crate) kind: EndKind,
    /// The payload type (`None`: no payload).
    pub(crate) elem: Option<Type>,
    pub(crate) state: CopyState,
    pub(crate) waitable: Waitable,
    /// The buffer of the copy in progress, until its event is delivered.
    buffer: Option<Buffer>,
    /// The result the pending event reports.
    result: Option<CopyResult>,
    /// The pending `Completed` event only reports a partial copy out of
    /// (or into) a buffer that stays offered.
    partial: bool,
}

impl CopyEnd {
    pub(crate) fn new(channel: ChannelId, kind: EndKind, elem: Option<Type>) -> Self {
        Self {
            channel,
            kind,
            elem,
            state: CopyState::Idle,
            waitable: Waitable::default(),
            buffer: None,
            result: None,
            partial: false,
        }
    }

    fn copying(&self) -> bool {
        match self.state {
            CopyState::Idle | CopyState::Done => false,
            CopyState::Copying | CopyState::CancellingCopy => true,
        }
    }

    /// The copy this end offers, for a host-held other end: the buffer's
    /// options and address, and how many elements are done and left.
    pub(crate) fn offered(&self) -> Option<(&RtOptions, u64, u32, u32)> {
        let b = self.buffer.as_ref()?;
        Some((&b.opts, b.ptr, b.progress, b.remain()))
    }

    /// A host-held other end moved `n` more elements of the offered
    /// buffer (`0`: it answered a zero-length probe); the buffer stays
    /// offered until the event is delivered, as in a guest-to-guest copy.
    pub(crate) fn host_copied(&mut self, n: u32) {
        let left = match self.buffer.as_mut() {
            Some(b) => {
                b.progress += n;
                b.remain()
            }
            None => 0,
        };
        self.set_event(CopyResult::Completed);
        self.partial = n > 0 && left > 0;
    }

    /// A host-held other end was dropped during this end's copy.
    pub(crate) fn host_dropped(&mut self) {
        self.set_event(CopyResult::Dropped);
    }

    fn set_event(&mut self, result: CopyResult) {
        self.partial = false;
        self.result = Some(result);
        self.waitable.pending = true;
    }

    /// Delivers the pending event of this end, at handle `i`.
    pub(crate) fn take_event(&mut self, i: HandleIdx) -> Event {
        self.waitable.pending = false;
        let result = self.result.take().unwrap_or(CopyResult::Completed);
        let progress = self.buffer.take().map_or(0, |b| b.progress);
        self.state = match (self.kind.future, result) {
            (_, CopyResult::Dropped) | (true, CopyResult::Completed) => CopyState::Done,
            (false, CopyResult::Completed) | (_, CopyResult::Cancelled) => CopyState::Idle,
        };
        let payload = if self.kind.future {
            result.code()
        } else {
            result.code() | (progress << 4)
        };
        Event {
            code: self.kind.event_code(),
            p1: i.as_u32(),
            p2: payload,
        }
    }
}

impl HandleTable {
    /// The end at `i`, checked to be of `kind`.
    pub(crate) fn copy_end_mut(
        &mut self,
        i: HandleIdx,
        kind: EndKind,
    ) -> Result<&mut CopyEnd, Error> {
        match self.get_mut(i)? {
            Slot::CopyEnd(e) if e.kind == kind => Ok(e),
            Slot::CopyEnd(_)
            | Slot::Resource(_)
            | Slot::WaitableSet(_)
            | Slot::Subtask(_)
            | Slot::ErrorContext(_) => trap(format!(
                "handle index {} is not a {} {} end",
                i.as_u32(),
                if kind.readable {
                    "readable"
                } else {
                    "writable"
                },
                kind.noun()
            )),
        }
    }
}

/// How a read, write or cancel ended.
pub(crate) enum Copied {
    /// It finished: the payload the built-in returns.
    Done(u32),
    /// It waits for the other end.
    Blocked,
}

/// `stream.new` / `future.new`: both ends in `inst`'s table, packed as the
/// built-in returns them.
pub(crate) fn new_channel(
    rt: &mut Runtime,
    inst: ComponentInstanceId,
    future: bool,
    elem: Option<Type>,
) -> Result<u64, Error> {
    let channel = rt.scheduler.channels.push(Channel {
        dropped: false,
        pending: None,
    });
    let end = |readable| CopyEnd::new(channel, EndKind { future, readable }, elem.clone());
    let table = &mut rt.instance(inst).handles;
    let r = table.add(Slot::CopyEnd(end(true)))?;
    let w = table.add(Slot::CopyEnd(end(false)))?;
    Ok(u64::from(r.as_u32()) | (u64::from(w.as_u32()) << 32))
}

/// The pending end of `channel` other than `me`, if its offer still stands.
fn other_pending(rt: &mut Runtime, channel: ChannelId, me: EndRef) -> Option<EndRef> {
    let pending = rt.scheduler.channels[channel].pending?;
    if pending == me {
        return None;
    }
    match rt.instance(pending.inst).handles.get(pending.idx) {
        Ok(Slot::CopyEnd(e)) if e.channel == channel && e.buffer.is_some() => Some(pending),
        _ => None,
    }
}

fn end_mut(rt: &mut Runtime, at: EndRef) -> Result<&mut CopyEnd, Error> {
    match rt.instance(at.inst).handles.get_mut(at.idx)? {
        Slot::CopyEnd(e) => Ok(e),
        Slot::Resource(_) | Slot::WaitableSet(_) | Slot::Subtask(_) | Slot::ErrorContext(_) => {
            trap("stream or future end disappeared")
        }
    }
}

/// `stream.read`/`stream.write`/`future.read`/`future.write` on end `idx`
/// of `inst`, with the buffer at `ptr` of `len` elements.
pub(crate) fn copy<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    inst: ComponentInstanceId,
    idx: HandleIdx,
    kind: EndKind,
    opts: RtOptions,
    ptr: u64,
    len: u32,
) -> Result<Copied, Error> {
    let rt = &mut ctx.data_mut().rt;
    let e = rt.instance(inst).handles.copy_end_mut(idx, kind)?;
    match (e.state, kind.future, kind.readable) {
        (CopyState::Idle, _, _) => {}
        (CopyState::Done, false, true) => {
            return trap(
                "cannot read from stream after being notified that the writable end dropped",
            );
        }
        (CopyState::Done, false, false) => {
            return trap(
                "cannot write to stream after being notified that the readable end dropped",
            );
        }
        (CopyState::Done, true, true) => {
            return trap("cannot read from future after previous read succeeded");
        }
        (CopyState::Done, true, false) => {
            return trap(
                "cannot write to future after previous write succeeded or readable end dropped",
            );
        }
        (CopyState::Copying | CopyState::CancellingCopy, _, _) => {
            return trap("cannot have concurrent operations active on a future/stream");
        }
    }
    if e.waitable.set.is_some() && !opts.is_async {
        return trap("waitable cannot be used synchronously while added to a waitable set");
    }
    let elem = e.elem.clone();
    let channel = e.channel;
    if len > MAX_BUFFER_LENGTH {
        return trap("stream buffer length exceeds the maximum");
    }
    if let Some(t) = &elem
        && len > 0
    {
        let cx = Cx::new(ctx.as_context_mut(), opts.clone(), inst, Path::Adapter);
        let ptr64 = cx.ptr64();
        let size = u64::from(layout::elem_size(t, ptr64)) * u64::from(len);
        cx.check_ptr(ptr, layout::alignment(t, ptr64), size)?;
    }
    let rt = &mut ctx.data_mut().rt;
    let me = EndRef { inst, idx };
    let e = rt.instance(inst).handles.copy_end_mut(idx, kind)?;
    e.state = CopyState::Copying;
    e.buffer = Some(Buffer {
        opts,
        ptr,
        len,
        progress: 0,
    });
    if rt.scheduler.channels[channel].pending == Some(me) {
        rt.scheduler.channels[channel].pending = None;
    }
    if rt.scheduler.channels[channel].dropped {
        end_mut(rt, me)?.set_event(CopyResult::Dropped);
    } else if let Some(other) = other_pending(rt, channel, me) {
        if other.inst == inst && elem.as_ref().is_some_and(|t| !is_number(t)) {
            return trap(format!(
                "cannot read from and write to intra-component {}",
                kind.noun()
            ));
        }
        let (reader, writer) = if kind.readable {
            (me, other)
        } else {
            (other, me)
        };
        let other_remain = end_mut(rt, other)?
            .buffer
            .as_ref()
            .map_or(0, Buffer::remain);
        if kind.future {
            transfer(ctx.as_context_mut(), writer, reader, 1)?;
            let rt = &mut ctx.data_mut().rt;
            end_mut(rt, other)?.set_event(CopyResult::Completed);
            rt.scheduler.channels[channel].pending = None;
            end_mut(rt, me)?.set_event(CopyResult::Completed);
        } else if other_remain > 0 {
            if len > 0 {
                let n = len.min(other_remain);
                transfer(ctx.as_context_mut(), writer, reader, n)?;
                // The other end's buffer stays offered until its event is
                // delivered (the spec's `reclaim_buffer`); a cancel before
                // then reports the partial progress as cancelled.
                let o = end_mut(&mut ctx.data_mut().rt, other)?;
                o.set_event(CopyResult::Completed);
                o.partial = n < other_remain;
            }
            end_mut(&mut ctx.data_mut().rt, me)?.set_event(CopyResult::Completed);
        } else if !kind.readable && len == 0 {
            // Two zero-length offers: a readiness probe that completes.
            end_mut(rt, me)?.set_event(CopyResult::Completed);
        } else {
            end_mut(rt, other)?.set_event(CopyResult::Completed);
            rt.scheduler.channels[channel].pending = Some(me);
        }
    } else {
        rt.scheduler.channels[channel].pending = Some(me);
    }
    take_if_pending(&mut ctx.data_mut().rt, me, kind)
}

/// The payload of `me`'s event if one is pending (taking it), else
/// `Blocked`.
pub(crate) fn take_if_pending(
    rt: &mut Runtime,
    me: EndRef,
    kind: EndKind,
) -> Result<Copied, Error> {
    let e = rt.instance(me.inst).handles.copy_end_mut(me.idx, kind)?;
    if e.waitable.pending {
        Ok(Copied::Done(e.take_event(me.idx).p2))
    } else {
        Ok(Copied::Blocked)
    }
}

fn is_number(t: &Type) -> bool {
    matches!(
        t,
        Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::S8
            | Type::S16
            | Type::S32
            | Type::S64
            | Type::F32
            | Type::F64
    )
}

/// Moves `n` elements from `src`'s buffer to `dst`'s. Each end reads or
/// writes at its own view of the payload type (resource types are named
/// differently in the two components).
fn transfer<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    src: EndRef,
    dst: EndRef,
    n: u32,
) -> Result<(), Error> {
    let rt = &mut ctx.data_mut().rt;
    let (s, src_elem) = {
        let e = end_mut(rt, src)?;
        (e.buffer.clone(), e.elem.clone())
    };
    let (d, dst_elem) = {
        let e = end_mut(rt, dst)?;
        (e.buffer.clone(), e.elem.clone())
    };
    let (Some(s), Some(d)) = (s, d) else {
        return trap("stream copy without a buffer");
    };
    if let (Some(t), Some(dt)) = (&src_elem, &dst_elem)
        && t == dt
        && is_number(t)
    {
        copy_bytes(ctx.as_context_mut(), (src, &s), (dst, &d), t, n)?;
    } else if let (Some(t), Some(dt)) = (&src_elem, &dst_elem) {
        // All loads before any store: the two buffers may overlap in one
        // memory, and the copy must read what was there (memmove).
        let mut cx = Cx::new(
            ctx.as_context_mut(),
            s.opts.clone(),
            src.inst,
            Path::Adapter,
        );
        let size = u64::from(layout::elem_size(t, cx.ptr64()));
        let vals = (0..n)
            .map(|k| abi::load(&mut cx, s.ptr + size * u64::from(s.progress + k), t))
            .collect::<Result<Vec<_>, Error>>()?;
        let mut cx = Cx::new(
            ctx.as_context_mut(),
            d.opts.clone(),
            dst.inst,
            Path::Adapter,
        );
        let size = u64::from(layout::elem_size(dt, cx.ptr64()));
        for (k, v) in (0..n).zip(&vals) {
            abi::store(&mut cx, v, dt, d.ptr + size * u64::from(d.progress + k))?;
        }
    }
    let rt = &mut ctx.data_mut().rt;
    super::trace::copied(rt, src.inst, dst.inst, n);
    for at in [src, dst] {
        if let Some(b) = end_mut(rt, at)?.buffer.as_mut() {
            b.progress += n;
        }
    }
    Ok(())
}

/// [`transfer`] of `n` numbers of type `t` on both ends: the bytes are the
/// same in both memories (little-endian, nothing to validate), so one
/// bounds-checked block copy replaces a load and store per element. Read
/// whole before written, so overlapping buffers in one memory behave as
/// memmove.
fn copy_bytes<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    (src, s): (EndRef, &Buffer),
    (dst, d): (EndRef, &Buffer),
    t: &Type,
    n: u32,
) -> Result<(), Error> {
    const OOB: &str = "stream buffer out of bounds";
    let cx = Cx::new(
        ctx.as_context_mut(),
        s.opts.clone(),
        src.inst,
        Path::Adapter,
    );
    let size = u64::from(layout::elem_size(t, cx.ptr64()));
    let len = size * u64::from(n);
    let bytes = cx
        .bytes(s.ptr + size * u64::from(s.progress), len, OOB)?
        .to_vec();
    let mut cx = Cx::new(
        ctx.as_context_mut(),
        d.opts.clone(),
        dst.inst,
        Path::Adapter,
    );
    cx.write(d.ptr + size * u64::from(d.progress), &bytes, OOB)
}

/// `{stream,future}.cancel-{read,write}` on end `idx`.
pub(crate) fn cancel(
    rt: &mut Runtime,
    inst: ComponentInstanceId,
    idx: HandleIdx,
    kind: EndKind,
    is_async: bool,
) -> Result<Copied, Error> {
    let me = EndRef { inst, idx };
    let e = rt.instance(inst).handles.copy_end_mut(idx, kind)?;
    if e.state != CopyState::Copying || e.waitable.has_sync_waiter {
        return trap(format!("no {} copy in progress to cancel", kind.noun()));
    }
    if e.waitable.set.is_some() && !is_async {
        return trap("waitable cannot be used synchronously while added to a waitable set");
    }
    e.state = CopyState::CancellingCopy;
    let channel = e.channel;
    let partial = e.waitable.pending && e.partial;
    if (!e.waitable.pending || partial) && rt.scheduler.channels[channel].pending == Some(me) {
        rt.scheduler.channels[channel].pending = None;
        end_mut(rt, me)?.set_event(CopyResult::Cancelled);
    }
    take_if_pending(rt, me, kind)
}

/// `{stream,future}.drop-{readable,writable}` of end `idx`.
pub(crate) fn drop_end(
    rt: &mut Runtime,
    inst: ComponentInstanceId,
    idx: HandleIdx,
    kind: EndKind,
) -> Result<(), Error> {
    let e = rt.instance(inst).handles.copy_end_mut(idx, kind)?;
    if e.copying() {
        let verb = if kind.readable { "remove" } else { "drop" };
        return trap(format!("cannot {verb} busy {}", kind.noun()));
    }
    if kind.future && !kind.readable && e.state != CopyState::Done {
        return trap("cannot drop future write end without first writing a value");
    }
    let channel = e.channel;
    let table = &mut rt.instance(inst).handles;
    table.join(idx, None)?;
    table.remove(idx)?;
    let me = EndRef { inst, idx };
    if !rt.scheduler.channels[channel].dropped {
        rt.scheduler.channels[channel].dropped = true;
        if let Some(other) = other_pending(rt, channel, me) {
            rt.scheduler.channels[channel].pending = None;
            end_mut(rt, other)?.set_event(CopyResult::Dropped);
        }
    }
    Ok(())
}

/// Lifting a readable end out of `inst`'s table to pass it on (the spec's
/// `lift_async_value`): returns its channel.
pub(crate) fn lift_end(
    rt: &mut Runtime,
    inst: ComponentInstanceId,
    idx: HandleIdx,
    future: bool,
) -> Result<ChannelId, Error> {
    let kind = EndKind {
        future,
        readable: true,
    };
    let noun = kind.noun();
    let e = rt.instance(inst).handles.copy_end_mut(idx, kind)?;
    match e.state {
        CopyState::Idle => {}
        CopyState::Done if future => {
            return trap("cannot lift future after previous read succeeded");
        }
        CopyState::Done => {
            return trap("cannot lift stream after being notified that the writable end dropped");
        }
        CopyState::Copying | CopyState::CancellingCopy => {
            return trap(format!("cannot lift busy {noun}"));
        }
    }
    if e.waitable.set.is_some() {
        return trap(format!("cannot lift {noun} while it's in a waitable set"));
    }
    let channel = e.channel;
    rt.instance(inst).handles.remove(idx)?;
    Ok(channel)
}

/// Lowering a passed readable end into `inst`'s table.
impl crate::values::ReadableEnd {
    /// Lifts the readable end at `idx` of `inst` (see [`lift_end`]) as a
    /// value of this store.
    pub(crate) fn lift(
        rt: &mut Runtime,
        inst: ComponentInstanceId,
        idx: HandleIdx,
        future: bool,
    ) -> Result<Self, Error> {
        let channel = lift_end(rt, inst, idx, future)?;
        Ok(Self {
            store: rt.store_id,
            channel,
        })
    }

    /// Lowers the end into `inst` (see [`lower_end`]); an end of another
    /// store is refused.
    pub(crate) fn lower(
        self,
        rt: &mut Runtime,
        inst: ComponentInstanceId,
        future: bool,
        elem: Option<Type>,
    ) -> Result<HandleIdx, Error> {
        self.check_store(rt)?;
        lower_end(rt, inst, self.channel, future, elem)
    }

    /// Refuses an end of another store than `rt`'s.
    pub(crate) fn check_store(self, rt: &Runtime) -> Result<(), Error> {
        if self.store != rt.store_id {
            return Err(crate::error::CallError::WrongStore.into());
        }
        Ok(())
    }
}

pub(crate) fn lower_end(
    rt: &mut Runtime,
    inst: ComponentInstanceId,
    channel: ChannelId,
    future: bool,
    elem: Option<Type>,
) -> Result<HandleIdx, Error> {
    let kind = EndKind {
        future,
        readable: true,
    };
    rt.instance(inst)
        .handles
        .add(Slot::CopyEnd(CopyEnd::new(channel, kind, elem)))
}
