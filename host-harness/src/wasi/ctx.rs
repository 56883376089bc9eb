//! The per-store WASI state ([`WasiCtx`]) and the builder that configures it.
//!
//! An embedder builds a [`WasiCtx`] with [`WasiCtxBuilder`], stores it in the
//! `Store`'s data, and reads captured stdout/stderr back through
//! [`WasiCtx::stdout`] / [`WasiCtx::stderr`] (or clones of those handles kept
//! before the store was consumed). The interface modules beside this one hold
//! the behaviour; this file only holds the state they share.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use super::error_code::ErrorCode;
use super::filesystem::{Descriptor, DirectoryEntryStream};
use super::poll::Pollable;
use super::streams::{CapturedOutput, InputSource, InputStream, OutputSink, OutputStream};
use super::table::{HostTable, Rep};

/// The host object behind a `wasi:io/error`.
#[derive(Debug, Clone)]
pub struct IoError {
    /// What `to-debug-string` returns.
    pub message: String,
    /// What `filesystem-error-code` returns for this error.
    pub code: Option<ErrorCode>,
}

/// The host object behind `terminal-input` (and see [`TerminalOutput`]):
/// handed out only for stdio inherited from a terminal, and carrying no
/// state because WASI 0.2 defines no operations on terminals yet.
#[derive(Debug)]
pub struct TerminalInput;

/// See [`TerminalInput`].
#[derive(Debug)]
pub struct TerminalOutput;

/// One directory the guest sees from `get-directories`.
#[derive(Debug, Clone)]
pub struct Preopen {
    /// The directory on the host.
    pub host: PathBuf,
    /// The name the guest sees.
    pub guest: String,
    /// The directory, opened once when it was added: the handle every guest
    /// path beneath it is resolved against.
    pub(super) dir: Arc<cap_std::fs::Dir>,
}

/// Configures a [`WasiCtx`]. By default: no arguments, no environment, empty
/// stdin, stdout and stderr captured in memory, no preopened directories.
#[derive(Debug, Clone)]
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: InputSource,
    stdout: OutputSink,
    stderr: OutputSink,
    preopens: Vec<Preopen>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl WasiCtxBuilder {
    /// A builder with the defaults described on the type.
    pub fn new() -> Self {
        Self {
            args: Vec::new(),
            env: Vec::new(),
            stdin: InputSource::Bytes(Arc::from(&[][..])),
            stdout: OutputSink::Capture(CapturedOutput::default()),
            stderr: OutputSink::Capture(CapturedOutput::default()),
            preopens: Vec::new(),
        }
    }

    /// Appends one argument (the first one is the program name by convention).
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends several arguments.
    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Adds one environment variable.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Makes stdin these bytes, then end of stream.
    pub fn stdin_bytes(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = InputSource::Bytes(Arc::from(bytes.into()));
        self
    }

    /// Makes stdin this process's stdin.
    pub fn inherit_stdin(mut self) -> Self {
        self.stdin = InputSource::Inherit;
        self
    }

    /// Sends stdout to this process's stdout instead of capturing it.
    pub fn inherit_stdout(mut self) -> Self {
        self.stdout = OutputSink::InheritStdout;
        self
    }

    /// Sends stderr to this process's stderr instead of capturing it.
    pub fn inherit_stderr(mut self) -> Self {
        self.stderr = OutputSink::InheritStderr;
        self
    }

    /// Inherits stdin, stdout and stderr.
    pub fn inherit_stdio(self) -> Self {
        self.inherit_stdin().inherit_stdout().inherit_stderr()
    }

    /// Lets the guest see the host directory `host` under the name `guest`.
    ///
    /// # Errors
    /// When `host` is not a directory.
    pub fn preopened_dir(
        mut self,
        host: impl Into<PathBuf>,
        guest: impl Into<String>,
    ) -> std::io::Result<Self> {
        let host = host.into();
        if !std::fs::metadata(&host)?.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                format!("{} is not a directory", host.display()),
            ));
        }
        // The one place the host's own (ambient) view of the filesystem is
        // used: everything the guest does afterwards goes through this handle.
        let dir = cap_std::fs::Dir::open_ambient_dir(&host, cap_std::ambient_authority())?;
        self.preopens.push(Preopen {
            host,
            guest: guest.into(),
            dir: Arc::new(dir),
        });
        Ok(self)
    }

    /// Freezes the configuration into a context for one store.
    pub fn build(self) -> WasiCtx {
        WasiCtx {
            args: self.args,
            env: self.env,
            stdin: self.stdin,
            stdout: self.stdout,
            stderr: self.stderr,
            preopens: self.preopens,
            clock_origin: Instant::now(),
            input_streams: HostTable::default(),
            output_streams: HostTable::default(),
            pollables: HostTable::default(),
            errors: HostTable::default(),
            descriptors: HostTable::default(),
            directory_streams: HostTable::default(),
            terminal_inputs: HostTable::default(),
            terminal_outputs: HostTable::default(),
        }
    }
}

/// The WASI state of one store: configuration plus the host objects behind
/// every WASI resource the guest holds.
#[derive(Debug)]
pub struct WasiCtx {
    pub(super) args: Vec<String>,
    pub(super) env: Vec<(String, String)>,
    pub(super) stdin: InputSource,
    pub(super) stdout: OutputSink,
    pub(super) stderr: OutputSink,
    pub(super) preopens: Vec<Preopen>,
    /// `wasi:clocks/monotonic-clock` counts nanoseconds from here.
    pub(super) clock_origin: Instant,
    pub(super) input_streams: HostTable<InputStream>,
    pub(super) output_streams: HostTable<OutputStream>,
    pub(super) pollables: HostTable<Pollable>,
    pub(super) errors: HostTable<IoError>,
    pub(super) descriptors: HostTable<Descriptor>,
    pub(super) directory_streams: HostTable<DirectoryEntryStream>,
    pub(super) terminal_inputs: HostTable<TerminalInput>,
    pub(super) terminal_outputs: HostTable<TerminalOutput>,
}

impl Default for WasiCtx {
    fn default() -> Self {
        WasiCtxBuilder::new().build()
    }
}

impl WasiCtx {
    /// The captured stdout, or `None` when stdout is inherited.
    pub fn stdout(&self) -> Option<CapturedOutput> {
        captured(&self.stdout)
    }

    /// The captured stderr, or `None` when stderr is inherited.
    pub fn stderr(&self) -> Option<CapturedOutput> {
        captured(&self.stderr)
    }

    /// Records an I/O failure as a `wasi:io/error` and returns its representation.
    pub(super) fn push_error(&mut self, message: String, code: Option<ErrorCode>) -> Rep<IoError> {
        self.errors.push(IoError { message, code })
    }

    /// How many WASI host objects are alive (for leak checks in tests).
    pub fn live_resources(&self) -> usize {
        self.input_streams.len()
            + self.output_streams.len()
            + self.pollables.len()
            + self.errors.len()
            + self.descriptors.len()
            + self.directory_streams.len()
            + self.terminal_inputs.len()
            + self.terminal_outputs.len()
    }
}

fn captured(sink: &OutputSink) -> Option<CapturedOutput> {
    match sink {
        OutputSink::Capture(buffer) => Some(buffer.clone()),
        OutputSink::InheritStdout | OutputSink::InheritStderr => None,
    }
}
