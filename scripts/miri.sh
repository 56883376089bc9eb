#!/usr/bin/env bash
# Runs the host-side tests of guest-rt (`weft`) and cabi (`weft-cabi`) under
# Miri, which checks their unsafe code for undefined behaviour (aliasing,
# use after free, out-of-bounds access, leaks).
#
# Miri needs a nightly toolchain with the `miri` and `rust-src` components;
# when it is missing this script installs it with rustup (one try, bounded
# in time) and says so if that fails. Not part of scripts/test.sh: CI's
# machines have the stable toolchain only.
#
# What Miri cannot run is skipped with a reason (`#[cfg_attr(miri, ignore)]`):
# tests calling the C half of weft-cabi (foreign code) and tests that start
# cargo. The integer-to-pointer casts it warns about are the canonical ABI's
# addresses, which guest code receives as integers.
#
# Extra arguments go to `cargo miri test` (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! cargo +nightly miri --version >/dev/null 2>&1; then
    echo "== installing nightly with miri (rustup, at most 5 minutes)"
    if ! timeout 300 rustup toolchain install nightly --profile minimal \
        --component miri --component rust-src; then
        echo "miri.sh: could not install a nightly toolchain with miri;" \
            "install one with 'rustup toolchain install nightly --component miri'" >&2
        exit 2
    fi
fi
echo "== cargo +nightly miri test -p weft -p weft-cabi --features weft/futures"
cargo +nightly miri test -p weft -p weft-cabi --features weft/futures --target-dir target/miri "$@"
