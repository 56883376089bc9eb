#!/usr/bin/env bash
# The README demo: builds examples/hello (a Rust guest using weft::bindgen!)
# into a component and calls its exports on the weft harness.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "== building examples/hello for wasm32-wasip2"
cargo build --quiet --release --target wasm32-wasip2 \
  --manifest-path examples/hello/Cargo.toml --target-dir target/examples
wasm=target/examples/wasm32-wasip2/release/hello.wasm
echo "== built $wasm ($(wc -c <"$wasm") bytes)"
cargo build --quiet --locked -p weft-harness --bin weft
weft=target/debug/weft
for call in 'greet("weft")' 'stats(["component", "model", "weft"])'; do
  echo "\$ weft run --invoke '$call' $wasm"
  "$weft" run --invoke "$call" "$wasm"
done
