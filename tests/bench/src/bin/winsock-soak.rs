//! The soak command (issue 5): creates and tears down many instances, each
//! leaving sockets in assorted states (listening, connected with unsent
//! data, half-closed, mid-connect, lingering), ending in turn by returning
//! from main, trapping, a final WSACleanup, or a host teardown while blocked
//! in accept or in a lingering closesocket (docs/teardown.md). Prints the process's
//! descriptor count and resident memory before, during and after, and their
//! growth per 1,000 instances after warm-up.
//!
//!   cargo run --release -p winsock-bench --bin winsock-soak -- [--instances N] [--parallel K]

#[path = "../common.rs"]
mod common;
use common::arg;

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use winsock_host::command::{CommandRunner, Exit};
use winsock_host::{Limits, WinsockCtx};

const ENDS: [&str; 5] = ["return", "trap", "cleanup", "accept", "linger-close"];

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

fn fd_targets() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("/proc/self/fd")
        .map(|d| {
            d.flatten()
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .map(|p| p.display().to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * 4
}

fn main() {
    let instances = arg("--instances", 10_000);
    let parallel = arg("--parallel", 8).max(1);
    let runner = CommandRunner::new().expect("engine");
    let component = runner
        .load(&common::guest("conformance"))
        .expect("build the conformance guest first (tests/run.sh)");

    // The sink accepts and never reads, so the guests' data stays unsent;
    // it drops what it holds between batches.
    let sink = TcpListener::bind("127.0.0.1:0").unwrap();
    let sink_port = sink.local_addr().unwrap().port();
    let held: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
    {
        let held = held.clone();
        std::thread::spawn(move || {
            for s in sink.incoming().flatten() {
                held.lock().unwrap().push(s);
            }
        });
    }
    // A listener whose backlog is full, so connects to it stay pending.
    let full = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    full.bind(
        &"127.0.0.1:0"
            .parse::<std::net::SocketAddr>()
            .unwrap()
            .into(),
    )
    .unwrap();
    full.listen(0).unwrap();
    let full_port = full.local_addr().unwrap().as_socket().unwrap().port();
    let _fillers: Vec<TcpStream> = (0..2)
        .filter_map(|_| {
            let s =
                socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
            s.set_nonblocking(true).unwrap();
            let _ = s.connect(&full.local_addr().unwrap());
            Some(s.into())
        })
        .collect();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let grants = common::loopback_grants();

    let run_one = |i: usize| {
        let end = ENDS[i % ENDS.len()];
        let stdout = MemoryOutputPipe::new(4096);
        let wasi = WasiCtxBuilder::new()
            .stdout(stdout.clone())
            .args(&[
                "conformance",
                "soak-states",
                &sink_port.to_string(),
                &full_port.to_string(),
                end,
            ])
            .build();
        let winsock = WinsockCtx::builder()
            .grants(grants.clone())
            .limits(Limits {
                max_linger: Duration::from_secs(30),
                ..Limits::default()
            })
            .build();
        let control = winsock.control();
        let runner = &runner;
        let component = &component;
        async move {
            let run = runner.run(component, wasi, winsock);
            tokio::pin!(run);
            // Blocking ends are torn down by the host once the guest is ready.
            let exit = loop {
                tokio::select! {
                    exit = &mut run => break exit,
                    _ = tokio::time::sleep(Duration::from_millis(2)) => {
                        if String::from_utf8_lossy(&stdout.contents()).contains("ready")
                            && matches!(end, "accept" | "linger-close")
                        {
                            control.teardown();
                        }
                    }
                }
            };
            match (end, exit) {
                ("trap", Err(_)) | (_, Ok(Exit::Code(0))) | (_, Ok(Exit::TornDown)) => {}
                (end, other) => panic!("instance {i} ({end}) ended unexpectedly: {other:?}"),
            }
        }
    };

    let started = Instant::now();
    let mut samples: Vec<(usize, usize, u64)> = Vec::new();
    println!("{:>10} {:>8} {:>10}", "instances", "fds", "rss KiB");
    let sample = |done: usize, samples: &mut Vec<(usize, usize, u64)>| {
        // Peers of finished instances are let go first: only the host's own
        // descriptors count.
        held.lock().unwrap().clear();
        std::thread::sleep(Duration::from_millis(20));
        held.lock().unwrap().clear();
        let (fds, rss) = (open_fds(), rss_kib());
        println!("{done:>10} {fds:>8} {rss:>10}");
        samples.push((done, fds, rss));
    };
    sample(0, &mut samples);
    let fds_before = fd_targets();
    let mut done = 0;
    while done < instances {
        let batch = parallel.min(instances - done);
        rt.block_on(futures::future::join_all(
            (done..done + batch).map(&run_one),
        ));
        done += batch;
        if done % 1000 == 0 || done == instances {
            sample(done, &mut samples);
        }
    }
    let mut drain = [0u8; 1];
    let _ = (&_fillers).first().map(|mut s| s.read(&mut drain));

    let elapsed = started.elapsed();
    let fds_after = fd_targets();
    for fd in fds_after.iter().filter(|f| !fds_before.contains(f)) {
        // wasmtime's copy-on-write image of the component's memory is a
        // memfd made at the first instantiation; it lives with the Component.
        println!("opened during the run and still open: {fd}");
    }
    let (_, fds0, _) = samples[0];
    let warm = samples
        .iter()
        .find(|s| s.0 >= 1000)
        .copied()
        .unwrap_or(samples[0]);
    let last = *samples.last().unwrap();
    let per_k = |a: f64, b: f64, n: usize| {
        if n == 0 {
            0.0
        } else {
            (b - a) * 1000.0 / n as f64
        }
    };
    println!();
    println!(
        "instances: {instances} in {:.1} s ({:.0}/s), {parallel} at a time",
        elapsed.as_secs_f64(),
        instances as f64 / elapsed.as_secs_f64()
    );
    println!(
        "descriptors: {fds0} at start, {} after warm-up, {} at the end: {:+} since warm-up",
        warm.1,
        last.1,
        last.1 as i64 - warm.1 as i64
    );
    println!(
        "resident memory after warm-up ({} instances): {} KiB -> {} KiB, {:+.2}% ({:+.1} KiB per 1,000 instances)",
        warm.0,
        warm.2,
        last.2,
        (last.2 as f64 - warm.2 as f64) * 100.0 / warm.2 as f64,
        per_k(warm.2 as f64, last.2 as f64, last.0 - warm.0)
    );
    println!(
        "descriptor growth per 1,000 instances after warm-up: {:+.2}",
        per_k(warm.1 as f64, last.1 as f64, last.0 - warm.0)
    );
}
