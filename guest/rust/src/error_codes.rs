// Generated from wit/types.wit by tests/tests/generated.rs; do not edit.
// Regenerate: WINSOCK_BLESS=1 cargo test --release -p winsock-tests --test generated

use crate::WsaError;

impl WsaError {
    /// WSAEINTR (10004): Interrupted function call.
    pub const EINTR: WsaError = WsaError(10004);
    /// WSAEBADF (10009): File handle is not valid.
    pub const EBADF: WsaError = WsaError(10009);
    /// WSAEACCES (10013): Permission denied.
    pub const EACCES: WsaError = WsaError(10013);
    /// WSAEFAULT (10014): Bad address.
    pub const EFAULT: WsaError = WsaError(10014);
    /// WSAEINVAL (10022): Invalid argument.
    pub const EINVAL: WsaError = WsaError(10022);
    /// WSAEMFILE (10024): Too many open files.
    pub const EMFILE: WsaError = WsaError(10024);
    /// WSAEWOULDBLOCK (10035): Resource temporarily unavailable.
    pub const EWOULDBLOCK: WsaError = WsaError(10035);
    /// WSAEINPROGRESS (10036): Operation now in progress.
    pub const EINPROGRESS: WsaError = WsaError(10036);
    /// WSAEALREADY (10037): Operation already in progress.
    pub const EALREADY: WsaError = WsaError(10037);
    /// WSAENOTSOCK (10038): Socket operation on nonsocket.
    pub const ENOTSOCK: WsaError = WsaError(10038);
    /// WSAEDESTADDRREQ (10039): Destination address required.
    pub const EDESTADDRREQ: WsaError = WsaError(10039);
    /// WSAEMSGSIZE (10040): Message too long.
    pub const EMSGSIZE: WsaError = WsaError(10040);
    /// WSAEPROTOTYPE (10041): Protocol wrong type for socket.
    pub const EPROTOTYPE: WsaError = WsaError(10041);
    /// WSAENOPROTOOPT (10042): Bad protocol option.
    pub const ENOPROTOOPT: WsaError = WsaError(10042);
    /// WSAEPROTONOSUPPORT (10043): Protocol not supported.
    pub const EPROTONOSUPPORT: WsaError = WsaError(10043);
    /// WSAESOCKTNOSUPPORT (10044): Socket type not supported.
    pub const ESOCKTNOSUPPORT: WsaError = WsaError(10044);
    /// WSAEOPNOTSUPP (10045): Operation not supported.
    pub const EOPNOTSUPP: WsaError = WsaError(10045);
    /// WSAEPFNOSUPPORT (10046): Protocol family not supported.
    pub const EPFNOSUPPORT: WsaError = WsaError(10046);
    /// WSAEAFNOSUPPORT (10047): Address family not supported by protocol family.
    pub const EAFNOSUPPORT: WsaError = WsaError(10047);
    /// WSAEADDRINUSE (10048): Address already in use.
    pub const EADDRINUSE: WsaError = WsaError(10048);
    /// WSAEADDRNOTAVAIL (10049): Cannot assign requested address.
    pub const EADDRNOTAVAIL: WsaError = WsaError(10049);
    /// WSAENETDOWN (10050): Network is down.
    pub const ENETDOWN: WsaError = WsaError(10050);
    /// WSAENETUNREACH (10051): Network is unreachable.
    pub const ENETUNREACH: WsaError = WsaError(10051);
    /// WSAENETRESET (10052): Network dropped connection on reset.
    pub const ENETRESET: WsaError = WsaError(10052);
    /// WSAECONNABORTED (10053): Software caused connection abort.
    pub const ECONNABORTED: WsaError = WsaError(10053);
    /// WSAECONNRESET (10054): Connection reset by peer.
    pub const ECONNRESET: WsaError = WsaError(10054);
    /// WSAENOBUFS (10055): No buffer space available.
    pub const ENOBUFS: WsaError = WsaError(10055);
    /// WSAEISCONN (10056): Socket is already connected.
    pub const EISCONN: WsaError = WsaError(10056);
    /// WSAENOTCONN (10057): Socket is not connected.
    pub const ENOTCONN: WsaError = WsaError(10057);
    /// WSAESHUTDOWN (10058): Cannot send after socket shutdown.
    pub const ESHUTDOWN: WsaError = WsaError(10058);
    /// WSAETIMEDOUT (10060): Connection timed out.
    pub const ETIMEDOUT: WsaError = WsaError(10060);
    /// WSAECONNREFUSED (10061): Connection refused.
    pub const ECONNREFUSED: WsaError = WsaError(10061);
    /// WSAEHOSTUNREACH (10065): No route to host.
    pub const EHOSTUNREACH: WsaError = WsaError(10065);
    /// WSASYSNOTREADY (10091): Network subsystem is unavailable.
    pub const SYSNOTREADY: WsaError = WsaError(10091);
    /// WSAVERNOTSUPPORTED (10092): Winsock.dll version out of range.
    pub const VERNOTSUPPORTED: WsaError = WsaError(10092);
    /// WSANOTINITIALISED (10093): Successful WSAStartup not yet performed.
    pub const NOTINITIALISED: WsaError = WsaError(10093);
    /// WSAEDISCON (10101): Graceful shutdown in progress.
    pub const EDISCON: WsaError = WsaError(10101);
    /// WSA_OPERATION_ABORTED (995): Overlapped operation aborted.
    pub const OPERATION_ABORTED: WsaError = WsaError(995);
    /// WSATYPE_NOT_FOUND (10109): Class type not found.
    pub const TYPE_NOT_FOUND: WsaError = WsaError(10109);
    /// WSAHOST_NOT_FOUND (11001): Host not found.
    pub const HOST_NOT_FOUND: WsaError = WsaError(11001);
    /// WSATRY_AGAIN (11002): Nonauthoritative host not found.
    pub const TRY_AGAIN: WsaError = WsaError(11002);
    /// WSANO_RECOVERY (11003): This is a nonrecoverable error.
    pub const NO_RECOVERY: WsaError = WsaError(11003);
    /// WSANO_DATA (11004): Valid name, no data record of requested type.
    pub const NO_DATA: WsaError = WsaError(11004);
    /// WSA_INVALID_HANDLE (6): Specified event object handle is invalid.
    pub const INVALID_HANDLE: WsaError = WsaError(6);
    /// WSA_NOT_ENOUGH_MEMORY (8): Insufficient memory available.
    pub const NOT_ENOUGH_MEMORY: WsaError = WsaError(8);
    /// WSA_INVALID_PARAMETER (87): One or more parameters are invalid.
    pub const INVALID_PARAMETER: WsaError = WsaError(87);
    /// WSA_IO_INCOMPLETE (996): Overlapped I/O event object not in signaled state.
    pub const IO_INCOMPLETE: WsaError = WsaError(996);
    /// WSA_IO_PENDING (997): Overlapped operations will complete later.
    pub const IO_PENDING: WsaError = WsaError(997);
    /// ERROR_POSSIBLE_DEADLOCK (1131): A potential deadlock condition has been detected.
    pub const POSSIBLE_DEADLOCK: WsaError = WsaError(1131);
    /// ERROR_NOT_FOUND (1168): Element not found.
    pub const NOT_FOUND: WsaError = WsaError(1168);

    /// The Windows macro name of the code ("WSAECONNREFUSED"), if it is
    /// one this package documents.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            10004 => "WSAEINTR",
            10009 => "WSAEBADF",
            10013 => "WSAEACCES",
            10014 => "WSAEFAULT",
            10022 => "WSAEINVAL",
            10024 => "WSAEMFILE",
            10035 => "WSAEWOULDBLOCK",
            10036 => "WSAEINPROGRESS",
            10037 => "WSAEALREADY",
            10038 => "WSAENOTSOCK",
            10039 => "WSAEDESTADDRREQ",
            10040 => "WSAEMSGSIZE",
            10041 => "WSAEPROTOTYPE",
            10042 => "WSAENOPROTOOPT",
            10043 => "WSAEPROTONOSUPPORT",
            10044 => "WSAESOCKTNOSUPPORT",
            10045 => "WSAEOPNOTSUPP",
            10046 => "WSAEPFNOSUPPORT",
            10047 => "WSAEAFNOSUPPORT",
            10048 => "WSAEADDRINUSE",
            10049 => "WSAEADDRNOTAVAIL",
            10050 => "WSAENETDOWN",
            10051 => "WSAENETUNREACH",
            10052 => "WSAENETRESET",
            10053 => "WSAECONNABORTED",
            10054 => "WSAECONNRESET",
            10055 => "WSAENOBUFS",
            10056 => "WSAEISCONN",
            10057 => "WSAENOTCONN",
            10058 => "WSAESHUTDOWN",
            10060 => "WSAETIMEDOUT",
            10061 => "WSAECONNREFUSED",
            10065 => "WSAEHOSTUNREACH",
            10091 => "WSASYSNOTREADY",
            10092 => "WSAVERNOTSUPPORTED",
            10093 => "WSANOTINITIALISED",
            10101 => "WSAEDISCON",
            995 => "WSA_OPERATION_ABORTED",
            10109 => "WSATYPE_NOT_FOUND",
            11001 => "WSAHOST_NOT_FOUND",
            11002 => "WSATRY_AGAIN",
            11003 => "WSANO_RECOVERY",
            11004 => "WSANO_DATA",
            6 => "WSA_INVALID_HANDLE",
            8 => "WSA_NOT_ENOUGH_MEMORY",
            87 => "WSA_INVALID_PARAMETER",
            996 => "WSA_IO_INCOMPLETE",
            997 => "WSA_IO_PENDING",
            1131 => "ERROR_POSSIBLE_DEADLOCK",
            1168 => "ERROR_NOT_FOUND",
            _ => return None,
        })
    }

    /// Windows' short description of the code ("Connection refused.").
    pub const fn description(self) -> Option<&'static str> {
        Some(match self.0 {
            10004 => "Interrupted function call.",
            10009 => "File handle is not valid.",
            10013 => "Permission denied.",
            10014 => "Bad address.",
            10022 => "Invalid argument.",
            10024 => "Too many open files.",
            10035 => "Resource temporarily unavailable.",
            10036 => "Operation now in progress.",
            10037 => "Operation already in progress.",
            10038 => "Socket operation on nonsocket.",
            10039 => "Destination address required.",
            10040 => "Message too long.",
            10041 => "Protocol wrong type for socket.",
            10042 => "Bad protocol option.",
            10043 => "Protocol not supported.",
            10044 => "Socket type not supported.",
            10045 => "Operation not supported.",
            10046 => "Protocol family not supported.",
            10047 => "Address family not supported by protocol family.",
            10048 => "Address already in use.",
            10049 => "Cannot assign requested address.",
            10050 => "Network is down.",
            10051 => "Network is unreachable.",
            10052 => "Network dropped connection on reset.",
            10053 => "Software caused connection abort.",
            10054 => "Connection reset by peer.",
            10055 => "No buffer space available.",
            10056 => "Socket is already connected.",
            10057 => "Socket is not connected.",
            10058 => "Cannot send after socket shutdown.",
            10060 => "Connection timed out.",
            10061 => "Connection refused.",
            10065 => "No route to host.",
            10091 => "Network subsystem is unavailable.",
            10092 => "Winsock.dll version out of range.",
            10093 => "Successful WSAStartup not yet performed.",
            10101 => "Graceful shutdown in progress.",
            995 => "Overlapped operation aborted.",
            10109 => "Class type not found.",
            11001 => "Host not found.",
            11002 => "Nonauthoritative host not found.",
            11003 => "This is a nonrecoverable error.",
            11004 => "Valid name, no data record of requested type.",
            6 => "Specified event object handle is invalid.",
            8 => "Insufficient memory available.",
            87 => "One or more parameters are invalid.",
            996 => "Overlapped I/O event object not in signaled state.",
            997 => "Overlapped operations will complete later.",
            1131 => "A potential deadlock condition has been detected.",
            1168 => "Element not found.",
            _ => return None,
        })
    }
}
