//! `winsock:ws2@0.1.2`, served beside 0.2.0 as wit/README.md's version
//! policy promises: a component built against 0.1.2 still instantiates for
//! at least one release after 0.2.0.
//!
//! This module is conversion only. Every 0.1.2 function calls the 0.2.0
//! glue of `bindings.rs` (so the call trace line and every Winsock rule are
//! the same code for both versions) and turns the 0.2.0 result into the
//! 0.1.2 shape. What 0.1.2 documented differently (wit/compat/0.1.2/) is
//! expressed over the 0.2.0 outcome:
//!
//! - `recv` on a datagram socket fails `wsaemsgsize` outright when the
//!   datagram was cut (0.2.0 delivers the cut data with `error` set);
//! - `recvfrom` returns `datagram { data, sender, truncated }`, `truncated`
//!   being 0.2.0's `error`;
//! - the host keeps a last error per instance (`get-last-error`,
//!   `set-last-error`): 0 after a successful call, the code returned after a
//!   failed one, `wsaemsgsize` after a cut recvfrom; a successful startup
//!   sets 0 and a refused one leaves it alone. 0.2.0 guests keep their own
//!   (docs/errors.md); [`LastError0_1`] exists only for 0.1.2 guests.
//!
//! Dropping 0.1.2 support is deleting this file, wit/compat/0.1.2/, the
//! `compat_0_1` field of `WinsockCtx` and one line in `add_to_linker`.

use crate::bindings::winsock::ws2 as v2;
use crate::ctx::WinsockCtx;
use crate::error::{Failure, WsaError};
use std::sync::OnceLock;

// The same settings as 0.2.0 (the same calls block), so that each call can
// call its 0.2.0 twin.
winsock_bindgen!("../wit/compat/0.1.2");

use winsock::ws2::lifecycle::{self, StartupError, WsaData};
use winsock::ws2::sockets;
use winsock::ws2::types::{self, ErrorCode, Ipv4SocketAddress, Ipv6SocketAddress, SocketAddress};

use v2::sockets::Host as V2;

/// WSAGetLastError's value for a 0.1.2 guest, kept by the host because
/// 0.1.2 made it the host's (`lifecycle.get-last-error`). Only 0.1.2 calls
/// read or write it; it goes when 0.1.2 support is dropped.
#[derive(Debug, Default)]
pub(crate) struct LastError0_1(i32);

/// Adds the `winsock:ws2@0.1.2` interfaces beside 0.2.0's.
pub(crate) fn add_to_linker<T: Send + 'static>(
    linker: &mut wasmtime::component::Linker<T>,
    get: fn(&mut T) -> &mut WinsockCtx,
) -> wasmtime::Result<()> {
    use wasmtime::component::HasSelf;
    types::add_to_linker::<T, HasSelf<WinsockCtx>>(linker, get)?;
    lifecycle::add_to_linker::<T, HasSelf<WinsockCtx>>(linker, get)?;
    sockets::add_to_linker::<T, HasSelf<WinsockCtx>>(linker, get)?;
    Ok(())
}

/// 0.1.2's error-code cases with their WSA numbers, read once from the
/// case docs of wit/compat/0.1.2/types.wit ("10004: ..."), the frozen
/// home of that version's numbers.
fn cases() -> &'static [(ErrorCode, i32)] {
    static CASES: OnceLock<Vec<(ErrorCode, i32)>> = OnceLock::new();
    CASES.get_or_init(|| {
        // The enum is generated fieldless with `#[repr(u8)]` and no explicit
        // discriminants, so its cases are exactly 0..=WsanoData (the last).
        const COUNT: u8 = ErrorCode::WsanoData as u8 + 1;
        (0..COUNT)
            .map(|i| {
                // SAFETY: i is below the case count of a fieldless repr(u8)
                // enum whose discriminants are 0..COUNT.
                let case: ErrorCode = unsafe { std::mem::transmute::<u8, ErrorCode>(i) };
                let number = case
                    .message()
                    .split(':')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("0.1.2 {}: doc begins with no number", case.name()));
                (case, number)
            })
            .collect()
    })
}

/// The 0.1.2 case for a code the host failed with. A code 0.2.0 added has
/// no 0.1.2 case; it becomes WSAHOST_NOT_FOUND, what a 0.1.2 host reported
/// for every failed name lookup (getaddrinfo's unknown service included).
fn older(e: WsaError) -> (ErrorCode, i32) {
    let code = e.code();
    let of = |want: &dyn Fn(&(ErrorCode, i32)) -> bool| cases().iter().copied().find(want);
    of(&|&(_, n)| n == code)
        .or_else(|| of(&|&(c, _)| c == ErrorCode::WsahostNotFound))
        .unwrap()
}

fn newer(code: ErrorCode) -> WsaError {
    let (_, n) = cases().iter().find(|(c, _)| *c == code).unwrap();
    // Every 0.1.2 number is still a case in 0.2.0 (tested below).
    WsaError::from_code(*n).unwrap()
}

fn addr_in(a: SocketAddress) -> v2::types::SocketAddress {
    match a {
        SocketAddress::Ipv4(a) => v2::types::SocketAddress::Ipv4(v2::types::Ipv4SocketAddress {
            port: a.port,
            address: a.address,
        }),
        SocketAddress::Ipv6(a) => v2::types::SocketAddress::Ipv6(v2::types::Ipv6SocketAddress {
            port: a.port,
            flow_info: a.flow_info,
            address: a.address,
            scope_id: a.scope_id,
        }),
    }
}

fn addr_out(a: v2::types::SocketAddress) -> SocketAddress {
    match a {
        v2::types::SocketAddress::Ipv4(a) => SocketAddress::Ipv4(Ipv4SocketAddress {
            port: a.port,
            address: a.address,
        }),
        v2::types::SocketAddress::Ipv6(a) => SocketAddress::Ipv6(Ipv6SocketAddress {
            port: a.port,
            flow_info: a.flow_info,
            address: a.address,
            scope_id: a.scope_id,
        }),
    }
}

fn wsa_data(d: v2::lifecycle::WsaData) -> WsaData {
    WsaData {
        version: d.version,
        high_version: d.high_version,
        description: d.description,
        system_status: d.system_status,
        max_sockets: d.max_sockets,
        max_udp_dg: d.max_udp_dg,
    }
}

fn fd_sets(s: v2::sockets::FdSets) -> sockets::FdSets {
    sockets::FdSets {
        readfds: s.readfds,
        writefds: s.writefds,
        exceptfds: s.exceptfds,
    }
}

impl WinsockCtx {
    /// 0.1.2's rule for the last error: 0 after a success, the code
    /// returned after a failure; a trap records nothing.
    fn record_0_1<T>(&mut self, r: Result<T, Failure>) -> Result<T, Failure> {
        match &r {
            Ok(_) => self.compat_0_1.0 = 0,
            Err(Failure::Wsa(e)) => self.compat_0_1.0 = older(*e).1,
            Err(Failure::Trap(_)) => {}
        }
        r
    }
}

impl types::Host for WinsockCtx {
    fn convert_error_code(&mut self, err: Failure) -> wasmtime::Result<ErrorCode> {
        match err {
            Failure::Wsa(e) => Ok(older(e).0),
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
        let r = v2::lifecycle::Host::startup(self, version_requested, has_wsadata)?;
        // WSAStartup returns its code directly: a refusal leaves the last
        // error alone.
        Ok(match r {
            Ok(data) => {
                self.compat_0_1.0 = 0;
                Ok(wsa_data(data))
            }
            Err(refused) => Err(StartupError {
                code: older(refused.code.into()).0,
                data: refused.data.map(wsa_data),
            }),
        })
    }

    fn cleanup(&mut self) -> Result<(), Failure> {
        let r = v2::lifecycle::Host::cleanup(self);
        self.record_0_1(r)
    }

    fn get_last_error(&mut self) -> wasmtime::Result<i32> {
        Ok(self.compat_0_1.0)
    }

    fn set_last_error(&mut self, code: i32) -> wasmtime::Result<()> {
        self.compat_0_1.0 = code;
        Ok(())
    }

    fn error_number(&mut self, code: ErrorCode) -> wasmtime::Result<i32> {
        v2::lifecycle::Host::error_number(self, newer(code).into())
    }
}

impl sockets::Host for WinsockCtx {
    fn socket(&mut self, af: i32, ty: i32, protocol: i32) -> Result<u32, Failure> {
        let r = V2::socket(self, af, ty, protocol);
        self.record_0_1(r)
    }

    async fn closesocket(&mut self, s: u32) -> Result<(), Failure> {
        let r = V2::closesocket(self, s).await;
        self.record_0_1(r)
    }

    fn bind(&mut self, s: u32, name: SocketAddress) -> Result<(), Failure> {
        let r = V2::bind(self, s, addr_in(name));
        self.record_0_1(r)
    }

    fn listen(&mut self, s: u32, backlog: i32) -> Result<(), Failure> {
        let r = V2::listen(self, s, backlog);
        self.record_0_1(r)
    }

    async fn accept(&mut self, s: u32) -> Result<(u32, SocketAddress), Failure> {
        let r = V2::accept(self, s).await.map(|(h, a)| (h, addr_out(a)));
        self.record_0_1(r)
    }

    async fn connect(&mut self, s: u32, name: SocketAddress) -> Result<(), Failure> {
        let r = V2::connect(self, s, addr_in(name)).await;
        self.record_0_1(r)
    }

    async fn send(&mut self, s: u32, buf: Vec<u8>, flags: i32) -> Result<u32, Failure> {
        let r = V2::send(self, s, buf, flags).await;
        self.record_0_1(r)
    }

    async fn recv(&mut self, s: u32, len: i32, flags: i32) -> Result<Vec<u8>, Failure> {
        // 0.1.2: a cut datagram fails the call outright, data dropped.
        let r = V2::recv(self, s, len, flags)
            .await
            .and_then(|r| match r.error {
                Some(e) => Err(Failure::Wsa(e.into())),
                None => Ok(r.data),
            });
        self.record_0_1(r)
    }

    async fn sendto(
        &mut self,
        s: u32,
        buf: Vec<u8>,
        flags: i32,
        to: SocketAddress,
    ) -> Result<u32, Failure> {
        let r = V2::sendto(self, s, buf, flags, addr_in(to)).await;
        self.record_0_1(r)
    }

    async fn recvfrom(
        &mut self,
        s: u32,
        len: i32,
        flags: i32,
    ) -> Result<sockets::Datagram, Failure> {
        let r = V2::recvfrom(self, s, len, flags).await;
        let r = self.record_0_1(r)?;
        if let Some(e) = r.error {
            // 0.1.2: delivered, yet the last error is WSAEMSGSIZE.
            self.compat_0_1.0 = older(e.into()).1;
        }
        // recvfrom always names its sender (sockets.rs).
        let sender = r
            .sender
            .map(addr_out)
            .unwrap_or(SocketAddress::Ipv4(Ipv4SocketAddress {
                port: 0,
                address: (0, 0, 0, 0),
            }));
        Ok(sockets::Datagram {
            data: r.data,
            sender,
            truncated: r.error.is_some(),
        })
    }

    async fn select(
        &mut self,
        sets: sockets::FdSets,
        timeout_us: Option<u64>,
    ) -> Result<sockets::FdSets, Failure> {
        let sets = v2::sockets::FdSets {
            readfds: sets.readfds,
            writefds: sets.writefds,
            exceptfds: sets.exceptfds,
        };
        let r = V2::select(self, sets, timeout_us).await.map(fd_sets);
        self.record_0_1(r)
    }

    async fn wsapoll(
        &mut self,
        fds: Vec<sockets::Pollfd>,
        timeout_ms: i32,
    ) -> Result<Vec<i16>, Failure> {
        let fds = fds
            .into_iter()
            .map(|p| v2::sockets::Pollfd {
                fd: p.fd,
                events: p.events,
            })
            .collect();
        let r = V2::wsapoll(self, fds, timeout_ms).await;
        self.record_0_1(r)
    }

    async fn pause(&mut self, timeout_ms: u32) -> Result<(), Failure> {
        let r = V2::pause(self, timeout_ms).await;
        self.record_0_1(r)
    }

    async fn getaddrinfo(
        &mut self,
        node: Option<String>,
        service: Option<String>,
        hints: Option<sockets::AddrinfoHints>,
    ) -> Result<Vec<sockets::Addrinfo>, Failure> {
        let hints = hints.map(|h| v2::sockets::AddrinfoHints {
            flags: h.flags,
            family: h.family,
            socktype: h.socktype,
            protocol: h.protocol,
        });
        let r = V2::getaddrinfo(self, node, service, hints)
            .await
            .map(|list| {
                list.into_iter()
                    .map(|a| sockets::Addrinfo {
                        family: a.family,
                        socktype: a.socktype,
                        protocol: a.protocol,
                        canonname: a.canonname,
                        addr: addr_out(a.addr),
                    })
                    .collect()
            });
        self.record_0_1(r)
    }

    fn getnameinfo(
        &mut self,
        addr: SocketAddress,
        flags: i32,
    ) -> Result<(String, String), Failure> {
        let r = V2::getnameinfo(self, addr_in(addr), flags);
        self.record_0_1(r)
    }

    async fn gethostbyaddr(&mut self, addr: SocketAddress) -> Result<String, Failure> {
        let r = V2::gethostbyaddr(self, addr_in(addr)).await;
        self.record_0_1(r)
    }

    fn gethostname(&mut self) -> Result<String, Failure> {
        let r = V2::gethostname(self);
        self.record_0_1(r)
    }

    fn getsockname(&mut self, s: u32) -> Result<SocketAddress, Failure> {
        let r = V2::getsockname(self, s).map(addr_out);
        self.record_0_1(r)
    }

    fn getpeername(&mut self, s: u32) -> Result<SocketAddress, Failure> {
        let r = V2::getpeername(self, s).map(addr_out);
        self.record_0_1(r)
    }

    fn getsockopt(
        &mut self,
        s: u32,
        level: i32,
        optname: i32,
        optlen: i32,
    ) -> Result<Vec<u8>, Failure> {
        let r = V2::getsockopt(self, s, level, optname, optlen);
        self.record_0_1(r)
    }

    fn setsockopt(
        &mut self,
        s: u32,
        level: i32,
        optname: i32,
        optval: Option<Vec<u8>>,
    ) -> Result<(), Failure> {
        let r = V2::setsockopt(self, s, level, optname, optval);
        self.record_0_1(r)
    }

    fn shutdown(&mut self, s: u32, how: i32) -> Result<(), Failure> {
        let r = V2::shutdown(self, s, how);
        self.record_0_1(r)
    }

    fn ioctlsocket(&mut self, s: u32, cmd: u32, arg: u32) -> Result<u32, Failure> {
        let r = V2::ioctlsocket(self, s, cmd, arg);
        self.record_0_1(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_0_1_2_code_is_a_0_2_0_code_with_its_number() {
        assert_eq!(cases().len(), 42);
        for &(case, n) in cases() {
            assert_eq!(newer(case).code(), n, "{}", case.name());
            assert_eq!(older(newer(case)), (case, n));
        }
    }
}
