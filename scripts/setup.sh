#!/usr/bin/env bash
# Makes this machine able to build weft's guest components: the wasm32-wasip2
# Rust target, and clang + llvm-ar for the weak `wasip3_task_set` symbol in
# weft-cabi. Safe to run repeatedly; it only installs what is missing.
set -euo pipefail

say() { printf 'setup: %s\n' "$*" >&2; }

if ! command -v cargo >/dev/null 2>&1; then
  say "cargo is not on PATH. Install Rust with rustup (https://rustup.rs) and run this again."
  exit 1
fi

if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed | grep -qx wasm32-wasip2; then
    say "adding the wasm32-wasip2 Rust target"
    rustup target add wasm32-wasip2
  fi
elif ! rustc --print target-list | grep -qx wasm32-wasip2 \
     || ! [ -d "$(rustc --print sysroot)/lib/rustlib/wasm32-wasip2" ]; then
  say "the wasm32-wasip2 target is missing and rustup is not available to add it."
  say "install Rust through rustup, or install the wasm32-wasip2 standard library for your toolchain."
  exit 1
fi

missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
command -v llvm-ar >/dev/null 2>&1 || missing+=(llvm)
command -v wasm-ld >/dev/null 2>&1 || missing+=(lld)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        say "need root to install: ${missing[*]} (apt-get install clang llvm lld)"; exit 1
      fi
    fi
    say "installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq clang llvm lld >/dev/null
    for tool in clang llvm-ar wasm-ld; do
      if ! command -v "$tool" >/dev/null 2>&1; then
        say "apt-get installed clang, llvm and lld, but \`$tool\` is still not on PATH."
        say "install it by hand, or set CC_wasm32_wasip2 / AR_wasm32_wasip2 (see cabi/build.rs)."
        exit 1
      fi
    done
  else
    say "missing ${missing[*]}: install clang, llvm (for llvm-ar) and lld with your package manager,"
    say "or point CC_wasm32_wasip2 / AR_wasm32_wasip2 at a wasm-capable clang and llvm-ar."
    exit 1
  fi
fi
say "ready: $(rustc --version), wasm32-wasip2, $(clang --version | head -n1)"
