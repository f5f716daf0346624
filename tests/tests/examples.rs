//! The example guests, driven by native clients and servers.

use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::time::Duration;
use winsock_tests::*;

const T: Duration = Duration::from_secs(10);

#[test]
fn echo_server_echoes_every_client_then_cleans_up() {
    let guest = spawn("echo-server", &["127.0.0.1:0", "3"], GuestConfig::default());
    let line = guest.wait_for_line("listening on ", T);
    let addr = line.trim_start_matches("listening on ").to_string();
    for i in 0..3 {
        let mut c = TcpStream::connect(&addr).unwrap();
        let msg: Vec<u8> = (0..100_000u32).map(|b| (b * (i + 7)) as u8).collect();
        c.write_all(&msg).unwrap();
        c.shutdown(Shutdown::Write).unwrap();
        let (back, end) = read_to_end(&mut c, T);
        assert_eq!(back, msg, "client {i} got its bytes back");
        assert_eq!(end, PeerEnd::Eof);
    }
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &["WSAStartup: Winsock 2.2 (Running)", "WSACleanup: done"],
    );
    assert_eq!(out.matches("echoed 100000 bytes").count(), 3, "{out}");
}

#[test]
fn echo_server_serves_concurrent_clients_with_select() {
    let guest = spawn("echo-server", &["127.0.0.1:0", "8"], GuestConfig::default());
    let line = guest.wait_for_line("listening on ", T);
    let addr = line.trim_start_matches("listening on ").to_string();
    // Eight clients connected at once, each sending in two halves with a
    // pause between: the server must serve them interleaved.
    let clients: Vec<_> = (0..8u32)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut c = TcpStream::connect(&addr).unwrap();
                let msg: Vec<u8> = (0..300_000u32).map(|b| (b ^ i) as u8).collect();
                c.write_all(&msg[..150_000]).unwrap();
                std::thread::sleep(Duration::from_millis(100));
                c.write_all(&msg[150_000..]).unwrap();
                c.shutdown(Shutdown::Write).unwrap();
                let (back, end) = read_to_end(&mut c, T);
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
    let (_, out) = guest.finish();
    assert_eq!(out.matches("echoed 300000 bytes").count(), 8, "{out}");
    assert_lines(&out, &["WSACleanup: done"]);
}

const EXAMPLE_RESPONSE: &[u8] =
    b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nhello, wasm\n";

#[test]
fn http_client_fetches_from_a_native_server() {
    let (port, server) = one_shot_http_server(EXAMPLE_RESPONSE);
    let (code, out) = run(
        "http-client",
        &[&format!("127.0.0.1:{port}"), "/index.html"],
        GuestConfig::default(),
    );
    let request = server.join().unwrap();
    assert!(
        request.starts_with("GET /index.html HTTP/1.0\r\n"),
        "{request}"
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("HTTP/1.0 200 OK\r\n"), "{out}");
    assert!(out.ends_with("\r\n\r\nhello, wasm\n"), "{out}");
}

#[test]
fn http_client_resolves_a_granted_name() {
    let (port, server) = one_shot_http_server(EXAMPLE_RESPONSE);
    let mut config = GuestConfig::default();
    config
        .grants
        .allow_lookup(winsock_host::LookupGrant::Names(vec!["localhost".into()]));
    let (code, out) = run("http-client", &[&format!("localhost:{port}"), "/"], config);
    let request = server.join().unwrap();
    assert!(
        request.contains(&format!("Host: localhost:{port}\r\n")),
        "{request}"
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("\r\n\r\nhello, wasm\n"), "{out}");
}

#[test]
fn http_client_reports_an_ungranted_name_as_11001() {
    let (l, port) = listener();
    let (code, out) = run(
        "http-client",
        &[&format!("localhost:{port}"), "/"],
        GuestConfig::default(),
    );
    assert_eq!(code, 1);
    assert!(out.ends_with("failed: Winsock error 11001\n"), "{out}");
    assert!(accept_within(&l, Duration::from_millis(200)).is_none());
}

#[test]
fn http_client_reports_a_refused_connection_as_10061() {
    let (l, port) = listener();
    drop(l);
    let (code, out) = run(
        "http-client",
        &[&format!("127.0.0.1:{port}"), "/"],
        GuestConfig::default(),
    );
    assert_eq!(code, 1);
    assert_eq!(
        out.trim(),
        format!("http-client: GET / from 127.0.0.1:{port} failed: Winsock error 10061")
    );
}

#[test]
fn http_client_without_a_grant_gets_10013() {
    let (l, port) = listener();
    let (code, out) = run(
        "http-client",
        &[&format!("127.0.0.1:{port}"), "/"],
        GuestConfig::deny_all(),
    );
    assert_eq!(code, 1);
    assert!(out.ends_with("failed: Winsock error 10013\n"), "{out}");
    assert!(accept_within(&l, Duration::from_millis(200)).is_none());
}
