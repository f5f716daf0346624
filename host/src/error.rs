//! The WSA error codes (SPEC 9) and the one place where host socket errors
//! become them.
//!
//! Every function decides its own codes from the socket's state first (send
//! on an unconnected socket is WSAENOTCONN, not the EPIPE Linux reports;
//! SPEC 7). Only what is left, outcomes the network itself reports (refused,
//! reset, unreachable), goes through [`WsaError::from_io`].

use std::io;

/// A Windows Sockets error, with its WSA number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum WsaError {
    Intr = 10004,
    BadF = 10009,
    Acces = 10013,
    Fault = 10014,
    Inval = 10022,
    MFile = 10024,
    WouldBlock = 10035,
    InProgress = 10036,
    Already = 10037,
    NotSock = 10038,
    DestAddrReq = 10039,
    MsgSize = 10040,
    ProtoType = 10041,
    NoProtoOpt = 10042,
    ProtoNoSupport = 10043,
    SocktNoSupport = 10044,
    OpNotSupp = 10045,
    PfNoSupport = 10046,
    AfNoSupport = 10047,
    AddrInUse = 10048,
    AddrNotAvail = 10049,
    NetDown = 10050,
    NetUnreach = 10051,
    NetReset = 10052,
    ConnAborted = 10053,
    ConnReset = 10054,
    NoBufs = 10055,
    IsConn = 10056,
    NotConn = 10057,
    Shutdown = 10058,
    TimedOut = 10060,
    ConnRefused = 10061,
    HostUnreach = 10065,
    SysNotReady = 10091,
    VerNotSupported = 10092,
    NotInitialised = 10093,
    Discon = 10101,
    OperationAborted = 995,
    HostNotFound = 11001,
    TryAgain = 11002,
    NoRecovery = 11003,
    NoData = 11004,
}

impl WsaError {
    /// The number WSAGetLastError reports.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The Winsock name of the code, for messages.
    pub fn name(self) -> &'static str {
        use WsaError::*;
        match self {
            Intr => "WSAEINTR",
            BadF => "WSAEBADF",
            Acces => "WSAEACCES",
            Fault => "WSAEFAULT",
            Inval => "WSAEINVAL",
            MFile => "WSAEMFILE",
            WouldBlock => "WSAEWOULDBLOCK",
            InProgress => "WSAEINPROGRESS",
            Already => "WSAEALREADY",
            NotSock => "WSAENOTSOCK",
            DestAddrReq => "WSAEDESTADDRREQ",
            MsgSize => "WSAEMSGSIZE",
            ProtoType => "WSAEPROTOTYPE",
            NoProtoOpt => "WSAENOPROTOOPT",
            ProtoNoSupport => "WSAEPROTONOSUPPORT",
            SocktNoSupport => "WSAESOCKTNOSUPPORT",
            OpNotSupp => "WSAEOPNOTSUPP",
            PfNoSupport => "WSAEPFNOSUPPORT",
            AfNoSupport => "WSAEAFNOSUPPORT",
            AddrInUse => "WSAEADDRINUSE",
            AddrNotAvail => "WSAEADDRNOTAVAIL",
            NetDown => "WSAENETDOWN",
            NetUnreach => "WSAENETUNREACH",
            NetReset => "WSAENETRESET",
            ConnAborted => "WSAECONNABORTED",
            ConnReset => "WSAECONNRESET",
            NoBufs => "WSAENOBUFS",
            IsConn => "WSAEISCONN",
            NotConn => "WSAENOTCONN",
            Shutdown => "WSAESHUTDOWN",
            TimedOut => "WSAETIMEDOUT",
            ConnRefused => "WSAECONNREFUSED",
            HostUnreach => "WSAEHOSTUNREACH",
            SysNotReady => "WSASYSNOTREADY",
            VerNotSupported => "WSAVERNOTSUPPORTED",
            NotInitialised => "WSANOTINITIALISED",
            Discon => "WSAEDISCON",
            OperationAborted => "WSA_OPERATION_ABORTED",
            HostNotFound => "WSAHOST_NOT_FOUND",
            TryAgain => "WSATRY_AGAIN",
            NoRecovery => "WSANO_RECOVERY",
            NoData => "WSANO_DATA",
        }
    }

    /// What the network reported, in Winsock terms. Callers handle the
    /// state-dependent cases (EPIPE, ENOTCONN, EINVAL...) before this.
    pub fn from_io(err: &io::Error) -> WsaError {
        use WsaError::*;
        let Some(errno) = err.raw_os_error() else {
            return match err.kind() {
                io::ErrorKind::WouldBlock => WouldBlock,
                io::ErrorKind::TimedOut => TimedOut,
                io::ErrorKind::PermissionDenied => Acces,
                io::ErrorKind::Interrupted => Intr,
                _ => NetDown,
            };
        };
        match errno {
            libc::EWOULDBLOCK => WouldBlock,
            libc::EINPROGRESS => WouldBlock,
            libc::EALREADY => Already,
            libc::ECONNREFUSED => ConnRefused,
            libc::ECONNRESET | libc::EPIPE => ConnReset,
            libc::ECONNABORTED => ConnAborted,
            libc::ETIMEDOUT => TimedOut,
            libc::ENETUNREACH => NetUnreach,
            libc::EHOSTUNREACH => HostUnreach,
            libc::ENETDOWN => NetDown,
            libc::ENETRESET => NetReset,
            libc::EADDRINUSE => AddrInUse,
            libc::EADDRNOTAVAIL => AddrNotAvail,
            libc::EISCONN => IsConn,
            libc::ENOTCONN => NotConn,
            libc::EMSGSIZE => MsgSize,
            libc::ENOBUFS | libc::ENOMEM => NoBufs,
            libc::EMFILE | libc::ENFILE => MFile,
            libc::EACCES | libc::EPERM => Acces,
            libc::EAFNOSUPPORT => AfNoSupport,
            libc::EINTR => Intr,
            libc::EINVAL => Inval,
            libc::ENOPROTOOPT => NoProtoOpt,
            libc::EOPNOTSUPP => OpNotSupp,
            _ => NetDown,
        }
    }
}

impl std::fmt::Display for WsaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}

impl std::error::Error for WsaError {}

/// The outcome of a failed Winsock call: a WSA code for the guest, or a trap
/// (with its reason) when the instance may not go on (it was torn down by
/// the host).
#[derive(Debug)]
pub enum Failure {
    Wsa(WsaError),
    Trap(&'static str),
}

impl From<WsaError> for Failure {
    fn from(e: WsaError) -> Self {
        Failure::Wsa(e)
    }
}

pub type WsaResult<T> = Result<T, Failure>;
