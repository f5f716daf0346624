#!/usr/bin/env bash
# The project's test command (README, .ci/run): installs what it needs
# (idempotent), builds the host once and every guest in one cargo call, then
# runs the unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo >/dev/null || { echo "tests/run.sh: cargo not found; install Rust with rustup first" >&2; exit 1; }
rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2

cargo build --release --bins
cargo build --release --target wasm32-wasip2 -p conformance -p echo-server -p http-client
cargo test --release
