//! One guest socket: the host socket under it, the Winsock state Windows
//! keeps beside it (linger, blocking mode, timeouts, connection phase,
//! shutdown and reset history), and the I/O that waits without parking a
//! thread (docs/linger.md-6).

use crate::error::WsaError;
use socket2::Socket;
use std::io;
use std::mem::MaybeUninit;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio_util::sync::CancellationToken;

/// SOCK_STREAM or SOCK_DGRAM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketKind {
    Stream,
    Datagram,
}

/// AF_INET or AF_INET6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn of(addr: &SocketAddr) -> Family {
        match addr {
            SocketAddr::V4(_) => Family::V4,
            SocketAddr::V6(_) => Family::V6,
        }
    }
}

/// `struct linger` as the guest set it (docs/linger.md). `seconds` is kept as
/// given; closesocket clamps it to the host's maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Linger {
    pub on: bool,
    pub seconds: u16,
}

/// How closesocket ends a stream socket, from its linger state (docs/linger.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LingerMode {
    /// SO_DONTLINGER: return at once, the kernel delivers queued data then FIN.
    Graceful,
    /// SO_LINGER {1, 0}: return at once with a reset.
    Abortive,
    /// SO_LINGER {1, N}: wait up to N seconds for the send queue to drain.
    Wait(Duration),
}

impl Linger {
    pub fn mode(self, max_linger: Duration) -> LingerMode {
        match (self.on, self.seconds) {
            (false, _) => LingerMode::Graceful,
            (true, 0) => LingerMode::Abortive,
            (true, n) => LingerMode::Wait(Duration::from_secs(n.into()).min(max_linger)),
        }
    }
}

/// Where a socket is in its life, as Winsock's state checks see it: each
/// call decides its WSA code from the phase before asking the kernel
/// (docs/handles.md, docs/errors.md). Shutdown and a reset are not phases:
/// Windows keeps a shut-down or reset socket connected (getpeername still
/// answers), so they are flags of [`SocketState`] beside the phase.
///
/// A socket's phases only move forward, as listed, except that a failed
/// connect goes back to `Bound`. closesocket ends every phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// A new socket (socket()), no local address yet. Only here does bind
    /// succeed (afterwards WSAEINVAL); listen and getsockname fail
    /// WSAEINVAL, and so do recv and recvfrom on a datagram socket.
    ///
    /// Transitions: bind -> `Bound`; sendto on a datagram socket (an
    /// implicit ephemeral bind) -> `Bound`; connect -> `Connecting` (a
    /// handshake under way), `Connected` (done at once, or a datagram
    /// socket's default peer), or `Bound` when it failed after the kernel
    /// gave the socket a port.
    Unbound,
    /// A local address, no peer, not listening.
    ///
    /// Transitions: listen -> `Listening`; connect -> `Connecting` or
    /// `Connected`; a failed connect stays here.
    Bound,
    /// listen() succeeded: accept takes connections (each a new socket,
    /// born `Connected`); connect fails WSAEINVAL, send and recv
    /// WSAENOTCONN.
    ///
    /// Transitions: none; another listen only changes the backlog.
    Listening,
    /// A connect whose handshake has not been seen to end: a nonblocking
    /// connect returned WSAEWOULDBLOCK, or a blocking one is waiting.
    /// Another connect fails WSAEALREADY.
    ///
    /// Transitions: whichever call looks next ([`SocketEntry::settle_connect`],
    /// run by connect, send, recv, select, WSAPoll, getsockopt...) moves it
    /// to `Connected` or `ConnectFailed`; a blocking connect that sees the
    /// failure itself returns it and moves to `Bound`.
    Connecting,
    /// A nonblocking connect failed with this code (refused, unreachable,
    /// timed out). The socket is otherwise `Bound`; select reports it in
    /// exceptfds and WSAPoll with POLLERR|POLLHUP.
    ///
    /// Transitions: reading SO_ERROR, or the next connect, reports the
    /// code once and moves to `Bound`.
    ConnectFailed(WsaError),
    /// Connected to a peer (a connect that completed, or accepted). connect
    /// fails WSAEISCONN, listen WSAEISCONN.
    ///
    /// Transitions: none; shutdown and a reset set [`SocketState`]'s
    /// `shut_send`, `shut_recv` and `reset` instead.
    Connected,
}

#[derive(Debug)]
pub struct SocketState {
    pub phase: Phase,
    pub nonblocking: bool,
    pub linger: Linger,
    /// SO_RCVTIMEO / SO_SNDTIMEO in milliseconds; 0 waits forever.
    pub recv_timeout_ms: u32,
    pub send_timeout_ms: u32,
    pub shut_send: bool,
    pub shut_recv: bool,
    /// Set once the connection was seen reset: Linux reports ECONNRESET once
    /// and EOF or EPIPE afterwards, Winsock keeps failing WSAECONNRESET.
    pub reset: bool,
    /// A blocking lingering closesocket is under way: the handle is already
    /// gone for the guest, but the socket is still the instance's to reset.
    pub closing: bool,
    /// Extra SOL_SOCKET flags Winsock reports back that Linux cannot.
    pub exclusive_addr_use: bool,
}

/// The socket's descriptor as the reactor sees it; the `Socket` in the
/// entry owns it.
struct ReactorFd(RawFd);

impl AsRawFd for ReactorFd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

pub struct SocketEntry {
    pub kind: SocketKind,
    pub family: Family,
    /// Registered with the reactor on the first wait, not at creation: most
    /// calls never wait, and a socket registered before it is connected
    /// reports HUP, which tokio keeps as a permanent "read closed" readiness.
    /// Declared before `socket` so that it deregisters before the close.
    reactor: OnceLock<Option<AsyncFd<ReactorFd>>>,
    socket: Socket,
    /// Cancelled by closesocket of this socket and by the final cleanup (a
    /// child of the instance's token), so pending calls fail WSAEINTR.
    pub cancel: CancellationToken,
    state: Mutex<SocketState>,
}

impl SocketEntry {
    /// Wraps a nonblocking host socket. Must run inside the tokio runtime.
    pub fn new(
        socket: Socket,
        kind: SocketKind,
        family: Family,
        phase: Phase,
        cancel: CancellationToken,
    ) -> io::Result<SocketEntry> {
        Ok(SocketEntry {
            kind,
            family,
            reactor: OnceLock::new(),
            socket,
            cancel,
            state: Mutex::new(SocketState {
                phase,
                nonblocking: false,
                linger: Linger::default(),
                recv_timeout_ms: 0,
                send_timeout_ms: 0,
                shut_send: false,
                shut_recv: false,
                reset: false,
                closing: false,
                exclusive_addr_use: false,
            }),
        })
    }

    pub fn socket(&self) -> &Socket {
        &self.socket
    }

    /// The reactor registration, made on first use. Must run inside the
    /// tokio runtime (host calls do).
    fn reactor(&self) -> Result<&AsyncFd<ReactorFd>, IoFailure> {
        self.reactor
            .get_or_init(|| {
                let fd = ReactorFd(self.socket.as_raw_fd());
                // SAFETY: `self.socket` owns the descriptor and outlives the
                // registration: `reactor` is dropped (deregistered) before
                // `socket` is closed, by field order.
                unsafe {
                    AsyncFd::register_with_interest(fd, Interest::READABLE | Interest::WRITABLE)
                }
                .ok()
            })
            .as_ref()
            .ok_or(IoFailure::Wsa(WsaError::NoBufs))
    }

    pub fn state(&self) -> MutexGuard<'_, SocketState> {
        // The lock is never held across an await or a guest call, and nothing
        // under it panics; a poisoned lock is still consistent data.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The abortive close of docs/lifecycle.md's final cleanup and docs/teardown.md's teardown:
    /// SO_LINGER {1,0} in the kernel, so the last close of the descriptor
    /// sends RST and drops unsent data. Pending calls are cancelled.
    pub fn reset(&self) {
        let _ = self.socket().set_linger(Some(Duration::ZERO));
        self.cancel.cancel();
    }

    /// Brings a nonblocking connect's phase up to date without waiting:
    /// Windows reports the outcome to whichever call looks next.
    pub fn settle_connect(&self, st: &mut SocketState) {
        if st.phase != Phase::Connecting {
            return;
        }
        let mut pfd = [rustix::event::PollFd::new(
            self.socket(),
            rustix::event::PollFlags::OUT,
        )];
        let zero = rustix::event::Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        if !matches!(rustix::event::poll(&mut pfd, Some(&zero)), Ok(n) if n > 0) {
            return;
        }
        st.phase = match self.socket().take_error() {
            Ok(None) => Phase::Connected,
            Ok(Some(e)) | Err(e) => Phase::ConnectFailed(WsaError::from_io(&e)),
        };
    }

    /// Runs `op` on the host socket, waiting for readiness only when it
    /// would block: a ready syscall costs no reactor round trip. Blocking
    /// sockets wait, cancellable (WSAEINTR) and bounded by `timeout`
    /// (WSAETIMEDOUT); nonblocking ones fail WSAEWOULDBLOCK.
    pub async fn io<R>(
        &self,
        interest: Interest,
        nonblocking: bool,
        timeout: Option<Duration>,
        mut op: impl FnMut(&Socket) -> io::Result<R>,
    ) -> Result<R, IoFailure> {
        match op(self.socket()) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other.map_err(IoFailure::Io),
        }
        if nonblocking {
            return Err(IoFailure::Wsa(WsaError::WouldBlock));
        }
        let reactor = self.reactor()?;
        let wait = async {
            loop {
                let mut guard = reactor.ready(interest).await.map_err(IoFailure::Io)?;
                let ready = guard.ready();
                match guard.try_io(|_| op(&self.socket)) {
                    Ok(r) => return r.map_err(IoFailure::Io),
                    // tokio never clears "closed" readiness; a socket that
                    // reported HUP and would still block (a failed connect
                    // tried again) must not spin the executor.
                    Err(_would_block) if ready.is_read_closed() || ready.is_write_closed() => {
                        tokio::time::sleep(Duration::from_millis(1)).await
                    }
                    Err(_would_block) => {}
                }
            }
        };
        let deadline = async {
            match timeout {
                Some(t) => tokio::time::sleep(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(IoFailure::Wsa(WsaError::Intr)),
            r = wait => r,
            _ = deadline => Err(IoFailure::Wsa(WsaError::TimedOut)),
        }
    }

    /// Waits (cancellably) until the kernel reports the socket writable;
    /// used for a blocking connect's handshake.
    pub async fn writable(&self) -> Result<(), IoFailure> {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(IoFailure::Wsa(WsaError::Intr)),
            r = self.reactor()?.writable() => r.map(|mut g| g.clear_ready()).map_err(IoFailure::Io),
        }
    }

    /// Bytes queued for sending and not yet acknowledged by the peer
    /// (Linux's SIOCOUTQ). A socket with no connection has none.
    pub fn connection_failed(&self) -> bool {
        // A pending socket error (ECONNRESET and the like) means the
        // connection is gone; TCP_INFO's state says so once it was read.
        if matches!(self.socket().take_error(), Ok(Some(_))) {
            return true;
        }
        tcp_state(self.socket()) == Some(LINUX_TCP_CLOSE)
    }

    pub fn unacknowledged(&self) -> usize {
        let mut n: libc::c_int = 0;
        // SAFETY: TIOCOUTQ writes one int through the pointer, which points
        // at a live c_int; the descriptor is owned by `self`.
        let rc = unsafe { libc::ioctl(self.socket().as_raw_fd(), libc::TIOCOUTQ, &mut n) };
        if rc == 0 { n.max(0) as usize } else { 0 }
    }

    /// Bytes one recv would return at once (FIONREAD).
    pub fn readable_bytes(&self) -> Result<u32, WsaError> {
        match rustix::io::ioctl_fionread(self.socket()) {
            Ok(n) => Ok(n.min(u32::MAX as u64) as u32),
            Err(e) => Err(WsaError::from_io(&e.into())),
        }
    }

    /// recv into a fresh buffer of at most `cap` bytes.
    pub fn recv_into(sock: &Socket, buf: &mut Vec<u8>, flags: libc::c_int) -> io::Result<usize> {
        buf.clear();
        let spare: &mut [MaybeUninit<u8>] = buf.spare_capacity_mut();
        let n = sock.recv_with_flags(spare, flags)?;
        // SAFETY: recv initialised the first `n` bytes of the spare capacity.
        unsafe { buf.set_len(n) };
        Ok(n)
    }
}

/// A failed socket operation: already a WSA code (cancelled, timed out,
/// would block) or the host's error, for the caller to translate by its
/// own state rules.
#[derive(Debug)]
pub enum IoFailure {
    Wsa(WsaError),
    Io(io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linger_state_decides_the_close() {
        let max = Duration::from_secs(30);
        assert_eq!(
            Linger {
                on: false,
                seconds: 9
            }
            .mode(max),
            LingerMode::Graceful
        );
        assert_eq!(
            Linger {
                on: true,
                seconds: 0
            }
            .mode(max),
            LingerMode::Abortive
        );
        assert_eq!(
            Linger {
                on: true,
                seconds: 5
            }
            .mode(max),
            LingerMode::Wait(Duration::from_secs(5))
        );
        assert_eq!(
            Linger {
                on: true,
                seconds: 600
            }
            .mode(max),
            LingerMode::Wait(max)
        );
    }
}

/// Linux's TCP_CLOSE state (include/net/tcp_states.h).
const LINUX_TCP_CLOSE: u8 = 7;

/// The TCP state Linux reports in TCP_INFO (its first byte, tcpi_state).
fn tcp_state(sock: &Socket) -> Option<u8> {
    use std::os::fd::AsRawFd;
    let mut info = [0u8; 8];
    let mut len = info.len() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `info`, a live
    // buffer of that size, and updates `len`.
    let rc = unsafe {
        libc::getsockopt(
            sock.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            info.as_mut_ptr().cast(),
            &mut len,
        )
    };
    (rc == 0 && len >= 1).then_some(info[0])
}
