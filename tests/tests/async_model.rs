//! The Rust crate's asynchronous model (docs/async.md, issue 11): events and
//! waits, WSAEventSelect with WSAEnumNetworkEvents, overlapped operations
//! that own their buffers, and what cancellation, closesocket and the
//! final cleanup do to them. Each test runs a conformance scenario
//! (tests/guests/conformance/src/async_model.rs) against a native peer on
//! 127.0.0.1 and checks both the guest's observations and the peer's.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;
use winsock_tests::*;

const T: Duration = Duration::from_secs(10);

fn reset(s: TcpStream) {
    socket2::SockRef::from(&s)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(s);
}

#[test]
fn events_wait_any_all_timeout_and_refuse_a_deadlock() {
    let (code, out) = run("conformance", &["async-events"], GuestConfig::default());
    assert_eq!(code, 0, "{out}");
    assert_lines(
        &out,
        &[
            "new: manual true set false",
            "manual wait: Ok(Signalled(0))",
            "manual still set: true",
            "manual after reset: false",
            "auto wait: Ok(Signalled(0))",
            "auto after its wait: false",
            "any, lowest index: Ok(Signalled(1))",
            "all with one unset: Ok(TimedOut), slept >= 110 ms: true",
            "all set: Ok(Signalled(0))",
            // ERROR_POSSIBLE_DEADLOCK instead of a hang, as the C library.
            "forever on what nothing can set: Err(1131)",
            "last error after it: 1131",
            "no events: Err(87)",
            "same event twice in wait-all: Err(87)",
        ],
    );
}

#[test]
fn event_select_records_data_once_per_recv_and_a_graceful_close() {
    let (guest, mut peer) = spawn_with_peer("async-select-data", &[], GuestConfig::default());
    guest.wait_for_line("ready for data", T);
    peer.write_all(b"hello").unwrap();
    guest.wait_for_line("ready for close", T);
    peer.shutdown(Shutdown::Write).unwrap();
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "event_select: Ok(())",
            // A connected socket can send: FD_WRITE at once.
            "event set at once: true",
            "connected socket: FD_WRITE",
            "event after enum: false",
            "set_nonblocking(false): Err(10022)",
            "recv with nothing: Err(10035)",
            "data: wait Ok(Signalled(0))",
            "data: FD_READ read 0 close 0",
            // Not recorded again until a recv re-enables it.
            "again before recv: 0",
            "recv 2: \"he\"",
            "after a partial recv: FD_READ",
            "recv rest: \"llo\"",
            "after reading all: 0",
            "close: wait Ok(Signalled(0))",
            "close: FD_CLOSE read 0 close 0",
            // FD_CLOSE happens once.
            "after the close: 0",
            "clear_event_select: Ok(()), set_nonblocking(false): Ok(())",
        ],
    );
    let (rest, end) = read_to_end(&mut peer, T);
    assert!(rest.is_empty(), "{rest:?}");
    assert_eq!(end, PeerEnd::Eof);
}

#[test]
fn event_select_accept_is_inherited_and_a_reset_is_fd_close_10054() {
    let guest = spawn(
        "conformance",
        &["async-select-accept"],
        GuestConfig::default(),
    );
    let line = guest.wait_for_line("listening on ", T);
    let port: u16 = line["listening on ".len()..].parse().unwrap();
    let mut peer = TcpStream::connect(("127.0.0.1", port)).unwrap();
    peer.write_all(b"hi").unwrap();
    guest.wait_for_line("ready for reset", T);
    reset(peer);
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "event_select: Ok(())",
            "listener idle: 0",
            "connection: wait Ok(Signalled(0))",
            "connection: FD_ACCEPT read 0 close 0",
            "listener after accept: 0",
            // The accepted socket has the listener's selection.
            "accepted set_nonblocking(false): Err(10022)",
            "accepted socket saw: FD_READ | FD_WRITE",
            "accepted recv: \"hi\"",
            "reset: wait Ok(Signalled(0))",
            "reset: FD_CLOSE read 0 close 10054",
            "recv after reset: Err(10054)",
        ],
    );
}

#[test]
fn overlapped_recvs_complete_when_the_peer_sends_in_issue_order() {
    let (guest, mut peer) = spawn_with_peer("async-overlapped-recv", &[], GuestConfig::default());
    guest.wait_for_line("ready for data", T);
    peer.write_all(b"abc").unwrap();
    guest.wait_for_line("ready for two", T);
    peer.write_all(b"12345678queued").unwrap();
    guest.wait_for_line("ready for close", T);
    peer.shutdown(Shutdown::Write).unwrap();
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "pending: complete false event false result Err(996)",
            "last error: 996",
            "wait: Ok(Signalled(0))",
            "result: Ok(\"abc\")",
            "two pending: true true",
            "wait all: Ok(Signalled(0))",
            "first: Ok(\"1234\")",
            "second: Ok(\"5678\")",
            "with data queued: complete true event true result Ok(\"queued\")",
            "at the peer's close: Ok(0)",
        ],
    );
}

#[test]
fn overlapped_sends_reach_the_peer_byte_exact_and_in_order() {
    let (guest, mut peer) = spawn_with_peer("async-overlapped-send", &[], GuestConfig::default());
    guest.wait_for_line("ready to read", T);
    let mut got = vec![0u8; 16 + (16 << 20) + 5];
    peer.set_read_timeout(Some(T)).unwrap();
    peer.read_exact(&mut got).unwrap();
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "small: event true result Ok((16, 16))",
            "big pending: true tail pending: true",
            "wait all: Ok(Signalled(0))",
            "big: Ok((16777216, 16777216))",
            "tail: Ok((5, 5))",
        ],
    );
    assert_eq!(&got[..16], b"overlapped send|");
    let big = &got[16..16 + (16 << 20)];
    assert!(
        big.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8),
        "the big send arrived byte-exact"
    );
    assert_eq!(&got[16 + (16 << 20)..], b"|tail");
    let (rest, end) = read_to_end(&mut peer, T);
    assert!(rest.is_empty());
    assert_eq!(end, PeerEnd::Eof);
}

#[test]
fn dropping_a_pending_overlapped_recv_cancels_it() {
    let (guest, mut peer) = spawn_with_peer("async-overlapped-cancel", &[], GuestConfig::default());
    guest.wait_for_line("ready for data", T);
    peer.write_all(b"after").unwrap();
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "pending: true",
            // CancelIoEx completes it (aborted) and sets its event.
            "dropped: event true",
            "cancel: Ok(())",
            "result: Err(995)",
            "cancel again: Err(1168)",
            "buffer back: 8",
            // The cancelled operations took nothing.
            "plain recv gets it all: \"after\"",
        ],
    );
    let (_, end) = read_to_end(&mut peer, T);
    assert_eq!(end, PeerEnd::Eof);
}

#[test]
fn closesocket_aborts_pending_operations_and_sets_their_events() {
    let (guest, mut peer) = spawn_with_peer("async-overlapped-close", &[], GuestConfig::default());
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "pending: true event false",
            "close: Ok(())",
            "after close: complete true event true result Err(995)",
            "issue on the closed handle: Err(10038)",
        ],
    );
    let (_, end) = read_to_end(&mut peer, T);
    assert_eq!(end, PeerEnd::Eof, "a default close is graceful");
}

#[test]
fn final_cleanup_aborts_pending_operations_without_setting_events() {
    let (guest, mut peer) =
        spawn_with_peer("async-overlapped-cleanup", &[], GuestConfig::default());
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "pending: true event false",
            "final cleanup: Ok(())",
            "after cleanup: complete true event false select event false result Err(995)",
            // Nothing can set it any more.
            "wait on it: Err(1131)",
        ],
    );
    let (_, end) = read_to_end(&mut peer, T);
    assert_eq!(end, PeerEnd::Reset, "the final cleanup resets the socket");
}

#[test]
fn host_cleanup_ends_a_wait_with_wsaeintr_and_aborts_silently() {
    let (guest, mut peer) = spawn_with_peer("async-host-cleanup", &[], GuestConfig::default());
    guest.wait_for_line("waiting", T);
    std::thread::sleep(Duration::from_millis(50));
    let started = std::time::Instant::now();
    guest.control.cleanup();
    guest.wait_for_line("wait on the operation", T);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "the wait ended promptly"
    );
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "wait on the operation: Err(10004)",
            "after: complete true event false result Err(995)",
            "timed wait afterwards: Ok(TimedOut)",
        ],
    );
    let (_, end) = read_to_end(&mut peer, T);
    assert_eq!(end, PeerEnd::Reset);
}

#[test]
fn event_select_reports_a_nonblocking_connect_and_its_failure() {
    let refused = {
        let (l, port) = listener();
        drop(l);
        port.to_string()
    };
    let (guest, peer) =
        spawn_with_peer("async-select-connect", &[&refused], GuestConfig::default());
    let (_, out) = guest.finish();
    drop(peer);
    assert_lines(
        &out,
        &[
            "to the peer: event_select Ok(())",
            "to the peer: before connect: 0",
            "to the peer: connect Err(10035)",
            "to the peer: FD_WRITE | FD_CONNECT connect error Some(0)",
            "refused: event_select Ok(())",
            "refused: before connect: 0",
            "refused: connect Err(10035)",
            "refused: FD_CONNECT connect error Some(10061)",
        ],
    );
}
