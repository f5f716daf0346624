//! An HTTP/1.0 client on Winsock: `http-client ADDR:PORT [PATH]`.
//!
//! Connects (numeric address), sends `GET PATH HTTP/1.0`, prints the whole
//! response, closes and cleans up. A failure prints the WSA error code, as a
//! Windows program would report it, and exits 1:
//!
//! ```text
//! winsock-run --allow-connect 127.0.0.1:8000 http-client.wasm 127.0.0.1:8000 /
//! ```

use std::io::{Read, Write};
use std::net::SocketAddr;
use winsock_guest::{Shutdown, Socket, Winsock, WsaError};

fn fetch(addr: SocketAddr, path: &str) -> Result<Vec<u8>, WsaError> {
    let sock = Socket::connect_tcp(addr)?;
    let request =
        format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\nUser-Agent: winsock-wasm\r\n\r\n");
    sock.send_all(request.as_bytes())?;
    // HTTP/1.0: the server closes after the response.
    sock.shutdown(Shutdown::Send)?;
    let mut response = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match (&sock).read(&mut buf) {
            Ok(0) => break,
            Ok(n) => response.extend_from_slice(&buf[..n]),
            Err(e) => {
                let code = e
                    .get_ref()
                    .and_then(|e| e.downcast_ref::<WsaError>())
                    .copied();
                return Err(code.unwrap_or(WsaError(10054)));
            }
        }
    }
    Ok(response)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(addr) = args.get(1).and_then(|a| a.parse::<SocketAddr>().ok()) else {
        eprintln!("usage: http-client ADDR:PORT [PATH]");
        std::process::exit(2)
    };
    let path = args.get(2).map_or("/", String::as_str);

    let wsa = match Winsock::startup(2, 2) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("WSAStartup failed: {}", e.code());
            std::process::exit(1)
        }
    };
    let code = match fetch(addr, path) {
        Ok(response) => {
            let _ = std::io::stdout().write_all(&response);
            0
        }
        Err(e) => {
            println!(
                "http-client: GET {path} from {addr} failed: Winsock error {}",
                e.code()
            );
            1
        }
    };
    drop(wsa); // WSACleanup
    std::process::exit(code);
}
