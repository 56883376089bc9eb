#!/usr/bin/env bash
# `cargo check` wall time of a guest crate that binds the WASI 0.2
# `http-proxy` world, with weft::bindgen! and with wit_bindgen::generate!
# 0.61.1: what a user waits for after touching a source file. Each run
# touches src/lib.rs, so only the guest crate (and its macro expansion) is
# checked again; dependencies are built once in the warm-up.
#
# Needs hyperfine (`apt-get install -y hyperfine`) and the wasm32-wasip2
# target. The crates are written under target/check-time/.
#
# Usage: benches/check-time.sh [runs]   (default 10)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-10}"
wit="$(cd "$root/../shared/wit/wasi-0.2" && pwd)"
out="$root/target/check-time"

make_crate() { # name, dependency line, macro call
  local dir="$out/$1"
  mkdir -p "$dir/src"
  cat > "$dir/Cargo.toml" <<TOML
[package]
name = "check-$1"
version = "0.0.0"
edition = "2024"
publish = false

[lib]
crate-type = ["cdylib"]

[dependencies]
$2

# Its own workspace, not a member of weft's.
[workspace]
TOML
  cat > "$dir/src/lib.rs" <<RS
//! Bindings of the WASI 0.2 http-proxy world, nothing else.
$3
RS
}

make_crate weft "weft = { path = \"$root/guest-rt\" }" \
  "weft::bindgen!({ world: \"http-proxy\", path: \"$wit\", generate_all });"
make_crate wit-bindgen 'wit-bindgen = "=0.61.1"' \
  "wit_bindgen::generate!({ world: \"http-proxy\", path: \"$wit\", generate_all });"

args=()
for gen in weft wit-bindgen; do
  dir="$out/$gen"
  args+=(--command-name "$gen"
    "touch $dir/src/lib.rs && cargo check --quiet --target wasm32-wasip2 --manifest-path $dir/Cargo.toml --target-dir $out/target-$gen")
done
hyperfine --warmup 1 --runs "$runs" "${args[@]}"
