#!/usr/bin/env bash
# Manual cross-check of the test guests on a conforming host, and the size
# comparison of weft against wit-bindgen. Not part of CI (it needs `wac` and
# `wasmtime` in ~/.cargo/bin: `cargo install wac-cli --no-default-features`,
# `cargo install wasmtime-cli`).
#
# For each generator (weft, wit-bindgen) it builds the guests exactly as the
# tests do, composes leaf <- provider <- runner with `wac plug`, runs the
# result with wasmtime, and prints the size of every release component.
#
# Usage: tests/crosscheck.sh [weft|wit-bindgen]...   (default: both)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${CARGO_HOME:-$HOME/.cargo}/bin"
generators=("$@")
[ ${#generators[@]} -eq 0 ] && generators=(weft wit-bindgen)

for gen in "${generators[@]}"; do
  case "$gen" in
    weft) out="$root/target/guests"; args=(--workspace) ;;
    wit-bindgen) out="$root/target/guests-peer"
      args=(-p leaf -p provider -p runner -p ext-provider -p ext-runner
            --no-default-features --features peer) ;;
    *) echo "unknown generator $gen (weft or wit-bindgen)" >&2; exit 2 ;;
  esac
  (cd "$root/tests/guests" &&
    cargo build --quiet --release --target wasm32-wasip2 --target-dir "$out" "${args[@]}")
  rel="$out/wasm32-wasip2/release"
  tmp="$(mktemp -d)"
  "$bin/wac" plug "$rel/provider.wasm" --plug "$rel/leaf.wasm" -o "$tmp/provider-leaf.wasm"
  "$bin/wac" plug "$rel/runner.wasm" --plug "$tmp/provider-leaf.wasm" -o "$tmp/composed.wasm"
  "$bin/wac" plug "$rel/ext-runner.wasm" --plug "$rel/ext_provider.wasm" -o "$tmp/ext.wasm"
  echo "== $gen: wasmtime run (leaf <- provider <- runner)"
  "$bin/wasmtime" run "$tmp/composed.wasm"
  echo "== $gen: wasmtime run (ext-provider <- ext-runner)"
  "$bin/wasmtime" run -W component-model-map=y,component-model-fixed-length-lists=y "$tmp/ext.wasm"
  echo "== $gen: release component sizes (bytes)"
  for g in leaf provider runner ext_provider ext-runner; do
    printf '%-13s %8d\n' "$g" "$(stat -c %s "$rel/$g.wasm")"
  done
  rm -rf "$tmp"
done
