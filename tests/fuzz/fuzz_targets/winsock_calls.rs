//! Arbitrary sequences of Winsock calls, with arbitrary arguments, straight
//! into the host's implementation over real loopback sockets (issue 5).
//!
//! After every call: no panic; a failure is a WSA code docs/errors.md lists (or a
//! trap only once the instance was torn down); the startup count and the
//! handle table agree with a small model. After the instance is dropped
//! (its teardown), the process's descriptor count is back at its baseline.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;
use std::net::{SocketAddr, TcpListener};
use std::sync::OnceLock;
use std::time::Duration;
use winsock_host::{
    Failure, Grants, InstanceControl, Limits, LookupGrant, NetRule, WinsockCtx, WsaError,
};

const MAX_SOCKETS: usize = 12;

#[derive(Arbitrary, Debug)]
enum Handle {
    /// One this instance was given (index into those seen).
    Known(u8),
    /// Any number at all.
    Raw(u32),
}

#[derive(Arbitrary, Debug)]
enum Addr {
    /// 127.0.0.1 at a port: 0, the native listener's, or any.
    Loopback(u8, u16),
    /// Outside the grant.
    Other([u8; 4], u16),
    V6Loopback(u16),
    V4Mapped([u8; 4], u16),
}

#[derive(Arbitrary, Debug)]
enum Call {
    Startup(u16, bool),
    Cleanup,
    Socket(i32, i32, i32),
    SocketTcp,
    SocketUdp,
    Close(Handle),
    Bind(Handle, Addr),
    Listen(Handle, i32),
    Accept(Handle),
    Connect(Handle, Addr),
    Send(Handle, u16, i32),
    Recv(Handle, i32, i32),
    SendTo(Handle, u16, i32, Addr),
    RecvFrom(Handle, i32, i32),
    Shutdown(Handle, i32),
    GetSockName(Handle),
    GetPeerName(Handle),
    GetSockOpt(Handle, i32, i32, i32),
    SetSockOpt(Handle, i32, i32, Option<Vec<u8>>),
    Ioctl(Handle, u32, u32),
    Select(Vec<Handle>, Vec<Handle>, Vec<Handle>, Option<u16>),
    Poll(Vec<(Handle, i16)>, i16),
    /// gethostbyaddr. Without the lookup grant any address is refused
    /// before any system call; with it (inputs of odd length) the address
    /// becomes 127.0.0.1 at the same port, so that every lookup is answered
    /// by the hosts file, never by the network.
    GetHostByAddr(Addr),
    HostCleanup,
    /// The embedder tears the instance down; every later call must trap.
    Teardown,
}

/// Option levels and names worth hitting often, beside arbitrary ones.
fn option(level: i32, name: i32) -> (i32, i32) {
    const LEVELS: [i32; 5] = [0xffff, 6, 0, 41, 17];
    const NAMES: [i32; 19] = [
        0x80, !0x80, 0x4, !0x4, 0x8, 0x20, 0x100, 0x1001, 0x1002, 0x1005, 0x1006, 0x1007, 0x1008,
        0x2, 1, 27, 3, 16, 17,
    ];
    let level = if level >= 0 {
        LEVELS[level as usize % LEVELS.len()]
    } else {
        level
    };
    let name = if name >= 0 {
        NAMES[name as usize % NAMES.len()]
    } else {
        name
    };
    (level, name)
}

fn ioctl(cmd: u32) -> u32 {
    const CMDS: [u32; 3] = [0x8004_667e, 0x4004_667f, 0x4004_7307];
    if cmd & 0x8000_0000 == 0 {
        CMDS[cmd as usize % 3]
    } else {
        cmd
    }
}

struct Fixture {
    runtime: tokio::runtime::Runtime,
    listener_port: u16,
    grants: Grants,
    /// `grants` plus the lookup of "localhost".
    grants_with_lookup: Grants,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        // A native peer that never accepts: connects to it complete from
        // the backlog; it holds no descriptor of ours per connection.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let listener_port = listener.local_addr().unwrap().port();
        std::mem::forget(listener);
        let mut grants = Grants::deny_all();
        for rule in ["127.0.0.1", "::1"] {
            let rule: NetRule = rule.parse().unwrap();
            grants.allow_connect(rule.clone()).allow_bind(rule);
        }
        let mut grants_with_lookup = grants.clone();
        grants_with_lookup.allow_lookup(LookupGrant::Names(vec!["localhost".into()]));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Fixture {
            runtime,
            listener_port,
            grants,
            grants_with_lookup,
        }
    })
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

struct Model {
    started: u32,
    open: BTreeSet<u32>,
    seen: Vec<u32>,
}

impl Model {
    fn handle(&self, h: &Handle) -> u32 {
        match h {
            Handle::Known(i) if !self.seen.is_empty() => self.seen[*i as usize % self.seen.len()],
            Handle::Known(i) => *i as u32,
            Handle::Raw(r) => *r,
        }
    }
}

fn addr(a: &Addr, listener_port: u16) -> SocketAddr {
    match a {
        Addr::Loopback(which, port) => {
            let port = match which % 3 {
                0 => 0,
                1 => listener_port,
                _ => *port,
            };
            SocketAddr::from(([127, 0, 0, 1], port))
        }
        Addr::Other(ip, port) => SocketAddr::from((*ip, *port)),
        Addr::V6Loopback(port) => SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, *port)),
        Addr::V4Mapped(ip, port) => {
            SocketAddr::from((std::net::Ipv4Addr::from(*ip).to_ipv6_mapped(), *port))
        }
    }
}

/// Checks a call's failure: a docs/errors.md code, or a trap after a teardown.
fn check<T>(r: &Result<T, Failure>, torn_down: bool, call: &Call) {
    match r {
        Ok(_) => {}
        // A WsaError is a docs/errors.md code by construction: its table is
        // generated from wit/types.wit (host/build.rs).
        Err(Failure::Wsa(_)) => {}
        Err(Failure::Trap(why)) => {
            assert!(torn_down, "{call:?} trapped ({why}) on a live instance")
        }
    }
}

/// Bounds every call: a blocking call that has not finished is dropped,
/// as when a guest is torn down mid-call.
async fn bounded<T>(
    f: impl std::future::Future<Output = Result<T, Failure>>,
) -> Option<Result<T, Failure>> {
    tokio::time::timeout(Duration::from_millis(5), f).await.ok()
}

fuzz_target!(|calls: Vec<Call>| {
    let fx = fixture();
    let baseline = open_fds();
    let lookup_granted = calls.len() % 2 == 1;
    fx.runtime.block_on(async {
        let grants = if lookup_granted {
            &fx.grants_with_lookup
        } else {
            &fx.grants
        };
        let mut ctx = WinsockCtx::builder()
            .grants(grants.clone())
            .limits(Limits {
                max_sockets: MAX_SOCKETS,
                max_linger: Duration::from_millis(10),
                max_bytes_per_call: 64 * 1024,
                ..Limits::default()
            })
            .build();
        let control: InstanceControl = ctx.control();
        let mut m = Model {
            started: 0,
            open: BTreeSet::new(),
            seen: Vec::new(),
        };
        for call in calls.iter().take(64) {
            let torn_down = control.is_torn_down();
            let started_before = m.started;
            match call {
                Call::Startup(v, data) => {
                    let r = ctx.wsa_startup(*v, *data);
                    check(&r, torn_down, call);
                    if let Ok(Ok(_)) = r {
                        m.started += 1;
                    }
                }
                Call::Cleanup => {
                    let r = ctx.wsa_cleanup();
                    check(&r, torn_down, call);
                    match r {
                        Ok(()) => {
                            m.started -= 1;
                            if m.started == 0 {
                                m.open.clear();
                            }
                        }
                        Err(Failure::Wsa(e)) => {
                            assert_eq!(
                                e,
                                WsaError::NotInitialised,
                                "cleanup with count {started_before}"
                            )
                        }
                        Err(_) => {}
                    }
                }
                Call::HostCleanup => {
                    // The embedder's final cleanup (InstanceControl).
                    control.cleanup();
                    m.started = 0;
                    m.open.clear();
                }
                Call::Teardown => {
                    control.teardown();
                    let r = ctx.socket(2, 1, 0);
                    assert!(
                        matches!(r, Err(Failure::Trap(_))),
                        "a call after teardown: {r:?}"
                    );
                }
                Call::Socket(af, ty, p) => {
                    let r = ctx.socket(*af, *ty, *p);
                    check(&r, torn_down, call);
                    if let Ok(h) = r {
                        m.open.insert(h);
                        m.seen.push(h);
                    }
                }
                Call::SocketTcp | Call::SocketUdp => {
                    let ty = if matches!(call, Call::SocketTcp) {
                        1
                    } else {
                        2
                    };
                    let r = ctx.socket(2, ty, 0);
                    check(&r, torn_down, call);
                    if let Ok(h) = r {
                        m.open.insert(h);
                        m.seen.push(h);
                    }
                }
                Call::Close(h) => {
                    let h = m.handle(h);
                    if let Some(r) = bounded(ctx.closesocket(h)).await {
                        check(&r, torn_down, call);
                        if r.is_ok() {
                            m.open.remove(&h);
                        }
                    } else {
                        // A lingering close that did not finish in time keeps
                        // the handle only if it is still in the table.
                        if control.socket_count() < m.open.len() {
                            m.open.remove(&h);
                        }
                    }
                }
                Call::Bind(h, a) => {
                    let r = ctx.bind(m.handle(h), addr(a, fx.listener_port));
                    check(&r, torn_down, call);
                }
                Call::Listen(h, backlog) => {
                    let r = ctx.listen(m.handle(h), *backlog);
                    check(&r, torn_down, call);
                }
                Call::Accept(h) => {
                    if let Some(r) = bounded(ctx.accept(m.handle(h))).await {
                        check(&r, torn_down, call);
                        if let Ok((new, _)) = r {
                            m.open.insert(new);
                            m.seen.push(new);
                        }
                    }
                }
                Call::Connect(h, a) => {
                    if let Some(r) =
                        bounded(ctx.connect(m.handle(h), addr(a, fx.listener_port))).await
                    {
                        check(&r, torn_down, call);
                    }
                }
                Call::Send(h, len, flags) => {
                    let buf = vec![0x42; *len as usize];
                    if let Some(r) = bounded(ctx.send(m.handle(h), &buf, *flags)).await {
                        check(&r, torn_down, call);
                    }
                }
                Call::Recv(h, len, flags) => {
                    if let Some(r) = bounded(ctx.recv(m.handle(h), *len, *flags)).await {
                        check(&r, torn_down, call);
                        if let Ok(got) = &r {
                            assert!(
                                got.data.len() <= (*len).max(0) as usize,
                                "recv returned more than asked"
                            );
                        }
                    }
                }
                Call::SendTo(h, len, flags, a) => {
                    let buf = vec![0x17; *len as usize];
                    let to = addr(a, fx.listener_port);
                    if let Some(r) = bounded(ctx.sendto(m.handle(h), &buf, *flags, to)).await {
                        check(&r, torn_down, call);
                    }
                }
                Call::RecvFrom(h, len, flags) => {
                    if let Some(r) = bounded(ctx.recvfrom(m.handle(h), *len, *flags)).await {
                        check(&r, torn_down, call);
                    }
                }
                Call::Shutdown(h, how) => {
                    let r = ctx.shutdown(m.handle(h), *how);
                    check(&r, torn_down, call);
                }
                Call::GetSockName(h) => {
                    let r = ctx.getsockname(m.handle(h));
                    check(&r, torn_down, call);
                }
                Call::GetPeerName(h) => {
                    let r = ctx.getpeername(m.handle(h));
                    check(&r, torn_down, call);
                }
                Call::GetSockOpt(h, level, name, optlen) => {
                    let (level, name) = option(*level, *name);
                    let r = ctx.getsockopt(m.handle(h), level, name, *optlen);
                    check(&r, torn_down, call);
                    if let Ok(v) = &r {
                        assert!(
                            v.len() <= (*optlen).max(0) as usize,
                            "getsockopt wrote past optlen"
                        );
                    }
                }
                Call::SetSockOpt(h, level, name, value) => {
                    let (level, name) = option(*level, *name);
                    let r = ctx.setsockopt(m.handle(h), level, name, value.as_deref());
                    check(&r, torn_down, call);
                }
                Call::Ioctl(h, cmd, arg) => {
                    let r = ctx.ioctlsocket(m.handle(h), ioctl(*cmd), *arg);
                    check(&r, torn_down, call);
                }
                Call::Select(r, w, e, timeout) => {
                    let list = |v: &Vec<Handle>| v.iter().map(|h| m.handle(h)).collect::<Vec<_>>();
                    let (r, w, e) = (list(r), list(w), list(e));
                    let timeout = timeout.map(|t| Duration::from_micros(t as u64 % 2000));
                    if let Some(res) = bounded(ctx.select(&r, &w, &e, timeout)).await {
                        check(&res, torn_down, call);
                        if let Ok([rr, ww, ee]) = &res {
                            assert!(
                                rr.iter().all(|h| r.contains(h)),
                                "select reported a handle not asked for"
                            );
                            assert!(ww.iter().all(|h| w.contains(h)));
                            assert!(ee.iter().all(|h| e.contains(h)));
                        }
                    }
                }
                Call::GetHostByAddr(a) => {
                    let mut to = addr(a, fx.listener_port);
                    if lookup_granted {
                        to.set_ip([127, 0, 0, 1].into());
                    }
                    // Not bounded: a reverse lookup runs on the blocking
                    // pool, and one left running would hold the resolver's
                    // descriptors past the teardown check.
                    let r = ctx.gethostbyaddr(to).await;
                    check(&r, torn_down, call);
                    match (&r, torn_down, m.started) {
                        (Err(Failure::Trap(_)), _, _) | (_, true, _) => {}
                        (r, false, 0) => assert!(
                            matches!(r, Err(Failure::Wsa(WsaError::NotInitialised))),
                            "gethostbyaddr before startup: {r:?}"
                        ),
                        (Ok(name), false, _) => assert!(
                            lookup_granted && name.eq_ignore_ascii_case("localhost"),
                            "gethostbyaddr answered an ungranted name {name:?}"
                        ),
                        (Err(Failure::Wsa(e)), false, _) => assert!(
                            lookup_granted || *e == WsaError::HostNotFound,
                            "gethostbyaddr without the grant: {e:?}"
                        ),
                    }
                }
                Call::Poll(fds, timeout) => {
                    let fds: Vec<(u32, i16)> =
                        fds.iter().map(|(h, ev)| (m.handle(h), *ev)).collect();
                    if let Some(r) = bounded(ctx.wsapoll(&fds, (*timeout as i32) % 3)).await {
                        check(&r, torn_down, call);
                        if let Ok(revents) = &r {
                            assert_eq!(revents.len(), fds.len(), "one revents per entry");
                        }
                    }
                }
            }
            if !control.is_torn_down() {
                assert_eq!(
                    control.startup_count(),
                    m.started,
                    "startup count after {call:?}"
                );
                assert_eq!(
                    control.socket_count(),
                    m.open.len(),
                    "open sockets after {call:?}"
                );
            }
        }
        drop(ctx);
        // Let the runtime drop what the teardown released.
        tokio::task::yield_now().await;
    });
    let after = open_fds();
    assert_eq!(
        after, baseline,
        "descriptors after teardown: {after}, baseline {baseline}"
    );
});
