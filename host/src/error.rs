//! The WSA error codes (docs/errors.md) and the one place where host socket errors
//! become them.
//!
//! Every function decides its own codes from the socket's state first (send
//! on an unconnected socket is WSAENOTCONN, not the EPIPE Linux reports;
//! docs/surface.md). Only what is left, outcomes the network itself reports (refused,
//! reset, unreachable), goes through [`WsaError::from_io`].

use std::io;

/// A Windows Sockets error: one case of the WIT enum `error-code`.
///
/// The variants are the host's spelling of the cases: the Windows name
/// without its `WSAE`/`WSA`/`WSA_` prefix (WSAEWOULDBLOCK is `WouldBlock`).
/// Their numbers, Windows names and descriptions have one home, the
/// `error-code` doc comments in wit/types.wit (docs/errors.md);
/// host/build.rs generates the rest from them at build time
/// ([`WsaError::code`], [`WsaError::name`], [`WsaError::description`],
/// [`WsaError::from_code`], [`WsaError::ALL`], the conversions to and from
/// the WIT type) and fails the build when a case has no variant here or a
/// variant no case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WsaError {
    Intr,
    BadF,
    Acces,
    Fault,
    Inval,
    MFile,
    WouldBlock,
    InProgress,
    Already,
    NotSock,
    DestAddrReq,
    MsgSize,
    ProtoType,
    NoProtoOpt,
    ProtoNoSupport,
    SocktNoSupport,
    OpNotSupp,
    PfNoSupport,
    AfNoSupport,
    AddrInUse,
    AddrNotAvail,
    NetDown,
    NetUnreach,
    NetReset,
    ConnAborted,
    ConnReset,
    NoBufs,
    IsConn,
    NotConn,
    Shutdown,
    TimedOut,
    ConnRefused,
    HostUnreach,
    SysNotReady,
    VerNotSupported,
    NotInitialised,
    Discon,
    OperationAborted,
    TypeNotFound,
    HostNotFound,
    TryAgain,
    NoRecovery,
    NoData,
}

/// The generated table (host/build.rs).
mod codes {
    use super::WsaError;
    #[cfg(feature = "component")]
    use crate::wit::types::ErrorCode;

    include!(concat!(env!("OUT_DIR"), "/wsa_codes.rs"));
}

impl WsaError {
    /// The Windows name of any number the package documents: a code a
    /// call fails with ("WSAECONNREFUSED" for 10061), or one the guest
    /// libraries report themselves ("WSA_IO_PENDING" for 997) or that
    /// Windows defines ("WSAEHOSTDOWN"). For call traces and messages that
    /// hold a raw last-error value; `None` for 0 and unknown numbers.
    pub fn name_of(code: i32) -> Option<&'static str> {
        if let Some(e) = WsaError::from_code(code) {
            return Some(e.name());
        }
        WsaError::GUEST_LIBRARY_CODES
            .iter()
            .chain(WsaError::COMPAT_CODES)
            .find(|(_, n, _)| *n == code)
            .map(|(name, _, _)| *name)
    }

    /// What the network reported, in Winsock terms: the one errno mapping
    /// of the host (sockets.rs, options.rs, select.rs and socket.rs all
    /// come here; no call maps an errno of its own). No call needs a
    /// different code for the same errno: where Windows' code differs from
    /// what Linux reports (send on an unconnected socket is WSAENOTCONN,
    /// not EPIPE's WSAECONNRESET), the call decides it from the socket's
    /// state before asking the kernel (docs/errors.md). The only other
    /// readings of an errno are control flow: connect's EINPROGRESS (a
    /// handshake under way) and `io`'s EWOULDBLOCK/EINTR (wait and retry).
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

#[cfg(all(test, feature = "component"))]
mod tests {
    use super::WsaError;
    use crate::wit::types::ErrorCode;

    #[test]
    fn every_code_round_trips_through_the_wit_type_and_its_number() {
        for (i, e) in WsaError::ALL.into_iter().enumerate() {
            assert_eq!(WsaError::from(ErrorCode::from(e)), e);
            assert_eq!(WsaError::from_code(e.code()), Some(e));
            assert_eq!(WsaError::name_of(e.code()), Some(e.name()));
            assert!(WsaError::ALL[..i].iter().all(|o| o.code() != e.code()));
        }
    }
}
