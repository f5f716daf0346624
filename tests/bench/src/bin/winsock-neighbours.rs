//! Noisy neighbours (issue 5): the ping-pong latency of one guest, alone
//! and then beside guests that hammer the host with select and WSAPoll over
//! 60,000 entries each, all instances on one host thread (the worst case
//! for an embedder serving many plugins from one runtime).
//!
//!   cargo run --release -p winsock-bench --bin winsock-neighbours -- [--noisy 4] [--rounds 20000]

#[path = "../common.rs"]
mod common;
use common::arg;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Instant;
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use winsock_host::command::CommandRunner;
use winsock_host::{Limits, WinsockCtx};

fn field(out: &str, name: &str) -> f64 {
    let words: Vec<&str> = out.split_whitespace().collect();
    words
        .windows(2)
        .find_map(|w| (w[0] == name).then(|| w[1].parse().ok()).flatten())
        .unwrap_or_else(|| panic!("no {name} in {out:?}"))
}

fn echo_server() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            std::thread::spawn(move || {
                let mut s: TcpStream = s;
                s.set_nodelay(true).unwrap();
                let mut b = [0u8];
                while s.read(&mut b).unwrap_or(0) == 1 {
                    s.write_all(&b).unwrap();
                }
            });
        }
    });
    port
}

fn main() {
    let noisy = arg("--noisy", 4);
    let rounds = arg("--rounds", 20_000);
    let runner = CommandRunner::new().expect("engine");
    let client = runner
        .load(&common::guest("bench-winsock-client"))
        .expect("build the bench guests first (tests/run.sh)");
    let storm = runner
        .load(&common::guest("conformance"))
        .expect("build the conformance guest first (tests/run.sh)");
    let port = echo_server();
    let ctx = || {
        WinsockCtx::builder()
            .grants(common::loopback_grants())
            .limits(Limits {
                max_sockets: 2048,
                ..Limits::default()
            })
            .build()
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // The victim's own figures time each send+recv inside the guest; the
    // wall time per round trip also counts the waits for the host thread.
    let victim = |with_noise: u64, shared_thread: bool| {
        let out = MemoryOutputPipe::new(1 << 16);
        let wasi = WasiCtxBuilder::new()
            .stdout(out.clone())
            .args(&[
                "bench-winsock-client",
                "pingpong",
                &port.to_string(),
                &rounds.to_string(),
            ])
            .build();
        let storm_wasi = || {
            WasiCtxBuilder::new()
                .args(&["conformance", "select-storm", "1000000"])
                .build()
        };
        let mut controls = Vec::new();
        let mut shared = Vec::new();
        let mut own_threads = Vec::new();
        for _ in 0..with_noise {
            let winsock = ctx();
            controls.push(winsock.control());
            if shared_thread {
                shared.push(runner.run(&storm, storm_wasi(), winsock));
            } else {
                own_threads.push(winsock);
            }
        }
        let started = Instant::now();
        std::thread::scope(|scope| {
            for winsock in own_threads {
                let (runner, storm, wasi) = (&runner, &storm, storm_wasi());
                scope.spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    // Ends when the victim is done and tears it down.
                    let _ = rt.block_on(runner.run(storm, wasi, winsock));
                });
            }
            rt.block_on(async {
                let storms = futures::future::join_all(shared.drain(..));
                let ping = async {
                    let r = runner.run(&client, wasi, ctx()).await;
                    for c in &controls {
                        c.teardown();
                    }
                    r
                };
                let (ping, _) = tokio::join!(ping, storms);
                ping.expect("victim ran");
            });
        });
        let elapsed = started.elapsed();
        let text = String::from_utf8_lossy(&out.contents()).into_owned();
        (
            field(&text, "median_ns") / 1000.0,
            field(&text, "p99_ns") / 1000.0,
            elapsed.as_secs_f64() * 1e6 / rounds as f64,
        )
    };
    let (m0, p0, w0) = victim(0, false);
    println!("alone: in-guest {m0:.1} us median, {p0:.1} us p99; wall {w0:.1} us per round trip");
    for shared in [false, true] {
        let (m, p, w) = victim(noisy, shared);
        println!(
            "beside {noisy} guests storming select/WSAPoll ({}): in-guest {m:.1} us median, {p:.1} us p99; wall {w:.1} us per round trip ({:.2}x alone)",
            if shared {
                "all on one host thread"
            } else {
                "each instance on its own thread, as winsock-run runs them"
            },
            w / w0
        );
    }
}
