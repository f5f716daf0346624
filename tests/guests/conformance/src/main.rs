//! A test guest: `conformance SCENARIO [ARGS]` runs one scenario through
//! the raw Winsock interface and prints one line per observation, in the
//! form `call: ok [value]` or `call: err CODE`. Every line also checks that
//! WSAGetLastError agrees (0 after success, the code after failure) and
//! says `LASTERROR-MISMATCH` if not. The integration tests compare these
//! lines with what docs/ says a Windows program observes.

mod async_model;

use std::fmt::Debug;
use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use winsock_guest::raw::{self, lifecycle, sockets, types::ErrorCode};
use winsock_guest::{WsaError, from_wit, to_wit};

fn say(line: impl AsRef<str>) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", line.as_ref());
    let _ = out.flush();
}

/// Prints the outcome of a call. (The host keeps no last error; the
/// winsock-guest crate's is checked where it is set: `versions`,
/// `uninitialised`.)
fn show<T: Debug>(label: &str, r: Result<T, ErrorCode>) -> Option<T> {
    match r {
        Ok(v) => {
            match format!("{v:?}").as_str() {
                "()" => say(format!("{label}: ok")),
                text => say(format!("{label}: ok {text}")),
            }
            Some(v)
        }
        Err(e) => {
            say(format!("{label}: err {}", WsaError::from(e).code()));
            None
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let port = || arg(2).parse::<u16>().expect("port argument");
    match arg(1).as_str() {
        "versions" => versions(),
        "refcount" => refcount(),
        "uninitialised" => uninitialised(),
        "handles" => handles(),
        "hold" => hold(port()),
        "foreign" => foreign(arg(2).parse().expect("handle argument")),
        "cleanup-resets" => cleanup_resets(port()),
        "nested-cleanup" => nested_cleanup(port()),
        "return-without-cleanup" => return_without_cleanup(port()),
        "trap" => trap(port()),
        "block-recv" => block_recv(port()),
        "default-close" => default_close(port(), arg(3).parse().expect("size")),
        "abortive-close" => abortive_close(port()),
        "linger-drain" => linger_drain(port(), arg(3).parse().expect("seconds")),
        "linger-nonblocking" => linger_nonblocking(port()),
        "shutdown" => shutdown(port()),
        "denied" => denied(port()),
        "max-sockets" => max_sockets(arg(2).parse().expect("count")),
        "bad-input" => bad_input(),
        "options" => options(port()),
        "accept-inherits" => accept_inherits(),
        "bytes-per-call" => bytes_per_call(port()),
        "udp" => udp(port()),
        "select" => select(port()),
        "lookup" => lookup(port()),
        "reverse-lookup" => reverse_lookup(&args[2..]),
        "keepalive" => keepalive(port()),
        "vectored" => vectored(port()),
        "crate-surface" => crate_surface(),
        "atmark" => atmark(port()),
        "peer-faults" => peer_faults(port()),
        "hog" => hog(port()),
        "select-storm" => select_storm(arg(2).parse().expect("rounds")),
        "soak-states" => soak_states(port(), arg(3).parse().expect("full-backlog port"), &arg(4)),
        other if async_model::run(other, port, &arg(3)) => {}
        other => {
            say(format!("unknown scenario {other:?}"));
            std::process::exit(2);
        }
    }
}

fn loopback(port: u16) -> raw::types::SocketAddress {
    to_wit(SocketAddr::from(([127, 0, 0, 1], port)))
}

fn startup() {
    lifecycle::startup(raw::makeword(2, 2), true).expect("WSAStartup(2.2)");
}

fn tcp() -> u32 {
    sockets::socket(raw::AF_INET, raw::SOCK_STREAM, 0).expect("socket")
}

fn connected(port: u16) -> u32 {
    let s = tcp();
    sockets::connect(s, loopback(port)).expect("connect");
    s
}

fn linger_bytes(on: u16, secs: u16) -> Vec<u8> {
    let mut v = on.to_le_bytes().to_vec();
    v.extend_from_slice(&secs.to_le_bytes());
    v
}

fn set_linger(s: u32, on: u16, secs: u16) {
    sockets::setsockopt(
        s,
        raw::SOL_SOCKET,
        raw::SO_LINGER,
        Some(&linger_bytes(on, secs)),
    )
    .expect("SO_LINGER");
}

/// Sends nonblocking until the send queue is full; returns bytes taken.
fn fill_send_queue(s: u32) -> usize {
    sockets::ioctlsocket(s, raw::FIONBIO, 1).expect("FIONBIO");
    let chunk = vec![0x5a_u8; 64 * 1024];
    let mut total = 0;
    loop {
        match sockets::send(s, &chunk, 0) {
            Ok(n) => total += n as usize,
            Err(e) if WsaError::from(e) == WsaError::EWOULDBLOCK => return total,
            Err(e) => panic!("send while filling: {}", WsaError::from(e)),
        }
    }
}

fn versions() {
    for (major, minor) in [
        (0, 0),
        (0, 9),
        (1, 0),
        (1, 1),
        (1, 5),
        (2, 0),
        (2, 1),
        (2, 2),
        (2, 3),
        (3, 0),
    ] {
        let label = format!("startup {major}.{minor}");
        // The crate's WSAStartup sets its last error to 0 on success and
        // leaves it alone on failure (WSAStartup returns its code).
        WsaError::set_last(4321);
        match winsock_guest::Winsock::startup(major, minor) {
            Ok(w) => {
                let d = w.data();
                say(format!(
                    "{label}: ok version {}.{} high {}.{} desc {:?} status {:?} max {}/{} lasterror {}",
                    d.version & 0xff,
                    d.version >> 8,
                    d.high_version & 0xff,
                    d.high_version >> 8,
                    d.description,
                    d.system_status,
                    d.max_sockets,
                    d.max_udp_dg,
                    WsaError::last().code()
                ));
                w.cleanup().expect("cleanup");
            }
            Err(code) => {
                let last = WsaError::last().code();
                // The WSADATA a refusal still fills (a refusal counts
                // nothing, so asking again changes nothing).
                let d = lifecycle::startup(raw::makeword(major, minor), true)
                    .err()
                    .and_then(|e| e.data)
                    .map(|d| format!("version {}.{}", d.version & 0xff, d.version >> 8));
                say(format!(
                    "{label}: err {} data {} lasterror {last}",
                    code.code(),
                    d.unwrap_or("none".into())
                ));
            }
        }
        // A refused startup must not count: socket() still fails 10093.
        show(
            &format!("socket after {major}.{minor}+cleanup"),
            sockets::socket(2, 1, 0),
        );
    }
    match lifecycle::startup(raw::makeword(2, 2), false) {
        Ok(_) => say("startup 2.2 null wsadata: ok"),
        Err(e) => say(format!(
            "startup 2.2 null wsadata: err {}",
            WsaError::from(e.code).code()
        )),
    }
    match lifecycle::startup(raw::makeword(0, 0), false) {
        Ok(_) => say("startup 0.0 null wsadata: ok"),
        Err(e) => say(format!(
            "startup 0.0 null wsadata: err {}",
            WsaError::from(e.code).code()
        )),
    }
    show("socket after null wsadata", sockets::socket(2, 1, 0));
}

fn refcount() {
    for i in 1..=3 {
        show(
            &format!("startup #{i}"),
            lifecycle::startup(raw::makeword(2, 2), true)
                .map(|_| ())
                .map_err(|e| e.code),
        );
    }
    show("socket", sockets::socket(2, 1, 0).map(|_| ()));
    show("cleanup #1", lifecycle::cleanup());
    show(
        "socket after cleanup #1",
        sockets::socket(2, 1, 0).map(|_| ()),
    );
    show("cleanup #2", lifecycle::cleanup());
    show(
        "socket after cleanup #2",
        sockets::socket(2, 1, 0).map(|_| ()),
    );
    show("cleanup #3", lifecycle::cleanup());
    show(
        "socket after cleanup #3",
        sockets::socket(2, 1, 0).map(|_| ()),
    );
    show("cleanup #4", lifecycle::cleanup());
}

fn uninitialised() {
    let calls = |when: &str| {
        show(
            &format!("{when} socket"),
            sockets::socket(2, 1, 0).map(|_| ()),
        );
        show(&format!("{when} closesocket"), sockets::closesocket(1));
        show(&format!("{when} bind"), sockets::bind(1, loopback(0)));
        show(&format!("{when} recv"), sockets::recv(1, 10, 0).map(|_| ()));
        show(
            &format!("{when} getsockopt"),
            sockets::getsockopt(1, raw::SOL_SOCKET, raw::SO_TYPE, 4).map(|_| ()),
        );
        show(
            &format!("{when} ioctlsocket"),
            sockets::ioctlsocket(1, raw::FIONBIO, 1).map(|_| ()),
        );
        show(&format!("{when} cleanup"), lifecycle::cleanup());
        // The crate records a failed call's code as its last error.
        WsaError::set_last(0);
        let r = winsock_guest::Socket::new(false, winsock_guest::SocketType::Stream);
        say(format!(
            "{when} lasterror: {} (returned {:?})",
            WsaError::last().code(),
            r.err().map(WsaError::code)
        ));
    };
    calls("before");
    WsaError::set_last(1234);
    say(format!("set/get lasterror: {}", WsaError::last().code()));
    startup();
    let s = tcp();
    show("cleanup", lifecycle::cleanup());
    show("old handle after final cleanup", sockets::closesocket(s));
    calls("after");
}

fn handles() {
    startup();
    let s = tcp();
    say(format!(
        "handle valid: {}",
        s != 0 && s != raw::INVALID_SOCKET
    ));
    let t = tcp();
    say(format!("handles distinct: {}", s != t));
    show("closesocket", sockets::closesocket(s));
    show("stale closesocket", sockets::closesocket(s));
    show("stale send", sockets::send(s, b"x", 0).map(|_| ()));
    show(
        "stale getsockopt",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_TYPE, 4).map(|_| ()),
    );
    let u = tcp();
    say(format!("closed value not reused: {}", u != s && u != t));
    // Values this instance never handed out (a number above every handle
    // it holds has not been allocated to it yet).
    let above = s.max(t).max(u) + 1000;
    for (name, made_up) in [
        ("0", 0u32),
        ("INVALID_SOCKET", raw::INVALID_SOCKET),
        ("above", above),
        ("0x7fffffff", 0x7fff_ffff),
    ] {
        show(&format!("made-up {name}"), sockets::closesocket(made_up));
    }
    // Across a restart: before the new startup 10093, after it 10038.
    show("final cleanup", lifecycle::cleanup());
    show("old handle before restart", sockets::closesocket(t));
    startup();
    show("old handle after restart", sockets::closesocket(t));
    let v = tcp();
    say(format!(
        "new handle differs from every old one: {}",
        v != s && v != t && v != u
    ));
    show(
        "new handle works",
        sockets::getsockopt(v, raw::SOL_SOCKET, raw::SO_TYPE, 4).map(|b| b[0]),
    );
}

fn hold(port: u16) {
    startup();
    let s = connected(port);
    say(format!("holding {s}"));
    // Stay alive (and keep the handle open) until the peer closes.
    let _ = sockets::recv(s, 16, 0);
}

fn foreign(handle: u32) {
    startup();
    let _mine = tcp();
    show("foreign closesocket", sockets::closesocket(handle));
    show(
        "foreign getsockopt",
        sockets::getsockopt(handle, raw::SOL_SOCKET, raw::SO_TYPE, 4).map(|_| ()),
    );
}

fn cleanup_resets(port: u16) {
    startup();
    let s = connected(port);
    show("send", sockets::send(s, b"hello", 0));
    // Let the data reach the peer before the reset.
    std::thread::sleep(Duration::from_millis(200));
    show("final cleanup", lifecycle::cleanup());
    show("send after final cleanup", sockets::send(s, b"x", 0));
}

fn nested_cleanup(port: u16) {
    startup();
    startup();
    let s = connected(port);
    show("send a", sockets::send(s, b"a", 0));
    show("cleanup (count 2 -> 1)", lifecycle::cleanup());
    show("send b", sockets::send(s, b"b", 0));
    std::thread::sleep(Duration::from_millis(200));
    show("final cleanup", lifecycle::cleanup());
}

fn return_without_cleanup(port: u16) {
    startup();
    let s = connected(port);
    show("send", sockets::send(s, b"bye", 0));
    std::thread::sleep(Duration::from_millis(200));
    say("returning from main");
}

fn trap(port: u16) {
    startup();
    let s = connected(port);
    show("send", sockets::send(s, b"boom", 0));
    std::thread::sleep(Duration::from_millis(200));
    say("trapping");
    #[cfg(target_family = "wasm")]
    core::arch::wasm32::unreachable();
}

fn block_recv(port: u16) {
    startup();
    let s = connected(port);
    show("send", sockets::send(s, b"ready", 0));
    show(
        "blocking recv",
        sockets::recv(s, 16, 0).map(|d| d.data.len()),
    );
    show(
        "socket after host cleanup",
        sockets::socket(2, 1, 0).map(|_| ()),
    );
}

fn default_close(port: u16, size: usize) {
    startup();
    let s = connected(port);
    let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let mut sent = 0;
    while sent < data.len() {
        sent += sockets::send(s, &data[sent..], 0).expect("send") as usize;
    }
    say(format!("sent {sent}"));
    show("closesocket", sockets::closesocket(s));
    show("closesocket again", sockets::closesocket(s));
}

fn abortive_close(port: u16) {
    startup();
    let s = connected(port);
    show("send", sockets::send(s, b"partial", 0));
    std::thread::sleep(Duration::from_millis(100));
    show(
        "SO_LINGER {1,0}",
        sockets::setsockopt(
            s,
            raw::SOL_SOCKET,
            raw::SO_LINGER,
            Some(&linger_bytes(1, 0)),
        ),
    );
    show("closesocket", sockets::closesocket(s));
}

fn linger_drain(port: u16, seconds: u16) {
    startup();
    let s = connected(port);
    let sent = fill_send_queue(s);
    say(format!("queued {sent}"));
    sockets::ioctlsocket(s, raw::FIONBIO, 0).expect("FIONBIO 0");
    set_linger(s, 1, seconds);
    let start = Instant::now();
    show("closesocket", sockets::closesocket(s));
    say(format!(
        "closesocket took {} ms",
        start.elapsed().as_millis()
    ));
    show("handle after close", sockets::closesocket(s));
}

fn linger_nonblocking(port: u16) {
    startup();
    let s = connected(port);
    let sent = fill_send_queue(s);
    say(format!("queued {sent}"));
    set_linger(s, 1, 5);
    show("nonblocking closesocket", sockets::closesocket(s));
    show(
        "handle still valid",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_LINGER, 4),
    );
    // The peer drains, then sends "go"; the handle still carries data.
    sockets::ioctlsocket(s, raw::FIONBIO, 0).expect("FIONBIO 0");
    show(
        "recv go",
        sockets::recv(s, 2, 0).map(|d| String::from_utf8_lossy(&d.data).into_owned()),
    );
    sockets::ioctlsocket(s, raw::FIONBIO, 1).expect("FIONBIO 1");
    // Everything is acknowledged now: the nonblocking close is graceful.
    let mut rc = sockets::closesocket(s);
    for _ in 0..100 {
        match rc {
            Err(e) if WsaError::from(e) == WsaError::EWOULDBLOCK => {
                std::thread::sleep(Duration::from_millis(10));
                rc = sockets::closesocket(s);
            }
            _ => break,
        }
    }
    show("closesocket after drain", rc);
}

fn shutdown(port: u16) {
    startup();
    let unconnected = tcp();
    show(
        "shutdown unconnected",
        sockets::shutdown(unconnected, raw::SD_SEND),
    );
    let listener = tcp();
    sockets::bind(listener, loopback(0)).expect("bind");
    sockets::listen(listener, 1).expect("listen");
    show(
        "shutdown listening",
        sockets::shutdown(listener, raw::SD_BOTH),
    );
    let s = connected(port);
    show("shutdown how=3", sockets::shutdown(s, 3));
    show("shutdown how=-1", sockets::shutdown(s, -1));
    show("shutdown SD_SEND", sockets::shutdown(s, raw::SD_SEND));
    show("send after SD_SEND", sockets::send(s, b"x", 0));
    show(
        "recv after SD_SEND",
        sockets::recv(s, 16, 0).map(|d| String::from_utf8_lossy(&d.data).into_owned()),
    );
    show("shutdown SD_RECEIVE", sockets::shutdown(s, raw::SD_RECEIVE));
    show("recv after SD_RECEIVE", sockets::recv(s, 16, 0).map(|_| ()));
    show("handle still valid", sockets::getsockname(s).map(|_| ()));
    show("closesocket", sockets::closesocket(s));
}

fn denied(port: u16) {
    startup();
    let s = tcp();
    show("connect ungranted", sockets::connect(s, loopback(port)));
    show("bind ungranted", sockets::bind(s, loopback(0)));
    let v6 = sockets::socket(raw::AF_INET6, raw::SOCK_STREAM, 0).expect("socket v6");
    let mapped: SocketAddr = format!("[::ffff:127.0.0.1]:{port}").parse().unwrap();
    show(
        "connect ungranted v4-mapped",
        sockets::connect(v6, to_wit(mapped)),
    );
}

fn max_sockets(count: usize) {
    startup();
    let mut held = Vec::new();
    for i in 0..count {
        let r = sockets::socket(2, 1, 0);
        if let Ok(h) = r {
            held.push(h);
        }
        show(&format!("socket {}", i + 1), r.map(|_| ()));
    }
    show("one more socket", sockets::socket(2, 1, 0).map(|_| ()));
    show("closesocket one", sockets::closesocket(held[0]));
    show(
        "socket after closing one",
        sockets::socket(2, 1, 0).map(|_| ()),
    );
}

fn bad_input() {
    startup();
    show("socket af=99", sockets::socket(99, 1, 0).map(|_| ()));
    show("socket af=0", sockets::socket(0, 1, 0).map(|_| ()));
    show("socket type=5", sockets::socket(2, 5, 0).map(|_| ()));
    show(
        "socket stream proto=udp",
        sockets::socket(2, 1, 17).map(|_| ()),
    );
    show(
        "socket stream proto=99",
        sockets::socket(2, 1, 99).map(|_| ()),
    );
    let s = tcp();
    show("recv len=-1", sockets::recv(s, -1, 0).map(|_| ()));
    show("recv unconnected", sockets::recv(s, 10, 0).map(|_| ()));
    show("send unconnected", sockets::send(s, b"x", 0));
    show("send flags=0x4000", sockets::send(s, b"x", 0x4000));
    show(
        "getsockopt SO_LINGER optlen=3",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_LINGER, 3).map(|_| ()),
    );
    show(
        "getsockopt SO_LINGER optlen=-1",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_LINGER, -1).map(|_| ()),
    );
    show(
        "setsockopt SO_LINGER null",
        sockets::setsockopt(s, raw::SOL_SOCKET, raw::SO_LINGER, None),
    );
    show(
        "setsockopt SO_LINGER 2 bytes",
        sockets::setsockopt(s, raw::SOL_SOCKET, raw::SO_LINGER, Some(&[1, 0])),
    );
    show(
        "getsockopt unknown",
        sockets::getsockopt(s, raw::SOL_SOCKET, 0x7777, 4).map(|_| ()),
    );
    show(
        "getsockopt unknown level",
        sockets::getsockopt(s, 1234, 1, 4).map(|_| ()),
    );
    show(
        "setsockopt SO_TYPE",
        sockets::setsockopt(s, raw::SOL_SOCKET, raw::SO_TYPE, Some(&[1, 0, 0, 0])),
    );
    show(
        "ioctlsocket unknown",
        sockets::ioctlsocket(s, 0x1234_5678, 0).map(|_| ()),
    );
    show("shutdown how=7", sockets::shutdown(s, 7));
    show("listen unbound", sockets::listen(s, 5));
    show("getsockname unbound", sockets::getsockname(s).map(|_| ()));
    show(
        "getpeername unconnected",
        sockets::getpeername(s).map(|_| ()),
    );
    show(
        "connect any address",
        sockets::connect(s, to_wit(SocketAddr::from(([0, 0, 0, 0], 80)))),
    );
    show("connect port 0", sockets::connect(s, loopback(0)));
    let v6: SocketAddr = "[::1]:80".parse().unwrap();
    show("bind v6 address on v4 socket", sockets::bind(s, to_wit(v6)));
    show("bind", sockets::bind(s, loopback(0)));
    show("bind again", sockets::bind(s, loopback(0)));
    let udp = sockets::socket(2, 2, 0).expect("udp");
    show(
        "udp getsockopt SO_LINGER",
        sockets::getsockopt(udp, raw::SOL_SOCKET, raw::SO_LINGER, 4).map(|_| ()),
    );
    show(
        "udp setsockopt SO_LINGER",
        sockets::setsockopt(
            udp,
            raw::SOL_SOCKET,
            raw::SO_LINGER,
            Some(&linger_bytes(1, 0)),
        ),
    );
    show(
        "udp getsockopt SO_DONTLINGER",
        sockets::getsockopt(udp, raw::SOL_SOCKET, raw::SO_DONTLINGER, 4).map(|_| ()),
    );
    show(
        "udp setsockopt SO_DONTLINGER",
        sockets::setsockopt(
            udp,
            raw::SOL_SOCKET,
            raw::SO_DONTLINGER,
            Some(&[1, 0, 0, 0]),
        ),
    );
    show("udp listen", sockets::listen(udp, 1));
    show(
        "recv huge len on unconnected",
        sockets::recv(s, i32::MAX, 0).map(|_| ()),
    );
    show(
        "still alive",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_TYPE, 4).map(|b| b[0]),
    );
}

fn int_opt(s: u32, level: i32, name: i32) -> Option<i32> {
    sockets::getsockopt(s, level, name, 4)
        .ok()
        .map(|v| i32::from_le_bytes([v[0], v[1], v[2], v[3]]))
}

fn options(port: u16) {
    startup();
    let s = tcp();
    show(
        "new SO_LINGER",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_LINGER, 4),
    );
    show(
        "new SO_DONTLINGER",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_DONTLINGER, 4),
    );
    show(
        "SO_LINGER {1,7}",
        sockets::setsockopt(
            s,
            raw::SOL_SOCKET,
            raw::SO_LINGER,
            Some(&linger_bytes(1, 7)),
        ),
    );
    show(
        "SO_DONTLINGER after {1,7}",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_DONTLINGER, 4),
    );
    show(
        "set SO_DONTLINGER TRUE",
        sockets::setsockopt(s, raw::SOL_SOCKET, raw::SO_DONTLINGER, Some(&[1, 0, 0, 0])),
    );
    show(
        "SO_LINGER after DONTLINGER TRUE",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_LINGER, 4),
    );
    show(
        "set SO_DONTLINGER FALSE",
        sockets::setsockopt(s, raw::SOL_SOCKET, raw::SO_DONTLINGER, Some(&[0, 0, 0, 0])),
    );
    show(
        "SO_LINGER after DONTLINGER FALSE",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_LINGER, 4),
    );
    show(
        "SO_LINGER l_onoff=5",
        sockets::setsockopt(
            s,
            raw::SOL_SOCKET,
            raw::SO_LINGER,
            Some(&linger_bytes(5, 3)),
        ),
    );
    show(
        "SO_DONTLINGER after l_onoff=5",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_DONTLINGER, 4),
    );
    show(
        "getsockopt SO_LINGER optlen=8",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_LINGER, 8),
    );
    show(
        "SO_TYPE stream",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_TYPE, 4),
    );
    let udp = sockets::socket(2, 2, 0).expect("udp");
    show(
        "SO_TYPE dgram",
        sockets::getsockopt(udp, raw::SOL_SOCKET, raw::SO_TYPE, 4),
    );
    show(
        "SO_ERROR",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_ERROR, 4),
    );
    show(
        "set SO_REUSEADDR",
        sockets::setsockopt(s, raw::SOL_SOCKET, raw::SO_REUSEADDR, Some(&[1, 0, 0, 0])),
    );
    say(format!(
        "SO_REUSEADDR reads {:?}",
        int_opt(s, raw::SOL_SOCKET, raw::SO_REUSEADDR)
    ));
    show(
        "set SO_RCVBUF 65536",
        sockets::setsockopt(
            s,
            raw::SOL_SOCKET,
            raw::SO_RCVBUF,
            Some(&65536i32.to_le_bytes()),
        ),
    );
    say(format!(
        "SO_RCVBUF reads {:?}",
        int_opt(s, raw::SOL_SOCKET, raw::SO_RCVBUF)
    ));
    show(
        "set SO_SNDBUF 32768",
        sockets::setsockopt(
            s,
            raw::SOL_SOCKET,
            raw::SO_SNDBUF,
            Some(&32768i32.to_le_bytes()),
        ),
    );
    say(format!(
        "SO_SNDBUF reads {:?}",
        int_opt(s, raw::SOL_SOCKET, raw::SO_SNDBUF)
    ));
    say(format!(
        "TCP_NODELAY new {:?}",
        int_opt(s, raw::IPPROTO_TCP, raw::TCP_NODELAY)
    ));
    show(
        "set TCP_NODELAY",
        sockets::setsockopt(s, raw::IPPROTO_TCP, raw::TCP_NODELAY, Some(&[1, 0, 0, 0])),
    );
    say(format!(
        "TCP_NODELAY reads {:?}",
        int_opt(s, raw::IPPROTO_TCP, raw::TCP_NODELAY)
    ));
    show(
        "udp TCP_NODELAY",
        sockets::getsockopt(udp, raw::IPPROTO_TCP, raw::TCP_NODELAY, 4).map(|_| ()),
    );
    show(
        "set SO_RCVTIMEO 150",
        sockets::setsockopt(
            s,
            raw::SOL_SOCKET,
            raw::SO_RCVTIMEO,
            Some(&150i32.to_le_bytes()),
        ),
    );
    say(format!(
        "SO_RCVTIMEO reads {:?}",
        int_opt(s, raw::SOL_SOCKET, raw::SO_RCVTIMEO)
    ));
    let v6 = sockets::socket(raw::AF_INET6, raw::SOCK_STREAM, 0).expect("v6");
    say(format!(
        "new AF_INET6 IPV6_V6ONLY {:?}",
        int_opt(v6, raw::IPPROTO_IPV6, raw::IPV6_V6ONLY)
    ));
    // SO_RCVTIMEO makes a blocking recv fail WSAETIMEDOUT (docs/blocking.md).
    sockets::connect(s, loopback(port)).expect("connect");
    let start = Instant::now();
    show("recv with SO_RCVTIMEO", sockets::recv(s, 16, 0).map(|_| ()));
    let ms = start.elapsed().as_millis();
    say(format!(
        "timed out after >= 150 ms: {}",
        (150..2000).contains(&ms)
    ));
    show("send after timeout", sockets::send(s, b"ok", 0));
    show(
        "SO_ERROR after connect",
        sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_ERROR, 4),
    );
    show(
        "FIONREAD with nothing",
        sockets::ioctlsocket(s, raw::FIONREAD, 0),
    );
}

fn accept_inherits() {
    startup();
    let l = tcp();
    show("bind", sockets::bind(l, loopback(0)));
    show("accept before listen", sockets::accept(l).map(|_| ()));
    show("listen", sockets::listen(l, 5));
    show(
        "SO_ACCEPTCONN",
        sockets::getsockopt(l, raw::SOL_SOCKET, raw::SO_ACCEPTCONN, 4),
    );
    set_linger(l, 1, 9);
    let port = match from_wit(sockets::getsockname(l).expect("getsockname")) {
        SocketAddr::V4(a) => a.port(),
        SocketAddr::V6(a) => a.port(),
    };
    show(
        "nonblocking listener",
        sockets::ioctlsocket(l, raw::FIONBIO, 1),
    );
    show("accept with none pending", sockets::accept(l).map(|_| ()));
    sockets::ioctlsocket(l, raw::FIONBIO, 0).expect("FIONBIO");
    say(format!("listening {port}"));
    let (a, peer) = sockets::accept(l).expect("accept");
    say(format!(
        "peer is loopback: {}",
        from_wit(peer).ip().is_loopback()
    ));
    show(
        "accepted SO_LINGER",
        sockets::getsockopt(a, raw::SOL_SOCKET, raw::SO_LINGER, 4),
    );
    show("connect on accepted", sockets::connect(a, loopback(port)));
    show("listen on connected", sockets::listen(a, 1));
    show("FIONREAD", {
        std::thread::sleep(Duration::from_millis(100));
        sockets::ioctlsocket(a, raw::FIONREAD, 0)
    });
    show(
        "recv",
        sockets::recv(a, 64, 0).map(|d| String::from_utf8_lossy(&d.data).into_owned()),
    );
    show(
        "recv peek",
        sockets::recv(a, 64, raw::MSG_PEEK).map(|d| d.data.len()),
    );
    show("recv eof", sockets::recv(a, 64, 0).map(|d| d.data.len()));
}

fn bytes_per_call(port: u16) {
    startup();
    let s = connected(port);
    show("send 5000", sockets::send(s, &[7u8; 5000], 0));
    // The peer sends 5000 bytes back; wait until they are all queued.
    while sockets::ioctlsocket(s, raw::FIONREAD, 0).unwrap_or(0) < 5000 {
        std::thread::sleep(Duration::from_millis(5));
    }
    show("recv 5000", sockets::recv(s, 5000, 0).map(|d| d.data.len()));
    show(
        "recv i32::MAX",
        sockets::recv(s, i32::MAX, 0).map(|d| d.data.len()),
    );
}

fn udp(port: u16) {
    startup();
    let u = sockets::socket(raw::AF_INET, raw::SOCK_DGRAM, 0).expect("udp");
    show("recvfrom unbound", sockets::recvfrom(u, 16, 0).map(|_| ()));
    show("sendto", sockets::sendto(u, b"ping", 0, loopback(port)));
    let far = to_wit(SocketAddr::from(([10, 1, 2, 3], 9)));
    show("sendto ungranted", sockets::sendto(u, b"x", 0, far));
    let v6: SocketAddr = "[::1]:9".parse().unwrap();
    show(
        "sendto v6 address on v4 socket",
        sockets::sendto(u, b"x", 0, to_wit(v6)),
    );
    show("sendto port 0", sockets::sendto(u, b"x", 0, loopback(0)));
    // The peer answers with three 10-byte datagrams. A cut one is
    // delivered (its first 4 bytes) with the error the call fails with.
    let cut = |r: Result<sockets::Received, ErrorCode>| match r {
        Ok(d) => format!(
            "data {:?} error {:?} sender {}",
            String::from_utf8_lossy(&d.data),
            d.error.map(|e| WsaError::from(e).code()),
            match d.sender.map(from_wit) {
                None => "none",
                Some(a) if a == SocketAddr::from(([127, 0, 0, 1], port)) => "peer",
                Some(_) => "other",
            }
        ),
        Err(e) => format!("err {}", WsaError::from(e).code()),
    };
    say(format!(
        "recvfrom 4 of 10: {}",
        cut(sockets::recvfrom(u, 4, 0))
    ));
    say(format!("recv 4 of 10: {}", cut(sockets::recv(u, 4, 0))));
    show(
        "recv peek 100",
        sockets::recv(u, 100, raw::MSG_PEEK).map(|d| String::from_utf8_lossy(&d.data).into_owned()),
    );
    show(
        "recv 100",
        sockets::recv(u, 100, 0).map(|d| String::from_utf8_lossy(&d.data).into_owned()),
    );
    sockets::ioctlsocket(u, raw::FIONBIO, 1).expect("FIONBIO");
    show(
        "recvfrom nothing nonblocking",
        sockets::recvfrom(u, 100, 0).map(|_| ()),
    );
    show("closesocket", sockets::closesocket(u));
}

fn sets(read: &[u32], write: &[u32], except: &[u32]) -> sockets::FdSets {
    sockets::FdSets {
        readfds: read.to_vec(),
        writefds: write.to_vec(),
        exceptfds: except.to_vec(),
    }
}

/// Prints which of the named handles select left in each set.
fn show_select(label: &str, names: &[(&str, u32)], r: Result<sockets::FdSets, ErrorCode>) {
    let name = |h: &u32| names.iter().find(|(_, v)| v == h).map_or("?", |(n, _)| n);
    let list = |v: &[u32]| v.iter().map(name).collect::<Vec<_>>().join(",");
    match r {
        Ok(f) => say(format!(
            "{label}: ok {} read [{}] write [{}] except [{}]",
            f.readfds.len() + f.writefds.len() + f.exceptfds.len(),
            list(&f.readfds),
            list(&f.writefds),
            list(&f.exceptfds)
        )),
        Err(e) => say(format!("{label}: err {}", WsaError::from(e).code())),
    }
}

fn select(refused_port: u16) {
    startup();
    let l = tcp();
    sockets::bind(l, loopback(0)).expect("bind");
    sockets::listen(l, 5).expect("listen");
    let port = match from_wit(sockets::getsockname(l).expect("getsockname")) {
        SocketAddr::V4(a) => a.port(),
        SocketAddr::V6(a) => a.port(),
    };
    let c = tcp();
    let fresh = tcp();
    let names = [("l", l), ("c", c), ("fresh", fresh)];
    show_select(
        "select all empty",
        &names,
        sockets::select(&sets(&[], &[], &[]), Some(0)),
    );
    show_select(
        "select closed handle",
        &names,
        sockets::select(&sets(&[0x7fff_fff0], &[], &[]), Some(0)),
    );
    show_select(
        "select idle listener",
        &names,
        sockets::select(&sets(&[l], &[], &[]), Some(0)),
    );
    show_select(
        "select fresh socket",
        &names,
        sockets::select(&sets(&[fresh], &[fresh], &[fresh]), Some(0)),
    );
    sockets::ioctlsocket(c, raw::FIONBIO, 1).expect("FIONBIO");
    show("nonblocking connect", sockets::connect(c, loopback(port)));
    show_select(
        "select connecting",
        &names,
        sockets::select(&sets(&[], &[c], &[c]), Some(2_000_000)),
    );
    show_select(
        "select listener with pending",
        &names,
        sockets::select(&sets(&[l], &[], &[]), Some(2_000_000)),
    );
    show("connect again", sockets::connect(c, loopback(port)));
    let (a, _) = sockets::accept(l).expect("accept");
    let names = [("l", l), ("c", c), ("a", a)];
    show_select(
        "select accepted, nothing sent",
        &names,
        sockets::select(&sets(&[a], &[], &[]), Some(0)),
    );
    show_select(
        "select timeout 100 ms",
        &names,
        sockets::select(&sets(&[a], &[], &[]), Some(100_000)),
    );
    sockets::send(c, b"x", 0).expect("send");
    show_select(
        "select after data",
        &names,
        sockets::select(&sets(&[a, l], &[a], &[a]), Some(1_000_000)),
    );
    show("recv", sockets::recv(a, 8, 0).map(|d| d.data.len()));
    sockets::closesocket(c).expect("close c");
    show_select(
        "select after peer FIN",
        &names,
        sockets::select(&sets(&[a], &[], &[]), Some(1_000_000)),
    );
    show("recv eof", sockets::recv(a, 8, 0).map(|d| d.data.len()));

    let r = tcp();
    sockets::ioctlsocket(r, raw::FIONBIO, 1).expect("FIONBIO");
    let names = [("r", r)];
    show(
        "nonblocking connect refused",
        sockets::connect(r, loopback(refused_port)),
    );
    show_select(
        "select refused",
        &names,
        sockets::select(&sets(&[], &[r], &[r]), Some(2_000_000)),
    );
    show(
        "SO_ERROR",
        sockets::getsockopt(r, raw::SOL_SOCKET, raw::SO_ERROR, 4)
            .map(|v| i32::from_le_bytes([v[0], v[1], v[2], v[3]])),
    );
    show(
        "SO_ERROR again",
        sockets::getsockopt(r, raw::SOL_SOCKET, raw::SO_ERROR, 4)
            .map(|v| i32::from_le_bytes([v[0], v[1], v[2], v[3]])),
    );

    // WSAPoll.
    let pfd = |fd, events| sockets::Pollfd { fd, events };
    show("WSAPoll none", sockets::wsapoll(&[], 0));
    show(
        "WSAPoll all invalid",
        sockets::wsapoll(&[pfd(0x7fff_fff0, raw::POLLIN)], 0),
    );
    let c2 = connected(port);
    let (a2, _) = sockets::accept(l).expect("accept");
    show(
        "WSAPoll writable + invalid",
        sockets::wsapoll(
            &[
                pfd(a2, raw::POLLRDNORM | raw::POLLWRNORM),
                pfd(0x7fff_fff0, raw::POLLIN),
            ],
            0,
        ),
    );
    show(
        "WSAPoll nothing to read",
        sockets::wsapoll(&[pfd(a2, raw::POLLRDNORM)], 50),
    );
    sockets::send(c2, b"yz", 0).expect("send");
    show(
        "WSAPoll data",
        sockets::wsapoll(&[pfd(a2, raw::POLLRDNORM)], 1000),
    );
    sockets::recv(a2, 8, 0).expect("recv");
    sockets::closesocket(c2).expect("close c2");
    show(
        "WSAPoll after peer FIN, asked only to write",
        sockets::wsapoll(&[pfd(a2, 0)], 1000),
    );
    show("WSAPoll listener pending", {
        let _c3 = connected(port);
        sockets::wsapoll(&[pfd(l, raw::POLLRDNORM)], 1000)
    });
}

fn hints(flags: i32, family: i32, socktype: i32) -> Option<sockets::AddrinfoHints> {
    Some(sockets::AddrinfoHints {
        flags,
        family,
        socktype,
        protocol: 0,
    })
}

fn show_addrinfo(label: &str, r: Result<Vec<sockets::Addrinfo>, ErrorCode>) -> Vec<SocketAddr> {
    let described = r.map(|v| {
        v.iter()
            .map(|a| {
                format!(
                    "{}/{}/{} {}",
                    a.family,
                    a.socktype,
                    a.protocol,
                    from_wit(a.addr)
                )
            })
            .collect::<Vec<_>>()
    });
    let list = show(label, described).unwrap_or_default();
    list.iter()
        .filter_map(|s| s.split(' ').nth(1)?.parse().ok())
        .collect()
}

fn lookup(port: u16) {
    startup();
    let p = port.to_string();
    show_addrinfo(
        "numeric v4",
        sockets::getaddrinfo(Some("127.0.0.1"), Some("80"), hints(0, 0, raw::SOCK_STREAM)),
    );
    show_addrinfo(
        "numeric v6 + service name",
        sockets::getaddrinfo(Some("::1"), Some("http"), None),
    );
    show_addrinfo(
        "udp hints",
        sockets::getaddrinfo(Some("127.0.0.1"), Some("53"), hints(0, 0, raw::SOCK_DGRAM)),
    );
    show_addrinfo(
        "passive v4",
        sockets::getaddrinfo(None, Some("8080"), hints(raw::AI_PASSIVE, raw::AF_INET, 0)),
    );
    show_addrinfo(
        "no node, no service",
        sockets::getaddrinfo(None, None, None),
    );
    show_addrinfo(
        "AI_NUMERICHOST with a name",
        sockets::getaddrinfo(Some("localhost"), None, hints(raw::AI_NUMERICHOST, 0, 0)),
    );
    show_addrinfo(
        "unknown service",
        sockets::getaddrinfo(Some("127.0.0.1"), Some("no-such-service"), None),
    );
    show_addrinfo(
        "family 99",
        sockets::getaddrinfo(Some("127.0.0.1"), None, hints(0, 99, 0)),
    );
    show_addrinfo(
        "v6 only for a v4 address",
        sockets::getaddrinfo(Some("127.0.0.1"), Some("80"), hints(0, raw::AF_INET6, 0)),
    );
    show("getnameinfo", sockets::getnameinfo(loopback(80), 0));
    show(
        "getnameinfo NI_NUMERICSERV",
        sockets::getnameinfo(loopback(80), raw::NI_NUMERICSERV),
    );
    show(
        "getnameinfo NI_NAMEREQD",
        sockets::getnameinfo(loopback(80), raw::NI_NAMEREQD),
    );
    show("gethostname", sockets::gethostname());
    let found = show_addrinfo(
        "localhost",
        sockets::getaddrinfo(Some("localhost"), Some(&p), hints(0, raw::AF_INET, 0)),
    );
    if let Some(addr) = found.first() {
        let s = tcp();
        show(
            "connect to the resolved address",
            sockets::connect(s, to_wit(*addr)),
        );
    }
}

/// The safe crate over the issue-3 surface: IPv6, MSG_PEEK, SO_RCVTIMEO,
/// SIOCATMARK, FIONREAD, the typed options, UDP over IPv6, and a failed
/// nonblocking connect seen in select's except set and SO_ERROR.
fn crate_surface() {
    use winsock_guest::{Socket, Winsock};
    let wsa = Winsock::startup(2, 2).expect("startup");
    let v6_loopback: SocketAddr = "[::1]:0".parse().unwrap();

    let l = Socket::listen_tcp(v6_loopback, 5).expect("listen on ::1");
    let at = l.local_addr().expect("local_addr");
    say(format!(
        "listener is v6 loopback: {}",
        at.is_ipv6() && at.ip().is_loopback()
    ));
    let c = Socket::connect_tcp(at).expect("connect ::1");
    let (a, peer) = l.accept().expect("accept");
    say(format!(
        "accepted peer is the client: {}",
        peer == c.local_addr().unwrap()
    ));
    say(format!("v6only default: {:?}", a.only_v6()));

    c.send_all(b"peekaboo").expect("send");
    let mut buf = [0u8; 4];
    say(format!(
        "peek: {:?} {:?}",
        a.peek(&mut buf),
        String::from_utf8_lossy(&buf)
    ));
    say(format!("FIONREAD after peek: {:?}", a.bytes_available()));
    say(format!("at mark: {:?}", a.at_mark()));
    let mut all = [0u8; 16];
    let n = a.recv(&mut all).expect("recv");
    say(format!(
        "recv after peek: {:?}",
        String::from_utf8_lossy(&all[..n])
    ));

    a.set_recv_timeout(Some(Duration::from_millis(150)))
        .expect("SO_RCVTIMEO");
    let started = Instant::now();
    let r = a.recv(&mut all);
    say(format!(
        "recv with nothing sent: {:?}, waited >= 140 ms: {}",
        r.map_err(|e| e.code()),
        started.elapsed() >= Duration::from_millis(140)
    ));
    say(format!(
        "connection still usable: {:?}",
        c.send(b"x").and_then(|_| a.recv(&mut all))
    ));

    say(format!(
        "keepalive set/get: {:?} {:?}",
        c.set_keepalive(true),
        c.keepalive()
    ));
    say(format!(
        "IP_TTL on an IPv6 socket: {:?}",
        c.set_ttl(42).map_err(|e| e.code())
    ));
    say(format!(
        "nodelay set/get: {:?} {:?}",
        c.set_nodelay(true),
        c.nodelay()
    ));

    let u = Socket::udp_v6().expect("udp v6");
    u.bind(v6_loopback).expect("bind udp ::1");
    let to = u.local_addr().unwrap();
    let u2 = Socket::udp_v6().expect("udp v6");
    say(format!(
        "broadcast set/get: {:?} {:?}",
        u2.set_broadcast(true),
        u2.broadcast()
    ));
    say(format!(
        "send_to over v6: {:?}",
        u2.send_to(b"datagram", to)
    ));
    let (n, from) = u.recv_from(&mut all).expect("recv_from");
    say(format!(
        "recv_from over v6: {:?} from the sender's port: {}",
        String::from_utf8_lossy(&all[..n]),
        from.port() == u2.local_addr().unwrap().port()
    ));

    // A refused nonblocking connect: WSAEWOULDBLOCK, then the except set
    // and SO_ERROR tell the failure (docs/blocking.md).
    let closed = {
        let t = Socket::listen_tcp("127.0.0.1:0".parse().unwrap(), 1).unwrap();
        t.local_addr().unwrap()
    };
    let nb = Socket::tcp_v4().unwrap();
    say(format!("ttl set/get: {:?} {:?}", nb.set_ttl(42), nb.ttl()));
    nb.set_nonblocking(true).unwrap();
    say(format!(
        "nonblocking connect: {:?}",
        nb.connect(closed).map_err(|e| e.code())
    ));
    let ready =
        winsock_guest::select(&[], &[&nb], &[&nb], Some(Duration::from_secs(5))).expect("select");
    say(format!(
        "select: in write set {}, in except set {}",
        ready.write.contains(&nb.raw()),
        ready.except.contains(&nb.raw())
    ));
    say(format!(
        "SO_ERROR: {:?}",
        nb.take_error().map(|e| e.map(|e| e.code()))
    ));
    drop((a, c, l, u, u2, nb));
    say(format!("cleanup: {:?}", wsa.cleanup()));
}

/// SIOCATMARK around urgent data: the peer sends "ab" with 'b' urgent.
fn atmark(port: u16) {
    use winsock_guest::{Socket, Winsock};
    let _wsa = Winsock::startup(2, 2).expect("startup");
    let s = Socket::connect_tcp(SocketAddr::from(([127, 0, 0, 1], port))).expect("connect");
    say(format!("at mark before any data: {:?}", s.at_mark()));
    let mut go = [0u8; 1];
    s.send(b"g").expect("send go");
    // Wait until the normal byte is here (the urgent one comes with it).
    s.peek(&mut go).expect("peek");
    std::thread::sleep(Duration::from_millis(100));
    say(format!(
        "at mark with urgent data waiting: {:?}",
        s.at_mark()
    ));
    let mut buf = [0u8; 4];
    let n = wsa_recv_oob(&s, &mut buf);
    say(format!("recv MSG_OOB: {n:?}"));
    say(format!("at mark after reading it: {:?}", s.at_mark()));
    let n = s.recv(&mut buf).expect("recv");
    say(format!(
        "recv normal data: {:?}",
        String::from_utf8_lossy(&buf[..n])
    ));
}

fn wsa_recv_oob(s: &winsock_guest::Socket, buf: &mut [u8]) -> Result<String, i32> {
    sockets::recv(s.raw(), buf.len() as i32, raw::MSG_OOB)
        .map(|d| String::from_utf8_lossy(&d.data).into_owned())
        .map_err(|e| WsaError::from(e).code())
}

/// For the soak command (tests/bench, winsock-soak): leaves sockets in
/// assorted states, then ends the way `end` says. `sink` is a native peer
/// that accepts and never reads; `full` a native listener whose backlog is
/// full, so a connect to it stays pending.
fn soak_states(sink: u16, full: u16, end: &str) {
    lifecycle::startup(raw::makeword(2, 2), true).expect("startup");
    let connect = |port: u16| {
        let s = tcp();
        sockets::connect(s, loopback(port)).expect("connect");
        s
    };
    // Listening.
    let l = tcp();
    sockets::bind(l, loopback(0)).expect("bind");
    sockets::listen(l, 5).expect("listen");
    // Connected with unsent data: fill until the peer's window and our
    // buffer are full.
    let full_buffers = connect(sink);
    sockets::ioctlsocket(full_buffers, raw::FIONBIO, 1).expect("FIONBIO");
    let chunk = vec![0x5a_u8; 64 * 1024];
    while sockets::send(full_buffers, &chunk, 0).is_ok() {}
    // Half-closed.
    let half = connect(sink);
    sockets::send(half, b"bye", 0).expect("send");
    sockets::shutdown(half, raw::SD_SEND).expect("shutdown");
    // Mid-connect.
    let pending = tcp();
    sockets::ioctlsocket(pending, raw::FIONBIO, 1).expect("FIONBIO");
    let _ = sockets::connect(pending, loopback(full));
    // Lingering: SO_LINGER {1, 30} with unsent data.
    let lingering = connect(sink);
    let linger = [1u8, 0, 30, 0];
    sockets::setsockopt(lingering, raw::SOL_SOCKET, raw::SO_LINGER, Some(&linger))
        .expect("SO_LINGER");
    sockets::ioctlsocket(lingering, raw::FIONBIO, 1).expect("FIONBIO");
    while sockets::send(lingering, &chunk, 0).is_ok() {}
    sockets::ioctlsocket(lingering, raw::FIONBIO, 0).expect("FIONBIO off");
    say("ready");
    match end {
        "return" => {}
        "trap" => std::process::abort(),
        "cleanup" => lifecycle::cleanup().expect("cleanup"),
        // Blocked in a lingering closesocket until the host tears it down.
        "linger-close" => {
            let _ = sockets::closesocket(lingering);
        }
        // Blocked in accept until the host tears it down.
        _ => {
            let _ = sockets::accept(l);
        }
    }
}

/// docs/linger.md, docs/blocking.md and docs/surface.md against a misbehaving native peer; each fault on its own
/// connection, in order (tests/tests/peer_faults.rs plays the peer).
fn peer_faults(port: u16) {
    use winsock_guest::{Linger, Socket, Winsock};
    let _wsa = Winsock::startup(2, 2).expect("startup");
    let peer = SocketAddr::from(([127, 0, 0, 1], port));
    let code = |e: WsaError| e.code();
    let mut buf = vec![0u8; 64 * 1024];

    // 1. The peer sends 1000 bytes, then resets.
    let s = Socket::connect_tcp(peer).expect("connect 1");
    let mut got = 0;
    let end = loop {
        match s.recv(&mut buf) {
            Ok(0) => break Ok(0),
            Ok(n) => got += n,
            Err(e) => break Err(code(e)),
        }
    };
    say(format!("reset mid-transfer: {got} bytes, then {end:?}"));
    say(format!("recv again: {:?}", s.recv(&mut buf).map_err(code)));
    say(format!(
        "send after the reset: {:?}",
        s.send(b"x").map_err(code)
    ));
    drop(s);

    // 2. The peer half-closes: EOF here, and this side can still send.
    let s = Socket::connect_tcp(peer).expect("connect 2");
    let mut got = 0;
    let end = loop {
        match s.recv(&mut buf) {
            Ok(0) => break Ok(0),
            Ok(n) => got += n,
            Err(e) => break Err(code(e)),
        }
    };
    say(format!("half-close: {got} bytes, then {end:?}"));
    say(format!(
        "send after the peer's FIN: {:?}",
        s.send_all(b"still talking").map_err(code)
    ));
    say(format!(
        "graceful close: {:?}",
        s.close().map_err(|e| e.error.code())
    ));

    // 3. The peer stops reading: sends fill the buffers, then SO_SNDTIMEO.
    let s = Socket::connect_tcp(peer).expect("connect 3");
    s.set_send_timeout(Some(Duration::from_millis(300)))
        .expect("SO_SNDTIMEO");
    let started = Instant::now();
    let chunk = vec![7u8; 64 * 1024];
    let end = loop {
        if let Err(e) = s.send(&chunk) {
            break code(e);
        }
        if started.elapsed() > Duration::from_secs(20) {
            break -1;
        }
    };
    say(format!("peer not reading: send failed {end}"));
    drop(s);

    // 4. The peer closes while this side lingers in closesocket.
    let s = Socket::connect_tcp(peer).expect("connect 4");
    s.set_linger(Linger {
        on: true,
        seconds: 10,
    })
    .expect("SO_LINGER");
    s.set_nonblocking(true).expect("FIONBIO");
    while s.send(&chunk).is_ok() {}
    s.set_nonblocking(false).expect("FIONBIO off");
    say("lingering");
    let started = Instant::now();
    let r = s.close().map_err(|e| e.error.code());
    say(format!(
        "lingering close ended by the peer: {r:?}, in under 5 s: {}",
        started.elapsed() < Duration::from_secs(5)
    ));

    // The host is unaffected: a fresh connection works.
    let s = Socket::connect_tcp(peer).expect("connect 5");
    say(format!(
        "fresh connection afterwards: {:?}",
        s.send_all(b"ok").map_err(code)
    ));
}

/// Resource attacks (issue 5): each asks the host for far more than the
/// limits allow; each must get a WSA code or a partial result.
fn hog(port: u16) {
    lifecycle::startup(raw::makeword(2, 2), true).expect("startup");
    let peer = loopback(port);

    // A giant recv: i32::MAX bytes asked, at most max_bytes_per_call moved.
    let s = tcp();
    sockets::connect(s, peer).expect("connect");
    let (mut total, mut largest) = (0usize, 0usize);
    loop {
        match sockets::recv(s, i32::MAX, 0) {
            Ok(d) if d.data.is_empty() => break,
            Ok(d) => {
                total += d.data.len();
                largest = largest.max(d.data.len());
            }
            Err(e) => {
                say(format!("giant recv failed: {}", WsaError::from(e).code()));
                break;
            }
        }
    }
    say(format!(
        "giant recv: {total} bytes, largest single recv <= 1 MiB: {}",
        largest <= 1 << 20
    ));
    let _ = sockets::closesocket(s);

    // A giant send: the memory ceiling refuses the buffer; a large one that
    // fits is sent partially.
    let mut huge: Vec<u8> = Vec::new();
    say(format!(
        "512 MiB buffer: {}",
        if huge.try_reserve_exact(512 << 20).is_ok() {
            "allocated"
        } else {
            "refused by the memory limit"
        }
    ));
    drop(huge);
    let big = vec![9u8; 16 << 20];
    let s = tcp();
    sockets::connect(s, peer).expect("connect");
    sockets::ioctlsocket(s, raw::FIONBIO, 1).expect("FIONBIO");
    match sockets::send(s, &big, 0) {
        Ok(n) => say(format!(
            "16 MiB send: partial, at most 1 MiB: {}",
            n as usize <= 1 << 20
        )),
        Err(e) => say(format!("16 MiB send: {}", WsaError::from(e).code())),
    }
    drop(big);
    let _ = sockets::closesocket(s);

    // Thousands of pending nonblocking connects: the socket limit stops them.
    let mut opened = Vec::new();
    let end = loop {
        match sockets::socket(raw::AF_INET, raw::SOCK_STREAM, 0) {
            Ok(h) => {
                sockets::ioctlsocket(h, raw::FIONBIO, 1).expect("FIONBIO");
                let _ = sockets::connect(h, peer);
                opened.push(h);
            }
            Err(e) => break WsaError::from(e).code(),
        }
        if opened.len() > 100_000 {
            break 0;
        }
    };
    say(format!(
        "connect flood: {} sockets, then {end}",
        opened.len()
    ));

    // select and WSAPoll over far more entries than any FD_SETSIZE.
    let flood: Vec<u32> = opened.iter().copied().cycle().take(70_000).collect();
    let sets = sockets::FdSets {
        readfds: flood.clone(),
        writefds: vec![],
        exceptfds: vec![],
    };
    show(
        "select over 70000 entries",
        sockets::select(&sets, Some(0)).map(|_| ()),
    );
    let fewer: Vec<u32> = opened.iter().copied().cycle().take(60_000).collect();
    let sets = sockets::FdSets {
        readfds: fewer.clone(),
        writefds: fewer.clone()[..1000].to_vec(),
        exceptfds: vec![],
    };
    show(
        "select over 61000 entries",
        sockets::select(&sets, Some(0)).map(|_| ()),
    );
    let polls: Vec<sockets::Pollfd> = flood
        .iter()
        .map(|&fd| sockets::Pollfd {
            fd,
            events: raw::POLLIN,
        })
        .collect();
    show(
        "WSAPoll over 70000 entries",
        sockets::wsapoll(&polls, 0).map(|_| ()),
    );
    show(
        "WSAPoll over 60000 entries",
        sockets::wsapoll(&polls[..60_000], 0).map(|r| r.len()),
    );
    for h in opened {
        let _ = sockets::closesocket(h);
    }
    show("cleanup", lifecycle::cleanup());
}

/// A noisy neighbour (winsock-neighbours): 1000 sockets, then `rounds` of
/// select and WSAPoll over 60000 entries naming them.
fn select_storm(rounds: u32) {
    lifecycle::startup(raw::makeword(2, 2), true).expect("startup");
    let socks: Vec<u32> = (0..1000).map(|_| tcp()).collect();
    let many: Vec<u32> = socks.iter().copied().cycle().take(60_000).collect();
    let polls: Vec<sockets::Pollfd> = many
        .iter()
        .map(|&fd| sockets::Pollfd {
            fd,
            events: raw::POLLOUT,
        })
        .collect();
    let sets = sockets::FdSets {
        readfds: many.clone(),
        writefds: many,
        exceptfds: vec![],
    };
    for _ in 0..rounds {
        let _ = sockets::select(&sets, Some(0));
        let _ = sockets::wsapoll(&polls, 0);
    }
    say("storm over");
}

/// gethostbyaddr of each address argument: before WSAStartup, then through
/// the raw interface, then the first one through the crate's lookup_addr.
fn reverse_lookup(addrs: &[String]) {
    let ips: Vec<std::net::IpAddr> = addrs
        .iter()
        .map(|a| a.parse().expect("IP address argument"))
        .collect();
    let first = ips[0];
    show(
        "gethostbyaddr before startup",
        sockets::gethostbyaddr(to_wit(SocketAddr::new(first, 0))),
    );
    startup();
    for ip in &ips {
        show(
            &format!("gethostbyaddr {ip}"),
            sockets::gethostbyaddr(to_wit(SocketAddr::new(*ip, 80))),
        );
    }
    match winsock_guest::lookup_addr(first) {
        Ok(name) => say(format!("lookup_addr {first}: ok {name:?}")),
        Err(e) => say(format!("lookup_addr {first}: err {}", e.code())),
    }
}

/// TCP_KEEPIDLE (TCP_KEEPALIVE), TCP_KEEPINTVL and TCP_KEEPCNT set and read
/// back from the host socket, their refusals, and the crate's
/// SIO_KEEPALIVE_VALS form.
fn keepalive(port: u16) {
    startup();
    let s = connected(port);
    let dword = |v: u32| Some(v.to_le_bytes().to_vec());
    let set = |label: &str, name: i32, v: u32| {
        show(
            label,
            sockets::setsockopt(s, raw::IPPROTO_TCP, name, dword(v).as_deref()),
        );
    };
    let read = |label: &str, name: i32| {
        say(format!(
            "{label} reads {:?}",
            int_opt(s, raw::IPPROTO_TCP, name)
        ))
    };
    set("set TCP_KEEPIDLE 30", raw::TCP_KEEPIDLE, 30);
    read("TCP_KEEPIDLE", raw::TCP_KEEPIDLE);
    set("set TCP_KEEPALIVE 45", raw::TCP_KEEPALIVE, 45);
    read("TCP_KEEPIDLE", raw::TCP_KEEPIDLE);
    set("set TCP_KEEPINTVL 5", raw::TCP_KEEPINTVL, 5);
    read("TCP_KEEPINTVL", raw::TCP_KEEPINTVL);
    set("set TCP_KEEPCNT 4", raw::TCP_KEEPCNT, 4);
    read("TCP_KEEPCNT", raw::TCP_KEEPCNT);
    say(format!(
        "SO_KEEPALIVE still {:?}",
        int_opt(s, raw::SOL_SOCKET, raw::SO_KEEPALIVE)
    ));
    set("set TCP_KEEPIDLE 0", raw::TCP_KEEPIDLE, 0);
    set("set TCP_KEEPINTVL 0", raw::TCP_KEEPINTVL, 0);
    set("set TCP_KEEPCNT 0", raw::TCP_KEEPCNT, 0);
    set("set TCP_KEEPIDLE 40000", raw::TCP_KEEPIDLE, 40000);
    set("set TCP_KEEPINTVL 0xffffffff", raw::TCP_KEEPINTVL, u32::MAX);
    set("set TCP_KEEPCNT 128", raw::TCP_KEEPCNT, 128);
    read("TCP_KEEPIDLE after refusals", raw::TCP_KEEPIDLE);
    read("TCP_KEEPINTVL after refusals", raw::TCP_KEEPINTVL);
    read("TCP_KEEPCNT after refusals", raw::TCP_KEEPCNT);
    show(
        "set TCP_KEEPIDLE 2 bytes",
        sockets::setsockopt(s, raw::IPPROTO_TCP, raw::TCP_KEEPIDLE, Some(&[9, 0])),
    );
    show(
        "set TCP_KEEPIDLE null",
        sockets::setsockopt(s, raw::IPPROTO_TCP, raw::TCP_KEEPIDLE, None),
    );
    show(
        "getsockopt TCP_KEEPCNT optlen=3",
        sockets::getsockopt(s, raw::IPPROTO_TCP, raw::TCP_KEEPCNT, 3),
    );
    let u = sockets::socket(raw::AF_INET, raw::SOCK_DGRAM, 0).expect("udp socket");
    show(
        "udp getsockopt TCP_KEEPIDLE",
        sockets::getsockopt(u, raw::IPPROTO_TCP, raw::TCP_KEEPIDLE, 4),
    );
    show(
        "udp setsockopt TCP_KEEPINTVL",
        sockets::setsockopt(u, raw::IPPROTO_TCP, raw::TCP_KEEPINTVL, dword(5).as_deref()),
    );
    show(
        "udp setsockopt TCP_KEEPCNT",
        sockets::setsockopt(u, raw::IPPROTO_TCP, raw::TCP_KEEPCNT, dword(5).as_deref()),
    );
    // The crate: SIO_KEEPALIVE_VALS' milliseconds rounded up to seconds.
    let c = winsock_guest::Socket::from_raw(s);
    let r = c.set_keepalive_values(Duration::from_millis(1500), Duration::from_millis(250));
    say(format!("set_keepalive_values 1500 ms, 250 ms: {r:?}"));
    say(format!(
        "crate reads keepalive {:?} idle {:?} interval {:?} count {:?}",
        c.keepalive(),
        c.keepalive_idle(),
        c.keepalive_interval(),
        c.keepalive_count()
    ));
    let r = c.set_keepalive_values(Duration::ZERO, Duration::from_secs(1));
    say(format!("set_keepalive_values zero time: {r:?}"));
    let r = c.set_keepalive_count(9);
    say(format!(
        "set_keepalive_count 9: {r:?} reads {:?}",
        c.keepalive_count()
    ));
    let r = c.send(b"ka");
    say(format!("send after tuning: {r:?}"));
}

/// WSASend/WSARecv with several buffers through the crate, against a
/// native peer that checks the bytes and answers 16 of its own.
fn vectored(port: u16) {
    use std::io::{IoSlice, IoSliceMut};
    use winsock_guest::Socket;
    startup();
    let unconnected = Socket::tcp_v4().expect("socket");
    say(format!(
        "send_vectored unconnected: {:?}",
        unconnected.send_vectored(&[IoSlice::new(b"x"), IoSlice::new(b"y")])
    ));
    let s = Socket::connect_tcp(SocketAddr::from(([127, 0, 0, 1], port))).expect("connect");
    say(format!(
        "send_vectored 4 buffers: {:?}",
        s.send_vectored(&[
            IoSlice::new(b"he"),
            IoSlice::new(b""),
            IoSlice::new(b"llo "),
            IoSlice::new(b"world"),
        ])
    ));
    say(format!(
        "send_vectored 1 buffer: {:?}",
        s.send_vectored(&[IoSlice::new(b""), IoSlice::new(b"!")])
    ));
    say(format!("send_vectored none: {:?}", s.send_vectored(&[])));
    let (mut a, mut b, mut c, mut d) = ([b'.'; 3], [b'.'; 0], [b'.'; 5], [b'.'; 10]);
    let mut bufs = [
        IoSliceMut::new(&mut a),
        IoSliceMut::new(&mut b),
        IoSliceMut::new(&mut c),
        IoSliceMut::new(&mut d),
    ];
    let n = s.recv_vectored(&mut bufs);
    let text = |x: &[u8]| String::from_utf8_lossy(x).into_owned();
    say(format!(
        "recv_vectored: {n:?} {:?}",
        [text(&a), text(&b), text(&c), text(&d)]
    ));
    let mut e = [0u8; 4];
    say(format!(
        "recv_vectored at EOF: {:?}",
        s.recv_vectored(&mut [IoSliceMut::new(&mut e)])
    ));
}
