//! `weft wast`: runs component-model `.wast` scripts through the harness's
//! script runner and prints each failure, how many calls between instances
//! ran through fused adapters (if any), then `N passed, M failed`.

use std::path::PathBuf;

use weft_harness::wast::Summary;

use super::run::{Failure, Limits};

/// Runs every script under `paths`, silently.
///
/// # Errors
/// When a path cannot be read at all.
pub fn check(paths: &[PathBuf], limits: &Limits) -> Result<Summary, Failure> {
    weft_harness::wast::run_paths_seeded(paths, &limits.store_limits(), limits.schedule)
        .map_err(|e| Failure::Setup(e.to_string()))
}

/// Prints `report`; the status is 0 only if nothing failed.
pub fn print(report: &Summary) -> u8 {
    for failure in &report.failures {
        println!("{failure}");
    }
    if report.adapter_calls > 0 {
        println!("adapted calls: {}", report.adapter_calls);
    }
    println!("{} passed, {} failed", report.passed, report.failures.len());
    u8::from(!report.failures.is_empty())
}
