//! A hostile test guest (issue 5, capability bypass): `attacker SCENARIO
//! [ARGS]` tries to get past the grants its host gave it (docs/sandbox.md) through the
//! raw Winsock interface and prints one line per attempt,
//! `ACTION ADDRESS -> CODE` (0 for success, else the WSA number), so that
//! `tests/tests/bypass.rs` can compare every line with what docs/sandbox.md allows.
//! The address is printed as the host names it in its denial reports
//! (`SocketAddr`'s form), so a test can match the two. A line ends in
//! `LASTERROR-MISMATCH` if WSAGetLastError disagrees with the call's result.
//!
//! Each scenario expects its grants from the test; the comments say which.

use std::fmt::Display;
use std::io::Write;
use std::net::SocketAddr;
use winsock_guest::raw::{self, lifecycle, sockets, types::ErrorCode};
use winsock_guest::{WsaError, from_wit, to_wit};

fn say(line: impl AsRef<str>) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", line.as_ref());
    let _ = out.flush();
}

/// Prints `ACTION TARGET -> CODE` for one attempt and hands back its value.
fn attempt<T>(action: &str, target: impl Display, r: Result<T, ErrorCode>) -> Option<T> {
    let (code, value) = match r {
        Ok(v) => (0, Some(v)),
        Err(e) => (WsaError::from(e).code(), None),
    };
    say(format!("{action} {target} -> {code}"));
    value
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port = |i: usize| -> u16 {
        args.get(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("argument {i} must be a port"))
    };
    lifecycle::startup(raw::makeword(2, 2), true).expect("WSAStartup(2.2)");
    match args.get(1).map(String::as_str).unwrap_or_default() {
        "connect" => connect(port(2), port(3), port(4)),
        "mapped" => mapped(port(2), port(3)),
        "sendto" => sendto(port(2), port(3), port(4), port(5)),
        "bind" => bind(port(2), port(3)),
        "names" => names(port(2), &args[3..]),
        "inbound" => inbound(port(2)),
        "max-accept" => max_accept(),
        other => {
            say(format!("unknown scenario {other:?}"));
            std::process::exit(2);
        }
    }
}

fn at(text: String) -> SocketAddr {
    text.parse().expect("a socket address")
}

fn socket(af: i32, ty: i32) -> u32 {
    sockets::socket(af, ty, 0).expect("socket")
}

/// An AF_INET6 socket with IPV6_V6ONLY off. A new AF_INET6 socket is
/// IPv6-only (docs/surface.md), so the kernel itself would refuse a `::ffff:a.b.c.d`
/// address; with the option off such an address really reaches the IPv4
/// host, and only the host's grant check (docs/sandbox.md, which checks it as the
/// IPv4 address) stands in the way.
fn dual_stack(ty: i32) -> u32 {
    let s = socket(raw::AF_INET6, ty);
    sockets::setsockopt(
        s,
        raw::IPPROTO_IPV6,
        raw::IPV6_V6ONLY,
        Some(&0u32.to_le_bytes()),
    )
    .expect("IPV6_V6ONLY off");
    s
}

fn family(addr: &SocketAddr) -> i32 {
    if addr.is_ipv4() {
        raw::AF_INET
    } else {
        raw::AF_INET6
    }
}

/// Granted: connect and bind to 127.0.0.1, any port. `p2` is a native
/// listener on 127.0.0.2, `p6` one on [::1], `p1` one on 127.0.0.1 (where
/// Linux sends a connect to 0.0.0.0); the guest never connects to any of
/// them legitimately, so each must see nothing.
fn connect(p2: u16, p6: u16, p1: u16) {
    let v4 = |a: &str, p: u16| at(format!("{a}:{p}"));
    let v6 = |a: &str, p: u16| at(format!("[{a}]:{p}"));
    let plain = |addr: SocketAddr| {
        let s = socket(family(&addr), raw::SOCK_STREAM);
        attempt("connect", addr, sockets::connect(s, to_wit(addr)));
    };
    let mapped = |addr: SocketAddr| {
        let s = dual_stack(raw::SOCK_STREAM);
        attempt("connect", addr, sockets::connect(s, to_wit(addr)));
    };
    // Another loopback address: inside 127.0.0.0/8, outside the grant.
    plain(v4("127.0.0.2", p2));
    // The same and a far address written as IPv4-mapped IPv6.
    mapped(v6("::ffff:127.0.0.2", p2));
    mapped(v6("::ffff:10.0.0.1", p2));
    // The unspecified address: Linux connects it to the local host.
    // Windows refuses it as WSAEADDRNOTAVAIL before anything else (docs/surface.md);
    // the mapped form is not "unspecified" to IPv6 and meets the grant.
    plain(v4("0.0.0.0", p1));
    plain(v6("::", p6));
    mapped(v6("::ffff:0.0.0.0", p1));
    plain(v4("255.255.255.255", p2));
    plain(v4("224.0.0.1", p2));
    // IPv6 loopback while only IPv4 loopback is granted.
    plain(v6("::1", p6));
    // A nonblocking connect is checked before it starts: WSAEACCES, not
    // WSAEWOULDBLOCK with a handshake under way.
    let s = socket(raw::AF_INET, raw::SOCK_STREAM);
    sockets::ioctlsocket(s, raw::FIONBIO, 1).expect("FIONBIO");
    let target = v4("127.0.0.2", p2);
    attempt(
        "connect-nonblocking",
        target,
        sockets::connect(s, to_wit(target)),
    );
    // A granted bind does not widen the connect grant.
    let s = socket(raw::AF_INET, raw::SOCK_STREAM);
    let local = v4("127.0.0.1", 0);
    attempt("bind", local, sockets::bind(s, to_wit(local)));
    attempt(
        "connect-after-bind",
        target,
        sockets::connect(s, to_wit(target)),
    );
    // sendto on an unconnected stream socket never connects (no TCP Fast
    // Open style implicit connect): Windows' WSAENOTCONN (docs/surface.md).
    let s = socket(raw::AF_INET, raw::SOCK_STREAM);
    attempt(
        "sendto-stream",
        target,
        sockets::sendto(s, b"x", 0, to_wit(target)),
    );
}

/// Granted: connect to 127.0.0.1 and to all of IPv6 (`::/0`). An
/// IPv4-mapped address is IPv6 in form only; it reaches the IPv4 host, so
/// it is checked as that IPv4 address and the IPv6 rule does not cover it.
/// `tcp` is a native listener on 127.0.0.2, `udp` a native UDP socket there.
fn mapped(tcp: u16, udp: u16) {
    let addr = at(format!("[::ffff:127.0.0.2]:{tcp}"));
    let s = dual_stack(raw::SOCK_STREAM);
    attempt("connect", addr, sockets::connect(s, to_wit(addr)));
    let addr = at(format!("[::ffff:127.0.0.2]:{udp}"));
    let u = dual_stack(raw::SOCK_DGRAM);
    attempt("sendto", addr, sockets::sendto(u, b"leak", 0, to_wit(addr)));
}

/// Granted: connect and bind to 127.0.0.1, any port. Native UDP sockets:
/// `p2` on 127.0.0.2, `p6` on [::1], `pb` on 0.0.0.0 (joined to 224.0.0.1:
/// where broadcast and multicast would land), `p1` on 127.0.0.1 (where
/// Linux delivers a datagram sent to 0.0.0.0). None may receive anything.
fn sendto(p2: u16, p6: u16, pb: u16, p1: u16) {
    let v4 = |a: &str, p: u16| at(format!("{a}:{p}"));
    let v6 = |a: &str, p: u16| at(format!("[{a}]:{p}"));
    let send = |s: u32, addr: SocketAddr| {
        attempt("sendto", addr, sockets::sendto(s, b"leak", 0, to_wit(addr)));
    };
    let u4 = socket(raw::AF_INET, raw::SOCK_DGRAM);
    send(u4, v4("127.0.0.2", p2));
    send(u4, v4("0.0.0.0", p1));
    send(u4, v4("224.0.0.1", pb));
    // With SO_BROADCAST on, the kernel would send to a broadcast address.
    attempt(
        "setsockopt",
        "SO_BROADCAST",
        sockets::setsockopt(
            u4,
            raw::SOL_SOCKET,
            raw::SO_BROADCAST,
            Some(&1u32.to_le_bytes()),
        ),
    );
    send(u4, v4("255.255.255.255", pb));
    send(u4, v4("127.255.255.255", pb));
    let u6 = dual_stack(raw::SOCK_DGRAM);
    send(u6, v6("::ffff:127.0.0.2", p2));
    send(u6, v6("::ffff:10.0.0.1", p2));
    send(u6, v6("::1", p6));
    send(u6, v6("::", p6));
    // A datagram connect is checked like a stream connect (docs/sandbox.md).
    let c = socket(raw::AF_INET, raw::SOCK_DGRAM);
    let outside = v4("127.0.0.2", p2);
    attempt("connect-udp", outside, sockets::connect(c, to_wit(outside)));
    // A socket connected to a granted address still has every sendto
    // address checked: the connect grant is per datagram, not per socket.
    let inside = v4("127.0.0.1", p1);
    attempt("connect-udp", inside, sockets::connect(c, to_wit(inside)));
    attempt(
        "sendto-connected",
        outside,
        sockets::sendto(c, b"leak", 0, to_wit(outside)),
    );
}

/// Granted: bind to 127.0.0.1:`pa` only (connect to 127.0.0.1). Every other
/// port, the wildcards in every spelling and another loopback address are
/// refused; the sockets stay unbound; then the granted bind works and the
/// guest waits in accept while the test checks that no port is held.
fn bind(pa: u16, pb: u16) {
    let v4 = |a: &str, p: u16| at(format!("{a}:{p}"));
    let v6 = |a: &str, p: u16| at(format!("[{a}]:{p}"));
    let try_bind = |s: u32, addr: SocketAddr| {
        attempt("bind", addr, sockets::bind(s, to_wit(addr)));
        // Still unbound: getsockname is WSAEINVAL on an unbound socket.
        attempt(
            "getsockname-after-bind",
            addr,
            sockets::getsockname(s).map(|_| ()),
        );
    };
    let stream = raw::SOCK_STREAM;
    let dgram = raw::SOCK_DGRAM;
    try_bind(socket(raw::AF_INET, stream), v4("127.0.0.1", pb));
    // A rule with a port does not cover the ephemeral port 0.
    try_bind(socket(raw::AF_INET, stream), v4("127.0.0.1", 0));
    try_bind(socket(raw::AF_INET, stream), v4("0.0.0.0", pa));
    try_bind(socket(raw::AF_INET, stream), v4("127.0.0.2", pa));
    try_bind(socket(raw::AF_INET6, stream), v6("::", pa));
    try_bind(dual_stack(stream), v6("::", pa));
    try_bind(dual_stack(stream), v6("::ffff:0.0.0.0", pa));
    try_bind(dual_stack(stream), v6("::ffff:127.0.0.1", pb));
    try_bind(socket(raw::AF_INET, dgram), v4("0.0.0.0", pa));
    try_bind(socket(raw::AF_INET, dgram), v4("127.0.0.1", pb));
    // listen needs a bound socket: the denied bind left none (WSAEINVAL).
    let s = socket(raw::AF_INET, stream);
    let denied = v4("0.0.0.0", pa);
    attempt("bind", denied, sockets::bind(s, to_wit(denied)));
    attempt("listen-after-bind", denied, sockets::listen(s, 5));

    let l = socket(raw::AF_INET, stream);
    let granted = v4("127.0.0.1", pa);
    attempt("bind", granted, sockets::bind(l, to_wit(granted)));
    attempt("listen", granted, sockets::listen(l, 5));
    say("listening");
    attempt("accept", granted, sockets::accept(l).map(|_| ()));
}

/// Granted: lookup of the names given, connect to 127.0.0.1 on a port other
/// than `port`. Every address a name resolves to must still pass the connect
/// grant (docs/sandbox.md), so every connect here fails WSAEACCES.
fn names(port: u16, names: &[String]) {
    let hints = sockets::AddrinfoHints {
        flags: 0,
        family: raw::AF_UNSPEC,
        socktype: raw::SOCK_STREAM,
        protocol: 0,
    };
    for name in names {
        let found = attempt(
            "lookup",
            name,
            sockets::getaddrinfo(Some(name), Some(&port.to_string()), Some(hints)),
        )
        .unwrap_or_default();
        for info in found {
            let addr = from_wit(info.addr);
            let s = socket(info.family, info.socktype);
            attempt(
                &format!("connect {name}"),
                addr,
                sockets::connect(s, to_wit(addr)),
            );
        }
    }
}

/// Granted: connect and bind to 127.0.0.1, any port. Native peers from
/// 127.0.0.2 come in: a TCP client to the guest's listener and a datagram
/// to its UDP socket. The guest takes them (the bind grant covers listening
/// and receiving, docs/sandbox.md) but cannot reach out to their host: a new connect
/// to 127.0.0.2:`p2` (a native listener) and a reply datagram to the
/// sender are refused.
fn inbound(p2: u16) {
    let lo = at("127.0.0.1:0".into());
    let l = socket(raw::AF_INET, raw::SOCK_STREAM);
    sockets::bind(l, to_wit(lo)).expect("bind listener");
    sockets::listen(l, 5).expect("listen");
    let u = socket(raw::AF_INET, raw::SOCK_DGRAM);
    sockets::bind(u, to_wit(lo)).expect("bind udp");
    let tcp_port = from_wit(sockets::getsockname(l).expect("getsockname")).port();
    let udp_port = from_wit(sockets::getsockname(u).expect("getsockname")).port();
    say(format!("ready {tcp_port} {udp_port}"));

    let Some((a, peer)) = attempt("accept", "listener", sockets::accept(l)) else {
        return;
    };
    let peer = from_wit(peer);
    say(format!("accepted {peer}"));
    attempt("send", peer, sockets::send(a, b"hello", 0));
    // The host that tried to come in (and was refused) stays unreachable.
    let host = SocketAddr::from(([127, 0, 0, 2], p2));
    let c = socket(raw::AF_INET, raw::SOCK_STREAM);
    attempt("connect", host, sockets::connect(c, to_wit(host)));

    let Some(d) = attempt("recvfrom", "udp", sockets::recvfrom(u, 64, 0)) else {
        return;
    };
    let Some(sender) = d.sender.map(from_wit) else {
        return;
    };
    say(format!("received from {sender}"));
    attempt(
        "sendto",
        sender,
        sockets::sendto(u, b"reply", 0, to_wit(sender)),
    );
}

/// Limits: two sockets (`--max-sockets 2`); loopback granted. A listener
/// and one accepted connection fill the limit; with a second client waiting
/// in the backlog, accept and socket fail WSAEMFILE (docs/sandbox.md), the waiting
/// client is not lost, and after one close the guest accepts it and talks.
fn max_accept() {
    let l = socket(raw::AF_INET, raw::SOCK_STREAM);
    sockets::bind(l, to_wit(at("127.0.0.1:0".into()))).expect("bind");
    sockets::listen(l, 8).expect("listen");
    let port = from_wit(sockets::getsockname(l).expect("getsockname")).port();
    say(format!("listening {port}"));
    let Some((first, _)) = attempt("accept", 1, sockets::accept(l)) else {
        return;
    };
    attempt("send", 1, sockets::send(first, b"first", 0));
    // Wait until the second client is in the backlog (the listener is
    // readable, docs/surface.md), so that the failing accept has one to take.
    let pending = sockets::select(
        &sockets::FdSets {
            readfds: vec![l],
            writefds: vec![],
            exceptfds: vec![],
        },
        Some(10_000_000),
    );
    if let Some(ready) = attempt("select", "listener", pending) {
        say(format!("pending {}", ready.readfds.len()));
    }
    attempt("accept", 2, sockets::accept(l).map(|_| ()));
    attempt(
        "socket",
        "tcp",
        sockets::socket(raw::AF_INET, raw::SOCK_STREAM, 0),
    );
    attempt("closesocket", 1, sockets::closesocket(first));
    let Some((second, _)) = attempt("accept", 2, sockets::accept(l)) else {
        return;
    };
    attempt("send", 2, sockets::send(second, b"second", 0));
    let got = sockets::recv(second, 64, 0).map(|d| String::from_utf8_lossy(&d.data).into_owned());
    attempt("recv", 2, got.map(|text| say(format!("received {text:?}"))));
}
