//! `weft`: the command-line face of the harness.
//!
//! `weft run` instantiates a component with the built-in WASI host and runs
//! its `wasi:cli/run` export or the function named by `--invoke`; `weft wast`
//! runs component-model `.wast` scripts. The work is in [`cli`]; this file
//! only turns its outcome into the process exit status.

// As in the library: every `allow` says why.
#![deny(clippy::allow_attributes_without_reason)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
