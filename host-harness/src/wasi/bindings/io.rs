//! `wasi:io` (error, poll, streams), `wasi:clocks` and `wasi:random`: the
//! interfaces every other one builds on.

use crate::{Error, Linker, Resource, Val};

use super::values::{WasiStreamError, datetime, own_of, rep, rep_of, reps_at};
use super::{WasiView, func, interface, resource, typed};
use crate::wasi::WasiCtx;
use crate::wasi::ctx::IoError;
use crate::wasi::poll::{self, Pollable};
use crate::wasi::random;
use crate::wasi::streams::{InputStream, OutputStream, StreamError};

pub(super) fn add_to_linker<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    add_error(linker)?;
    add_poll(linker)?;
    add_input_stream(linker)?;
    add_output_stream(linker)?;
    add_clocks(linker)?;
    add_random(linker)
}

fn add_error<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    let mut i = interface(linker, "io/error")?;
    resource::<T, IoError>(&mut i, "error", |cx, r| cx.errors.remove(r).map(drop))?;
    func(&mut i, "[method]error.to-debug-string", |cx, p| {
        let e = live(cx.errors.get(rep(p, 0)?))?;
        Ok(Some(Val::String(e.message.clone())))
    })
}

fn add_poll<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    let mut i = interface(linker, "io/poll")?;
    resource::<T, Pollable>(&mut i, "pollable", |cx, r| cx.pollables.remove(r).map(drop))?;
    func(&mut i, "[method]pollable.ready", |cx, p| {
        Ok(Some(Val::Bool(
            live(cx.pollables.get(rep(p, 0)?))?.is_ready(),
        )))
    })?;
    func(&mut i, "[method]pollable.block", |cx, p| {
        live(cx.pollables.get(rep(p, 0)?))?.block();
        Ok(None)
    })?;
    func(&mut i, "poll", |cx, p| {
        let reps = reps_at::<Pollable>(p, 0)?;
        if reps.is_empty() {
            // The interface says an empty list traps: there is nothing to wait for.
            return Err(Error::trap("poll: the list of pollables is empty"));
        }
        let pollables = reps
            .into_iter()
            .map(|r| live(cx.pollables.get(r)).copied())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Val::List(
            poll::poll(&pollables).into_iter().map(Val::U32).collect(),
        )))
    })
}

fn add_input_stream<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    let mut i = interface(linker, "io/streams")?;
    resource::<T, InputStream>(&mut i, "input-stream", |cx, r| {
        cx.input_streams.remove(r).map(drop)
    })?;
    for name in ["read", "blocking-read"] {
        let read = |cx: &mut WasiCtx, (this, len): (Resource<InputStream>, u64)| {
            let result = live_mut(cx.input_streams.get_mut(rep_of(this)))?.read(len);
            Ok((stream_error(cx, result),))
        };
        typed(&mut i, &format!("[method]input-stream.{name}"), read)?;
    }
    for name in ["skip", "blocking-skip"] {
        let skip = |cx: &mut WasiCtx, (this, len): (Resource<InputStream>, u64)| {
            let result = live_mut(cx.input_streams.get_mut(rep_of(this)))?.skip(len);
            Ok((stream_error(cx, result),))
        };
        typed(&mut i, &format!("[method]input-stream.{name}"), skip)?;
    }
    let subscribe = |cx: &mut WasiCtx, (this,): (Resource<InputStream>,)| {
        live(cx.input_streams.get(rep_of(this)))?;
        Ok((own_of(cx.pollables.push(Pollable::Ready)),))
    };
    typed(&mut i, "[method]input-stream.subscribe", subscribe)
}

fn add_output_stream<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    let mut i = interface(linker, "io/streams")?;
    resource::<T, OutputStream>(&mut i, "output-stream", |cx, r| {
        cx.output_streams.remove(r).map(drop)
    })?;
    let check_write = |cx: &mut WasiCtx, (this,): (Resource<OutputStream>,)| {
        let result = live(cx.output_streams.get(rep_of(this)))?.check_write();
        Ok((stream_error(cx, result),))
    };
    typed(&mut i, "[method]output-stream.check-write", check_write)?;
    for name in ["write", "blocking-write-and-flush"] {
        let write = |cx: &mut WasiCtx, (this, data): (Resource<OutputStream>, Vec<u8>)| {
            let stream = live_mut(cx.output_streams.get_mut(rep_of(this)))?;
            let result = stream.write(&data).and_then(|()| stream.flush());
            Ok((stream_error(cx, result),))
        };
        typed(&mut i, &format!("[method]output-stream.{name}"), write)?;
    }
    for name in ["write-zeroes", "blocking-write-zeroes-and-flush"] {
        let write_zeroes = |cx: &mut WasiCtx, (this, len): (Resource<OutputStream>, u64)| {
            let len = usize::try_from(len).map_err(Error::msg)?;
            let stream = live_mut(cx.output_streams.get_mut(rep_of(this)))?;
            let result = stream.write(&vec![0; len]);
            Ok((stream_error(cx, result),))
        };
        typed(
            &mut i,
            &format!("[method]output-stream.{name}"),
            write_zeroes,
        )?;
    }
    for name in ["flush", "blocking-flush"] {
        let flush = |cx: &mut WasiCtx, (this,): (Resource<OutputStream>,)| {
            let result = live_mut(cx.output_streams.get_mut(rep_of(this)))?.flush();
            Ok((stream_error(cx, result),))
        };
        typed(&mut i, &format!("[method]output-stream.{name}"), flush)?;
    }
    for name in ["splice", "blocking-splice"] {
        typed(&mut i, &format!("[method]output-stream.{name}"), splice)?;
    }
    let subscribe = |cx: &mut WasiCtx, (this,): (Resource<OutputStream>,)| {
        live(cx.output_streams.get(rep_of(this)))?;
        Ok((own_of(cx.pollables.push(Pollable::Ready)),))
    };
    typed(&mut i, "[method]output-stream.subscribe", subscribe)
}

/// `splice`: moves up to `len` bytes from an input stream to this stream.
fn splice(
    cx: &mut WasiCtx,
    (this, src, len): (Resource<OutputStream>, Resource<InputStream>, u64),
) -> Result<(Result<u64, WasiStreamError>,), Error> {
    let read = live_mut(cx.input_streams.get_mut(rep_of(src)))?.read(len);
    let moved = match read {
        Ok(data) => {
            let stream = live_mut(cx.output_streams.get_mut(rep_of(this)))?;
            stream.write(&data).map(|()| data.len() as u64)
        }
        Err(e) => Err(e),
    };
    Ok((stream_error(cx, moved),))
}

fn add_clocks<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    let mut i = interface(linker, "clocks/monotonic-clock")?;
    typed(&mut i, "now", |cx, ()| {
        Ok((poll::monotonic_now(cx.clock_origin),))
    })?;
    typed(&mut i, "resolution", |_, ()| Ok((1u64,)))?;
    typed(&mut i, "subscribe-instant", |cx, (when,): (u64,)| {
        let pollable = poll::deadline_at(cx.clock_origin, when);
        Ok((own_of(cx.pollables.push(pollable)),))
    })?;
    typed(&mut i, "subscribe-duration", |cx, (duration,): (u64,)| {
        let pollable = poll::deadline_after(duration);
        Ok((own_of(cx.pollables.push(pollable)),))
    })?;
    let mut i = interface(linker, "clocks/wall-clock")?;
    func(&mut i, "now", |_, _| Ok(Some(datetime(poll::wall_now()))))?;
    func(&mut i, "resolution", |_, _| Ok(Some(datetime((0, 1)))))
}

fn add_random<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    let mut i = interface(linker, "random/random")?;
    typed(&mut i, "get-random-bytes", |_, (len,): (u64,)| {
        let len = usize::try_from(len).map_err(Error::msg)?;
        let data = random::secure_bytes(len).map_err(|e| Error::trap(format!("random: {e}")))?;
        Ok((data,))
    })?;
    typed(&mut i, "get-random-u64", |_, ()| {
        let data = random::secure_bytes(8).map_err(|e| Error::trap(format!("random: {e}")))?;
        let word: [u8; 8] = data
            .try_into()
            .map_err(|_| Error::msg("short random read"))?;
        Ok((u64::from_le_bytes(word),))
    })?;
    let mut i = interface(linker, "random/insecure")?;
    typed(&mut i, "get-insecure-random-bytes", |_, (len,): (u64,)| {
        let len = usize::try_from(len).map_err(Error::msg)?;
        let data = random::insecure_bytes(len).map_err(|e| Error::trap(format!("random: {e}")))?;
        Ok((data,))
    })?;
    typed(&mut i, "get-insecure-random-u64", |_, ()| {
        Ok((random::insecure_u64(),))
    })?;
    let mut i = interface(linker, "random/insecure-seed")?;
    func(&mut i, "insecure-seed", |_, _| {
        let seed = vec![
            Val::U64(random::insecure_u64()),
            Val::U64(random::insecure_u64()),
        ];
        Ok(Some(Val::Tuple(seed)))
    })
}

/// A `stream-error` for the guest; a failure becomes a fresh `error`
/// resource.
pub(super) fn stream_error<V>(
    cx: &mut WasiCtx,
    result: Result<V, StreamError>,
) -> Result<V, WasiStreamError> {
    result.map_err(|e| match e {
        StreamError::Closed => WasiStreamError::Closed,
        StreamError::LastOperationFailed(message) => {
            WasiStreamError::LastOperationFailed(own_of(cx.push_error(message, None)))
        }
    })
}

/// The host object behind a handle the guest passed in. The component's
/// handle table vouches for the handle, so a miss means the host already
/// dropped the object: the guest still trapped, not the host.
pub(super) fn live<R>(object: Option<&R>) -> Result<&R, Error> {
    object.ok_or_else(|| Error::trap("WASI resource used after it was dropped"))
}

/// [`live`] for mutable access.
pub(super) fn live_mut<R>(object: Option<&mut R>) -> Result<&mut R, Error> {
    object.ok_or_else(|| Error::trap("WASI resource used after it was dropped"))
}
