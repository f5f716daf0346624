#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) from the committed seed
# corpus, with cargo fuzz (libFuzzer). Fails on any finding; the input that
# found it lands in tests/fuzz/artifacts/TARGET/.
#
#   bash tests/fuzz/run.sh           # what CI runs: one minute per target
#   bash tests/fuzz/run.sh 3600      # fuzz longer
#
# The machine's Rust is stable; RUSTC_BOOTSTRAP lets cargo fuzz use the
# instrumentation flags it needs. No sanitizer (-s none): the code under
# test is safe Rust, and this keeps the build to the Winsock crate (the C
# targets' library is built natively by build.rs, uninstrumented by ASan).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --version 0.13.2 --locked
export RUSTC_BOOTSTRAP=1
for target in winsock_calls c_address_text c_async_calls; do
  # New inputs go to a scratch copy; the committed seeds stay as they are.
  scratch=$(mktemp -d)
  cargo fuzz run -s none -O "$target" "$scratch" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 2>&1 | grep -E "^(#|Done|stat::|==|SUMMARY|thread)" | tail -12
  rm -rf "$scratch"
done
