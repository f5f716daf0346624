//! Scenarios for the crate's asynchronous model (docs/async.md, issue 11):
//! events and waits, WSAEventSelect, overlapped operations and their
//! cancellation, through `winsock_guest`'s safe API. Each prints what it
//! observed; tests/tests/async_model.rs compares it with Windows' rules
//! and checks the native peer's side.

use crate::say;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use winsock_guest::{
    Event, NetworkEvents, Overlapped, Socket, WaitFor, Winsock, WsaError, wait_for_events,
};

/// Long enough for any native peer in the tests; a wait that takes it
/// prints TimedOut and the test fails on the line.
const PATIENCE: Option<Duration> = Some(Duration::from_secs(10));

fn code<T>(r: Result<T, WsaError>) -> Result<T, i32> {
    r.map_err(|e| e.code())
}

fn peer_at(port: u16) -> Socket {
    Socket::connect_tcp(SocketAddr::from(([127, 0, 0, 1], port))).expect("connect to the peer")
}

pub fn run(name: &str, port: impl Fn() -> u16, arg3: &str) -> bool {
    match name {
        "async-select-connect" => select_connect(port(), arg3.parse().expect("refused port")),
        "async-events" => events(),
        "async-select-data" => select_data(port()),
        "async-select-accept" => select_accept(),
        "async-overlapped-recv" => overlapped_recv(port()),
        "async-overlapped-send" => overlapped_send(port()),
        "async-overlapped-cancel" => overlapped_cancel(port()),
        "async-overlapped-close" => overlapped_close(port()),
        "async-overlapped-cleanup" => overlapped_cleanup(port()),
        "async-host-cleanup" => host_cleanup(port()),
        _ => return false,
    }
    true
}

fn events() {
    let _wsa = Winsock::startup(2, 2).expect("startup");
    let manual = Event::new();
    say(format!(
        "new: manual {} set {}",
        manual.is_manual_reset(),
        manual.is_set()
    ));
    manual.set();
    say(format!(
        "manual wait: {:?}",
        code(wait_for_events(
            &[&manual],
            WaitFor::Any,
            Some(Duration::ZERO)
        ))
    ));
    say(format!("manual still set: {}", manual.is_set()));
    manual.reset();
    say(format!("manual after reset: {}", manual.is_set()));

    let auto = Event::auto_reset(true);
    say(format!(
        "auto wait: {:?}",
        code(wait_for_events(
            &[&auto],
            WaitFor::Any,
            Some(Duration::ZERO)
        ))
    ));
    say(format!("auto after its wait: {}", auto.is_set()));

    let (a, b, c) = (Event::new(), Event::new(), Event::new());
    b.set();
    c.set();
    say(format!(
        "any, lowest index: {:?}",
        code(wait_for_events(&[&a, &b, &c], WaitFor::Any, None))
    ));
    let started = Instant::now();
    let r = wait_for_events(&[&a, &b], WaitFor::All, Some(Duration::from_millis(120)));
    say(format!(
        "all with one unset: {:?}, slept >= 110 ms: {}",
        code(r),
        started.elapsed() >= Duration::from_millis(110)
    ));
    a.set();
    say(format!(
        "all set: {:?}",
        code(wait_for_events(&[&a, &b], WaitFor::All, None))
    ));
    let idle = Event::new();
    say(format!(
        "forever on what nothing can set: {:?}",
        code(wait_for_events(&[&idle], WaitFor::Any, None))
    ));
    say(format!("last error after it: {}", WsaError::last().code()));
    say(format!(
        "no events: {:?}",
        code(wait_for_events(&[], WaitFor::Any, None))
    ));
    say(format!(
        "same event twice in wait-all: {:?}",
        code(wait_for_events(&[&a, &a], WaitFor::All, None))
    ));
}

/// Waits for `event`, then prints the socket's record.
fn wait_and_enum(label: &str, s: &Socket, event: &Event) {
    let w = wait_for_events(&[event], WaitFor::Any, PATIENCE);
    let r = s.enum_network_events(Some(event));
    say(format!("{label}: wait {:?}", code(w)));
    match r {
        Ok(r) => say(format!(
            "{label}: {:?} read {} close {}",
            r.events,
            r.error_code(NetworkEvents::READ),
            r.error_code(NetworkEvents::CLOSE)
        )),
        Err(e) => say(format!("{label}: err {}", e.code())),
    }
}

fn show_record(label: &str, s: &Socket, event: Option<&Event>) {
    match s.enum_network_events(event) {
        Ok(r) => say(format!("{label}: {:?}", r.events)),
        Err(e) => say(format!("{label}: err {}", e.code())),
    }
}

fn select_data(port: u16) {
    let _wsa = Winsock::startup(2, 2).expect("startup");
    let s = peer_at(port);
    let e = Event::new();
    say(format!(
        "event_select: {:?}",
        code(s.event_select(
            &e,
            NetworkEvents::READ | NetworkEvents::WRITE | NetworkEvents::CLOSE
        ))
    ));
    say(format!("event set at once: {}", e.is_set()));
    show_record("connected socket", &s, Some(&e));
    say(format!("event after enum: {}", e.is_set()));
    say(format!(
        "set_nonblocking(false): {:?}",
        code(s.set_nonblocking(false))
    ));
    let mut buf = [0u8; 64];
    say(format!("recv with nothing: {:?}", code(s.recv(&mut buf))));
    say("ready for data");
    wait_and_enum("data", &s, &e);
    show_record("again before recv", &s, None);
    let n = s.recv(&mut buf[..2]).expect("recv 2");
    say(format!("recv 2: {:?}", String::from_utf8_lossy(&buf[..n])));
    show_record("after a partial recv", &s, Some(&e));
    let n = s.recv(&mut buf).expect("recv rest");
    say(format!(
        "recv rest: {:?}",
        String::from_utf8_lossy(&buf[..n])
    ));
    show_record("after reading all", &s, Some(&e));
    say("ready for close");
    wait_and_enum("close", &s, &e);
    show_record("after the close", &s, None);
    say(format!(
        "clear_event_select: {:?}, set_nonblocking(false): {:?}",
        code(s.clear_event_select()),
        code(s.set_nonblocking(false))
    ));
}

fn select_accept() {
    let _wsa = Winsock::startup(2, 2).expect("startup");
    let l = Socket::listen_tcp(SocketAddr::from(([127, 0, 0, 1], 0)), 5).expect("listen");
    let e = Event::new();
    say(format!(
        "event_select: {:?}",
        code(l.event_select(
            &e,
            NetworkEvents::ACCEPT
                | NetworkEvents::READ
                | NetworkEvents::WRITE
                | NetworkEvents::CLOSE
        ))
    ));
    show_record("listener idle", &l, None);
    say(format!("listening on {}", l.local_addr().unwrap().port()));
    wait_and_enum("connection", &l, &e);
    let (a, _) = l.accept().expect("accept");
    show_record("listener after accept", &l, None);
    say(format!(
        "accepted set_nonblocking(false): {:?}",
        code(a.set_nonblocking(false))
    ));
    // FD_WRITE at once for the accepted socket, then its data.
    let mut seen = NetworkEvents::NONE;
    let started = Instant::now();
    while !seen.contains(NetworkEvents::READ) && started.elapsed() < Duration::from_secs(10) {
        let _ = wait_for_events(&[&e], WaitFor::Any, PATIENCE);
        seen |= a.enum_network_events(Some(&e)).expect("enum").events;
    }
    say(format!("accepted socket saw: {seen:?}"));
    let mut buf = [0u8; 16];
    let n = a.recv(&mut buf).expect("recv");
    say(format!(
        "accepted recv: {:?}",
        String::from_utf8_lossy(&buf[..n])
    ));
    say("ready for reset");
    wait_and_enum("reset", &a, &e);
    say(format!("recv after reset: {:?}", code(a.recv(&mut buf))));
}

fn text(r: Result<(Vec<u8>, usize), WsaError>) -> String {
    match r {
        Ok((buf, n)) => format!("Ok({:?})", String::from_utf8_lossy(&buf[..n])),
        Err(e) => format!("Err({})", e.code()),
    }
}

fn overlapped_recv(port: u16) {
    let _wsa = Winsock::startup(2, 2).expect("startup");
    let s = peer_at(port);
    let e = Event::new();
    let mut op = s.recv_overlapped(vec![0; 16], Some(&e)).expect("issue");
    say(format!(
        "pending: complete {} event {} result {}",
        op.is_complete(),
        e.is_set(),
        text(op.result(false))
    ));
    say(format!("last error: {}", WsaError::last().code()));
    say("ready for data");
    say(format!(
        "wait: {:?}",
        code(wait_for_events(&[&e], WaitFor::Any, PATIENCE))
    ));
    say(format!("result: {}", text(op.result(false))));

    let (e1, e2) = (Event::new(), Event::new());
    let mut first = s.recv_overlapped(vec![0; 4], Some(&e1)).expect("first");
    let mut second = s.recv_overlapped(vec![0; 4], Some(&e2)).expect("second");
    say(format!(
        "two pending: {} {}",
        !first.is_complete(),
        !second.is_complete()
    ));
    say("ready for two");
    say(format!(
        "wait all: {:?}",
        code(wait_for_events(&[&e2, &e1], WaitFor::All, PATIENCE))
    ));
    say(format!("first: {}", text(first.result(false))));
    say(format!("second: {}", text(second.result(false))));
    // Completes at once when the data is there: the event is set already.
    let e3 = Event::new();
    let mut third = s.recv_overlapped(vec![0; 8], Some(&e3)).expect("third");
    say(format!(
        "with data queued: complete {} event {} result {}",
        third.is_complete(),
        e3.is_set(),
        text(third.result(false))
    ));
    say("ready for close");
    let mut eof = s.recv_overlapped(vec![0; 8], None).expect("eof");
    say(format!(
        "at the peer's close: {:?}",
        code(eof.result(true).map(|(_, n)| n))
    ));
}

fn overlapped_send(port: u16) {
    let _wsa = Winsock::startup(2, 2).expect("startup");
    let s = peer_at(port);
    let e = Event::new();
    let mut small = s
        .send_overlapped(b"overlapped send|".to_vec(), Some(&e))
        .expect("small");
    say(format!(
        "small: event {} result {:?}",
        e.is_set(),
        code(small.result(true).map(|(b, n)| (b.len(), n)))
    ));
    // More than the socket buffers hold: pending until the peer reads.
    // Nonblocking, so that no try waits for the peer (see Overlapped's
    // documentation on blocking sockets).
    s.set_nonblocking(true).expect("FIONBIO");
    let big: Vec<u8> = (0..16u32 << 20).map(|i| (i % 251) as u8).collect();
    let (eb, et) = (Event::new(), Event::new());
    let mut op = s.send_overlapped(big, Some(&eb)).expect("big");
    // Issued behind the big one: sent after it, in order.
    let mut tail = s
        .send_overlapped(b"|tail".to_vec(), Some(&et))
        .expect("tail");
    say(format!(
        "big pending: {} tail pending: {}",
        !op.is_complete(),
        !tail.is_complete()
    ));
    say("ready to read");
    say(format!(
        "wait all: {:?}",
        code(wait_for_events(&[&eb, &et], WaitFor::All, PATIENCE))
    ));
    say(format!(
        "big: {:?}",
        code(op.result(false).map(|(b, n)| (b.len(), n)))
    ));
    say(format!(
        "tail: {:?}",
        code(tail.result(false).map(|(b, n)| (b.len(), n)))
    ));
}

fn overlapped_cancel(port: u16) {
    let _wsa = Winsock::startup(2, 2).expect("startup");
    let s = peer_at(port);
    let e = Event::new();
    let op = s.recv_overlapped(vec![0; 8], Some(&e)).expect("issue");
    say(format!("pending: {}", !op.is_complete()));
    drop(op);
    say(format!("dropped: event {}", e.is_set()));
    let mut op = s.recv_overlapped(vec![0; 8], None).expect("issue 2");
    say(format!("cancel: {:?}", code(op.cancel())));
    say(format!("result: {}", text(op.result(false))));
    say(format!("cancel again: {:?}", code(op.cancel())));
    let buf = op.into_buffer();
    say(format!("buffer back: {}", buf.len()));
    say("ready for data");
    let mut buf = [0u8; 16];
    let n = s.recv(&mut buf).expect("recv");
    say(format!(
        "plain recv gets it all: {:?}",
        String::from_utf8_lossy(&buf[..n])
    ));
}

fn overlapped_close(port: u16) {
    let _wsa = Winsock::startup(2, 2).expect("startup");
    let s = peer_at(port);
    let e = Event::new();
    let mut op = s.recv_overlapped(vec![0; 8], Some(&e)).expect("issue");
    say(format!(
        "pending: {} event {}",
        !op.is_complete(),
        e.is_set()
    ));
    let h = s.raw();
    say(format!(
        "close: {:?}",
        s.close().map_err(|e| e.error.code())
    ));
    say(format!(
        "after close: complete {} event {} result {}",
        op.is_complete(),
        e.is_set(),
        text(op.result(false))
    ));
    let again = Socket::from_raw(h)
        .recv_overlapped(vec![0; 1], None)
        .map(|_| ());
    say(format!("issue on the closed handle: {:?}", code(again)));
}

fn overlapped_cleanup(port: u16) {
    let wsa = Winsock::startup(2, 2).expect("startup");
    let s = peer_at(port);
    let e = Event::new();
    let mut op: Overlapped = s.recv_overlapped(vec![0; 8], Some(&e)).expect("issue");
    let selected = Event::new();
    let _ = s.event_select(&selected, NetworkEvents::CLOSE);
    say(format!(
        "pending: {} event {}",
        !op.is_complete(),
        e.is_set()
    ));
    say(format!("final cleanup: {:?}", code(wsa.cleanup())));
    say(format!(
        "after cleanup: complete {} event {} select event {} result {}",
        op.is_complete(),
        e.is_set(),
        selected.is_set(),
        text(op.result(true))
    ));
    say(format!(
        "wait on it: {:?}",
        code(wait_for_events(&[&e], WaitFor::Any, None))
    ));
    std::mem::forget(s); // its handle died with the cleanup
}

/// A host-triggered cleanup while the program waits on its events: the
/// wait fails WSAEINTR, the operation ends 995 with no event set (docs/teardown.md,
/// 11).
fn host_cleanup(port: u16) {
    let _wsa = Winsock::startup(2, 2).expect("startup");
    let s = peer_at(port);
    let e = Event::new();
    let idle = Event::new();
    let mut op = s.recv_overlapped(vec![0; 8], Some(&e)).expect("issue");
    say("waiting");
    say(format!(
        "wait on the operation: {:?}",
        code(wait_for_events(&[&e], WaitFor::Any, None))
    ));
    say(format!(
        "after: complete {} event {} result {}",
        op.is_complete(),
        e.is_set(),
        text(op.result(false))
    ));
    // A wait no socket can end sleeps in the host too: the cleanup ended
    // the startup, so it is a plain timed sleep now.
    say(format!(
        "timed wait afterwards: {:?}",
        code(wait_for_events(
            &[&idle],
            WaitFor::Any,
            Some(Duration::from_millis(20))
        ))
    ));
    std::mem::forget(s);
}

/// A nonblocking connect's end is FD_CONNECT (with FD_WRITE when it
/// succeeded), its error slot 0 or the connect's error.
fn select_connect(port: u16, refused: u16) {
    let _wsa = Winsock::startup(2, 2).expect("startup");
    for (label, port) in [("to the peer", port), ("refused", refused)] {
        let s = Socket::tcp_v4().expect("socket");
        let e = Event::new();
        say(format!(
            "{label}: event_select {:?}",
            code(s.event_select(
                &e,
                NetworkEvents::CONNECT | NetworkEvents::WRITE | NetworkEvents::CLOSE
            ))
        ));
        show_record(&format!("{label}: before connect"), &s, None);
        say(format!(
            "{label}: connect {:?}",
            code(s.connect(SocketAddr::from(([127, 0, 0, 1], port))))
        ));
        let mut seen = NetworkEvents::NONE;
        let mut connect_error = None;
        let started = Instant::now();
        while !seen.contains(NetworkEvents::CONNECT) && started.elapsed() < Duration::from_secs(10)
        {
            let _ = wait_for_events(&[&e], WaitFor::Any, PATIENCE);
            let r = s.enum_network_events(Some(&e)).expect("enum");
            if r.events.contains(NetworkEvents::CONNECT) {
                connect_error = Some(r.error_code(NetworkEvents::CONNECT));
            }
            seen |= r.events;
        }
        say(format!("{label}: {seen:?} connect error {connect_error:?}"));
    }
}
