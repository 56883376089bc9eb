//! `wasi:io/streams`: the byte streams behind stdio and files.
//!
//! Streams here are always ready: stdio writes go straight to a captured
//! buffer or the host's own stdio, and reads from memory or files complete at
//! once. So the non-blocking and blocking variants of each operation share one
//! implementation; `check-write` always grants [`WRITE_BUDGET`] bytes.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex};

/// How many bytes `check-write` lets the guest write at once.
pub const WRITE_BUDGET: u64 = 1 << 20;

/// Why a stream operation failed, as `stream-error` describes it.
#[derive(Debug)]
pub enum StreamError {
    /// The operation failed; the message becomes a `wasi:io/error` resource.
    LastOperationFailed(String),
    /// The stream has no more data or no longer accepts any.
    Closed,
}

impl From<std::io::Error> for StreamError {
    fn from(e: std::io::Error) -> Self {
        StreamError::LastOperationFailed(e.to_string())
    }
}

/// A buffer that collects a captured stdout or stderr. Cloning shares it, so
/// an embedder can keep one to read after the store is gone.
#[derive(Clone, Default, Debug)]
pub struct CapturedOutput(Arc<Mutex<Vec<u8>>>);

impl CapturedOutput {
    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        // A panic while holding this lock cannot leave the Vec half-updated in
        // a way that matters for a byte log, so recover from poisoning.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Where a guest's stdout or stderr goes.
#[derive(Clone, Debug)]
pub enum OutputSink {
    /// Kept in memory for the embedder.
    Capture(CapturedOutput),
    /// Written to this process's stdout.
    InheritStdout,
    /// Written to this process's stderr.
    InheritStderr,
}

/// Where a guest's stdin comes from.
#[derive(Clone, Debug)]
pub enum InputSource {
    /// These bytes, then end of stream.
    Bytes(Arc<[u8]>),
    /// This process's stdin.
    Inherit,
}

impl OutputSink {
    /// Whether the guest writes to a terminal (only when inheriting one).
    pub fn is_terminal(&self) -> bool {
        use std::io::IsTerminal;
        match self {
            OutputSink::Capture(_) => false,
            OutputSink::InheritStdout => std::io::stdout().is_terminal(),
            OutputSink::InheritStderr => std::io::stderr().is_terminal(),
        }
    }
}

impl InputSource {
    /// Whether the guest reads from a terminal (only when inheriting one).
    pub fn is_terminal(&self) -> bool {
        use std::io::IsTerminal;
        match self {
            InputSource::Bytes(_) => false,
            InputSource::Inherit => std::io::stdin().is_terminal(),
        }
    }
}

/// The host object behind an `output-stream`.
#[derive(Debug)]
pub enum OutputStream {
    /// A stdio sink.
    Sink(OutputSink),
    /// A file, written at a moving offset (or always at its end).
    File { file: File, position: FilePosition },
}

/// Where the next file write lands.
#[derive(Debug, Clone, Copy)]
pub enum FilePosition {
    /// At this offset, which advances with each write.
    At(u64),
    /// At the current end of the file.
    Append,
}

impl OutputStream {
    /// `check-write`: how many bytes the guest may write now.
    pub fn check_write(&self) -> Result<u64, StreamError> {
        Ok(WRITE_BUDGET)
    }

    /// `write` and `blocking-write-and-flush`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), StreamError> {
        match self {
            OutputStream::Sink(OutputSink::Capture(buffer)) => {
                buffer.lock().extend_from_slice(bytes);
                Ok(())
            }
            OutputStream::Sink(OutputSink::InheritStdout) => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes)?;
                out.flush()?;
                Ok(())
            }
            OutputStream::Sink(OutputSink::InheritStderr) => {
                std::io::stderr().write_all(bytes)?;
                Ok(())
            }
            OutputStream::File { file, position } => {
                match position {
                    FilePosition::At(offset) => {
                        file.seek(SeekFrom::Start(*offset))?;
                        file.write_all(bytes)?;
                        *offset += bytes.len() as u64;
                    }
                    FilePosition::Append => {
                        file.seek(SeekFrom::End(0))?;
                        file.write_all(bytes)?;
                    }
                }
                Ok(())
            }
        }
    }

    /// `flush` and `blocking-flush`.
    pub fn flush(&mut self) -> Result<(), StreamError> {
        match self {
            OutputStream::Sink(OutputSink::Capture(_)) => Ok(()),
            OutputStream::Sink(OutputSink::InheritStdout) => Ok(std::io::stdout().flush()?),
            OutputStream::Sink(OutputSink::InheritStderr) => Ok(std::io::stderr().flush()?),
            OutputStream::File { file, .. } => Ok(file.flush()?),
        }
    }
}

/// The host object behind an `input-stream`.
#[derive(Debug)]
pub enum InputStream {
    /// In-memory bytes with a read cursor.
    Bytes { data: Arc<[u8]>, cursor: usize },
    /// This process's stdin.
    HostStdin,
    /// A file read from a moving offset.
    File { file: File, offset: u64 },
}

impl InputStream {
    /// A stream over the given stdin source.
    pub fn from_source(source: &InputSource) -> Self {
        match source {
            InputSource::Bytes(data) => InputStream::Bytes {
                data: Arc::clone(data),
                cursor: 0,
            },
            InputSource::Inherit => InputStream::HostStdin,
        }
    }

    /// `read` and `blocking-read`: at most `len` bytes; [`StreamError::Closed`]
    /// once the stream is exhausted (an empty list only when `len` is 0).
    pub fn read(&mut self, len: u64) -> Result<Vec<u8>, StreamError> {
        let len = usize::try_from(len)
            .unwrap_or(usize::MAX)
            .min(WRITE_BUDGET as usize);
        if len == 0 {
            return Ok(Vec::new());
        }
        let bytes = match self {
            InputStream::Bytes { data, cursor } => {
                let end = data.len().min(cursor.saturating_add(len));
                let chunk = data[*cursor..end].to_vec();
                *cursor = end;
                chunk
            }
            InputStream::HostStdin => {
                let mut buffer = vec![0; len];
                let n = std::io::stdin().lock().read(&mut buffer)?;
                buffer.truncate(n);
                buffer
            }
            InputStream::File { file, offset } => {
                file.seek(SeekFrom::Start(*offset))?;
                let mut buffer = vec![0; len];
                let n = file.read(&mut buffer)?;
                buffer.truncate(n);
                *offset += n as u64;
                buffer
            }
        };
        if bytes.is_empty() {
            Err(StreamError::Closed)
        } else {
            Ok(bytes)
        }
    }

    /// `skip` and `blocking-skip`: how many bytes were passed over.
    pub fn skip(&mut self, len: u64) -> Result<u64, StreamError> {
        self.read(len).map(|bytes| bytes.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_input_is_read_in_chunks_then_closes() {
        let mut stream = InputStream::from_source(&InputSource::Bytes(Arc::from(&b"hello"[..])));
        assert_eq!(stream.read(3).unwrap(), b"hel");
        assert_eq!(stream.read(0).unwrap(), b"");
        assert_eq!(stream.read(10).unwrap(), b"lo");
        assert!(matches!(stream.read(1), Err(StreamError::Closed)));
    }

    #[test]
    fn captured_output_is_shared_between_clones() {
        let captured = CapturedOutput::default();
        let mut stream = OutputStream::Sink(OutputSink::Capture(captured.clone()));
        stream.write(b"one ").unwrap();
        stream.write(b"two").unwrap();
        stream.flush().unwrap();
        assert_eq!(captured.contents(), b"one two");
    }
}
