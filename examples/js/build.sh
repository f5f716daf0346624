#!/usr/bin/env bash
# Builds the JavaScript guest into a component that imports the winsock:ws2
# WIT package directly: target/wasm32-wasip2/release/js-app.wasm
# (componentize-js from npm; its wasi:http support is disabled because a
# Winsock host need not provide wasi:http).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
command -v npm >/dev/null || { echo "build.sh: npm not found (apt-get install nodejs npm)" >&2; exit 1; }
(cd "$here" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
mkdir -p "$root/target/wasm32-wasip2/release"
rm -f "$root/target/wasm32-wasip2/release/js-app.wasm"
(cd "$here" && npx --no-install componentize-js --wit "$root/wit" --world-name winsock:ws2/command \
  --disable http fetch-event -o "$root/target/wasm32-wasip2/release/js-app.wasm" app.js) 2>&1 | grep -v '^npm warn' || true
test -s "$root/target/wasm32-wasip2/release/js-app.wasm"
