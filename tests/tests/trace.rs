//! The call trace (host/src/trace.rs): `winsock-run --trace` and
//! `WINSOCK_LOG` print each Winsock call of a real guest (the C HTTP client
//! example, built by tests/c/build.sh) on stderr, one line per call, in
//! Windows terms, with its result or WSA error name and its duration; and
//! nothing of the kind without them.

use std::process::{Command, Output};
use winsock_tests::*;

const RESPONSE: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\ntraced\n";

/// winsock-run with `flags`, the C HTTP client fetching /t.txt from
/// 127.0.0.1:`port`, and WINSOCK_LOG as given (never the caller's own).
fn http_client(flags: &[&str], winsock_log: Option<&str>, port: u16) -> Output {
    let mut cmd = Command::new(host_binary("winsock-run"));
    cmd.args(flags)
        .arg(guest_path("c-http-client"))
        .args(["127.0.0.1", &port.to_string(), "/t.txt"])
        .env_remove("WINSOCK_LOG");
    if let Some(filter) = winsock_log {
        cmd.env("WINSOCK_LOG", filter);
    }
    cmd.output()
        .expect("run winsock-run (built by cargo build --release)")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The call lines of `stderr`, each checked for the line's shape:
/// `winsock: NAME(ARGS) = RESULT [DURATION]`.
fn call_lines(stderr: &str) -> Vec<&str> {
    let calls: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("winsock: "))
        .collect();
    for line in &calls {
        let call = &line["winsock: ".len()..];
        let name_end = call.find('(').unwrap_or(0);
        assert!(
            name_end > 0 && call[..name_end].chars().all(|c| c.is_ascii_alphanumeric()),
            "a call name first: {line}"
        );
        assert!(
            call.contains(") = "),
            "a result after the arguments: {line}"
        );
        let duration = call
            .rsplit_once(" [")
            .and_then(|(_, d)| d.strip_suffix(']'))
            .unwrap_or_else(|| panic!("a duration at the end: {line}"));
        let number = duration
            .strip_suffix("us")
            .or_else(|| duration.strip_suffix("ms"))
            .or_else(|| duration.strip_suffix('s'))
            .unwrap_or_else(|| panic!("a unit (us, ms or s): {line}"));
        assert!(
            number.parse::<f64>().is_ok(),
            "a number of {duration:?}: {line}"
        );
    }
    calls
}

fn count(calls: &[&str], name: &str) -> usize {
    let prefix = format!("winsock: {name}(");
    calls.iter().filter(|l| l.starts_with(&prefix)).count()
}

#[test]
fn trace_prints_each_call_once_with_its_address_result_and_duration() {
    let (port, server) = one_shot_http_server(RESPONSE);
    let out = http_client(&["--trace", "--allow-connect", "127.0.0.1"], None, port);
    let request = server.join().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("traced\n"));

    let calls = call_lines(&err);
    // Nothing else on stderr but the guest's own last line.
    let others: Vec<&str> = err
        .lines()
        .filter(|l| !l.starts_with("winsock: "))
        .collect();
    assert_eq!(
        others,
        [format!("received {} bytes", RESPONSE.len())],
        "{err}"
    );
    for (name, times) in [
        ("WSAStartup", 1),
        ("socket", 1),
        ("connect", 1),
        ("send", 1),
        ("closesocket", 1),
        ("WSACleanup", 1),
    ] {
        assert_eq!(count(&calls, name), times, "{name} once:\n{err}");
    }
    let socket = calls
        .iter()
        .find(|l| l.starts_with("winsock: socket("))
        .unwrap();
    assert!(
        socket
            .starts_with("winsock: socket(af=AF_INET, type=SOCK_STREAM, protocol=IPPROTO_TCP) = "),
        "{socket}"
    );
    // The handle socket() returned names the socket in the later calls.
    let handle = socket
        .split(" = ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap();
    let connect = format!("winsock: connect(s={handle}, name=127.0.0.1:{port}) = 0 [");
    assert!(
        calls.iter().any(|l| l.starts_with(&connect)),
        "{connect}\n{err}"
    );
    let send = format!(
        "winsock: send(s={handle}, len={}, flags=0) = {} [",
        request.len(),
        request.len()
    );
    assert!(calls.iter().any(|l| l.starts_with(&send)), "{send}\n{err}");
    // recv until the server closes: the byte counts add up to the response
    // (one line per call, none lost or doubled) and the last one is 0.
    let recv_prefix = format!("winsock: recv(s={handle}, len=4096, flags=0) = ");
    let received: Vec<usize> = calls
        .iter()
        .filter(|l| l.starts_with("winsock: recv("))
        .map(|l| {
            let n = l
                .strip_prefix(&recv_prefix)
                .unwrap_or_else(|| panic!("{l}"));
            n.split(' ').next().unwrap().parse().unwrap()
        })
        .collect();
    assert_eq!(received.iter().sum::<usize>(), RESPONSE.len(), "{err}");
    assert_eq!(received.last(), Some(&0), "{err}");
    let close = format!("winsock: closesocket(s={handle}) = 0 [");
    assert!(
        calls.iter().any(|l| l.starts_with(&close)),
        "{close}\n{err}"
    );
}

#[test]
fn trace_names_the_wsa_error_of_a_failed_call() {
    let (l, port) = listener();
    drop(l);
    let out = http_client(&["--trace", "--allow-connect", "127.0.0.1"], None, port);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let calls = call_lines(&err);
    let refused: Vec<&&str> = calls
        .iter()
        .filter(|l| l.starts_with("winsock: connect("))
        .collect();
    assert_eq!(refused.len(), 1, "{err}");
    assert!(
        refused[0].contains(&format!(
            "name=127.0.0.1:{port}) = SOCKET_ERROR WSAECONNREFUSED ["
        )),
        "{err}"
    );
    // The guest's own message is still there, after the trace.
    assert!(err.contains("10061"), "{err}");
}

#[test]
fn a_denial_is_one_warning_line_beside_the_failed_call() {
    let (l, port) = listener();
    let out = http_client(&["--trace"], None, port);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let denials: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("winsock-run: denied"))
        .collect();
    assert_eq!(
        denials,
        [format!(
            "winsock-run: denied connect to 127.0.0.1:{port}: not granted; --allow-connect (or --allow-net) grants it"
        )],
        "{err}"
    );
    let calls = call_lines(&err);
    assert!(
        calls.iter().any(|c| c.starts_with("winsock: connect(")
            && c.contains(&format!(
                "name=127.0.0.1:{port}) = SOCKET_ERROR WSAEACCES ["
            ))),
        "{err}"
    );
    drop(l);
}

#[test]
fn without_trace_no_call_lines_appear() {
    let (l, port) = listener();
    drop(l);
    let out = http_client(&["--allow-connect", "127.0.0.1"], None, port);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("10061"), "the guest still reports: {err}");
    assert!(call_lines(&err).is_empty(), "{err}");

    // A filter that names other targets leaves them off too.
    let out = http_client(&["--allow-connect", "127.0.0.1"], Some("debug"), port);
    assert!(call_lines(&stderr(&out)).is_empty(), "{}", stderr(&out));
}

#[test]
fn winsock_log_turns_the_call_lines_on_without_the_flag() {
    let (port, server) = one_shot_http_server(RESPONSE);
    let out = http_client(
        &["--allow-connect", "127.0.0.1"],
        Some("winsock::call=trace"),
        port,
    );
    server.join().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let calls = call_lines(&err);
    assert_eq!(count(&calls, "connect"), 1, "{err}");
    assert!(
        calls
            .iter()
            .any(|l| l.contains(&format!("name=127.0.0.1:{port}) = 0 ["))),
        "{err}"
    );

    // WINSOCK_LOG=off silences the denial line as well.
    let (l, port) = listener();
    let out = http_client(&[], Some("off"), port);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(!err.contains("winsock-run: denied"), "{err}");
    assert!(err.contains("10013"), "the guest still reports: {err}");
    drop(l);

    // A filter that does not parse is the operator's error, not the guest's.
    let out = http_client(&[], Some("winsock::call=loud"), port);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("winsock-run: WINSOCK_LOG="));
}
