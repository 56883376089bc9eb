//! Shared by the `cli*` integration tests: building the cli-hello guest.
//!
//! The guest is built once per test process into `target/guests`, where
//! every guest build of the repository is cached, so repeated runs cost only
//! cargo's up-to-date check.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The repository root.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds cli-hello once per test process and returns its path.
pub fn cli_hello() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = repo_root();
        let target = root.join("target/guests");
        let status = Command::new(env!("CARGO"))
            .args(["build", "--release", "--target", "wasm32-wasip2"])
            .args(["-p", "cli-hello", "--bin", "cli-hello", "--manifest-path"])
            .arg(root.join("tests/guests/Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building cli-hello failed");
        target.join("wasm32-wasip2/release/cli-hello.wasm")
    })
}

/// Encodes a component (or module) written in the text format.
pub fn encode_wat(text: &str) -> Vec<u8> {
    let buffer = wast::parser::ParseBuffer::new(text).expect("lexes");
    let mut parsed: wast::Wat = wast::parser::parse(&buffer).expect("parses");
    parsed.encode().expect("encodes")
}
