//! A TCP echo server on Winsock: `echo-server [ADDR:PORT] [CLIENTS]`.
//!
//! Listens (127.0.0.1:7007 by default; port 0 picks one), prints
//! `listening on ADDR`, echoes each client's bytes back until the client
//! closes, and after CLIENTS clients (default: forever) runs WSACleanup and
//! exits. Run it with a bind grant:
//!
//! ```text
//! winsock-run --allow-bind 127.0.0.1:7007 echo-server.wasm
//! ```

use std::io::Write;
use std::net::SocketAddr;
use winsock_guest::{Linger, Socket, Winsock, WsaError};

fn serve(client: &Socket) -> Result<u64, WsaError> {
    let mut buf = [0u8; 16 * 1024];
    let mut echoed = 0;
    loop {
        let n = client.recv(&mut buf)?;
        if n == 0 {
            return Ok(echoed);
        }
        client.send_all(&buf[..n])?;
        echoed += n as u64;
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let addr: SocketAddr = args
        .get(1)
        .map_or("127.0.0.1:7007", String::as_str)
        .parse()
        .unwrap_or_else(|e| {
            eprintln!("echo-server: bad address: {e}");
            std::process::exit(2)
        });
    let clients: Option<u64> = args.get(2).and_then(|n| n.parse().ok());

    let wsa = match Winsock::startup(2, 2) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("echo-server: WSAStartup failed: {}", e.code());
            std::process::exit(1)
        }
    };
    let (major, minor) = wsa.version();
    println!(
        "WSAStartup: Winsock {major}.{minor} ({})",
        wsa.data().system_status
    );

    let listener = match Socket::listen_tcp(addr, 16) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("echo-server: cannot listen on {addr}: error {}", e.code());
            std::process::exit(1)
        }
    };
    // Accepted sockets inherit this: each client connection ends with a
    // graceful close that waits (up to 5 s) for the echo to be delivered.
    let _ = listener.set_linger(Linger {
        on: true,
        seconds: 5,
    });
    println!("listening on {}", listener.local_addr().map_or(addr, |a| a));
    let _ = std::io::stdout().flush();

    let mut served = 0;
    while clients.is_none_or(|max| served < max) {
        match listener.accept() {
            Ok((client, peer)) => {
                match serve(&client) {
                    Ok(n) => println!("client {peer}: echoed {n} bytes"),
                    Err(e) => println!("client {peer}: error {}", e.code()),
                }
                let _ = std::io::stdout().flush();
                drop(client); // closesocket
                served += 1;
            }
            Err(e) => {
                eprintln!("echo-server: accept failed: error {}", e.code());
                break;
            }
        }
    }
    drop(listener);
    match wsa.cleanup() {
        Ok(()) => println!("WSACleanup: done"),
        Err(e) => println!("WSACleanup: error {}", e.code()),
    }
}
