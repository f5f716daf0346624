#!/usr/bin/env bash
# The benchmark command (README): builds the host, the bench and its two
# client guests, then runs every workload on the three paths, pinned to CPU 0,
# and writes target/bench/report.json. Extra arguments go to winsock-bench
# (--quick, --rounds N, --no-pin).
set -euo pipefail
cd "$(dirname "$0")/../.."
rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
cargo build --release --bins
cargo build --release --target wasm32-wasip2 -p bench-std-client -p bench-winsock-client
exec target/release/winsock-bench "$@"
