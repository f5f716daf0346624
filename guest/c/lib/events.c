/*
 * Event objects, waits, WSAEventSelect and WSAEnumNetworkEvents (issue 11;
 * docs/async.md, docs/lifecycle.md and docs/blocking.md).
 *
 * Events are the library's objects: a table of records, each named by a
 * handle value that is never reused, so a HANDLE the program makes up or
 * keeps after closing it is refused (ERROR_INVALID_HANDLE) instead of being
 * followed as a pointer. WSAEVENT and the kernel32 HANDLE are the same
 * object, as on Windows.
 *
 * A component has one thread: no other thread can set an event while the
 * program waits. What can is a socket selected with WSAEventSelect, and
 * the library notices socket readiness only by asking the host: with a
 * zero timeout at every call that can record a network event (the waits,
 * WSAEnumNetworkEvents, WSAEventSelect and the re-enabling calls recv,
 * send, accept, connect), and with the wait's own timeout inside a wait,
 * so the program sleeps in a host call (WSAPoll) and never spins.
 *
 * Network events follow Microsoft's WSAEventSelect page: an event is
 * recorded once, then not again until the call that re-enables it (recv
 * for FD_READ and FD_OOB, accept for FD_ACCEPT, a send that failed
 * WSAEWOULDBLOCK for FD_WRITE); FD_CONNECT and FD_CLOSE happen once; a
 * condition that already holds when WSAEventSelect or a re-enabling call
 * runs is recorded at once.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imports.h"
#include "internal.h"

typedef winsock_ws2_types_error_code_t wit_error;

static int wsa_number(wit_error code) { return winsock_ws2_lifecycle_error_number(code); }

/* --- The event table. --- */

struct event {
    uint32_t serial; /* the handle is EVENT_HANDLE_BASE + 4 * serial */
    bool manual_reset;
    bool signalled;
#ifdef __WS_THREADS
    bool thread_object; /* a thread handle: set only by the thread's end */
#endif
};

static struct event *events;
static size_t event_count, event_cap;
static uint32_t next_serial = 1;

/* Handle values sit apart from small integers (socket handles) and from
 * INVALID_HANDLE_VALUE, and are multiples of 4 as Windows' are. */
#define EVENT_HANDLE_BASE 0x40000000u
#define EVENT_SERIAL_MAX ((0xFFFFFFF0u - EVENT_HANDLE_BASE) / 4u)

static HANDLE handle_of(uint32_t serial) { return (HANDLE)(uintptr_t)(EVENT_HANDLE_BASE + 4u * serial); }

static struct event *find_event(HANDLE h) {
    uintptr_t v = (uintptr_t)h;
    if (v < EVENT_HANDLE_BASE || (v - EVENT_HANDLE_BASE) % 4u != 0) return NULL;
    uint32_t serial = (uint32_t)((v - EVENT_HANDLE_BASE) / 4u);
    for (size_t i = 0; i < event_count; i++)
        if (events[i].serial == serial) return &events[i];
    return NULL;
}

/* A new event, or NULL (the error for SetLastError in *error). */
static HANDLE new_event(bool manual_reset, bool signalled, DWORD *error) {
    if (next_serial > EVENT_SERIAL_MAX) {
        *error = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    if (event_count == event_cap) {
        size_t cap = event_cap ? event_cap * 2 : 16;
        struct event *grown = realloc(events, cap * sizeof *grown);
        if (grown == NULL) {
            *error = ERROR_NOT_ENOUGH_MEMORY;
            return NULL;
        }
        events = grown;
        event_cap = cap;
    }
    struct event *e = &events[event_count++];
    e->serial = next_serial++;
    e->manual_reset = manual_reset;
    e->signalled = signalled;
#ifdef __WS_THREADS
    e->thread_object = false; /* the slot may have held a thread handle */
#endif
    return handle_of(e->serial);
}

static bool close_event(HANDLE h) {
    struct event *e = find_event(h);
    if (e == NULL) return false;
    *e = events[--event_count];
    return true;
}

#ifdef __WS_THREADS
/* An event the program may set or reset (not a thread handle). */
static struct event *find_settable_event(HANDLE h) {
    struct event *e = find_event(h);
    return e != NULL && !e->thread_object ? e : NULL;
}

void *__ws_events_new_thread_object(void) {
    DWORD error;
    HANDLE h = new_event(true, false, &error);
    if (h != NULL) find_event(h)->thread_object = true;
    return h;
}

void __ws_events_signal_thread_object(void *h) {
    struct event *e = find_event(h);
    if (e != NULL) e->signalled = true;
}

void __ws_events_close_thread_object(void *h) {
    close_event(h);
}
#else
#define find_settable_event find_event
#endif

/* --- Selections (WSAEventSelect). --- */

struct selection {
    SOCKET s;
    HANDLE event;
    long mask;     /* the FD_ bits asked for */
    long recorded; /* the network event record WSAEnumNetworkEvents reads */
    long armed;    /* bits that may be recorded now (a subset of mask) */
    int errors[FD_MAX_EVENTS];
    bool datagram, listening;
    bool connect_pending; /* a connect issued while selected, not yet ended */
    bool closed_seen;     /* the close indication (or a failed connect) was seen */
};

static struct selection *selections;
static size_t selection_count, selection_cap;

static struct selection *find_selection(SOCKET s) {
    for (size_t i = 0; i < selection_count; i++)
        if (selections[i].s == s) return &selections[i];
    return NULL;
}

static struct selection *add_selection(SOCKET s) {
    if (selection_count == selection_cap) {
        size_t cap = selection_cap ? selection_cap * 2 : 16;
        struct selection *grown = realloc(selections, cap * sizeof *grown);
        if (grown == NULL) return NULL;
        selections = grown;
        selection_cap = cap;
    }
    struct selection *sel = &selections[selection_count++];
    memset(sel, 0, sizeof *sel);
    sel->s = s;
    return sel;
}

static void drop_selection(struct selection *sel) { *sel = selections[--selection_count]; }

static int bit_index(long bit) { return __builtin_ctzl((unsigned long)bit); }

/* Records `bit` if it is armed, and signals the selection's event (docs/async.md:
 * one record per occurrence until re-enabled). A closed event is skipped,
 * as Windows has nothing to signal then. */
static void record(struct selection *sel, long bit, int error) {
    if (!(sel->armed & bit)) return;
    sel->armed &= ~bit;
    sel->recorded |= bit;
    sel->errors[bit_index(bit)] = error;
    struct event *e = find_event(sel->event);
    if (e != NULL) e->signalled = true;
}

/* --- What the host says about the selected sockets. --- */

static int sockopt_int(SOCKET s, int level, int name, int *value) {
    imports_list_u8_t got;
    wit_error err;
    if (!winsock_ws2_sockets_getsockopt(s, level, name, sizeof(int), &got, &err)) return wsa_number(err);
    *value = 0;
    memcpy(value, got.ptr, got.len < sizeof(int) ? got.len : sizeof(int));
    imports_list_u8_free(&got);
    return 0;
}

static bool has_unread_data(SOCKET s) {
    uint32_t n = 0;
    wit_error err;
    return winsock_ws2_sockets_ioctlsocket(s, (uint32_t)FIONREAD, 0, &n, &err) && n > 0;
}

/* FD_CLOSE's error slot for a connection whose close the host reported:
 * 0 for the peer's graceful close, WSAECONNRESET (or WSAECONNABORTED) for
 * a reset (Microsoft's WSAEventSelect page). -1: not the peer's close (the
 * program's own shutdown(SD_RECEIVE)). Looked at with a one-byte peek,
 * which leaves the data and the host's memory of a reset as they are. */
static int close_code(SOCKET s, SHORT revents) {
    winsock_ws2_sockets_received_t got;
    wit_error err;
    if (!winsock_ws2_sockets_recv(s, 1, MSG_PEEK, &got, &err)) {
        int code = wsa_number(err);
        if (code == WSAECONNRESET || code == WSAECONNABORTED) return code;
        return -1;
    }
    size_t n = got.data.len;
    winsock_ws2_sockets_received_free(&got);
    if (n == 0) return 0;
    /* Data still queued ahead of the close: a pending socket error tells a
     * reset from a FIN. */
    return (revents & POLLERR) ? WSAECONNRESET : 0;
}

/* Applies one socket's WSAPoll answer to its record. */
static void apply(struct selection *sel, SHORT revents) {
    if (revents & POLLNVAL) return;
    if (sel->datagram) {
        /* A datagram socket's pending error (an ICMP report) is read by
         * recv, so it counts as FD_READ. */
        if (revents & (POLLRDNORM | POLLERR)) record(sel, FD_READ, 0);
        if (revents & POLLWRNORM) record(sel, FD_WRITE, 0);
        return;
    }
    if (sel->listening) {
        if (revents & POLLRDNORM) record(sel, FD_ACCEPT, 0);
        return;
    }
    if (sel->connect_pending) {
        if (revents & POLLWRNORM) {
            /* Connected: FD_CONNECT with 0, and FD_WRITE as for every
             * newly connected socket. */
            sel->connect_pending = false;
            sel->armed |= (FD_CONNECT | FD_WRITE) & sel->mask;
            record(sel, FD_CONNECT, 0);
        } else if (revents & (POLLHUP | POLLERR)) {
            /* Failed: FD_CONNECT carries the connect's error (SO_ERROR,
             * e.g. WSAECONNREFUSED); there is no connection to close. */
            int error = 0;
            sel->connect_pending = false;
            sel->closed_seen = true;
            if (sockopt_int(sel->s, SOL_SOCKET, SO_ERROR, &error) != 0 || error == 0) error = WSAECONNREFUSED;
            sel->armed |= FD_CONNECT & sel->mask;
            record(sel, FD_CONNECT, error);
            return;
        } else {
            return; /* still connecting */
        }
    }
    bool hup = (revents & POLLHUP) != 0;
    if (hup && !sel->closed_seen) {
        int code = close_code(sel->s, revents);
        sel->closed_seen = true;
        if (code >= 0) record(sel, FD_CLOSE, code);
    }
    /* After the close indication the socket polls readable for good; only
     * data still queued is FD_READ. */
    if ((revents & POLLRDNORM) && (sel->armed & FD_READ) && (!hup || has_unread_data(sel->s)))
        record(sel, FD_READ, 0);
    if (revents & POLLWRNORM) record(sel, FD_WRITE, 0);
}

/* FD_OOB: urgent data shows only in select's except set. */
static void check_oob(struct selection **list, size_t n) {
    winsock_ws2_sockets_socket_handle_t handles[FD_SETSIZE];
    struct selection *which[FD_SETSIZE];
    size_t count = 0;
    for (size_t i = 0; i < n && count < FD_SETSIZE; i++) {
        struct selection *sel = list[i];
        if ((sel->armed & FD_OOB) && !sel->datagram && !sel->listening && !sel->connect_pending && !sel->closed_seen) {
            which[count] = sel;
            handles[count++] = sel->s;
        }
    }
    if (count == 0) return;
    winsock_ws2_sockets_fd_sets_t sets = { { NULL, 0 }, { NULL, 0 }, { handles, count } }, ready;
    uint64_t zero = 0;
    wit_error err;
    if (!winsock_ws2_sockets_select(&sets, &zero, &ready, &err)) return;
    for (size_t i = 0; i < ready.exceptfds.len; i++)
        for (size_t j = 0; j < count; j++)
            if (which[j]->s == ready.exceptfds.ptr[i]) record(which[j], FD_OOB, 0);
    winsock_ws2_sockets_fd_sets_free(&ready);
}

/* Drops the selections whose sockets the host no longer knows (a host-side
 * cleanup the library did not see). */
static void drop_stale_selections(void) {
    for (size_t i = 0; i < selection_count;) {
        int type;
        if (sockopt_int(selections[i].s, SOL_SOCKET, SO_TYPE, &type) != 0) drop_selection(&selections[i]);
        else i++;
    }
}

/* Records what the host reports ready on the given selections now (a poll
 * with timeout 0). */
static void update(struct selection **list, size_t n) {
    if (n == 0) return;
    winsock_ws2_sockets_list_pollfd_t fds;
    imports_list_s16_t revents;
    wit_error err;
    fds.len = n;
    fds.ptr = malloc(n * sizeof *fds.ptr);
    if (fds.ptr == NULL) return;
    for (size_t i = 0; i < n; i++) {
        fds.ptr[i].fd = list[i]->s;
        fds.ptr[i].events = POLLRDNORM | POLLWRNORM;
    }
    bool ok = winsock_ws2_sockets_wsapoll(&fds, 0, &revents, &err);
    free(fds.ptr);
    if (!ok) return;
    for (size_t i = 0; i < n && i < revents.len; i++) apply(list[i], revents.ptr[i]);
    imports_list_s16_free(&revents);
    check_oob(list, n);
}

static void update_one(struct selection *sel) { update(&sel, 1); }

/* Every selection, brought up to date. */
static void update_all(void) {
    if (selection_count == 0) return;
    struct selection **list = malloc(selection_count * sizeof *list);
    if (list == NULL) return;
    for (size_t i = 0; i < selection_count; i++) list[i] = &selections[i];
    update(list, selection_count);
    free(list);
}

/* --- Hooks from the socket calls (winsock.c). The last error is the
 * call's: these ask the host directly and never set it. --- */

bool __ws_events_selected(unsigned int s) { return find_selection(s) != NULL; }

void __ws_events_reenable(unsigned int s, long bits) {
    struct selection *sel = find_selection(s);
    if (sel == NULL) return;
    sel->armed |= bits & sel->mask;
    update_one(sel);
}

void __ws_events_accepted(unsigned int listener, unsigned int accepted) {
    struct selection *from = find_selection(listener);
    if (from == NULL) return;
    /* The accepted socket has the listener's selection (the same event and
     * events, and it is nonblocking: the host copies that), and FD_WRITE is
     * recorded for it as for any newly connected socket. */
    HANDLE event = from->event;
    long mask = from->mask;
    struct selection *sel = add_selection(accepted);
    if (sel == NULL) return;
    sel->event = event;
    sel->mask = mask;
    sel->armed = mask & (FD_READ | FD_WRITE | FD_OOB | FD_CLOSE);
    update_one(sel);
}

void __ws_events_connect(unsigned int s, int error) {
    struct selection *sel = find_selection(s);
    if (sel == NULL || sel->datagram) return;
    if (error == 0) {
        /* Completed at once: FD_CONNECT and FD_WRITE are recorded now. */
        sel->armed |= (FD_CONNECT | FD_WRITE) & sel->mask;
        record(sel, FD_CONNECT, 0);
        update_one(sel);
    } else if (error == WSAEWOULDBLOCK) {
        /* The handshake goes on; its end is FD_CONNECT (docs/blocking.md). */
        sel->connect_pending = true;
        sel->closed_seen = false;
        update_one(sel);
    }
}

void __ws_events_listening(unsigned int s) {
    struct selection *sel = find_selection(s);
    if (sel == NULL) return;
    sel->listening = true;
    update_one(sel);
}

void __ws_events_closed(unsigned int s) {
    /* closesocket ends the selection; nothing is recorded for the close
     * (Microsoft: FD_CLOSE is not posted after closesocket). */
    struct selection *sel = find_selection(s);
    if (sel != NULL) drop_selection(sel);
}

void __ws_events_cleanup(void) {
    /* docs/async.md: the final cleanup signals no WSAEventSelect event. Events
     * themselves are kernel objects on Windows and outlive it. */
    selection_count = 0;
}

/* --- WSAEventSelect and WSAEnumNetworkEvents. --- */

int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject, long lNetworkEvents) {
    int type;
    uint32_t unused;
    wit_error err;
    if (__ws_refused_while_blocking()) return SOCKET_ERROR;
    int code = sockopt_int(s, SOL_SOCKET, SO_TYPE, &type);
    if (code) return __ws_fail(code); /* WSANOTINITIALISED, WSAENOTSOCK */
    struct selection *sel = find_selection(s);
    long mask = lNetworkEvents & FD_ALL_EVENTS;
    if (mask == 0) {
        /* Cancels the association; the socket stays nonblocking until
         * FIONBIO clears it (Microsoft's WSAEventSelect page). */
        if (sel != NULL) drop_selection(sel);
        return __ws_succeed(0);
    }
    if (find_event(hEventObject) == NULL) return __ws_fail(WSAEINVAL);
    if (!winsock_ws2_sockets_ioctlsocket(s, (uint32_t)FIONBIO, 1, &unused, &err)) return __ws_fail(wsa_number(err));
    __ws_socket_nonblocking(s);
    if (sel == NULL && (sel = add_selection(s)) == NULL) return __ws_fail(WSAENOBUFS);
    /* A new selection replaces the old one and clears the record. */
    bool connect_pending = sel->connect_pending;
    memset(sel, 0, sizeof *sel);
    sel->s = s;
    sel->event = hEventObject;
    sel->mask = mask;
    sel->connect_pending = connect_pending;
    sel->datagram = type == SOCK_DGRAM;
    int accepting = 0;
    sel->listening = !sel->datagram && sockopt_int(s, SOL_SOCKET, SO_ACCEPTCONN, &accepting) == 0 && accepting;
    sel->armed = mask & (FD_READ | FD_OOB | FD_ACCEPT | FD_CLOSE | FD_CONNECT);
    /* FD_WRITE is recorded at once for a socket that can already send: a
     * connected stream socket, or any datagram socket. */
    winsock_ws2_types_socket_address_t peer;
    if (sel->datagram || winsock_ws2_sockets_getpeername(s, &peer, &err)) sel->armed |= mask & FD_WRITE;
    if (!sel->connect_pending) sel->armed &= ~FD_CONNECT;
    update_one(sel);
    return __ws_succeed(0);
}

int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject, LPWSANETWORKEVENTS lpNetworkEvents) {
    if (__ws_refused_while_blocking()) return SOCKET_ERROR;
    struct selection *sel = find_selection(s);
    if (sel == NULL) {
        int type, code = sockopt_int(s, SOL_SOCKET, SO_TYPE, &type);
        if (code) return __ws_fail(code);
    }
    if (lpNetworkEvents == NULL || !__ws_in_memory(lpNetworkEvents, sizeof *lpNetworkEvents))
        return __ws_fail(WSAEFAULT);
    struct event *reset = NULL;
    if (hEventObject != NULL && (reset = find_event(hEventObject)) == NULL) return __ws_fail(WSAEINVAL);
    if (sel != NULL) update_one(sel);
    /* Copy, clear and reset in one step (Microsoft: atomic). */
    memset(lpNetworkEvents, 0, sizeof *lpNetworkEvents);
    if (sel != NULL) {
        lpNetworkEvents->lNetworkEvents = sel->recorded;
        for (int i = 0; i < FD_MAX_EVENTS; i++)
            if (sel->recorded & (1L << i)) lpNetworkEvents->iErrorCode[i] = sel->errors[i];
        sel->recorded = 0;
        memset(sel->errors, 0, sizeof sel->errors);
    }
    if (reset != NULL) reset->signalled = false;
    return __ws_succeed(0);
}

/* --- Waiting. --- */

/* A wait on many events: WAIT_OBJECT_0 + i, WAIT_TIMEOUT, or WAIT_FAILED
 * with *error set. */

/* Whether the wait is satisfied now; consumes what satisfied it (an
 * auto-reset event is reset by the wait it ends). */
static bool satisfied(struct event **list, DWORD n, bool wait_all, DWORD *index) {
    if (wait_all) {
        for (DWORD i = 0; i < n; i++)
            if (!list[i]->signalled) return false;
        for (DWORD i = 0; i < n; i++)
            if (!list[i]->manual_reset) list[i]->signalled = false;
        *index = 0;
        return true;
    }
    /* The lowest index among the signalled ones (Microsoft's page). */
    for (DWORD i = 0; i < n; i++)
        if (list[i]->signalled) {
            if (!list[i]->manual_reset) list[i]->signalled = false;
            *index = i;
            return true;
        }
    return false;
}

/* What a selection can still record without another call from the
 * program, as WSAPoll events; *slow: only by looking again later (urgent
 * data, or FD_WRITE after the close indication). */
static SHORT awaitable(const struct selection *sel, bool *slow) {
    SHORT ev = 0;
    if (sel->connect_pending) return POLLWRNORM; /* a failure comes as POLLHUP/POLLERR */
    if (sel->listening) return (sel->armed & FD_ACCEPT) ? POLLRDNORM : 0;
    if (sel->closed_seen) {
        /* The host reports the close on every poll from now on: waiting
         * on it would return at once, so such a socket is looked at again
         * only between slices. */
        if (sel->armed & FD_WRITE) *slow = true;
        return 0;
    }
    if (sel->armed & FD_OOB) *slow = true;
    if (sel->armed & FD_READ) ev |= POLLRDNORM;
    if (sel->armed & FD_WRITE) ev |= POLLWRNORM;
    return ev;
}

/* How long one sleep lasts when some awaited condition cannot wake it. */
#define RECHECK_SLICE_MS 100
/* The most sockets of pending overlapped operations one wait watches. */
#define OVERLAPPED_INTEREST_MAX 64

static bool waits_on(struct event **list, DWORD n, HANDLE h, bool only_unsignalled) {
    struct event *e = find_event(h);
    if (e == NULL) return false;
    for (DWORD i = 0; i < n; i++)
        if (list[i] == e) return !only_unsignalled || !e->signalled;
    return false;
}

static DWORD wait_events(DWORD n, const HANDLE *handles, bool wait_all, DWORD timeout, bool alertable,
                         DWORD *error) {
    struct event *list[MAXIMUM_WAIT_OBJECTS];
    if (n == 0 || n > MAXIMUM_WAIT_OBJECTS || handles == NULL || !__ws_in_memory(handles, n * sizeof *handles)) {
        *error = ERROR_INVALID_PARAMETER;
        return WAIT_FAILED;
    }
    for (DWORD i = 0; i < n; i++) {
        if ((list[i] = find_event(handles[i])) == NULL) {
            *error = ERROR_INVALID_HANDLE;
            return WAIT_FAILED;
        }
        /* Windows refuses a wait-all on the same object twice. */
        for (DWORD j = 0; wait_all && j < i; j++)
            if (list[j] == list[i]) {
                *error = ERROR_INVALID_PARAMETER;
                return WAIT_FAILED;
            }
    }
    ULONGLONG start = GetTickCount64();
    for (;;) {
        DWORD index;
        /* Overlapped operations move on at every wait; an alertable wait
         * runs the routines of those that completed (docs/async.md). */
        __ws_overlapped_progress();
        if (alertable && __ws_routines_queued()) {
            __ws_run_routines();
            return WAIT_IO_COMPLETION;
        }
        update_all();
        if (satisfied(list, n, wait_all, &index)) return WAIT_OBJECT_0 + index;
        ULONGLONG elapsed = GetTickCount64() - start;
        if (timeout != INFINITE && elapsed >= timeout) return WAIT_TIMEOUT;
        DWORD remaining = timeout == INFINITE ? INFINITE : (DWORD)(timeout - elapsed);

        /* The sockets that can signal an awaited event, and whether the
         * wait can end at all: wait-any needs one event some socket can
         * signal, wait-all every unsignalled one. */
        winsock_ws2_sockets_list_pollfd_t fds;
        bool slow = false;
        fds.len = 0;
        fds.ptr = malloc((selection_count + OVERLAPPED_INTEREST_MAX) * sizeof *fds.ptr);
        if (fds.ptr == NULL) {
            *error = ERROR_NOT_ENOUGH_MEMORY;
            return WAIT_FAILED;
        }
        size_t signallers = 0;
        for (size_t i = 0; i < selection_count; i++) {
            const struct selection *sel = &selections[i];
            if (!waits_on(list, n, sel->event, true)) continue;
            bool sel_slow = false;
            SHORT ev = awaitable(sel, &sel_slow);
            if (ev == 0 && !sel_slow && !(sel->armed & FD_CLOSE && !sel->closed_seen)) continue;
            slow |= sel_slow;
            if (ev != 0 || (sel->armed & FD_CLOSE && !sel->closed_seen)) {
                fds.ptr[fds.len].fd = sel->s;
                fds.ptr[fds.len].events = ev;
                fds.len++;
            }
            signallers++;
        }
        /* Pending overlapped operations can end the wait too: by setting
         * an awaited event, or (alertable) by a routine to run. */
        bool overlapped_can = alertable && __ws_routines_may_come();
        for (DWORD i = 0; i < n && !overlapped_can; i++)
            overlapped_can = !list[i]->signalled && __ws_overlapped_may_signal(handles[i]);
        if (overlapped_can) {
            size_t more = __ws_overlapped_interest(fds.ptr + fds.len, OVERLAPPED_INTEREST_MAX);
            fds.len += more; /* a socket listed twice is watched once */
            signallers += more;
        }
#ifdef __WS_THREADS
        /* Another thread may set an event or end: the wait parks this
         * thread (with the sockets that can end it) and others run. */
        if (__ws_threads_others()) {
            DWORD sleep = remaining;
            if (slow && (sleep == INFINITE || sleep > RECHECK_SLICE_MS)) sleep = RECHECK_SLICE_MS;
            int outcome = __ws_threads_park(fds.ptr, fds.len, sleep, true);
            free(fds.ptr);
            if (outcome == PARK_INTERRUPTED) {
                /* closesocket or the final cleanup from another thread, or
                 * a host cleanup (docs/async.md). */
                __ws_overlapped_progress();
                *error = WSAEINTR;
                return WAIT_FAILED;
            }
            if (outcome == PARK_DEADLOCK) {
                *error = ERROR_POSSIBLE_DEADLOCK;
                return WAIT_FAILED;
            }
            continue;
        }
#endif
        bool hopeless = signallers == 0;
        if (wait_all && !hopeless) {
            for (DWORD i = 0; i < n && !hopeless; i++) {
                if (list[i]->signalled) continue;
                bool can = false;
                for (size_t j = 0; j < selection_count && !can; j++) {
                    bool unused = false;
                    const struct selection *sel = &selections[j];
                    can = find_event(sel->event) == list[i] &&
                          (awaitable(sel, &unused) != 0 || unused || (sel->armed & FD_CLOSE && !sel->closed_seen));
                }
                can = can || __ws_overlapped_may_signal(handles[i]);
                hopeless = !can;
            }
        }
        if (hopeless) {
            free(fds.ptr);
            /* One thread and no socket that could end the wait: on Windows
             * an INFINITE wait here never returns; this library fails it
             * instead of hanging the program (documented in windows.h). */
            if (timeout == INFINITE) {
                *error = ERROR_POSSIBLE_DEADLOCK;
                return WAIT_FAILED;
            }
            if (!__ws_pause(remaining)) {
                /* A host-triggered cleanup ended the wait (docs/teardown.md). */
                __ws_overlapped_progress();
                *error = WSAEINTR;
                return WAIT_FAILED;
            }
            return WAIT_TIMEOUT;
        }
        DWORD sleep = remaining;
        if (slow && (sleep == INFINITE || sleep > RECHECK_SLICE_MS)) sleep = RECHECK_SLICE_MS;
        if (fds.len == 0) {
            free(fds.ptr);
            if (!__ws_pause(sleep)) {
                __ws_overlapped_progress();
                *error = WSAEINTR;
                return WAIT_FAILED;
            }
            continue;
        }
        imports_list_s16_t revents;
        wit_error err;
        int ms = sleep == INFINITE ? -1 : sleep > INT_MAX ? INT_MAX : (int)sleep;
        bool ok = winsock_ws2_sockets_wsapoll(&fds, ms, &revents, &err);
        free(fds.ptr);
        if (ok) {
            imports_list_s16_free(&revents);
        } else if (wsa_number(err) == WSAEINTR) {
            /* A host-triggered cleanup ended the wait (docs/teardown.md); pending
             * overlapped operations end as the final cleanup ends them:
             * aborted, reported to nobody (docs/async.md). */
            __ws_overlapped_progress();
            *error = WSAEINTR;
            return WAIT_FAILED;
        } else {
            size_t before = selection_count;
            drop_stale_selections();
            if (selection_count == before) Sleep(sleep < RECHECK_SLICE_MS ? sleep : RECHECK_SLICE_MS);
        }
    }
}

/* --- The Winsock forms (docs/lifecycle.md: WSANOTINITIALISED before WSAStartup;
 * docs/surface.md: the last error is 0 after a success). --- */

WSAEVENT WSAAPI WSACreateEvent(void) {
    DWORD error;
    if (__ws_refused_while_blocking()) return WSA_INVALID_EVENT;
    if (!__ws_started()) {
        __ws_fail(WSANOTINITIALISED);
        return WSA_INVALID_EVENT;
    }
    /* Manual reset, not signalled (Microsoft's WSACreateEvent page). */
    HANDLE h = new_event(true, false, &error);
    if (h == NULL) {
        __ws_fail(WSA_NOT_ENOUGH_MEMORY);
        return WSA_INVALID_EVENT;
    }
    __ws_succeed(0);
    return h;
}

static BOOL wsa_event_call(WSAEVENT h, int op) {
    if (__ws_refused_while_blocking()) return FALSE;
    if (!__ws_started()) {
        __ws_fail(WSANOTINITIALISED);
        return FALSE;
    }
    struct event *e = find_settable_event(h);
    if (e == NULL) {
        __ws_fail(WSA_INVALID_HANDLE);
        return FALSE;
    }
    if (op == 0) close_event(h);
    else e->signalled = op > 0;
#ifdef __WS_THREADS
    if (op > 0) __ws_threads_notify_objects();
#endif
    __ws_succeed(0);
    return TRUE;
}

BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent) { return wsa_event_call(hEvent, 0); }
BOOL WSAAPI WSASetEvent(WSAEVENT hEvent) { return wsa_event_call(hEvent, 1); }
BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent) { return wsa_event_call(hEvent, -1); }

DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT *lphEvents, BOOL fWaitAll, DWORD dwTimeout,
                                      BOOL fAlertable) {
    DWORD error = 0;
    if (__ws_refused_while_blocking()) return WSA_WAIT_FAILED;
    if (!__ws_started()) {
        __ws_fail(WSANOTINITIALISED);
        return WSA_WAIT_FAILED;
    }
    DWORD result = wait_events(cEvents, lphEvents, fWaitAll != FALSE, dwTimeout, fAlertable != FALSE, &error);
    if (result == WAIT_FAILED) __ws_fail((int)error);
    else __ws_succeed(0);
    return result;
}

/* --- The kernel32 forms: they work with or without WSAStartup and, as on
 * Windows, leave the last error alone when they succeed. --- */

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
                           LPCSTR lpName) {
    DWORD error;
    (void)lpEventAttributes; /* no handle is inherited by anything */
    if (lpName != NULL && (!__ws_string_ok(lpName) || lpName[0] != '\0')) {
        SetLastError(ERROR_NOT_SUPPORTED);
        return NULL;
    }
    HANDLE h = new_event(bManualReset != FALSE, bInitialState != FALSE, &error);
    if (h == NULL) SetLastError(error);
    return h;
}

HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
                           LPCWSTR lpName) {
    if (lpName != NULL && (!__ws_in_memory(lpName, sizeof *lpName) || lpName[0] != 0)) {
        SetLastError(ERROR_NOT_SUPPORTED);
        return NULL;
    }
    return CreateEventA(lpEventAttributes, bManualReset, bInitialState, NULL);
}

static BOOL set_state(HANDLE h, bool signalled) {
    struct event *e = find_settable_event(h);
    if (e == NULL) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    e->signalled = signalled;
#ifdef __WS_THREADS
    if (signalled) __ws_threads_notify_objects();
#endif
    return TRUE;
}

BOOL WINAPI SetEvent(HANDLE hEvent) { return set_state(hEvent, true); }
BOOL WINAPI ResetEvent(HANDLE hEvent) { return set_state(hEvent, false); }

/* Events are the only handles a program can hold (CreateFile never
 * succeeds): any other value fails as before. */
BOOL WINAPI CloseHandle(HANDLE hObject) {
#ifdef __WS_THREADS
    /* A thread handle: the thread runs on, unseen (as on Windows). */
    __ws_threads_handle_closed(hObject);
#endif
    if (close_event(hObject)) return TRUE;
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
}

DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll, DWORD dwMilliseconds,
                                      BOOL bAlertable) {
    DWORD error = 0;
    DWORD result = wait_events(nCount, lpHandles, bWaitAll != FALSE, dwMilliseconds, bAlertable != FALSE, &error);
    if (result == WAIT_FAILED) SetLastError(error);
    return result;
}

DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll, DWORD dwMilliseconds) {
    return WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE);
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable) {
    return WaitForMultipleObjectsEx(1, &hHandle, FALSE, dwMilliseconds, bAlertable);
}

DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds) {
    return WaitForMultipleObjectsEx(1, &hHandle, FALSE, dwMilliseconds, FALSE);
}

/* An alertable sleep waits in the host on the sockets of pending
 * overlapped operations, so it can end as soon as one completes and its
 * routine has run. */
DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable) {
    ULONGLONG start = GetTickCount64();
    for (;;) {
        __ws_overlapped_progress();
        if (bAlertable && __ws_routines_queued()) {
            __ws_run_routines();
            return WAIT_IO_COMPLETION;
        }
        ULONGLONG elapsed = GetTickCount64() - start;
        if (dwMilliseconds != INFINITE && elapsed >= dwMilliseconds) return 0;
        DWORD remaining = dwMilliseconds == INFINITE ? INFINITE : (DWORD)(dwMilliseconds - elapsed);
        winsock_ws2_sockets_pollfd_t fds[OVERLAPPED_INTEREST_MAX];
        size_t n = bAlertable && __ws_routines_may_come() ? __ws_overlapped_interest(fds, OVERLAPPED_INTEREST_MAX) : 0;
        if (n == 0) {
            /* Nothing can end it early: one plain sleep (an INFINITE one
             * would never return, on Windows too). */
            Sleep(remaining);
            return 0;
        }
#ifdef __WS_THREADS
        /* With other threads, only this one waits; a routine queued for it
         * (or a host cleanup) wakes it. */
        if (__ws_threads_others()) {
            if (__ws_threads_park(fds, n, remaining, true) == PARK_INTERRUPTED) __ws_overlapped_progress();
            continue;
        }
#endif
        winsock_ws2_sockets_list_pollfd_t list = { fds, n };
        imports_list_s16_t revents;
        wit_error err;
        int ms = remaining == INFINITE ? -1 : remaining > INT_MAX ? INT_MAX : (int)remaining;
        if (winsock_ws2_sockets_wsapoll(&list, ms, &revents, &err)) imports_list_s16_free(&revents);
        else if (wsa_number(err) == WSAEINTR) __ws_overlapped_progress(); /* host cleanup: aborted silently */
        else Sleep(remaining < RECHECK_SLICE_MS ? remaining : RECHECK_SLICE_MS);
    }
}
