//! getaddrinfo, getnameinfo, gethostbyaddr and gethostname (docs/surface.md-8):
//! numeric hosts are parsed and need no grant; every other name needs the
//! lookup grant, and a refused name is WSAHOST_NOT_FOUND plus one report to
//! the operator. Reverse lookups need the lookup grant too, and a name
//! grant list also bounds the names they may return.

use crate::ctx::WinsockCtx;
use crate::error::{WsaError, WsaResult};
use crate::grants::LookupGrant;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use winsock_abi::*;

/// getaddrinfo's hints, Windows' numbers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints {
    pub flags: i32,
    pub family: i32,
    pub socktype: i32,
    pub protocol: i32,
}

/// One getaddrinfo answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrInfo {
    pub family: i32,
    pub socktype: i32,
    pub protocol: i32,
    pub canonname: Option<String>,
    pub addr: SocketAddr,
}

/// The services legacy programs name (the subset of Windows' `services`
/// file they use); anything else must be a number.
const SERVICES: &[(&str, u16)] = &[
    ("echo", 7),
    ("discard", 9),
    ("daytime", 13),
    ("ftp", 21),
    ("ssh", 22),
    ("telnet", 23),
    ("smtp", 25),
    ("domain", 53),
    ("http", 80),
    ("www", 80),
    ("pop3", 110),
    ("nntp", 119),
    ("ntp", 123),
    ("imap", 143),
    ("https", 443),
];

fn service_port(service: &str) -> Option<u16> {
    service.parse().ok().or_else(|| {
        SERVICES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(service))
            .map(|(_, p)| *p)
    })
}

fn service_name(port: u16) -> Option<&'static str> {
    SERVICES.iter().find(|(_, p)| *p == port).map(|(n, _)| *n)
}

/// Parses a numeric host as Windows does: dotted IPv4 or IPv6 text
/// (brackets and a `%scope` accepted).
fn numeric_host(node: &str) -> Option<IpAddr> {
    let node = node.trim_start_matches('[').trim_end_matches(']');
    let node = node.split('%').next().unwrap_or(node);
    node.parse().ok()
}

impl WinsockCtx {
    /// getaddrinfo(node, service, hints).
    pub async fn getaddrinfo(
        &mut self,
        node: Option<&str>,
        service: Option<&str>,
        hints: Hints,
    ) -> WsaResult<Vec<AddrInfo>> {
        self.check_alive()?;
        self.instance.require_started()?;
        let family_ok = |ip: &IpAddr| match hints.family {
            AF_INET => ip.is_ipv4(),
            AF_INET6 => ip.is_ipv6(),
            _ => true,
        };
        if !matches!(hints.family, AF_UNSPEC | AF_INET | AF_INET6) {
            return Err(WsaError::AfNoSupport.into());
        }
        let (socktype, protocol) = match (hints.socktype, hints.protocol) {
            (0 | SOCK_STREAM, 0 | IPPROTO_TCP) => (SOCK_STREAM, IPPROTO_TCP),
            (SOCK_DGRAM, 0 | IPPROTO_UDP) => (SOCK_DGRAM, IPPROTO_UDP),
            (SOCK_STREAM | SOCK_DGRAM, _) => return Err(WsaError::ProtoNoSupport.into()),
            _ => return Err(WsaError::SocktNoSupport.into()),
        };
        let port = match service {
            None => 0,
            Some(s) => service_port(s).ok_or(WsaError::TypeNotFound)?,
        };
        let ips: Vec<IpAddr> = match node {
            None if service.is_none() => return Err(WsaError::HostNotFound.into()),
            None => {
                let passive = hints.flags & AI_PASSIVE != 0;
                let v4 = if passive {
                    Ipv4Addr::UNSPECIFIED
                } else {
                    Ipv4Addr::LOCALHOST
                };
                let v6 = if passive {
                    Ipv6Addr::UNSPECIFIED
                } else {
                    Ipv6Addr::LOCALHOST
                };
                vec![IpAddr::V6(v6), IpAddr::V4(v4)]
            }
            Some(n) => match numeric_host(n) {
                Some(ip) => vec![ip],
                None if hints.flags & AI_NUMERICHOST != 0 => {
                    return Err(WsaError::HostNotFound.into());
                }
                None => self.resolve(n).await?,
            },
        };
        let canon = node
            .filter(|_| hints.flags & AI_CANONNAME != 0)
            .map(str::to_string);
        let out: Vec<AddrInfo> = ips
            .into_iter()
            .filter(family_ok)
            .enumerate()
            .map(|(i, ip)| AddrInfo {
                family: if ip.is_ipv4() { AF_INET } else { AF_INET6 },
                socktype,
                protocol,
                // Windows puts ai_canonname on the first entry only.
                canonname: if i == 0 { canon.clone() } else { None },
                addr: SocketAddr::new(ip, port),
            })
            .collect();
        if out.is_empty() {
            return Err(WsaError::NoData.into());
        }
        Ok(out)
    }

    /// One of the instance's pending-lookup slots (docs/sandbox.md's limit), or
    /// WSATRY_AGAIN when all are taken.
    fn lookup_slot(&self) -> WsaResult<LookupSlot<'_>> {
        let pending = &self.instance.pending_lookups;
        if pending.fetch_add(1, Ordering::AcqRel) >= self.limits.max_pending_lookups {
            pending.fetch_sub(1, Ordering::AcqRel);
            return Err(WsaError::TryAgain.into());
        }
        Ok(LookupSlot(pending))
    }

    /// A granted name lookup, bounded by the pending-lookup limit.
    async fn resolve(&self, name: &str) -> WsaResult<Vec<IpAddr>> {
        if name.is_empty() || name.len() > 255 || !self.grants.lookup().allows(name) {
            return Err(self.deny("lookup", name.to_string()));
        }
        let _slot = self.lookup_slot()?;
        // The system resolver blocks; tokio runs it on its blocking pool,
        // never on the thread that serves guests.
        let cancel = self.instance.lock().cancel.clone();
        let query = format!("{name}:0");
        let r = tokio::select! {
            _ = cancel.cancelled() => Err(WsaError::Intr),
            r = tokio::net::lookup_host(query) => r.map_err(|_| WsaError::HostNotFound),
        };
        let mut ips: Vec<IpAddr> = Vec::new();
        for a in r? {
            if !ips.contains(&a.ip()) {
                ips.push(a.ip());
            }
        }
        Ok(ips)
    }

    /// gethostbyaddr(addr): the host name of `addr`'s address (the port is
    /// ignored), by a reverse lookup through the system resolver. It needs
    /// the lookup grant: without one, WSAHOST_NOT_FOUND and one report; with
    /// a list of names, the answer must be one of them (else the same). No
    /// name for the address: WSAHOST_NOT_FOUND.
    pub async fn gethostbyaddr(&mut self, addr: SocketAddr) -> WsaResult<String> {
        self.check_alive()?;
        self.instance.require_started()?;
        let ip = addr.ip();
        if *self.grants.lookup() == LookupGrant::None {
            return Err(self.deny("reverse lookup", ip.to_string()));
        }
        let name = {
            let _slot = self.lookup_slot()?;
            // getnameinfo blocks: run it on tokio's blocking pool, never on
            // the thread that serves guests. A cancelled call returns at
            // once; the resolver's thread finishes on its own.
            let cancel = self.instance.lock().cancel.clone();
            let lookup = tokio::task::spawn_blocking(move || reverse_lookup(ip));
            tokio::select! {
                _ = cancel.cancelled() => return Err(WsaError::Intr.into()),
                r = lookup => r.map_err(|_| WsaError::NoRecovery)??,
            }
        };
        if !self.grants.lookup().allows(&name) {
            return Err(self.deny("reverse lookup", format!("{ip} (answered {name})")));
        }
        Ok(name)
    }

    /// getnameinfo(addr, flags).
    pub fn getnameinfo(&mut self, addr: SocketAddr, flags: i32) -> WsaResult<(String, String)> {
        self.check_alive()?;
        self.instance.require_started()?;
        if flags & NI_NAMEREQD != 0 {
            // No reverse lookups: a name is never known.
            return Err(WsaError::HostNotFound.into());
        }
        let host = addr.ip().to_string();
        let service = match (flags & NI_NUMERICSERV != 0, service_name(addr.port())) {
            (false, Some(name)) => name.to_string(),
            _ => addr.port().to_string(),
        };
        Ok((host, service))
    }

    /// gethostname().
    pub fn gethostname(&mut self) -> WsaResult<String> {
        self.check_alive()?;
        self.instance.require_started()?;
        Ok(self.hostname.clone())
    }
}

/// Holds one pending-lookup slot until dropped (also when the lookup's
/// future is dropped mid-way).
struct LookupSlot<'a>(&'a AtomicUsize);

impl Drop for LookupSlot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The system resolver's name for `ip` (libc getnameinfo with NI_NAMEREQD:
/// /etc/hosts, then DNS, as the host's own programs see it). Blocks.
fn reverse_lookup(ip: IpAddr) -> Result<String, WsaError> {
    let addr = socket2::SockAddr::from(SocketAddr::new(ip, 0));
    let mut host = [0 as libc::c_char; libc::NI_MAXHOST as usize];
    // SAFETY: `addr` is a valid socket address of the length given; `host`
    // is writable for its full length and getnameinfo NUL-terminates what
    // it writes there; no service buffer is asked for.
    let rc = unsafe {
        libc::getnameinfo(
            addr.as_ptr().cast(),
            addr.len(),
            host.as_mut_ptr(),
            host.len() as libc::socklen_t,
            std::ptr::null_mut(),
            0,
            libc::NI_NAMEREQD,
        )
    };
    match rc {
        0 => {}
        libc::EAI_AGAIN => return Err(WsaError::TryAgain),
        libc::EAI_FAIL => return Err(WsaError::NoRecovery),
        _ => return Err(WsaError::HostNotFound),
    }
    // SAFETY: getnameinfo succeeded, so `host` holds a NUL-terminated string.
    let name = unsafe { std::ffi::CStr::from_ptr(host.as_ptr()) };
    match name.to_str() {
        Ok(n) if !n.is_empty() => Ok(n.to_string()),
        _ => Err(WsaError::HostNotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_by_number_and_name() {
        assert_eq!(service_port("8080"), Some(8080));
        assert_eq!(service_port("HTTP"), Some(80));
        assert_eq!(service_port("gopher-ish"), None);
        assert_eq!(service_name(443), Some("https"));
    }

    #[test]
    fn numeric_hosts_are_parsed_not_looked_up() {
        assert_eq!(
            numeric_host("127.0.0.1"),
            Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
        );
        assert_eq!(numeric_host("[::1]"), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert_eq!(numeric_host("fe80::1%3").map(|i| i.is_ipv6()), Some(true));
        assert_eq!(numeric_host("localhost"), None);
    }
}
