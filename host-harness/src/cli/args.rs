//! The `weft` command line: clap definitions and their conversion into the
//! plain option structs the subcommands take.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};

use weft_harness::{Schedule, Strategy};

use super::run::{Failure, Limits, RunOptions};
use super::units::{parse_duration, parse_size};

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
                .arg(max_memory_arg())
                .args(schedule_args())
                .arg(trace_arg())
                .arg(
                    Arg::new("paths")
                        .value_name("FILE|DIR")
                        .required(true)
                        .num_args(1..)
                        .value_parser(clap::value_parser!(PathBuf)),
                ),
        )
}

/// `--max-memory`, shared by `run` and `wast`.
fn max_memory_arg() -> Arg {
    Arg::new("max-memory")
        .long("max-memory")
        .value_name("SIZE")
        .value_parser(parse_size)
        .help(
            "Most linear memory all memories of the store may hold together, in bytes with an optional K, M or G suffix [default: 4G]; past it memory.grow returns -1",
        )
}

/// `--seed`, `--strategy`, `--pct-depth`, `--pct-steps` and
/// `--schedules`, shared by `run` and `wast`.
fn schedule_args() -> [Arg; 5] {
    [
        Arg::new("seed")
            .long("seed")
            .value_name("N")
            .value_parser(clap::value_parser!(u64))
            .help(
                "Seed of the async scheduler: every choice the component model leaves open (which ready task runs next, which pending event a wait delivers) is drawn from it, so a run repeats exactly [default: none, a FIFO schedule; 0 with --strategy or --schedules]",
            ),
        Arg::new("strategy")
            .long("strategy")
            .value_name("STRATEGY")
            .value_parser(["random", "pct"])
            .help(
                "How a seeded schedule chooses: `random` (uniform at every choice) or `pct` (random task priorities with depth-1 change points, Burckhardt et al. 2010) [default: random]",
            ),
        Arg::new("pct-depth")
            .long("pct-depth")
            .value_name("D")
            .value_parser(clap::value_parser!(u32).range(1..))
            .help(&*PCT_DEPTH_HELP),
        Arg::new("pct-steps")
            .long("pct-steps")
            .value_name("K")
            .value_parser(clap::value_parser!(u32).range(1..))
            .help(&*PCT_STEPS_HELP),
        Arg::new("schedules")
            .long("schedules")
            .value_name("K")
            .value_parser(clap::value_parser!(u64).range(1..))
            .help(
                "Run K schedules, seeds N, N+1, ... (N from --seed, default 0); stop at the first that fails and print the options that replay it",
            ),
    ]
}

static PCT_DEPTH_HELP: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "Bug depth PCT aims at: D-1 priority change points [default: {}]",
        weft_harness::DEFAULT_PCT_DEPTH
    )
});

static PCT_STEPS_HELP: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "Scheduling steps PCT expects a run to take; its change points fall among the first K [default: {}]",
        weft_harness::DEFAULT_PCT_STEPS
    )
});

/// `--trace`, shared by `run` and `wast`.
fn trace_arg() -> Arg {
    Arg::new("trace")
        .long("trace")
        .value_name("OUT.json")
        .value_parser(clap::value_parser!(PathBuf))
        .help(
            "Write the async timeline (tasks, threads, subtasks, waits, stream and future copies) as Chrome trace-event JSON, for chrome://tracing or ui.perfetto.dev; for wast, one file where each script is a process of its own",
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
        .arg(max_memory_arg())
        .args(schedule_args())
        .arg(trace_arg())
        .arg(
            Arg::new("fuel")
                .long("fuel")
                .value_name("N")
                .value_parser(clap::value_parser!(u64))
                .help("Stop the guest with a trap after it spends N units of fuel (about one per instruction)"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("DURATION")
                .value_parser(parse_duration)
                .help("Stop the guest with a trap once it has run this long, e.g. 500ms, 10s, 2m (a bare number is seconds)"),
        )
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
        limits: limits(m),
        invoke: m.get_one::<String>("invoke").cloned(),
        links: strings("link").into_iter().map(PathBuf::from).collect(),
        dirs,
        env,
        component,
        args: strings("args"),
    })
}

/// The resource limits given on the command line (`wast` has only
/// `--max-memory`).
pub fn limits(m: &ArgMatches) -> Limits {
    // `try_get_one`: `wast` does not define `--fuel` and `--timeout`.
    Limits {
        max_memory: m.get_one::<u64>("max-memory").copied(),
        fuel: m.try_get_one::<u64>("fuel").ok().flatten().copied(),
        timeout: m.try_get_one::<Duration>("timeout").ok().flatten().copied(),
        schedule: schedule(m),
        schedules: m.get_one::<u64>("schedules").copied(),
        trace: m.try_get_one::<PathBuf>("trace").ok().flatten().cloned(),
    }
}

/// The seeded schedule the options ask for, if any.
fn schedule(m: &ArgMatches) -> Option<Schedule> {
    let seed = m.get_one::<u64>("seed").copied();
    let strategy = m.get_one::<String>("strategy");
    let pct = matches!(strategy.map(String::as_str), Some("pct"));
    if seed.is_none() && strategy.is_none() && m.get_one::<u64>("schedules").is_none() {
        return None;
    }
    let strategy = match pct {
        false => Strategy::Random,
        true => Strategy::Pct {
            depth: m
                .get_one::<u32>("pct-depth")
                .copied()
                .unwrap_or(weft_harness::DEFAULT_PCT_DEPTH),
            max_steps: m
                .get_one::<u32>("pct-steps")
                .copied()
                .unwrap_or(weft_harness::DEFAULT_PCT_STEPS),
        },
    };
    Some(Schedule {
        strategy,
        seed: seed.unwrap_or(0),
    })
}

/// The paths of `weft wast`.
pub fn wast_paths(m: &ArgMatches) -> Vec<PathBuf> {
    m.get_many::<PathBuf>("paths")
        .map(|values| values.cloned().collect())
        .unwrap_or_default()
}
