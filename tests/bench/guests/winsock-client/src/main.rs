//! The benchmark client over winsock-guest (the Winsock path). Same
//! workloads and arguments as bench-std-client.

use std::net::SocketAddr;
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use winsock_guest::{Socket, Winsock};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let num = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok()).unwrap_or(0);
    let addr = SocketAddr::from(([127, 0, 0, 1], num(2) as u16));
    let wsa = Winsock::startup(2, 2).expect("WSAStartup");
    match args.get(1).map(String::as_str) {
        Some("bulk") => {
            let s = Socket::connect_tcp(addr).unwrap();
            let chunk = vec![0xa5u8; num(4) as usize];
            let mut left = num(3);
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                s.send_all(&chunk[..n]).unwrap();
                left -= n as u64;
            }
        }
        Some("pingpong") => {
            let s = Socket::connect_tcp(addr).unwrap();
            s.set_nodelay(true).unwrap();
            let mut rtts = Vec::with_capacity(num(3) as usize);
            let mut b = [1u8];
            for _ in 0..num(3) {
                let t = Instant::now();
                s.send_all(&b).unwrap();
                assert_eq!(s.recv(&mut b).unwrap(), 1);
                rtts.push(t.elapsed().as_nanos() as u64);
            }
            rtts.sort_unstable();
            println!(
                "median_ns {} p99_ns {}",
                rtts[rtts.len() / 2],
                rtts[rtts.len() * 99 / 100]
            );
        }
        Some("connect") => {
            let t = Instant::now();
            for _ in 0..num(3) {
                drop(Socket::connect_tcp(addr).unwrap());
            }
            println!("elapsed_ns {}", t.elapsed().as_nanos());
        }
        Some("hold") => {
            let conns: Vec<Socket> = (0..num(3))
                .map(|_| Socket::connect_tcp(addr).unwrap())
                .collect();
            let at = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            // The final WSACleanup resets every socket (docs/lifecycle.md).
            wsa.cleanup().unwrap();
            println!("closed_at_ns {at}");
            // The handles are gone with the cleanup; nothing left to close.
            conns.into_iter().for_each(|c| {
                let _ = c.into_raw();
            });
            return;
        }
        Some("idle") => {
            let s = Socket::connect_tcp(addr).unwrap();
            let mut b = [0u8];
            while s.recv(&mut b).unwrap_or(0) == 1 {
                s.send_all(&b).unwrap();
            }
        }
        _ => {
            eprintln!(
                "usage: bench-winsock-client bulk|pingpong|connect|hold|idle PORT [N] [CHUNK]"
            );
            std::process::exit(2);
        }
    }
    drop(wsa);
}
