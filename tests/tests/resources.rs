//! Issue 5, resource attacks: a guest asking for a giant recv, a giant
//! send, thousands of pending connects, and select/WSAPoll over tens of
//! thousands of entries gets WSA codes or partial results, and the host's
//! memory stays bounded by the configured limits. (One test in this binary,
//! so the process's peak memory is this scenario's.)

use std::io::Write;
use std::time::Duration;
use winsock_host::Limits;
use winsock_host::command::Exit;
use winsock_tests::*;

const T: Duration = Duration::from_secs(20);

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn a_greedy_guest_gets_codes_and_partial_results_and_host_memory_stays_bounded() {
    // Warm the engine and the guest's compiled code first: only the
    // scenario's own growth is measured.
    let _ = component("conformance");
    let before = peak_rss_kib();

    let (l, port) = listener();
    let config = GuestConfig {
        limits: Limits {
            max_sockets: 1000,
            max_memory: 64 << 20,
            ..Limits::default()
        },
        ..GuestConfig::default()
    };
    let guest = spawn("conformance", &["hog", &port.to_string()], config);
    // Connection 1: 8 MiB for the giant recv.
    let mut s = accept_within(&l, T).expect("connection 1");
    s.write_all(&vec![5u8; 8 << 20]).unwrap();
    drop(s);
    // Connection 2: never read, so the 16 MiB send is partial.
    let _stalled = accept_within(&l, T).expect("connection 2");
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
    let grown_mib = (peak_rss_kib() - before) / 1024;
    assert_eq!(
        out,
        "giant recv: 8388608 bytes, largest single recv <= 1 MiB: true
512 MiB buffer: refused by the memory limit
16 MiB send: partial, at most 1 MiB: true
connect flood: 1000 sockets, then 10024
select over 70000 entries: err 10055
select over 61000 entries: ok
WSAPoll over 70000 entries: err 10055
WSAPoll over 60000 entries: ok 60000
cleanup: ok
"
    );
    eprintln!("host peak resident memory grew {grown_mib} MiB (guest memory limit 64 MiB)");
    // The guest's own memory (at most 64 MiB), one call's copy of a send
    // buffer that lives in it (at most 64 MiB), and 1000 sockets' state.
    assert!(grown_mib < 192, "host peak memory grew {grown_mib} MiB");
}
