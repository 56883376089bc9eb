//! The `weft` command line: clap definitions and their conversion into the
//! plain option structs the subcommands take.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::run::{Failure, RunOptions};

/// The whole command-line grammar.
pub fn command() -> Command {
    Command::new("weft")
        .about("Run and test WebAssembly components on the weft harness")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(run_command())
        .subcommand(
            Command::new("wast")
                .about("Run component-model .wast scripts")
                .arg(
                    Arg::new("paths")
                        .value_name("FILE|DIR")
                        .required(true)
                        .num_args(1..)
                        .value_parser(clap::value_parser!(PathBuf)),
                ),
        )
}

fn run_command() -> Command {
    let repeated = |name: &'static str, value: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .value_name(value)
            .action(ArgAction::Append)
            .help(help)
    };
    Command::new("run")
        .about("Run a component's wasi:cli/run export, or one function with --invoke")
        .arg(
            Arg::new("invoke").long("invoke").value_name("CALL").help(
                "Call an export instead, e.g. --invoke 'add(1, 2)'; prints the result in WAVE",
            ),
        )
        .arg(repeated(
            "link",
            "COMPONENT",
            "Instantiate this component first and offer its exports as imports (repeatable: a chain, where a later link shadows names exported earlier)",
        ))
        .arg(repeated(
            "dir",
            "HOST::GUEST",
            "Let the guest see host directory HOST as GUEST",
        ))
        .arg(repeated(
            "env",
            "NAME=VALUE",
            "Set an environment variable for the guest",
        ))
        .arg(
            Arg::new("component")
                .value_name("COMPONENT.wasm")
                .required(true)
                .value_parser(clap::value_parser!(PathBuf)),
        )
        .arg(
            Arg::new("args")
                .value_name("ARGS")
                .num_args(0..)
                .trailing_var_arg(true)
                .allow_hyphen_values(true),
        )
}

/// The options of `weft run`.
pub fn run_options(m: &ArgMatches) -> Result<RunOptions, Failure> {
    let strings = |name: &str| -> Vec<String> {
        m.get_many::<String>(name)
            .map(|values| values.cloned().collect())
            .unwrap_or_default()
    };
    let dirs = strings("dir")
        .into_iter()
        .map(|spec| match spec.split_once("::") {
            Some((host, guest)) => (PathBuf::from(host), guest.to_string()),
            // Like other runtimes, a bare path is visible under its own name.
            None => (PathBuf::from(&spec), spec),
        })
        .collect();
    // `NAME=VALUE` sets a variable; a bare `NAME` passes the host's value
    // through when it has one, as other runtimes' `--env` does.
    let env = strings("env")
        .into_iter()
        .filter_map(|spec| match spec.split_once('=') {
            Some((k, v)) => Some((k.to_string(), v.to_string())),
            None => std::env::var(&spec).ok().map(|v| (spec, v)),
        })
        .collect();
    let component = m
        .get_one::<PathBuf>("component")
        .cloned()
        .ok_or_else(|| Failure::Usage("missing COMPONENT.wasm".into()))?;
    Ok(RunOptions {
        invoke: m.get_one::<String>("invoke").cloned(),
        links: strings("link").into_iter().map(PathBuf::from).collect(),
        dirs,
        env,
        component,
        args: strings("args"),
    })
}

/// The paths of `weft wast`.
pub fn wast_paths(m: &ArgMatches) -> Vec<PathBuf> {
    m.get_many::<PathBuf>("paths")
        .map(|values| values.cloned().collect())
        .unwrap_or_default()
}
