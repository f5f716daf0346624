//! An HTTP/1.0 client on Winsock: `http-client HOST:PORT [PATH]`.
//!
//! Resolves HOST with getaddrinfo (a name needs `--allow-lookup`; numeric
//! addresses need nothing), connects to the first address that accepts,
//! sends `GET PATH HTTP/1.0`, prints the whole
//! response, closes and cleans up. A failure prints the WSA error code, as a
//! Windows program would report it, and exits 1:
//!
//! ```text
//! winsock-run --allow-connect 127.0.0.1:8000 http-client.wasm 127.0.0.1:8000 /
//! ```

use std::io::{Read, Write};
use std::net::SocketAddr;
use winsock_guest::{Shutdown, Socket, Winsock, WsaError};

/// The first of `host`'s addresses that accepts a connection.
fn connect(host: &str, port: u16) -> Result<Socket, WsaError> {
    let mut last = WsaError::HOST_NOT_FOUND;
    for addr in winsock_guest::resolve(host, port)? {
        match Socket::connect_tcp(addr) {
            Ok(s) => return Ok(s),
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn fetch(host: &str, port: u16, path: &str) -> Result<Vec<u8>, WsaError> {
    let sock = connect(host, port)?;
    let addr = format!("{host}:{port}");
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
                return Err(code.unwrap_or(WsaError::ECONNRESET));
            }
        }
    }
    Ok(response)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let target = args.get(1).map(String::as_str).unwrap_or("");
    let parsed = match target.parse::<SocketAddr>() {
        Ok(a) => Some((a.ip().to_string(), a.port())),
        Err(_) => target
            .rsplit_once(':')
            .and_then(|(h, p)| Some((h.to_string(), p.parse().ok()?))),
    };
    let Some((host, port)) = parsed else {
        eprintln!("usage: http-client HOST:PORT [PATH]");
        std::process::exit(2)
    };
    let addr = target;
    let path = args.get(2).map_or("/", String::as_str);

    let wsa = match Winsock::startup(2, 2) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("WSAStartup failed: {}", e.code());
            std::process::exit(1)
        }
    };
    let code = match fetch(&host, port, path) {
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
