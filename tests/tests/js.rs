//! The JavaScript guest (componentize-js, importing the WIT package
//! directly), driven by a native echo server.

use std::io::{Read, Write};
use std::time::Duration;
use winsock_tests::*;

const T: Duration = Duration::from_secs(30);

fn echo_server() -> (u16, std::thread::JoinHandle<usize>) {
    let (l, port) = listener();
    let server = std::thread::spawn(move || {
        let Some(mut s) = accept_within(&l, T) else {
            return 0;
        };
        let mut buf = [0u8; 1024];
        let mut total = 0;
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => return total,
                Ok(n) => {
                    s.write_all(&buf[..n]).unwrap();
                    total += n;
                }
            }
        }
    });
    (port, server)
}

#[test]
fn js_echo_client_talks_to_a_native_echo_server() {
    let (port, server) = echo_server();
    let (code, out) = run(
        "js-app",
        &[&format!("127.0.0.1:{port}"), "hello", "from js"],
        GuestConfig::default(),
    );
    assert_eq!(code, 0, "{out}");
    assert_lines(
        &out,
        &[
            "WSAStartup: Winsock 2.2",
            "echo: hello",
            "echo: from js",
            "SO_LINGER now 1,0,5,0",
            "WSACleanup: done",
        ],
    );
    assert_eq!(server.join().unwrap(), "hello\nfrom js\n".len());
}

#[test]
fn js_sees_wsa_codes_for_refused_and_denied_connections() {
    let (l, port) = listener();
    drop(l);
    let addr = format!("127.0.0.1:{port}");
    let (code, out) = run("js-app", &[&addr, "x"], GuestConfig::default());
    assert_eq!(code, 1, "{out}");
    assert_lines(&out, &["error: connect failed: WSA error 10061"]);
    let (code, out) = run("js-app", &[&addr, "x"], GuestConfig::deny_all());
    assert_eq!(code, 1, "{out}");
    assert_lines(&out, &["error: connect failed: WSA error 10013"]);
}
