//! select and WSAPoll (docs/surface.md): readiness as Winsock defines it, computed
//! from each socket's Winsock phase and the kernel's poll answer, and a wait
//! on many sockets that parks no thread.
//!
//! Linux and Winsock disagree on some readiness: an unconnected TCP socket
//! polls as POLLOUT|POLLHUP on Linux but is neither writable nor readable
//! for select; a failed nonblocking connect is Winsock's except set. So the
//! kernel's answer is only read through [`Readiness::of`].

use crate::ctx::WinsockCtx;
use crate::error::{WsaError, WsaResult};
use crate::socket::{Phase, SocketEntry, SocketKind};
use rustix::event::epoll;
use rustix::event::{PollFd, PollFlags, Timespec};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use winsock_abi::*;

/// Most entries one select (all three sets) or WSAPoll call may name: far
/// beyond any FD_SETSIZE a program sets, and a bound on the host work one
/// call can demand (docs/sandbox.md). Beyond it: WSAENOBUFS.
pub const MAX_WAIT_ENTRIES: usize = 65_536;

/// A call naming many entries costs host CPU in proportion; it first lets
/// the other instances on this host thread run, so a guest issuing such
/// calls back to back cannot hold the thread between its epoch ticks.
async fn yield_before_heavy_work(entries: usize) {
    if entries > 1024 {
        tokio::task::yield_now().await;
    }
}

/// What a socket is ready for, in Winsock's terms.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    /// select's read set: data, a pending connection, or the peer's FIN/RST.
    pub read: bool,
    /// select's write set: connected and able to send (a nonblocking
    /// connect that completed).
    pub write: bool,
    /// select's except set: a failed nonblocking connect, or urgent data.
    pub except: bool,
    /// WSAPoll's POLLHUP: the connection was closed or aborted.
    pub hup: bool,
    /// WSAPoll's POLLERR: a pending error (a failed connect).
    pub err: bool,
}

impl Readiness {
    pub fn of(entry: &SocketEntry) -> Readiness {
        let mut st = entry.state();
        entry.settle_connect(&mut st);
        let failed_connect = matches!(st.phase, Phase::ConnectFailed(_));
        let mut fds = [PollFd::new(
            entry.socket(),
            PollFlags::IN | PollFlags::OUT | PollFlags::PRI | PollFlags::RDHUP,
        )];
        let zero = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        let ev = match rustix::event::poll(&mut fds, Some(&zero)) {
            Ok(_) => fds[0].revents(),
            Err(_) => PollFlags::empty(),
        };
        let input = ev.intersects(PollFlags::IN);
        let closed = ev.intersects(PollFlags::HUP | PollFlags::RDHUP | PollFlags::ERR) || st.reset;
        match (entry.kind, st.phase) {
            (SocketKind::Stream, Phase::Listening) => Readiness {
                read: input,
                ..Default::default()
            },
            (SocketKind::Stream, Phase::Connected) => Readiness {
                read: input || closed,
                write: ev.intersects(PollFlags::OUT) && !st.shut_send,
                except: ev.intersects(PollFlags::PRI),
                hup: closed,
                err: ev.intersects(PollFlags::ERR),
            },
            (SocketKind::Stream, _) => Readiness {
                except: failed_connect,
                hup: failed_connect,
                err: failed_connect,
                ..Default::default()
            },
            (SocketKind::Datagram, phase) => Readiness {
                read: input && phase != Phase::Unbound,
                write: ev.intersects(PollFlags::OUT),
                err: ev.intersects(PollFlags::ERR),
                ..Default::default()
            },
        }
    }
}

/// The kernel events that can change what a caller waits for.
fn wake_events(want_read: bool, want_write: bool, want_except: bool) -> epoll::EventFlags {
    let mut f = epoll::EventFlags::empty();
    if want_read {
        f |= epoll::EventFlags::IN | epoll::EventFlags::RDHUP;
    }
    if want_write || want_except {
        // A nonblocking connect ends (either way) with EPOLLOUT.
        f |= epoll::EventFlags::OUT;
    }
    if want_except {
        f |= epoll::EventFlags::PRI;
    }
    f
}

/// One socket a select or WSAPoll call looks at.
pub struct Watched {
    pub entry: Arc<SocketEntry>,
    pub read: bool,
    pub write: bool,
    pub except: bool,
}

impl WinsockCtx {
    /// Evaluates `watched` until `ready` accepts the readiness of at least
    /// one socket or `timeout` passes (None waits forever), cancellably
    /// (WSAEINTR). Returns each socket's readiness at the end.
    pub(crate) async fn wait_ready(
        &self,
        watched: &[Watched],
        timeout: Option<Duration>,
        any_ready: impl Fn(&[Readiness]) -> bool,
    ) -> WsaResult<Vec<Readiness>> {
        let evaluate = || {
            watched
                .iter()
                .map(|w| Readiness::of(&w.entry))
                .collect::<Vec<_>>()
        };
        let now = evaluate();
        if any_ready(&now) || timeout == Some(Duration::ZERO) {
            return Ok(now);
        }
        // One epoll set for this call, watched by the runtime's reactor: the
        // guest waits, no thread does.
        let set =
            epoll::create(epoll::CreateFlags::CLOEXEC).map_err(|e| WsaError::from_io(&e.into()))?;
        for (i, w) in watched.iter().enumerate() {
            let events = wake_events(w.read, w.write, w.except);
            epoll::add(
                &set,
                w.entry.socket(),
                epoll::EventData::new_u64(i as u64),
                events,
            )
            .map_err(|e| WsaError::from_io(&e.into()))?;
        }
        // SAFETY: the OwnedFd owns the epoll descriptor for as long as the
        // AsyncFd holds it.
        let set = unsafe { AsyncFd::register_with_interest(set, Interest::READABLE) }
            .map_err(|e| WsaError::from_io(&e.into_parts().1))?;
        let cancel = self.instance.lock().cancel.clone();
        let deadline = async {
            match timeout {
                Some(t) => tokio::time::sleep(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(deadline);
        loop {
            let now = evaluate();
            if any_ready(&now) {
                return Ok(now);
            }
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(WsaError::Intr.into()),
                _ = &mut deadline => return Ok(now),
                guard = set.readable() => match guard {
                    Ok(mut g) => g.clear_ready(),
                    Err(e) => return Err(WsaError::from_io(&e).into()),
                },
            }
        }
    }

    /// select(readfds, writefds, exceptfds, timeout): the ready subsets.
    pub async fn select(
        &mut self,
        read: &[u32],
        write: &[u32],
        except: &[u32],
        timeout: Option<Duration>,
    ) -> WsaResult<[Vec<u32>; 3]> {
        self.check_alive()?;
        self.instance.require_started()?;
        if read.is_empty() && write.is_empty() && except.is_empty() {
            return Err(WsaError::Inval.into());
        }
        if read.len() + write.len() + except.len() > MAX_WAIT_ENTRIES {
            return Err(WsaError::NoBufs.into());
        }
        yield_before_heavy_work(read.len() + write.len() + except.len()).await;
        // Sorted copies: membership by binary search keeps a guest's long
        // lists (duplicates allowed) at O(n log n) host work, not O(n^2).
        let sorted = |v: &[u32]| {
            let mut v = v.to_vec();
            v.sort_unstable();
            v.dedup();
            v
        };
        let (in_read, in_write, in_except) = (sorted(read), sorted(write), sorted(except));
        let mut handles: Vec<u32> = in_read
            .iter()
            .chain(&in_write)
            .chain(&in_except)
            .copied()
            .collect();
        handles.sort_unstable();
        handles.dedup();
        let mut watched = Vec::with_capacity(handles.len());
        for h in &handles {
            watched.push(Watched {
                entry: self.entry(*h)?,
                read: in_read.binary_search(h).is_ok(),
                write: in_write.binary_search(h).is_ok(),
                except: in_except.binary_search(h).is_ok(),
            });
        }
        let ready = self
            .wait_ready(&watched, timeout, |r| {
                r.iter().zip(&watched).any(|(r, w)| {
                    (w.read && r.read) || (w.write && r.write) || (w.except && r.except)
                })
            })
            .await?;
        let pick = |set: &[u32], f: fn(&Readiness) -> bool| -> Vec<u32> {
            set.iter()
                .copied()
                .filter(|h| {
                    handles
                        .binary_search(h)
                        .map(|i| f(&ready[i]))
                        .unwrap_or(false)
                })
                .collect()
        };
        Ok([
            pick(read, |r| r.read),
            pick(write, |r| r.write),
            pick(except, |r| r.except),
        ])
    }

    /// A wait with nothing to watch (the guest library's event waits,
    /// docs/async.md), cancelled like every blocking call (docs/teardown.md).
    pub async fn pause(&mut self, timeout_ms: u32) -> WsaResult<()> {
        self.check_alive()?;
        self.instance.require_started()?;
        let cancel = self.instance.lock().cancel.clone();
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(timeout_ms.into())) => Ok(()),
            _ = cancel.cancelled() => Err(WsaError::Intr.into()),
        }
    }

    /// WSAPoll(fds, timeout): each entry's revents.
    pub async fn wsapoll(&mut self, fds: &[(u32, i16)], timeout_ms: i32) -> WsaResult<Vec<i16>> {
        self.check_alive()?;
        self.instance.require_started()?;
        if fds.is_empty() {
            return Err(WsaError::Inval.into());
        }
        if fds.len() > MAX_WAIT_ENTRIES {
            return Err(WsaError::NoBufs.into());
        }
        yield_before_heavy_work(fds.len()).await;
        // Each distinct handle is looked up and watched once, with the union
        // of what its entries ask (an array may name a socket many times);
        // invalid handles get POLLNVAL and are not waited on (docs/surface.md).
        let mut handles: Vec<u32> = fds.iter().map(|(h, _)| *h).collect();
        handles.sort_unstable();
        handles.dedup();
        let mut watched: Vec<Watched> = Vec::new();
        let mut slot: Vec<Option<usize>> = Vec::with_capacity(handles.len());
        for h in &handles {
            match self.entry(*h) {
                Ok(entry) => {
                    slot.push(Some(watched.len()));
                    watched.push(Watched {
                        entry,
                        read: false,
                        write: false,
                        except: true,
                    });
                }
                Err(_) => slot.push(None),
            }
        }
        if watched.is_empty() {
            return Err(WsaError::NotSock.into());
        }
        let index = |h: u32| handles.binary_search(&h).ok().and_then(|i| slot[i]);
        for (h, events) in fds {
            if let Some(i) = index(*h) {
                watched[i].read |= events & POLLRDNORM_OR_BAND != 0;
                watched[i].write |= events & POLLWRNORM != 0;
            }
        }
        let timeout = (timeout_ms >= 0).then(|| Duration::from_millis(timeout_ms as u64));
        let revents = |r: &Readiness, events: i16| -> i16 {
            let mut v = 0;
            if events & POLLRDNORM_OR_BAND != 0 && r.read {
                v |= POLLRDNORM;
            }
            if events & POLLWRNORM != 0 && r.write {
                v |= POLLWRNORM;
            }
            // POLLHUP and POLLERR are reported whether asked for or not.
            if r.hup {
                v |= POLLHUP;
            }
            if r.err {
                v |= POLLERR;
            }
            v
        };
        let ready = self
            .wait_ready(&watched, timeout, |r| {
                r.iter().zip(&watched).any(|(r, w)| {
                    let asked =
                        if w.read { POLLRDNORM } else { 0 } | if w.write { POLLWRNORM } else { 0 };
                    revents(r, asked) != 0
                })
            })
            .await?;
        Ok(fds
            .iter()
            .map(|(h, events)| match index(*h) {
                None => POLLNVAL,
                Some(i) => revents(&ready[i], *events),
            })
            .collect())
    }
}

const POLLRDNORM_OR_BAND: i16 = POLLRDNORM | POLLRDBAND;
