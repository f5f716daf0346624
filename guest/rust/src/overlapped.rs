//! Overlapped operations (docs/async.md), the safe form of what the C library's
//! `overlapped.c` does: the operation owns its buffer, so no memory is
//! shared with a pending operation, and dropping a pending operation
//! cancels it.
//!
//! A guest has one thread and the host parks none for it, so an operation
//! is a record here that makes progress whenever the program calls in: at
//! every wait ([`wait_for_events`](crate::wait_for_events),
//! [`Event::is_set`]), at [`Overlapped::is_complete`] and
//! [`Overlapped::result`], and when the next operation is issued. Each
//! socket has two queues (sending, receiving); only the head of a queue
//! is tried, and only when the host reports its socket ready, so
//! operations complete in the order they were issued.
//!
//! A try is the host's send or recv: on a nonblocking socket it never
//! waits. On a blocking socket a receive that the host reported ready
//! does not wait either, but a send takes everything it is given (up to
//! the host's per-call limit) before returning, as Windows' blocking send
//! does, so a large overlapped send on a blocking socket can hold the
//! program in the host until the peer reads. Make the socket nonblocking
//! (or select it with `event_select`) for large overlapped sends. The C
//! library's overlapped.c behaves the same.
//!
//! Cancellation: dropping a pending operation (CancelIoEx), and closing its
//! socket, end it with WSA_OPERATION_ABORTED (995) and set its event; the
//! final WSACleanup (and a host-triggered cleanup) ends every operation
//! with 995 and sets no event.

use crate::events::{self, Event, EventState};
use crate::raw::{self, sockets};
use crate::{Result, WsaError};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};

struct Operation {
    socket: u32,
    sending: bool,
    buffer: RefCell<Option<Vec<u8>>>,
    /// Bytes sent so far (a stream send may go out in parts).
    moved: Cell<usize>,
    /// `None` while pending; then the byte count or the WSA code.
    outcome: Cell<Option<std::result::Result<usize, i32>>>,
    event: Option<Weak<EventState>>,
}

thread_local! {
    /// The pending operations, in issue order.
    static PENDING: RefCell<Vec<Rc<Operation>>> = const { RefCell::new(Vec::new()) };
}

/// A pending or completed overlapped WSASend/WSARecv. Dropping it while
/// pending cancels it (CancelIoEx).
pub struct Overlapped {
    op: Rc<Operation>,
}

impl fmt::Debug for Overlapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Overlapped")
            .field("socket", &self.op.socket)
            .field("sending", &self.op.sending)
            .field("outcome", &self.op.outcome.get())
            .finish()
    }
}

impl Overlapped {
    /// HasOverlappedIoCompleted, after letting pending operations move on.
    pub fn is_complete(&self) -> bool {
        if self.op.outcome.get().is_none() {
            progress();
        }
        self.op.outcome.get().is_some()
    }

    /// WSAGetOverlappedResult: the buffer and the bytes moved (a receive
    /// fills the buffer's first bytes; 0 is the peer's graceful close).
    /// Not complete: `wait` false fails WSA_IO_INCOMPLETE (996), `wait`
    /// true sleeps in the host until it completes. A failed operation
    /// gives its code (995 when it was aborted). The buffer comes back
    /// once; later calls give an empty one (or use
    /// [`Overlapped::into_buffer`]).
    pub fn result(&mut self, wait: bool) -> Result<(Vec<u8>, usize)> {
        crate::finish(self.outcome(wait))
    }

    fn outcome(&mut self, wait: bool) -> Result<(Vec<u8>, usize)> {
        progress();
        while self.op.outcome.get().is_none() {
            if !wait {
                return Err(WsaError::IO_INCOMPLETE);
            }
            // Sleep in the host on the sockets of the queues' heads (this
            // one's, or one ahead of it), then move on.
            let fds = interest();
            if fds.is_empty() {
                break;
            }
            if let Err(e) = sockets::wsapoll(&fds, -1) {
                let e = WsaError::from(e);
                if e == WsaError::EINTR || e == WsaError::NOTINITIALISED {
                    // A host-triggered cleanup: every operation is
                    // aborted, silently (docs/teardown.md and docs/async.md).
                    abort_all_silently();
                    break;
                }
                return Err(e);
            }
            progress();
        }
        match self.op.outcome.get() {
            Some(Ok(n)) => Ok((self.op.buffer.take().unwrap_or_default(), n)),
            Some(Err(code)) => Err(WsaError(code)),
            None => Err(WsaError::OPERATION_ABORTED),
        }
    }

    /// The buffer back (cancelling the operation first if it is pending):
    /// after a failure, or to reuse it.
    pub fn into_buffer(self) -> Vec<u8> {
        self.op.buffer.take().unwrap_or_default()
    }

    /// CancelIoEx for this operation: it ends WSA_OPERATION_ABORTED and
    /// its event is set. ERROR_NOT_FOUND (1168) when it is no longer
    /// pending.
    pub fn cancel(&self) -> Result<()> {
        progress();
        if self.op.outcome.get().is_some() {
            return crate::finish(Err(WsaError::NOT_FOUND));
        }
        complete(&self.op, Err(WsaError::OPERATION_ABORTED.code()), false);
        crate::finish(Ok(()))
    }
}

impl Drop for Overlapped {
    fn drop(&mut self) {
        if self.op.outcome.get().is_none() {
            complete(&self.op, Err(WsaError::OPERATION_ABORTED.code()), false);
        }
    }
}

/// Ends `op`: records the outcome and, unless `silent`, sets its event.
fn complete(op: &Rc<Operation>, outcome: std::result::Result<usize, i32>, silent: bool) {
    PENDING.with_borrow_mut(|p| p.retain(|o| !Rc::ptr_eq(o, op)));
    op.outcome.set(Some(outcome));
    if !silent && let Some(e) = op.event.as_ref().and_then(Weak::upgrade) {
        e.signal();
    }
}

/// The first pending operation of each socket and direction.
fn heads() -> Vec<Rc<Operation>> {
    PENDING.with_borrow(|p| {
        let mut heads: Vec<Rc<Operation>> = Vec::new();
        for op in p {
            if !heads
                .iter()
                .any(|h| h.socket == op.socket && h.sending == op.sending)
            {
                heads.push(op.clone());
            }
        }
        heads
    })
}

fn is_head(op: &Rc<Operation>) -> bool {
    heads().iter().any(|h| Rc::ptr_eq(h, op))
}

fn wanted(op: &Operation) -> i16 {
    if op.sending {
        raw::POLLWRNORM
    } else {
        raw::POLLRDNORM
    }
}

/// The sockets (and directions) whose readiness moves an operation on.
pub(crate) fn interest() -> Vec<sockets::Pollfd> {
    let mut fds: Vec<sockets::Pollfd> = Vec::new();
    for op in heads() {
        match fds.iter_mut().find(|f| f.fd == op.socket) {
            Some(f) => f.events |= wanted(&op),
            None => fds.push(sockets::Pollfd {
                fd: op.socket,
                events: wanted(&op),
            }),
        }
    }
    fds
}

/// Whether a pending operation would set `event` when it completes.
pub(crate) fn may_signal(event: &Rc<EventState>) -> bool {
    PENDING.with_borrow(|p| {
        p.iter().any(|op| {
            op.event
                .as_ref()
                .is_some_and(|w| std::ptr::eq(Weak::as_ptr(w), Rc::as_ptr(event)))
        })
    })
}

pub(crate) fn any_pending() -> bool {
    PENDING.with_borrow(|p| !p.is_empty())
}

/// One nonblocking try of `op` (its socket is ready, or it has just been
/// issued); true when it ended.
fn attempt(op: &Rc<Operation>) -> bool {
    if op.sending {
        let r = {
            let buf = op.buffer.borrow();
            let data = buf.as_deref().unwrap_or_default();
            sockets::send(op.socket, &data[op.moved.get().min(data.len())..], 0)
        };
        match r.map_err(WsaError::from) {
            Err(WsaError::EWOULDBLOCK) => {
                events::reenable_write(op.socket);
                false
            }
            Err(e) => {
                complete(op, Err(e.code()), false);
                true
            }
            Ok(n) => {
                // A stream send may take part of the data: the rest stays
                // at the head, so later sends still follow it.
                let moved = op.moved.get() + n as usize;
                op.moved.set(moved);
                let len = op.buffer.borrow().as_ref().map_or(0, Vec::len);
                if moved < len {
                    return false;
                }
                complete(op, Ok(moved), false);
                true
            }
        }
    } else {
        let len = op.buffer.borrow().as_ref().map_or(0, Vec::len);
        let r = crate::deliver(
            sockets::recv(op.socket, len.min(i32::MAX as usize) as i32, 0),
            |data| {
                op.buffer
                    .borrow_mut()
                    .as_mut()
                    .map_or(0, |buf| crate::copy_into(buf, data))
            },
        );
        // A receive re-enables FD_READ, as recv does.
        events::reenable_read(op.socket);
        match r {
            Err(WsaError::EWOULDBLOCK) => false,
            Err(e) => {
                complete(op, Err(e.code()), false);
                true
            }
            Ok((n, _)) => {
                complete(op, Ok(n), false);
                true
            }
        }
    }
}

/// Moves every pending operation on as far as the host's readiness
/// allows now (a poll with timeout 0).
pub(crate) fn progress() {
    loop {
        let fds = interest();
        if fds.is_empty() {
            return;
        }
        let revents = match sockets::wsapoll(&fds, 0) {
            Ok(r) => r,
            Err(e) => {
                // A host-triggered cleanup or teardown ended the startup
                // behind the program's back: its operations end as the
                // final cleanup ends them.
                if WsaError::from(e) == WsaError::NOTINITIALISED {
                    abort_all_silently();
                }
                return;
            }
        };
        let heads = heads();
        let mut moved = false;
        for (fd, r) in fds.iter().zip(revents) {
            if r == 0 {
                continue;
            }
            // Each ready socket: its receive head, then its send head.
            for sending in [false, true] {
                let Some(op) = heads
                    .iter()
                    .find(|h| h.socket == fd.fd && h.sending == sending)
                else {
                    continue;
                };
                let ready =
                    r & (raw::POLLERR | raw::POLLHUP | raw::POLLNVAL) != 0 || r & wanted(op) != 0;
                if ready && op.outcome.get().is_none() && attempt(op) {
                    moved = true;
                }
            }
        }
        if !moved {
            return;
        }
    }
}

/// WSASend/WSARecv with an overlapped structure.
pub(crate) fn issue(
    socket: u32,
    sending: bool,
    buffer: Vec<u8>,
    event: Option<&Event>,
) -> Result<Overlapped> {
    crate::wsa(sockets::getsockopt(
        socket,
        raw::SOL_SOCKET,
        raw::SO_TYPE,
        4,
    ))?;
    let op = Rc::new(Operation {
        socket,
        sending,
        buffer: RefCell::new(Some(buffer)),
        moved: Cell::new(0),
        outcome: Cell::new(None),
        event: event.map(Event::weak),
    });
    // Issue order: behind everything already queued.
    PENDING.with_borrow_mut(|p| p.push(op.clone()));
    // The earlier operations get their chance first; then this one, if it
    // is at the head, is tried at once.
    progress();
    if op.outcome.get().is_none() && is_head(&op) {
        let fd = sockets::Pollfd {
            fd: socket,
            events: wanted(&op),
        };
        if let Ok(r) = sockets::wsapoll(&[fd], 0)
            && r.first().is_some_and(|&r| r != 0)
        {
            attempt(&op);
        }
    }
    // Completed at once with a failure: the call fails with its code, as
    // WSASend/WSARecv do (the event was set, as the C library sets it).
    if let Some(Err(code)) = op.outcome.get() {
        return Err(WsaError(code));
    }
    Ok(Overlapped { op })
}

/// closesocket: the socket's pending operations end WSA_OPERATION_ABORTED
/// and their events are set (docs/async.md).
pub(crate) fn socket_closed(socket: u32) {
    let ops: Vec<Rc<Operation>> =
        PENDING.with_borrow(|p| p.iter().filter(|o| o.socket == socket).cloned().collect());
    for op in ops {
        complete(&op, Err(WsaError::OPERATION_ABORTED.code()), false);
    }
}

/// The final cleanup: every pending operation ends WSA_OPERATION_ABORTED
/// and no event is set (docs/async.md).
pub(crate) fn abort_all_silently() {
    let ops: Vec<Rc<Operation>> = PENDING.with_borrow_mut(std::mem::take);
    for op in ops {
        op.outcome
            .set(Some(Err(WsaError::OPERATION_ABORTED.code())));
    }
}
