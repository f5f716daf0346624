//! docs/sandbox.md: deny by default, WSAEACCES with no system call toward the
//! address, one line for the operator, and the socket limit.

use std::process::Command;
use std::time::Duration;
use winsock_host::{Grants, Limits, NetRule};
use winsock_tests::*;

#[test]
fn denied_connect_and_bind_give_wsaeacces_and_nothing_reaches_the_listener() {
    let (l, port) = listener();
    let (_, out) = run(
        "conformance",
        &["denied", &port.to_string()],
        GuestConfig::deny_all(),
    );
    assert_lines(
        &out,
        &[
            "connect ungranted: err 10013",
            "bind ungranted: err 10013",
            "connect ungranted v4-mapped: err 10013",
        ],
    );
    assert!(
        accept_within(&l, Duration::from_millis(300)).is_none(),
        "a denied connect reached the listener"
    );
}

#[test]
fn a_grant_for_another_port_does_not_open_this_one() {
    let (l, port) = listener();
    let mut grants = Grants::deny_all();
    grants.allow_connect(
        format!("127.0.0.1:{}", port.wrapping_add(1))
            .parse::<NetRule>()
            .unwrap(),
    );
    grants.allow_bind("127.0.0.1:1".parse::<NetRule>().unwrap());
    let guest = spawn(
        "conformance",
        &["denied", &port.to_string()],
        GuestConfig {
            grants,
            limits: Limits::default(),
        },
    );
    let denials = guest.denials.clone();
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &["connect ungranted: err 10013", "bind ungranted: err 10013"],
    );
    assert!(accept_within(&l, Duration::from_millis(300)).is_none());
    let denials = denials.lock().unwrap();
    let actions: Vec<&str> = denials.iter().map(|d| d.action).collect();
    assert_eq!(
        actions,
        ["connect", "bind", "connect"],
        "one report per denial: {denials:?}"
    );
    assert_eq!(denials[0].target, format!("127.0.0.1:{port}"));
}

#[test]
fn max_sockets_gives_wsaemfile() {
    let config = GuestConfig {
        limits: Limits {
            max_sockets: 3,
            ..Limits::default()
        },
        ..GuestConfig::default()
    };
    let (_, out) = run("conformance", &["max-sockets", "3"], config);
    assert_lines(
        &out,
        &[
            "socket 1: ok",
            "socket 2: ok",
            "socket 3: ok",
            "one more socket: err 10024",
            "closesocket one: ok",
            "socket after closing one: ok",
        ],
    );
}

#[test]
fn winsock_run_prints_one_line_per_denial_naming_the_flag() {
    let (l, port) = listener();
    let out = Command::new(host_binary("winsock-run"))
        .arg(guest_path("conformance"))
        .args(["denied", &port.to_string()])
        .output()
        .expect("run winsock-run (built by cargo build --release)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_lines(
        &stdout,
        &["connect ungranted: err 10013", "bind ungranted: err 10013"],
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "one line per denial:\n{stderr}");
    assert_eq!(
        lines[0],
        format!(
            "winsock-run: denied connect to 127.0.0.1:{port}: not granted; --allow-connect (or --allow-net) grants it"
        )
    );
    assert_eq!(
        lines[1],
        "winsock-run: denied bind to 127.0.0.1:0: not granted; --allow-bind (or --allow-net) grants it"
    );
    assert!(accept_within(&l, Duration::from_millis(300)).is_none());
}

#[test]
fn winsock_run_grants_and_limits_from_flags() {
    let (l, port) = listener();
    let child = Command::new(host_binary("winsock-run"))
        .args([
            "--allow-connect",
            &format!("127.0.0.1:{port}"),
            "--max-sockets",
            "2",
        ])
        .arg(guest_path("conformance"))
        .args(["cleanup-resets", &port.to_string()])
        .output();
    let mut peer = accept_within(&l, Duration::from_secs(10));
    let out = child.expect("winsock-run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_lines(&stdout, &["send: ok 5", "final cleanup: ok"]);
    let (data, _) = read_to_end(
        peer.as_mut().expect("granted connect arrived"),
        Duration::from_secs(5),
    );
    assert_eq!(data, b"hello");

    let out = Command::new(host_binary("winsock-run"))
        .args(["--max-sockets", "2"])
        .arg(guest_path("conformance"))
        .args(["max-sockets", "2"])
        .output()
        .unwrap();
    assert_lines(
        &String::from_utf8_lossy(&out.stdout),
        &["socket 2: ok", "one more socket: err 10024"],
    );
}

#[test]
fn winsock_run_exit_code_is_the_guests() {
    let out = Command::new(host_binary("winsock-run"))
        .arg(guest_path("conformance"))
        .arg("no-such-scenario")
        .output()
        .unwrap();
    // wasi:cli 0.2's exit carries success or failure only, so any nonzero
    // status a guest exits with arrives as 1.
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn numeric_hosts_need_no_grant_and_names_need_the_lookup_grant() {
    let (l, port) = listener();
    let guest = spawn(
        "conformance",
        &["lookup", &port.to_string()],
        GuestConfig::deny_all(),
    );
    let denials = guest.denials.clone();
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "numeric v4: ok [\"2/1/6 127.0.0.1:80\"]",
            "numeric v6 + service name: ok [\"23/1/6 [::1]:80\"]",
            "udp hints: ok [\"2/2/17 127.0.0.1:53\"]",
            "passive v4: ok [\"2/1/6 0.0.0.0:8080\"]",
            "no node, no service: err 11001",
            "AI_NUMERICHOST with a name: err 11001",
            "unknown service: err 10109",
            "family 99: err 10047",
            "v6 only for a v4 address: err 11004",
            "getnameinfo: ok (\"127.0.0.1\", \"http\")",
            "getnameinfo NI_NUMERICSERV: ok (\"127.0.0.1\", \"80\")",
            "getnameinfo NI_NAMEREQD: err 11001",
            "gethostname: ok \"winsock-guest\"",
            "localhost: err 11001",
        ],
    );
    let denials = denials.lock().unwrap();
    assert_eq!(
        denials.len(),
        1,
        "only the name lookup was refused: {denials:?}"
    );
    assert_eq!(
        (denials[0].action, denials[0].target.as_str()),
        ("lookup", "localhost")
    );
    assert!(accept_within(&l, Duration::from_millis(100)).is_none());
}

#[test]
fn a_granted_name_resolves_and_its_addresses_still_pass_the_connect_grant() {
    let (l, port) = listener();
    let mut grants = Grants::deny_all();
    grants.allow_lookup(winsock_host::LookupGrant::Names(vec!["localhost".into()]));
    grants.allow_connect(format!("127.0.0.1:{port}").parse::<NetRule>().unwrap());
    let config = GuestConfig {
        grants,
        limits: Limits::default(),
    };
    let (_, out) = run("conformance", &["lookup", &port.to_string()], config);
    assert_lines(
        &out,
        &[
            &format!("localhost: ok [\"2/1/6 127.0.0.1:{port}\"]"),
            "connect to the resolved address: ok",
        ],
    );
    assert!(accept_within(&l, Duration::from_secs(5)).is_some());

    // Granted lookup, but no connect grant: the resolved address is refused.
    let (l, port) = listener();
    let mut grants = Grants::deny_all();
    grants.allow_lookup(winsock_host::LookupGrant::Any);
    let config = GuestConfig {
        grants,
        limits: Limits::default(),
    };
    let (_, out) = run("conformance", &["lookup", &port.to_string()], config);
    assert_lines(&out, &["connect to the resolved address: err 10013"]);
    assert!(accept_within(&l, Duration::from_millis(200)).is_none());
}

/// What this machine's resolver calls 127.0.0.1 (its hosts file): the
/// name the guest must be told.
fn loopback_name() -> String {
    let out = Command::new("getent")
        .args(["hosts", "127.0.0.1"])
        .output()
        .expect("getent");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .nth(1)
        .expect("127.0.0.1 has a name in the hosts file")
        .to_string()
}

fn lookup_config(lookup: winsock_host::LookupGrant) -> GuestConfig {
    let mut grants = Grants::deny_all();
    grants.allow_lookup(lookup);
    GuestConfig {
        grants,
        limits: Limits::default(),
    }
}

#[test]
fn gethostbyaddr_with_any_lookup_grant_names_the_address() {
    let name = loopback_name();
    let guest = spawn(
        "conformance",
        &["reverse-lookup", "127.0.0.1", "192.0.2.1"],
        lookup_config(winsock_host::LookupGrant::Any),
    );
    let denials = guest.denials.clone();
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "gethostbyaddr before startup: err 10093",
            &format!("gethostbyaddr 127.0.0.1: ok {name:?}"),
            // TEST-NET-1 has no name anywhere.
            "gethostbyaddr 192.0.2.1: err 11001",
            &format!("lookup_addr 127.0.0.1: ok {name:?}"),
        ],
    );
    assert!(denials.lock().unwrap().is_empty());
}

#[test]
fn gethostbyaddr_with_a_name_list_answers_only_granted_names() {
    let name = loopback_name();
    let guest = spawn(
        "conformance",
        &["reverse-lookup", "127.0.0.1"],
        lookup_config(winsock_host::LookupGrant::Names(vec![name.to_uppercase()])),
    );
    let denials = guest.denials.clone();
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            &format!("gethostbyaddr 127.0.0.1: ok {name:?}"),
            &format!("lookup_addr 127.0.0.1: ok {name:?}"),
        ],
    );
    assert!(denials.lock().unwrap().is_empty());

    let guest = spawn(
        "conformance",
        &["reverse-lookup", "127.0.0.1"],
        lookup_config(winsock_host::LookupGrant::Names(vec!["example.com".into()])),
    );
    let denials = guest.denials.clone();
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "gethostbyaddr 127.0.0.1: err 11001",
            "lookup_addr 127.0.0.1: err 11001",
        ],
    );
    let denials = denials.lock().unwrap();
    assert_eq!(denials.len(), 2, "one report per refusal: {denials:?}");
    assert_eq!(denials[0].action, "reverse lookup");
    assert_eq!(denials[0].target, format!("127.0.0.1 (answered {name})"));
}

#[test]
fn gethostbyaddr_without_the_lookup_grant_is_host_not_found_and_reported() {
    let guest = spawn(
        "conformance",
        &["reverse-lookup", "127.0.0.1"],
        GuestConfig::default(),
    );
    let denials = guest.denials.clone();
    let (_, out) = guest.finish();
    assert_lines(
        &out,
        &[
            "gethostbyaddr before startup: err 10093",
            "gethostbyaddr 127.0.0.1: err 11001",
            "lookup_addr 127.0.0.1: err 11001",
        ],
    );
    let denials = denials.lock().unwrap();
    let seen: Vec<(&str, &str)> = denials
        .iter()
        .map(|d| (d.action, d.target.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("reverse lookup", "127.0.0.1"),
            ("reverse lookup", "127.0.0.1")
        ]
    );

    // winsock-run prints one line per denial, naming the flag.
    let out = Command::new(host_binary("winsock-run"))
        .arg(guest_path("conformance"))
        .args(["reverse-lookup", "127.0.0.1"])
        .output()
        .expect("run winsock-run (built by cargo build --release)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        ["winsock-run: denied reverse lookup of 127.0.0.1: not granted; --allow-lookup grants it";
            2],
        "{stderr}"
    );
    let out = Command::new(host_binary("winsock-run"))
        .arg("--allow-lookup")
        .arg(guest_path("conformance"))
        .args(["reverse-lookup", "127.0.0.1"])
        .output()
        .unwrap();
    assert_lines(
        &String::from_utf8_lossy(&out.stdout),
        &[&format!(
            "gethostbyaddr 127.0.0.1: ok {:?}",
            loopback_name()
        )],
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
