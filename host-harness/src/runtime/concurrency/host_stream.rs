//! Stream and future ends held by the host: the embedder reads a
//! `stream<T>`/`future<T>` a guest returned or passed out (a
//! [`ReadableEnd`]), and makes new ones ([`Store::stream_new`],
//! [`Store::future_new`]) whose readable end it hands to a guest as an
//! argument and whose [`WritableEnd`] it writes from Rust.
//!
//! The host's end never offers a buffer of its own: a host read or write
//! waits (running the event loop, so guests make progress) until the
//! guest's end offers a copy, then moves values straight between that
//! guest buffer and [`Val`]s, through the guest end's view of the payload
//! type, and completes the guest's copy as a guest reader or writer would
//! (`stream::CopyEnd::host_copied`). Nothing a guest can do makes a host
//! read or write hang: if no guest can make progress, the wait is the
//! spec's deadlock trap. Payload-less streams and futures yield unit
//! values, `Val::Tuple(vec![])`.

use super::stream::{ChannelId, EndRef};
use super::{Until, block_until};
use crate::abi::{self, Cx, Path, layout};
use crate::engine::{CoreAsContextMut, CoreCtxMut};
use crate::error::{CallError, Error, trap};
use crate::runtime::handles::Slot;
use crate::runtime::store::{AsContextMut, Store, StoreData};
use crate::runtime::{Runtime, StoreId};
use crate::values::{ReadableEnd, Val};

/// What the guest's end of a host-held channel offers now.
enum Offer {
    /// The guest dropped its end.
    Dropped,
    /// A copy of the side the host needs (a write for a host read, a read
    /// for a host write), with elements left or as a zero-length probe.
    Copy(EndRef),
    /// Nothing yet.
    Nothing,
}

/// What the guest end of `channel` offers a host that `host_reads` (or
/// writes).
fn offer(rt: &Runtime, channel: ChannelId, host_reads: bool) -> Result<Offer, Error> {
    let Some(ch) = rt.scheduler.channels.get(channel) else {
        return Err(CallError::WrongStore.into());
    };
    if ch.dropped {
        return Ok(Offer::Dropped);
    }
    let Some(p) = ch.pending else {
        return Ok(Offer::Nothing);
    };
    Ok(match rt.instances[p.inst].handles.get(p.idx) {
        Ok(Slot::CopyEnd(e)) if e.channel == channel && e.kind.readable != host_reads => {
            match e.offered() {
                Some((.., left)) if left > 0 => Offer::Copy(p),
                // A zero-length probe not answered yet.
                Some(_) if !e.waitable.pending => Offer::Copy(p),
                Some(_) | None => Offer::Nothing,
            }
        }
        Ok(_) | Err(_) => Offer::Nothing,
    })
}

/// Whether a host read (or write) of `channel` can go on: for the event
/// loop's [`Until::Offered`].
pub(crate) fn can_copy(rt: &Runtime, channel: ChannelId, host_reads: bool) -> bool {
    !matches!(offer(rt, channel, host_reads), Ok(Offer::Nothing))
}

fn copy_end(rt: &mut Runtime, at: EndRef) -> Result<&mut super::stream::CopyEnd, Error> {
    match rt.instance(at.inst).handles.get_mut(at.idx)? {
        Slot::CopyEnd(e) => Ok(e),
        Slot::Resource(_) | Slot::WaitableSet(_) | Slot::Subtask(_) | Slot::ErrorContext(_) => {
            trap("stream or future end disappeared")
        }
    }
}

/// Reads up to `max` (at least one) elements of `channel`: `None` once the
/// writer dropped its end.
fn host_read<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    channel: ChannelId,
    max: u32,
) -> Result<Option<Vec<Val>>, Error> {
    loop {
        let w = match offer(&ctx.data().rt, channel, true)? {
            Offer::Dropped => return Ok(None),
            Offer::Nothing => {
                block_until(ctx.as_context_mut(), Until::Offered(channel, true))?;
                continue;
            }
            Offer::Copy(w) => w,
        };
        let e = copy_end(&mut ctx.data_mut().rt, w)?;
        let elem = e.elem.clone();
        let Some((opts, ptr, done, left)) = e.offered().map(|(o, p, d, l)| (o.clone(), p, d, l))
        else {
            continue;
        };
        let n = left.min(max);
        let vals = match &elem {
            Some(t) => {
                let mut cx = Cx::new(ctx.as_context_mut(), opts, w.inst, Path::Host);
                let size = u64::from(layout::elem_size(t, cx.ptr64()));
                (0..n)
                    .map(|k| abi::load(&mut cx, ptr + size * u64::from(done + k), t))
                    .collect::<Result<Vec<_>, Error>>()?
            }
            None => vec![Val::Tuple(Vec::new()); n as usize],
        };
        copy_end(&mut ctx.data_mut().rt, w)?.host_copied(n);
        if n > 0 {
            return Ok(Some(vals));
        }
        // A zero-length write only probes for a reader: answered, wait
        // for the data.
    }
}

/// Writes `vals` into `channel`, waiting for the reader as needed;
/// returns how many were written before the reader dropped its end.
fn host_write<T: 'static>(
    mut ctx: CoreCtxMut<'_, StoreData<T>>,
    channel: ChannelId,
    vals: &[Val],
) -> Result<usize, Error> {
    let mut written = 0;
    while written < vals.len() {
        let r = match offer(&ctx.data().rt, channel, false)? {
            Offer::Dropped => break,
            Offer::Nothing => {
                block_until(ctx.as_context_mut(), Until::Offered(channel, false))?;
                continue;
            }
            Offer::Copy(r) => r,
        };
        let e = copy_end(&mut ctx.data_mut().rt, r)?;
        let elem = e.elem.clone();
        let Some((opts, ptr, done, left)) = e.offered().map(|(o, p, d, l)| (o.clone(), p, d, l))
        else {
            continue;
        };
        let n = (left as usize).min(vals.len() - written);
        if let Some(t) = &elem {
            let mut cx = Cx::new(ctx.as_context_mut(), opts, r.inst, Path::Host);
            let size = u64::from(layout::elem_size(t, cx.ptr64()));
            for (k, v) in vals[written..written + n].iter().enumerate() {
                abi::store(&mut cx, v, t, ptr + size * (u64::from(done) + k as u64))?;
            }
        }
        // `n` fits: it is at most `left`, a `u32`.
        copy_end(&mut ctx.data_mut().rt, r)?.host_copied(n as u32);
        written += n;
    }
    Ok(written)
}

/// Drops the host's end of `channel`: a copy the guest's end has in
/// progress ends as `DROPPED`.
fn host_drop(rt: &mut Runtime, channel: ChannelId) -> Result<(), Error> {
    let Some(ch) = rt.scheduler.channels.get_mut(channel) else {
        return Err(CallError::WrongStore.into());
    };
    if ch.dropped {
        return Ok(());
    }
    ch.dropped = true;
    if let Some(p) = ch.pending.take()
        && let Ok(Slot::CopyEnd(e)) = rt.instance(p.inst).handles.get_mut(p.idx)
        && e.channel == channel
        // A copy that completed in full keeps its result.
        && e.offered().is_some_and(|(.., left)| left > 0 || !e.waitable.pending)
    {
        e.host_dropped();
    }
    Ok(())
}

/// The writable end of a stream or future the host made with
/// [`Store::stream_new`] or [`Store::future_new`].
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct WritableEnd {
    channel: ChannelId,
    store: StoreId,
    future: bool,
}

impl<T: 'static> Store<T> {
    /// A new `stream<T>` (for any `T`: the payload takes the type of the
    /// guest end it reaches): pass the [`ReadableEnd`] to a guest as a
    /// [`Val::Stream`] and write into the [`WritableEnd`].
    pub fn stream_new(&mut self) -> (WritableEnd, ReadableEnd) {
        self.channel_new(false)
    }

    /// A new `future<T>`: pass the [`ReadableEnd`] to a guest as a
    /// [`Val::Future`] and write its value with [`WritableEnd::write`].
    pub fn future_new(&mut self) -> (WritableEnd, ReadableEnd) {
        self.channel_new(true)
    }

    fn channel_new(&mut self, future: bool) -> (WritableEnd, ReadableEnd) {
        let rt = &mut self.inner.data_mut().rt;
        let channel = rt.scheduler.channels.push(super::stream::Channel {
            dropped: false,
            pending: None,
        });
        let w = WritableEnd {
            channel,
            store: rt.store_id,
            future,
        };
        let r = ReadableEnd {
            channel,
            store: rt.store_id,
        };
        (w, r)
    }
}

impl WritableEnd {
    /// Writes `vals`, running the store's tasks until the guest holding
    /// the readable end took them all; returns how many it took before it
    /// dropped its end. A future takes exactly one value.
    ///
    /// # Errors
    ///
    /// [`CallError::WrongStore`] for another store;
    /// [`CallError::TypeMismatch`] for a future written other than one
    /// value, or values that do not match the reader's payload type; a
    /// trap if a guest traps meanwhile, or on deadlock (nothing reads).
    pub fn write<S: AsContextMut>(&self, mut store: S, vals: &[Val]) -> Result<usize, Error>
    where
        S::Data: 'static,
    {
        let ctx = store.as_context_mut().inner;
        if ctx.data().rt.store_id != self.store {
            return Err(CallError::WrongStore.into());
        }
        if self.future && vals.len() != 1 {
            return Err(CallError::TypeMismatch(format!(
                "a future is written exactly one value, not {}",
                vals.len()
            ))
            .into());
        }
        host_write(ctx, self.channel, vals)
    }

    /// Drops the end: the reader sees the stream end (or the future
    /// dropped).
    ///
    /// # Errors
    ///
    /// [`CallError::WrongStore`] for another store.
    pub fn close<S: AsContextMut>(self, mut store: S) -> Result<(), Error> {
        let mut ctx = store.as_context_mut().inner;
        if ctx.data().rt.store_id != self.store {
            return Err(CallError::WrongStore.into());
        }
        host_drop(&mut ctx.data_mut().rt, self.channel)
    }
}

impl ReadableEnd {
    /// Reads up to `max` elements (at least one), running the store's tasks
    /// until the writer offers some; `None` once the writer dropped its end.
    /// A future yields its one value, then `None`.
    ///
    /// # Errors
    ///
    /// [`CallError::WrongStore`] for an end of another store; a trap if a
    /// guest traps meanwhile, or on deadlock (nothing writes).
    pub fn read<S: AsContextMut>(&self, mut store: S, max: u32) -> Result<Option<Vec<Val>>, Error>
    where
        S::Data: 'static,
    {
        let ctx = store.as_context_mut().inner;
        self.check_store(&ctx.data().rt)?;
        host_read(ctx, self.channel, max.max(1))
    }

    /// Reads every element until the writer drops its end.
    ///
    /// # Errors
    ///
    /// As [`Self::read`].
    pub fn read_all<S: AsContextMut>(&self, mut store: S) -> Result<Vec<Val>, Error>
    where
        S::Data: 'static,
    {
        let mut out = Vec::new();
        while let Some(mut vals) = self.read(&mut store, u32::MAX)? {
            out.append(&mut vals);
        }
        Ok(out)
    }

    /// Drops the end: a writer's copy in progress ends as `DROPPED`.
    ///
    /// # Errors
    ///
    /// [`CallError::WrongStore`] for an end of another store.
    pub fn close<S: AsContextMut>(self, mut store: S) -> Result<(), Error> {
        let mut ctx = store.as_context_mut().inner;
        let rt = &mut ctx.data_mut().rt;
        self.check_store(rt)?;
        host_drop(rt, self.channel)
    }
}
