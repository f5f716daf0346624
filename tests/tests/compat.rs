//! The version policy of wit/README.md: a component built against the
//! previous minor version, winsock:ws2@0.1.2 (the guest `compat-0-1`, bound
//! to wit/compat/0.1.2), still instantiates and gets 0.1.2's behaviour from
//! today's host, beside 0.2.0 guests: recv failing WSAEMSGSIZE on a cut
//! datagram, recvfrom's `truncated`, and the host-kept last error.

use std::io::{Read, Write};
use std::net::UdpSocket;
use std::time::Duration;
use winsock_tests::*;

const T: Duration = Duration::from_secs(10);

#[test]
fn a_0_1_2_guest_runs_with_0_1_2_semantics() {
    // TCP peer: reads the guest's greeting, answers, then reads to EOF.
    let (l, tcp_port) = listener();
    let tcp_peer = std::thread::spawn(move || {
        let mut s = accept_within(&l, T).expect("the guest connects");
        s.set_read_timeout(Some(T)).unwrap();
        let mut got = vec![0u8; 16];
        s.read_exact(&mut got).unwrap();
        s.write_all(b"hello from the peer").unwrap();
        let (rest, end) = read_to_end(&mut s, T);
        (got, rest, end)
    });
    // UDP peer: answers the guest's datagram with 100 bytes twice, then 5.
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let udp_port = udp.local_addr().unwrap().port();
    let udp_peer = std::thread::spawn(move || {
        udp.set_read_timeout(Some(T)).unwrap();
        let mut buf = [0u8; 64];
        let (n, guest) = udp.recv_from(&mut buf).unwrap();
        let big: Vec<u8> = (0..100u8).map(|i| b'a' + i % 26).collect();
        udp.send_to(&big, guest).unwrap();
        udp.send_to(&big, guest).unwrap();
        udp.send_to(b"small", guest).unwrap();
        buf[..n].to_vec()
    });

    let (code, out) = run(
        "compat-0-1",
        &[&tcp_port.to_string(), &udp_port.to_string()],
        GuestConfig::default(),
    );
    assert_eq!(code, 0, "{out}");
    assert_lines(
        &out,
        &[
            "initial last error 0",
            "after set 1234: last error 1234",
            "startup 2.2: ok version 0x0202; last error 0",
            // A refused WSAStartup leaves the last error alone.
            "startup 0.0: err 10092; last error 77",
            "socket tcp: ok ; last error 0",
            "connect: ok ; last error 0",
            "send: ok 16; last error 0",
            "recv tcp: ok \"hello from the peer\"; last error 0",
            "recv bad handle: err 10038; last error 10038",
            "closesocket tcp: ok ; last error 0",
            "socket udp: ok ; last error 0",
            "bind udp: ok ; last error 0",
            "sendto: ok 4; last error 0",
            "recv 10 of 100: err 10040; last error 10040",
            "recvfrom 10 of 100: ok \"abcdefghij\" truncated true from peer true; last error 10040",
            "recvfrom 64 of 5: ok \"small\" truncated false from peer true; last error 0",
            "closesocket udp: ok ; last error 0",
            // WSATYPE_NOT_FOUND (10109) is 0.2.0's; 0.1.2 reported 11001.
            "getaddrinfo unknown service: err 11001; last error 11001",
            "error-number wsaemsgsize 10040",
            "cleanup: ok ; last error 0",
            "cleanup again: err 10093; last error 10093",
            "socket after cleanup: err 10093; last error 10093",
        ],
    );

    let (got, rest, end) = tcp_peer.join().unwrap();
    assert_eq!(got, b"hello from 0.1.2");
    assert!(rest.is_empty(), "{rest:?}");
    assert_eq!(end, PeerEnd::Eof, "closesocket closes gracefully");
    assert_eq!(udp_peer.join().unwrap(), b"ping");
}
