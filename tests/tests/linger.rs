//! docs/linger.md: closesocket under each linger mode, as the native peer sees it.

use std::io::{Read, Write};
use std::time::Duration;
use winsock_tests::*;

const T: Duration = Duration::from_secs(10);

fn number_after(out: &str, prefix: &str) -> u128 {
    out.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {prefix:?} line in:\n{out}"))
}

#[test]
fn default_close_delivers_queued_data_then_eof() {
    let (l, port) = listener();
    let size = 4 << 20;
    let guest = spawn(
        "conformance",
        &["default-close", &port.to_string(), &size.to_string()],
        GuestConfig::default(),
    );
    let mut peer = accept_within(&l, T).expect("guest connects");
    // A slow reader: much of the data is still queued when the guest closes.
    let reader = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        read_to_end(&mut peer, T)
    });
    let line = guest.wait_for_line("closesocket:", T);
    assert_eq!(line, "closesocket: ok");
    let (data, end) = reader.join().unwrap();
    assert_eq!(data.len(), size);
    assert!(
        data.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8),
        "data intact"
    );
    assert_eq!(end, PeerEnd::Eof);
    let (_, out) = guest.finish();
    assert_lines(&out, &["closesocket: ok", "closesocket again: err 10038"]);
}

#[test]
fn linger_1_0_gives_the_peer_a_reset() {
    let (guest, mut peer) = spawn_with_peer("abortive-close", &[], GuestConfig::default());
    guest.wait_for_line("closesocket:", T);
    let (_, end) = read_to_end(&mut peer, T);
    assert_eq!(end, PeerEnd::Reset);
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &["send: ok 7", "SO_LINGER {1,0}: ok", "closesocket: ok"],
    );
}

#[test]
fn linger_1_n_blocking_waits_for_the_peer_to_drain() {
    let (guest, mut peer) = spawn_with_peer("linger-drain", &["5"], GuestConfig::default());
    guest.wait_for_line("queued ", T);
    // The guest is now blocked in closesocket; drain after a pause.
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        !guest.stdout().contains("closesocket:"),
        "closesocket returned before the data was read"
    );
    let (data, end) = read_to_end(&mut peer, T);
    let (_, out) = guest.finish();
    assert_lines(&out, &["closesocket: ok", "handle after close: err 10038"]);
    assert_eq!(
        data.len() as u128,
        number_after(&out, "queued "),
        "every queued byte arrived"
    );
    assert_eq!(end, PeerEnd::Eof, "a graceful close after the drain");
    let took = number_after(&out, "closesocket took ");
    assert!((350..5000).contains(&took), "closesocket took {took} ms");
}

#[test]
fn linger_1_n_blocking_resets_after_n_seconds_when_the_peer_never_reads() {
    let (guest, mut peer) = spawn_with_peer("linger-drain", &["1"], GuestConfig::default());
    let (_, out) = guest.finish();
    assert_lines(&out, &["closesocket: ok", "handle after close: err 10038"]);
    let took = number_after(&out, "closesocket took ");
    assert!(
        (900..2500).contains(&took),
        "closesocket took {took} ms, expected about 1 s"
    );
    let (data, end) = read_to_end(&mut peer, T);
    assert_eq!(end, PeerEnd::Reset, "after {} bytes", data.len());
    assert!(
        (data.len() as u128) < number_after(&out, "queued "),
        "unsent data was dropped"
    );
}

#[test]
fn linger_1_n_nonblocking_with_unsent_data_is_wsaewouldblock_and_the_handle_still_works() {
    let (guest, mut peer) = spawn_with_peer("linger-nonblocking", &[], GuestConfig::default());
    guest.wait_for_line("handle still valid", T);
    // Nothing was started: the peer drains every byte and then sees neither
    // FIN nor RST.
    let (data, end) = read_to_end(&mut peer, Duration::from_millis(300));
    assert_eq!(end, PeerEnd::Silent, "no FIN or RST after WSAEWOULDBLOCK");
    peer.write_all(b"go").unwrap();
    let (_, out) = guest.finish();
    assert_eq!(data.len() as u128, number_after(&out, "queued "));
    assert_lines(
        &out,
        &[
            "nonblocking closesocket: err 10035",
            "handle still valid: ok [1, 0, 5, 0]",
            "recv go: ok \"go\"",
            "closesocket after drain: ok",
        ],
    );
    let mut rest = Vec::new();
    peer.set_read_timeout(Some(T)).unwrap();
    assert_eq!(
        peer.read_to_end(&mut rest).unwrap(),
        0,
        "then a graceful FIN"
    );
}

#[test]
fn the_host_clamps_l_linger_to_its_maximum() {
    let (l, port) = listener();
    let config = GuestConfig {
        limits: winsock_host::Limits {
            max_linger: Duration::from_secs(1),
            ..Default::default()
        },
        ..GuestConfig::default()
    };
    // l_linger 30 s, clamped to 1 s; the peer never reads.
    let guest = spawn(
        "conformance",
        &["linger-drain", &port.to_string(), "30"],
        config,
    );
    let mut peer = accept_within(&l, T).expect("guest connects");
    let (_, out) = guest.finish();
    let took = number_after(&out, "closesocket took ");
    assert!(
        (900..2500).contains(&took),
        "closesocket took {took} ms, expected about 1 s"
    );
    let (_, end) = read_to_end(&mut peer, T);
    assert_eq!(end, PeerEnd::Reset);
}
