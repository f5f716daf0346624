//! winsock-bench: the same client workloads on three paths, in one process,
//! pinned to one CPU, alternating the paths round by round:
//!
//! - **native**: Rust std::net in this process;
//! - **wasi:sockets**: the same client as a Rust std::net guest
//!   (`bench-std-client`) on wasmtime-wasi 48's sockets;
//! - **winsock**: the same client written with winsock-guest
//!   (`bench-winsock-client`) through winsock-host.
//!
//! The peers are native threads of this process. The server rows turn it
//! around: a guest echo server (the Rust select() example `echo-server`, and
//! the legacy C select() example built by winsock-cc, `c-echo-server`) under
//! a native client, beside a native echo thread.
//!
//! Prints a markdown table and writes a JSON report. Options:
//! `--quick` shrinks every workload (a smoke run); `--rounds N` (default 3)
//! sets how many alternating rounds each figure is the median of; `--no-pin`
//! leaves CPU placement to the kernel; `--report FILE` (alias `--out`) is
//! where the JSON goes (default `bench/report.json` under `CARGO_TARGET_DIR`,
//! else under `./target`); `--guests DIR` (or `WINSOCK_BENCH_GUESTS`) is
//! where the guest components are (default `wasm32-wasip2/release` under the
//! same target directory); `--only W1,W2` runs some workloads (bulk,
//! pingpong, connect, cleanup, idle, instantiate, server, trace) and
//! `--paths P1,P2` some paths (native, wasi, winsock), for profiling and
//! A/B runs.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use wasmtime::component::Component;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder};
use winsock_host::cache::ComponentCache;
use winsock_host::command::CommandRunner;
use winsock_host::command::Exit;
use winsock_host::{Grants, Limits, NetRule, WinsockCtx};

/// Counts the host's live heap bytes, so that "host memory per instance"
/// can leave out guest linear memory (which wasmtime maps, not mallocs).
struct CountingAlloc;

static LIVE_HEAP: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_HEAP.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_HEAP.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_HEAP.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Path {
    Native,
    Wasi,
    Winsock,
}

const PATHS: [Path; 3] = [Path::Native, Path::Wasi, Path::Winsock];

struct Sizes {
    bulk_bytes: u64,
    bulk_chunk: u64,
    pingpong_rounds: u64,
    connect_cycles: u64,
    cleanup_conns: u64,
    idle_instances: usize,
    idle_wakes: usize,
    instantiations: usize,
    echo_bytes: u64,
}

/// Who serves the server rows: a native echo thread or a guest echo server.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Server {
    Native,
    /// examples/echo-server: select() over winsock-guest, in Rust.
    Rust,
    /// examples/c/echo-server built by winsock-cc: the legacy C select() server.
    C,
}

const SERVERS: [Server; 3] = [Server::Native, Server::Rust, Server::C];

struct Bench {
    runner: CommandRunner,
    std_client: Component,
    winsock_client: Component,
    /// The guest echo servers, loaded when the server rows run.
    echo_servers: Option<(Component, Component)>,
    sizes: Sizes,
}

use common::{arg, arg_str, target_dir};

fn listener() -> (TcpListener, u16) {
    // A deep backlog: the cleanup workload opens 1,000 connections at once.
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    sock.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    sock.listen(4096).unwrap();
    let l: TcpListener = sock.into();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn field(out: &str, name: &str) -> f64 {
    out.split_whitespace()
        .skip_while(|w| *w != name)
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in guest output {out:?}"))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

impl Bench {
    fn wasi_ctx(path: Path, args: &[String], stdout: &MemoryOutputPipe) -> WasiCtx {
        let mut b = WasiCtxBuilder::new();
        b.stdout(stdout.clone()).inherit_stderr().args(args);
        if path == Path::Wasi {
            // wasi:sockets, granted loopback only (as winsock is below).
            b.inherit_network()
                .allow_tcp(true)
                .allow_ip_name_lookup(false);
            // Its connect first checks an implicit bind of 0.0.0.0:0.
            b.socket_addr_check(|addr, _| {
                Box::pin(async move { addr.ip().is_loopback() || addr.ip().is_unspecified() })
            });
        }
        b.build()
    }

    fn winsock_ctx(&self) -> WinsockCtx {
        let mut grants = Grants::deny_all();
        let lo: NetRule = "127.0.0.0/8".parse().unwrap();
        grants.allow_connect(lo.clone()).allow_bind(lo);
        WinsockCtx::builder()
            .grants(grants)
            .limits(Limits {
                max_sockets: 4096,
                ..Limits::default()
            })
            .build()
    }

    fn component(&self, path: Path) -> (&Component, &'static str) {
        match path {
            Path::Wasi => (&self.std_client, "bench-std-client"),
            _ => (&self.winsock_client, "bench-winsock-client"),
        }
    }

    /// Runs one client workload as a guest on this thread; returns its stdout.
    fn guest(&self, path: Path, args: &[String]) -> String {
        let (component, name) = self.component(path);
        let stdout = MemoryOutputPipe::new(1 << 16);
        let mut argv = vec![name.to_string()];
        argv.extend_from_slice(args);
        let wasi = Self::wasi_ctx(path, &argv, &stdout);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(self.runner.run(component, wasi, self.winsock_ctx()))
            .expect("guest ran");
        String::from_utf8_lossy(&stdout.contents()).into_owned()
    }

    fn bulk(&self, path: Path) -> f64 {
        let (l, port) = listener();
        let reader = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            let start = Instant::now();
            let mut buf = vec![0u8; 256 * 1024];
            let mut total = 0u64;
            loop {
                match s.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => total += n as u64,
                    Err(e) => panic!("bulk reader: {e}"),
                }
            }
            (total, start.elapsed())
        });
        let (bytes, chunk) = (self.sizes.bulk_bytes, self.sizes.bulk_chunk);
        match path {
            Path::Native => {
                let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                let buf = vec![0xa5u8; chunk as usize];
                let mut left = bytes;
                while left > 0 {
                    let n = left.min(chunk) as usize;
                    s.write_all(&buf[..n]).unwrap();
                    left -= n as u64;
                }
            }
            _ => {
                self.guest(
                    path,
                    &[
                        "bulk".into(),
                        port.to_string(),
                        bytes.to_string(),
                        chunk.to_string(),
                    ],
                );
            }
        }
        let (total, took) = reader.join().unwrap();
        assert_eq!(total, bytes, "{path:?}: every byte arrived");
        total as f64 / (1024.0 * 1024.0) / took.as_secs_f64()
    }

    fn pingpong(&self, path: Path) -> (f64, f64) {
        let (l, port) = listener();
        let echo = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            s.set_nodelay(true).unwrap();
            let mut b = [0u8];
            while s.read(&mut b).unwrap_or(0) == 1 {
                s.write_all(&b).unwrap();
            }
        });
        let rounds = self.sizes.pingpong_rounds;
        let (median_ns, p99_ns) = match path {
            Path::Native => {
                let (median_us, p99_us) =
                    echo_pingpong(SocketAddr::from(([127, 0, 0, 1], port)), rounds);
                (median_us * 1000.0, p99_us * 1000.0)
            }
            _ => {
                let out = self.guest(
                    path,
                    &["pingpong".into(), port.to_string(), rounds.to_string()],
                );
                (field(&out, "median_ns"), field(&out, "p99_ns"))
            }
        };
        echo.join().unwrap();
        (median_ns / 1000.0, p99_ns / 1000.0)
    }

    fn connect_close(&self, path: Path) -> f64 {
        let (l, port) = listener();
        let cycles = self.sizes.connect_cycles;
        let acceptor = std::thread::spawn(move || {
            for _ in 0..cycles {
                drop(l.accept().unwrap());
            }
        });
        let elapsed_ns = match path {
            Path::Native => {
                let t = Instant::now();
                for _ in 0..cycles {
                    drop(TcpStream::connect(("127.0.0.1", port)).unwrap());
                }
                t.elapsed().as_nanos() as f64
            }
            _ => field(
                &self.guest(
                    path,
                    &["connect".into(), port.to_string(), cycles.to_string()],
                ),
                "elapsed_ns",
            ),
        };
        acceptor.join().unwrap();
        cycles as f64 / (elapsed_ns / 1e9)
    }

    /// Time from the close (final WSACleanup; natively SO_LINGER {1,0} and
    /// close; on wasi:sockets, dropping the streams) until every peer has
    /// seen its connection end.
    fn final_cleanup(&self, path: Path) -> f64 {
        let (l, port) = listener();
        let n = self.sizes.cleanup_conns as usize;
        let watcher = std::thread::spawn(move || {
            let peers: Vec<TcpStream> = (0..n).map(|_| l.accept().unwrap().0).collect();
            let mut fds: Vec<libc::pollfd> = peers
                .iter()
                .map(|p| libc::pollfd {
                    fd: p.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                })
                .collect();
            let mut open = n;
            let mut last_end = 0;
            let mut buf = [0u8; 64];
            while open > 0 {
                // SAFETY: `fds` is a live array of `fds.len()` pollfds.
                let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 10_000) };
                assert!(r > 0, "peers never saw their connections end");
                for (i, pfd) in fds.iter_mut().enumerate() {
                    if pfd.fd >= 0 && pfd.revents != 0 {
                        match (&peers[i]).read(&mut buf) {
                            Ok(0) => {}
                            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
                            _ => continue,
                        }
                        pfd.fd = -1;
                        open -= 1;
                        last_end = now_ns();
                    }
                }
            }
            last_end
        });
        let closed_at = match path {
            Path::Native => {
                let conns: Vec<socket2::Socket> = (0..n)
                    .map(|_| {
                        let s = socket2::Socket::new(
                            socket2::Domain::IPV4,
                            socket2::Type::STREAM,
                            None,
                        )
                        .unwrap();
                        s.connect(&SocketAddr::from(([127, 0, 0, 1], port)).into())
                            .unwrap();
                        s
                    })
                    .collect();
                let at = now_ns();
                for c in conns {
                    c.set_linger(Some(Duration::ZERO)).unwrap();
                }
                at
            }
            _ => field(
                &self.guest(path, &["hold".into(), port.to_string(), n.to_string()]),
                "closed_at_ns",
            ) as u128,
        };
        let last_end = watcher.join().unwrap();
        last_end.saturating_sub(closed_at) as f64 / 1e6
    }

    /// 1,000 instances blocked in recv on one runtime thread: host heap per
    /// instance (linear memory excluded), resident memory per instance, and
    /// the latency to wake one with a byte and get it echoed.
    fn idle_scale(&self, path: Path) -> Option<(f64, f64, f64)> {
        if path == Path::Native {
            return None;
        }
        let (l, port) = listener();
        let n = self.sizes.idle_instances;
        let wakes = self.sizes.idle_wakes;
        let heap_before = LIVE_HEAP.load(Ordering::Relaxed);
        let rss_before = rss_bytes();
        let measure = std::thread::spawn(move || {
            let mut peers: Vec<TcpStream> = (0..n).map(|_| l.accept().unwrap().0).collect();
            // Let every guest settle into its blocking recv.
            std::thread::sleep(Duration::from_millis(300));
            let heap = (LIVE_HEAP.load(Ordering::Relaxed) - heap_before) as f64 / n as f64 / 1024.0;
            let rss = (rss_bytes() - rss_before) as f64 / n as f64 / 1024.0;
            let mut lat = Vec::with_capacity(wakes);
            let mut b = [7u8];
            for k in 0..wakes {
                let p = &mut peers[(k * 7919) % n];
                p.set_nodelay(true).unwrap();
                let t = Instant::now();
                p.write_all(&b).unwrap();
                p.read_exact(&mut b).unwrap();
                lat.push(t.elapsed().as_secs_f64() * 1e6);
            }
            drop(peers);
            (heap, rss, median(lat))
        });
        let (component, name) = self.component(path);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let guests = (0..n).map(|_| {
                let argv = vec![name.to_string(), "idle".to_string(), port.to_string()];
                let wasi = Self::wasi_ctx(path, &argv, &MemoryOutputPipe::new(256));
                self.runner.run(component, wasi, self.winsock_ctx())
            });
            for exit in futures::future::join_all(guests).await {
                exit.expect("idle guest");
            }
        });
        Some(measure.join().unwrap())
    }

    /// The winsock ping-pong with a tracing subscriber installed for this
    /// thread (the one the guest runs on) whose filter leaves the call
    /// trace off (winsock-run's default, `warn`): what an embedder with
    /// logging but no `--trace` pays. Median in microseconds.
    fn pingpong_trace_off(&self) -> f64 {
        let subscriber = winsock_host::trace::Logging::new("warn")
            .expect("a valid filter")
            .subscriber();
        tracing::subscriber::with_default(subscriber, || {
            assert!(!winsock_host::trace::calls_enabled());
            self.pingpong(Path::Winsock).0
        })
    }

    /// Create and tear down one instance of a pre-compiled component.
    fn instantiate(&self, path: Path) -> Option<f64> {
        if path == Path::Native {
            return None;
        }
        let (component, name) = self.component(path);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let n = self.sizes.instantiations;
        let took = rt.block_on(async {
            let start = Instant::now();
            for _ in 0..n {
                let wasi = Self::wasi_ctx(path, &[name.to_string()], &MemoryOutputPipe::new(256));
                let mut store = self.runner.store(wasi, self.winsock_ctx());
                self.runner
                    .instantiate(&mut store, component)
                    .await
                    .expect("instantiate");
                drop(store);
            }
            start.elapsed()
        });
        Some(took.as_secs_f64() * 1e6 / n as f64)
    }
}

impl Bench {
    /// Serves one client with `server` (a guest on its own thread and
    /// runtime, or a native echo thread) while `client` runs on this thread
    /// against its address; returns what the client measured.
    fn with_server<R>(&self, server: Server, client: impl FnOnce(SocketAddr) -> R) -> R {
        let (rust, c) = self
            .echo_servers
            .as_ref()
            .expect("the echo servers were loaded");
        let (component, argv): (&Component, &[&str]) = match server {
            Server::Native => {
                let (l, port) = listener();
                let echo = std::thread::spawn(move || native_echo(l));
                let r = client(SocketAddr::from(([127, 0, 0, 1], port)));
                echo.join().unwrap();
                return r;
            }
            Server::Rust => (rust, &["echo-server", "127.0.0.1:0", "1"]),
            Server::C => (c, &["echo_server", "127.0.0.1", "0", "--max-clients", "1"]),
        };
        let stdout = MemoryOutputPipe::new(1 << 16);
        let argv: Vec<String> = argv.iter().map(|a| a.to_string()).collect();
        let wasi = Self::wasi_ctx(Path::Winsock, &argv, &stdout);
        std::thread::scope(|scope| {
            let guest = scope.spawn(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(self.runner.run(component, wasi, self.winsock_ctx()))
            });
            let addr = wait_listening(&stdout, &guest);
            if addr.port() == 0 {
                let outcome = guest.join().unwrap();
                panic!("{server:?} echo server ended before listening: {outcome:?}");
            }
            let r = client(addr);
            match guest.join().unwrap() {
                Ok(Exit::Code(0)) => r,
                other => panic!("{server:?} echo server ended with {other:?}"),
            }
        })
    }
}

/// The address a guest server printed ("listening on ADDR").
fn wait_listening<T>(
    stdout: &MemoryOutputPipe,
    guest: &std::thread::ScopedJoinHandle<'_, T>,
) -> SocketAddr {
    loop {
        let out = String::from_utf8_lossy(&stdout.contents()).into_owned();
        if let Some(addr) = out
            .lines()
            .find_map(|l| l.strip_prefix("listening on "))
            .and_then(|a| a.trim().parse().ok())
        {
            return addr;
        }
        if guest.is_finished() {
            // Its outcome comes with the join.
            return SocketAddr::from(([0, 0, 0, 0], 0));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// One client's echo: read what comes, write it back, until the client
/// closes. No TCP_NODELAY and an 8 KiB buffer, like the C server.
fn native_echo(l: TcpListener) {
    let (mut s, _) = l.accept().unwrap();
    let mut buf = vec![0u8; 8 * 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => s.write_all(&buf[..n]).unwrap(),
        }
    }
}

/// 1-byte round trips to an echo server: (median, p99) in microseconds.
fn echo_pingpong(addr: SocketAddr, rounds: u64) -> (f64, f64) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_nodelay(true).unwrap();
    let mut rtts = Vec::with_capacity(rounds as usize);
    let mut b = [1u8];
    for _ in 0..rounds {
        let t = Instant::now();
        s.write_all(&b).unwrap();
        s.read_exact(&mut b).unwrap();
        rtts.push(t.elapsed().as_nanos() as u64);
    }
    rtts.sort_unstable();
    (
        rtts[rtts.len() / 2] as f64 / 1000.0,
        rtts[rtts.len() * 99 / 100] as f64 / 1000.0,
    )
}

/// `bytes` through an echo server in 64 KiB writes, written by one thread
/// and read back by this one: MiB/s of the whole trip.
fn echo_bulk(addr: SocketAddr, bytes: u64) -> f64 {
    let s = TcpStream::connect(addr).unwrap();
    let mut w = s.try_clone().unwrap();
    let start = Instant::now();
    let writer: JoinHandle<()> = std::thread::spawn(move || {
        let chunk = vec![0x5au8; 64 * 1024];
        let mut left = bytes;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            w.write_all(&chunk[..n]).unwrap();
            left -= n as u64;
        }
        w.shutdown(std::net::Shutdown::Write).unwrap();
    });
    let mut r = s;
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => total += n as u64,
            Err(e) => panic!("echo bulk reader: {e}"),
        }
    }
    let took = start.elapsed();
    writer.join().unwrap();
    assert_eq!(total, bytes, "every byte came back");
    total as f64 / (1024.0 * 1024.0) / took.as_secs_f64()
}

fn rss_bytes() -> isize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: isize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn pin_to_cpu0() {
    // SAFETY: a zeroed cpu_set_t is valid; CPU_SET writes inside it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(0, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

fn raise_fd_limit() {
    // SAFETY: getrlimit/setrlimit on a live rlimit struct.
    unsafe {
        let mut lim: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

struct Row {
    workload: String,
    unit: &'static str,
    /// Whether a larger figure is better (for the ratio's wording).
    higher_is_better: bool,
    figures: [Option<f64>; 3],
}

fn json_num(v: Option<f64>) -> String {
    v.map_or("null".into(), |v| format!("{v:.3}"))
}

/// A comma-separated `--NAME` list from the command line, or everything.
fn selected(name: &str, all: &[&str]) -> Vec<String> {
    match arg_str(name) {
        Some(list) => {
            let chosen: Vec<String> = list.split(',').map(|w| w.trim().to_string()).collect();
            for w in &chosen {
                if !all.contains(&w.as_str()) {
                    eprintln!("{name} {w}: one of {}", all.join(", "));
                    std::process::exit(2);
                }
            }
            chosen
        }
        None => all.iter().map(|w| w.to_string()).collect(),
    }
}

const WORKLOADS: [&str; 8] = [
    "bulk",
    "pingpong",
    "connect",
    "cleanup",
    "idle",
    "instantiate",
    "server",
    "trace",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let rounds: usize = arg("--rounds", 3);
    if !args.iter().any(|a| a == "--no-pin") {
        pin_to_cpu0();
    }
    raise_fd_limit();
    let workloads = selected("--only", &WORKLOADS);
    let want = |w: &str| workloads.iter().any(|x| x == w);
    let path_names = selected("--paths", &["native", "wasi", "winsock"]);
    let paths: Vec<(usize, Path)> = PATHS
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, p)| {
            let name = match p {
                Path::Native => "native",
                Path::Wasi => "wasi",
                Path::Winsock => "winsock",
            };
            path_names.iter().any(|x| x == name)
        })
        .collect();
    // The JSON report: never the build checkout's path, decided at run time.
    let report = arg_str("--report")
        .or_else(|| arg_str("--out"))
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("bench/report.json"));

    let sizes = if quick {
        Sizes {
            bulk_bytes: 16 << 20,
            bulk_chunk: 64 << 10,
            pingpong_rounds: 2_000,
            connect_cycles: 200,
            cleanup_conns: 100,
            idle_instances: 100,
            idle_wakes: 50,
            instantiations: 20,
            echo_bytes: 8 << 20,
        }
    } else {
        Sizes {
            bulk_bytes: 256 << 20,
            bulk_chunk: 64 << 10,
            pingpong_rounds: 20_000,
            connect_cycles: 2_000,
            cleanup_conns: 1_000,
            idle_instances: 1_000,
            idle_wakes: 200,
            instantiations: 200,
            echo_bytes: 128 << 20,
        }
    };
    let runner = CommandRunner::new().expect("engine");
    let cache = ComponentCache::new(target_dir().join("component-cache"));
    let load = |name: &str| {
        let path = common::guest(name);
        runner
            .load_cached(&path, &cache)
            .unwrap_or_else(|e| panic!("compiling {}: {e:?}", path.display()))
            .0
    };
    let echo_servers = want("server").then(|| (load("echo-server"), load("c-echo-server")));
    let bench = Bench {
        std_client: load("bench-std-client"),
        winsock_client: load("bench-winsock-client"),
        echo_servers,
        runner,
        sizes,
    };

    let mut bulk = vec![vec![]; 3];
    let mut pp_med = vec![vec![]; 3];
    let mut pp_p99 = vec![vec![]; 3];
    let mut pp_trace_off = vec![vec![]; 3];
    let mut conn = vec![vec![]; 3];
    let mut clean = vec![vec![]; 3];
    let mut idle_heap = vec![vec![]; 3];
    let mut idle_rss = vec![vec![]; 3];
    let mut idle_wake = vec![vec![]; 3];
    let mut inst = vec![vec![]; 3];
    // Server rows, by server (native, Rust, C).
    let mut srv_pp = vec![vec![]; 3];
    let mut srv_bulk = vec![vec![]; 3];
    for round in 0..rounds {
        eprintln!("round {}/{rounds}", round + 1);
        for &(i, path) in &paths {
            if want("bulk") {
                bulk[i].push(bench.bulk(path));
            }
            if want("pingpong") {
                let (m, p) = bench.pingpong(path);
                pp_med[i].push(m);
                pp_p99[i].push(p);
            }
            if want("trace") && path == Path::Winsock {
                // Right after the plain ping-pong, so the two alternate.
                pp_trace_off[i].push(bench.pingpong_trace_off());
            }
            if want("connect") {
                conn[i].push(bench.connect_close(path));
            }
            if want("cleanup") {
                clean[i].push(bench.final_cleanup(path));
            }
            if want("idle") {
                if let Some((h, r, w)) = bench.idle_scale(path) {
                    idle_heap[i].push(h);
                    idle_rss[i].push(r);
                    idle_wake[i].push(w);
                }
            }
            if want("instantiate") {
                if let Some(t) = bench.instantiate(path) {
                    inst[i].push(t);
                }
            }
        }
        if want("server") {
            for (k, server) in SERVERS.iter().enumerate() {
                let on = match server {
                    Server::Native => path_names.iter().any(|p| p == "native"),
                    _ => path_names.iter().any(|p| p == "winsock"),
                };
                if !on {
                    continue;
                }
                let rounds = bench.sizes.pingpong_rounds;
                srv_pp[k].push(bench.with_server(*server, |a| echo_pingpong(a, rounds)).0);
                let bytes = bench.sizes.echo_bytes;
                srv_bulk[k].push(bench.with_server(*server, |a| echo_bulk(a, bytes)));
            }
        }
    }
    let fig = |v: &Vec<Vec<f64>>| -> [Option<f64>; 3] {
        [0, 1, 2].map(|i| (!v[i].is_empty()).then(|| median(v[i].clone())))
    };
    // A server row: the native echo thread, no wasi:sockets server, the guest.
    let srv = |v: &Vec<Vec<f64>>, guest: usize| -> [Option<f64>; 3] {
        let [native, _, _] = fig(v);
        [native, None, fig(v)[guest]]
    };
    let sz = &bench.sizes;
    let mut rows = vec![
        Row {
            workload: format!(
                "bulk {} MiB in {} KiB sends",
                sz.bulk_bytes >> 20,
                sz.bulk_chunk >> 10
            ),
            unit: "MiB/s",
            higher_is_better: true,
            figures: fig(&bulk),
        },
        Row {
            workload: format!(
                "ping-pong 1 byte, {} round trips, median",
                sz.pingpong_rounds
            ),
            unit: "us",
            higher_is_better: false,
            figures: fig(&pp_med),
        },
        Row {
            workload: format!(
                "ping-pong 1 byte, {} round trips, median, with a tracing subscriber installed and the call trace filtered off ({} the plain winsock row)",
                sz.pingpong_rounds,
                match (fig(&pp_trace_off)[2], fig(&pp_med)[2]) {
                    (Some(t), Some(p)) => format!("{:.2}x", t / p),
                    _ => "n/a".to_string(),
                }
            ),
            unit: "us",
            higher_is_better: false,
            figures: {
                let [native, _, _] = fig(&pp_med);
                [native, None, fig(&pp_trace_off)[2]]
            },
        },
        Row {
            workload: format!("ping-pong 1 byte, {} round trips, p99", sz.pingpong_rounds),
            unit: "us",
            higher_is_better: false,
            figures: fig(&pp_p99),
        },
        Row {
            workload: format!("connect+close, {} cycles", sz.connect_cycles),
            unit: "cycles/s",
            higher_is_better: true,
            figures: fig(&conn),
        },
        Row {
            workload: format!(
                "final cleanup of {} connections (until every peer saw the end)",
                sz.cleanup_conns
            ),
            unit: "ms",
            higher_is_better: false,
            figures: fig(&clean),
        },
        Row {
            workload: format!(
                "idle scale, {} instances: host heap per blocked instance (linear memory excluded)",
                sz.idle_instances
            ),
            unit: "KiB",
            higher_is_better: false,
            figures: fig(&idle_heap),
        },
        Row {
            workload: format!(
                "idle scale, {} instances: resident memory per blocked instance (all included)",
                sz.idle_instances
            ),
            unit: "KiB",
            higher_is_better: false,
            figures: fig(&idle_rss),
        },
        Row {
            workload: format!(
                "idle scale: wake one of {} blocked instances (echo round trip)",
                sz.idle_instances
            ),
            unit: "us",
            higher_is_better: false,
            figures: fig(&idle_wake),
        },
        Row {
            workload: "instantiate + tear down one instance".to_string(),
            unit: "us",
            higher_is_better: false,
            figures: fig(&inst),
        },
        Row {
            workload: format!(
                "echo server, Rust select() guest: ping-pong 1 byte from a native client, {} round trips, median",
                sz.pingpong_rounds
            ),
            unit: "us",
            higher_is_better: false,
            figures: srv(&srv_pp, 1),
        },
        Row {
            workload: format!(
                "echo server, legacy C select() guest (winsock-cc): ping-pong 1 byte from a native client, {} round trips, median",
                sz.pingpong_rounds
            ),
            unit: "us",
            higher_is_better: false,
            figures: srv(&srv_pp, 2),
        },
        Row {
            workload: format!(
                "echo server, Rust select() guest: {} MiB echoed, 64 KiB writes",
                sz.echo_bytes >> 20
            ),
            unit: "MiB/s",
            higher_is_better: true,
            figures: srv(&srv_bulk, 1),
        },
        Row {
            workload: format!(
                "echo server, legacy C select() guest (winsock-cc): {} MiB echoed, 64 KiB writes",
                sz.echo_bytes >> 20
            ),
            unit: "MiB/s",
            higher_is_better: true,
            figures: srv(&srv_bulk, 2),
        },
    ];
    // Rows whose workload did not run are left out.
    rows.retain(|r| r.figures.iter().any(Option::is_some));

    let mut json = String::from("[\n");
    println!(
        "| workload | unit | native | wasi:sockets | winsock | wasi:sockets / native | winsock / native | winsock vs wasi:sockets |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (k, r) in rows.iter().enumerate() {
        let [n, w, s] = r.figures;
        let f = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.1}"));
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b != 0.0 => format!("{:.2}x", a / b),
            _ => "n/a".into(),
        };
        let better = match (s, w) {
            (Some(s), Some(w)) if (s > w) == r.higher_is_better => "winsock ahead",
            (Some(_), Some(_)) => "wasi:sockets ahead",
            _ => "n/a",
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.workload,
            r.unit,
            f(n),
            f(w),
            f(s),
            ratio(w, n),
            ratio(s, n),
            better
        );
        json.push_str(&format!(
            "  {{\"workload\": \"{}\", \"unit\": \"{}\", \"native\": {}, \"wasi_sockets\": {}, \"winsock\": {}}}{}\n",
            r.workload,
            r.unit,
            json_num(n),
            json_num(w),
            json_num(s),
            if k + 1 < rows.len() { "," } else { "" }
        ));
    }
    json.push_str("]\n");
    if let Some(dir) = report.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    }
    std::fs::write(&report, json).unwrap_or_else(|e| panic!("writing {}: {e}", report.display()));
    eprintln!("wrote {}", report.display());
}
