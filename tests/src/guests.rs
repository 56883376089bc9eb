//! Builds the guest components of `tests/guests/` once per test process.
//!
//! All guests live in one cargo workspace, so a single
//! `cargo build --release --target wasm32-wasip2` produces every component;
//! its target directory is `<repo>/target/guests`, which keeps the build
//! cached across runs. Tests in one process share the result through a
//! `OnceLock`; separate test processes are serialised by cargo's own lock on
//! that target directory, and the second one finds everything fresh.
//!
//! Every test guest can also be built with wit-bindgen instead of weft (its
//! `peer` feature): setting `WEFT_GUEST_BINDGEN=wit-bindgen` runs the whole
//! suite on those builds (into `target/guests-peer`), which checks that the
//! guests really are drop-in compatible and gives the size comparison.

use crate::cargo::{run_captured, wasm_build_command};
use crate::paths::{repo_root, test_target_root};
use crate::toolchain::{GUEST_TARGET, check_guest_toolchain};
use anyhow::{Result, anyhow, bail};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Environment variable choosing the generator the guests are built with.
pub const GENERATOR_VAR: &str = "WEFT_GUEST_BINDGEN";

/// Which bindings generator a guest build uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generator {
    /// `weft::bindgen!`, the default.
    Weft,
    /// `wit_bindgen::generate!` from crates.io, through each guest's `peer` feature.
    WitBindgen,
}

impl Generator {
    /// The generator named by `$WEFT_GUEST_BINDGEN` (`weft` when unset).
    ///
    /// # Errors
    /// If the variable names neither generator.
    pub fn from_env() -> Result<Generator> {
        match std::env::var(GENERATOR_VAR).as_deref() {
            Err(_) | Ok("") | Ok("weft") => Ok(Generator::Weft),
            Ok("wit-bindgen") => Ok(Generator::WitBindgen),
            Ok(other) => bail!("{GENERATOR_VAR}={other}: expected `weft` or `wit-bindgen`"),
        }
    }

    fn target_dir(self) -> PathBuf {
        match self {
            Generator::Weft => test_target_root().join("guests"),
            Generator::WitBindgen => test_target_root().join("guests-peer"),
        }
    }

    fn cargo_args(self) -> &'static [&'static str] {
        match self {
            Generator::Weft => &["--release", "--workspace"],
            // Only the test guests have a `peer` feature, so name them.
            Generator::WitBindgen => &[
                "--release",
                "-p",
                "leaf",
                "-p",
                "provider",
                "-p",
                "runner",
                "-p",
                "ext-provider",
                "-p",
                "ext-runner",
                "-p",
                "parity-types",
                "-p",
                "parity-provider",
                "-p",
                "parity-runner",
                "-p",
                "async-relay",
                "-p",
                "pacer",
                "-p",
                "relay-driver",
                "-p",
                "lookup-service",
                "-p",
                "async-bench",
                "--no-default-features",
                "--features",
                "peer",
            ],
        }
    }
}

/// The outcome of building the guest workspace: where its components are.
#[derive(Debug)]
pub struct GuestBuild {
    out_dir: PathBuf,
}

impl GuestBuild {
    /// The component built from guest crate `crate_name` (e.g. `"runner"`).
    ///
    /// # Errors
    /// If the build produced no such file, which means the crate is not a
    /// member of the guest workspace or is not a binary/cdylib.
    pub fn component(&self, crate_name: &str) -> Result<PathBuf> {
        // cargo keeps a binary's name but turns a library's `-` into `_`.
        let bin = self.out_dir.join(format!("{crate_name}.wasm"));
        let lib = self
            .out_dir
            .join(format!("{}.wasm", crate_name.replace('-', "_")));
        match [bin, lib].into_iter().find(|f| f.is_file()) {
            Some(file) => Ok(file),
            None => bail!(
                "guest `{crate_name}` was not built: no {crate_name}.wasm in {}",
                self.out_dir.display()
            ),
        }
    }

    /// The directory holding every built component.
    pub fn out_dir(&self) -> &Path {
        &self.out_dir
    }
}

/// The guest workspace directory, `<repo>/tests/guests`.
pub fn guests_dir() -> PathBuf {
    repo_root().join("tests").join("guests")
}

/// Builds every guest (at most once per process) with the generator named by
/// `$WEFT_GUEST_BINDGEN` and returns where they are.
///
/// # Errors
/// A missing toolchain (with the setup hint) or the failing build's stderr.
/// The error is remembered, so every test that needs guests reports it.
pub fn build_guests() -> Result<&'static GuestBuild> {
    static BUILD: OnceLock<Result<GuestBuild, String>> = OnceLock::new();
    BUILD
        .get_or_init(|| {
            Generator::from_env()
                .and_then(build_guest_workspace)
                .map_err(|e| format!("{e:#}"))
        })
        .as_ref()
        .map_err(|e| anyhow!("{e}"))
}

/// Builds the guest workspace with `generator` (cached in its target dir).
///
/// # Errors
/// A missing toolchain (with the setup hint) or the failing build's stderr.
pub fn build_guest_workspace(generator: Generator) -> Result<GuestBuild> {
    check_guest_toolchain()?;
    let target_dir = generator.target_dir();
    let mut cmd = wasm_build_command(&guests_dir(), &target_dir, generator.cargo_args());
    let output = run_captured(&mut cmd)?;
    if !output.status.success() {
        bail!(
            "building the guests in {} with {generator:?} failed ({}):\n{}",
            guests_dir().display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(GuestBuild {
        out_dir: target_dir.join(GUEST_TARGET).join("release"),
    })
}

/// Builds `cabi/tests/mixed-guest`, the one component that links weft and
/// wit-bindgen 0.61.1 together (debug profile, into `target/guests-cabi`,
/// the cache `weft-cabi`'s own test of it uses), and returns its path.
///
/// # Errors
/// A missing toolchain (with the setup hint) or the failing build's stderr.
pub fn build_mixed_guest() -> Result<PathBuf> {
    let manifest_dir = repo_root().join("cabi").join("tests").join("mixed-guest");
    build_single_guest(&manifest_dir, "weft_cabi_mixed_guest")
}

/// Builds `tests/two-wefts`, the component that links this weft and a
/// renamed copy one version ahead ([`crate::weft_next`]), and returns its
/// path. It shares `target/guests-cabi` with the mixed guest, so the
/// unrenamed weft and every dependency are built once for both.
///
/// # Errors
/// A missing toolchain, a failing copy, or the failing build's stderr.
pub fn build_two_wefts_guest() -> Result<PathBuf> {
    crate::weft_next::prepare_weft_next()?;
    let manifest_dir = repo_root().join("tests").join("two-wefts");
    build_single_guest(&manifest_dir, "weft_two_wefts_guest")
}

/// Builds the guest workspace at `manifest_dir` (debug profile, into
/// `target/guests-cabi`) and returns its component `<artifact>.wasm`.
fn build_single_guest(manifest_dir: &Path, artifact: &str) -> Result<PathBuf> {
    check_guest_toolchain()?;
    let target_dir = test_target_root().join("guests-cabi");
    let mut cmd = wasm_build_command(manifest_dir, &target_dir, &[]);
    let output = run_captured(&mut cmd)?;
    if !output.status.success() {
        bail!(
            "building {} failed ({}):\n{}",
            manifest_dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(target_dir
        .join(GUEST_TARGET)
        .join("debug")
        .join(format!("{artifact}.wasm")))
}
