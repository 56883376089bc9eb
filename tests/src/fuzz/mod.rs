//! Shared pieces of weft's fuzzers (`tests/tests/fuzz_*.rs`).
//!
//! Every fuzzer is a plain `#[test]`: seeded, deterministic and bounded, so
//! CI runs a fixed budget of cases and any failure is reproduced by its seed.
//! The pieces here are the ones more than one fuzzer needs, or that are worth
//! testing on their own: the case driver ([`driver`]: budget from the
//! environment, per-case seeds, panics caught and hangs detected), the
//! mutation of real guest components ([`splice`], [`bound`]), a generator of
//! component text ([`wat_gen`]), running an input through load, link and
//! calls ([`exercise`], with arguments from [`args`]) and random WIT
//! packages ([`wit_gen`]).

pub mod args;
pub mod bound;
pub mod driver;
pub mod exercise;
pub mod splice;
pub mod wat_gen;
pub mod wit_gen;

pub use driver::{Budget, CaseSeed, run_cases};

use std::path::PathBuf;

/// The checked-in inputs that once made a fuzzer fail, ending in
/// `.<extension>`, from `tests/fuzz-regressions/`, sorted.
///
/// # Panics
/// If the directory cannot be read or holds no such input (a test should
/// not pass by finding nothing).
pub fn regression_inputs(extension: &str) -> Vec<PathBuf> {
    let dir = crate::repo_root().join("tests").join("fuzz-regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap_or_else(|e| panic!("{e}")).path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no .{extension} inputs in {}",
        dir.display()
    );
    files
}
