#!/usr/bin/env bash
# Per-call cost of guest-to-guest calls through a `.wast` script: a caller
# instance calls a callee instance N times in a core loop (one `invoke`
# from the script), timed on `weft wast` with fused adapters, on `weft
# wast` with the host-mediated path (WEFT_FUSED_ADAPTERS=0), and on the
# wasmtime CLI (`wasmtime wast`) when it is installed. The cost per call
# is (time with N calls - time with 0 calls) / N, so start-up and parsing
# cancel out. Each time is the shortest of the runs (see min_seconds).
#
# Calls: a no-op `func()`; a 1 KiB utf8 string echo `func(s: string) ->
# string`, to a callee lifted with utf8 and to one lifted with utf16 (the
# caller is utf8, so the string goes utf8 -> utf16 -> utf8); a `list<u32>`
# of 16 Ki elements that the callee only counts `func(xs: list<u32>) -> u32`.
#
# Needs hyperfine (`apt-get install -y hyperfine`) and python3. Builds a
# release `weft` into target/release. The scripts are written under
# target/bench-scripts/adapters/. The wasmtime side is skipped with a note
# when `$WASMTIME` (default ~/.cargo/bin/wasmtime) does not run.
#
# Usage: [WEFT=path/to/weft] benches/adapters-wast.sh [runs]   (default 5)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-5}"
out="$root/target/bench-scripts/adapters"
mkdir -p "$out"

# `WEFT=path` times that binary instead (e.g. a copy of an older build).
if [ -n "${WEFT:-}" ]; then
  weft="$WEFT"
else
  cargo build --quiet --release -p weft-harness --bin weft --manifest-path "$root/Cargo.toml"
  weft="$root/target/release/weft"
fi
wasmtime="${WASMTIME:-$HOME/.cargo/bin/wasmtime}"
if ! "$wasmtime" --version >/dev/null 2>&1; then
  echo "note: wasmtime not found at $wasmtime; skipping the wasmtime column"
  wasmtime=""
fi

# The composition: $Caller's `noop`, `echo` and `count` take a count n and
# call the callee's function of the same name n times.
string=$(printf 'a%.0s' $(seq 1024))
component() {
  cat <<WAT
(component
  (component \$Callee
    (core module \$M
      (memory (export "mem") 2)
      ;; One live allocation at a time: every call gets the same block.
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096))
      (func (export "noop"))
      (func (export "echo") (param i32 i32) (result i32)
        (i32.store (i32.const 8) (local.get 0))
        (i32.store (i32.const 12) (local.get 1))
        (i32.const 8))
      (func (export "count") (param i32 i32) (result i32) (local.get 1)))
    (core instance \$m (instantiate \$M))
    (func (export "noop") (canon lift (core func \$m "noop")))
    (func (export "echo") (param "s" string) (result string)
      (canon lift (core func \$m "echo") (memory \$m "mem") (realloc (func \$m "realloc"))))
    (func (export "echo16") (param "s" string) (result string)
      (canon lift (core func \$m "echo") (memory \$m "mem") (realloc (func \$m "realloc"))
        string-encoding=utf16))
    (func (export "count") (param "xs" (list u32)) (result u32)
      (canon lift (core func \$m "count") (memory \$m "mem") (realloc (func \$m "realloc")))))
  (component \$Caller
    (import "noop" (func \$noop))
    (import "echo" (func \$echo (param "s" string) (result string)))
    (import "echo16" (func \$echo16 (param "s" string) (result string)))
    (import "count" (func \$count (param "xs" (list u32)) (result u32)))
    (core module \$Mem
      (memory (export "mem") 3)
      (data (i32.const 1024) "$string")
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 8192)))
    (core instance \$mem (instantiate \$Mem))
    (core func \$noop' (canon lower (func \$noop)))
    (core func \$echo' (canon lower (func \$echo) (memory \$mem "mem") (realloc (func \$mem "realloc"))))
    (core func \$echo16' (canon lower (func \$echo16) (memory \$mem "mem") (realloc (func \$mem "realloc"))))
    (core func \$count' (canon lower (func \$count) (memory \$mem "mem") (realloc (func \$mem "realloc"))))
    (core module \$M
      (import "" "noop" (func \$noop))
      (import "" "echo" (func \$echo (param i32 i32 i32)))
      (import "" "echo16" (func \$echo16 (param i32 i32 i32)))
      (import "" "count" (func \$count (param i32 i32) (result i32)))
      (func (export "noop") (param \$n i32)
        (block \$done (loop \$l
          (br_if \$done (i32.eqz (local.get \$n)))
          (call \$noop)
          (local.set \$n (i32.sub (local.get \$n) (i32.const 1)))
          (br \$l))))
      (func (export "echo") (param \$n i32)
        (block \$done (loop \$l
          (br_if \$done (i32.eqz (local.get \$n)))
          (call \$echo (i32.const 1024) (i32.const 1024) (i32.const 0))
          (local.set \$n (i32.sub (local.get \$n) (i32.const 1)))
          (br \$l))))
      (func (export "echo16") (param \$n i32)
        (block \$done (loop \$l
          (br_if \$done (i32.eqz (local.get \$n)))
          (call \$echo16 (i32.const 1024) (i32.const 1024) (i32.const 0))
          (local.set \$n (i32.sub (local.get \$n) (i32.const 1)))
          (br \$l))))
      (func (export "count") (param \$n i32)
        (block \$done (loop \$l
          (br_if \$done (i32.eqz (local.get \$n)))
          (drop (call \$count (i32.const 65536) (i32.const 16384)))
          (local.set \$n (i32.sub (local.get \$n) (i32.const 1)))
          (br \$l)))))
    (core instance \$m (instantiate \$M (with "" (instance
      (export "noop" (func \$noop'))
      (export "echo" (func \$echo'))
      (export "echo16" (func \$echo16'))
      (export "count" (func \$count'))))))
    (func (export "noop") (param "n" u32) (canon lift (core func \$m "noop")))
    (func (export "echo") (param "n" u32) (canon lift (core func \$m "echo")))
    (func (export "echo16") (param "n" u32) (canon lift (core func \$m "echo16")))
    (func (export "count") (param "n" u32) (canon lift (core func \$m "count"))))
  (instance \$callee (instantiate \$Callee))
  (instance \$caller (instantiate \$Caller
    (with "noop" (func \$callee "noop"))
    (with "echo" (func \$callee "echo"))
    (with "echo16" (func \$callee "echo16"))
    (with "count" (func \$callee "count"))))
  (export "noop" (func \$caller "noop"))
  (export "echo" (func \$caller "echo"))
  (export "echo16" (func \$caller "echo16"))
  (export "count" (func \$caller "count")))
WAT
}

# script NAME N: the component and one invoke of NAME with N.
script() {
  local path="$out/$1-$2.wast"
  { component; echo "(assert_return (invoke \"$1\" (u32.const $2)))"; } > "$path"
  echo "$path"
}

# min_seconds COMMAND...: hyperfine's shortest wall time of COMMAND. The
# shortest run, not the mean: on a shared machine the other load only ever
# adds time, so the minimum is the steadiest estimate of the cost itself.
min_seconds() {
  local json="$out/hyperfine.json"
  hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$json" "$*" >/dev/null 2>&1
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["min"])' "$json"
}

# per_call ENV_PREFIX RUNNER NAME N: microseconds per call.
per_call() {
  local prefix="$1" runner="$2" name="$3" n="$4"
  local zero full
  zero=$(script "$name" 0)
  full=$(script "$name" "$n")
  local t0 tn
  t0=$(min_seconds "$prefix $runner $zero")
  tn=$(min_seconds "$prefix $runner $full")
  python3 -c 'import sys; t0,tn,n=map(float,sys.argv[1:]); print(f"{(tn-t0)/n*1e6:.3f}")' "$t0" "$tn" "$n"
}

printf '%-34s %14s %14s %14s\n' "call (per call, µs)" "weft adapter" "weft host" "wasmtime"
for spec in "noop 2000000" "echo 200000" "echo16 50000" "count 2000"; do
  set -- $spec
  name="$1" n="$2"
  fused=$(per_call "env" "$weft wast" "$name" "$n")
  host=$(per_call "env WEFT_FUSED_ADAPTERS=0" "$weft wast" "$name" "$n")
  if [ -n "$wasmtime" ]; then
    peer=$(per_call "env" "$wasmtime wast -C cache=n" "$name" "$n")
  else
    peer="skipped"
  fi
  case "$name" in
    noop) label="no-op" ;;
    echo) label="1 KiB string echo (utf8 -> utf8)" ;;
    echo16) label="1 KiB echo (utf8 -> utf16 -> utf8)" ;;
    count) label="list<u32> of 16 Ki, counted" ;;
  esac
  printf '%-34s %14s %14s %14s\n' "$label" "$fused" "$host" "$peer"
done
