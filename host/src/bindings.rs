//! The thin glue between the WIT package (`wit/`) and [`WinsockCtx`]: one
//! `Host` impl per interface, WIT types converted to plain Rust and back.
//! The Winsock rules themselves live in `lifecycle`, `instance`, `sockets`
//! and `options`.

use crate::ctx::WinsockCtx;
use crate::error::{Failure, WsaError};
use crate::trace::{self, *};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// The bindgen settings of every served version of the package (this one,
/// and 0.1.2 in compat_0_1.rs): which calls may block (async: they wait on
/// the runtime, cancellably) and which never do (sync), and the trappable
/// error type. One list, so the versions cannot drift apart.
macro_rules! winsock_bindgen {
    ($path:tt) => {
        wasmtime::component::bindgen!({
            path: $path,
            world: "winsock:ws2/imports",
            imports: {
                "winsock:ws2/sockets.socket": trappable,
                "winsock:ws2/sockets.bind": trappable,
                "winsock:ws2/sockets.listen": trappable,
                "winsock:ws2/sockets.shutdown": trappable,
                "winsock:ws2/sockets.getsockname": trappable,
                "winsock:ws2/sockets.getpeername": trappable,
                "winsock:ws2/sockets.getsockopt": trappable,
                "winsock:ws2/sockets.setsockopt": trappable,
                "winsock:ws2/sockets.ioctlsocket": trappable,
                "winsock:ws2/sockets.getnameinfo": trappable,
                "winsock:ws2/sockets.gethostname": trappable,
                "winsock:ws2/lifecycle": trappable,
                default: async | trappable,
            },
            trappable_error_type: {
                "winsock:ws2/types.error-code" => Failure,
            },
        });
    };
}

winsock_bindgen!("../wit");

use winsock::ws2::lifecycle::{self, StartupError, WsaData};
use winsock::ws2::sockets;
use winsock::ws2::types::{self, ErrorCode, Ipv4SocketAddress, Ipv6SocketAddress, SocketAddress};

pub(crate) fn to_std(addr: SocketAddress) -> SocketAddr {
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

fn from_std(addr: SocketAddr) -> SocketAddress {
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

fn wsa_data(d: crate::lifecycle::WsaData) -> WsaData {
    WsaData {
        version: d.version,
        high_version: d.high_version,
        description: d.description.to_string(),
        system_status: d.system_status.to_string(),
        max_sockets: d.max_sockets,
        max_udp_dg: d.max_udp_dg,
    }
}

impl types::Host for WinsockCtx {
    fn convert_error_code(&mut self, err: Failure) -> wasmtime::Result<ErrorCode> {
        match err {
            Failure::Wsa(e) => Ok(e.into()),
            Failure::Trap(t) => Err(wasmtime::format_err!("{t}")),
        }
    }
}

impl lifecycle::Host for WinsockCtx {
    fn startup(
        &mut self,
        version_requested: u16,
        has_wsadata: bool,
    ) -> wasmtime::Result<Result<WsaData, StartupError>> {
        let null = if has_wsadata { "" } else { ", lpWSAData=NULL" };
        let call = trace::call!(
            "WSAStartup",
            "wVersionRequested={}{null}",
            Version(version_requested)
        );
        // WSAStartup returns its code directly; the guest library sets its
        // last error to 0 on success and leaves it alone on failure.
        let r = self
            .wsa_startup(version_requested, has_wsadata)
            .map_err(trap)
            .map(|r| match r {
                Ok(data) => Ok(wsa_data(data)),
                Err(refused) => Err(StartupError {
                    code: refused.code.into(),
                    data: refused.data.map(wsa_data),
                }),
            });
        call.end(r)
    }

    fn cleanup(&mut self) -> Result<(), Failure> {
        let call = trace::call!("WSACleanup");
        call.end(self.wsa_cleanup())
    }

    // Not traced: a library-internal query, not a Windows call.
    fn started(&mut self) -> wasmtime::Result<bool> {
        Ok(self.wsa_started())
    }

    fn error_number(&mut self, code: ErrorCode) -> wasmtime::Result<i32> {
        Ok(WsaError::from(code).code())
    }
}

/// The WIT form of what recv or recvfrom received.
fn received(r: crate::sockets::Received) -> sockets::Received {
    sockets::Received {
        data: r.data,
        sender: r.sender.map(from_std),
        error: r.error.map(ErrorCode::from),
    }
}

fn trap(f: Failure) -> wasmtime::Error {
    match f {
        Failure::Trap(t) => wasmtime::format_err!("{t}"),
        Failure::Wsa(e) => wasmtime::format_err!("winsock: unexpected {e}"),
    }
}

impl sockets::Host for WinsockCtx {
    fn socket(&mut self, af: i32, ty: i32, protocol: i32) -> Result<u32, Failure> {
        let call = trace::call!(
            "socket",
            "af={}, type={}, protocol={}",
            Af(af),
            SockType(ty),
            Proto(protocol)
        );
        let r = WinsockCtx::socket(self, af, ty, protocol);
        call.end(self.finish(r))
    }

    async fn closesocket(&mut self, s: u32) -> Result<(), Failure> {
        let call = trace::call!("closesocket", "s={s}");
        let r = WinsockCtx::closesocket(self, s).await;
        call.end(self.finish(r))
    }

    fn bind(&mut self, s: u32, name: SocketAddress) -> Result<(), Failure> {
        let call = trace::call!("bind", "s={s}, name={}", to_std(name));
        let r = WinsockCtx::bind(self, s, to_std(name));
        call.end(self.finish(r))
    }

    fn listen(&mut self, s: u32, backlog: i32) -> Result<(), Failure> {
        let call = trace::call!("listen", "s={s}, backlog={}", Backlog(backlog));
        let r = WinsockCtx::listen(self, s, backlog);
        call.end(self.finish(r))
    }

    async fn accept(&mut self, s: u32) -> Result<(u32, SocketAddress), Failure> {
        let call = trace::call!("accept", "s={s}");
        let r = WinsockCtx::accept(self, s)
            .await
            .map(|(h, a)| (h, from_std(a)));
        call.end(self.finish(r))
    }

    async fn connect(&mut self, s: u32, name: SocketAddress) -> Result<(), Failure> {
        let call = trace::call!("connect", "s={s}, name={}", to_std(name));
        let r = WinsockCtx::connect(self, s, to_std(name)).await;
        call.end(self.finish(r))
    }

    // The linker uses the copy-free send and sendto of fast_path.rs; these
    // share their glue (send_call, sendto_call).
    async fn send(&mut self, s: u32, buf: Vec<u8>, flags: i32) -> Result<u32, Failure> {
        self.send_call(s, &buf, flags).await
    }

    async fn recv(&mut self, s: u32, len: i32, flags: i32) -> Result<sockets::Received, Failure> {
        let call = trace::call!("recv", "s={s}, len={len}, flags={}", MsgFlags(flags));
        let r = WinsockCtx::recv(self, s, len, flags).await;
        let r = call.end(self.finish(r))?;
        Ok(received(r))
    }

    async fn sendto(
        &mut self,
        s: u32,
        buf: Vec<u8>,
        flags: i32,
        to: SocketAddress,
    ) -> Result<u32, Failure> {
        self.sendto_call(s, &buf, flags, to).await
    }

    async fn recvfrom(
        &mut self,
        s: u32,
        len: i32,
        flags: i32,
    ) -> Result<sockets::Received, Failure> {
        let call = trace::call!("recvfrom", "s={s}, len={len}, flags={}", MsgFlags(flags));
        let r = WinsockCtx::recvfrom(self, s, len, flags).await;
        let r = call.end(self.finish(r))?;
        Ok(received(r))
    }

    async fn select(
        &mut self,
        sets: sockets::FdSets,
        timeout_us: Option<u64>,
    ) -> Result<sockets::FdSets, Failure> {
        let call = trace::call!(
            "select",
            "readfds={}, writefds={}, exceptfds={}, timeout={}",
            Handles(&sets.readfds),
            Handles(&sets.writefds),
            Handles(&sets.exceptfds),
            TimeoutUs(timeout_us)
        );
        let timeout = timeout_us.map(std::time::Duration::from_micros);
        let r = WinsockCtx::select(
            self,
            &sets.readfds,
            &sets.writefds,
            &sets.exceptfds,
            timeout,
        )
        .await;
        let [readfds, writefds, exceptfds] = call.end(self.finish(r))?;
        Ok(sockets::FdSets {
            readfds,
            writefds,
            exceptfds,
        })
    }

    async fn wsapoll(
        &mut self,
        fds: Vec<sockets::Pollfd>,
        timeout_ms: i32,
    ) -> Result<Vec<i16>, Failure> {
        let call = trace::call!("WSAPoll", "fds={}, timeout={timeout_ms}", PollFds(&fds));
        let fds: Vec<(u32, i16)> = fds.iter().map(|p| (p.fd, p.events)).collect();
        let r = WinsockCtx::wsapoll(self, &fds, timeout_ms).await;
        call.end(self.finish(r))
    }

    async fn getaddrinfo(
        &mut self,
        node: Option<String>,
        service: Option<String>,
        hints: Option<sockets::AddrinfoHints>,
    ) -> Result<Vec<sockets::Addrinfo>, Failure> {
        let call = trace::call!(
            "getaddrinfo",
            "node={}, service={}, hints={}",
            Str(&node),
            Str(&service),
            Hints(&hints)
        );
        let hints = hints.map_or_else(Default::default, |h| crate::lookup::Hints {
            flags: h.flags,
            family: h.family,
            socktype: h.socktype,
            protocol: h.protocol,
        });
        let r = WinsockCtx::getaddrinfo(self, node.as_deref(), service.as_deref(), hints).await;
        let list = call.end(self.finish(r))?;
        Ok(list
            .into_iter()
            .map(|a| sockets::Addrinfo {
                family: a.family,
                socktype: a.socktype,
                protocol: a.protocol,
                canonname: a.canonname,
                addr: from_std(a.addr),
            })
            .collect())
    }

    fn getnameinfo(
        &mut self,
        addr: SocketAddress,
        flags: i32,
    ) -> Result<(String, String), Failure> {
        let call = trace::call!(
            "getnameinfo",
            "addr={}, flags={}",
            to_std(addr),
            NiFlags(flags)
        );
        let r = WinsockCtx::getnameinfo(self, to_std(addr), flags);
        call.end(self.finish(r))
    }

    async fn pause(&mut self, timeout_ms: u32) -> Result<(), Failure> {
        let call = trace::call!("pause", "timeout={timeout_ms}ms");
        let r = WinsockCtx::pause(self, timeout_ms).await;
        call.end(self.finish(r))
    }

    async fn gethostbyaddr(&mut self, addr: SocketAddress) -> Result<String, Failure> {
        let call = trace::call!("gethostbyaddr", "addr={}", to_std(addr).ip());
        let r = WinsockCtx::gethostbyaddr(self, to_std(addr)).await;
        call.end(self.finish(r))
    }

    fn gethostname(&mut self) -> Result<String, Failure> {
        let call = trace::call!("gethostname");
        let r = WinsockCtx::gethostname(self);
        call.end(self.finish(r))
    }

    fn shutdown(&mut self, s: u32, how: i32) -> Result<(), Failure> {
        let call = trace::call!("shutdown", "s={s}, how={}", How(how));
        let r = WinsockCtx::shutdown(self, s, how);
        call.end(self.finish(r))
    }

    fn getsockname(&mut self, s: u32) -> Result<SocketAddress, Failure> {
        let call = trace::call!("getsockname", "s={s}");
        let r = WinsockCtx::getsockname(self, s).map(from_std);
        call.end(self.finish(r))
    }

    fn getpeername(&mut self, s: u32) -> Result<SocketAddress, Failure> {
        let call = trace::call!("getpeername", "s={s}");
        let r = WinsockCtx::getpeername(self, s).map(from_std);
        call.end(self.finish(r))
    }

    fn getsockopt(
        &mut self,
        s: u32,
        level: i32,
        optname: i32,
        optlen: i32,
    ) -> Result<Vec<u8>, Failure> {
        let call = trace::call!(
            "getsockopt",
            "s={s}, level={}, optname={}, optlen={optlen}",
            OptLevel(level),
            OptName(level, optname)
        )
        .opt(level, optname);
        let r = WinsockCtx::getsockopt(self, s, level, optname, optlen);
        call.end(self.finish(r))
    }

    fn setsockopt(
        &mut self,
        s: u32,
        level: i32,
        optname: i32,
        optval: Option<Vec<u8>>,
    ) -> Result<(), Failure> {
        let call = trace::call!(
            "setsockopt",
            "s={s}, level={}, optname={}, optval={}",
            OptLevel(level),
            OptName(level, optname),
            OptArg(level, optname, &optval)
        );
        let r = WinsockCtx::setsockopt(self, s, level, optname, optval.as_deref());
        call.end(self.finish(r))
    }

    fn ioctlsocket(&mut self, s: u32, cmd: u32, arg: u32) -> Result<u32, Failure> {
        let call = trace::call!("ioctlsocket", "s={s}, cmd={}, argp={arg}", IoctlCmd(cmd));
        let r = WinsockCtx::ioctlsocket(self, s, cmd, arg);
        call.end(self.finish(r))
    }
}
