//! Preflight checks for building wasm guests, so that a missing target or C
//! compiler is reported as one actionable sentence instead of a page of
//! linker errors.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::Command;

/// The target every guest component is built for.
pub const GUEST_TARGET: &str = "wasm32-wasip2";

const SETUP_HINT: &str = "run scripts/setup.sh (it adds the rustup target and installs clang/lld)";

/// The cargo binary driving this test run (`$CARGO`), else `cargo` on `PATH`.
pub fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo"))
}

/// Checks that the `wasm32-wasip2` standard library and `clang` are present.
///
/// # Errors
/// Names what is missing and how to install it.
pub fn check_guest_toolchain() -> Result<()> {
    let sysroot = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .context("cannot run `rustc --print sysroot`")?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    let std_dir = sysroot.join("lib/rustlib").join(GUEST_TARGET);
    if !std_dir.is_dir() {
        bail!(
            "the Rust target {GUEST_TARGET} is not installed (no {}); {SETUP_HINT}",
            std_dir.display()
        );
    }
    // weft-cabi compiles a C file for the guest, so clang must target wasm.
    let clang = Command::new("clang").arg("--version").output();
    match clang {
        Ok(out) if out.status.success() => Ok(()),
        _ => bail!("clang is not installed or does not run; {SETUP_HINT}"),
    }
}
