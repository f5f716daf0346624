//! The numbers a Winsock guest passes through the `winsock:ws2` interface:
//! Windows' values (docs/errors.md), not Linux's or wasi-libc's. One copy for the
//! host (which decodes them) and the guest crates (which pass them).
#![no_std]

pub const AF_INET: i32 = 2;
pub const AF_INET6: i32 = 23;
pub const SOCK_STREAM: i32 = 1;
pub const SOCK_DGRAM: i32 = 2;

pub const IPPROTO_IP: i32 = 0;
pub const IPPROTO_TCP: i32 = 6;
pub const IPPROTO_UDP: i32 = 17;
pub const IPPROTO_IPV6: i32 = 41;

pub const SOL_SOCKET: i32 = 0xffff;
pub const SO_ACCEPTCONN: i32 = 0x0002;
pub const SO_REUSEADDR: i32 = 0x0004;
pub const SO_KEEPALIVE: i32 = 0x0008;
pub const SO_BROADCAST: i32 = 0x0020;
pub const SO_LINGER: i32 = 0x0080;
pub const SO_OOBINLINE: i32 = 0x0100;
pub const SO_DONTLINGER: i32 = !SO_LINGER;
pub const SO_EXCLUSIVEADDRUSE: i32 = !SO_REUSEADDR;
pub const SO_SNDBUF: i32 = 0x1001;
pub const SO_RCVBUF: i32 = 0x1002;
pub const SO_SNDTIMEO: i32 = 0x1005;
pub const SO_RCVTIMEO: i32 = 0x1006;
pub const SO_ERROR: i32 = 0x1007;
pub const SO_TYPE: i32 = 0x1008;
pub const TCP_NODELAY: i32 = 0x0001;
/// TCP keepalive tuning at IPPROTO_TCP, Windows 10's numbers: DWORD
/// seconds. Windows spells the idle time both TCP_KEEPALIVE and
/// TCP_KEEPIDLE (both 3).
pub const TCP_KEEPALIVE: i32 = 3;
pub const TCP_KEEPIDLE: i32 = TCP_KEEPALIVE;
pub const TCP_KEEPCNT: i32 = 16;
pub const TCP_KEEPINTVL: i32 = 17;
pub const IP_TTL: i32 = 4;
pub const IPV6_V6ONLY: i32 = 27;

pub const MSG_OOB: i32 = 1;
pub const MSG_PEEK: i32 = 2;
pub const MSG_DONTROUTE: i32 = 4;
pub const MSG_WAITALL: i32 = 8;

pub const SD_RECEIVE: i32 = 0;
pub const SD_SEND: i32 = 1;
pub const SD_BOTH: i32 = 2;

pub const FIONBIO: u32 = 0x8004_667e;
pub const FIONREAD: u32 = 0x4004_667f;
pub const SIOCATMARK: u32 = 0x4004_7307;

pub const INVALID_SOCKET: u32 = !0;

/// listen's backlog for "as many as the system allows".
pub const SOMAXCONN: i32 = 0x7fff_ffff;

/// MAKEWORD(major, minor): low byte major, high byte minor.
pub const fn makeword(major: u8, minor: u8) -> u16 {
    (major as u16) | ((minor as u16) << 8)
}

/// WSAPoll's event bits (Windows' values).
pub const POLLRDNORM: i16 = 0x0100;
pub const POLLRDBAND: i16 = 0x0200;
pub const POLLIN: i16 = POLLRDNORM | POLLRDBAND;
pub const POLLPRI: i16 = 0x0400;
pub const POLLWRNORM: i16 = 0x0010;
pub const POLLOUT: i16 = POLLWRNORM;
pub const POLLWRBAND: i16 = 0x0020;
pub const POLLERR: i16 = 0x0001;
pub const POLLHUP: i16 = 0x0002;
pub const POLLNVAL: i16 = 0x0004;

pub const AF_UNSPEC: i32 = 0;
/// getaddrinfo flags (Windows' values).
pub const AI_PASSIVE: i32 = 0x01;
pub const AI_CANONNAME: i32 = 0x02;
pub const AI_NUMERICHOST: i32 = 0x04;
/// getnameinfo flags (Windows' values).
pub const NI_NOFQDN: i32 = 0x01;
pub const NI_NUMERICHOST: i32 = 0x02;
pub const NI_NAMEREQD: i32 = 0x04;
pub const NI_NUMERICSERV: i32 = 0x08;
pub const NI_DGRAM: i32 = 0x10;
