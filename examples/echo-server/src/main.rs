//! A select()-based TCP echo server on Winsock, serving many clients at once:
//! `echo-server [ADDR:PORT] [CLIENTS]`.
//!
//! Listens (127.0.0.1:7007 by default; port 0 picks one), prints
//! `listening on ADDR`, echoes every client's bytes back until that client
//! closes, and after CLIENTS clients have come and gone (default: forever)
//! runs WSACleanup and exits. Run it with a bind grant:
//!
//! ```text
//! winsock-run --allow-bind 127.0.0.1:7007 echo-server.wasm
//! ```

use std::collections::HashSet;
use std::io::Write;
use std::net::SocketAddr;
use winsock_guest::{Socket, Winsock, WsaError, select};

struct Client {
    socket: Socket,
    peer: SocketAddr,
    echoed: u64,
    /// Bytes received and not yet sent back; while any wait, the client is
    /// not read from (back-pressure instead of an unbounded buffer).
    pending: Vec<u8>,
}

/// Sends what the socket takes now (it is nonblocking).
fn flush(c: &mut Client) -> Result<(), WsaError> {
    while !c.pending.is_empty() {
        match c.socket.send(&c.pending) {
            Ok(n) => {
                c.echoed += n as u64;
                c.pending.drain(..n);
            }
            Err(WsaError::EWOULDBLOCK) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
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
    let max_clients: Option<u64> = args.get(2).and_then(|n| n.parse().ok());

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

    // SOMAXCONN: a burst of clients waits in the kernel's queue, not in
    // dropped handshakes.
    let listener = match Socket::listen_tcp(addr, winsock_guest::raw::SOMAXCONN) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("echo-server: cannot listen on {addr}: error {}", e.code());
            std::process::exit(1)
        }
    };
    println!("listening on {}", listener.local_addr().map_or(addr, |a| a));
    // Nonblocking, so each readable round accepts every queued client.
    let _ = listener.set_nonblocking(true);
    let _ = std::io::stdout().flush();

    let mut clients: Vec<Client> = Vec::new();
    let mut served = 0;
    while max_clients.is_none_or(|max| served < max) {
        let mut read: Vec<&Socket> = vec![&listener];
        read.extend(
            clients
                .iter()
                .filter(|c| c.pending.is_empty())
                .map(|c| &c.socket),
        );
        let write: Vec<&Socket> = clients
            .iter()
            .filter(|c| !c.pending.is_empty())
            .map(|c| &c.socket)
            .collect();
        let ready = match select(&read, &write, &[], None) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("echo-server: select failed: error {}", e.code());
                break;
            }
        };
        let readable: HashSet<u32> = ready.read.iter().copied().collect();
        let writable: HashSet<u32> = ready.write.iter().copied().collect();
        if readable.contains(&listener.raw()) {
            loop {
                match listener.accept() {
                    Ok((socket, peer)) => {
                        let _ = socket.set_nonblocking(true);
                        clients.push(Client {
                            socket,
                            peer,
                            echoed: 0,
                            pending: Vec::new(),
                        });
                    }
                    Err(WsaError::EWOULDBLOCK) => break,
                    Err(e) => {
                        eprintln!("echo-server: accept failed: error {}", e.code());
                        break;
                    }
                }
            }
        }
        let mut buf = [0u8; 16 * 1024];
        let mut i = 0;
        while i < clients.len() {
            let c = &mut clients[i];
            let h = c.socket.raw();
            let mut finished = None;
            if writable.contains(&h) {
                if let Err(e) = flush(c) {
                    finished = Some(format!("error {}", e.code()));
                }
            }
            if finished.is_none() && readable.contains(&h) {
                match c.socket.recv(&mut buf) {
                    Ok(0) => finished = Some(format!("echoed {} bytes", c.echoed)),
                    Ok(n) => {
                        c.pending.extend_from_slice(&buf[..n]);
                        if let Err(e) = flush(c) {
                            finished = Some(format!("error {}", e.code()));
                        }
                    }
                    Err(WsaError::EWOULDBLOCK) => {}
                    Err(e) => finished = Some(format!("error {}", e.code())),
                }
            }
            match finished {
                Some(how) => {
                    let c = clients.swap_remove(i); // closesocket on drop
                    println!("client {}: {how}", c.peer);
                    let _ = std::io::stdout().flush();
                    served += 1;
                }
                None => i += 1,
            }
        }
    }
    drop(clients);
    drop(listener);
    match wsa.cleanup() {
        Ok(()) => println!("WSACleanup: done"),
        Err(e) => println!("WSACleanup: error {}", e.code()),
    }
}
