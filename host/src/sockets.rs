//! The functions of the `sockets` interface, as plain Rust over host
//! sockets. Each decides its WSA codes from the Winsock state first (docs/surface.md)
//! and only then asks the kernel.

use crate::ctx::WinsockCtx;
use crate::error::{Failure, WsaError, WsaResult};
use crate::socket::{Family, IoFailure, LingerMode, Phase, SocketEntry, SocketKind};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::Interest;

use winsock_abi::*;

/// How often a lingering closesocket looks at the send queue. Linux has no
/// readiness event for "everything acknowledged", so the wait polls; the
/// guest is suspended meanwhile and no host thread is parked.
const LINGER_POLL: Duration = Duration::from_millis(5);

fn io_failure(e: IoFailure) -> WsaError {
    match e {
        IoFailure::Wsa(w) => w,
        IoFailure::Io(e) => WsaError::from_io(&e),
    }
}

fn timeout(ms: u32) -> Option<Duration> {
    (ms > 0).then(|| Duration::from_millis(ms.into()))
}

impl WinsockCtx {
    pub(crate) fn entry(&self, s: u32) -> WsaResult<Arc<SocketEntry>> {
        self.check_alive()?;
        Ok(self.instance.socket(s)?)
    }

    /// socket(af, type, protocol).
    pub fn socket(&mut self, af: i32, ty: i32, protocol: i32) -> WsaResult<u32> {
        self.check_alive()?;
        self.instance.require_started()?;
        let (family, domain) = match af {
            AF_INET => (Family::V4, Domain::IPV4),
            AF_INET6 => (Family::V6, Domain::IPV6),
            _ => return Err(WsaError::AfNoSupport.into()),
        };
        let (kind, sock_type, proto) = match (ty, protocol) {
            (SOCK_STREAM, 0 | IPPROTO_TCP) => (SocketKind::Stream, Type::STREAM, Protocol::TCP),
            (SOCK_DGRAM, 0 | IPPROTO_UDP) => (SocketKind::Datagram, Type::DGRAM, Protocol::UDP),
            // A protocol the type does not carry (stream over UDP) is
            // WSAEPROTONOSUPPORT on Windows, like an unknown one (docs/surface.md;
            // Microsoft's own PAL socket tests expect it).
            (SOCK_STREAM | SOCK_DGRAM, _) => return Err(WsaError::ProtoNoSupport.into()),
            _ => return Err(WsaError::SocktNoSupport.into()),
        };
        let handle = self.instance.insert(self.limits.max_sockets, |cancel| {
            let sock = Socket::new(domain, sock_type.nonblocking().cloexec(), Some(proto))
                .map_err(|e| WsaError::from_io(&e))?;
            if family == Family::V6 {
                // Windows creates AF_INET6 sockets IPv6-only; Linux does not.
                sock.set_only_v6(true).map_err(|e| WsaError::from_io(&e))?;
            }
            SocketEntry::new(sock, kind, family, Phase::Unbound, cancel)
                .map_err(|e| WsaError::from_io(&e))
        })?;
        Ok(handle)
    }

    /// closesocket(s), following the linger state (docs/linger.md).
    pub async fn closesocket(&mut self, s: u32) -> WsaResult<()> {
        let entry = self.entry(s)?;
        let mode = {
            let st = entry.state();
            match entry.kind {
                SocketKind::Datagram => LingerMode::Graceful,
                SocketKind::Stream => st.linger.mode(self.limits.max_linger),
            }
        };
        match mode {
            LingerMode::Graceful => {}
            LingerMode::Abortive => entry.reset(),
            LingerMode::Wait(limit) => {
                if entry.unacknowledged() > 0 {
                    if entry.state().nonblocking {
                        // Windows: WSAEWOULDBLOCK, no disconnect started, the
                        // handle stays valid (docs/linger.md).
                        return Err(WsaError::WouldBlock.into());
                    }
                    return self.linger_close(s, entry, limit).await;
                }
            }
        }
        entry.cancel.cancel();
        self.instance.remove(s);
        Ok(())
    }

    /// A blocking closesocket with SO_LINGER {1, N}: waits until the send
    /// queue is acknowledged, then closes gracefully; on time-out resets.
    /// The handle is gone for the guest from the start, but the socket stays
    /// in the table so that a final cleanup or teardown still resets it.
    async fn linger_close(
        &mut self,
        s: u32,
        entry: Arc<SocketEntry>,
        limit: Duration,
    ) -> WsaResult<()> {
        entry.state().closing = true;
        // Done when the peer acknowledged everything, or when the
        // connection died (a reset leaves Linux's SIOCOUTQ count behind but
        // nothing will ever be acknowledged: waiting out l_linger would only
        // stall the guest).
        let drained = async {
            while entry.unacknowledged() > 0 && !entry.connection_failed() {
                tokio::time::sleep(LINGER_POLL).await;
            }
        };
        let outcome = tokio::select! {
            biased;
            _ = entry.cancel.cancelled() => Err(WsaError::Intr),
            _ = drained => Ok(()),
            _ = tokio::time::sleep(limit) => {
                entry.reset();
                Ok(())
            }
        };
        entry.cancel.cancel();
        self.instance.remove(s);
        Ok(outcome?)
    }

    /// bind(s, name).
    pub fn bind(&mut self, s: u32, addr: SocketAddr) -> WsaResult<()> {
        let entry = self.entry(s)?;
        if Family::of(&addr) != entry.family {
            return Err(WsaError::Fault.into());
        }
        if entry.state().phase != Phase::Unbound {
            return Err(WsaError::Inval.into());
        }
        if !self.grants.may_bind(addr) {
            return Err(self.deny("bind", addr.to_string()));
        }
        entry
            .socket()
            .bind(&SockAddr::from(addr))
            .map_err(|e| WsaError::from_io(&e))?;
        entry.state().phase = Phase::Bound;
        Ok(())
    }

    /// listen(s, backlog).
    pub fn listen(&mut self, s: u32, backlog: i32) -> WsaResult<()> {
        let entry = self.entry(s)?;
        if entry.kind == SocketKind::Datagram {
            return Err(WsaError::OpNotSupp.into());
        }
        let mut st = entry.state();
        entry.settle_connect(&mut st);
        match st.phase {
            Phase::Unbound => return Err(WsaError::Inval.into()),
            Phase::Connected | Phase::Connecting => return Err(WsaError::IsConn.into()),
            Phase::Bound | Phase::ConnectFailed(_) | Phase::Listening => {}
        }
        // SOMAXCONN is 0x7fffffff on Windows; the kernel clamps to its own.
        let backlog = backlog.clamp(1, 4096);
        entry
            .socket()
            .listen(backlog)
            .map_err(|e| WsaError::from_io(&e))?;
        st.phase = Phase::Listening;
        Ok(())
    }

    /// accept(s).
    pub async fn accept(&mut self, s: u32) -> WsaResult<(u32, SocketAddr)> {
        let entry = self.entry(s)?;
        let (nonblocking, linger, rcvto, sndto) = {
            let st = entry.state();
            if st.phase != Phase::Listening {
                return Err(WsaError::Inval.into());
            }
            (
                st.nonblocking,
                st.linger,
                st.recv_timeout_ms,
                st.send_timeout_ms,
            )
        };
        if self.instance.socket_count() >= self.limits.max_sockets {
            // The connection stays in the backlog for a later accept.
            return Err(WsaError::MFile.into());
        }
        let (fd, peer) = loop {
            let (fd, peer) = entry
                .io(Interest::READABLE, nonblocking, None, |sock| {
                    let (fd, peer) = rustix::net::acceptfrom_with(
                        sock,
                        rustix::net::SocketFlags::NONBLOCK | rustix::net::SocketFlags::CLOEXEC,
                    )?;
                    Ok((fd, peer))
                })
                .await
                .map_err(io_failure)?;
            let peer = peer
                .and_then(|p| SocketAddr::try_from(p).ok())
                .ok_or(WsaError::ConnAborted)?;
            if self.grants.may_accept_from(peer) {
                break (fd, peer);
            }
            // A peer the grants do not name never reaches the guest: it is
            // reset, reported, and accept goes on to the next (docs/sandbox.md).
            let refused = Socket::from(fd);
            let _ = refused.set_linger(Some(Duration::ZERO));
            drop(refused);
            let _ = self.deny_quietly("accept", peer.to_string());
        };
        let family = entry.family;
        let handle = self.instance.insert(self.limits.max_sockets, |cancel| {
            let new = SocketEntry::new(
                Socket::from(fd),
                SocketKind::Stream,
                family,
                Phase::Connected,
                cancel,
            )
            .map_err(|e| WsaError::from_io(&e))?;
            {
                // Accepted sockets inherit the listener's properties (docs/linger.md:
                // its linger state; Windows: its blocking mode and timeouts).
                let mut st = new.state();
                st.linger = linger;
                st.nonblocking = nonblocking;
                st.recv_timeout_ms = rcvto;
                st.send_timeout_ms = sndto;
            }
            Ok(new)
        })?;
        Ok((handle, peer))
    }

    /// connect(s, name).
    pub async fn connect(&mut self, s: u32, addr: SocketAddr) -> WsaResult<()> {
        let entry = self.entry(s)?;
        if Family::of(&addr) != entry.family {
            return Err(WsaError::AfNoSupport.into());
        }
        let nonblocking = {
            let mut st = entry.state();
            entry.settle_connect(&mut st);
            if entry.kind == SocketKind::Stream {
                match st.phase {
                    Phase::Listening => return Err(WsaError::Inval.into()),
                    Phase::Connected => return Err(WsaError::IsConn.into()),
                    Phase::Connecting => return Err(WsaError::Already.into()),
                    Phase::ConnectFailed(e) => {
                        // A failed nonblocking connect reports its outcome once.
                        st.phase = Phase::Bound;
                        return Err(e.into());
                    }
                    Phase::Unbound | Phase::Bound => {}
                }
            }
            st.nonblocking
        };
        if addr.ip().is_unspecified() || addr.port() == 0 {
            return Err(WsaError::AddrNotAvail.into());
        }
        if !self.grants.may_connect(addr) {
            return Err(self.deny("connect", addr.to_string()));
        }
        match entry.socket().connect(&SockAddr::from(addr)) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {
                {
                    let mut st = entry.state();
                    st.phase = Phase::Connecting;
                    if nonblocking {
                        return Err(WsaError::WouldBlock.into());
                    }
                    // A loopback handshake is usually complete by now: look
                    // without waiting before involving the reactor.
                    entry.settle_connect(&mut st);
                    match st.phase {
                        Phase::Connected => return Ok(()),
                        Phase::ConnectFailed(e) => {
                            st.phase = Phase::Bound;
                            return Err(e.into());
                        }
                        _ => {}
                    }
                }
                entry.writable().await.map_err(io_failure)?;
                // Settled here, or meanwhile by another call that looked
                // (a select from another thread of the guest).
                let mut st = entry.state();
                entry.settle_connect(&mut st);
                if let Phase::ConnectFailed(e) = st.phase {
                    st.phase = Phase::Bound;
                    return Err(e.into());
                }
            }
            Err(e) => {
                let mut st = entry.state();
                if st.phase == Phase::Unbound
                    && entry
                        .socket()
                        .local_addr()
                        .is_ok_and(|a| a.as_socket().is_some_and(|a| a.port() != 0))
                {
                    st.phase = Phase::Bound;
                }
                return Err(WsaError::from_io(&e).into());
            }
        }
        entry.state().phase = Phase::Connected;
        Ok(())
    }

    /// send(s, buf, flags).
    pub async fn send(&mut self, s: u32, buf: &[u8], flags: i32) -> WsaResult<u32> {
        let entry = self.entry(s)?;
        if flags & !(MSG_OOB | MSG_DONTROUTE) != 0 {
            return Err(WsaError::OpNotSupp.into());
        }
        let (nonblocking, send_timeout) = {
            let mut st = entry.state();
            entry.settle_connect(&mut st);
            if st.shut_send {
                return Err(WsaError::Shutdown.into());
            }
            if st.reset {
                return Err(WsaError::ConnReset.into());
            }
            if st.phase != Phase::Connected {
                return Err(WsaError::NotConn.into());
            }
            (st.nonblocking, timeout(st.send_timeout_ms))
        };
        let buf = &buf[..buf.len().min(self.limits.max_bytes_per_call)];
        let sys_flags = libc::MSG_NOSIGNAL
            | if flags & MSG_OOB != 0 {
                libc::MSG_OOB
            } else {
                0
            }
            | if flags & MSG_DONTROUTE != 0 {
                libc::MSG_DONTROUTE
            } else {
                0
            };
        // A blocking send takes everything it was given before returning, as
        // Windows' does; a nonblocking one takes what fits.
        let mut sent = 0;
        while sent < buf.len() || buf.is_empty() {
            let r = entry
                .io(Interest::WRITABLE, nonblocking, send_timeout, |sock| {
                    sock.send_with_flags(&buf[sent..], sys_flags)
                })
                .await;
            match r {
                Ok(n) => sent += n,
                Err(_) if sent > 0 => break,
                Err(e) => return Err(self.stream_failure(&entry, e).into()),
            }
            if nonblocking || buf.is_empty() {
                break;
            }
        }
        Ok(sent as u32)
    }

    /// recv(s, len, flags).
    pub async fn recv(&mut self, s: u32, len: i32, flags: i32) -> WsaResult<Received> {
        let entry = self.entry(s)?;
        if len < 0 {
            return Err(WsaError::Fault.into());
        }
        if flags & !(MSG_OOB | MSG_PEEK | MSG_WAITALL) != 0 {
            return Err(WsaError::OpNotSupp.into());
        }
        let wait_all = flags & MSG_WAITALL != 0;
        // MSG_WAITALL is for blocking stream sockets alone, and never with
        // MSG_PEEK or MSG_OOB (Microsoft's recv page: WSAEOPNOTSUPP).
        if wait_all && (entry.kind == SocketKind::Datagram || flags & (MSG_PEEK | MSG_OOB) != 0) {
            return Err(WsaError::OpNotSupp.into());
        }
        let (nonblocking, recv_timeout) = {
            let mut st = entry.state();
            if wait_all && st.nonblocking {
                return Err(WsaError::OpNotSupp.into());
            }
            entry.settle_connect(&mut st);
            if st.reset {
                return Err(WsaError::ConnReset.into());
            }
            if st.shut_recv {
                return Err(WsaError::Shutdown.into());
            }
            match (entry.kind, st.phase) {
                (SocketKind::Stream, Phase::Connected) => {}
                (SocketKind::Stream, _) => return Err(WsaError::NotConn.into()),
                (SocketKind::Datagram, Phase::Unbound) => return Err(WsaError::Inval.into()),
                (SocketKind::Datagram, _) => {}
            }
            (st.nonblocking, timeout(st.recv_timeout_ms))
        };
        let cap = (len as usize).min(self.limits.max_bytes_per_call);
        let mut buf = Vec::with_capacity(cap);
        if cap == 0 {
            return Ok(Received::data(buf));
        }
        let sys_flags = recv_flags(flags);
        if entry.kind == SocketKind::Datagram {
            let got = self
                .recv_datagram(&entry, cap, sys_flags, nonblocking, recv_timeout)
                .await?;
            // recv names no sender; a cut datagram is still delivered.
            return Ok(Received {
                sender: None,
                ..got
            });
        }
        if wait_all {
            return self
                .recv_all(&entry, buf, cap, sys_flags, recv_timeout)
                .await;
        }
        let r = entry
            .io(Interest::READABLE, nonblocking, recv_timeout, |sock| {
                SocketEntry::recv_into(sock, &mut buf, sys_flags)
            })
            .await;
        match r {
            Ok(_) => Ok(Received::data(buf)),
            Err(e) => Err(self.stream_failure(&entry, e).into()),
        }
    }

    /// recv with MSG_WAITALL on a blocking stream socket: receives until
    /// `cap` bytes arrived or the peer closed (then what arrived is
    /// returned, possibly nothing). SO_RCVTIMEO bounds the whole call. A
    /// failure (time-out, reset, cancellation) fails the call, and what
    /// had arrived is lost with it, as on Windows, whose recv page calls the
    /// socket's state indeterminate after such a failure.
    async fn recv_all(
        &self,
        entry: &SocketEntry,
        mut buf: Vec<u8>,
        cap: usize,
        sys_flags: libc::c_int,
        recv_timeout: Option<Duration>,
    ) -> WsaResult<Received> {
        let deadline = recv_timeout.map(|t| tokio::time::Instant::now() + t);
        while buf.len() < cap {
            let left = deadline.map(|d| d.saturating_duration_since(tokio::time::Instant::now()));
            if left == Some(Duration::ZERO) {
                return Err(WsaError::TimedOut.into());
            }
            let r = entry
                .io(Interest::READABLE, false, left, |sock| {
                    let at = buf.len();
                    let n =
                        sock.recv_with_flags(&mut buf.spare_capacity_mut()[..cap - at], sys_flags)?;
                    // SAFETY: recv initialised the `n` bytes after `at`.
                    unsafe { buf.set_len(at + n) };
                    Ok(n)
                })
                .await;
            match r {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => return Err(self.stream_failure(entry, e).into()),
            }
        }
        Ok(Received::data(buf))
    }

    /// One datagram of at most `cap` bytes, with its sender. This is the one
    /// place that decides truncation, for recv and recvfrom alike: Linux's
    /// MSG_TRUNC reports the datagram's real length, and a datagram longer
    /// than `cap` is delivered cut with `error` WSAEMSGSIZE, as Windows
    /// fills the buffer and fails the call (docs/surface.md).
    async fn recv_datagram(
        &self,
        entry: &SocketEntry,
        cap: usize,
        sys_flags: libc::c_int,
        nonblocking: bool,
        recv_timeout: Option<Duration>,
    ) -> WsaResult<Received> {
        let mut buf = Vec::with_capacity(cap.max(1));
        let (len, from) = entry
            .io(Interest::READABLE, nonblocking, recv_timeout, |sock| {
                buf.clear();
                let (n, from) = sock
                    .recv_from_with_flags(buf.spare_capacity_mut(), sys_flags | libc::MSG_TRUNC)?;
                // SAFETY: recvfrom initialised min(n, capacity) bytes.
                unsafe { buf.set_len(n.min(buf.capacity())) };
                Ok((n, from))
            })
            .await
            .map_err(io_failure)?;
        buf.truncate(cap);
        let sender = from.as_socket().ok_or(WsaError::Inval)?;
        Ok(Received {
            data: buf,
            sender: Some(sender),
            error: (len > cap).then_some(WsaError::MsgSize),
        })
    }

    /// sendto(s, buf, flags, to).
    pub async fn sendto(
        &mut self,
        s: u32,
        buf: &[u8],
        flags: i32,
        to: SocketAddr,
    ) -> WsaResult<u32> {
        let entry = self.entry(s)?;
        if entry.kind == SocketKind::Stream {
            // Windows ignores the address on a connected stream socket.
            return self.send(s, buf, flags).await;
        }
        if flags & !MSG_DONTROUTE != 0 {
            return Err(WsaError::OpNotSupp.into());
        }
        if Family::of(&to) != entry.family {
            return Err(WsaError::Fault.into());
        }
        // As for connect: the unspecified address (which Linux would turn
        // into the local host) and port 0 are WSAEADDRNOTAVAIL on Windows.
        if to.ip().is_unspecified() || to.port() == 0 {
            return Err(WsaError::AddrNotAvail.into());
        }
        if !self.grants.may_connect(to) {
            return Err(self.deny("sendto", to.to_string()));
        }
        let (nonblocking, send_timeout) = {
            let mut st = entry.state();
            if st.shut_send {
                return Err(WsaError::Shutdown.into());
            }
            if st.phase == Phase::Unbound {
                st.phase = Phase::Bound;
            }
            (st.nonblocking, timeout(st.send_timeout_ms))
        };
        let buf = &buf[..buf.len().min(self.limits.max_bytes_per_call)];
        let to = SockAddr::from(to);
        let sys_flags = libc::MSG_NOSIGNAL
            | if flags & MSG_DONTROUTE != 0 {
                libc::MSG_DONTROUTE
            } else {
                0
            };
        let n = entry
            .io(Interest::WRITABLE, nonblocking, send_timeout, |sock| {
                sock.send_to_with_flags(buf, &to, sys_flags)
            })
            .await
            .map_err(io_failure)?;
        Ok(n as u32)
    }

    /// recvfrom(s, len, flags).
    pub async fn recvfrom(&mut self, s: u32, len: i32, flags: i32) -> WsaResult<Received> {
        let entry = self.entry(s)?;
        if entry.kind == SocketKind::Stream {
            let got = self.recv(s, len, flags).await?;
            let sender = entry
                .socket()
                .peer_addr()
                .ok()
                .and_then(|a| a.as_socket())
                .ok_or(WsaError::NotConn)?;
            return Ok(Received {
                sender: Some(sender),
                ..got
            });
        }
        if len < 0 {
            return Err(WsaError::Fault.into());
        }
        if flags & !MSG_PEEK != 0 {
            return Err(WsaError::OpNotSupp.into());
        }
        let (nonblocking, recv_timeout) = {
            let st = entry.state();
            if st.shut_recv {
                return Err(WsaError::Shutdown.into());
            }
            if st.phase == Phase::Unbound {
                return Err(WsaError::Inval.into());
            }
            (st.nonblocking, timeout(st.recv_timeout_ms))
        };
        let cap = (len as usize).min(self.limits.max_bytes_per_call);
        self.recv_datagram(&entry, cap, recv_flags(flags), nonblocking, recv_timeout)
            .await
    }

    /// The WSA code for a failed send or recv, remembering a reset: Linux
    /// reports ECONNRESET once, Winsock keeps failing WSAECONNRESET (docs/surface.md).
    fn stream_failure(&self, entry: &SocketEntry, e: IoFailure) -> WsaError {
        let code = io_failure(e);
        if code == WsaError::ConnReset {
            entry.state().reset = true;
        }
        code
    }

    /// shutdown(s, how).
    pub fn shutdown(&mut self, s: u32, how: i32) -> WsaResult<()> {
        let entry = self.entry(s)?;
        let direction = match how {
            SD_RECEIVE => Shutdown::Read,
            SD_SEND => Shutdown::Write,
            SD_BOTH => Shutdown::Both,
            _ => return Err(WsaError::Inval.into()),
        };
        let mut st = entry.state();
        entry.settle_connect(&mut st);
        if entry.kind == SocketKind::Stream && st.phase != Phase::Connected {
            return Err(WsaError::NotConn.into());
        }
        if entry.kind == SocketKind::Stream {
            match entry.socket().shutdown(direction) {
                Ok(()) => {}
                // The peer reset the connection already; Winsock still
                // records the shutdown.
                Err(e) if WsaError::from_io(&e) == WsaError::NotConn => {}
                Err(e) => return Err(WsaError::from_io(&e).into()),
            }
        }
        if matches!(direction, Shutdown::Read | Shutdown::Both) {
            st.shut_recv = true;
        }
        if matches!(direction, Shutdown::Write | Shutdown::Both) {
            st.shut_send = true;
        }
        Ok(())
    }

    /// getsockname(s).
    pub fn getsockname(&mut self, s: u32) -> WsaResult<SocketAddr> {
        let entry = self.entry(s)?;
        if entry.state().phase == Phase::Unbound {
            return Err(WsaError::Inval.into());
        }
        local_addr(entry.socket())
    }

    /// getpeername(s).
    pub fn getpeername(&mut self, s: u32) -> WsaResult<SocketAddr> {
        let entry = self.entry(s)?;
        {
            let mut st = entry.state();
            entry.settle_connect(&mut st);
            if st.phase != Phase::Connected {
                return Err(WsaError::NotConn.into());
            }
        }
        entry
            .socket()
            .peer_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .ok_or_else(|| WsaError::NotConn.into())
    }

    /// ioctlsocket(s, cmd, arg).
    pub fn ioctlsocket(&mut self, s: u32, cmd: u32, arg: u32) -> WsaResult<u32> {
        let entry = self.entry(s)?;
        match cmd {
            FIONBIO => {
                entry.state().nonblocking = arg != 0;
                Ok(arg)
            }
            FIONREAD => {
                if entry.state().phase == Phase::Listening {
                    return Ok(0);
                }
                Ok(entry.readable_bytes()?)
            }
            SIOCATMARK => {
                // Windows answers TRUE when no urgent (OOB) data waits to be
                // read (docs/surface.md). Out of line, Linux holds the urgent byte
                // apart and a peeking MSG_OOB read finds it; inline, Linux
                // reports "at the urgent mark" once it is next to read.
                let sock = entry.socket();
                let urgent_waiting = if sock.out_of_band_inline().unwrap_or(false) {
                    sioc_at_mark(sock).unwrap_or(false)
                } else {
                    let mut byte = [std::mem::MaybeUninit::<u8>::uninit()];
                    matches!(
                        sock.recv_with_flags(&mut byte, libc::MSG_OOB | libc::MSG_PEEK | libc::MSG_DONTWAIT),
                        Ok(n) if n > 0
                    )
                };
                Ok(u32::from(!urgent_waiting))
            }
            _ => Err(WsaError::OpNotSupp.into()),
        }
    }
}

/// What recv and recvfrom received (the WIT `received`). `error` is set
/// when the call delivers `data` and fails all the same: a datagram longer
/// than the buffer is cut to it and fails WSAEMSGSIZE, as on Windows
/// (decided in one place, `recv_datagram`).
#[derive(Debug)]
pub struct Received {
    pub data: Vec<u8>,
    /// The sender: recvfrom only.
    pub sender: Option<SocketAddr>,
    pub error: Option<WsaError>,
}

impl Received {
    fn data(data: Vec<u8>) -> Received {
        Received {
            data,
            sender: None,
            error: None,
        }
    }
}

fn recv_flags(flags: i32) -> libc::c_int {
    let oob = if flags & MSG_OOB != 0 {
        libc::MSG_OOB
    } else {
        0
    };
    let peek = if flags & MSG_PEEK != 0 {
        libc::MSG_PEEK
    } else {
        0
    };
    oob | peek
}

fn sioc_at_mark(sock: &Socket) -> io::Result<bool> {
    use std::os::fd::AsRawFd;
    let mut v: libc::c_int = 0;
    // SAFETY: SIOCATMARK writes one int through the pointer to a live c_int.
    let rc = unsafe { libc::ioctl(sock.as_raw_fd(), LINUX_SIOCATMARK, &mut v) };
    if rc == 0 {
        Ok(v != 0)
    } else {
        Err(io::Error::last_os_error())
    }
}

pub(crate) fn local_addr(sock: &Socket) -> WsaResult<SocketAddr> {
    sock.local_addr()
        .map_err(|e| Failure::from(WsaError::from_io(&e)))?
        .as_socket()
        .ok_or_else(|| WsaError::Inval.into())
}

/// Linux's SIOCATMARK request (libc does not export it).
const LINUX_SIOCATMARK: libc::c_ulong = 0x8905;
