"""A Winsock program in Python, run as a component under winsock-run.

    app.wasm echo-client ADDR:PORT LINE...   send lines to an echo server, print the echoes
    app.wasm http-server ADDR:PORT COUNT     serve COUNT HTTP/1.0 requests, then clean up

Failures print the WSA error code and exit 1.
"""

import sys

from wit_world import exports
from winsock import Socket, Winsock, WsaError, error_number


def split_addr(text: str):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def echo_client(addr: str, lines: list) -> None:
    with Winsock(2, 2) as wsa:
        print(f"WSAStartup: Winsock {wsa.version}")
        s = Socket()
        print(f"new socket: SO_DONTLINGER {s.dont_linger()} SO_LINGER {s.linger()}")
        s.connect(*split_addr(addr))
        for line in lines:
            s.send_all(line.encode() + b"\n")
            echoed = b""
            while not echoed.endswith(b"\n"):
                chunk = s.recv()
                if not chunk:
                    raise WsaError(error_number("WSAECONNRESET"), "recv (server closed)")
                echoed += chunk
            print(f"echo: {echoed.decode().rstrip()}")
        # Graceful close that waits up to 5 s for the data to be delivered.
        s.set_linger(True, 5)
        print(f"SO_LINGER now {s.linger()}")
        s.close()
    print("WSACleanup: done")


def http_server(addr: str, count: int) -> None:
    with Winsock(2, 2):
        listener = Socket()
        listener.bind(*split_addr(addr))
        listener.listen(8)
        host, port = listener.getsockname()
        print(f"listening on {host}:{port}", flush=True)
        for _ in range(count):
            client, peer = listener.accept()
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = client.recv()
                if not chunk:
                    break
                request += chunk
            first = request.split(b"\r\n", 1)[0].decode(errors="replace")
            body = f"hello from Python on Winsock; you asked for {first.split(' ')[1] if ' ' in first else '?'}\n"
            client.send_all(
                b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n{body}".encode()
            )
            client.close()
            print(f"served {peer[0]}: {first}", flush=True)
        listener.close()
    print("WSACleanup: done")


class Run(exports.Run):
    def run(self) -> None:
        args = sys.argv[1:]
        try:
            if len(args) >= 2 and args[0] == "echo-client":
                echo_client(args[1], args[2:])
            elif len(args) == 3 and args[0] == "http-server":
                http_server(args[1], int(args[2]))
            else:
                print(__doc__)
                sys.exit(2)
        except WsaError as e:
            print(f"error: {e}")
            sys.exit(1)
