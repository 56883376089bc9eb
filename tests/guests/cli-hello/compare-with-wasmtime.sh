#!/usr/bin/env bash
# Runs cli-hello and the text-format components under `weft run` and
# `wasmtime run` and reports, per case, whether stdout, stderr and the exit
# status agree. A manual cross-check (wasmtime is not needed by CI):
#   tests/guests/cli-hello/compare-with-wasmtime.sh [path/to/weft] [path/to/wasmtime]
set -u
root="$(cd "$(dirname "$0")/../../.." && pwd)"
weft="${1:-$root/target/debug/weft}"
wasmtime="${2:-$HOME/.cargo/bin/wasmtime}"
CARGO_TARGET_DIR="$root/target/guests" cargo build -q --release --target wasm32-wasip2 \
  -p cli-hello --bin cli-hello --manifest-path "$root/tests/guests/Cargo.toml" || exit 1
hello="$root/target/guests/wasm32-wasip2/release/cli-hello.wasm"
wat="$root/tests/guests/cli-hello/wat"
scratch="$(mktemp -d)"
mkdir -p "$scratch/dir/sub" && printf 'from the host\n' > "$scratch/dir/in.txt"
dir="$scratch/dir::/data"

compare() { # stdin, then the arguments of `run`
  local input="$1"; shift
  printf '%s' "$input" | "$weft" run "$@" > "$scratch/w.out" 2> "$scratch/w.err"; local w=$?
  printf '%s' "$input" | "$wasmtime" run -C cache=n "$@" > "$scratch/t.out" 2> "$scratch/t.err"; local t=$?
  local verdict=same
  cmp -s "$scratch/w.out" "$scratch/t.out" || verdict="stdout differs"
  [ "$w" = "$t" ] || verdict="status differs"
  cmp -s "$scratch/w.err" "$scratch/t.err" || verdict="$verdict (stderr differs)"
  printf '%-28s weft=%-3s wasmtime=%-3s %s\n' "$verdict" "$w" "$t" "$*"
}

compare "" --env FOO=bar --env EMPTY= "$hello" a "b c"
compare $'line one\nline two' "$hello" echo-stdin
compare "" "$hello" exit 0
compare "" "$hello" exit 7
compare "" "$hello" panic
compare "" "$hello" sleep 20
compare "" "$hello" tty
compare "" --dir "$dir" "$hello" read /data/in.txt
compare "" --dir "$dir" "$hello" write /data/out.txt text
compare "" --dir "$dir" "$hello" append /data/out.txt more
compare "" --dir "$dir" "$hello" ls /data
compare "" --dir "$dir" "$hello" read /data/../etc/passwd
compare "" "$hello" read /data/in.txt
# The sandbox: links out of a preopen (relative, absolute, to a directory,
# chained, `..` after a link) are refused; links that stay inside work.
mkdir -p "$scratch/box/sub" && printf 'inside\n' > "$scratch/box/in.txt"
printf 'secret\n' > "$scratch/secret.txt"
ln -s ../secret.txt "$scratch/box/link"; ln -s /etc "$scratch/box/etcl"
ln -s link "$scratch/box/chain"; ln -s .. "$scratch/box/sub/up"
ln -s in.txt "$scratch/box/good"; ln -s sub "$scratch/box/dl"
box="$scratch/box::/"
compare "" --dir "$box" "$hello" read /link
compare "" --dir "$box" "$hello" read /etcl/hostname
compare "" --dir "$box" "$hello" write /link pwned
compare "" --dir "$box" "$hello" read /chain
compare "" --dir "$box" "$hello" read /sub/up/../secret.txt
compare "" --dir "$box" "$hello" ls /etcl
compare "" --dir "$box" "$hello" stat /link
compare "" --dir "$box" "$hello" readlink /etcl
compare "" --dir "$box" "$hello" mkdir /etcl/x
compare "" --dir "$box" "$hello" ln-s /etc /abs
compare "" --dir "$box" "$hello" read /good
compare "" --dir "$box" "$hello" read /dl/../in.txt
compare "" --dir "$box" "$hello" readlink /link
printf 'secret file after the runs: %s' "$(cat "$scratch/secret.txt")"; echo
compare "" "$wat/exit42.wat"
compare "" --invoke 'add(40, 2)' "$wat/calc.wat"
compare "" --invoke 'hello()' "$wat/calc.wat"
compare "" --invoke 'fail()' "$wat/calc.wat"
rm -rf "$scratch"
