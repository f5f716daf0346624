#!/usr/bin/env bash
# Builds the Python guest (app.py + winsock.py) into a component that imports
# the winsock:ws2 WIT package directly: target/wasm32-wasip2/release/python-app.wasm
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v componentize-py >/dev/null || {
  echo "build.sh: componentize-py not found: python3 -m pip install componentize-py==0.25.1" >&2; exit 1; }
mkdir -p target/wasm32-wasip2/release
componentize-py -d wit -w winsock:ws2/command componentize -p examples/python app \
  -o target/wasm32-wasip2/release/python-app.wasm
