//! docs/lifecycle.md and docs/handles.md: WSAStartup's version table and WSADATA, the startup count,
//! WSANOTINITIALISED, and handles that are never valid where they should not be.

use std::time::Duration;
use winsock_tests::*;

#[test]
fn startup_version_table_and_wsadata() {
    let (code, out) = run("conformance", &["versions"], GuestConfig::default());
    assert_eq!(code, 0, "{out}");
    let w1 = r#"high 2.2 desc "WinSock 2.0" status "Running" max 32767/65467 lasterror 0"#;
    let w2 = r#"high 2.2 desc "WinSock 2.0" status "Running" max 0/0 lasterror 0"#;
    assert_lines(
        &out,
        &[
            "startup 0.0: err 10092 data version 2.2 lasterror 4321",
            "socket after 0.0+cleanup: err 10093",
            "startup 0.9: err 10092 data version 2.2 lasterror 4321",
            "socket after 0.9+cleanup: err 10093",
            &format!("startup 1.0: ok version 1.0 {w1}"),
            &format!("startup 1.1: ok version 1.1 {w1}"),
            &format!("startup 1.5: ok version 1.1 {w1}"),
            &format!("startup 2.0: ok version 2.0 {w2}"),
            &format!("startup 2.1: ok version 2.1 {w2}"),
            &format!("startup 2.2: ok version 2.2 {w2}"),
            &format!("startup 2.3: ok version 2.2 {w2}"),
            &format!("startup 3.0: ok version 2.2 {w2}"),
            "socket after 3.0+cleanup: err 10093",
            "startup 2.2 null wsadata: err 10014",
            "startup 0.0 null wsadata: err 10092",
            "socket after null wsadata: err 10093",
        ],
    );
}

#[test]
fn n_startups_need_n_cleanups() {
    let (_, out) = run("conformance", &["refcount"], GuestConfig::default());
    assert_lines(
        &out,
        &[
            "startup #1: ok",
            "startup #2: ok",
            "startup #3: ok",
            "socket: ok",
            "cleanup #1: ok",
            "socket after cleanup #1: ok",
            "cleanup #2: ok",
            "socket after cleanup #2: ok",
            "cleanup #3: ok",
            "socket after cleanup #3: err 10093",
            "cleanup #4: err 10093",
        ],
    );
}

#[test]
fn wsanotinitialised_before_startup_and_after_final_cleanup() {
    let (_, out) = run("conformance", &["uninitialised"], GuestConfig::default());
    let mut expected = Vec::new();
    for when in ["before", "after"] {
        for call in [
            "socket",
            "closesocket",
            "bind",
            "recv",
            "getsockopt",
            "ioctlsocket",
            "cleanup",
        ] {
            expected.push(format!("{when} {call}: err 10093"));
        }
        expected.push(format!("{when} lasterror: 10093 (returned Some(10093))"));
        if when == "before" {
            expected.push("set/get lasterror: 1234".into());
            expected.push("cleanup: ok".into());
            expected.push("old handle after final cleanup: err 10093".into());
        }
    }
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_lines(&out, &expected);
}

#[test]
fn wsaenotsock_for_stale_made_up_and_restarted_handles() {
    let (_, out) = run("conformance", &["handles"], GuestConfig::default());
    assert_lines(
        &out,
        &[
            "handle valid: true",
            "handles distinct: true",
            "closesocket: ok",
            "stale closesocket: err 10038",
            "stale send: err 10038",
            "stale getsockopt: err 10038",
            "closed value not reused: true",
            "made-up 0: err 10038",
            "made-up INVALID_SOCKET: err 10038",
            "made-up above: err 10038",
            "made-up 0x7fffffff: err 10038",
            "final cleanup: ok",
            "old handle before restart: err 10093",
            "old handle after restart: err 10038",
            "new handle differs from every old one: true",
            "new handle works: ok 1",
        ],
    );
}

#[test]
fn wsaenotsock_for_another_instances_handle() {
    let (l, port) = listener();
    let holder = spawn(
        "conformance",
        &["hold", &port.to_string()],
        GuestConfig::default(),
    );
    let peer = accept_within(&l, Duration::from_secs(10)).expect("holder connects");
    let line = holder.wait_for_line("holding ", Duration::from_secs(10));
    let handle = line.trim_start_matches("holding ").to_string();

    let (_, out) = run("conformance", &["foreign", &handle], GuestConfig::default());
    assert_lines(
        &out,
        &[
            "foreign closesocket: err 10038",
            "foreign getsockopt: err 10038",
        ],
    );

    // The holder's socket was untouched by the other instance.
    assert_eq!(holder.control.socket_count(), 1);
    drop(peer);
    let (_, out) = holder.finish();
    assert!(out.contains("holding"), "{out}");
}
