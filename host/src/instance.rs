//! The per-instance Winsock state: startup count, handle table, and the
//! final cleanup and teardown that reset every socket (docs/lifecycle.md-3).
//!
//! The state is shared (behind an `Arc`) between the instance's
//! [`WinsockCtx`](crate::WinsockCtx) and any [`InstanceControl`] the
//! embedder holds, so that another thread can clean up or tear down an
//! instance whose guest is blocked in a call.

use crate::error::WsaError;
use crate::socket::SocketEntry;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Handle values come from one counter for the whole host process, so a
/// value another instance holds is never a valid handle here (docs/handles.md), and
/// within an instance no value repeats until 2^32 - 2 sockets later.
static NEXT_HANDLE: AtomicU64 = AtomicU64::new(0);

/// The values a handle can take: never 0 and never INVALID_SOCKET.
const HANDLE_SPACE: u64 = u32::MAX as u64 - 1;

pub(crate) struct InstanceState {
    pub startup_count: u32,
    pub sockets: HashMap<u32, Arc<SocketEntry>>,
    /// Parent of every socket's token: cancelling it cancels every pending
    /// call of the instance. Replaced after each final cleanup.
    pub cancel: CancellationToken,
}

pub(crate) struct Instance {
    state: Mutex<InstanceState>,
    /// Name lookups under way (bounded by `Limits::max_pending_lookups`).
    pub pending_lookups: AtomicUsize,
    torn_down: AtomicBool,
    torn_down_notify: Notify,
}

impl Instance {
    pub fn new() -> Arc<Instance> {
        Arc::new(Instance {
            state: Mutex::new(InstanceState {
                startup_count: 0,
                sockets: HashMap::new(),
                cancel: CancellationToken::new(),
            }),
            pending_lookups: AtomicUsize::new(0),
            torn_down: AtomicBool::new(false),
            torn_down_notify: Notify::new(),
        })
    }

    pub fn lock(&self) -> MutexGuard<'_, InstanceState> {
        // Never held across an await; nothing under it panics.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn is_torn_down(&self) -> bool {
        self.torn_down.load(Ordering::Acquire)
    }

    /// The socket behind a guest handle: WSANOTINITIALISED while the count
    /// is 0, WSAENOTSOCK for anything that is not an open socket of this
    /// instance (docs/lifecycle.md and docs/handles.md).
    pub fn socket(&self, handle: u32) -> Result<Arc<SocketEntry>, WsaError> {
        let st = self.lock();
        if st.startup_count == 0 {
            return Err(WsaError::NotInitialised);
        }
        match st.sockets.get(&handle) {
            Some(entry) if !entry.state().closing => Ok(entry.clone()),
            _ => Err(WsaError::NotSock),
        }
    }

    /// Fails WSANOTINITIALISED while the startup count is 0.
    pub fn require_started(&self) -> Result<(), WsaError> {
        if self.lock().startup_count == 0 {
            Err(WsaError::NotInitialised)
        } else {
            Ok(())
        }
    }

    /// Adds a socket under a fresh handle, or WSAEMFILE beyond `max_sockets`.
    pub fn insert(
        &self,
        max_sockets: usize,
        make: impl FnOnce(CancellationToken) -> Result<SocketEntry, WsaError>,
    ) -> Result<u32, WsaError> {
        let mut st = self.lock();
        if st.startup_count == 0 {
            return Err(WsaError::NotInitialised);
        }
        if st.sockets.len() >= max_sockets {
            return Err(WsaError::MFile);
        }
        let entry = make(st.cancel.child_token())?;
        let handle = loop {
            let n = NEXT_HANDLE.fetch_add(1, Ordering::Relaxed);
            let handle = (n % HANDLE_SPACE + 1) as u32;
            if !st.sockets.contains_key(&handle) {
                break handle;
            }
        };
        st.sockets.insert(handle, Arc::new(entry));
        Ok(handle)
    }

    /// Takes a socket out of the table; its descriptor closes when the last
    /// reference (a finishing call) goes.
    pub fn remove(&self, handle: u32) -> Option<Arc<SocketEntry>> {
        self.lock().sockets.remove(&handle)
    }

    /// WSAStartup's bookkeeping once the version was accepted.
    pub fn startup(&self) {
        let mut st = self.lock();
        st.startup_count = st.startup_count.saturating_add(1);
    }

    /// WSACleanup: decrements the count; the call that brings it to 0 runs
    /// the final cleanup.
    pub fn cleanup(&self) -> Result<(), WsaError> {
        let mut st = self.lock();
        match st.startup_count {
            0 => Err(WsaError::NotInitialised),
            1 => {
                drop(st);
                self.final_cleanup();
                Ok(())
            }
            _ => {
                st.startup_count -= 1;
                Ok(())
            }
        }
    }

    /// docs/lifecycle.md's final cleanup, whatever the count: cancel every pending call
    /// (they fail WSAEINTR), reset every socket, free every handle.
    pub fn final_cleanup(&self) {
        let sockets = {
            let mut st = self.lock();
            st.startup_count = 0;
            let old = std::mem::replace(&mut st.cancel, CancellationToken::new());
            old.cancel();
            std::mem::take(&mut st.sockets)
        };
        for entry in sockets.values() {
            entry.reset();
        }
    }

    /// docs/teardown.md's teardown: reset everything and refuse any further call.
    pub fn teardown(&self) {
        self.torn_down.store(true, Ordering::Release);
        self.final_cleanup();
        self.torn_down_notify.notify_waiters();
        self.torn_down_notify.notify_one();
    }

    pub async fn wait_torn_down(&self) {
        loop {
            let notified = self.torn_down_notify.notified();
            if self.is_torn_down() {
                return;
            }
            notified.await;
        }
    }

    /// How many sockets the instance holds (lingering closes included).
    pub fn socket_count(&self) -> usize {
        self.lock().sockets.len()
    }
}

/// A handle on a running instance for the embedder, usable from any thread
/// while the guest runs or is blocked in a call (docs/teardown.md).
#[derive(Clone)]
pub struct InstanceControl {
    pub(crate) instance: Arc<Instance>,
}

impl InstanceControl {
    /// Runs the final cleanup now, whatever the startup count: a blocked
    /// call returns WSAEINTR to the guest, every socket is reset, and later
    /// calls see WSANOTINITIALISED until the guest calls WSAStartup again.
    pub fn cleanup(&self) {
        self.instance.final_cleanup();
    }

    /// Tears the instance down: its sockets are reset at once, and every
    /// later Winsock call traps. The runner (see [`crate::command`]) also
    /// stops a guest that is computing or blocked, within one epoch tick.
    pub fn teardown(&self) {
        self.instance.teardown();
    }

    pub fn is_torn_down(&self) -> bool {
        self.instance.is_torn_down()
    }

    /// Resolves once [`teardown`](Self::teardown) was called.
    pub async fn torn_down(&self) {
        self.instance.wait_torn_down().await
    }

    /// The number of sockets the instance holds.
    pub fn socket_count(&self) -> usize {
        self.instance.socket_count()
    }

    /// The instance's current startup count.
    pub fn startup_count(&self) -> u32 {
        self.instance.lock().startup_count
    }
}
