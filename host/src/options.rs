//! getsockopt and setsockopt (docs/linger.md and docs/surface.md): Windows' option numbers and
//! layouts, each option really applied to the host socket (or to the
//! Winsock state the host enforces, such as the linger mode and the
//! timeouts) or refused; none is silently ignored.

use crate::ctx::WinsockCtx;
use crate::error::{WsaError, WsaResult};
use crate::socket::{self, Family, Phase, SocketEntry, SocketKind};

use winsock_abi::*;

/// The options this host knows, by (level, name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SockOpt {
    AcceptConn,
    ReuseAddr,
    ExclusiveAddrUse,
    KeepAlive,
    Broadcast,
    Linger,
    DontLinger,
    OobInline,
    SndBuf,
    RcvBuf,
    SndTimeo,
    RcvTimeo,
    Error,
    Type,
    TcpNoDelay,
    TcpKeepIdle,
    TcpKeepIntvl,
    TcpKeepCnt,
    IpTtl,
    Ipv6V6Only,
}

impl SockOpt {
    /// Finds the option, or WSAENOPROTOOPT when it is unknown or not valid
    /// for this kind of socket.
    fn lookup(entry: &SocketEntry, level: i32, name: i32) -> Result<SockOpt, WsaError> {
        use SockOpt::*;
        let stream = entry.kind == SocketKind::Stream;
        let opt = match (level, name) {
            (SOL_SOCKET, SO_ACCEPTCONN) => AcceptConn,
            (SOL_SOCKET, SO_REUSEADDR) => ReuseAddr,
            (SOL_SOCKET, SO_EXCLUSIVEADDRUSE) => ExclusiveAddrUse,
            (SOL_SOCKET, SO_KEEPALIVE) if stream => KeepAlive,
            (SOL_SOCKET, SO_BROADCAST) if !stream => Broadcast,
            // docs/linger.md: the linger options do not exist on datagram sockets.
            (SOL_SOCKET, SO_LINGER) if stream => Linger,
            (SOL_SOCKET, SO_DONTLINGER) if stream => DontLinger,
            (SOL_SOCKET, SO_OOBINLINE) if stream => OobInline,
            (SOL_SOCKET, SO_SNDBUF) => SndBuf,
            (SOL_SOCKET, SO_RCVBUF) => RcvBuf,
            (SOL_SOCKET, SO_SNDTIMEO) => SndTimeo,
            (SOL_SOCKET, SO_RCVTIMEO) => RcvTimeo,
            (SOL_SOCKET, SO_ERROR) => Error,
            (SOL_SOCKET, SO_TYPE) => Type,
            (IPPROTO_TCP, TCP_NODELAY) if stream => TcpNoDelay,
            // Windows 10's keepalive tuning (TCP_KEEPALIVE is TCP_KEEPIDLE).
            (IPPROTO_TCP, TCP_KEEPIDLE) if stream => TcpKeepIdle,
            (IPPROTO_TCP, TCP_KEEPINTVL) if stream => TcpKeepIntvl,
            (IPPROTO_TCP, TCP_KEEPCNT) if stream => TcpKeepCnt,
            (IPPROTO_IP, IP_TTL) if entry.family == Family::V4 => IpTtl,
            (IPPROTO_IPV6, IPV6_V6ONLY) if entry.family == Family::V6 => Ipv6V6Only,
            // Microsoft documents WSAEINVAL for a level that is not valid;
            // an unknown option of a known level is WSAENOPROTOOPT (docs/surface.md).
            (SOL_SOCKET | IPPROTO_TCP | IPPROTO_UDP | IPPROTO_IP | IPPROTO_IPV6, _) => {
                return Err(WsaError::NoProtoOpt);
            }
            _ => return Err(WsaError::Inval),
        };
        Ok(opt)
    }

    /// The size of the option's value: `struct linger` and every BOOL,
    /// DWORD and int option are 4 bytes.
    const SIZE: usize = 4;
}

/// A refused kernel option call, through the one errno mapping (a value
/// out of the kernel's range is EINVAL there, WSAEINVAL here).
fn sys(e: std::io::Error) -> WsaError {
    WsaError::from_io(&e)
}

/// A kernel duration option in whole seconds, as Windows' DWORD.
fn secs(r: rustix::io::Result<std::time::Duration>) -> Result<i32, WsaError> {
    r.map(|d| d.as_secs().min(i32::MAX as u64) as i32)
        .map_err(|e| sys(e.into()))
}

fn int_bytes(v: i32) -> Vec<u8> {
    v.to_le_bytes().to_vec()
}

impl WinsockCtx {
    /// getsockopt(s, level, optname, optlen): the value, at most `optlen`
    /// bytes long; a smaller `optlen` than the option needs is WSAEFAULT.
    pub fn getsockopt(&mut self, s: u32, level: i32, name: i32, optlen: i32) -> WsaResult<Vec<u8>> {
        use SockOpt::*;
        let entry = self.entry(s)?;
        let opt = SockOpt::lookup(&entry, level, name)?;
        if optlen < SockOpt::SIZE as i32 {
            return Err(WsaError::Fault.into());
        }
        let sock = entry.socket();
        let mut st = entry.state();
        let value = match opt {
            AcceptConn => i32::from(st.phase == Phase::Listening),
            ReuseAddr => i32::from(sock.reuse_address().map_err(sys)?),
            ExclusiveAddrUse => i32::from(st.exclusive_addr_use),
            KeepAlive => i32::from(sock.keepalive().map_err(sys)?),
            Broadcast => i32::from(sock.broadcast().map_err(sys)?),
            Linger => {
                let l = st.linger;
                let mut v = Vec::with_capacity(4);
                v.extend_from_slice(&u16::from(l.on).to_le_bytes());
                v.extend_from_slice(&l.seconds.to_le_bytes());
                return Ok(v);
            }
            DontLinger => i32::from(!st.linger.on),
            OobInline => i32::from(sock.out_of_band_inline().map_err(sys)?),
            // Linux doubles the size it was given and reports the double;
            // Windows reports what was set.
            SndBuf => (sock.send_buffer_size().map_err(sys)? / 2).min(i32::MAX as usize) as i32,
            RcvBuf => (sock.recv_buffer_size().map_err(sys)? / 2).min(i32::MAX as usize) as i32,
            SndTimeo => st.send_timeout_ms as i32,
            RcvTimeo => st.recv_timeout_ms as i32,
            Error => {
                entry.settle_connect(&mut st);
                // Reading SO_ERROR clears it, as on both systems.
                match st.phase {
                    Phase::ConnectFailed(e) => {
                        st.phase = Phase::Bound;
                        e.code()
                    }
                    _ => match sock.take_error().map_err(sys)? {
                        Some(e) => WsaError::from_io(&e).code(),
                        None => 0,
                    },
                }
            }
            Type => match entry.kind {
                SocketKind::Stream => SOCK_STREAM,
                SocketKind::Datagram => SOCK_DGRAM,
            },
            TcpNoDelay => i32::from(sock.tcp_nodelay().map_err(sys)?),
            // Read back from the kernel: what it really applies.
            TcpKeepIdle => secs(rustix::net::sockopt::tcp_keepidle(sock))?,
            TcpKeepIntvl => secs(rustix::net::sockopt::tcp_keepintvl(sock))?,
            TcpKeepCnt => rustix::net::sockopt::tcp_keepcnt(sock)
                .map_err(|e| sys(e.into()))?
                .min(i32::MAX as u32) as i32,
            IpTtl => sock.ttl_v4().map_err(sys)? as i32,
            Ipv6V6Only => i32::from(sock.only_v6().map_err(sys)?),
        };
        Ok(int_bytes(value))
    }

    /// setsockopt(s, level, optname, optval): `None` is a NULL optval.
    pub fn setsockopt(
        &mut self,
        s: u32,
        level: i32,
        name: i32,
        optval: Option<&[u8]>,
    ) -> WsaResult<()> {
        use SockOpt::*;
        let entry = self.entry(s)?;
        let opt = SockOpt::lookup(&entry, level, name)?;
        let Some(bytes) = optval.filter(|v| v.len() >= SockOpt::SIZE) else {
            return Err(WsaError::Fault.into());
        };
        let int = i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        let on = int != 0;
        let sock = entry.socket();
        let mut st = entry.state();
        match opt {
            Linger => {
                let l_onoff = u16::from_le_bytes([bytes[0], bytes[1]]);
                let l_linger = u16::from_le_bytes([bytes[2], bytes[3]]);
                st.linger = socket::Linger {
                    on: l_onoff != 0,
                    seconds: l_linger,
                };
            }
            DontLinger => {
                st.linger = socket::Linger {
                    on: !on,
                    ..st.linger
                }
            }
            ReuseAddr => {
                // Windows refuses SO_REUSEADDR beside SO_EXCLUSIVEADDRUSE.
                if on && st.exclusive_addr_use {
                    return Err(WsaError::Inval.into());
                }
                sock.set_reuse_address(on).map_err(sys)?;
            }
            ExclusiveAddrUse => {
                // Linux never lets another socket take a bound port unless
                // both ask for it, which is exclusive use; only the mix with
                // SO_REUSEADDR and setting it after bind are refused, as on
                // Windows.
                if st.phase != Phase::Unbound || (on && sock.reuse_address().map_err(sys)?) {
                    return Err(WsaError::Inval.into());
                }
                st.exclusive_addr_use = on;
            }
            KeepAlive => sock.set_keepalive(on).map_err(sys)?,
            Broadcast => sock.set_broadcast(on).map_err(sys)?,
            OobInline => sock.set_out_of_band_inline(on).map_err(sys)?,
            SndBuf => sock
                .set_send_buffer_size(int.max(0) as usize)
                .map_err(sys)?,
            RcvBuf => sock
                .set_recv_buffer_size(int.max(0) as usize)
                .map_err(sys)?,
            // The host waits itself (sockets are nonblocking underneath), so
            // these bound the host's waits rather than the kernel's.
            SndTimeo => st.send_timeout_ms = int as u32,
            RcvTimeo => st.recv_timeout_ms = int as u32,
            TcpNoDelay => sock.set_tcp_nodelay(on).map_err(sys)?,
            // DWORD seconds, applied to the kernel socket as given. They do
            // not turn SO_KEEPALIVE on (Windows' setsockopt does not
            // either). 0 is WSAEINVAL, as is anything beyond the kernel's
            // range (idle and interval 1-32767 s, count 1-127 on Linux).
            TcpKeepIdle | TcpKeepIntvl | TcpKeepCnt => {
                let value = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                if value == 0 || value > i32::MAX as u32 {
                    return Err(WsaError::Inval.into());
                }
                let seconds = std::time::Duration::from_secs(value.into());
                let applied = match opt {
                    TcpKeepIdle => rustix::net::sockopt::set_tcp_keepidle(sock, seconds),
                    TcpKeepIntvl => rustix::net::sockopt::set_tcp_keepintvl(sock, seconds),
                    _ => rustix::net::sockopt::set_tcp_keepcnt(sock, value),
                };
                applied.map_err(|e| sys(e.into()))?;
            }
            IpTtl => sock.set_ttl_v4(int as u32).map_err(sys)?,
            Ipv6V6Only => {
                if st.phase != Phase::Unbound {
                    return Err(WsaError::Inval.into());
                }
                sock.set_only_v6(on).map_err(sys)?
            }
            AcceptConn | Error | Type => return Err(WsaError::NoProtoOpt.into()),
        }
        Ok(())
    }
}
