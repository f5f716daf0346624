//! The per-instance context an embedder puts in its `Store`, its builder,
//! and the view the bindings borrow.

use crate::error::{Failure, WsaError};
use crate::grants::Grants;
use crate::instance::{Instance, InstanceControl};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Per-instance limits (docs/sandbox.md).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Open sockets at once; one more socket() or accept() fails WSAEMFILE.
    pub max_sockets: usize,
    /// The longest a lingering closesocket waits, whatever l_linger says.
    pub max_linger: Duration,
    /// The most bytes one send or recv moves; a larger send is a partial
    /// send, a larger recv buffer is filled at most this far.
    pub max_bytes_per_call: usize,
    /// Name lookups one instance may have under way at once; beyond it
    /// getaddrinfo and gethostbyaddr fail WSATRY_AGAIN.
    pub max_pending_lookups: usize,
    /// The largest linear memory the guest may grow (applied by
    /// [`crate::command::CommandRunner`]; an embedder with its own store
    /// applies it with a `ResourceLimiter`). It also bounds what one call
    /// can make the host copy: a `send` buffer lives in that memory.
    pub max_memory: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_sockets: 1024,
            max_linger: Duration::from_secs(30),
            max_bytes_per_call: 1 << 20,
            max_pending_lookups: 8,
            max_memory: 1 << 30,
        }
    }
}

/// An operation the grants refused (docs/sandbox.md), reported to the embedder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    /// "connect", "bind", "sendto", "accept", "lookup" or "reverse lookup".
    pub action: &'static str,
    /// The address or name that was refused.
    pub target: String,
}

impl Denial {
    /// The `winsock-run` flag that would grant it.
    pub fn grant_flag(&self) -> &'static str {
        match self.action {
            "bind" => "--allow-bind (or --allow-net)",
            "lookup" | "reverse lookup" => "--allow-lookup",
            "accept" => "--allow-connect or --allow-bind naming its address",
            _ => "--allow-connect (or --allow-net)",
        }
    }
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // "connect to 10.0.0.1:80", "bind to 0.0.0.0:0", "lookup of
        // example.com", "reverse lookup of 127.0.0.1".
        let preposition = match self.action {
            "lookup" | "reverse lookup" => "of",
            "accept" => "from",
            _ => "to",
        };
        write!(
            f,
            "denied {} {preposition} {}: not granted; {} grants it",
            self.action,
            self.target,
            self.grant_flag()
        )
    }
}

type DenialHook = Arc<dyn Fn(&Denial) + Send + Sync>;

/// Builds a [`WinsockCtx`]: grants and limits for one instance.
pub struct WinsockCtxBuilder {
    hostname: String,
    grants: Grants,
    limits: Limits,
    on_denial: DenialHook,
}

impl Default for WinsockCtxBuilder {
    fn default() -> Self {
        WinsockCtxBuilder {
            hostname: "winsock-guest".to_string(),
            grants: Grants::deny_all(),
            limits: Limits::default(),
            on_denial: Arc::new(|d: &Denial| tracing::warn!("{d}")),
        }
    }
}

impl WinsockCtxBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// What the instance may reach; nothing unless granted.
    pub fn grants(mut self, grants: Grants) -> Self {
        self.grants = grants;
        self
    }

    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The name gethostname reports (default "winsock-guest"; never the
    /// host's own name unless given here).
    pub fn hostname(mut self, name: impl Into<String>) -> Self {
        self.hostname = name.into();
        self
    }

    /// Called once for each refused operation (the CLI prints a line).
    pub fn on_denial(mut self, hook: impl Fn(&Denial) + Send + Sync + 'static) -> Self {
        self.on_denial = Arc::new(hook);
        self
    }

    pub fn build(self) -> WinsockCtx {
        WinsockCtx {
            instance: Instance::new(),
            grants: self.grants,
            limits: self.limits,
            on_denial: self.on_denial,
            hostname: self.hostname,
            #[cfg(feature = "component")]
            compat_0_1: Default::default(),
        }
    }
}

/// The Winsock state of one instance. Put one in each `Store`; dropping it
/// (with the `Store`) resets every socket the instance still has (docs/teardown.md).
pub struct WinsockCtx {
    pub(crate) instance: Arc<Instance>,
    pub(crate) grants: Grants,
    pub(crate) limits: Limits,
    pub(crate) on_denial: DenialHook,
    pub(crate) hostname: String,
    /// The last error of a 0.1.2 guest; nothing else reads it
    /// (host/src/compat_0_1.rs).
    #[cfg(feature = "component")]
    pub(crate) compat_0_1: crate::compat_0_1::LastError0_1,
}

impl WinsockCtx {
    pub fn builder() -> WinsockCtxBuilder {
        WinsockCtxBuilder::new()
    }

    /// A handle for cleanup or teardown from another thread.
    pub fn control(&self) -> InstanceControl {
        InstanceControl {
            instance: self.instance.clone(),
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Reports a denial the guest does not see as an error (a refused
    /// incoming peer).
    pub(crate) fn deny_quietly(&self, action: &'static str, target: String) {
        (self.on_denial)(&Denial { action, target });
    }

    pub(crate) fn deny(&self, action: &'static str, target: String) -> Failure {
        (self.on_denial)(&Denial { action, target });
        Failure::Wsa(match action {
            "lookup" | "reverse lookup" => WsaError::HostNotFound,
            _ => WsaError::Acces,
        })
    }

    /// Where every call's outcome passes on its way to the guest. It
    /// records nothing: the last error is the guest library's, per thread,
    /// as ws2_32.dll keeps it on Windows (docs/errors.md).
    pub(crate) fn finish<T>(&mut self, r: Result<T, Failure>) -> Result<T, Failure> {
        r
    }

    /// WSAStartup (docs/lifecycle.md): negotiates the version; success counts one
    /// startup, a refusal counts nothing.
    pub fn wsa_startup(
        &mut self,
        version_requested: u16,
        has_wsadata: bool,
    ) -> Result<Result<crate::lifecycle::WsaData, crate::lifecycle::StartupRefused>, Failure> {
        self.check_alive()?;
        let r = crate::lifecycle::negotiate(version_requested, has_wsadata);
        if r.is_ok() {
            self.instance.startup();
        }
        Ok(r)
    }

    /// Whether WSAStartup is in force (the startup count is above 0).
    pub fn wsa_started(&self) -> bool {
        self.instance.require_started().is_ok()
    }

    /// WSACleanup (docs/lifecycle.md): the final one resets every socket.
    pub fn wsa_cleanup(&mut self) -> Result<(), Failure> {
        self.check_alive()?;
        let r = self.instance.cleanup().map_err(Failure::from);
        self.finish(r)
    }

    /// Fails with a trap once the host tore the instance down.
    pub(crate) fn check_alive(&self) -> Result<(), Failure> {
        if self.instance.is_torn_down() {
            Err(Failure::Trap("winsock: instance was torn down by the host"))
        } else {
            Ok(())
        }
    }
}

impl Drop for WinsockCtx {
    fn drop(&mut self) {
        self.instance.teardown();
    }
}
