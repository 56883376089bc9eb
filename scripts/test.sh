#!/usr/bin/env bash
# Runs every check CI runs: formatting, clippy with warnings denied, and the
# whole test suite (codegen unit tests, guest components built for
# wasm32-wasip2 and run end to end, the WIT corpus, the spec conformance
# suite). Guest builds are cached under target/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings
# guest-rt's optional `futures` adapters (no workspace crate enables them).
cargo clippy -p weft --all-targets --features futures --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
cargo test -p weft --features futures --locked --lib
