#!/usr/bin/env bash
# The main job: build winsock-run and the example guests, then run them
# sandboxed against native peers on 127.0.0.1, showing the Winsock
# lifecycle, the data path and a denied connect.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo >/dev/null || { echo "demo: cargo not found; install Rust with rustup first" >&2; exit 1; }
command -v python3 >/dev/null || { echo "demo: python3 not found (it plays the native peers)" >&2; exit 1; }
rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
bash guest/c/install-toolchain.sh
cargo build --release --bins
cargo build --release --target wasm32-wasip2 -p echo-server -p http-client

RUN=target/release/winsock-run
GUESTS=target/wasm32-wasip2/release
ECHO_PORT=${ECHO_PORT:-7007}
HTTP_PORT=${HTTP_PORT:-8000}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

echo "== echo-server under winsock-run (bind granted on 127.0.0.1:$ECHO_PORT), one native client"
"$RUN" --allow-bind "127.0.0.1:$ECHO_PORT" "$GUESTS/echo-server.wasm" "127.0.0.1:$ECHO_PORT" 1 &
pids+=($!)
python3 - "$ECHO_PORT" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
for _ in range(100):
    try:
        s = socket.create_connection(("127.0.0.1", port)); break
    except OSError:
        time.sleep(0.05)
s.sendall(b"hello from a native client\n"); s.shutdown(socket.SHUT_WR)
print("native client got back:", s.recv(1024).decode().strip())
PY
wait "${pids[0]}"

echo
echo "== http-client under winsock-run against a native HTTP server on 127.0.0.1:$HTTP_PORT"
webroot=$(mktemp -d)
echo "Served natively, fetched from WebAssembly through Winsock." > "$webroot/index.txt"
python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$webroot" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$HTTP_PORT))" 2>/dev/null && break; sleep 0.1; done
"$RUN" --allow-connect "127.0.0.1:$HTTP_PORT" "$GUESTS/http-client.wasm" "127.0.0.1:$HTTP_PORT" /index.txt

echo
echo "== the same client without a grant: denied, WSAEACCES in the guest, one line for the operator"
"$RUN" "$GUESTS/http-client.wasm" "127.0.0.1:$HTTP_PORT" /index.txt || echo "(exit code $?)"

echo
echo "== legacy C: the HTTP client compiled unchanged with winsock-cc, resolving localhost with gethostbyname"
target/release/winsock-cc -O2 -Wall examples/c/http-client/http_client.c -o "$GUESTS/c-http-client.wasm" -lws2_32
"$RUN" --allow-connect "127.0.0.1:$HTTP_PORT" --allow-lookup=localhost "$GUESTS/c-http-client.wasm" localhost "$HTTP_PORT" /index.txt

echo
echo "== legacy C: the select() echo server, two native clients at once"
target/release/winsock-cc -O2 -Wall examples/c/echo-server/echo_server.c -o "$GUESTS/c-echo-server.wasm" -lws2_32
"$RUN" --allow-bind "127.0.0.1:$ECHO_PORT" "$GUESTS/c-echo-server.wasm" 127.0.0.1 "$ECHO_PORT" --max-clients 2 &
pids+=($!)
python3 - "$ECHO_PORT" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
def connect():
    for _ in range(100):
        try:
            return socket.create_connection(("127.0.0.1", port))
        except OSError:
            time.sleep(0.05)
a, b = connect(), connect()
a.sendall(b"first client\n"); b.sendall(b"second client\n")
for s in (a, b):
    s.shutdown(socket.SHUT_WR)
    print("native client got back:", s.recv(1024).decode().strip())
PY
wait "${pids[-1]}"
rm -rf "$webroot"
