//! Legacy C programs compiled by winsock-cc (tests/c/build.sh) and run as
//! components: the conformance programs against their expected output
//! (written from docs/, tests/c/conformance/*.expected), the C examples
//! against native clients and servers, and winsock-cc's own behaviour.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use winsock_host::command::Exit;
use winsock_host::{Grants, LookupGrant, NetRule};
use winsock_tests::*;

const T: Duration = Duration::from_secs(10);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What every conformance program runs with: loopback (v4 and v6) for
/// connect and bind, and lookups of "localhost" only.
fn conformance_config() -> GuestConfig {
    let mut grants = Grants::deny_all();
    for rule in ["127.0.0.1", "::1"] {
        let rule: NetRule = rule.parse().unwrap();
        grants.allow_connect(rule.clone()).allow_bind(rule);
    }
    grants.allow_lookup(LookupGrant::Names(vec!["localhost".into()]));
    GuestConfig {
        grants,
        ..GuestConfig::default()
    }
}

/// Runs `tests/c/conformance/NAME.c` (built as `c-NAME`) and compares its
/// whole output with `NAME.expected`. `peer` starts the native peer a
/// program talks to and gives the program's arguments (its port).
fn conformance(name: &str, peer: Option<fn() -> Vec<String>>) {
    let expected_path = repo().join(format!("tests/c/conformance/{name}.expected"));
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
    let args = peer.map(|start| start()).unwrap_or_default();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out) = run(&format!("c-{name}"), &args, conformance_config());
    if out != expected {
        let mut report = String::new();
        let (exp, got): (Vec<_>, Vec<_>) = (expected.lines().collect(), out.lines().collect());
        for i in 0..exp.len().max(got.len()) {
            let (e, g) = (exp.get(i).copied(), got.get(i).copied());
            if e != g {
                report += &format!(
                    "line {}:\n  expected {:?}\n  got      {:?}\n",
                    i + 1,
                    e.unwrap_or("<none>"),
                    g.unwrap_or("<none>")
                );
            }
        }
        panic!(
            "{name}: output differs from {}\n{report}",
            expected_path.display()
        );
    }
    assert_eq!(code, 0, "{name} exit code");
}

macro_rules! conformance_tests {
    ($($name:ident $(with $peer:ident)?),* $(,)?) => {
        $(#[test] fn $name() {
            let peer: Option<fn() -> Vec<String>> = None $(.or(Some($peer)))?;
            conformance(stringify!($name), peer);
        })*

        /// Every program in tests/c/conformance has a test above.
        #[test]
        fn every_conformance_program_is_tested() {
            let listed = [$(stringify!($name)),*];
            for entry in std::fs::read_dir(repo().join("tests/c/conformance")).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "c") {
                    let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
                    assert!(listed.contains(&stem.as_str()), "{stem}.c has no test in c_guests.rs");
                    assert!(path.with_extension("expected").exists(), "{stem}.c has no .expected");
                }
            }
        }
    };
}

// NAME_2 programs derive the same rules a second time, by another author
// working only from the behaviour contract (docs/) and Microsoft's documentation (a cross-check on
// the first set's reading).
conformance_tests!(
    constants,
    lifecycle,
    handles,
    tcp,
    options,
    nonblocking,
    select,
    poll,
    udp,
    ipv6,
    lookup,
    shutdown,
    constants_2,
    lifecycle_2,
    handles_2,
    tcp_2,
    options_2,
    nonblocking_2,
    select_2,
    poll_2,
    udp_2,
    ipv6_2,
    lookup_2,
    shutdown_2,
    timeouts_2,
    winsock2_calls,
    win32_headers,
    events,
    event_select,
    blocking_hooks,
    overlapped,
    threads,
    waitall with waitall_peer,
);

/// waitall.c's native peer: each time the program says "r", 20 bytes in
/// four pieces of 5 with pauses between them (a recv without MSG_WAITALL
/// would return the first piece alone); on "g", 7 bytes and a graceful
/// close.
fn waitall_peer() -> Vec<String> {
    let (l, port) = listener();
    std::thread::spawn(move || {
        let Ok((mut c, _)) = l.accept() else { return };
        let mut said = [0u8; 1];
        while c.read_exact(&mut said).is_ok() && said[0] == b'r' {
            for piece in [b"abcde", b"fghij", b"klmno", b"pqrst"] {
                if c.write_all(piece).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(30));
            }
        }
        let _ = c.write_all(b"uvwxyz!");
        let _ = c.shutdown(Shutdown::Write);
        // Held open until the program closes its end.
        let _ = c.read(&mut [0u8; 1]);
    });
    vec![port.to_string()]
}

// --- Pending overlapped operations against a native peer (docs/async.md): the
// final WSACleanup, a host-triggered cleanup and a teardown abort them with
// WSA_OPERATION_ABORTED, set no event, run no routine, and reset the peer.

/// Starts tests/c/peers/overlapped_peer.c in `mode` connected to a native
/// peer; returns once the guest has its two receives pending.
fn overlapped_peer(mode: &str) -> (RunningGuest, TcpStream) {
    let (l, port) = listener();
    let port = port.to_string();
    let guest = spawn("c-overlapped-peer", &[mode, &port], GuestConfig::default());
    let mut peer = accept_within(&l, T).expect("the guest connects");
    let mut ready = [0u8; 5];
    peer.read_exact(&mut ready).unwrap();
    assert_eq!(&ready, b"ready");
    (guest, peer)
}

const OVERLAPPED_PENDING: [&str; 2] = ["recv with an event: -1 997", "recv with a routine: -1 997"];
const OVERLAPPED_ABORTED_SILENTLY: [&str; 4] = [
    "event not set: 1",
    "aborted: 995 995",
    "alertable wait: 0, routine calls 0",
    "socket after cleanup: err 10093",
];

#[test]
fn overlapped_receives_complete_in_order_when_the_native_peer_sends() {
    let (guest, mut peer) = overlapped_peer("result");
    // The guest waits in WSAGetOverlappedResult(fWait TRUE) meanwhile.
    std::thread::sleep(Duration::from_millis(200));
    assert!(!guest.stdout().contains("result:"), "the wait ended early");
    peer.write_all(b"late").unwrap();
    let line = guest.wait_for_line("result:", T);
    assert_eq!(line, "result: 1 0, bytes 4, late");
    // The second receive (with a completion routine) gets the next bytes.
    peer.write_all(b"next").unwrap();
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
    assert_lines(
        &out,
        &["event set: 1", "alertable wait: 0xc0, routine calls 1"],
    );
}

#[test]
fn final_cleanup_aborts_overlapped_operations_silently_and_resets_the_peer() {
    let (guest, mut peer) = overlapped_peer("cleanup");
    let (_, end) = read_to_end(&mut peer, T);
    assert_eq!(end, PeerEnd::Reset);
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
    let mut lines = OVERLAPPED_PENDING.to_vec();
    lines.push("WSACleanup: 0");
    lines.extend(OVERLAPPED_ABORTED_SILENTLY);
    assert_lines(&out, &lines);
}

#[test]
fn host_cleanup_during_an_alertable_wait_aborts_overlapped_operations_silently() {
    host_cleanup_ends_a_wait("wait");
}

#[test]
fn host_cleanup_ends_a_wait_on_events_no_socket_can_set() {
    host_cleanup_ends_a_wait("event-wait");
}

fn host_cleanup_ends_a_wait(mode: &str) {
    let (guest, mut peer) = overlapped_peer(mode);
    std::thread::sleep(Duration::from_millis(200));
    assert!(!guest.stdout().contains("wait:"), "the wait ended early");
    let start = std::time::Instant::now();
    guest.control.cleanup();
    guest.wait_for_line("wait:", Duration::from_secs(2));
    assert!(
        start.elapsed() < Duration::from_millis(100),
        "the wait ended {:?} after the host cleanup",
        start.elapsed()
    );
    let (_, end) = read_to_end(&mut peer, T);
    assert_eq!(end, PeerEnd::Reset);
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
    let mut lines = OVERLAPPED_PENDING.to_vec();
    lines.push("wait: 0xffffffff 10004");
    lines.extend(OVERLAPPED_ABORTED_SILENTLY);
    assert_lines(&out, &lines);
}

#[test]
fn host_teardown_during_an_alertable_wait_resets_the_peer() {
    let (guest, mut peer) = overlapped_peer("wait");
    std::thread::sleep(Duration::from_millis(100));
    guest.control.teardown();
    let (_, end) = read_to_end(&mut peer, T);
    assert_eq!(end, PeerEnd::Reset);
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::TornDown), "{exit:?}");
    assert!(
        !out.contains("wait:"),
        "the guest went on after teardown:\n{out}"
    );
}

// --- Threads (issue 12; docs/async.md): cooperative green threads, blocking
// calls that park only their thread, and what closesocket, the final
// WSACleanup and the host do to threads blocked in Winsock calls. ---

#[test]
fn c_thread_server_serves_50_concurrent_native_clients() {
    let guest = spawn(
        "c-thread-server",
        &["127.0.0.1", "0", "--max-clients", "50"],
        GuestConfig::default(),
    );
    let line = guest.wait_for_line("listening on ", T);
    let addr = line.trim_start_matches("listening on ").trim().to_string();
    // Fifty clients at once, each sending in two halves with a pause
    // between: the server's threads are all blocked in recv together.
    let clients: Vec<_> = (0..50u32)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut c = TcpStream::connect(&addr).unwrap();
                let msg: Vec<u8> = (0..40_000u32)
                    .map(|b| (b.wrapping_mul(i + 3) ^ i) as u8)
                    .collect();
                c.write_all(&msg[..20_000]).unwrap();
                std::thread::sleep(Duration::from_millis(200));
                c.write_all(&msg[20_000..]).unwrap();
                c.shutdown(Shutdown::Write).unwrap();
                let (back, end) = read_to_end(&mut c, T);
                assert!(
                    back == msg,
                    "client {i} got {} bytes back, not its 40000",
                    back.len()
                );
                assert_eq!(end, PeerEnd::Eof);
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
    let stats = out
        .lines()
        .find(|l| l.starts_with("served "))
        .unwrap_or_else(|| panic!("no statistics:\n{out}"));
    assert!(
        stats.starts_with("served 50 clients, 2000000 bytes, at most "),
        "{stats}"
    );
    let most: u32 = stats
        .rsplit("at most ")
        .next()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        most > 10,
        "only {most} clients were served at once: {stats}"
    );
}

/// Starts tests/c/peers/threads_peer.c in `mode` against native peers;
/// returns once its threads are blocked ("ready" on the first connection).
fn threads_peer(mode: &str, extra: &[&str], connections: usize) -> (RunningGuest, Vec<TcpStream>) {
    let (l, port) = listener();
    let port = port.to_string();
    let mut args = vec![mode, port.as_str()];
    args.extend_from_slice(extra);
    let guest = spawn("c-threads-peer", &args, conformance_config());
    let peers: Vec<TcpStream> = (0..connections)
        .map(|_| accept_within(&l, T).expect("the guest connects"))
        .collect();
    let mut ready = [0u8; 5];
    (&peers[0]).read_exact(&mut ready).unwrap();
    assert_eq!(&ready, b"ready");
    (guest, peers)
}

#[test]
fn closesocket_from_another_thread_ends_a_blocked_recv_with_wsaeintr() {
    let (guest, mut peers) = threads_peer("close-recv", &[], 1);
    let (_, end) = read_to_end(&mut peers[0], T);
    assert_eq!(end, PeerEnd::Eof, "a graceful close");
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
    assert_lines(
        &out,
        &[
            "ready",
            "closesocket from main: 0",
            "recv: -1 10004",
            "thread ended: 0",
        ],
    );
}

#[test]
fn final_cleanup_ends_blocked_accept_recv_and_event_wait_in_other_threads() {
    let (guest, mut peers) = threads_peer("cleanup", &[], 2);
    for peer in &mut peers {
        let (_, end) = read_to_end(peer, T);
        assert_eq!(end, PeerEnd::Reset);
    }
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
    assert_lines(&out, &["ready", "WSACleanup: 0"]);
    for line in [
        "accept: -1 10004",
        "recv: -1 10004",
        "wait: 0xffffffff 10004",
        "threads ended: 0",
    ] {
        assert!(out.lines().any(|l| l == line), "no {line:?} in:\n{out}");
    }
}

#[test]
fn select_and_wsapoll_without_timeout_park_only_their_thread() {
    let (guest, mut peers) = threads_peer("select-poll", &[], 2);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!guest.stdout().contains("select:"), "select ended early");
    for peer in &mut peers {
        peer.write_all(b"data").unwrap();
    }
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
    for line in [
        "select: 1 1",
        "poll: 1 0x100",
        "main ran while they waited: 1",
    ] {
        assert!(out.lines().any(|l| l == line), "no {line:?} in:\n{out}");
    }
}

#[test]
fn exitthread_in_main_lets_the_last_thread_end_the_program_with_its_code() {
    let (guest, _peers) = threads_peer("exit-main", &[], 1);
    let (exit, out) = guest.finish();
    // Main's ExitThread(3) would make it 1 (wasi:cli's exit keeps only
    // success or failure); the last thread's 0 makes it 0.
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
    assert_lines(
        &out,
        &["ready", "main calls ExitThread", "last thread ends"],
    );
}

#[test]
fn wsagetoverlappedresult_waiting_parks_only_its_thread() {
    let (guest, mut peers) = threads_peer("result-wait", &[], 1);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !guest.stdout().contains("A result:"),
        "the wait ended early"
    );
    peers[0].write_all(b"data").unwrap();
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
    assert_lines(&out, &["A WSARecv: -1 997", "A result: 1, bytes 4"]);
    assert!(
        out.lines().any(|l| l == "main ran while A waited: 1"),
        "{out}"
    );
}

#[test]
fn a_completion_routine_runs_in_the_thread_that_issued_the_operation() {
    let (guest, mut peers) = threads_peer("apc", &[], 1);
    std::thread::sleep(Duration::from_millis(200));
    peers[0].write_all(b"data").unwrap();
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
    assert_lines(
        &out,
        &[
            "A WSARecv: -1 997",
            "A SleepEx: 0xc0, routine ran in A: 1",
            "main's alertable sleeps ran routines: 0, routine runs: 1",
        ],
    );
}

#[test]
fn host_teardown_resets_the_peers_of_many_blocked_threads() {
    let (guest, mut peers) = threads_peer("many", &["20", "hold"], 21);
    assert_eq!(guest.control.socket_count(), 21);
    guest.control.teardown();
    for peer in &mut peers {
        let (_, end) = read_to_end(peer, T);
        assert_eq!(end, PeerEnd::Reset);
    }
    // The host holds none of the 21 sockets any more (the process-wide
    // descriptor count is tests/tests/fd_leaks.rs's to check).
    assert_eq!(guest.control.socket_count(), 0);
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::TornDown), "{exit:?}\n{out}");
}

#[test]
fn host_cleanup_ends_every_blocked_thread_with_wsaeintr() {
    let (guest, mut peers) = threads_peer("many", &["20"], 21);
    // "ready" comes before the threads first run: let them all settle into
    // their blocking recv (a call made after the cleanup is WSANOTINITIALISED).
    std::thread::sleep(Duration::from_millis(200));
    guest.control.cleanup();
    for peer in &mut peers {
        let (_, end) = read_to_end(peer, T);
        assert_eq!(end, PeerEnd::Reset);
    }
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
    let interrupted = out.lines().filter(|l| *l == "recv: -1 10004").count();
    assert_eq!(interrupted, 20, "{out}");
    assert_lines(&out, &["main's wait: 0xffffffff 10004", "threads ended: 0"]);
}

#[test]
fn host_teardown_ends_a_thread_that_computes_without_calls() {
    let (guest, mut peers) = threads_peer("spin", &[], 1);
    // The spinning thread never gives main its turn back.
    std::thread::sleep(Duration::from_millis(200));
    assert!(!guest.stdout().contains("main ran again"));
    let start = std::time::Instant::now();
    guest.control.teardown();
    let (_, end) = read_to_end(&mut peers[0], T);
    assert_eq!(end, PeerEnd::Reset);
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::TornDown), "{exit:?}\n{out}");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "teardown took {:?}",
        start.elapsed()
    );
}

// --- Header hygiene (issue 10): each header legacy code includes beside
// Winsock, before and after <winsock2.h>, with -Wall -Wextra -Werror. ---

/// (header, a statement that uses what it declares). Every program also
/// uses Winsock's fd_set, gethostname and a SOCKET, so a clash shows.
const HEADER_PAIRS: &[(&str, &str)] = &[
    ("sys/types.h", "pid_t p = 0; (void)p;"),
    ("sys/time.h", "struct timeval tv; gettimeofday(&tv, NULL);"),
    ("sys/select.h", "struct timeval tv = { 0, 0 }; (void)tv;"),
    ("unistd.h", "(void)isatty(0);"),
    ("signal.h", "signal(SIGINT, SIG_IGN);"),
    ("windows.h", "ssize_t n = -1; DWORD d = (DWORD)n; (void)d;"),
    ("ws2tcpip.h", "struct addrinfo *ai = NULL; (void)ai;"),
    (
        "ws2ipdef.h",
        "struct ip_mreq m; m.imr_interface.s_addr = 0; (void)m; (void)TCP_KEEPIDLE;",
    ),
    (
        "mstcpip.h",
        "struct tcp_keepalive k = { 1, 1000, 1000 }; (void)k; (void)SIO_KEEPALIVE_VALS;",
    ),
    ("mswsock.h", "(void)SO_UPDATE_ACCEPT_CONTEXT;"),
    (
        "mmsystem.h",
        "(void)timeGetTime(); (void)timeBeginPeriod(1);",
    ),
    ("io.h", "(void)_isatty(0);"),
    ("process.h", "(void)_getpid();"),
    (
        "string.h",
        "char b[16]; (void)strerror_s(b, sizeof b, 1); (void)_stricmp(\"a\", \"A\");",
    ),
    (
        "time.h",
        "struct tm t; time_t now = 0; (void)gmtime_s(&t, &now);",
    ),
    ("errno.h", "(void)errno;"),
    ("stdio.h", "printf(\"%d\\n\", 1);"),
    ("WinSock2.h", "(void)WSAGetLastError();"),
    ("Ws2tcpip.h", "(void)inet_pton;"),
    ("Windows.h", "(void)GetTickCount();"),
];

#[test]
fn header_pairs_compile_clean_in_either_order() {
    let dir = scratch("header-pairs");
    let mut failures = String::new();
    for (i, (header, use_it)) in HEADER_PAIRS.iter().enumerate() {
        for before in [true, false] {
            let (first, second) = if before {
                (*header, "winsock2.h")
            } else {
                ("winsock2.h", *header)
            };
            let source = format!(
                "#include <{first}>\n#include <{second}>\n\
                 __declspec(dllexport) int __cdecl use(SOCKET s) {{\n\
                 fd_set set; char name[64];\n\
                 FD_ZERO(&set); FD_SET(s, &set);\n\
                 {use_it}\n\
                 return (int)set.fd_count + gethostname(name, (int)sizeof name);\n}}\n"
            );
            let file = format!("pair{i}_{}.c", if before { "before" } else { "after" });
            std::fs::write(dir.join(&file), source).unwrap();
            let (code, out) = winsock_cc(
                &["-fsyntax-only", "-Wall", "-Wextra", "-Werror", &file],
                &dir,
                &[],
            );
            if code != 0 {
                failures += &format!("<{first}> then <{second}>:\n{out}\n");
            }
        }
    }
    assert!(
        failures.is_empty(),
        "header pairs that do not compile clean:\n{failures}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn winsock_cc_accepts_the_windows_import_libraries() {
    let dir = scratch("import-libs");
    std::fs::write(dir.join("main.c"), TWO_FILES_MAIN).unwrap();
    std::fs::write(dir.join("helper.c"), TWO_FILES_HELPER).unwrap();
    let (code, out) = winsock_cc(
        &[
            "main.c",
            "helper.c",
            "-o",
            "prog.wasm",
            "-lws2_32",
            "-lwinmm",
            "-liphlpapi",
            "-ladvapi32",
            "-luser32",
            "-lkernel32",
            "-lmswsock",
        ],
        &dir,
        &[],
    );
    assert_eq!(code, 0, "{out}");
    let (code, out, err) = winsock_run(&[dir.join("prog.wasm").to_str().unwrap()]);
    assert_eq!(
        (code, out.as_str()),
        (0, "version 2.2, close: 0\n"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// --- The C examples, driven by native peers. ---

#[test]
fn c_echo_server_serves_concurrent_native_clients() {
    let guest = spawn(
        "c-echo-server",
        &["127.0.0.1", "0", "--max-clients", "6"],
        GuestConfig::default(),
    );
    let line = guest.wait_for_line("listening on ", T);
    let addr = line.trim_start_matches("listening on ").trim().to_string();
    // Six clients at once, each sending in two halves with a pause between:
    // only a server that multiplexes with select() answers them all.
    let clients: Vec<_> = (0..6u32)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut c = TcpStream::connect(&addr).unwrap();
                let msg: Vec<u8> = (0..200_000u32)
                    .map(|b| (b.wrapping_mul(i + 3)) as u8)
                    .collect();
                c.write_all(&msg[..100_000]).unwrap();
                std::thread::sleep(Duration::from_millis(100));
                c.write_all(&msg[100_000..]).unwrap();
                c.shutdown(Shutdown::Write).unwrap();
                let (back, end) = read_to_end(&mut c, T);
                assert!(
                    back == msg,
                    "client {i} got {} bytes back, not its 200000",
                    back.len()
                );
                assert_eq!(end, PeerEnd::Eof);
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
}

#[test]
fn c_event_select_server_echoes_to_concurrent_native_clients() {
    let guest = spawn(
        "c-event-select-server",
        &["127.0.0.1", "0", "--max-clients", "8"],
        GuestConfig::default(),
    );
    let line = guest.wait_for_line("listening on ", T);
    let addr = line.trim_start_matches("listening on ").trim().to_string();
    // Eight clients at once, each sending more than the server's buffer in
    // two halves with a pause between: only a server woken by
    // WSAWaitForMultipleEvents for each socket's FD_READ, FD_WRITE and
    // FD_CLOSE answers them all, byte for byte, then closes gracefully.
    let clients: Vec<_> = (0..8u32)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut c = TcpStream::connect(&addr).unwrap();
                let msg: Vec<u8> = (0..300_000u32)
                    .map(|b| (b.wrapping_mul(i + 5) >> 3) as u8)
                    .collect();
                let writer = {
                    let mut c = c.try_clone().unwrap();
                    let msg = msg.clone();
                    std::thread::spawn(move || {
                        c.write_all(&msg[..150_000]).unwrap();
                        std::thread::sleep(Duration::from_millis(100));
                        c.write_all(&msg[150_000..]).unwrap();
                        c.shutdown(Shutdown::Write).unwrap();
                    })
                };
                let (back, end) = read_to_end(&mut c, T);
                writer.join().unwrap();
                assert!(
                    back == msg,
                    "client {i} got {} bytes back, not its 300000",
                    back.len()
                );
                assert_eq!(end, PeerEnd::Eof);
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
}

const C_RESPONSE: &[u8] =
    b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from a native server\n";

#[test]
fn c_http_client_resolves_with_gethostbyname_and_fetches() {
    let (port, server) = one_shot_http_server(C_RESPONSE);
    let (code, out) = run(
        "c-http-client",
        &["localhost", &port.to_string(), "/hello.txt"],
        conformance_config(),
    );
    let request = server.join().unwrap();
    assert!(
        request.starts_with("GET /hello.txt HTTP/1.0\r\n"),
        "{request}"
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("HTTP/1.0 200 OK\r\n"), "{out}");
    assert!(
        out.ends_with("\r\n\r\nhello from a native server\n"),
        "{out}"
    );
}

/// The same program through the binaries a user runs: winsock-run with
/// flags; failures print the WSA code on stderr.
fn winsock_run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(host_binary("winsock-run"))
        .args(args)
        .output()
        .expect("winsock-run runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn c_http_client_reports_a_refused_port_as_10061() {
    let (l, port) = listener();
    drop(l);
    let wasm = guest_path("c-http-client");
    let (code, out, err) = winsock_run(&[
        "--allow-connect",
        "127.0.0.1",
        wasm.to_str().unwrap(),
        "127.0.0.1",
        &port.to_string(),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("10061"), "stderr: {err}");
    assert!(out.is_empty(), "{out}");
}

#[test]
fn c_http_client_reports_an_unknown_host_as_11001() {
    let (l, port) = listener();
    let wasm = guest_path("c-http-client");
    // No lookup grant: the name is refused as not found, no packet leaves.
    let (code, out, err) = winsock_run(&[
        "--allow-connect",
        "127.0.0.1",
        wasm.to_str().unwrap(),
        "no-such-host.invalid",
        &port.to_string(),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("11001"), "stderr: {err}");
    assert!(
        err.contains("denied lookup"),
        "stderr names the denial: {err}"
    );
    assert!(accept_within(&l, Duration::from_millis(200)).is_none());
}

// --- winsock-cc itself. ---

fn winsock_cc(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let out = Command::new(host_binary("winsock-cc"))
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .output()
        .expect("winsock-cc runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("winsock-cc-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const TWO_FILES_MAIN: &str = r#"#include <windows.h>
#include <winsock2.h>
#include <stdio.h>
#pragma comment(lib, "Ws2_32.lib")
int open_and_close(void);
int main(void) {
    WSADATA wsaData;
    if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) return 1;
    printf("version %d.%d, close: %d\n", LOBYTE(wsaData.wVersion), HIBYTE(wsaData.wVersion), open_and_close());
    WSACleanup();
    return 0;
}
"#;
const TWO_FILES_HELPER: &str = r#"#include <winsock2.h>
int open_and_close(void) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET) return WSAGetLastError();
    return closesocket(s) == SOCKET_ERROR ? WSAGetLastError() : 0;
}
"#;

#[test]
fn winsock_cc_compiles_separately_and_links_objects() {
    let dir = scratch("objects");
    std::fs::write(dir.join("main.c"), TWO_FILES_MAIN).unwrap();
    std::fs::write(dir.join("helper.c"), TWO_FILES_HELPER).unwrap();
    let (code, out) = winsock_cc(
        &[
            "-O1", "-Wall", "-Werror", "-c", "helper.c", "-o", "helper.o",
        ],
        &dir,
        &[],
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = winsock_cc(
        &[
            "-g",
            "-Wall",
            "-Werror",
            "main.c",
            "helper.o",
            "-o",
            "prog.wasm",
            "-lws2_32",
            "-lwsock32",
        ],
        &dir,
        &[],
    );
    assert_eq!(code, 0, "{out}");
    let (code, out, err) = winsock_run(&[dir.join("prog.wasm").to_str().unwrap()]);
    assert_eq!(
        (code, out.as_str()),
        (0, "version 2.2, close: 0\n"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn winsock_cc_reports_compile_errors_and_leaves_no_output() {
    let dir = scratch("errors");
    std::fs::write(
        dir.join("bad.c"),
        "#include <winsock2.h>\nint main(void) { return undeclared; }\n",
    )
    .unwrap();
    let (code, out) = winsock_cc(&["bad.c", "-o", "bad.wasm"], &dir, &[]);
    assert_ne!(code, 0);
    assert!(out.contains("undeclared"), "{out}");
    assert!(!dir.join("bad.wasm").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "only the source remains: {leftovers:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn winsock_cc_names_a_missing_toolchain() {
    let dir = scratch("missing");
    std::fs::write(dir.join("main.c"), TWO_FILES_MAIN).unwrap();
    let (code, out) = winsock_cc(
        &["main.c"],
        &dir,
        &[("WINSOCK_CC_CLANG", "/nonexistent/clang")],
    );
    assert_ne!(code, 0);
    assert!(out.contains("/nonexistent/clang"), "{out}");
    let (code, out) = winsock_cc(&["main.c"], &dir, &[("PATH", "/nonexistent")]);
    assert_ne!(code, 0);
    assert!(
        out.contains("clang not found") && out.contains("apt-get install clang lld wasi-libc"),
        "{out}"
    );
    let (code, out) = winsock_cc(
        &["main.c"],
        &dir,
        &[("WASI_SYSROOT", "/nonexistent/sysroot")],
    );
    assert_ne!(code, 0);
    assert!(out.contains("wasi-libc"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

const THREAD_MAIN: &str = "#include <windows.h>\n\
#include <stdio.h>\n\
static DWORD WINAPI run(LPVOID p) { return (DWORD)(UINT_PTR)p; }\n\
int main(void) {\n\
    DWORD code = 0;\n\
    HANDLE h = CreateThread(NULL, 0, run, (LPVOID)3, 0, NULL);\n\
    WaitForSingleObject(h, INFINITE);\n\
    GetExitCodeThread(h, &code);\n\
    printf(\"exit code %lu\\n\", code);\n\
    return 0;\n\
}\n";

/// Whether a component's core module went through Asyncify (its exports).
fn switchable(component: &Path) -> bool {
    let bytes = std::fs::read(component).unwrap();
    bytes.windows(21).any(|w| w == b"asyncify_start_unwind")
}

#[test]
fn winsock_cc_builds_with_threads_only_programs_that_create_them() {
    let dir = scratch("threads");
    std::fs::write(dir.join("main.c"), TWO_FILES_MAIN).unwrap();
    std::fs::write(dir.join("helper.c"), TWO_FILES_HELPER).unwrap();
    std::fs::write(dir.join("threads.c"), THREAD_MAIN).unwrap();
    // Without threads: no Asyncify, whatever wasm-opt is on PATH.
    let (code, out) = winsock_cc(
        &["-O2", "main.c", "helper.c", "-o", "plain.wasm"],
        &dir,
        &[],
    );
    assert_eq!(code, 0, "{out}");
    assert!(!switchable(&dir.join("plain.wasm")));
    // -pthread asks for it.
    let (code, out) = winsock_cc(
        &["-O2", "-pthread", "main.c", "helper.c", "-o", "forced.wasm"],
        &dir,
        &[],
    );
    assert_eq!(code, 0, "{out}");
    assert!(switchable(&dir.join("forced.wasm")));
    // CreateThread is enough, and the program runs.
    let (code, out) = winsock_cc(&["-O2", "-v", "threads.c", "-o", "auto.wasm"], &dir, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("the program creates threads"), "{out}");
    assert!(switchable(&dir.join("auto.wasm")));
    let (code, stdout, stderr) = winsock_run(&[dir.join("auto.wasm").to_str().unwrap()]);
    assert_eq!((code, stdout.as_str()), (0, "exit code 3\n"), "{stderr}");
    // Without Binaryen, the missing piece is named.
    let (code, out) = winsock_cc(
        &["threads.c", "-o", "none.wasm"],
        &dir,
        &[("WINSOCK_CC_WASM_OPT", "/nonexistent/wasm-opt")],
    );
    assert_ne!(code, 0);
    assert!(out.contains("apt-get install binaryen"), "{out}");
    assert!(!dir.join("none.wasm").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
