#!/usr/bin/env bash
# Compiles the C guests with winsock-cc (built by `cargo build --release`):
# the conformance programs in tests/c/conformance and the C examples, into
# target/wasm32-wasip2/release/c-NAME.wasm beside the Rust guests.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
cc="$target/release/winsock-cc"
out="$target/wasm32-wasip2/release"
mkdir -p "$out"
[ -x "$cc" ] || { echo "tests/c/build.sh: $cc missing; run cargo build --release first" >&2; exit 1; }

for src in tests/c/conformance/*.c; do
  "$cc" -O2 -Wall -Wextra -Werror "$src" -o "$out/c-$(basename "$src" .c).wasm"
done
# Programs the tests drive against native peers (tests/c/peers/NAME_X.c -> c-NAME-X).
for src in tests/c/peers/*.c; do
  name=$(basename "$src" .c)
  "$cc" -O2 -Wall -Wextra -Werror "$src" -o "$out/c-${name//_/-}.wasm"
done
# The examples are built the way README tells users to build them.
"$cc" -O2 -Wall examples/c/echo-server/echo_server.c -o "$out/c-echo-server.wasm" -lws2_32
"$cc" -O2 -Wall examples/c/http-client/http_client.c -o "$out/c-http-client.wasm" -lws2_32
"$cc" -O2 -Wall examples/c/event-select-server/event_select_server.c -o "$out/c-event-select-server.wasm" -lws2_32
"$cc" -O2 -Wall examples/c/thread-server/thread_server.c -o "$out/c-thread-server.wasm" -lws2_32
