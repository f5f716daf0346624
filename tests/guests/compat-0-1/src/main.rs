//! A guest of the previous minor version, winsock:ws2@0.1.2, bound straight
//! to the vendored WIT (wit/compat/0.1.2) as a component built before 0.2.0
//! was: the host must still serve it (wit/README.md, version policy). It
//! prints what each call returned and what get-last-error said after it.
//!
//! Arguments: the port of a native TCP echo peer and of a native UDP peer,
//! both on 127.0.0.1.

mod bindings {
    wit_bindgen::generate!({
        path: "../../../wit/compat/0.1.2",
        world: "winsock:ws2/imports",
    });
}

use bindings::winsock::ws2::lifecycle;
use bindings::winsock::ws2::sockets;
use bindings::winsock::ws2::types::{ErrorCode, Ipv4SocketAddress, SocketAddress};

const AF_INET: i32 = 2;
const SOCK_STREAM: i32 = 1;
const SOCK_DGRAM: i32 = 2;
const IPPROTO_TCP: i32 = 6;
const IPPROTO_UDP: i32 = 17;

fn loopback(port: u16) -> SocketAddress {
    SocketAddress::Ipv4(Ipv4SocketAddress {
        port,
        address: (127, 0, 0, 1),
    })
}

fn port_of(a: &SocketAddress) -> u16 {
    match a {
        SocketAddress::Ipv4(a) => a.port,
        SocketAddress::Ipv6(a) => a.port,
    }
}

/// "ok ..." or "err NUMBER", then what get-last-error reports.
fn show<T>(what: &str, r: Result<T, ErrorCode>, ok: impl Fn(&T) -> String) -> Option<T> {
    let last = lifecycle::get_last_error();
    match r {
        Ok(v) => {
            println!("{what}: ok {}; last error {last}", ok(&v));
            Some(v)
        }
        Err(e) => {
            println!(
                "{what}: err {}; last error {last}",
                lifecycle::error_number(e)
            );
            None
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port = |i: usize| -> u16 { args[i].parse().expect("a port") };
    let (tcp_port, udp_port) = (port(1), port(2));

    // The last error before any call, and WSASetLastError at count 0.
    println!("initial last error {}", lifecycle::get_last_error());
    lifecycle::set_last_error(1234);
    println!("after set 1234: last error {}", lifecycle::get_last_error());

    // Success sets it to 0; a refused startup leaves it alone.
    let r = lifecycle::startup(0x0202, true).map_err(|e| e.code);
    show("startup 2.2", r, |d| format!("version {:#06x}", d.version));
    lifecycle::set_last_error(77);
    let r = lifecycle::startup(0x0000, true).map_err(|e| e.code);
    show("startup 0.0", r, |_| String::new());

    // TCP: a round trip with the native echo peer.
    let s = show(
        "socket tcp",
        sockets::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP),
        |_| String::new(),
    )
    .unwrap();
    show("connect", sockets::connect(s, loopback(tcp_port)), |_| {
        String::new()
    });
    show("send", sockets::send(s, b"hello from 0.1.2", 0), |n| {
        n.to_string()
    });
    show("recv tcp", sockets::recv(s, 64, 0), |d| {
        format!("{:?}", String::from_utf8_lossy(d))
    });
    show("recv bad handle", sockets::recv(0xdead, 8, 0), |_| {
        String::new()
    });
    show("closesocket tcp", sockets::closesocket(s), |_| {
        String::new()
    });

    // UDP: the peer answers our datagram with two of 100 bytes, then one
    // of 5.
    let u = show(
        "socket udp",
        sockets::socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP),
        |_| String::new(),
    )
    .unwrap();
    show("bind udp", sockets::bind(u, loopback(0)), |_| String::new());
    show(
        "sendto",
        sockets::sendto(u, b"ping", 0, loopback(udp_port)),
        |n| n.to_string(),
    );
    // 0.1.2: recv fails outright on a cut datagram.
    show("recv 10 of 100", sockets::recv(u, 10, 0), |d| {
        d.len().to_string()
    });
    // 0.1.2: recvfrom delivers the start, truncated, last error 10040.
    let datagram = |d: &sockets::Datagram| {
        format!(
            "{:?} truncated {} from peer {}",
            String::from_utf8_lossy(&d.data),
            d.truncated,
            port_of(&d.sender) == udp_port
        )
    };
    show("recvfrom 10 of 100", sockets::recvfrom(u, 10, 0), datagram);
    show("recvfrom 64 of 5", sockets::recvfrom(u, 64, 0), datagram);
    show("closesocket udp", sockets::closesocket(u), |_| {
        String::new()
    });

    // 0.2.0 reports WSATYPE_NOT_FOUND here, a case 0.1.2 lacks: a 0.1.2
    // guest gets WSAHOST_NOT_FOUND, as 0.1.2 hosts reported it.
    show(
        "getaddrinfo unknown service",
        sockets::getaddrinfo(None, Some("no-such-service"), None),
        |l| l.len().to_string(),
    );
    println!(
        "error-number wsaemsgsize {}",
        lifecycle::error_number(ErrorCode::Wsaemsgsize)
    );
    show("cleanup", lifecycle::cleanup(), |_| String::new());
    show("cleanup again", lifecycle::cleanup(), |_| String::new());
    show(
        "socket after cleanup",
        sockets::socket(AF_INET, SOCK_STREAM, 0),
        |_| String::new(),
    );
}
