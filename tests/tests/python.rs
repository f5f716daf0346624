//! The Python guest (componentize-py, importing the WIT package directly),
//! driven by native peers; and the compiled-component cache.

use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::process::Command;
use std::time::Duration;
use winsock_host::cache::{CacheOutcome, ComponentCache};
use winsock_tests::*;

const T: Duration = Duration::from_secs(30);

#[test]
fn python_echo_client_talks_to_a_native_echo_server() {
    let (port, server) = native_echo_server();
    let (code, out) = run(
        "python-app",
        &[
            "echo-client",
            &format!("127.0.0.1:{port}"),
            "hello",
            "winsock",
        ],
        GuestConfig::default(),
    );
    assert_eq!(code, 0, "{out}");
    assert_lines(
        &out,
        &[
            "WSAStartup: Winsock 2.2",
            "new socket: SO_DONTLINGER True SO_LINGER (False, 0)",
            "echo: hello",
            "echo: winsock",
            "SO_LINGER now (True, 5)",
            "WSACleanup: done",
        ],
    );
    assert_eq!(
        server.join().unwrap(),
        "hello\nwinsock\n".len(),
        "the server saw the lines, then EOF"
    );
}

#[test]
fn python_http_server_answers_native_clients() {
    let guest = spawn(
        "python-app",
        &["http-server", "127.0.0.1:0", "2"],
        GuestConfig::default(),
    );
    let line = guest.wait_for_line("listening on ", T);
    let addr = line.trim_start_matches("listening on ").to_string();
    for path in ["/one", "/two"] {
        let mut c = TcpStream::connect(&addr).unwrap();
        c.write_all(format!("GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").as_bytes())
            .unwrap();
        c.shutdown(Shutdown::Write).unwrap();
        let (resp, end) = read_to_end(&mut c, T);
        let resp = String::from_utf8(resp).unwrap();
        assert!(resp.starts_with("HTTP/1.0 200 OK\r\n"), "{resp}");
        assert!(resp.ends_with(&format!("you asked for {path}\n")), "{resp}");
        assert_eq!(end, PeerEnd::Eof);
    }
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "served 127.0.0.1: GET /one HTTP/1.0",
            "served 127.0.0.1: GET /two HTTP/1.0",
            "WSACleanup: done",
        ],
    );
}

#[test]
fn python_sees_wsa_codes_for_refused_and_denied_connections() {
    let (l, port) = listener();
    drop(l);
    let addr = format!("127.0.0.1:{port}");
    let (code, out) = run(
        "python-app",
        &["echo-client", &addr, "x"],
        GuestConfig::default(),
    );
    assert_eq!(code, 1);
    assert_lines(&out, &["error: connect failed: WSA error 10061"]);
    let (code, out) = run(
        "python-app",
        &["echo-client", &addr, "x"],
        GuestConfig::deny_all(),
    );
    assert_eq!(code, 1);
    assert_lines(&out, &["error: connect failed: WSA error 10013"]);
}

#[test]
fn the_second_load_of_a_component_comes_from_the_cache() {
    let dir = std::env::temp_dir().join(format!("winsock-cache-test-{}", std::process::id()));
    let cache = ComponentCache::new(&dir);
    let path = guest_path("conformance");
    let (_, first) = runner().load_cached(&path, &cache).unwrap();
    let (_, second) = runner().load_cached(&path, &cache).unwrap();
    assert_eq!(
        (first, second),
        (CacheOutcome::Compiled, CacheOutcome::Loaded)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn winsock_run_no_cache_and_cache_dir_flags() {
    let dir = std::env::temp_dir().join(format!("winsock-run-cache-{}", std::process::id()));
    let run = |extra: &[&str]| {
        let out = Command::new(host_binary("winsock-run"))
            .args(extra)
            .arg(guest_path("conformance"))
            .arg("refcount")
            .output()
            .unwrap();
        assert!(out.status.success());
    };
    run(&["--no-cache", "--cache-dir", dir.to_str().unwrap()]);
    assert!(!dir.exists(), "--no-cache writes nothing");
    run(&["--cache-dir", dir.to_str().unwrap()]);
    let entries = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(entries, 1, "one compiled component cached");
    let _ = std::fs::remove_dir_all(&dir);
}
