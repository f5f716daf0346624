#!/usr/bin/env bash
# The benchmark command (README): builds the host, the bench, its two client
# guests and the two guest echo servers (the Rust select() example and the
# legacy C one, built by winsock-cc), then runs every workload on the three
# paths, pinned to CPU 0, and writes target/bench/report.json (or the
# --report path). Extra arguments go to winsock-bench (--quick, --rounds N,
# --no-pin, --report FILE, --guests DIR, --only W1,W2, --paths P1,P2).
set -euo pipefail
cd "$(dirname "$0")/../.."
rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
bash guest/c/install-toolchain.sh
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --bins
cargo build --release --target wasm32-wasip2 -p bench-std-client -p bench-winsock-client -p echo-server
# The way README tells users to build the C example (tests/c/build.sh does the same).
"$target/release/winsock-cc" -O2 -Wall examples/c/echo-server/echo_server.c \
  -o "$target/wasm32-wasip2/release/c-echo-server.wasm" -lws2_32
exec "$target/release/winsock-bench" "$@"
