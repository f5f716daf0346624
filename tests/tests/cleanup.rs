//! docs/lifecycle.md-2: the final cleanup and instance teardown reset every socket,
//! cancel blocked calls, and the native peer sees the reset.

use std::io::Read;
use std::time::{Duration, Instant};
use winsock_host::command::Exit;
use winsock_tests::*;

const T: Duration = Duration::from_secs(10);

#[test]
fn final_cleanup_resets_open_sockets() {
    let (guest, mut peer) = spawn_with_peer("cleanup-resets", &[], GuestConfig::default());
    let (data, end) = read_to_end(&mut peer, T);
    assert_eq!(data, b"hello", "the data sent before the cleanup arrives");
    assert_eq!(end, PeerEnd::Reset, "the peer sees a reset, not a FIN");
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "send: ok 5",
            "final cleanup: ok",
            "send after final cleanup: err 10093",
        ],
    );
}

#[test]
fn nested_cleanup_keeps_sockets_up() {
    let (guest, mut peer) = spawn_with_peer("nested-cleanup", &[], GuestConfig::default());
    let (data, end) = read_to_end(&mut peer, T);
    assert_eq!(
        data, b"ab",
        "the socket kept working after the non-final cleanup"
    );
    assert_eq!(end, PeerEnd::Reset);
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "send a: ok 1",
            "cleanup (count 2 -> 1): ok",
            "send b: ok 1",
            "final cleanup: ok",
        ],
    );
}

#[test]
fn returning_from_main_without_cleanup_resets() {
    let (guest, mut peer) = spawn_with_peer("return-without-cleanup", &[], GuestConfig::default());
    let (data, end) = read_to_end(&mut peer, T);
    assert_eq!(data, b"bye");
    assert_eq!(end, PeerEnd::Reset);
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}");
    assert_lines(&out, &["returning from main"]);
}

#[test]
fn trapping_guest_resets() {
    let (guest, mut peer) = spawn_with_peer("trap", &[], GuestConfig::default());
    let (data, end) = read_to_end(&mut peer, T);
    assert_eq!(data, b"boom");
    assert_eq!(end, PeerEnd::Reset);
    let (err, out) = guest.finish_trapped();
    assert!(format!("{err:?}").contains("unreachable"), "{err:?}");
    assert_lines(&out, &["trapping"]);
}

#[test]
fn host_cleanup_wakes_blocked_recv_with_wsaeintr_within_100ms() {
    let (guest, mut peer) = spawn_with_peer("block-recv", &[], GuestConfig::default());
    let mut ready = [0u8; 5];
    peer.read_exact(&mut ready).unwrap();
    assert_eq!(&ready, b"ready");
    // Let the guest settle into its blocking recv.
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !guest.stdout().contains("blocking recv"),
        "recv returned early"
    );

    let start = Instant::now();
    guest.control.cleanup();
    let line = guest.wait_for_line("blocking recv", Duration::from_secs(2));
    let woke = start.elapsed();
    assert_eq!(line, "blocking recv: err 10004");
    assert!(
        woke < Duration::from_millis(100),
        "guest woke after {woke:?}"
    );
    let (_, end) = read_to_end(&mut peer, T);
    assert_eq!(end, PeerEnd::Reset);
    let (_, out) = guest.finish();
    assert_lines(&out, &["socket after host cleanup: err 10093"]);
}

#[test]
fn host_teardown_stops_a_blocked_guest_and_resets() {
    let (guest, mut peer) = spawn_with_peer("block-recv", &[], GuestConfig::default());
    let mut ready = [0u8; 5];
    peer.read_exact(&mut ready).unwrap();
    std::thread::sleep(Duration::from_millis(100));

    let start = Instant::now();
    guest.control.teardown();
    let (_, end) = read_to_end(&mut peer, T);
    assert_eq!(end, PeerEnd::Reset);
    let (exit, out) = guest.finish();
    assert!(
        start.elapsed() < Duration::from_millis(100),
        "teardown took {:?}",
        start.elapsed()
    );
    assert!(matches!(exit, Exit::TornDown), "{exit:?}");
    assert!(
        !out.contains("socket after host cleanup"),
        "the guest went on after teardown:\n{out}"
    );
}

#[test]
fn dropping_the_store_of_a_blocked_guest_resets_its_sockets() {
    let (l, port) = listener();
    let peer = std::thread::spawn(move || {
        let mut peer = accept_within(&l, T).expect("guest connects");
        let mut ready = [0u8; 5];
        peer.read_exact(&mut ready).unwrap();
        read_to_end(&mut peer, T)
    });
    // An embedder that gives up on the guest: the future that owns the Store
    // is dropped while the guest is blocked in recv.
    let component = component("conformance");
    let mut wasi = wasmtime_wasi::WasiCtx::builder();
    wasi.args(&["conformance", "block-recv", &port.to_string()]);
    let winsock = winsock_host::WinsockCtx::builder()
        .grants(GuestConfig::default().grants)
        .build();
    let control = winsock.control();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcome = rt.block_on(async {
        tokio::time::timeout(
            Duration::from_millis(500),
            runner().run(&component, wasi.build(), winsock),
        )
        .await
    });
    assert!(
        outcome.is_err(),
        "the guest was still blocked when its store was dropped"
    );
    assert_eq!(control.socket_count(), 0, "every socket was released");
    let (_, end) = peer.join().unwrap();
    assert_eq!(end, PeerEnd::Reset);
}
