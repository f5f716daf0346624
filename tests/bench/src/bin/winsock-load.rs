//! The load command (issue 5): many concurrent native clients against an
//! echo server running under the host, every byte verified, then a final
//! WSACleanup from the host while they are still sending: every peer must
//! see a reset (docs/lifecycle.md) and nothing may hang.
//!
//!   cargo run --release -p winsock-bench --bin winsock-load -- \
//!       [--connections 1000] [--seconds 60] [--payload 512] [--guest rust|c-select|c-threads]
//!
//! `--guest` picks the server: the Rust echo-server example (default), the
//! legacy C select() server (examples/c/echo-server) or the C
//! thread-per-client server (examples/c/thread-server, green threads;
//! issue 12), so the two C shapes meet the same native load.

#[path = "../common.rs"]
mod common;
use common::arg;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use winsock_host::command::CommandRunner;
use winsock_host::{Grants, Limits, NetRule, WinsockCtx};

/// What one client saw.
#[derive(Default)]
struct ClientReport {
    latencies_us: Vec<u32>,
    errors: Vec<String>,
    saw_reset: bool,
}

/// Deterministic payload bytes for (client, round).
fn fill(buf: &mut [u8], client: u64, round: u64) {
    let mut x =
        client.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ round.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    for b in buf.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
}

fn main() {
    let connections = arg("--connections", 1000);
    let seconds = arg("--seconds", 60);
    let payload = arg("--payload", 512) as usize;

    let which = std::env::args()
        .skip_while(|a| a != "--guest")
        .nth(1)
        .unwrap_or_else(|| "rust".into());
    let max = (connections + 8).to_string();
    let (name, args): (&str, Vec<&str>) = match which.as_str() {
        "rust" => ("echo-server", vec!["echo-server", "127.0.0.1:0"]),
        "c-select" => (
            "c-echo-server",
            vec!["echo_server", "127.0.0.1", "0", "--max-clients", &max],
        ),
        "c-threads" => ("c-thread-server", vec!["thread_server", "127.0.0.1", "0"]),
        other => panic!("--guest {other}: rust, c-select or c-threads"),
    };

    // The guest server, in its own thread and runtime.
    let runner = CommandRunner::new().expect("engine");
    let component = runner
        .load(&common::guest(name))
        .expect("build the guests first (tests/run.sh)");
    let stdout = MemoryOutputPipe::new(1 << 24);
    let wasi = WasiCtxBuilder::new()
        .stdout(stdout.clone())
        .args(&args)
        .build();
    let mut grants = Grants::deny_all();
    grants.allow_bind("127.0.0.1".parse::<NetRule>().unwrap());
    let winsock = WinsockCtx::builder()
        .grants(grants)
        .limits(Limits {
            max_sockets: connections as usize + 16,
            ..Limits::default()
        })
        .build();
    let control = winsock.control();
    let guest = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(runner.run(&component, wasi, winsock))
            .map(|_| ())
    });
    let addr = loop {
        let out = String::from_utf8_lossy(&stdout.contents()).into_owned();
        if let Some(line) = out.lines().find_map(|l| l.strip_prefix("listening on ")) {
            break line.trim().to_string();
        }
        std::thread::sleep(Duration::from_millis(10));
    };

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let cleanup_started = Arc::new(AtomicBool::new(false));
    let round_trips = Arc::new(AtomicU64::new(0));
    println!(
        "{connections} connections to the guest echo server ({which}: {name}) at {addr}, {payload}-byte messages, {seconds} s"
    );
    let started = Instant::now();
    let reports: Vec<ClientReport> = rt.block_on(async {
        let mut tasks = Vec::new();
        for client in 0..connections {
            let addr = addr.clone();
            let cleanup_started = cleanup_started.clone();
            let round_trips = round_trips.clone();
            tasks.push(tokio::spawn(async move {
                let mut report = ClientReport::default();
                let mut stream = match tokio::net::TcpStream::connect(&addr).await {
                    Ok(s) => s,
                    Err(e) => {
                        report.errors.push(format!("connect: {e}"));
                        return report;
                    }
                };
                stream.set_nodelay(true).ok();
                let mut out = vec![0u8; payload];
                let mut back = vec![0u8; payload];
                let mut round = 0u64;
                // Load until the deadline, then keep going until the host's
                // final cleanup resets the connection.
                loop {
                    fill(&mut out, client, round);
                    let t = Instant::now();
                    let io = async {
                        stream.write_all(&out).await?;
                        stream.read_exact(&mut back).await?;
                        Ok::<_, std::io::Error>(())
                    };
                    match tokio::time::timeout(Duration::from_secs(10), io).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) if cleanup_started.load(Ordering::SeqCst) => {
                            report.saw_reset = e.kind() == std::io::ErrorKind::ConnectionReset;
                            if !report.saw_reset {
                                report.errors.push(format!("after cleanup: {e} (not a reset)"));
                            }
                            return report;
                        }
                        Ok(Err(e)) => {
                            report.errors.push(format!("round {round}: {e}"));
                            return report;
                        }
                        Err(_) => {
                            report.errors.push(format!("round {round}: no answer in 10 s"));
                            return report;
                        }
                    }
                    if back != out {
                        report.errors.push(format!("round {round}: echoed bytes differ"));
                        return report;
                    }
                    if !cleanup_started.load(Ordering::SeqCst) {
                        report.latencies_us.push(t.elapsed().as_micros().min(u32::MAX as u128) as u32);
                        round_trips.fetch_add(1, Ordering::Relaxed);
                    }
                    round += 1;
                }
            }));
        }
        // Under load until the deadline, then the final cleanup.
        tokio::time::sleep_until(deadline.into()).await;
        let load_elapsed = started.elapsed();
        let done = round_trips.load(Ordering::SeqCst);
        cleanup_started.store(true, Ordering::SeqCst);
        let t = Instant::now();
        control.cleanup();
        let mut reports = Vec::new();
        for task in tasks {
            reports.push(task.await.expect("client task"));
        }
        println!(
            "load: {done} verified round trips in {:.1} s: {:.0} round trips/s, {:.1} MiB/s each way",
            load_elapsed.as_secs_f64(),
            done as f64 / load_elapsed.as_secs_f64(),
            done as f64 * payload as f64 / load_elapsed.as_secs_f64() / (1 << 20) as f64
        );
        println!("final cleanup under load: every client finished {:.1} ms after it", t.elapsed().as_secs_f64() * 1e3);
        reports
    });

    let mut latencies: Vec<u32> = reports
        .iter()
        .flat_map(|r| r.latencies_us.iter().copied())
        .collect();
    latencies.sort_unstable();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    println!(
        "latency (us): p50 {} p99 {} max {}",
        pct(0.50),
        pct(0.99),
        latencies.last().copied().unwrap_or(0)
    );
    let errors: Vec<&String> = reports.iter().flat_map(|r| r.errors.iter()).collect();
    let resets = reports.iter().filter(|r| r.saw_reset).count();
    println!("connection errors during load: {}", errors.len());
    for e in errors.iter().take(10) {
        println!("  {e}");
    }
    println!("peers that saw a reset at the final cleanup: {resets} of {connections}");
    let guest_end = guest.join().expect("guest thread");
    println!(
        "guest ended: {}",
        if guest_end.is_ok() {
            "ok".to_string()
        } else {
            format!("{guest_end:?}")
        }
    );
    if !errors.is_empty() || resets != connections as usize {
        std::process::exit(1);
    }
}
