//! Builds the generated corpus workspace once and attributes the result to
//! each crate from cargo's JSON messages: a crate passes when its `cdylib`
//! artifact is produced, is a valid component, and exports exactly what its
//! world declares (so a macro that silently emitted nothing cannot pass); it
//! fails with its first compiler error otherwise.

use super::workspace::{CorpusCrate, CorpusWorkspace};
use crate::cargo::{run_captured, wasm_build_command};
use crate::components::{component_shape, validate_component};
use anyhow::Result;
use serde_json::Value;
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What happened to one generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// The first line of the crate's first error.
    Fail(String),
}

/// The verdict of every crate, plus errors from shared dependencies (such as
/// `weft` itself), which would otherwise show up only as missing artifacts.
#[derive(Debug)]
pub struct BuildOutcome {
    pub verdicts: Vec<(CorpusCrate, Verdict)>,
    pub shared_errors: Vec<String>,
}

/// Runs one `cargo build --keep-going` over the whole workspace.
///
/// # Errors
/// Only if cargo cannot be started.
pub fn build_all(ws: &CorpusWorkspace) -> Result<BuildOutcome> {
    let args = ["--workspace", "--keep-going", "--message-format=json"];
    let output = run_captured(&mut wasm_build_command(&ws.dir, &ws.target_dir, &args))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut first_error: BTreeMap<String, String> = BTreeMap::new();
    let mut built: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut shared_errors = Vec::new();
    for msg in stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        let owner = package_name(&msg, ws);
        match msg["reason"].as_str() {
            Some("compiler-message") if msg["message"]["level"] == "error" => {
                let text = msg["message"]["message"]
                    .as_str()
                    .unwrap_or("?")
                    .to_string();
                match owner {
                    Some(name) => {
                        first_error.entry(name).or_insert(text);
                    }
                    None => shared_errors.push(text),
                }
            }
            Some("compiler-artifact") => {
                if let (Some(name), Some(wasm)) = (owner, cdylib_file(&msg)) {
                    built.insert(name, wasm);
                }
            }
            _ => {}
        }
    }
    if first_error.is_empty() && built.is_empty() && !output.status.success() {
        shared_errors.push(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let verdicts = ws
        .crates
        .iter()
        .map(|c| {
            let verdict = if let Some(wasm) = built.get(&c.name) {
                check_artifact(wasm, &c.world.exports)
            } else {
                let why = first_error.get(&c.name).cloned();
                Verdict::Fail(
                    why.unwrap_or_else(|| "no artifact (a dependency failed)".to_string()),
                )
            };
            (c.clone(), verdict)
        })
        .collect();
    Ok(BuildOutcome {
        verdicts,
        shared_errors,
    })
}

/// The generated crate a cargo message belongs to, if any.
fn package_name(msg: &Value, ws: &CorpusWorkspace) -> Option<String> {
    let id = msg["package_id"].as_str()?;
    ws.crates
        .iter()
        .find(|c| id.contains(&format!("/crates/{}#", c.name)))
        .map(|c| c.name.clone())
}

/// The `.wasm` file of a `cdylib` artifact message.
fn cdylib_file(msg: &Value) -> Option<PathBuf> {
    let kinds = msg["target"]["kind"].as_array()?;
    if !kinds.iter().any(|k| k == "cdylib") {
        return None;
    }
    msg["filenames"]
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .find(|f| f.ends_with(".wasm"))
        .map(PathBuf::from)
}

/// A built crate passes if its component validates and exports exactly the
/// world's exports.
fn check_artifact(wasm: &Path, expected: &BTreeSet<String>) -> Verdict {
    let shape = validate_component(wasm).and_then(|bytes| component_shape(&bytes));
    match shape {
        Err(e) => Verdict::Fail(format!("built but invalid: {e:#}")),
        Ok(shape) => {
            let exports: BTreeSet<String> = shape.exports.into_keys().collect();
            if &exports == expected {
                Verdict::Pass
            } else {
                Verdict::Fail(format!(
                    "component exports {exports:?}, world declares {expected:?}"
                ))
            }
        }
    }
}
