//! Winsock for Rust guests: a safe API over the `winsock:ws2` WIT package.
//!
//! ```no_run
//! use winsock_guest::{Winsock, Socket, Linger};
//!
//! let _wsa = Winsock::startup(2, 2)?;          // WSACleanup on drop
//! let s = Socket::tcp_v4()?;                    // closesocket on drop
//! s.connect("127.0.0.1:8080".parse().unwrap())?;
//! s.set_linger(Linger { on: true, seconds: 0 })?; // close with a reset
//! s.send(b"hello")?;
//! # Ok::<(), winsock_guest::WsaError>(())
//! ```
//!
//! Errors are [`WsaError`]s carrying the Windows number a C program would
//! read from WSAGetLastError. The [`raw`] module is the WIT interface
//! itself, numeric handles and all, for ports of C-style code.
//!
//! Winsock 2's asynchronous model (docs/async.md) has a safe form here:
//! [`Event`]s and [`wait_for_events`], [`Socket::event_select`] with
//! [`Socket::enum_network_events`], and [`Overlapped`] operations that own
//! their buffers ([`Socket::recv_overlapped`], [`Socket::send_overlapped`]).
//! Like the C library, the crate keeps that state itself over the WIT's
//! readiness calls, so it sees only calls made through [`Socket`]: a
//! socket driven through [`raw`] does not re-arm its network events.
//!
//! ```no_run
//! use winsock_guest::{Event, NetworkEvents, Socket, WaitFor, WaitOutcome, Winsock, wait_for_events};
//!
//! let _wsa = Winsock::startup(2, 2)?;
//! let s = Socket::connect_tcp("127.0.0.1:8080".parse().unwrap())?;
//! let readable = Event::new();
//! s.event_select(&readable, NetworkEvents::READ | NetworkEvents::CLOSE)?;
//! let done = Event::new();
//! let mut op = s.recv_overlapped(vec![0; 512], Some(&done))?; // owns its buffer
//! if let WaitOutcome::Signalled(0) = wait_for_events(&[&done], WaitFor::Any, None)? {
//!     let (buf, n) = op.result(false)?;
//!     println!("{:?}", &buf[..n]);
//! }
//! # Ok::<(), winsock_guest::WsaError>(())
//! ```

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::time::Duration;

mod events;
mod overlapped;

pub use events::{
    Event, FD_MAX_EVENTS, MAXIMUM_WAIT_EVENTS, NetworkEventRecord, NetworkEvents, WaitFor,
    WaitOutcome, wait_for_events,
};
pub use overlapped::Overlapped;

mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "winsock:ws2/imports",
    });
}

/// The WIT interface as generated: numeric SOCKET handles, WSA error
/// enums, Winsock's integer constants.
pub mod raw {
    pub use crate::bindings::winsock::ws2::{lifecycle, sockets, types};

    pub use winsock_abi::*;
}

use raw::lifecycle;
use raw::sockets;
use raw::types::{ErrorCode, Ipv4SocketAddress, Ipv6SocketAddress, SocketAddress};

/// A Windows Sockets error: the number WSAGetLastError reports.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct WsaError(pub i32);

// The constants (`WsaError::ECONNRESET`...), `name` and `description`:
// generated from wit/types.wit, the one home of the WSA numbers.
mod error_codes;

impl WsaError {
    /// The WSA number.
    pub fn code(self) -> i32 {
        self.0
    }

    /// WSAGetLastError: what the last call left, 0 after a success. The
    /// crate keeps it, as ws2_32.dll does on Windows; the host keeps none
    /// (wit/lifecycle.wit).
    pub fn last() -> WsaError {
        WsaError(LAST_ERROR.get())
    }

    /// WSASetLastError: sets the value [`WsaError::last`] reports.
    pub fn set_last(code: i32) {
        LAST_ERROR.set(code);
    }
}

// The last error (WSAGetLastError). A wasm32-wasip2 program has one
// thread, so one cell is the per-thread value Windows keeps.
thread_local! {
    static LAST_ERROR: std::cell::Cell<i32> = const { std::cell::Cell::new(0) };
}

/// Records a call's outcome as the last error: 0 after a success, the
/// code after a failure (docs/errors.md).
fn record<T>(r: Result<T>) -> Result<T> {
    LAST_ERROR.set(r.as_ref().err().map_or(0, |e| e.0));
    r
}

impl From<ErrorCode> for WsaError {
    fn from(e: ErrorCode) -> WsaError {
        // The host owns the one table of WSA numbers.
        WsaError(lifecycle::error_number(e))
    }
}

impl fmt::Debug for WsaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WsaError({})", self.0)
    }
}

impl fmt::Display for WsaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Winsock error {}", self.0)
    }
}

impl std::error::Error for WsaError {}

impl From<WsaError> for io::Error {
    fn from(e: WsaError) -> io::Error {
        let kind = match e {
            WsaError::EWOULDBLOCK => io::ErrorKind::WouldBlock,
            WsaError::ECONNRESET => io::ErrorKind::ConnectionReset,
            WsaError::ECONNREFUSED => io::ErrorKind::ConnectionRefused,
            WsaError::ETIMEDOUT => io::ErrorKind::TimedOut,
            WsaError::ENOTCONN => io::ErrorKind::NotConnected,
            WsaError::EACCES => io::ErrorKind::PermissionDenied,
            WsaError::EINTR => io::ErrorKind::Interrupted,
            _ => io::ErrorKind::Other,
        };
        io::Error::new(kind, e)
    }
}

pub type Result<T> = std::result::Result<T, WsaError>;

/// A host call's outcome in the crate's terms, recorded as the last error.
fn wsa<T>(r: std::result::Result<T, ErrorCode>) -> Result<T> {
    record(r.map_err(WsaError::from))
}

/// The one rule for what the host's recv or recvfrom received (the WIT
/// `received`): `place` puts the data in the caller's buffers and returns
/// how many bytes it placed; then the call fails with the host's `error` if
/// it set one. The host alone decides when that is (a datagram longer than
/// the buffer: the buffer is filled, then WSAEMSGSIZE, as on Windows).
fn deliver(
    r: std::result::Result<sockets::Received, ErrorCode>,
    place: impl FnOnce(&[u8]) -> usize,
) -> Result<(usize, Option<SocketAddress>)> {
    let got = wsa(r)?;
    let n = place(&got.data);
    record(match got.error {
        Some(e) => Err(WsaError::from(e)),
        None => Ok((n, got.sender)),
    })
}

/// Copies as much of `data` as fits into `buf`.
fn copy_into(buf: &mut [u8], data: &[u8]) -> usize {
    let n = data.len().min(buf.len());
    buf[..n].copy_from_slice(&data[..n]);
    n
}

/// Sets the last error to what a call of the asynchronous model returns
/// (0 after a success, the code after a failure), whatever the several
/// host calls it made of its own left.
fn finish<T>(r: Result<T>) -> Result<T> {
    record(r)
}

/// Runs `f` (host calls a hook makes for the asynchronous model) and puts
/// back the last error the program's own call left.
fn keeping_last_error<T>(f: impl FnOnce() -> T) -> T {
    let saved = LAST_ERROR.get();
    let r = f();
    LAST_ERROR.set(saved);
    r
}

/// After a successful WSACleanup: if it was the final one (or a host
/// cleanup happened), every pending overlapped operation ends
/// WSA_OPERATION_ABORTED with no event set and every selection is gone
/// (docs/async.md). Asked of the host only when there is such state.
fn final_cleanup_done() {
    if !overlapped::any_pending() && !events::any_selection() {
        return;
    }
    keeping_last_error(|| {
        // The count is the host's: gethostname fails WSANOTINITIALISED
        // exactly when it is 0.
        if sockets::gethostname().map_err(WsaError::from) == Err(WsaError::NOTINITIALISED) {
            overlapped::abort_all_silently();
            events::final_cleanup();
        }
    })
}

/// What WSAStartup filled in.
pub use raw::lifecycle::WsaData;

/// A successful WSAStartup; dropping it runs the matching WSACleanup.
/// Every startup needs its own cleanup; only the last one resets the
/// sockets still open (docs/lifecycle.md).
pub struct Winsock {
    data: WsaData,
    cleaned: bool,
}

impl Winsock {
    /// WSAStartup(MAKEWORD(major, minor)).
    pub fn startup(major: u8, minor: u8) -> Result<Winsock> {
        // WSAStartup returns its code directly: a refusal leaves the last
        // error alone, a success sets it to 0.
        match lifecycle::startup(raw::makeword(major, minor), true) {
            Ok(data) => {
                LAST_ERROR.set(0);
                Ok(Winsock {
                    data,
                    cleaned: false,
                })
            }
            Err(e) => Err(e.code.into()),
        }
    }

    /// The WSADATA of this startup.
    pub fn data(&self) -> &WsaData {
        &self.data
    }

    /// The negotiated version as (major, minor).
    pub fn version(&self) -> (u8, u8) {
        (
            (self.data.version & 0xff) as u8,
            (self.data.version >> 8) as u8,
        )
    }

    /// WSACleanup now, with its result.
    pub fn cleanup(mut self) -> Result<()> {
        self.cleaned = true;
        wsa(lifecycle::cleanup())?;
        final_cleanup_done();
        Ok(())
    }
}

impl Drop for Winsock {
    fn drop(&mut self) {
        if !self.cleaned && lifecycle::cleanup().is_ok() {
            final_cleanup_done();
        }
    }
}

/// `struct linger` (docs/linger.md): `on` false is SO_DONTLINGER, the default
/// graceful close; `{ on: true, seconds: 0 }` closes with a reset;
/// `{ on: true, seconds: n }` waits up to n seconds for unsent data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Linger {
    pub on: bool,
    pub seconds: u16,
}

/// SOCK_STREAM or SOCK_DGRAM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketType {
    Stream,
    Datagram,
}

/// The shutdown directions (SD_RECEIVE, SD_SEND, SD_BOTH).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shutdown {
    Receive,
    Send,
    Both,
}

pub fn to_wit(addr: SocketAddr) -> SocketAddress {
    match addr {
        SocketAddr::V4(a) => {
            let [b0, b1, b2, b3] = a.ip().octets();
            SocketAddress::Ipv4(Ipv4SocketAddress {
                port: a.port(),
                address: (b0, b1, b2, b3),
            })
        }
        SocketAddr::V6(a) => {
            let [g0, g1, g2, g3, g4, g5, g6, g7] = a.ip().segments();
            SocketAddress::Ipv6(Ipv6SocketAddress {
                port: a.port(),
                flow_info: a.flowinfo(),
                address: (g0, g1, g2, g3, g4, g5, g6, g7),
                scope_id: a.scope_id(),
            })
        }
    }
}

pub fn from_wit(addr: SocketAddress) -> SocketAddr {
    match addr {
        SocketAddress::Ipv4(a) => {
            let (b0, b1, b2, b3) = a.address;
            SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(b0, b1, b2, b3), a.port))
        }
        SocketAddress::Ipv6(a) => {
            let (g0, g1, g2, g3, g4, g5, g6, g7) = a.address;
            SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::new(g0, g1, g2, g3, g4, g5, g6, g7),
                a.port,
                a.flow_info,
                a.scope_id,
            ))
        }
    }
}

/// The sockets select found ready, by handle (compare with
/// [`Socket::raw`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ready {
    pub read: Vec<u32>,
    pub write: Vec<u32>,
    pub except: Vec<u32>,
}

impl Ready {
    /// The count select returns.
    pub fn count(&self) -> usize {
        self.read.len() + self.write.len() + self.except.len()
    }
}

/// select: which of the sockets are readable, writable or exceptional.
/// `None` waits forever; a zero timeout polls. All sets empty: WSAEINVAL.
pub fn select(
    read: &[&Socket],
    write: &[&Socket],
    except: &[&Socket],
    timeout: Option<Duration>,
) -> Result<Ready> {
    let handles = |v: &[&Socket]| v.iter().map(|s| s.handle).collect::<Vec<_>>();
    let sets = sockets::FdSets {
        readfds: handles(read),
        writefds: handles(write),
        exceptfds: handles(except),
    };
    let timeout_us = timeout.map(|t| t.as_micros().min(u64::MAX as u128) as u64);
    let r = wsa(sockets::select(&sets, timeout_us))?;
    Ok(Ready {
        read: r.readfds,
        write: r.writefds,
        except: r.exceptfds,
    })
}

/// One WSAPOLLFD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollFd {
    pub socket: u32,
    pub events: i16,
    pub revents: i16,
}

impl PollFd {
    pub fn new(socket: &Socket, events: i16) -> PollFd {
        PollFd {
            socket: socket.handle,
            events,
            revents: 0,
        }
    }
}

/// WSAPoll: fills each entry's `revents` and returns how many have any
/// (POLLNVAL entries not counted). `None` waits forever.
pub fn poll(fds: &mut [PollFd], timeout: Option<Duration>) -> Result<usize> {
    let list: Vec<sockets::Pollfd> = fds
        .iter()
        .map(|p| sockets::Pollfd {
            fd: p.socket,
            events: p.events,
        })
        .collect();
    let ms = timeout.map_or(-1, |t| t.as_millis().min(i32::MAX as u128) as i32);
    let revents = wsa(sockets::wsapoll(&list, ms))?;
    let mut count = 0;
    for (p, r) in fds.iter_mut().zip(revents) {
        p.revents = r;
        if r != 0 && r != raw::POLLNVAL {
            count += 1;
        }
    }
    Ok(count)
}

/// getaddrinfo for a stream socket: the addresses of `host` (a name needs
/// the embedder's lookup grant, else WSAHOST_NOT_FOUND; numeric hosts need
/// none) with `port`.
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>> {
    let hints = sockets::AddrinfoHints {
        flags: 0,
        family: 0,
        socktype: raw::SOCK_STREAM,
        protocol: 0,
    };
    let list = wsa(sockets::getaddrinfo(
        Some(host),
        Some(&port.to_string()),
        Some(hints),
    ))?;
    Ok(list.into_iter().map(|a| from_wit(a.addr)).collect())
}

/// gethostbyaddr: the host name of `ip`, by a reverse lookup on the host.
/// Needs the embedder's lookup grant (else WSAHOST_NOT_FOUND); with a list
/// of granted names the answer must be one of them. No name:
/// WSAHOST_NOT_FOUND.
pub fn lookup_addr(ip: IpAddr) -> Result<String> {
    wsa(sockets::gethostbyaddr(to_wit(SocketAddr::new(ip, 0))))
}

/// gethostname: the name the embedder gave this instance.
pub fn hostname() -> Result<String> {
    wsa(sockets::gethostname())
}

/// A failed [`Socket::close`].
#[derive(Debug)]
pub struct CloseError {
    pub error: WsaError,
    /// The socket, still open, when the close would have blocked.
    pub socket: Option<Socket>,
}

/// A Winsock SOCKET; dropping it runs closesocket.
#[derive(Debug)]
pub struct Socket {
    handle: u32,
}

impl Socket {
    /// socket(af, type, 0) for the family of `like`.
    pub fn new(ipv6: bool, ty: SocketType) -> Result<Socket> {
        let af = if ipv6 { raw::AF_INET6 } else { raw::AF_INET };
        let ty = match ty {
            SocketType::Stream => raw::SOCK_STREAM,
            SocketType::Datagram => raw::SOCK_DGRAM,
        };
        Ok(Socket {
            handle: wsa(sockets::socket(af, ty, 0))?,
        })
    }

    /// A TCP socket over IPv4.
    pub fn tcp_v4() -> Result<Socket> {
        Socket::new(false, SocketType::Stream)
    }

    /// A TCP socket over IPv6.
    pub fn tcp_v6() -> Result<Socket> {
        Socket::new(true, SocketType::Stream)
    }

    /// A UDP socket over IPv4.
    pub fn udp_v4() -> Result<Socket> {
        Socket::new(false, SocketType::Datagram)
    }

    /// A UDP socket over IPv6.
    pub fn udp_v6() -> Result<Socket> {
        Socket::new(true, SocketType::Datagram)
    }

    /// A TCP socket listening on `addr`.
    pub fn listen_tcp(addr: SocketAddr, backlog: i32) -> Result<Socket> {
        let s = Socket::new(addr.is_ipv6(), SocketType::Stream)?;
        s.bind(addr)?;
        s.listen(backlog)?;
        Ok(s)
    }

    /// A TCP socket connected to `addr`.
    pub fn connect_tcp(addr: SocketAddr) -> Result<Socket> {
        let s = Socket::new(addr.is_ipv6(), SocketType::Stream)?;
        s.connect(addr)?;
        Ok(s)
    }

    /// Takes ownership of a raw handle.
    pub fn from_raw(handle: u32) -> Socket {
        Socket { handle }
    }

    /// The numeric SOCKET.
    pub fn raw(&self) -> u32 {
        self.handle
    }

    /// Gives up ownership: the handle is not closed on drop.
    pub fn into_raw(self) -> u32 {
        let h = self.handle;
        std::mem::forget(self);
        h
    }

    pub fn bind(&self, addr: SocketAddr) -> Result<()> {
        wsa(sockets::bind(self.handle, to_wit(addr)))
    }

    pub fn listen(&self, backlog: i32) -> Result<()> {
        wsa(sockets::listen(self.handle, backlog))?;
        events::listening(self.handle);
        Ok(())
    }

    /// accept. On a socket selected with [`Socket::event_select`] it
    /// re-enables FD_ACCEPT, and the accepted socket has the listener's
    /// selection (same event and events, nonblocking).
    pub fn accept(&self) -> Result<(Socket, SocketAddr)> {
        let r = wsa(sockets::accept(self.handle));
        if let Ok((h, _)) = &r {
            events::accepted(self.handle, *h);
        }
        events::reenable_accept(self.handle);
        let (h, peer) = r?;
        Ok((Socket { handle: h }, from_wit(peer)))
    }

    /// connect. On a selected socket its outcome is FD_CONNECT (at once,
    /// or when a nonblocking connect ends).
    pub fn connect(&self, addr: SocketAddr) -> Result<()> {
        let r = wsa(sockets::connect(self.handle, to_wit(addr)));
        events::connect_called(self.handle, &r);
        r
    }

    /// send: the bytes taken, possibly fewer than given. On a selected
    /// socket a send that fails WSAEWOULDBLOCK arms FD_WRITE.
    pub fn send(&self, buf: &[u8]) -> Result<usize> {
        self.after_send(wsa(sockets::send(self.handle, buf, 0)).map(|n| n as usize))
    }

    fn after_send(&self, r: Result<usize>) -> Result<usize> {
        if r == Err(WsaError::EWOULDBLOCK) {
            events::reenable_write(self.handle);
        }
        r
    }

    /// recv re-enables FD_READ whatever it returns: data still queued is
    /// recorded again at once (Microsoft's WSAEventSelect page).
    fn after_recv<T>(&self, r: Result<T>) -> Result<T> {
        events::reenable_read(self.handle);
        r
    }

    /// Sends all of `buf`, calling send as often as needed.
    pub fn send_all(&self, mut buf: &[u8]) -> Result<()> {
        while !buf.is_empty() {
            let n = self.send(buf)?;
            buf = &buf[n..];
        }
        Ok(())
    }

    /// WSASend with several buffers (not overlapped): the buffers are
    /// gathered into one send, which takes at most the host's per-call
    /// limit; returns the bytes taken, counted across the buffers in order.
    pub fn send_vectored(&self, bufs: &[io::IoSlice<'_>]) -> Result<usize> {
        let mut parts = bufs.iter().filter(|b| !b.is_empty());
        let sent = match (parts.next(), parts.next()) {
            (None, _) => wsa(sockets::send(self.handle, &[], 0)),
            // One buffer needs no gathering copy.
            (Some(one), None) => wsa(sockets::send(self.handle, one, 0)),
            _ => {
                let gathered: Vec<u8> = bufs.iter().flat_map(|b| b.iter().copied()).collect();
                wsa(sockets::send(self.handle, &gathered, 0))
            }
        };
        self.after_send(sent.map(|n| n as usize))
    }

    /// WSARecv with several buffers (not overlapped): one recv of at most
    /// their total length, scattered over them in order; 0 means the peer
    /// closed gracefully.
    pub fn recv_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> Result<usize> {
        let total = bufs.iter().map(|b| b.len()).sum::<usize>();
        let len = total.min(i32::MAX as usize) as i32;
        let r = deliver(sockets::recv(self.handle, len, 0), |data| {
            let mut rest = &data[..data.len().min(total)];
            for buf in bufs.iter_mut() {
                if rest.is_empty() {
                    break;
                }
                let n = copy_into(buf, rest);
                rest = &rest[n..];
            }
            data.len().min(total)
        });
        self.after_recv(r).map(|(n, _)| n)
    }

    /// recv into `buf`: 0 means the peer closed gracefully.
    pub fn recv(&self, buf: &mut [u8]) -> Result<usize> {
        self.recv_with_flags(buf, 0)
    }

    /// recv with MSG_PEEK: the data stays queued.
    pub fn peek(&self, buf: &mut [u8]) -> Result<usize> {
        self.recv_with_flags(buf, raw::MSG_PEEK)
    }

    fn recv_with_flags(&self, buf: &mut [u8], flags: i32) -> Result<usize> {
        let len = buf.len().min(i32::MAX as usize) as i32;
        let r = deliver(sockets::recv(self.handle, len, flags), |data| {
            copy_into(buf, data)
        });
        self.after_recv(r).map(|(n, _)| n)
    }

    /// sendto: the bytes taken (the address is ignored on a connected
    /// stream socket, as on Windows).
    pub fn send_to(&self, buf: &[u8], to: SocketAddr) -> Result<usize> {
        self.after_send(wsa(sockets::sendto(self.handle, buf, 0, to_wit(to))).map(|n| n as usize))
    }

    /// recvfrom: the datagram's length in `buf` and its sender. A datagram
    /// longer than `buf` fills it and fails WSAEMSGSIZE (the rest is lost),
    /// as on Windows.
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, SocketAddr)> {
        let len = buf.len().min(i32::MAX as usize) as i32;
        let r = deliver(sockets::recvfrom(self.handle, len, 0), |data| {
            copy_into(buf, data)
        });
        let (n, sender) = self.after_recv(r)?;
        // The host names the sender of every recvfrom that succeeds.
        let sender = sender.ok_or(WsaError::ENOTCONN)?;
        Ok((n, from_wit(sender)))
    }

    pub fn shutdown(&self, how: Shutdown) -> Result<()> {
        let how = match how {
            Shutdown::Receive => raw::SD_RECEIVE,
            Shutdown::Send => raw::SD_SEND,
            Shutdown::Both => raw::SD_BOTH,
        };
        wsa(sockets::shutdown(self.handle, how))
    }

    pub fn local_addr(&self) -> Result<SocketAddr> {
        wsa(sockets::getsockname(self.handle)).map(from_wit)
    }

    pub fn peer_addr(&self) -> Result<SocketAddr> {
        wsa(sockets::getpeername(self.handle)).map(from_wit)
    }

    /// closesocket with its result. When it fails WSAEWOULDBLOCK (a
    /// nonblocking socket lingering with unsent data, docs/linger.md) the handle
    /// is still open and comes back in the error.
    pub fn close(self) -> std::result::Result<(), CloseError> {
        let h = self.into_raw();
        match sockets::closesocket(h) {
            Ok(()) => {
                Socket::closed(h);
                Ok(())
            }
            Err(e) => {
                let error = WsaError::from(e);
                let socket = (error == WsaError::EWOULDBLOCK).then_some(Socket { handle: h });
                Err(CloseError { error, socket })
            }
        }
    }

    /// After closesocket: the selection ends (nothing is recorded for the
    /// close) and the pending overlapped operations end
    /// WSA_OPERATION_ABORTED with their events set (docs/async.md).
    fn closed(h: u32) {
        events::closed(h);
        overlapped::socket_closed(h);
    }

    /// WSAEventSelect: `event` is set when one of `events` happens, and
    /// [`Socket::enum_network_events`] reads what happened. The socket
    /// becomes nonblocking, and [`Socket::set_nonblocking`]`(false)` fails
    /// WSAEINVAL while the selection lasts. A new selection replaces the
    /// old one and clears its record; an empty `events` cancels it (as
    /// [`Socket::clear_event_select`]).
    ///
    /// As Windows does it: an event is recorded once, then not again
    /// until the call that re-enables it (recv for FD_READ, accept for
    /// FD_ACCEPT, a send that failed WSAEWOULDBLOCK for FD_WRITE);
    /// FD_CONNECT and FD_CLOSE happen once; FD_WRITE is recorded when a
    /// connect completes and for an accepted socket; a condition that
    /// already holds is recorded at once. FD_CLOSE's error is 0 for the
    /// peer's graceful close, WSAECONNRESET for a reset.
    pub fn event_select(&self, event: &Event, events: NetworkEvents) -> Result<()> {
        finish(events::event_select(self.handle, Some(event), events))
    }

    /// WSAEventSelect(s, NULL, 0): ends the selection; the socket stays
    /// nonblocking until set_nonblocking(false).
    pub fn clear_event_select(&self) -> Result<()> {
        finish(events::event_select(self.handle, None, NetworkEvents::NONE))
    }

    /// WSAEnumNetworkEvents: the events recorded since the last call and
    /// their error codes; clears the record and resets `reset` (if given)
    /// in one step. A socket without selection reports nothing.
    pub fn enum_network_events(&self, reset: Option<&Event>) -> Result<NetworkEventRecord> {
        finish(events::enum_network_events(self.handle, reset))
    }

    /// Overlapped WSARecv into `buffer` (up to its length). Completes at
    /// once or stays pending; operations on one socket complete in issue
    /// order per direction, and `event` (if given) is set on completion.
    /// A failure known at once is the call's error.
    pub fn recv_overlapped(&self, buffer: Vec<u8>, event: Option<&Event>) -> Result<Overlapped> {
        finish(overlapped::issue(self.handle, false, buffer, event))
    }

    /// Overlapped WSASend of all of `buffer` (a stream send may go out in
    /// parts; the operation completes when all is taken). As
    /// [`Socket::recv_overlapped`] otherwise.
    pub fn send_overlapped(&self, buffer: Vec<u8>, event: Option<&Event>) -> Result<Overlapped> {
        finish(overlapped::issue(self.handle, true, buffer, event))
    }

    /// ioctlsocket(FIONBIO). While the socket is selected with
    /// [`Socket::event_select`], switching back to blocking fails
    /// WSAEINVAL (Microsoft's WSAEventSelect page).
    pub fn set_nonblocking(&self, nonblocking: bool) -> Result<()> {
        if !nonblocking && events::selected(self.handle) {
            return finish(Err(WsaError::EINVAL));
        }
        wsa(sockets::ioctlsocket(
            self.handle,
            raw::FIONBIO,
            u32::from(nonblocking),
        ))
        .map(drop)
    }

    /// ioctlsocket(FIONREAD): bytes one recv returns at once.
    pub fn bytes_available(&self) -> Result<u32> {
        wsa(sockets::ioctlsocket(self.handle, raw::FIONREAD, 0))
    }

    /// getsockopt with the raw bytes Windows lays out.
    pub fn getsockopt_raw(&self, level: i32, name: i32, optlen: i32) -> Result<Vec<u8>> {
        wsa(sockets::getsockopt(self.handle, level, name, optlen))
    }

    /// setsockopt with raw bytes (`None` is a NULL optval).
    pub fn setsockopt_raw(&self, level: i32, name: i32, optval: Option<&[u8]>) -> Result<()> {
        wsa(sockets::setsockopt(self.handle, level, name, optval))
    }

    fn get_int(&self, level: i32, name: i32) -> Result<i32> {
        let v = self.getsockopt_raw(level, name, 4)?;
        Ok(i32::from_le_bytes([v[0], v[1], v[2], v[3]]))
    }

    fn set_int(&self, level: i32, name: i32, value: i32) -> Result<()> {
        self.setsockopt_raw(level, name, Some(&value.to_le_bytes()))
    }

    /// SO_LINGER.
    pub fn linger(&self) -> Result<Linger> {
        let v = self.getsockopt_raw(raw::SOL_SOCKET, raw::SO_LINGER, 4)?;
        Ok(Linger {
            on: u16::from_le_bytes([v[0], v[1]]) != 0,
            seconds: u16::from_le_bytes([v[2], v[3]]),
        })
    }

    /// SO_LINGER.
    pub fn set_linger(&self, linger: Linger) -> Result<()> {
        let mut v = [0u8; 4];
        v[..2].copy_from_slice(&u16::from(linger.on).to_le_bytes());
        v[2..].copy_from_slice(&linger.seconds.to_le_bytes());
        self.setsockopt_raw(raw::SOL_SOCKET, raw::SO_LINGER, Some(&v))
    }

    /// SO_DONTLINGER.
    pub fn dont_linger(&self) -> Result<bool> {
        Ok(self.get_int(raw::SOL_SOCKET, raw::SO_DONTLINGER)? != 0)
    }

    /// SO_DONTLINGER.
    pub fn set_dont_linger(&self, on: bool) -> Result<()> {
        self.set_int(raw::SOL_SOCKET, raw::SO_DONTLINGER, i32::from(on))
    }

    /// SO_TYPE.
    pub fn socket_type(&self) -> Result<SocketType> {
        match self.get_int(raw::SOL_SOCKET, raw::SO_TYPE)? {
            raw::SOCK_DGRAM => Ok(SocketType::Datagram),
            _ => Ok(SocketType::Stream),
        }
    }

    /// SO_ERROR (reading clears it): `None` when there is none.
    pub fn take_error(&self) -> Result<Option<WsaError>> {
        let code = self.get_int(raw::SOL_SOCKET, raw::SO_ERROR)?;
        Ok((code != 0).then_some(WsaError(code)))
    }

    /// SO_REUSEADDR.
    pub fn set_reuse_address(&self, on: bool) -> Result<()> {
        self.set_int(raw::SOL_SOCKET, raw::SO_REUSEADDR, i32::from(on))
    }

    /// SO_REUSEADDR.
    pub fn reuse_address(&self) -> Result<bool> {
        Ok(self.get_int(raw::SOL_SOCKET, raw::SO_REUSEADDR)? != 0)
    }

    /// SO_RCVBUF.
    pub fn recv_buffer_size(&self) -> Result<u32> {
        Ok(self.get_int(raw::SOL_SOCKET, raw::SO_RCVBUF)? as u32)
    }

    /// SO_RCVBUF.
    pub fn set_recv_buffer_size(&self, size: u32) -> Result<()> {
        self.set_int(raw::SOL_SOCKET, raw::SO_RCVBUF, size as i32)
    }

    /// SO_SNDBUF.
    pub fn send_buffer_size(&self) -> Result<u32> {
        Ok(self.get_int(raw::SOL_SOCKET, raw::SO_SNDBUF)? as u32)
    }

    /// SO_SNDBUF.
    pub fn set_send_buffer_size(&self, size: u32) -> Result<()> {
        self.set_int(raw::SOL_SOCKET, raw::SO_SNDBUF, size as i32)
    }

    /// SO_RCVTIMEO (None waits forever).
    pub fn set_recv_timeout(&self, t: Option<Duration>) -> Result<()> {
        let ms = t.map_or(0, |t| t.as_millis().clamp(1, i32::MAX as u128) as i32);
        self.set_int(raw::SOL_SOCKET, raw::SO_RCVTIMEO, ms)
    }

    /// SO_SNDTIMEO (None waits forever).
    pub fn set_send_timeout(&self, t: Option<Duration>) -> Result<()> {
        let ms = t.map_or(0, |t| t.as_millis().clamp(1, i32::MAX as u128) as i32);
        self.set_int(raw::SOL_SOCKET, raw::SO_SNDTIMEO, ms)
    }

    /// TCP_NODELAY.
    pub fn set_nodelay(&self, on: bool) -> Result<()> {
        self.set_int(raw::IPPROTO_TCP, raw::TCP_NODELAY, i32::from(on))
    }

    /// TCP_NODELAY.
    pub fn nodelay(&self) -> Result<bool> {
        Ok(self.get_int(raw::IPPROTO_TCP, raw::TCP_NODELAY)? != 0)
    }

    /// ioctlsocket(SIOCATMARK): true when no urgent (OOB) data is waiting,
    /// i.e. the next recv reads normal data (Windows' sense, docs/surface.md).
    pub fn at_mark(&self) -> Result<bool> {
        Ok(wsa(sockets::ioctlsocket(self.handle, raw::SIOCATMARK, 0))? != 0)
    }

    /// SO_KEEPALIVE.
    pub fn set_keepalive(&self, on: bool) -> Result<()> {
        self.set_int(raw::SOL_SOCKET, raw::SO_KEEPALIVE, i32::from(on))
    }

    /// SO_KEEPALIVE.
    pub fn keepalive(&self) -> Result<bool> {
        Ok(self.get_int(raw::SOL_SOCKET, raw::SO_KEEPALIVE)? != 0)
    }

    /// SIO_KEEPALIVE_VALS: keepalive on, probes after `time` idle and then
    /// every `interval` (each rounded up to whole seconds, as the host
    /// kernel counts them). Stream sockets only (else WSAENOPROTOOPT); a
    /// zero duration or one beyond the host's range: WSAEINVAL.
    pub fn set_keepalive_values(&self, time: Duration, interval: Duration) -> Result<()> {
        self.set_keepalive(true)?;
        self.set_keepalive_idle(time)?;
        self.set_keepalive_interval(interval)
    }

    /// TCP_KEEPIDLE: idle time before the first keepalive probe (whole
    /// seconds, rounded up).
    pub fn set_keepalive_idle(&self, time: Duration) -> Result<()> {
        self.set_int(raw::IPPROTO_TCP, raw::TCP_KEEPIDLE, whole_seconds(time))
    }

    /// TCP_KEEPIDLE, as the host socket has it.
    pub fn keepalive_idle(&self) -> Result<Duration> {
        let secs = self.get_int(raw::IPPROTO_TCP, raw::TCP_KEEPIDLE)?;
        Ok(Duration::from_secs(secs.max(0) as u64))
    }

    /// TCP_KEEPINTVL: time between keepalive probes (whole seconds,
    /// rounded up).
    pub fn set_keepalive_interval(&self, interval: Duration) -> Result<()> {
        self.set_int(
            raw::IPPROTO_TCP,
            raw::TCP_KEEPINTVL,
            whole_seconds(interval),
        )
    }

    /// TCP_KEEPINTVL, as the host socket has it.
    pub fn keepalive_interval(&self) -> Result<Duration> {
        let secs = self.get_int(raw::IPPROTO_TCP, raw::TCP_KEEPINTVL)?;
        Ok(Duration::from_secs(secs.max(0) as u64))
    }

    /// TCP_KEEPCNT: unanswered probes before the connection is dropped.
    pub fn set_keepalive_count(&self, count: u32) -> Result<()> {
        self.set_int(
            raw::IPPROTO_TCP,
            raw::TCP_KEEPCNT,
            count.min(i32::MAX as u32) as i32,
        )
    }

    /// TCP_KEEPCNT, as the host socket has it.
    pub fn keepalive_count(&self) -> Result<u32> {
        Ok(self.get_int(raw::IPPROTO_TCP, raw::TCP_KEEPCNT)?.max(0) as u32)
    }

    /// SO_BROADCAST (datagram sockets).
    pub fn set_broadcast(&self, on: bool) -> Result<()> {
        self.set_int(raw::SOL_SOCKET, raw::SO_BROADCAST, i32::from(on))
    }

    /// SO_BROADCAST.
    pub fn broadcast(&self) -> Result<bool> {
        Ok(self.get_int(raw::SOL_SOCKET, raw::SO_BROADCAST)? != 0)
    }

    /// IP_TTL.
    pub fn set_ttl(&self, ttl: u32) -> Result<()> {
        self.set_int(raw::IPPROTO_IP, raw::IP_TTL, ttl as i32)
    }

    /// IP_TTL.
    pub fn ttl(&self) -> Result<u32> {
        Ok(self.get_int(raw::IPPROTO_IP, raw::IP_TTL)? as u32)
    }

    /// IPV6_V6ONLY (TRUE on a new AF_INET6 socket, as on Windows).
    pub fn set_only_v6(&self, on: bool) -> Result<()> {
        self.set_int(raw::IPPROTO_IPV6, raw::IPV6_V6ONLY, i32::from(on))
    }

    /// IPV6_V6ONLY.
    pub fn only_v6(&self) -> Result<bool> {
        Ok(self.get_int(raw::IPPROTO_IPV6, raw::IPV6_V6ONLY)? != 0)
    }
}

/// A duration as the keepalive options' DWORD seconds, rounded up (the
/// host counts whole seconds); zero stays zero, which the host refuses.
fn whole_seconds(d: Duration) -> i32 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    secs.min(i32::MAX as u64) as i32
}

impl Drop for Socket {
    fn drop(&mut self) {
        if sockets::closesocket(self.handle).is_ok() {
            Socket::closed(self.handle);
        }
    }
}

impl io::Read for &Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(self.recv(buf)?)
    }
}

impl io::Write for &Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(self.send(buf)?)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl io::Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }
}

impl io::Write for Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
