//! `wasi:cli`: arguments, environment, exit, stdio and terminals.

use crate::{Error, Linker, Resource};

use super::values::own_of;
use super::{WasiView, interface, resource, typed};
use crate::wasi::WasiCtx;
use crate::wasi::ctx::{TerminalInput, TerminalOutput};
use crate::wasi::streams::{InputStream, OutputStream};

pub(super) fn add_to_linker<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    let mut i = interface(linker, "cli/environment")?;
    typed(&mut i, "get-environment", |cx, ()| {
        let pairs: Vec<(String, String)> = cx.env.clone();
        Ok((pairs,))
    })?;
    typed(&mut i, "get-arguments", |cx, ()| Ok((cx.args.clone(),)))?;
    typed(&mut i, "initial-cwd", |_, ()| Ok((None::<String>,)))?;

    let mut i = interface(linker, "cli/exit")?;
    typed(
        &mut i,
        "exit",
        |_, (status,): (Result<(), ()>,)| -> Result<(), Error> {
            Err(Error::exit(if status.is_ok() { 0 } else { 1 }))
        },
    )?;
    typed(
        &mut i,
        "exit-with-code",
        |_, (code,): (u8,)| -> Result<(), Error> { Err(Error::exit(i32::from(code))) },
    )?;

    let mut i = interface(linker, "cli/stdin")?;
    typed(&mut i, "get-stdin", |cx, ()| {
        let stream = InputStream::from_source(&cx.stdin);
        Ok((own_of(cx.input_streams.push(stream)),))
    })?;
    let mut i = interface(linker, "cli/stdout")?;
    typed(&mut i, "get-stdout", |cx, ()| {
        let stream = OutputStream::Sink(cx.stdout.clone());
        Ok((own_of(cx.output_streams.push(stream)),))
    })?;
    let mut i = interface(linker, "cli/stderr")?;
    typed(&mut i, "get-stderr", |cx, ()| {
        let stream = OutputStream::Sink(cx.stderr.clone());
        Ok((own_of(cx.output_streams.push(stream)),))
    })?;
    add_terminals(linker)
}

/// Stdio is a terminal only when it is inherited from one: captured output
/// never is, so a guest that styles terminal output writes plain text into
/// a capture buffer.
fn add_terminals<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    let mut i = interface(linker, "cli/terminal-input")?;
    resource::<T, TerminalInput>(&mut i, "terminal-input", |cx, r| {
        cx.terminal_inputs.remove(r).map(drop)
    })?;
    let mut i = interface(linker, "cli/terminal-output")?;
    resource::<T, TerminalOutput>(&mut i, "terminal-output", |cx, r| {
        cx.terminal_outputs.remove(r).map(drop)
    })?;
    let mut i = interface(linker, "cli/terminal-stdin")?;
    typed(&mut i, "get-terminal-stdin", |cx, ()| {
        let terminal = cx.stdin.is_terminal();
        Ok((terminal.then(|| own_of(cx.terminal_inputs.push(TerminalInput))),))
    })?;
    type Getter = fn(&mut WasiCtx, ()) -> Result<(Option<Resource<TerminalOutput>>,), Error>;
    let getters: [(&str, &str, Getter); 2] = [
        ("cli/terminal-stdout", "get-terminal-stdout", |cx, ()| {
            let terminal = cx.stdout.is_terminal();
            Ok((terminal_output(cx, terminal),))
        }),
        ("cli/terminal-stderr", "get-terminal-stderr", |cx, ()| {
            let terminal = cx.stderr.is_terminal();
            Ok((terminal_output(cx, terminal),))
        }),
    ];
    for (path, name, body) in getters {
        typed(&mut interface(linker, path)?, name, body)?;
    }
    Ok(())
}

/// `some(terminal-output)` when the stream is a terminal, else `none`.
fn terminal_output(cx: &mut WasiCtx, is_terminal: bool) -> Option<Resource<TerminalOutput>> {
    is_terminal.then(|| own_of(cx.terminal_outputs.push(TerminalOutput)))
}
