//! The benchmark client over Rust std::net: in a wasm32-wasip2 guest this is
//! the wasi:sockets path. `bench-std-client WORKLOAD PORT [N] [CHUNK]`; the
//! workloads are those of tests/bench (the Winsock client does the same).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let num = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok()).unwrap_or(0);
    let addr = ("127.0.0.1", num(2) as u16);
    match args.get(1).map(String::as_str) {
        Some("bulk") => {
            let mut s = TcpStream::connect(addr).unwrap();
            let chunk = vec![0xa5u8; num(4) as usize];
            let mut left = num(3);
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                s.write_all(&chunk[..n]).unwrap();
                left -= n as u64;
            }
        }
        Some("pingpong") => {
            let mut s = TcpStream::connect(addr).unwrap();
            s.set_nodelay(true).unwrap();
            let mut rtts = Vec::with_capacity(num(3) as usize);
            let mut b = [1u8];
            for _ in 0..num(3) {
                let t = Instant::now();
                s.write_all(&b).unwrap();
                s.read_exact(&mut b).unwrap();
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
                drop(TcpStream::connect(addr).unwrap());
            }
            println!("elapsed_ns {}", t.elapsed().as_nanos());
        }
        Some("hold") => {
            let conns: Vec<TcpStream> = (0..num(3))
                .map(|_| TcpStream::connect(addr).unwrap())
                .collect();
            // wasi:sockets has no abortive close: dropping is the closest
            // thing to a cleanup (the peers see FIN, not RST).
            let at = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            drop(conns);
            println!("closed_at_ns {at}");
        }
        Some("idle") => {
            let mut s = TcpStream::connect(addr).unwrap();
            let mut b = [0u8];
            while s.read(&mut b).unwrap_or(0) == 1 {
                s.write_all(&b).unwrap();
            }
            let _ = s.shutdown(Shutdown::Both);
        }
        _ => {
            eprintln!("usage: bench-std-client bulk|pingpong|connect|hold|idle PORT [N] [CHUNK]");
            std::process::exit(2);
        }
    }
}
