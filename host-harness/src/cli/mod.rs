//! Argument parsing and dispatch for the `weft` binary.
//!
//! Every failure ends here as one line on stderr (`error: ...`) and a
//! non-zero exit status; nothing below this module prints errors itself.

mod args;
mod explore;
mod invoke_result;
mod run;
mod units;
mod wast;
mod wave;

use std::process::ExitCode;

/// Exit status for a failure of `weft` itself (bad file, link error, bad
/// `--invoke` text): distinct from any status a guest reports through
/// `wasi:cli/exit`, matching the convention of other runtimes' CLIs.
const FAILURE: u8 = 1;

/// Parses the process arguments, runs the subcommand and returns its status.
pub fn main() -> ExitCode {
    let matches = args::command().get_matches();
    let outcome = match matches.subcommand() {
        Some(("run", m)) => args::run_options(m).and_then(|options| explore::run(&options)),
        Some(("wast", m)) => explore::wast(&args::wast_paths(m), &args::limits(m)),
        // clap rejects unknown subcommands and requires one, so this is a
        // usage error in the command definition itself.
        _ => Err(run::Failure::Usage(
            "expected a subcommand: run or wast".into(),
        )),
    };
    match outcome {
        Ok(status) => ExitCode::from(status),
        Err(failure) => {
            // Parser errors can span lines (e.g. a dump of the bad bytes);
            // the contract is one line per failure.
            let message = failure.to_string();
            let one_line: Vec<&str> = message.split_whitespace().collect();
            eprintln!("error: {}", one_line.join(" "));
            ExitCode::from(failure.status())
        }
    }
}
