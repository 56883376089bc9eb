//! Runs a nested `cargo build` for wasm guests from inside a test.
//!
//! The nested build must not inherit the outer build's target directory or
//! flags, and its output has to be kept for error reports, so the tests share
//! this one driver instead of assembling `Command`s each.

use crate::toolchain::{GUEST_TARGET, cargo_bin};
use anyhow::{Context, Result};
use std::path::Path;
use std::process::{Command, Output};

/// Variables that an outer `cargo test` may set and that would leak into the
/// nested guest build, changing its flags or redirecting its output.
const SCRUBBED_VARS: &[&str] = &[
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTFLAGS",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_MAKEFLAGS",
];

/// A `cargo build --target wasm32-wasip2` of the workspace at `manifest_dir`,
/// writing into `target_dir`, with `extra_args` (profile, packages, message
/// format) appended.
pub fn wasm_build_command(manifest_dir: &Path, target_dir: &Path, extra_args: &[&str]) -> Command {
    let mut cmd = Command::new(cargo_bin());
    cmd.current_dir(manifest_dir)
        .args(["build", "--target", GUEST_TARGET])
        .arg("--target-dir")
        .arg(target_dir)
        .args(extra_args);
    for var in SCRUBBED_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `cmd` to completion, capturing its output.
///
/// # Errors
/// Only if the process cannot be started; a failing build is reported through
/// the returned [`Output`]'s status.
pub fn run_captured(cmd: &mut Command) -> Result<Output> {
    cmd.output()
        .with_context(|| format!("cannot run {:?}", cmd.get_program()))
}
