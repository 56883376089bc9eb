#!/usr/bin/env bash
# Size comparison of the test guests' release components, weft against
# wit-bindgen 0.61.1: builds every guest that has a `peer` feature both ways,
# exactly as the tests do (same release profile: opt-level "s", LTO, strip),
# and prints one row per component and the totals. Needs only cargo and the
# wasm32-wasip2 target (tests/crosscheck.sh also runs the components, and
# needs wac and wasmtime).
#
# Usage: tests/sizes.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# parity-types is a library the two parity guests share: it has no component.
guests=(leaf provider runner ext-provider ext-runner parity-provider parity-runner)
pkgs=()
for g in "${guests[@]}"; do pkgs+=(-p "$g"); done
pkgs+=(-p parity-types)
cd "$root/tests/guests"
cargo build --quiet --release --target wasm32-wasip2 --target-dir "$root/target/guests" "${pkgs[@]}"
cargo build --quiet --release --target wasm32-wasip2 --target-dir "$root/target/guests-peer" \
  "${pkgs[@]}" --no-default-features --features peer
size() {
  local dir="$root/$1/wasm32-wasip2/release" name="$2"
  local f="$dir/$name.wasm"
  [ -f "$f" ] || f="$dir/${name//-/_}.wasm"
  stat -c %s "$f"
}
printf '%-16s %10s %12s %8s\n' component weft wit-bindgen change
tw=0; tp=0
for g in "${guests[@]}"; do
  w=$(size target/guests "$g"); p=$(size target/guests-peer "$g")
  tw=$((tw + w)); tp=$((tp + p))
  printf '%-16s %10d %12d %+7.2f%%\n' "$g" "$w" "$p" "$(echo "($w - $p) * 100 / $p" | bc -l)"
done
printf '%-16s %10d %12d %+7.2f%%\n' total "$tw" "$tp" "$(echo "($tw - $tp) * 100 / $tp" | bc -l)"
