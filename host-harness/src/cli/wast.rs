//! `weft wast`: runs component-model `.wast` scripts through the harness's
//! script runner and prints each failure, how many calls between instances
//! ran through fused adapters (if any), then `N passed, M failed`; with
//! `--trace`, writes the scripts' timelines to one file.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use weft_harness::wast::{Options, Summary};

use super::run::{Failure, Limits};

/// Runs every script under `paths`, silently, recording each script's
/// trace when `--trace` asks for one.
///
/// # Errors
/// When a path cannot be read at all.
pub fn check(paths: &[PathBuf], limits: &Limits) -> Result<Summary, Failure> {
    let options = Options {
        limits: limits.store_limits(),
        schedule: limits.schedule,
        trace: limits.trace.is_some(),
    };
    weft_harness::wast::run_paths_with_options(paths, &options)
        .map_err(|e| Failure::Setup(e.to_string()))
}

/// Writes the scripts' traces of `report` to `path` as one trace-event
/// file: each script's store is a process of its own, named after the
/// script, so the scripts sit one under another in the viewer.
///
/// # Errors
/// When the file cannot be written.
pub fn write_traces(report: &Summary, path: &Path) -> Result<(), Failure> {
    let mut events = Vec::new();
    for (pid, (script, json)) in (1u64..).zip(&report.traces) {
        let doc: Value = serde_json::from_str(json)
            .map_err(|e| Failure::Setup(format!("trace of {}: {e}", script.display())))?;
        let Some(Value::Array(script_events)) = doc.get("traceEvents") else {
            continue;
        };
        for mut event in script_events.iter().cloned() {
            event["pid"] = json!(pid);
            if event["name"] == "process_name" {
                event["args"]["name"] = json!(script.display().to_string());
            }
            events.push(event);
        }
    }
    let doc = json!({ "traceEvents": events, "displayTimeUnit": "ns" });
    std::fs::write(path, doc.to_string())
        .map_err(|e| Failure::Setup(format!("cannot write trace {}: {e}", path.display())))
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
