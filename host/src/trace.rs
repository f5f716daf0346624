//! The call trace: one line on stderr per Winsock call a guest makes, in
//! Windows terms, the way Wine's `WINEDEBUG=+winsock` or strace are used:
//!
//! ```text
//! winsock: connect(s=4, name=127.0.0.1:8080) = SOCKET_ERROR WSAECONNREFUSED [1.2ms]
//! ```
//!
//! Each line is a `tracing` event at TRACE level with the target
//! [`TARGET`] (`winsock::call`), emitted by the WIT bindings once per call
//! after the call returns. Nothing is formatted, timed or allocated unless
//! a subscriber wants that target: each call asks [`calls_enabled`] first
//! (one cached callsite-interest check).
//!
//! The library installs no subscriber of its own. `winsock-run --trace`
//! and the `WINSOCK_LOG` variable (tracing-subscriber's `EnvFilter`
//! syntax) turn the lines on; an embedder gets the same output with
//! [`init_from_env`], or with [`Logging`] for more control, or sends the
//! events to any subscriber it already has. Denials and component-cache
//! warnings are WARN events of the same crate, so the one subscriber shows
//! them too.
//!
//! The host keeps no instance id; an embedder running several instances
//! runs each inside a span of its own (`run(..).instrument(
//! tracing::error_span!("guest", id = 7))`; ERROR level so that a `warn`
//! filter keeps it), and [`Logging`]'s lines then start
//! `winsock: guest{id=7}: `.

use crate::error::{Failure, WsaError};
use std::fmt::{self, Display, Formatter};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::LookupSpan;
use winsock_abi::*;

/// The target of the call events (`WINSOCK_LOG=winsock::call=trace`).
pub const TARGET: &str = "winsock::call";

/// The environment variable [`Logging::from_env`] reads: an `EnvFilter`
/// (`warn`, `winsock::call=trace`, `warn,winsock::call=trace`...).
pub const ENV_VAR: &str = "WINSOCK_LOG";

/// The filter when `WINSOCK_LOG` is unset or empty: warnings (denials,
/// cache problems), no call lines.
pub const DEFAULT_FILTER: &str = "warn";

/// The directive that turns the call lines on (what `--trace` adds).
pub const CALLS_DIRECTIVE: &str = "winsock::call=trace";

/// Whether a subscriber wants the call lines. Cheap: without a subscriber
/// one load of tracing's global level; with one, the callsite's cached
/// interest.
#[inline]
pub fn calls_enabled() -> bool {
    tracing::enabled!(target: TARGET, Level::TRACE)
}

/// The stderr logging winsock-run uses, for embedders: a filter and the
/// plain line format (no timestamps, no level for warnings).
pub struct Logging {
    filter: EnvFilter,
    prefix: &'static str,
}

/// Why [`Logging`] could not be set up: `WINSOCK_LOG` does not parse, or a
/// global subscriber is installed already.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

impl Logging {
    /// The filter from `WINSOCK_LOG`, else [`DEFAULT_FILTER`].
    pub fn from_env() -> Result<Logging, Error> {
        let spec = std::env::var(ENV_VAR).unwrap_or_default();
        let spec = if spec.trim().is_empty() {
            DEFAULT_FILTER
        } else {
            spec.as_str()
        };
        let filter = EnvFilter::builder()
            .parse(spec)
            .map_err(|e| format!("{ENV_VAR}={spec:?}: {e}"))?;
        Ok(Logging {
            filter,
            prefix: "winsock",
        })
    }

    /// A filter in `EnvFilter` syntax.
    pub fn new(filter: &str) -> Result<Logging, Error> {
        Ok(Logging {
            filter: EnvFilter::builder().parse(filter)?,
            prefix: "winsock",
        })
    }

    /// Adds the call lines ([`CALLS_DIRECTIVE`]) to the filter.
    pub fn trace_calls(mut self) -> Logging {
        let calls = CALLS_DIRECTIVE.parse().expect("a valid directive");
        self.filter = self.filter.add_directive(calls);
        self
    }

    /// What starts the lines other than call lines (default "winsock";
    /// winsock-run uses "winsock-run"). Call lines always start "winsock: ".
    pub fn prefix(mut self, prefix: &'static str) -> Logging {
        self.prefix = prefix;
        self
    }

    /// The subscriber, for `tracing::subscriber::with_default` or a
    /// global default of the embedder's choosing.
    pub fn subscriber(self) -> impl Subscriber + Send + Sync + 'static {
        tracing_subscriber::fmt()
            .with_env_filter(self.filter)
            .with_writer(std::io::stderr)
            .event_format(Lines {
                prefix: self.prefix,
            })
            .finish()
    }

    /// Installs the subscriber as the process's global default.
    pub fn init(self) -> Result<(), Error> {
        tracing::subscriber::set_global_default(self.subscriber())?;
        Ok(())
    }
}

/// Installs the stderr subscriber with the filter from `WINSOCK_LOG`
/// (default: warnings only) as the global default. For embedders that want
/// winsock-run's output; the library never calls it itself.
pub fn init_from_env() -> Result<(), Error> {
    Logging::from_env()?.init()
}

/// One plain line per event: `winsock: ` and the call for call lines,
/// `PREFIX: ` and the message for warnings and errors of this crate, with
/// the level and target added for anything else.
struct Lines {
    prefix: &'static str,
}

impl<S, N> FormatEvent<S, N> for Lines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        let target = meta.target();
        if target == TARGET {
            w.write_str("winsock: ")?;
        } else {
            write!(w, "{}: ", self.prefix)?;
            if *meta.level() > Level::WARN {
                write!(w, "{} {target}: ", meta.level())?;
            } else if !target.starts_with("winsock") {
                write!(w, "{target}: ")?;
            }
        }
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                w.write_str(span.name())?;
                let ext = span.extensions();
                if let Some(fields) = ext.get::<FormattedFields<N>>()
                    && !fields.is_empty()
                {
                    write!(w, "{{{fields}}}")?;
                }
                w.write_str(": ")?;
            }
        }
        ctx.field_format().format_fields(w.by_ref(), event)?;
        writeln!(w)
    }
}

/// One traced call: started by [`call!`] (only when [`calls_enabled`]),
/// ended by [`Call::end`] with the call's outcome.
pub(crate) struct Call(Option<Started>);

pub(crate) struct Started {
    name: &'static str,
    args: String,
    at: Instant,
    /// getsockopt's (level, optname), to show the value it returns.
    opt: Option<(i32, i32)>,
}

impl Call {
    pub(crate) const OFF: Call = Call(None);

    /// Use [`call!`]: it formats the arguments only when tracing is on.
    pub(crate) fn begin(name: &'static str, args: String) -> Call {
        Call(Some(Started {
            name,
            args,
            at: Instant::now(),
            opt: None,
        }))
    }

    /// getsockopt: the option whose value the result line decodes.
    pub(crate) fn opt(mut self, level: i32, optname: i32) -> Call {
        if let Some(st) = &mut self.0 {
            st.opt = Some((level, optname));
        }
        self
    }

    /// Emits the call's line (when traced) and hands `r` back.
    pub(crate) fn end<R: Outcome>(self, r: R) -> R {
        if let Some(st) = self.0 {
            let elapsed = st.at.elapsed();
            tracing::event!(
                target: TARGET,
                Level::TRACE,
                "{}({}) = {} [{}]",
                st.name,
                st.args,
                Shown(&r, &st),
                Elapsed(elapsed)
            );
        }
        r
    }
}

/// Starts a traced call: `trace::call!("connect", "s={s}, name={}",
/// to_std(name))`. The arguments are formatted (and the clock read) only
/// when a subscriber wants the call lines.
macro_rules! call {
    ($name:literal) => {
        $crate::trace::call!($name, "")
    };
    ($name:literal, $($args:tt)+) => {
        if $crate::trace::calls_enabled() {
            $crate::trace::Call::begin($name, ::std::format!($($args)+))
        } else {
            $crate::trace::Call::OFF
        }
    };
}
pub(crate) use call;

struct Shown<'a, R>(&'a R, &'a Started);

impl<R: Outcome> Display for Shown<'_, R> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.0.show(self.1, f)
    }
}

/// How a call's outcome reads on its line: its return value as the
/// Windows function returns it, then what it filled in.
pub(crate) trait Outcome {
    fn show(&self, call: &Started, f: &mut Formatter<'_>) -> fmt::Result;
}

/// A call's successful value.
pub(crate) trait Value {
    fn show(&self, call: &Started, f: &mut Formatter<'_>) -> fmt::Result;
}

impl<T: Value> Outcome for Result<T, Failure> {
    fn show(&self, call: &Started, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Ok(v) => v.show(call, f),
            Err(Failure::Wsa(e)) => failed(call.name, *e, f),
            Err(Failure::Trap(why)) => write!(f, "trap ({why})"),
        }
    }
}

/// What a failed call returns, then the WSA error name.
fn failed(call: &str, e: WsaError, f: &mut Formatter<'_>) -> fmt::Result {
    match call {
        "socket" | "accept" => write!(f, "INVALID_SOCKET {}", e.name()),
        "gethostbyaddr" => write!(f, "NULL {}", e.name()),
        // These return the code itself.
        "getaddrinfo" | "getnameinfo" | "WSAStartup" => f.write_str(e.name()),
        _ => write!(f, "SOCKET_ERROR {}", e.name()),
    }
}

impl Value for () {
    fn show(&self, _: &Started, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("0")
    }
}

/// A handle (socket), a byte count (send, sendto) or ioctlsocket's *argp.
impl Value for u32 {
    fn show(&self, call: &Started, f: &mut Formatter<'_>) -> fmt::Result {
        match call.name {
            "ioctlsocket" => write!(f, "0 (*argp={self})"),
            _ => write!(f, "{self}"),
        }
    }
}

impl Value for SocketAddr {
    fn show(&self, _: &Started, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "0 (name={self})")
    }
}

/// getsockopt's value.
impl Value for Vec<u8> {
    fn show(&self, call: &Started, f: &mut Formatter<'_>) -> fmt::Result {
        let (level, optname) = call.opt.unwrap_or((0, 0));
        write!(f, "0 (optval={})", OptVal(level, optname, self))
    }
}

/// select's ready sets.
impl Value for [Vec<u32>; 3] {
    fn show(&self, _: &Started, f: &mut Formatter<'_>) -> fmt::Result {
        let [r, w, e] = self;
        write!(
            f,
            "{} (readfds={}, writefds={}, exceptfds={})",
            r.len() + w.len() + e.len(),
            Handles(r),
            Handles(w),
            Handles(e)
        )
    }
}

/// WSAPoll's revents, in the order of the fds.
impl Value for Vec<i16> {
    fn show(&self, _: &Started, f: &mut Formatter<'_>) -> fmt::Result {
        let ready = self.iter().filter(|r| **r != 0).count();
        write!(f, "{ready} (revents=[")?;
        for (i, r) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", PollEvents(*r))?;
        }
        f.write_str("])")
    }
}

impl Value for Vec<crate::lookup::AddrInfo> {
    fn show(&self, _: &Started, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("0 (")?;
        for (i, a) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{} {}", a.addr, SockType(a.socktype))?;
            if let Some(name) = &a.canonname {
                write!(f, " canonname={name:?}")?;
            }
        }
        f.write_str(")")
    }
}

/// What recv or recvfrom received: the byte count (0 at the peer's
/// graceful close) and the sender; a datagram cut to the buffer is
/// delivered and fails all the same.
impl Value for crate::sockets::Received {
    fn show(&self, _: &Started, f: &mut Formatter<'_>) -> fmt::Result {
        let n = self.data.len();
        match (self.error, self.sender) {
            (None, None) => write!(f, "{n}"),
            (None, Some(from)) => write!(f, "{n} (from={from})"),
            (Some(e), None) => write!(f, "SOCKET_ERROR {} ({n} bytes delivered)", e.name()),
            (Some(e), Some(from)) => write!(
                f,
                "SOCKET_ERROR {} ({n} bytes delivered, from={from})",
                e.name()
            ),
        }
    }
}

/// getnameinfo's host and service.
impl Value for (String, String) {
    fn show(&self, _: &Started, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "0 (host={:?}, serv={:?})", self.0, self.1)
    }
}

/// gethostname's name or gethostbyaddr's h_name.
impl Value for String {
    fn show(&self, call: &Started, f: &mut Formatter<'_>) -> fmt::Result {
        match call.name {
            "gethostbyaddr" => write!(f, "hostent (h_name={self:?})"),
            _ => write!(f, "0 (name={self:?})"),
        }
    }
}

mod wit {
    //! How the WIT-typed arguments and results read.

    use super::*;
    use crate::bindings::to_std;
    use crate::bindings::winsock::ws2::lifecycle::{StartupError, WsaData};
    use crate::bindings::winsock::ws2::sockets::{AddrinfoHints, Pollfd};
    use crate::bindings::winsock::ws2::types::SocketAddress;

    /// accept's new handle and the peer.
    impl Value for (u32, SocketAddress) {
        fn show(&self, _: &Started, f: &mut Formatter<'_>) -> fmt::Result {
            write!(f, "{} (addr={})", self.0, to_std(self.1))
        }
    }

    impl Value for SocketAddress {
        fn show(&self, call: &Started, f: &mut Formatter<'_>) -> fmt::Result {
            to_std(*self).show(call, f)
        }
    }

    /// WSAStartup: 0 and the version agreed, or the code it returns.
    impl Outcome for wasmtime::Result<Result<WsaData, StartupError>> {
        fn show(&self, _: &Started, f: &mut Formatter<'_>) -> fmt::Result {
            match self {
                Ok(Ok(d)) => write!(f, "0 (wVersion={})", Version(d.version)),
                Ok(Err(e)) => f.write_str(WsaError::from(e.code).name()),
                Err(e) => write!(f, "trap ({e})"),
            }
        }
    }

    /// WSAPoll's fds: `4:POLLRDNORM`.
    pub(crate) struct PollFds<'a>(pub &'a [Pollfd]);

    impl Display for PollFds<'_> {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            f.write_str("[")?;
            for (i, p) in self.0.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{}:{}", p.fd, PollEvents(p.events))?;
            }
            f.write_str("]")
        }
    }

    /// getaddrinfo's hints, or NULL.
    pub(crate) struct Hints<'a>(pub &'a Option<AddrinfoHints>);

    impl Display for Hints<'_> {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            match self.0 {
                None => f.write_str("NULL"),
                Some(h) => write!(
                    f,
                    "{{ai_flags={}, ai_family={}, ai_socktype={}, ai_protocol={}}}",
                    AiFlags(h.flags),
                    Af(h.family),
                    SockType(h.socktype),
                    Proto(h.protocol)
                ),
            }
        }
    }
}
pub(crate) use wit::{Hints, PollFds};

/// A duration the way the line ends: `[37.5us]`, `[1.2ms]`, `[2.003s]`.
struct Elapsed(Duration);

impl Display for Elapsed {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let ns = self.0.as_nanos() as f64;
        if ns < 1e6 {
            write!(f, "{:.1}us", ns / 1e3)
        } else if ns < 1e9 {
            write!(f, "{:.1}ms", ns / 1e6)
        } else {
            write!(f, "{:.3}s", ns / 1e9)
        }
    }
}

/// A string argument, or NULL.
pub(crate) struct Str<'a>(pub &'a Option<String>);

impl Display for Str<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(s) => write!(f, "{s:?}"),
            None => f.write_str("NULL"),
        }
    }
}

/// A list of handles: `[4, 5]`.
pub(crate) struct Handles<'a>(pub &'a [u32]);

impl Display for Handles<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, h) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{h}")?;
        }
        f.write_str("]")
    }
}

/// A WSAStartup version word: `2.2` (low byte major, high byte minor).
pub(crate) struct Version(pub u16);

impl Display for Version {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 & 0xff, self.0 >> 8)
    }
}

/// A timeout in microseconds (select), or NULL for none.
pub(crate) struct TimeoutUs(pub Option<u64>);

impl Display for TimeoutUs {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("NULL"),
            Some(us) if us % 1000 == 0 => write!(f, "{}ms", us / 1000),
            Some(us) => write!(f, "{us}us"),
        }
    }
}

/// Writes `value` as a name from `names` or as a number.
fn named(f: &mut Formatter<'_>, name: Option<&str>, value: impl Display) -> fmt::Result {
    match name {
        Some(n) => f.write_str(n),
        None => write!(f, "{value}"),
    }
}

/// Writes `bits` as `A|B`, with unknown bits left as hex, or `0`.
fn flags(f: &mut Formatter<'_>, bits: u32, names: &[(u32, &str)]) -> fmt::Result {
    if bits == 0 {
        return f.write_str("0");
    }
    let mut left = bits;
    let mut first = true;
    for &(bit, name) in names {
        if bit != 0 && left & bit == bit {
            if !first {
                f.write_str("|")?;
            }
            f.write_str(name)?;
            first = false;
            left &= !bit;
        }
    }
    if left != 0 {
        if !first {
            f.write_str("|")?;
        }
        write!(f, "{left:#x}")?;
    }
    Ok(())
}

/// `Display` for a newtype over a Windows constant: the constant's name
/// when the value is one of those listed (the name is the identifier
/// itself, so it cannot be misspelled), else the number.
macro_rules! named_constants {
    ($ty:ident: $($const:ident),+ $(,)?) => {
        impl Display for $ty {
            fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
                let name = match self.0 {
                    $($const => Some(stringify!($const)),)+
                    _ => None,
                };
                named(f, name, self.0)
            }
        }
    };
}

/// An address family: `AF_INET`.
pub(crate) struct Af(pub i32);
named_constants!(Af: AF_UNSPEC, AF_INET, AF_INET6);

/// A socket type: `SOCK_STREAM`.
pub(crate) struct SockType(pub i32);
named_constants!(SockType: SOCK_STREAM, SOCK_DGRAM);

/// A protocol: `IPPROTO_TCP`, or 0 for the type's default.
pub(crate) struct Proto(pub i32);
named_constants!(Proto: IPPROTO_TCP, IPPROTO_UDP);

/// An option level: `SOL_SOCKET`, `IPPROTO_TCP`.
pub(crate) struct OptLevel(pub i32);
named_constants!(OptLevel: SOL_SOCKET, IPPROTO_IP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_IPV6);

fn opt_name(level: i32, optname: i32) -> Option<&'static str> {
    match (level, optname) {
        (SOL_SOCKET, SO_ACCEPTCONN) => Some("SO_ACCEPTCONN"),
        (SOL_SOCKET, SO_REUSEADDR) => Some("SO_REUSEADDR"),
        (SOL_SOCKET, SO_KEEPALIVE) => Some("SO_KEEPALIVE"),
        (SOL_SOCKET, SO_BROADCAST) => Some("SO_BROADCAST"),
        (SOL_SOCKET, SO_LINGER) => Some("SO_LINGER"),
        (SOL_SOCKET, SO_OOBINLINE) => Some("SO_OOBINLINE"),
        (SOL_SOCKET, SO_DONTLINGER) => Some("SO_DONTLINGER"),
        (SOL_SOCKET, SO_EXCLUSIVEADDRUSE) => Some("SO_EXCLUSIVEADDRUSE"),
        (SOL_SOCKET, SO_SNDBUF) => Some("SO_SNDBUF"),
        (SOL_SOCKET, SO_RCVBUF) => Some("SO_RCVBUF"),
        (SOL_SOCKET, SO_SNDTIMEO) => Some("SO_SNDTIMEO"),
        (SOL_SOCKET, SO_RCVTIMEO) => Some("SO_RCVTIMEO"),
        (SOL_SOCKET, SO_ERROR) => Some("SO_ERROR"),
        (SOL_SOCKET, SO_TYPE) => Some("SO_TYPE"),
        (IPPROTO_TCP, TCP_NODELAY) => Some("TCP_NODELAY"),
        (IPPROTO_TCP, TCP_KEEPALIVE) => Some("TCP_KEEPALIVE"),
        (IPPROTO_TCP, TCP_KEEPCNT) => Some("TCP_KEEPCNT"),
        (IPPROTO_TCP, TCP_KEEPINTVL) => Some("TCP_KEEPINTVL"),
        (IPPROTO_IP, IP_TTL) => Some("IP_TTL"),
        (IPPROTO_IPV6, IPV6_V6ONLY) => Some("IPV6_V6ONLY"),
        _ => None,
    }
}

/// An option name, read at its level: `SO_LINGER`, `TCP_NODELAY`.
pub(crate) struct OptName(pub i32, pub i32);

impl Display for OptName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        named(f, opt_name(self.0, self.1), self.1)
    }
}

/// An option value: `{l_onoff=1, l_linger=5}` for SO_LINGER, the number
/// for a 4-byte value, else its size; NULL for none.
pub(crate) struct OptVal<'a>(pub i32, pub i32, pub &'a [u8]);

impl Display for OptVal<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let OptVal(level, optname, v) = *self;
        match (level, optname, v) {
            (SOL_SOCKET, SO_LINGER, &[a, b, c, d]) => write!(
                f,
                "{{l_onoff={}, l_linger={}}}",
                u16::from_le_bytes([a, b]),
                u16::from_le_bytes([c, d])
            ),
            (_, _, &[a, b, c, d]) => write!(f, "{}", i32::from_le_bytes([a, b, c, d])),
            (_, _, &[a]) => write!(f, "{a}"),
            _ => write!(f, "{} bytes", v.len()),
        }
    }
}

/// setsockopt's optval, or NULL.
pub(crate) struct OptArg<'a>(pub i32, pub i32, pub &'a Option<Vec<u8>>);

impl Display for OptArg<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.2 {
            Some(v) => write!(f, "{}, optlen={}", OptVal(self.0, self.1, v), v.len()),
            None => f.write_str("NULL, optlen=0"),
        }
    }
}

/// send and recv flags: `MSG_PEEK|MSG_OOB`.
pub(crate) struct MsgFlags(pub i32);

impl Display for MsgFlags {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        const NAMES: &[(u32, &str)] = &[
            (MSG_OOB as u32, "MSG_OOB"),
            (MSG_PEEK as u32, "MSG_PEEK"),
            (MSG_DONTROUTE as u32, "MSG_DONTROUTE"),
            (MSG_WAITALL as u32, "MSG_WAITALL"),
        ];
        flags(f, self.0 as u32, NAMES)
    }
}

/// shutdown's how: `SD_SEND`.
pub(crate) struct How(pub i32);
named_constants!(How: SD_RECEIVE, SD_SEND, SD_BOTH);

/// An ioctlsocket command: `FIONBIO`.
pub(crate) struct IoctlCmd(pub u32);

impl Display for IoctlCmd {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            FIONBIO => Some("FIONBIO"),
            FIONREAD => Some("FIONREAD"),
            SIOCATMARK => Some("SIOCATMARK"),
            _ => None,
        };
        named(f, name, format_args!("{:#x}", self.0))
    }
}

/// listen's backlog: `SOMAXCONN` or the number.
pub(crate) struct Backlog(pub i32);

impl Display for Backlog {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let name = (self.0 == SOMAXCONN).then_some("SOMAXCONN");
        named(f, name, self.0)
    }
}

/// WSAPoll event bits: `POLLRDNORM|POLLWRNORM`.
pub(crate) struct PollEvents(pub i16);

impl Display for PollEvents {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        const NAMES: &[(u32, &str)] = &[
            (POLLIN as u16 as u32, "POLLIN"),
            (POLLRDNORM as u16 as u32, "POLLRDNORM"),
            (POLLRDBAND as u16 as u32, "POLLRDBAND"),
            (POLLPRI as u16 as u32, "POLLPRI"),
            (POLLWRNORM as u16 as u32, "POLLWRNORM"),
            (POLLWRBAND as u16 as u32, "POLLWRBAND"),
            (POLLERR as u16 as u32, "POLLERR"),
            (POLLHUP as u16 as u32, "POLLHUP"),
            (POLLNVAL as u16 as u32, "POLLNVAL"),
        ];
        flags(f, self.0 as u16 as u32, NAMES)
    }
}

/// getaddrinfo's ai_flags: `AI_PASSIVE|AI_CANONNAME`.
pub(crate) struct AiFlags(pub i32);

impl Display for AiFlags {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        const NAMES: &[(u32, &str)] = &[
            (AI_PASSIVE as u32, "AI_PASSIVE"),
            (AI_CANONNAME as u32, "AI_CANONNAME"),
            (AI_NUMERICHOST as u32, "AI_NUMERICHOST"),
        ];
        flags(f, self.0 as u32, NAMES)
    }
}

/// getnameinfo's flags: `NI_NUMERICHOST|NI_NUMERICSERV`.
pub(crate) struct NiFlags(pub i32);

impl Display for NiFlags {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        const NAMES: &[(u32, &str)] = &[
            (NI_NOFQDN as u32, "NI_NOFQDN"),
            (NI_NUMERICHOST as u32, "NI_NUMERICHOST"),
            (NI_NAMEREQD as u32, "NI_NAMEREQD"),
            (NI_NUMERICSERV as u32, "NI_NUMERICSERV"),
            (NI_DGRAM as u32, "NI_DGRAM"),
        ];
        flags(f, self.0 as u32, NAMES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started(name: &'static str) -> Started {
        Started {
            name,
            args: String::new(),
            at: Instant::now(),
            opt: None,
        }
    }

    /// The lines a subscriber with [`Lines`] writes, captured.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_call_is_one_line_inside_the_embedders_span() {
        let out = Captured::default();
        let writer = out.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new("warn,winsock::call=trace"))
            .with_writer(move || writer.clone())
            .event_format(Lines { prefix: "embedder" })
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            // An ERROR-level span passes the default filter.
            let _guest = tracing::error_span!("guest", id = 7).entered();
            let name: SocketAddr = "127.0.0.1:8080".parse().unwrap();
            let call = call!("connect", "s={}, name={name}", 4);
            let _ = call.end(Err::<(), _>(Failure::Wsa(WsaError::ConnRefused)));
            tracing::warn!("denied bind to 0.0.0.0:0");
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        let (call, duration) = lines[0].rsplit_once(" [").unwrap();
        assert_eq!(
            call,
            "winsock: guest{id=7}: connect(s=4, name=127.0.0.1:8080) = SOCKET_ERROR WSAECONNREFUSED"
        );
        assert!(duration.ends_with("us]"), "{text}");
        assert_eq!(lines[1], "embedder: guest{id=7}: denied bind to 0.0.0.0:0");
    }

    #[test]
    fn nothing_is_started_without_a_subscriber_that_wants_calls() {
        let subscriber = Logging::new(DEFAULT_FILTER).unwrap().subscriber();
        tracing::subscriber::with_default(subscriber, || {
            assert!(!calls_enabled());
            assert!(call!("socket").0.is_none());
        });
        let subscriber = Logging::new("off").unwrap().trace_calls().subscriber();
        tracing::subscriber::with_default(subscriber, || assert!(calls_enabled()));
    }

    #[test]
    fn option_names_are_read_at_their_level() {
        assert_eq!(
            format!(
                "{}/{}",
                OptLevel(SOL_SOCKET),
                OptName(SOL_SOCKET, SO_LINGER)
            ),
            "SOL_SOCKET/SO_LINGER"
        );
        assert_eq!(
            format!(
                "{}/{}",
                OptLevel(IPPROTO_TCP),
                OptName(IPPROTO_TCP, TCP_NODELAY)
            ),
            "IPPROTO_TCP/TCP_NODELAY"
        );
        // TCP_NODELAY and SO_DEBUG share 1; only the level tells them apart.
        assert_eq!(OptName(SOL_SOCKET, TCP_NODELAY).to_string(), "1");
        assert_eq!(
            OptName(SOL_SOCKET, SO_DONTLINGER).to_string(),
            "SO_DONTLINGER"
        );
        assert_eq!(OptLevel(12345).to_string(), "12345");
        assert_eq!(
            OptVal(SOL_SOCKET, SO_LINGER, &[1, 0, 5, 0]).to_string(),
            "{l_onoff=1, l_linger=5}"
        );
        assert_eq!(
            OptVal(IPPROTO_TCP, TCP_NODELAY, &[1, 0, 0, 0]).to_string(),
            "1"
        );
        assert_eq!(
            OptArg(SOL_SOCKET, SO_RCVBUF, &None).to_string(),
            "NULL, optlen=0"
        );
    }

    #[test]
    fn flags_read_as_names_with_unknown_bits_in_hex() {
        assert_eq!(MsgFlags(0).to_string(), "0");
        assert_eq!(MsgFlags(MSG_PEEK | MSG_OOB).to_string(), "MSG_OOB|MSG_PEEK");
        assert_eq!(
            MsgFlags(MSG_WAITALL | 0x100).to_string(),
            "MSG_WAITALL|0x100"
        );
        assert_eq!(
            PollEvents(POLLIN | POLLWRNORM).to_string(),
            "POLLIN|POLLWRNORM"
        );
        assert_eq!(PollEvents(POLLRDNORM).to_string(), "POLLRDNORM");
        assert_eq!(
            NiFlags(NI_NUMERICHOST | NI_NUMERICSERV).to_string(),
            "NI_NUMERICHOST|NI_NUMERICSERV"
        );
        assert_eq!(How(SD_SEND).to_string(), "SD_SEND");
        assert_eq!(IoctlCmd(FIONBIO).to_string(), "FIONBIO");
        assert_eq!(IoctlCmd(0x1234).to_string(), "0x1234");
        assert_eq!(
            format!(
                "{} {} {}",
                Af(AF_INET6),
                SockType(SOCK_DGRAM),
                Proto(IPPROTO_UDP)
            ),
            "AF_INET6 SOCK_DGRAM IPPROTO_UDP"
        );
        assert_eq!(Backlog(SOMAXCONN).to_string(), "SOMAXCONN");
        assert_eq!(Version(makeword(2, 2)).to_string(), "2.2");
    }

    #[test]
    fn results_read_as_the_windows_function_returns_them() {
        let show = |r: &dyn Fn(&mut Formatter<'_>) -> fmt::Result| {
            struct D<'a>(&'a dyn Fn(&mut Formatter<'_>) -> fmt::Result);
            impl Display for D<'_> {
                fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
                    (self.0)(f)
                }
            }
            D(r).to_string()
        };
        let refused: Result<(), Failure> = Err(WsaError::ConnRefused.into());
        let st = started("connect");
        assert_eq!(
            show(&|f| refused.show(&st, f)),
            "SOCKET_ERROR WSAECONNREFUSED"
        );
        let no_socket: Result<u32, Failure> = Err(WsaError::MFile.into());
        let st = started("socket");
        assert_eq!(
            show(&|f| no_socket.show(&st, f)),
            "INVALID_SOCKET WSAEMFILE"
        );
        let handle: Result<u32, Failure> = Ok(4);
        assert_eq!(show(&|f| handle.show(&st, f)), "4");
        let ready: Result<[Vec<u32>; 3], Failure> = Ok([vec![4, 5], vec![], vec![]]);
        let st = started("select");
        assert_eq!(
            show(&|f| ready.show(&st, f)),
            "2 (readfds=[4, 5], writefds=[], exceptfds=[])"
        );
        let v6: Result<SocketAddr, Failure> = Ok("[::1]:80".parse().unwrap());
        assert_eq!(show(&|f| v6.show(&st, f)), "0 (name=[::1]:80)");
        let cut: Result<crate::sockets::Received, Failure> = Ok(crate::sockets::Received {
            data: vec![0; 8],
            sender: Some("127.0.0.1:9".parse().unwrap()),
            error: Some(WsaError::MsgSize),
        });
        let st = started("recvfrom");
        assert_eq!(
            show(&|f| cut.show(&st, f)),
            "SOCKET_ERROR WSAEMSGSIZE (8 bytes delivered, from=127.0.0.1:9)"
        );
        assert_eq!(Elapsed(Duration::from_micros(1200)).to_string(), "1.2ms");
        assert_eq!(Elapsed(Duration::from_nanos(37_500)).to_string(), "37.5us");
        assert_eq!(Elapsed(Duration::from_millis(2003)).to_string(), "2.003s");
    }
}
