//! docs/linger.md-7 as a guest sees them: shutdown, options, accept, and bad input
//! that must give WSA codes and never hurt the host.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use winsock_tests::*;

const T: Duration = Duration::from_secs(10);

#[test]
fn shutdown_rules() {
    let (guest, mut peer) = spawn_with_peer("shutdown", &[], GuestConfig::default());
    guest.wait_for_line("send after SD_SEND", T);
    // The peer reads EOF after SD_SEND, and can still send to the guest.
    let mut buf = [0u8; 8];
    peer.set_read_timeout(Some(T)).unwrap();
    assert_eq!(peer.read(&mut buf).unwrap(), 0, "peer reads EOF");
    peer.write_all(b"r").unwrap();
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "shutdown unconnected: err 10057",
            "shutdown listening: err 10057",
            "shutdown how=3: err 10022",
            "shutdown how=-1: err 10022",
            "shutdown SD_SEND: ok",
            "send after SD_SEND: err 10058",
            "recv after SD_SEND: ok \"r\"",
            "shutdown SD_RECEIVE: ok",
            "recv after SD_RECEIVE: err 10058",
            "handle still valid: ok",
            "closesocket: ok",
        ],
    );
}

#[test]
fn bad_arguments_give_wsa_codes_and_never_hurt_the_host() {
    let (code, out) = run("conformance", &["bad-input"], GuestConfig::default());
    assert_eq!(code, 0, "{out}");
    assert_lines(
        &out,
        &[
            "socket af=99: err 10047",
            "socket af=0: err 10047",
            "socket type=5: err 10044",
            "socket stream proto=udp: err 10043",
            "socket stream proto=99: err 10043",
            "recv len=-1: err 10014",
            "recv unconnected: err 10057",
            "send unconnected: err 10057",
            "send flags=0x4000: err 10045",
            "getsockopt SO_LINGER optlen=3: err 10014",
            "getsockopt SO_LINGER optlen=-1: err 10014",
            "setsockopt SO_LINGER null: err 10014",
            "setsockopt SO_LINGER 2 bytes: err 10014",
            "getsockopt unknown: err 10042",
            "getsockopt unknown level: err 10022",
            "setsockopt SO_TYPE: err 10042",
            "ioctlsocket unknown: err 10045",
            "shutdown how=7: err 10022",
            "listen unbound: err 10022",
            "getsockname unbound: err 10022",
            "getpeername unconnected: err 10057",
            "connect any address: err 10049",
            "connect port 0: err 10049",
            "bind v6 address on v4 socket: err 10014",
            "bind: ok",
            "bind again: err 10022",
            "udp getsockopt SO_LINGER: err 10042",
            "udp setsockopt SO_LINGER: err 10042",
            "udp getsockopt SO_DONTLINGER: err 10042",
            "udp setsockopt SO_DONTLINGER: err 10042",
            "udp listen: err 10045",
            "recv huge len on unconnected: err 10057",
            "still alive: ok 1",
        ],
    );
}

#[test]
fn options_are_applied_and_read_back_as_windows_reports_them() {
    let (l, port) = listener();
    let guest = spawn(
        "conformance",
        &["options", &port.to_string()],
        GuestConfig::default(),
    );
    let _peer = accept_within(&l, T).expect("guest connects");
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "new SO_LINGER: ok [0, 0, 0, 0]",
            "new SO_DONTLINGER: ok [1, 0, 0, 0]",
            "SO_LINGER {1,7}: ok",
            "SO_DONTLINGER after {1,7}: ok [0, 0, 0, 0]",
            "set SO_DONTLINGER TRUE: ok",
            "SO_LINGER after DONTLINGER TRUE: ok [0, 0, 7, 0]",
            "set SO_DONTLINGER FALSE: ok",
            "SO_LINGER after DONTLINGER FALSE: ok [1, 0, 7, 0]",
            "SO_LINGER l_onoff=5: ok",
            "SO_DONTLINGER after l_onoff=5: ok [0, 0, 0, 0]",
            "getsockopt SO_LINGER optlen=8: ok [1, 0, 3, 0]",
            "SO_TYPE stream: ok [1, 0, 0, 0]",
            "SO_TYPE dgram: ok [2, 0, 0, 0]",
            "SO_ERROR: ok [0, 0, 0, 0]",
            "set SO_REUSEADDR: ok",
            "SO_REUSEADDR reads Some(1)",
            "set SO_RCVBUF 65536: ok",
            "SO_RCVBUF reads Some(65536)",
            "set SO_SNDBUF 32768: ok",
            "SO_SNDBUF reads Some(32768)",
            "TCP_NODELAY new Some(0)",
            "set TCP_NODELAY: ok",
            "TCP_NODELAY reads Some(1)",
            "udp TCP_NODELAY: err 10042",
            "set SO_RCVTIMEO 150: ok",
            "SO_RCVTIMEO reads Some(150)",
            "new AF_INET6 IPV6_V6ONLY Some(1)",
            "recv with SO_RCVTIMEO: err 10060",
            "timed out after >= 150 ms: true",
            "send after timeout: ok 2",
            "SO_ERROR after connect: ok [0, 0, 0, 0]",
            "FIONREAD with nothing: ok 0",
        ],
    );
}

#[test]
fn accepted_sockets_inherit_linger_and_listen_rules_hold() {
    let guest = spawn("conformance", &["accept-inherits"], GuestConfig::default());
    let line = guest.wait_for_line("listening ", T);
    let port: u16 = line.trim_start_matches("listening ").parse().unwrap();
    let mut native = TcpStream::connect(("127.0.0.1", port)).unwrap();
    native.write_all(b"from native").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    native.shutdown(std::net::Shutdown::Write).unwrap();
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "bind: ok",
            "accept before listen: err 10022",
            "listen: ok",
            "SO_ACCEPTCONN: ok [1, 0, 0, 0]",
            "nonblocking listener: ok 1",
            "accept with none pending: err 10035",
            "peer is loopback: true",
            "accepted SO_LINGER: ok [1, 0, 9, 0]",
            "connect on accepted: err 10056",
            "listen on connected: err 10056",
            "FIONREAD: ok 11",
            "recv: ok \"from native\"",
            "recv eof: ok 0",
        ],
    );
}

#[test]
fn one_call_moves_at_most_the_bytes_per_call_limit() {
    let (l, port) = listener();
    let config = GuestConfig {
        limits: winsock_host::Limits {
            max_bytes_per_call: 1000,
            ..Default::default()
        },
        ..GuestConfig::default()
    };
    let guest = spawn(
        "conformance",
        &["bytes-per-call", &port.to_string()],
        config,
    );
    let mut peer = accept_within(&l, T).expect("guest connects");
    peer.write_all(&[9u8; 5000]).unwrap();
    let (_, out) = guest.finish();
    // A larger send is a partial send; a recv fills at most the limit, and a
    // huge length allocates nothing beyond it.
    assert_lines(
        &out,
        &[
            "send 5000: ok 1000",
            "recv 5000: ok 1000",
            "recv i32::MAX: ok 1000",
        ],
    );
    let (data, _) = read_to_end(&mut peer, Duration::from_secs(2));
    assert_eq!(data.len(), 1000);
}

#[test]
fn udp_sendto_recvfrom_and_truncated_datagrams() {
    let native = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = native.local_addr().unwrap().port();
    let guest = spawn(
        "conformance",
        &["udp", &port.to_string()],
        GuestConfig::default(),
    );
    native.set_read_timeout(Some(T)).unwrap();
    let mut buf = [0u8; 64];
    let (n, from) = native
        .recv_from(&mut buf)
        .expect("the guest's datagram arrives");
    assert_eq!(&buf[..n], b"ping");
    for _ in 0..3 {
        native.send_to(b"0123456789", from).unwrap();
    }
    // Nothing but the granted datagram arrived.
    native
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    assert!(
        native.recv_from(&mut buf).is_err(),
        "an ungranted or invalid sendto went out"
    );
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "recvfrom unbound: err 10022",
            "sendto: ok 4",
            "sendto ungranted: err 10013",
            "sendto v6 address on v4 socket: err 10014",
            "sendto port 0: err 10049",
            "recvfrom 4 of 10: data \"0123\" error Some(10040) sender peer",
            "recv 4 of 10: data \"0123\" error Some(10040) sender none",
            "recv peek 100: ok \"0123456789\"",
            "recv 100: ok \"0123456789\"",
            "recvfrom nothing nonblocking: err 10035",
            "closesocket: ok",
        ],
    );
}

#[test]
fn select_and_wsapoll_follow_winsock_readiness() {
    // A port with nothing listening, for the refused nonblocking connect.
    let (l, refused) = listener();
    drop(l);
    let (code, out) = run(
        "conformance",
        &["select", &refused.to_string()],
        GuestConfig::default(),
    );
    assert_eq!(code, 0, "{out}");
    assert_lines(
        &out,
        &[
            "select all empty: err 10022",
            "select closed handle: err 10038",
            "select idle listener: ok 0 read [] write [] except []",
            "select fresh socket: ok 0 read [] write [] except []",
            "nonblocking connect: err 10035",
            "select connecting: ok 1 read [] write [c] except []",
            "select listener with pending: ok 1 read [l] write [] except []",
            "connect again: err 10056",
            "select accepted, nothing sent: ok 0 read [] write [] except []",
            "select timeout 100 ms: ok 0 read [] write [] except []",
            "select after data: ok 2 read [a] write [a] except []",
            "recv: ok 1",
            "select after peer FIN: ok 1 read [a] write [] except []",
            "recv eof: ok 0",
            "nonblocking connect refused: err 10035",
            "select refused: ok 1 read [] write [] except [r]",
            "SO_ERROR: ok 10061",
            "SO_ERROR again: ok 0",
            "WSAPoll none: err 10022",
            "WSAPoll all invalid: err 10038",
            "WSAPoll writable + invalid: ok [16, 4]",
            "WSAPoll nothing to read: ok [0]",
            "WSAPoll data: ok [256]",
            "WSAPoll after peer FIN, asked only to write: ok [2]",
            "WSAPoll listener pending: ok [256]",
        ],
    );
}

#[test]
fn the_safe_crate_covers_ipv6_peek_timeouts_atmark_and_refused_nonblocking_connects() {
    let mut config = GuestConfig::default();
    let v6: winsock_host::NetRule = "::1".parse().unwrap();
    config.grants.allow_connect(v6.clone()).allow_bind(v6);
    let (code, out) = run("conformance", &["crate-surface"], config);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out,
        "listener is v6 loopback: true
accepted peer is the client: true
v6only default: Ok(true)
peek: Ok(4) \"peek\"
FIONREAD after peek: Ok(8)
at mark: Ok(true)
recv after peek: \"peekaboo\"
recv with nothing sent: Err(10060), waited >= 140 ms: true
connection still usable: Ok(1)
keepalive set/get: Ok(()) Ok(true)
IP_TTL on an IPv6 socket: Err(10042)
nodelay set/get: Ok(()) Ok(true)
broadcast set/get: Ok(()) Ok(true)
send_to over v6: Ok(8)
recv_from over v6: \"datagram\" from the sender's port: true
ttl set/get: Ok(()) Ok(42)
nonblocking connect: Err(10035)
select: in write set false, in except set true
SO_ERROR: Ok(Some(10061))
cleanup: Ok(())
"
    );
}

#[test]
fn siocatmark_is_false_exactly_while_urgent_data_waits() {
    let (guest, mut peer) = spawn_with_peer("atmark", &[], GuestConfig::default());
    let mut go = [0u8; 1];
    peer.read_exact(&mut go).unwrap();
    // 'a' is normal data, 'b' the urgent byte (Linux marks a MSG_OOB
    // send's last byte).
    peer.write_all(b"a").unwrap();
    let sock = socket2::SockRef::from(&peer);
    sock.send_out_of_band(b"b").unwrap();
    let (exit, out) = guest.finish();
    assert!(
        matches!(exit, winsock_host::command::Exit::Code(0)),
        "{out}"
    );
    assert_eq!(
        out,
        "at mark before any data: Ok(true)
at mark with urgent data waiting: Ok(false)
recv MSG_OOB: Ok(\"b\")
at mark after reading it: Ok(true)
recv normal data: \"a\"
"
    );
}

#[test]
fn keepalive_tuning_is_applied_to_the_host_socket_and_read_back() {
    let (l, port) = listener();
    let guest = spawn(
        "conformance",
        &["keepalive", &port.to_string()],
        GuestConfig::default(),
    );
    let mut peer = accept_within(&l, T).expect("guest connects");
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "set TCP_KEEPIDLE 30: ok",
            "TCP_KEEPIDLE reads Some(30)",
            // TCP_KEEPALIVE is Windows' other name for TCP_KEEPIDLE.
            "set TCP_KEEPALIVE 45: ok",
            "TCP_KEEPIDLE reads Some(45)",
            "set TCP_KEEPINTVL 5: ok",
            "TCP_KEEPINTVL reads Some(5)",
            "set TCP_KEEPCNT 4: ok",
            "TCP_KEEPCNT reads Some(4)",
            // Tuning does not switch keepalive on, as on Windows.
            "SO_KEEPALIVE still Some(0)",
            "set TCP_KEEPIDLE 0: err 10022",
            "set TCP_KEEPINTVL 0: err 10022",
            "set TCP_KEEPCNT 0: err 10022",
            "set TCP_KEEPIDLE 40000: err 10022",
            "set TCP_KEEPINTVL 0xffffffff: err 10022",
            "set TCP_KEEPCNT 128: err 10022",
            "TCP_KEEPIDLE after refusals reads Some(45)",
            "TCP_KEEPINTVL after refusals reads Some(5)",
            "TCP_KEEPCNT after refusals reads Some(4)",
            "set TCP_KEEPIDLE 2 bytes: err 10014",
            "set TCP_KEEPIDLE null: err 10014",
            "getsockopt TCP_KEEPCNT optlen=3: err 10014",
            "udp getsockopt TCP_KEEPIDLE: err 10042",
            "udp setsockopt TCP_KEEPINTVL: err 10042",
            "udp setsockopt TCP_KEEPCNT: err 10042",
            "set_keepalive_values 1500 ms, 250 ms: Ok(())",
            "crate reads keepalive Ok(true) idle Ok(2s) interval Ok(1s) count Ok(4)",
            "set_keepalive_values zero time: Err(WsaError(10022))",
            "set_keepalive_count 9: Ok(()) reads Ok(9)",
            "send after tuning: Ok(2)",
        ],
    );
    let (data, end) = read_to_end(&mut peer, T);
    assert_eq!(data, b"ka");
    assert_eq!(end, PeerEnd::Eof);
}

#[test]
fn vectored_send_gathers_and_vectored_recv_scatters() {
    let (guest, mut peer) = spawn_with_peer("vectored", &[], GuestConfig::default());
    peer.set_read_timeout(Some(T)).unwrap();
    let mut got = [0u8; 12];
    peer.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"hello world!", "the peer sees the buffers in order");
    peer.write_all(b"0123456789abcdef").unwrap();
    peer.shutdown(std::net::Shutdown::Write).unwrap();
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "send_vectored unconnected: Err(WsaError(10057))",
            "send_vectored 4 buffers: Ok(11)",
            "send_vectored 1 buffer: Ok(1)",
            "send_vectored none: Ok(0)",
            "recv_vectored: Ok(16) [\"012\", \"\", \"34567\", \"89abcdef..\"]",
            "recv_vectored at EOF: Ok(0)",
        ],
    );
    let (rest, end) = read_to_end(&mut peer, T);
    assert!(rest.is_empty(), "nothing more was sent: {rest:?}");
    assert_eq!(end, PeerEnd::Eof);
}
