//! What the benchmarks share: where the repository is, a release `weft`
//! binary, the `wasmtime` CLI when installed (the peer every comparison is
//! against), text-format encoding and running a process to completion.
//! Each bench includes it with `mod peers;`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `cargo build` with `args` into `target`, panicking on failure: a
/// benchmark without its inputs has nothing to measure.
pub fn cargo_build(args: &[&str], target: &Path) {
    let status = Command::new(env!("CARGO"))
        .arg("build")
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build {args:?} failed");
}

/// A release `weft` binary, built into a target directory of its own (the
/// bench's own one is locked by the `cargo bench` running us).
pub fn weft_bin() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = repo_root();
        let target = root.join("target/bench-weft");
        let manifest = root.join("Cargo.toml");
        cargo_build(
            &[
                "--release",
                "-p",
                "weft-harness",
                "--bin",
                "weft",
                "--manifest-path",
                manifest.to_str().expect("utf-8 path"),
            ],
            &target,
        );
        target.join("release/weft")
    })
}

/// The wasmtime CLI, if installed.
pub fn wasmtime() -> Option<PathBuf> {
    let candidate = std::env::var_os("WASMTIME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin/wasmtime")))?;
    let version = Command::new(&candidate).arg("--version").output().ok()?;
    version.status.success().then(|| {
        println!(
            "comparing with {}",
            String::from_utf8_lossy(&version.stdout).trim()
        );
        candidate
    })
}

pub fn encode(text: &str) -> Vec<u8> {
    let buffer = wast::parser::ParseBuffer::new(text).expect("lexes");
    let mut parsed: wast::Wat = wast::parser::parse(&buffer).expect("parses");
    parsed.encode().expect("encodes")
}

/// Runs a process to completion and checks it succeeded and that its
/// stdout contains `expect_stdout`.
pub fn run_process(program: &Path, args: &[&str], expect_stdout: &str) {
    let stdout = run_checked(program, args, None);
    assert!(String::from_utf8_lossy(&stdout).contains(expect_stdout));
}

/// Runs a process to completion, with the file `stdin` (if any) as its
/// standard input; checks it succeeded and returns its stdout.
pub fn run_checked(program: &Path, args: &[&str], stdin: Option<&Path>) -> Vec<u8> {
    let mut command = Command::new(program);
    command.args(args);
    if let Some(input) = stdin {
        command.stdin(std::fs::File::open(input).expect("input opens"));
    }
    let out = command.output().expect("process starts");
    assert!(
        out.status.success(),
        "{program:?} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
