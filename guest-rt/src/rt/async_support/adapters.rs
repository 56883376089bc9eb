//! `futures` adapters for stream ends (the `futures` feature): a
//! [`StreamReader`] as a [`futures_core::Stream`] and a [`StreamWriter`] as
//! a [`futures_sink::Sink`], so the combinators of the `futures` ecosystem
//! (`StreamExt::map`, `SinkExt::send_all`, `forward`) work on
//! component-model streams.
//!
//! Both traits poll through `&mut self`, while a read or write in progress
//! borrows its end for as long as it runs; so each adapter owns its end and
//! runs one copy at a time as a boxed future that owns the end until the
//! copy finishes and then hands it back. Dropping an adapter mid-copy drops
//! that future, which cancels the copy like dropping a `StreamRead` or
//! `StreamWrite` does.

use super::stream::{StreamReader, StreamResult, StreamWriter};
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// How many values one read of a [`ReaderStream`] asks for.
const READ_CHUNK: usize = 64;

type ReadOnce<T> = Pin<Box<dyn Future<Output = (StreamReader<T>, StreamResult, Vec<T>)>>>;
type WriteOnce<T> = Pin<Box<dyn Future<Output = (StreamWriter<T>, Vec<T>)>>>;

/// A [`StreamReader`] as a [`futures_core::Stream`] of its values; made by
/// [`StreamReader::into_stream`].
pub struct ReaderStream<T: 'static> {
    reader: Option<StreamReader<T>>,
    reading: Option<ReadOnce<T>>,
    ready: VecDeque<T>,
    ended: bool,
}

// Nothing is pinned structurally: the copy in progress is boxed, and the
// values are only moved, never pinned.
impl<T> Unpin for ReaderStream<T> {}

impl<T: 'static> StreamReader<T> {
    /// This reader as a [`futures_core::Stream`], which ends when the
    /// writer is dropped.
    pub fn into_stream(self) -> ReaderStream<T> {
        ReaderStream {
            reader: Some(self),
            reading: None,
            ready: VecDeque::new(),
            ended: false,
        }
    }
}

impl<T: 'static> futures_core::Stream for ReaderStream<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        // No self-references: the read in progress is boxed.
        let this = self.get_mut();
        loop {
            if let Some(value) = this.ready.pop_front() {
                return Poll::Ready(Some(value));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            let reading = match (this.reading.as_mut(), this.reader.take()) {
                (Some(reading), _) => reading,
                (None, Some(mut reader)) => this.reading.insert(Box::pin(async move {
                    let (result, buf) = reader.read(Vec::with_capacity(READ_CHUNK)).await;
                    (reader, result, buf)
                })),
                (None, None) => return Poll::Ready(None),
            };
            let Poll::Ready((reader, result, buf)) = reading.as_mut().poll(cx) else {
                return Poll::Pending;
            };
            this.reading = None;
            this.reader = Some(reader);
            this.ready.extend(buf);
            match result {
                StreamResult::Complete(_) => {}
                StreamResult::Dropped | StreamResult::Cancelled => this.ended = true,
            }
        }
    }
}

/// The values a [`WriterSink`] could not write: the reader went away.
#[derive(Debug, PartialEq, Eq)]
pub struct ReaderDropped<T>(pub Vec<T>);

impl<T> core::fmt::Display for ReaderDropped<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "the stream's reader was dropped with {} values unwritten",
            self.0.len()
        )
    }
}

impl<T: core::fmt::Debug> core::error::Error for ReaderDropped<T> {}

/// A [`StreamWriter`] as a [`futures_sink::Sink`]; made by
/// [`StreamWriter::into_sink`]. Values sent are buffered and written on
/// flush (or when the next value is sent while a write is outstanding).
pub struct WriterSink<T: 'static> {
    writer: Option<StreamWriter<T>>,
    writing: Option<WriteOnce<T>>,
    buffered: Vec<T>,
}

// As for `ReaderStream`.
impl<T> Unpin for WriterSink<T> {}

impl<T: 'static> StreamWriter<T> {
    /// This writer as a [`futures_sink::Sink`]; closing the sink drops the
    /// writer, which ends the stream for its reader.
    pub fn into_sink(self) -> WriterSink<T> {
        WriterSink {
            writer: Some(self),
            writing: None,
            buffered: Vec::new(),
        }
    }
}

impl<T: 'static> WriterSink<T> {
    /// Drives the write in progress, if any, to its end.
    fn poll_writing(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ReaderDropped<T>>> {
        let Some(writing) = self.writing.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        let Poll::Ready((writer, rest)) = writing.as_mut().poll(cx) else {
            return Poll::Pending;
        };
        self.writing = None;
        self.writer = Some(writer);
        if rest.is_empty() {
            Poll::Ready(Ok(()))
        } else {
            Poll::Ready(Err(ReaderDropped(rest)))
        }
    }
}

impl<T: 'static> futures_sink::Sink<T> for WriterSink<T> {
    type Error = ReaderDropped<T>;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().poll_writing(cx)
    }

    fn start_send(self: Pin<&mut Self>, item: T) -> Result<(), Self::Error> {
        let this = self.get_mut();
        if this.writer.is_none() && this.writing.is_none() {
            return Err(ReaderDropped(alloc::vec![item]));
        }
        this.buffered.push(item);
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        let this = self.get_mut();
        loop {
            if let Poll::Ready(done) = this.poll_writing(cx) {
                done?;
            } else {
                return Poll::Pending;
            }
            if this.buffered.is_empty() {
                return Poll::Ready(Ok(()));
            }
            let Some(mut writer) = this.writer.take() else {
                return Poll::Ready(Err(ReaderDropped(core::mem::take(&mut this.buffered))));
            };
            let values = core::mem::take(&mut this.buffered);
            this.writing = Some(Box::pin(async move {
                let rest = writer.write_all(values).await;
                (writer, rest)
            }));
        }
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        let this = self.get_mut();
        let flushed = match Pin::new(&mut *this).poll_flush(cx) {
            Poll::Ready(flushed) => flushed,
            Poll::Pending => return Poll::Pending,
        };
        // Dropping the writer ends the stream for the reader.
        this.writer = None;
        Poll::Ready(flushed)
    }
}
