//! `wasi:cli`: arguments, environment, exit, stdio and terminals.

use crate::{Error, Linker, Val};

use super::values::{is_ok_at, option, own, own_of, u8_at};
use super::{HostFn, WasiView, func, interface, resource, typed};
use crate::wasi::WasiCtx;
use crate::wasi::ctx::{TerminalInput, TerminalOutput};
use crate::wasi::streams::{InputStream, OutputStream};

pub(super) fn add_to_linker<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    let mut i = interface(linker, "cli/environment")?;
    func(&mut i, "get-environment", |cx, _| {
        let pairs = cx
            .env
            .iter()
            .map(|(k, v)| Val::Tuple(vec![Val::String(k.clone()), Val::String(v.clone())]));
        Ok(Some(Val::List(pairs.collect())))
    })?;
    func(&mut i, "get-arguments", |cx, _| {
        Ok(Some(Val::List(
            cx.args.iter().cloned().map(Val::String).collect(),
        )))
    })?;
    func(&mut i, "initial-cwd", |_, _| Ok(Some(option(None))))?;

    let mut i = interface(linker, "cli/exit")?;
    func(&mut i, "exit", |_, p| {
        Err(Error::exit(if is_ok_at(p, 0)? { 0 } else { 1 }))
    })?;
    func(&mut i, "exit-with-code", |_, p| {
        Err(Error::exit(i32::from(u8_at(p, 0)?)))
    })?;

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
    let getters: [(&str, &str, HostFn); 3] = [
        ("cli/terminal-stdin", "get-terminal-stdin", |cx, _| {
            let terminal = cx.stdin.is_terminal();
            Ok(Some(option(
                terminal.then(|| own(cx.terminal_inputs.push(TerminalInput))),
            )))
        }),
        ("cli/terminal-stdout", "get-terminal-stdout", |cx, _| {
            let terminal = cx.stdout.is_terminal();
            Ok(Some(terminal_output(cx, terminal)))
        }),
        ("cli/terminal-stderr", "get-terminal-stderr", |cx, _| {
            let terminal = cx.stderr.is_terminal();
            Ok(Some(terminal_output(cx, terminal)))
        }),
    ];
    for (path, name, body) in getters {
        func(&mut interface(linker, path)?, name, body)?;
    }
    Ok(())
}

/// `some(terminal-output)` when the stream is a terminal, else `none`.
fn terminal_output(cx: &mut WasiCtx, is_terminal: bool) -> Val {
    option(is_terminal.then(|| own(cx.terminal_outputs.push(TerminalOutput))))
}
