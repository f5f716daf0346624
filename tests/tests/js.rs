//! The JavaScript guest (componentize-js, importing the WIT package
//! directly), driven by a native echo server.

use winsock_tests::*;

#[test]
fn js_echo_client_talks_to_a_native_echo_server() {
    let (port, server) = native_echo_server();
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
