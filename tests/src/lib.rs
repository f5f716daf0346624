//! The harness the integration tests share: guest components compiled once
//! per test binary, guests run on their own threads with captured stdout,
//! native peers on 127.0.0.1, and the host's descriptor count.
//!
//! Guests are built before the tests by the README's test command
//! (`cargo build --release --target wasm32-wasip2 -p conformance ...`).

use std::collections::HashMap;
use std::io::{ErrorKind, Read};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use wasmtime::component::Component;
use wasmtime_wasi::WasiCtx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use winsock_host::command::{CommandRunner, Exit};
use winsock_host::{Denial, Grants, InstanceControl, Limits, NetRule, WinsockCtx};

pub use winsock_host;

/// Where cargo put the wasm32-wasip2 guests.
pub fn guest_path(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target
        .join("wasm32-wasip2/release")
        .join(format!("{name}.wasm"))
}

/// The compiled-component cache the tests share, inside the target dir.
pub fn test_cache() -> winsock_host::cache::ComponentCache {
    winsock_host::cache::ComponentCache::new(target_dir().join("component-cache"))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// The workspace's release binaries (winsock-run).
pub fn host_binary(name: &str) -> PathBuf {
    target_dir().join("release").join(name)
}

/// The engine and linker every test guest runs on.
pub fn runner() -> &'static CommandRunner {
    static RUNNER: OnceLock<CommandRunner> = OnceLock::new();
    RUNNER.get_or_init(|| CommandRunner::new().expect("engine"))
}

/// A guest component, compiled once per test binary.
pub fn component(name: &str) -> Component {
    static CACHE: OnceLock<Mutex<HashMap<String, Component>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap();
    if let Some(c) = cache.get(name) {
        return c.clone();
    }
    let path = guest_path(name);
    assert!(
        path.exists(),
        "{} is missing: build the guests first (bash tests/run.sh)",
        path.display()
    );
    // Compiled once for all test binaries (the Python guest takes seconds).
    let (c, _) = runner()
        .load_cached(&path, &test_cache())
        .expect("compile guest");
    cache.insert(name.to_string(), c.clone());
    c
}

/// How a guest instance is set up.
pub struct GuestConfig {
    pub grants: Grants,
    pub limits: Limits,
}

impl Default for GuestConfig {
    /// Loopback granted for connect and bind: what most scenarios need.
    fn default() -> Self {
        let mut grants = Grants::deny_all();
        let lo: NetRule = "127.0.0.0/8".parse().unwrap();
        grants.allow_connect(lo.clone()).allow_bind(lo);
        GuestConfig {
            grants,
            limits: Limits::default(),
        }
    }
}

impl GuestConfig {
    pub fn deny_all() -> Self {
        GuestConfig {
            grants: Grants::deny_all(),
            limits: Limits::default(),
        }
    }
}

/// A guest running on its own thread (with its own tokio runtime).
pub struct RunningGuest {
    stdout: MemoryOutputPipe,
    pub control: InstanceControl,
    pub denials: Arc<Mutex<Vec<Denial>>>,
    thread: Option<JoinHandle<wasmtime::Result<Exit>>>,
}

impl RunningGuest {
    /// What the guest printed so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.contents()).into_owned()
    }

    /// Waits until the guest printed a line starting with `prefix`; returns it.
    pub fn wait_for_line(&self, prefix: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            if let Some(line) = self.stdout().lines().find(|l| l.starts_with(prefix)) {
                return line.to_string();
            }
            assert!(
                start.elapsed() < timeout,
                "guest never printed {prefix:?}; it printed:\n{}",
                self.stdout()
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Waits for the guest to end: its exit and everything it printed.
    pub fn finish(mut self) -> (Exit, String) {
        let exit = self
            .thread
            .take()
            .unwrap()
            .join()
            .expect("guest thread panicked");
        let out = self.stdout();
        match exit {
            Ok(e) => (e, out),
            Err(e) => panic!("guest failed: {e:?}\nstdout:\n{out}"),
        }
    }

    /// Waits for the guest to end and returns the error it trapped with.
    pub fn finish_trapped(mut self) -> (wasmtime::Error, String) {
        let exit = self
            .thread
            .take()
            .unwrap()
            .join()
            .expect("guest thread panicked");
        let out = self.stdout();
        match exit {
            Ok(e) => panic!("guest was expected to trap, it exited {e:?}\nstdout:\n{out}"),
            Err(e) => (e, out),
        }
    }
}

/// Starts `guest` with argv `[guest, args...]`.
pub fn spawn(guest: &str, args: &[&str], config: GuestConfig) -> RunningGuest {
    let component = component(guest);
    let stdout = MemoryOutputPipe::new(1 << 20);
    let mut wasi = WasiCtx::builder();
    wasi.stdout(stdout.clone()).inherit_stderr();
    wasi.arg(guest);
    wasi.args(args);
    let wasi = wasi.build();
    let denials = Arc::new(Mutex::new(Vec::new()));
    let seen = denials.clone();
    let winsock = WinsockCtx::builder()
        .grants(config.grants)
        .limits(config.limits)
        .on_denial(move |d| seen.lock().unwrap().push(d.clone()))
        .build();
    let control = winsock.control();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(runner().run(&component, wasi, winsock))
    });
    RunningGuest {
        stdout,
        control,
        denials,
        thread: Some(thread),
    }
}

/// A native HTTP server that answers one request with `response`; the
/// thread returns the request it read.
pub fn one_shot_http_server(response: &'static [u8]) -> (u16, JoinHandle<String>) {
    let (l, port) = listener();
    let server = std::thread::spawn(move || {
        let timeout = Duration::from_secs(10);
        let mut s = accept_within(&l, timeout).expect("client connects");
        let mut req = Vec::new();
        let mut buf = [0u8; 1024];
        s.set_read_timeout(Some(timeout)).unwrap();
        while !req.ends_with(b"\r\n\r\n") {
            let n = s.read(&mut buf).unwrap();
            assert!(
                n > 0,
                "request ended early: {:?}",
                String::from_utf8_lossy(&req)
            );
            req.extend_from_slice(&buf[..n]);
        }
        std::io::Write::write_all(&mut s, response).unwrap();
        String::from_utf8(req).unwrap()
    });
    (port, server)
}

/// Starts the conformance guest's `scenario` with a native listener's port
/// as its first argument (then `extra`), and accepts its connection.
pub fn spawn_with_peer(
    scenario: &str,
    extra: &[&str],
    config: GuestConfig,
) -> (RunningGuest, TcpStream) {
    let (l, port) = listener();
    let port = port.to_string();
    let mut args = vec![scenario, port.as_str()];
    args.extend_from_slice(extra);
    let guest = spawn("conformance", &args, config);
    let peer = accept_within(&l, Duration::from_secs(10)).expect("the guest connects to its peer");
    (guest, peer)
}

/// Runs `guest` to the end; returns its exit code and output.
pub fn run(guest: &str, args: &[&str], config: GuestConfig) -> (i32, String) {
    match spawn(guest, args, config).finish() {
        (Exit::Code(c), out) => (c, out),
        (Exit::TornDown, out) => panic!("guest was torn down\n{out}"),
    }
}

/// Asserts that every expected line appears in `out`, in order.
#[track_caller]
pub fn assert_lines(out: &str, expected: &[&str]) {
    let lines: Vec<&str> = out.lines().collect();
    let mut at = 0;
    for want in expected {
        match lines[at..].iter().position(|l| l == want) {
            Some(i) => at += i + 1,
            None => panic!("expected line {want:?} (in order) not found in guest output:\n{out}"),
        }
    }
    assert!(
        !out.contains("LASTERROR-MISMATCH"),
        "WSAGetLastError disagreed with a call's result:\n{out}"
    );
}

/// A native listener on 127.0.0.1 with an ephemeral port.
pub fn listener() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

/// Accepts one connection, giving up after `timeout`.
pub fn accept_within(l: &TcpListener, timeout: Duration) -> Option<TcpStream> {
    l.set_nonblocking(true).unwrap();
    let start = Instant::now();
    loop {
        match l.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false).unwrap();
                return Some(s);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock && start.elapsed() < timeout => {
                std::thread::sleep(Duration::from_millis(2))
            }
            Err(_) => return None,
        }
    }
}

/// A native echo server for one connection; the thread returns the number of
/// bytes it echoed once the client closed.
pub fn native_echo_server() -> (u16, JoinHandle<usize>) {
    let (l, port) = listener();
    let server = std::thread::spawn(move || {
        let Some(mut s) = accept_within(&l, Duration::from_secs(30)) else {
            return 0;
        };
        let mut buf = [0u8; 1024];
        let mut total = 0;
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => return total,
                Ok(n) => {
                    if std::io::Write::write_all(&mut s, &buf[..n]).is_err() {
                        return total;
                    }
                    total += n;
                }
            }
        }
    });
    (port, server)
}

/// What a native peer saw at the end of a connection.
#[derive(Debug, PartialEq, Eq)]
pub enum PeerEnd {
    /// Orderly close (FIN): read returned 0.
    Eof,
    /// The connection was reset: read failed ECONNRESET.
    Reset,
    /// Nothing arrived within the timeout.
    Silent,
}

/// Reads until the connection ends (or `timeout` passes with nothing new);
/// returns the bytes and how it ended.
pub fn read_to_end(s: &mut TcpStream, timeout: Duration) -> (Vec<u8>, PeerEnd) {
    s.set_read_timeout(Some(timeout)).unwrap();
    let mut data = Vec::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return (data, PeerEnd::Eof),
            Ok(n) => data.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return (data, PeerEnd::Reset),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return (data, PeerEnd::Silent);
            }
            Err(e) => panic!("peer read failed: {e}"),
        }
    }
}

/// The host process's open descriptors.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}
