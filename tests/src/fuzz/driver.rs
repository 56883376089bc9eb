//! The case driver every fuzzer runs on: how many cases, which seeds, and
//! what counts as a failure.
//!
//! A fuzzer is a function from a [`CaseSeed`] to an outcome label (`"value"`,
//! `"trap"`, `"load error"`, ...) or a failure message. [`run_cases`] runs it
//! for every seed of the [`Budget`] on a worker thread, so that
//! - a panic anywhere below it is caught and becomes a failure naming the
//!   seed (never a crashed test binary),
//! - a case running past its time budget is a hang, reported with its seed
//!   while the worker is abandoned (the process exits when the tests end),
//! - an abort, which no thread can catch, still leaves the seed behind: the
//!   seed of the running case is written to `target/fuzz/<name>.last` before
//!   the case starts.
//!
//! Case `i` of a budget starting at seed `S` has seed `S + i`, so a failure
//! at seed `X` is re-run alone with `WEFT_FUZZ_SEED=X WEFT_FUZZ_CASES=1`.

use crate::paths::test_target_root;
use anyhow::{Context, Result};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Environment variable overriding the number of cases of every fuzzer.
pub const CASES_VAR: &str = "WEFT_FUZZ_CASES";
/// Environment variable overriding the first seed of every fuzzer.
pub const SEED_VAR: &str = "WEFT_FUZZ_SEED";

/// How many cases a fuzzer runs, starting from which seed.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub cases: u64,
    pub first_seed: u64,
}

impl Budget {
    /// `$WEFT_FUZZ_CASES` cases (else `default_cases`) from seed
    /// `$WEFT_FUZZ_SEED` (else 0).
    ///
    /// # Errors
    /// If either variable is set but is not a number.
    pub fn from_env(default_cases: u64) -> Result<Budget> {
        Ok(Budget {
            cases: env_number(CASES_VAR)?.unwrap_or(default_cases),
            first_seed: env_number(SEED_VAR)?.unwrap_or(0),
        })
    }

    /// Whether the budget is the CI default (no variable set), in which case
    /// a fuzzer may also check its regression seeds.
    pub fn is_default() -> bool {
        std::env::var_os(CASES_VAR).is_none() && std::env::var_os(SEED_VAR).is_none()
    }
}

fn env_number(var: &str) -> Result<Option<u64>> {
    match std::env::var(var) {
        Err(_) => Ok(None),
        Ok(text) if text.is_empty() => Ok(None),
        Ok(text) => text
            .parse()
            .map(Some)
            .with_context(|| format!("{var}={text}: expected a whole number")),
    }
}

/// The seed of one case: everything random in the case derives from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseSeed(pub u64);

impl CaseSeed {
    /// A deterministic random generator for this case.
    pub fn rng(self) -> SmallRng {
        SmallRng::seed_from_u64(self.0)
    }

    /// `len` deterministic random bytes, the input of an
    /// `arbitrary::Unstructured`.
    pub fn bytes(self, len: usize) -> Vec<u8> {
        let mut out = vec![0; len];
        self.rng().fill_bytes(&mut out);
        out
    }
}

/// What a fuzzer run did: outcomes by label, and every failure with its seed.
#[derive(Debug)]
pub struct Report {
    pub name: String,
    pub cases: u64,
    pub outcomes: BTreeMap<String, u64>,
    pub failures: Vec<(CaseSeed, String)>,
    pub elapsed: Duration,
}

impl Report {
    /// One summary line and the failures, for the test's output.
    pub fn print(&self) {
        let outcomes: Vec<String> = self
            .outcomes
            .iter()
            .map(|(label, n)| format!("{label}: {n}"))
            .collect();
        println!(
            "{}: {} cases in {:.1?} ({})",
            self.name,
            self.cases,
            self.elapsed,
            outcomes.join(", ")
        );
        for (seed, why) in &self.failures {
            println!("FAIL {} seed {}: {why}", self.name, seed.0);
        }
        println!(
            "{} passed, {} failed",
            self.cases - self.failures.len() as u64,
            self.failures.len()
        );
    }

    /// Panics with every failure (and how to re-run it) if there is one.
    pub fn assert_clean(&self) {
        self.print();
        assert!(
            self.failures.is_empty(),
            "{} failure(s) in {}; re-run one with {SEED_VAR}=<seed> {CASES_VAR}=1: {:#?}",
            self.failures.len(),
            self.name,
            self.failures
        );
    }
}

/// A message from the worker thread.
enum Progress {
    Started(CaseSeed),
    Finished(CaseSeed, Result<String, String>),
}

/// Runs `case` for every seed of `budget`, each within `per_case`.
///
/// A hang ends the run early (the worker cannot be stopped), with the
/// hanging seed as the last failure.
pub fn run_cases<F>(name: &str, budget: Budget, per_case: Duration, case: F) -> Report
where
    F: Fn(CaseSeed) -> Result<String, String> + Send + 'static,
{
    let start = Instant::now();
    let last_file = last_case_file(name);
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(format!("fuzz-{name}"))
        .spawn(move || {
            for i in 0..budget.cases {
                let seed = CaseSeed(budget.first_seed.wrapping_add(i));
                // Best effort: the file only matters if the process aborts.
                let _ = std::fs::write(&last_file, seed.0.to_string());
                if tx.send(Progress::Started(seed)).is_err() {
                    return;
                }
                let outcome = catch_unwind(AssertUnwindSafe(|| case(seed)))
                    .unwrap_or_else(|payload| Err(format!("panic: {}", panic_text(&payload))));
                if tx.send(Progress::Finished(seed, outcome)).is_err() {
                    return;
                }
            }
        });
    let mut report = Report {
        name: name.to_string(),
        cases: 0,
        outcomes: BTreeMap::new(),
        failures: Vec::new(),
        elapsed: Duration::ZERO,
    };
    if let Err(e) = worker {
        report
            .failures
            .push((CaseSeed(budget.first_seed), format!("cannot start: {e}")));
        return report;
    }
    let mut running = None;
    loop {
        let timeout = if running.is_some() {
            per_case
        } else {
            Duration::from_secs(600)
        };
        match rx.recv_timeout(timeout) {
            Ok(Progress::Started(seed)) => running = Some(seed),
            Ok(Progress::Finished(seed, outcome)) => {
                running = None;
                report.cases += 1;
                match outcome {
                    Ok(label) => *report.outcomes.entry(label).or_default() += 1,
                    Err(why) => report.failures.push((seed, why)),
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let seed = running.unwrap_or(CaseSeed(budget.first_seed));
                report.cases += 1;
                report
                    .failures
                    .push((seed, format!("hang: still running after {per_case:?}")));
                break;
            }
        }
    }
    report.elapsed = start.elapsed();
    report
}

/// `target/fuzz/<name>.last`, created on demand.
fn last_case_file(name: &str) -> PathBuf {
    let dir = test_target_root().join("fuzz");
    let _ = std::fs::create_dir_all(&dir);
    dir.join(format!("{name}.last"))
}

fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_and_hangs_are_failures_with_their_seed() {
        let budget = Budget {
            cases: 4,
            first_seed: 10,
        };
        let report = run_cases(
            "driver-selftest",
            budget,
            Duration::from_secs(5),
            |seed| match seed.0 {
                11 => panic!("boom at {}", seed.0),
                12 => Err("bad".to_string()),
                _ => Ok("fine".to_string()),
            },
        );
        assert_eq!(report.cases, 4);
        assert_eq!(report.outcomes.get("fine"), Some(&2));
        assert_eq!(
            report.failures,
            vec![
                (CaseSeed(11), "panic: boom at 11".to_string()),
                (CaseSeed(12), "bad".to_string())
            ]
        );

        let hang = run_cases(
            "driver-selftest-hang",
            Budget {
                cases: 3,
                first_seed: 0,
            },
            Duration::from_millis(200),
            |seed| {
                if seed.0 == 1 {
                    std::thread::sleep(Duration::from_secs(3));
                }
                Ok("fine".to_string())
            },
        );
        assert_eq!(hang.failures.len(), 1);
        assert_eq!(hang.failures[0].0, CaseSeed(1));
        assert!(hang.failures[0].1.starts_with("hang"));
    }

    #[test]
    fn seeds_are_deterministic() {
        assert_eq!(CaseSeed(7).bytes(32), CaseSeed(7).bytes(32));
        assert_ne!(CaseSeed(7).bytes(32), CaseSeed(8).bytes(32));
    }
}
