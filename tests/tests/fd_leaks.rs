//! docs/teardown.md: nothing leaks. One test in its own binary (its own process), so
//! that no other test opens descriptors while it counts them.

use std::io::Read;
use std::time::Duration;
use winsock_host::command::Exit;
use winsock_tests::*;

const T: Duration = Duration::from_secs(10);

fn scenario(name: &str) {
    let (l, port) = listener();
    let guest = spawn(
        "conformance",
        &[name, &port.to_string()],
        GuestConfig::default(),
    );
    let mut peer = accept_within(&l, T).expect("guest connects");
    if name == "block-recv" {
        let mut ready = [0u8; 5];
        peer.read_exact(&mut ready).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        guest.control.teardown();
        let (exit, _) = guest.finish();
        assert!(matches!(exit, Exit::TornDown));
    } else if name == "trap" {
        let _ = guest.finish_trapped();
    } else {
        let _ = guest.finish();
    }
    let (_, end) = read_to_end(&mut peer, T);
    assert_eq!(end, PeerEnd::Reset, "{name}: the peer sees a reset");
}

/// A C guest with 20 green threads blocked in recv and main waiting on
/// them (tests/c/peers/threads_peer.c), torn down by the host (issue 12).
fn many_threads_torn_down() {
    let (l, port) = listener();
    let port = port.to_string();
    let guest = spawn(
        "c-threads-peer",
        &["many", &port, "20", "hold"],
        GuestConfig::default(),
    );
    let mut peers: Vec<_> = (0..21)
        .map(|_| accept_within(&l, T).expect("the guest connects"))
        .collect();
    let mut ready = [0u8; 5];
    peers[0].read_exact(&mut ready).unwrap();
    guest.control.teardown();
    let (exit, _) = guest.finish();
    assert!(matches!(exit, Exit::TornDown));
    for peer in &mut peers {
        let (_, end) = read_to_end(peer, T);
        assert_eq!(end, PeerEnd::Reset, "every thread's peer sees a reset");
    }
}

#[test]
fn teardown_returns_the_host_descriptor_count_to_its_baseline() {
    // Warm up: compile the guest, start the runtime pieces that stay.
    scenario("return-without-cleanup");
    many_threads_torn_down();
    let baseline = open_fds();
    for _ in 0..3 {
        for name in [
            "return-without-cleanup",
            "trap",
            "block-recv",
            "cleanup-resets",
            "nested-cleanup",
        ] {
            scenario(name);
        }
        many_threads_torn_down();
    }
    // Give closing threads' runtimes a moment to go.
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(open_fds(), baseline, "descriptors leaked");
}
