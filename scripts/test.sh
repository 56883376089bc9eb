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
echo "== cargo test"
cargo test --workspace --locked
# The async executor's unsafe code under Miri, natively, against the fake
# canonical built-ins (about a minute). Needs a nightly toolchain with the
# miri component; without one this step says so instead of passing quietly.
echo "== cargo +nightly miri test -p weft --lib async_support"
if cargo +nightly miri --version >/dev/null 2>&1; then
  MIRIFLAGS=-Zmiri-strict-provenance cargo +nightly miri test -p weft --lib async_support
else
  echo "*** NOT RUN: no nightly toolchain with miri (rustup +nightly component add miri) ***"
fi
