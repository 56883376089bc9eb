//! Schedule exploration for `weft run` and `weft wast`: `--schedules K`
//! runs the same thing under K seeds and stops at the first that fails,
//! naming the options that replay it; `--trace` writes the timeline of a
//! run. One run with one schedule is `run::run` or `wast::check`; this
//! module only walks seeds around them.

use std::path::{Path, PathBuf};

use weft_harness::{Schedule, Store, Strategy};

use super::run::{self, Failure, Limits, RunOptions};
use super::wast;

/// The options that replay `schedule`, as a user would type them.
fn replay_options(schedule: Schedule) -> String {
    match schedule.strategy {
        Strategy::Random => format!("--seed {}", schedule.seed),
        Strategy::Pct { depth, max_steps } => format!(
            "--seed {} --strategy pct --pct-depth {depth} --pct-steps {max_steps}",
            schedule.seed
        ),
    }
}

/// The schedules `--schedules` walks: `count` seeds from the given one.
fn schedules(limits: &Limits) -> Vec<Option<Schedule>> {
    match (limits.schedules, limits.schedule) {
        (Some(count), Some(first)) => (0..count)
            .map(|i| Some(first.with_seed(first.seed.wrapping_add(i))))
            .collect(),
        // `args::schedule` gives a schedule whenever `--schedules` is set.
        (Some(_), None) | (None, _) => vec![limits.schedule],
    }
}

/// `weft run`, under each schedule `--schedules` asks for.
///
/// # Errors
/// The first run's [`Failure`], with the options that replay it.
pub fn run(options: &RunOptions) -> Result<u8, Failure> {
    let Some(count) = options.limits.schedules else {
        return run::run(options);
    };
    for schedule in schedules(&options.limits) {
        let one = RunOptions {
            limits: Limits {
                schedule,
                schedules: None,
                ..options.limits.clone()
            },
            ..options.clone()
        };
        let outcome = run::run(&one);
        let failed = !matches!(outcome, Ok(0));
        if failed && let Some(s) = schedule {
            eprintln!(
                "schedule failed: seed {} (replay with {})",
                s.seed,
                replay_options(s)
            );
            return outcome;
        }
    }
    eprintln!("{count} schedules passed");
    Ok(0)
}

/// `weft wast`, under each schedule `--schedules` asks for; prints the
/// report (and writes the traces) of the first that fails, or of the last.
///
/// # Errors
/// When a path cannot be read at all.
pub fn wast(paths: &[PathBuf], limits: &Limits) -> Result<u8, Failure> {
    let all = schedules(limits);
    let mut report = None;
    for schedule in &all {
        let one = Limits {
            schedule: *schedule,
            schedules: None,
            ..limits.clone()
        };
        let r = wast::check(paths, &one)?;
        let failed = !r.failures.is_empty();
        if failed
            && limits.schedules.is_some()
            && let Some(s) = schedule
        {
            if let Some(path) = &limits.trace {
                wast::write_traces(&r, path)?;
            }
            let status = wast::print(&r);
            println!(
                "schedule failed: seed {} (replay with {})",
                s.seed,
                replay_options(*s)
            );
            return Ok(status);
        }
        report = Some(r);
    }
    if let (Some(r), Some(path)) = (&report, &limits.trace) {
        wast::write_traces(r, path)?;
    }
    let status = report.as_ref().map_or(0, wast::print);
    if let Some(count) = limits.schedules {
        println!("{count} schedules passed");
    }
    Ok(status)
}

/// Writes `store`'s trace to `path`, when `--trace` asked for one.
///
/// # Errors
/// When the file cannot be written.
pub fn write_trace<T: 'static>(store: &Store<T>, path: Option<&Path>) -> Result<(), Failure> {
    let (Some(path), Some(json)) = (path, store.trace_json()) else {
        return Ok(());
    };
    std::fs::write(path, json)
        .map_err(|e| Failure::Setup(format!("cannot write trace {}: {e}", path.display())))
}
