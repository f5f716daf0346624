//! Event objects, waits and WSAEventSelect (docs/async.md), the safe form of
//! what the C library's `events.c` does.
//!
//! A component has one thread: no other thread can set an event while the
//! program waits. What can is a socket selected with
//! [`Socket::event_select`](crate::Socket::event_select) or a pending
//! [`Overlapped`](crate::Overlapped) operation, and the crate notices
//! socket readiness only by asking the host: with a zero timeout at every
//! call that can record a network event (the waits, `is_set`,
//! `enum_network_events`, `event_select` and the re-enabling calls recv,
//! send, accept, connect, listen), and with the wait's own timeout inside
//! [`wait_for_events`], so the program sleeps in a host call (WSAPoll)
//! and never spins.
//!
//! These rules are the ones `guest/c/lib/events.c` implements, written
//! again in Rust over the same WIT calls (issue 13 plans one home for
//! them in the host).

use crate::overlapped;
use crate::raw::{self, sockets};
use crate::{Result, WsaError};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::ops::{BitAnd, BitOr, BitOrAssign};
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

pub(crate) struct EventState {
    manual_reset: bool,
    signalled: Cell<bool>,
}

impl EventState {
    pub(crate) fn signal(&self) {
        self.signalled.set(true);
    }
}

/// An event object (WSACreateEvent, CreateEvent); dropping it closes it.
/// A socket selection or an overlapped operation whose event was closed
/// signals nothing, as on Windows once the handle is gone.
pub struct Event {
    state: Rc<EventState>,
}

impl Event {
    /// WSACreateEvent: manual reset, not signalled.
    pub fn new() -> Event {
        Event::manual_reset(false)
    }

    /// CreateEvent(bManualReset TRUE): stays set until [`Event::reset`].
    pub fn manual_reset(initially_set: bool) -> Event {
        Event::with(true, initially_set)
    }

    /// CreateEvent(bManualReset FALSE): the wait it ends resets it.
    pub fn auto_reset(initially_set: bool) -> Event {
        Event::with(false, initially_set)
    }

    fn with(manual_reset: bool, signalled: bool) -> Event {
        Event {
            state: Rc::new(EventState {
                manual_reset,
                signalled: Cell::new(signalled),
            }),
        }
    }

    /// WSASetEvent.
    pub fn set(&self) {
        self.state.signal();
    }

    /// WSAResetEvent.
    pub fn reset(&self) {
        self.state.signalled.set(false);
    }

    /// Whether the event is signalled now, after recording what the
    /// selected sockets and pending operations have to report. Reading it
    /// does not reset an auto-reset event (only a wait does).
    pub fn is_set(&self) -> bool {
        make_progress();
        self.state.signalled.get()
    }

    pub fn is_manual_reset(&self) -> bool {
        self.state.manual_reset
    }

    pub(crate) fn weak(&self) -> Weak<EventState> {
        Rc::downgrade(&self.state)
    }

    fn is(&self, w: &Weak<EventState>) -> bool {
        std::ptr::eq(Weak::as_ptr(w), Rc::as_ptr(&self.state))
    }
}

impl Default for Event {
    fn default() -> Event {
        Event::new()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("manual_reset", &self.state.manual_reset)
            .field("signalled", &self.state.signalled.get())
            .finish()
    }
}

/// fWaitAll FALSE or TRUE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitFor {
    Any,
    All,
}

/// How a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitOutcome {
    /// WSA_WAIT_EVENT_0 + index: for [`WaitFor::Any`] the lowest signalled
    /// index, for [`WaitFor::All`] 0.
    Signalled(usize),
    /// WSA_WAIT_TIMEOUT.
    TimedOut,
}

/// WSA_MAXIMUM_WAIT_EVENTS.
pub const MAXIMUM_WAIT_EVENTS: usize = 64;

/// WSAWaitForMultipleEvents (not alertable). `None` waits forever.
///
/// Fails ERROR_INVALID_PARAMETER (87) for no events, more than 64, or the
/// same event twice in a wait-all; WSAEINTR when a host-triggered cleanup
/// ends the wait (docs/teardown.md). A wait that nothing can end (no selected socket
/// and no pending operation can signal what it waits for) fails
/// ERROR_POSSIBLE_DEADLOCK (1131) when it has no timeout: on Windows it
/// would never return, and a component has no other thread to set an
/// event; with a timeout it sleeps it out and times out.
pub fn wait_for_events(
    events: &[&Event],
    wait_for: WaitFor,
    timeout: Option<Duration>,
) -> Result<WaitOutcome> {
    crate::finish(wait(events, wait_for == WaitFor::All, timeout))
}

/// How long one sleep lasts when some awaited condition cannot wake it.
const RECHECK_SLICE: Duration = Duration::from_millis(100);

fn wait(events: &[&Event], wait_all: bool, timeout: Option<Duration>) -> Result<WaitOutcome> {
    if events.is_empty() || events.len() > MAXIMUM_WAIT_EVENTS {
        return Err(WsaError::INVALID_PARAMETER);
    }
    if wait_all {
        for (i, e) in events.iter().enumerate() {
            if events[..i].iter().any(|o| Rc::ptr_eq(&o.state, &e.state)) {
                return Err(WsaError::INVALID_PARAMETER);
            }
        }
    }
    let start = Instant::now();
    loop {
        make_progress();
        if let Some(i) = satisfied(events, wait_all) {
            return Ok(WaitOutcome::Signalled(i));
        }
        let elapsed = start.elapsed();
        let remaining = match timeout {
            Some(t) if elapsed >= t => return Ok(WaitOutcome::TimedOut),
            Some(t) => Some(t - elapsed),
            None => None,
        };

        // The sockets that can signal an awaited event, and whether the
        // wait can end at all: wait-any needs one event something can
        // signal, wait-all every unsignalled one.
        let waited =
            |w: &Weak<EventState>| events.iter().any(|e| e.is(w) && !e.state.signalled.get());
        let mut fds: Vec<sockets::Pollfd> = Vec::new();
        let mut slow = false;
        let mut signallers = 0;
        let mut can_signal: Vec<bool> = events.iter().map(|_| false).collect();
        SELECTIONS.with_borrow(|sels| {
            for sel in sels {
                if !waited(&sel.event) {
                    continue;
                }
                let mut sel_slow = false;
                let ev = sel.awaitable(&mut sel_slow);
                let close_to_come = sel.armed & FD_CLOSE != 0 && !sel.closed_seen;
                if ev == 0 && !sel_slow && !close_to_come {
                    continue;
                }
                slow |= sel_slow;
                if ev != 0 || close_to_come {
                    fds.push(sockets::Pollfd {
                        fd: sel.socket,
                        events: ev,
                    });
                }
                signallers += 1;
                for (i, e) in events.iter().enumerate() {
                    can_signal[i] |= e.is(&sel.event);
                }
            }
        });
        // Pending overlapped operations can end the wait by setting an
        // awaited event.
        let mut overlapped_can = false;
        for (i, e) in events.iter().enumerate() {
            if !e.state.signalled.get() && overlapped::may_signal(&e.state) {
                can_signal[i] = true;
                overlapped_can = true;
            }
        }
        if overlapped_can {
            let more = overlapped::interest();
            signallers += more.len();
            fds.extend(more);
        }
        let mut hopeless = signallers == 0;
        if wait_all && !hopeless {
            hopeless = events
                .iter()
                .zip(&can_signal)
                .any(|(e, can)| !e.state.signalled.get() && !can);
        }
        if hopeless {
            // One thread and nothing that could end the wait.
            let Some(remaining) = remaining else {
                return Err(WsaError::POSSIBLE_DEADLOCK);
            };
            pause(remaining)?;
            return Ok(WaitOutcome::TimedOut);
        }
        let mut sleep = remaining;
        if slow && sleep.is_none_or(|s| s > RECHECK_SLICE) {
            sleep = Some(RECHECK_SLICE);
        }
        if fds.is_empty() {
            pause(sleep.unwrap_or(RECHECK_SLICE))?;
            continue;
        }
        let ms = sleep.map_or(-1, |s| s.as_millis().min(i32::MAX as u128) as i32);
        match sockets::wsapoll(&fds, ms) {
            Ok(_) => {}
            Err(e) => {
                let e = WsaError::from(e);
                if e == WsaError::EINTR || e == WsaError::NOTINITIALISED {
                    // A host-triggered cleanup ended the wait (docs/teardown.md);
                    // pending operations end as the final cleanup ends
                    // them: aborted, reported to nobody (docs/async.md).
                    crate::final_cleanup_done();
                    return Err(WsaError::EINTR);
                }
                let before = SELECTIONS.with_borrow(|s| s.len());
                drop_stale_selections();
                if SELECTIONS.with_borrow(|s| s.len()) == before {
                    pause(sleep.map_or(RECHECK_SLICE, |s| s.min(RECHECK_SLICE)))?;
                }
            }
        }
    }
}

/// A wait with nothing to watch, in the host (`sockets.pause`) so that a
/// host-triggered cleanup ends it with WSAEINTR (docs/teardown.md); pending
/// operations then end as the final cleanup ends them. Before WSAStartup
/// (events work without one, as kernel32's do) a plain sleep.
fn pause(d: Duration) -> Result<()> {
    let ms = d.as_millis().min(u32::MAX as u128) as u32;
    match sockets::pause(ms).map_err(WsaError::from) {
        Ok(()) => Ok(()),
        Err(WsaError::EINTR) => {
            crate::final_cleanup_done();
            Err(WsaError::EINTR)
        }
        Err(_) => {
            std::thread::sleep(d);
            Ok(())
        }
    }
}

/// Whether the wait is satisfied now; consumes what satisfied it (an
/// auto-reset event is reset by the wait it ends).
fn satisfied(events: &[&Event], wait_all: bool) -> Option<usize> {
    if wait_all {
        if events.iter().all(|e| e.state.signalled.get()) {
            for e in events.iter().filter(|e| !e.state.manual_reset) {
                e.reset();
            }
            return Some(0);
        }
        return None;
    }
    // The lowest index among the signalled ones (Microsoft's page).
    let i = events.iter().position(|e| e.state.signalled.get())?;
    if !events[i].state.manual_reset {
        events[i].reset();
    }
    Some(i)
}

/// Everything the program can be told about now: overlapped operations
/// move on, selected sockets record their network events.
pub(crate) fn make_progress() {
    overlapped::progress();
    update(None);
}

/// The FD_ network events (WSAEventSelect's lNetworkEvents), with
/// Windows' values.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NetworkEvents(u32);

const FD_READ: u32 = 1 << 0;
const FD_WRITE: u32 = 1 << 1;
const FD_OOB: u32 = 1 << 2;
const FD_ACCEPT: u32 = 1 << 3;
const FD_CONNECT: u32 = 1 << 4;
const FD_CLOSE: u32 = 1 << 5;
const FD_ALL: u32 = (1 << 10) - 1;
/// FD_MAX_EVENTS: the error slots of a record.
pub const FD_MAX_EVENTS: usize = 10;

impl NetworkEvents {
    pub const NONE: NetworkEvents = NetworkEvents(0);
    pub const READ: NetworkEvents = NetworkEvents(FD_READ);
    pub const WRITE: NetworkEvents = NetworkEvents(FD_WRITE);
    pub const OOB: NetworkEvents = NetworkEvents(FD_OOB);
    pub const ACCEPT: NetworkEvents = NetworkEvents(FD_ACCEPT);
    pub const CONNECT: NetworkEvents = NetworkEvents(FD_CONNECT);
    pub const CLOSE: NetworkEvents = NetworkEvents(FD_CLOSE);

    /// The bits as a C program has them (`FD_READ | FD_CLOSE` ...).
    pub fn bits(self) -> u32 {
        self.0
    }

    /// From C bits; bits beyond FD_ALL_EVENTS are dropped.
    pub fn from_bits(bits: u32) -> NetworkEvents {
        NetworkEvents(bits & FD_ALL)
    }

    pub fn contains(self, other: NetworkEvents) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl BitOr for NetworkEvents {
    type Output = NetworkEvents;
    fn bitor(self, o: NetworkEvents) -> NetworkEvents {
        NetworkEvents(self.0 | o.0)
    }
}

impl BitOrAssign for NetworkEvents {
    fn bitor_assign(&mut self, o: NetworkEvents) {
        self.0 |= o.0;
    }
}

impl BitAnd for NetworkEvents {
    type Output = NetworkEvents;
    fn bitand(self, o: NetworkEvents) -> NetworkEvents {
        NetworkEvents(self.0 & o.0)
    }
}

impl fmt::Debug for NetworkEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [&str; 6] = [
            "FD_READ",
            "FD_WRITE",
            "FD_OOB",
            "FD_ACCEPT",
            "FD_CONNECT",
            "FD_CLOSE",
        ];
        if self.0 == 0 {
            return f.write_str("0");
        }
        let mut first = true;
        for i in 0..FD_MAX_EVENTS {
            if self.0 & (1 << i) != 0 {
                if !first {
                    f.write_str(" | ")?;
                }
                first = false;
                match NAMES.get(i) {
                    Some(n) => f.write_str(n)?,
                    None => write!(f, "{:#x}", 1u32 << i)?,
                }
            }
        }
        Ok(())
    }
}

/// What WSAEnumNetworkEvents reports: the events recorded since the last
/// call, and each one's error code (`iErrorCode[FD_x_BIT]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetworkEventRecord {
    pub events: NetworkEvents,
    pub errors: [i32; FD_MAX_EVENTS],
}

impl NetworkEventRecord {
    /// The error slot of one event (0: none, or the event not recorded).
    pub fn error_code(&self, event: NetworkEvents) -> i32 {
        match event.0.trailing_zeros() as usize {
            i if i < FD_MAX_EVENTS && self.events.0 & event.0 != 0 => self.errors[i],
            _ => 0,
        }
    }
}

/// One socket's WSAEventSelect association.
struct Selection {
    socket: u32,
    event: Weak<EventState>,
    /// The FD_ bits asked for.
    mask: u32,
    /// The record WSAEnumNetworkEvents reads.
    recorded: u32,
    /// Bits that may be recorded now (a subset of mask).
    armed: u32,
    errors: [i32; FD_MAX_EVENTS],
    datagram: bool,
    listening: bool,
    /// A connect issued while selected, not yet ended.
    connect_pending: bool,
    /// The close indication (or a failed connect) was seen.
    closed_seen: bool,
}

thread_local! {
    static SELECTIONS: RefCell<Vec<Selection>> = const { RefCell::new(Vec::new()) };
}

impl Selection {
    /// Records `bit` if it is armed and signals the event: one record per
    /// occurrence until re-enabled (Microsoft's WSAEventSelect page).
    fn record(&mut self, bit: u32, error: i32) {
        if self.armed & bit == 0 {
            return;
        }
        self.armed &= !bit;
        self.recorded |= bit;
        self.errors[bit.trailing_zeros() as usize] = error;
        if let Some(e) = self.event.upgrade() {
            e.signal();
        }
    }

    /// Applies the socket's WSAPoll answer to its record.
    fn apply(&mut self, revents: i16) {
        if revents & raw::POLLNVAL != 0 {
            return;
        }
        if self.datagram {
            // A datagram socket's pending error (an ICMP report) is read
            // by recv, so it counts as FD_READ.
            if revents & (raw::POLLRDNORM | raw::POLLERR) != 0 {
                self.record(FD_READ, 0);
            }
            if revents & raw::POLLWRNORM != 0 {
                self.record(FD_WRITE, 0);
            }
            return;
        }
        if self.listening {
            if revents & raw::POLLRDNORM != 0 {
                self.record(FD_ACCEPT, 0);
            }
            return;
        }
        if self.connect_pending {
            if revents & raw::POLLWRNORM != 0 {
                // Connected: FD_CONNECT with 0, and FD_WRITE as for every
                // newly connected socket.
                self.connect_pending = false;
                self.armed |= (FD_CONNECT | FD_WRITE) & self.mask;
                self.record(FD_CONNECT, 0);
            } else if revents & (raw::POLLHUP | raw::POLLERR) != 0 {
                // Failed: FD_CONNECT carries the connect's error; there is
                // no connection to close.
                self.connect_pending = false;
                self.closed_seen = true;
                let error = match sockopt_int(self.socket, raw::SO_ERROR) {
                    Some(e) if e != 0 => e,
                    _ => WsaError::ECONNREFUSED.code(),
                };
                self.armed |= FD_CONNECT & self.mask;
                self.record(FD_CONNECT, error);
                return;
            } else {
                return;
            }
        }
        let hup = revents & raw::POLLHUP != 0;
        if hup && !self.closed_seen {
            self.closed_seen = true;
            if let Some(code) = close_code(self.socket, revents) {
                self.record(FD_CLOSE, code);
            }
        }
        // After the close indication the socket polls readable for good;
        // only data still queued is FD_READ.
        if revents & raw::POLLRDNORM != 0
            && self.armed & FD_READ != 0
            && (!hup || has_unread_data(self.socket))
        {
            self.record(FD_READ, 0);
        }
        if revents & raw::POLLWRNORM != 0 {
            self.record(FD_WRITE, 0);
        }
    }

    /// What the selection can still record without another call from the
    /// program, as WSAPoll events; `slow`: only by looking again later
    /// (urgent data, or FD_WRITE after the close indication).
    fn awaitable(&self, slow: &mut bool) -> i16 {
        if self.connect_pending {
            return raw::POLLWRNORM;
        }
        if self.listening {
            return if self.armed & FD_ACCEPT != 0 {
                raw::POLLRDNORM
            } else {
                0
            };
        }
        if self.closed_seen {
            // The host reports the close on every poll from now on.
            if self.armed & FD_WRITE != 0 {
                *slow = true;
            }
            return 0;
        }
        if self.armed & FD_OOB != 0 {
            *slow = true;
        }
        let mut ev = 0;
        if self.armed & FD_READ != 0 {
            ev |= raw::POLLRDNORM;
        }
        if self.armed & FD_WRITE != 0 {
            ev |= raw::POLLWRNORM;
        }
        ev
    }
}

fn sockopt_int(s: u32, name: i32) -> Option<i32> {
    let v = sockets::getsockopt(s, raw::SOL_SOCKET, name, 4).ok()?;
    let mut b = [0u8; 4];
    let n = v.len().min(4);
    b[..n].copy_from_slice(&v[..n]);
    Some(i32::from_le_bytes(b))
}

fn has_unread_data(s: u32) -> bool {
    matches!(sockets::ioctlsocket(s, raw::FIONREAD, 0), Ok(n) if n > 0)
}

/// FD_CLOSE's error slot: 0 for the peer's graceful close, WSAECONNRESET
/// (or WSAECONNABORTED) for a reset; `None` when it is not the peer's
/// close (the program's own shutdown(SD_RECEIVE)). A one-byte peek leaves
/// the data and the host's memory of a reset as they are.
fn close_code(s: u32, revents: i16) -> Option<i32> {
    match sockets::recv(s, 1, raw::MSG_PEEK) {
        Err(e) => {
            let code = WsaError::from(e).code();
            (code == WsaError::ECONNRESET.code() || code == WsaError::ECONNABORTED.code())
                .then_some(code)
        }
        Ok(d) if d.data.is_empty() => Some(0),
        // Data still queued ahead of the close: a pending socket error
        // tells a reset from a FIN.
        Ok(_) if revents & raw::POLLERR != 0 => Some(WsaError::ECONNRESET.code()),
        Ok(_) => Some(0),
    }
}

/// Records what the host reports ready now (a poll with timeout 0) on
/// every selection, or on `only`'s.
fn update(only: Option<u32>) {
    SELECTIONS.with_borrow_mut(|sels| {
        let which: Vec<usize> = (0..sels.len())
            .filter(|&i| only.is_none_or(|s| sels[i].socket == s))
            .collect();
        if which.is_empty() {
            return;
        }
        let fds: Vec<sockets::Pollfd> = which
            .iter()
            .map(|&i| sockets::Pollfd {
                fd: sels[i].socket,
                events: raw::POLLRDNORM | raw::POLLWRNORM,
            })
            .collect();
        if let Ok(revents) = sockets::wsapoll(&fds, 0) {
            for (&i, r) in which.iter().zip(revents) {
                sels[i].apply(r);
            }
        }
        check_oob(sels, &which);
    });
}

/// FD_OOB: urgent data shows only in select's except set.
fn check_oob(sels: &mut [Selection], which: &[usize]) {
    let watch: Vec<usize> = which
        .iter()
        .copied()
        .filter(|&i| {
            let s = &sels[i];
            s.armed & FD_OOB != 0
                && !s.datagram
                && !s.listening
                && !s.connect_pending
                && !s.closed_seen
        })
        .collect();
    if watch.is_empty() {
        return;
    }
    let sets = sockets::FdSets {
        readfds: Vec::new(),
        writefds: Vec::new(),
        exceptfds: watch.iter().map(|&i| sels[i].socket).collect(),
    };
    if let Ok(ready) = sockets::select(&sets, Some(0)) {
        for h in ready.exceptfds {
            for &i in &watch {
                if sels[i].socket == h {
                    sels[i].record(FD_OOB, 0);
                }
            }
        }
    }
}

/// Drops the selections whose sockets the host no longer knows (a
/// host-side cleanup the crate did not see).
fn drop_stale_selections() {
    SELECTIONS
        .with_borrow_mut(|sels| sels.retain(|s| sockopt_int(s.socket, raw::SO_TYPE).is_some()));
}

fn find<T>(s: u32, f: impl FnOnce(&mut Selection) -> T) -> Option<T> {
    SELECTIONS.with_borrow_mut(|sels| sels.iter_mut().find(|x| x.socket == s).map(f))
}

/// The hooks the socket calls run; each asks the host directly and leaves
/// the call's last error as it was.
pub(crate) fn selected(s: u32) -> bool {
    SELECTIONS.with_borrow(|sels| sels.iter().any(|x| x.socket == s))
}

pub(crate) fn reenable(s: u32, bits: u32) {
    if !selected(s) {
        return;
    }
    crate::keeping_last_error(|| {
        find(s, |sel| sel.armed |= bits & sel.mask);
        update(Some(s));
    })
}

pub(crate) fn reenable_read(s: u32) {
    reenable(s, FD_READ)
}

pub(crate) fn reenable_write(s: u32) {
    reenable(s, FD_WRITE)
}

pub(crate) fn reenable_accept(s: u32) {
    reenable(s, FD_ACCEPT)
}

/// The accepted socket has the listener's selection (the same event and
/// events, and it is nonblocking: the host copies that), and FD_WRITE is
/// recorded for it as for any newly connected socket.
pub(crate) fn accepted(listener: u32, accepted: u32) {
    let Some((event, mask)) = find(listener, |sel| (sel.event.clone(), sel.mask)) else {
        return;
    };
    crate::keeping_last_error(|| {
        SELECTIONS.with_borrow_mut(|sels| {
            sels.push(Selection {
                socket: accepted,
                event,
                mask,
                recorded: 0,
                armed: mask & (FD_READ | FD_WRITE | FD_OOB | FD_CLOSE),
                errors: [0; FD_MAX_EVENTS],
                datagram: false,
                listening: false,
                connect_pending: false,
                closed_seen: false,
            })
        });
        update(Some(accepted));
    })
}

/// A connect's outcome is FD_CONNECT for a selected stream socket.
pub(crate) fn connect_called(s: u32, result: &Result<()>) {
    if !selected(s) {
        return;
    }
    crate::keeping_last_error(|| {
        let go_on = find(s, |sel| {
            if sel.datagram {
                return false;
            }
            match result {
                Ok(()) => {
                    // Completed at once: FD_CONNECT and FD_WRITE now.
                    sel.armed |= (FD_CONNECT | FD_WRITE) & sel.mask;
                    sel.record(FD_CONNECT, 0);
                    true
                }
                Err(e) if *e == WsaError::EWOULDBLOCK => {
                    // The handshake goes on; its end is FD_CONNECT.
                    sel.connect_pending = true;
                    sel.closed_seen = false;
                    true
                }
                Err(_) => false,
            }
        });
        if go_on == Some(true) {
            update(Some(s));
        }
    })
}

pub(crate) fn listening(s: u32) {
    if !selected(s) {
        return;
    }
    crate::keeping_last_error(|| {
        find(s, |sel| sel.listening = true);
        update(Some(s));
    })
}

/// closesocket ends the selection; nothing is recorded for the close
/// (Microsoft: FD_CLOSE is not posted after closesocket).
pub(crate) fn closed(s: u32) {
    SELECTIONS.with_borrow_mut(|sels| sels.retain(|x| x.socket != s));
}

/// The final cleanup signals no WSAEventSelect event (docs/async.md). Events
/// themselves are kernel objects on Windows and outlive it.
pub(crate) fn final_cleanup() {
    SELECTIONS.with_borrow_mut(|sels| sels.clear());
}

pub(crate) fn any_selection() -> bool {
    SELECTIONS.with_borrow(|sels| !sels.is_empty())
}

/// WSAEventSelect (see [`Socket::event_select`](crate::Socket::event_select)).
pub(crate) fn event_select(s: u32, event: Option<&Event>, events: NetworkEvents) -> Result<()> {
    let ty = crate::wsa(sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_TYPE, 4))?;
    let datagram = ty.first().copied() == Some(raw::SOCK_DGRAM as u8);
    let mask = events.0 & FD_ALL;
    let event = match event {
        // Cancels the association; the socket stays nonblocking until
        // FIONBIO clears it (Microsoft's WSAEventSelect page).
        None => {
            closed(s);
            return Ok(());
        }
        Some(_) if mask == 0 => {
            closed(s);
            return Ok(());
        }
        Some(e) => e,
    };
    crate::wsa(sockets::ioctlsocket(s, raw::FIONBIO, 1))?;
    // A new selection replaces the old one and clears the record.
    let connect_pending = find(s, |sel| sel.connect_pending).unwrap_or(false);
    closed(s);
    let listening =
        !datagram && sockopt_int(s, raw::SO_ACCEPTCONN).is_some_and(|accepting| accepting != 0);
    let mut armed = mask & (FD_READ | FD_OOB | FD_ACCEPT | FD_CLOSE | FD_CONNECT);
    // FD_WRITE is recorded at once for a socket that can already send: a
    // connected stream socket, or any datagram socket.
    if datagram || sockets::getpeername(s).is_ok() {
        armed |= mask & FD_WRITE;
    }
    if !connect_pending {
        armed &= !FD_CONNECT;
    }
    SELECTIONS.with_borrow_mut(|sels| {
        sels.push(Selection {
            socket: s,
            event: event.weak(),
            mask,
            recorded: 0,
            armed,
            errors: [0; FD_MAX_EVENTS],
            datagram,
            listening,
            connect_pending,
            closed_seen: false,
        })
    });
    update(Some(s));
    Ok(())
}

/// WSAEnumNetworkEvents: copies the record, clears it and resets `reset`
/// in one step.
pub(crate) fn enum_network_events(s: u32, reset: Option<&Event>) -> Result<NetworkEventRecord> {
    if !selected(s) {
        crate::wsa(sockets::getsockopt(s, raw::SOL_SOCKET, raw::SO_TYPE, 4))?;
    }
    update(Some(s));
    let record = find(s, |sel| {
        let mut r = NetworkEventRecord {
            events: NetworkEvents(sel.recorded),
            errors: [0; FD_MAX_EVENTS],
        };
        for i in 0..FD_MAX_EVENTS {
            if sel.recorded & (1 << i) != 0 {
                r.errors[i] = sel.errors[i];
            }
        }
        sel.recorded = 0;
        sel.errors = [0; FD_MAX_EVENTS];
        r
    })
    .unwrap_or_default();
    if let Some(e) = reset {
        e.reset();
    }
    Ok(record)
}
