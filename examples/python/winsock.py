"""A small Pythonic layer over the winsock:ws2 WIT imports.

Pure Python: the component imports the WIT package directly (componentize-py
generates `wit_world` from ../../wit). Errors become `WsaError` carrying the
Windows number a C program would read from WSAGetLastError.
"""

import struct

from componentize_py_types import Err
from wit_world.imports import lifecycle, sockets
from wit_world.imports.winsock_ws2_types import (
    ErrorCode,
    Ipv4SocketAddress,
    SocketAddress_Ipv4,
)

AF_INET, SOCK_STREAM = 2, 1
SOL_SOCKET, SO_LINGER, SO_DONTLINGER = 0xFFFF, 0x0080, ~0x0080
SD_SEND = 1


class WsaError(Exception):
    def __init__(self, code: int, call: str):
        super().__init__(f"{call} failed: WSA error {code}")
        self.code = code
        self.call = call


def error_number(name: str) -> int:
    """The number of a WSA code by its Windows name ("WSAECONNRESET"): the
    host's error-number, so the numbers have one home (wit/types.wit)."""
    return lifecycle.error_number(ErrorCode[name])


def _wsa(call, fn, *args):
    try:
        return fn(*args)
    except Err as e:
        value = e.value
        # WSAStartup fails with a record carrying the code.
        code = getattr(value, "code", value)
        raise WsaError(lifecycle.error_number(code), call) from None


def _addr(host: str, port: int):
    octets = tuple(int(part) for part in host.split("."))
    return SocketAddress_Ipv4(Ipv4SocketAddress(port=port, address=octets))


def _from_addr(addr) -> tuple:
    a = addr.value
    return ".".join(str(b) for b in a.address), a.port


class Winsock:
    """WSAStartup on enter, WSACleanup on exit (every startup needs one)."""

    def __init__(self, major: int = 2, minor: int = 2):
        self.data = _wsa("WSAStartup", lifecycle.startup, major | (minor << 8), True)

    @property
    def version(self) -> str:
        return f"{self.data.version & 0xFF}.{self.data.version >> 8}"

    def cleanup(self):
        _wsa("WSACleanup", lifecycle.cleanup)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()


class Socket:
    def __init__(self, handle: int = None):
        self.handle = handle if handle is not None else _wsa(
            "socket", sockets.socket, AF_INET, SOCK_STREAM, 0
        )

    def connect(self, host: str, port: int):
        _wsa("connect", sockets.connect, self.handle, _addr(host, port))

    def bind(self, host: str, port: int):
        _wsa("bind", sockets.bind, self.handle, _addr(host, port))

    def listen(self, backlog: int = 5):
        _wsa("listen", sockets.listen, self.handle, backlog)

    def accept(self):
        handle, peer = _wsa("accept", sockets.accept, self.handle)
        return Socket(handle), _from_addr(peer)

    def getsockname(self):
        return _from_addr(_wsa("getsockname", sockets.getsockname, self.handle))

    def send_all(self, data: bytes):
        while data:
            n = _wsa("send", sockets.send, self.handle, data, 0)
            data = data[n:]

    def recv(self, n: int = 65536) -> bytes:
        got = _wsa("recv", sockets.recv, self.handle, n, 0)
        # Data delivered with an error (a cut datagram) still fails the call.
        if got.error is not None:
            raise WsaError(lifecycle.error_number(got.error), "recv")
        return got.data

    def shutdown(self, how: int = SD_SEND):
        _wsa("shutdown", sockets.shutdown, self.handle, how)

    def set_linger(self, on: bool, seconds: int):
        value = struct.pack("<HH", 1 if on else 0, seconds)
        _wsa("setsockopt", sockets.setsockopt, self.handle, SOL_SOCKET, SO_LINGER, value)

    def linger(self) -> tuple:
        raw = _wsa("getsockopt", sockets.getsockopt, self.handle, SOL_SOCKET, SO_LINGER, 4)
        on, seconds = struct.unpack("<HH", bytes(raw))
        return bool(on), seconds

    def dont_linger(self) -> bool:
        raw = _wsa("getsockopt", sockets.getsockopt, self.handle, SOL_SOCKET, SO_DONTLINGER, 4)
        return struct.unpack("<i", bytes(raw))[0] != 0

    def close(self):
        _wsa("closesocket", sockets.closesocket, self.handle)
