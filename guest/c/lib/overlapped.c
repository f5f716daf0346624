/*
 * Overlapped I/O (docs/async.md): WSASend, WSARecv, WSASendTo and WSARecvFrom
 * with a WSAOVERLAPPED (an event, or a completion routine), their
 * completion, WSAGetOverlappedResult, CancelIo/CancelIoEx, and the
 * cancellation rules of the source documents.
 *
 * A guest has one thread and the host parks none for it, so an operation
 * is a record here that makes progress whenever the program calls in: at
 * every wait (WSAWaitForMultipleEvents, WaitFor*Object*, SleepEx), at
 * WSAGetOverlappedResult, and when the next operation is issued. Each
 * socket has two queues (sending, receiving); only the head of a queue is
 * tried, so operations complete in the order they were issued. A try
 * happens only when the host reports the socket ready, so it never blocks,
 * whatever the socket's mode.
 *
 * The WSAOVERLAPPED carries the outcome as Windows' does: Internal is
 * STATUS_PENDING while the operation runs (HasOverlappedIoCompleted reads
 * it), then 0 or the WSA code; InternalHigh the bytes moved; Offset the
 * result flags. Completion sets the event, or queues the completion
 * routine, which runs only in an alertable wait.
 *
 * Cancellation: closesocket aborts the socket's operations with
 * WSA_OPERATION_ABORTED and signals them as any completion (events set,
 * routines queued); CancelIo/CancelIoEx do the same for what they name;
 * the final WSACleanup (and a host-triggered cleanup or teardown) aborts
 * every operation with WSA_OPERATION_ABORTED and signals nothing: no event
 * is set and no routine runs for them.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "imports.h"
#include "internal.h"

struct operation {
    struct operation *next; /* issue order, all sockets */
    SOCKET s;
    bool sending;
    LPWSAOVERLAPPED overlapped;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
    WSABUF *buffer_copy; /* the program's array, copied (owned) */
    WSABUF *buffers;     /* into buffer_copy, advanced as a send progresses */
    DWORD count;
    DWORD flags;
    struct sockaddr *from; /* WSARecvFrom's, written at completion */
    LPINT fromlen;
    SOCKADDR_STORAGE to; /* WSASendTo's, copied at the call */
    int tolen;
    bool has_to;
    DWORD moved;  /* bytes sent so far */
    bool issuing; /* still inside the call that issued it */
#ifdef __WS_THREADS
    DWORD thread; /* the issuer: its routine runs only in its alertable waits */
#endif
};

static struct operation *operations;

/* Completion routines waiting for an alertable wait, in completion order. */
struct queued_routine {
    struct queued_routine *next;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
    DWORD error, bytes, flags;
    LPWSAOVERLAPPED overlapped;
#ifdef __WS_THREADS
    DWORD thread;
#endif
};
static struct queued_routine *routines_head, *routines_tail;

/* --- Completion. --- */

static void unlink_operation(struct operation *op) {
    for (struct operation **p = &operations; *p; p = &(*p)->next)
        if (*p == op) {
            *p = op->next;
            return;
        }
}

static void record_outcome(LPWSAOVERLAPPED ov, DWORD error, DWORD bytes, DWORD flags) {
    ov->InternalHigh = bytes;
    ov->Offset = flags;
    ov->Internal = error; /* last: the program may be polling it */
}

/* Ends `op` with `error` (0 for success): records the outcome, and unless
 * `silent`, sets the event or queues the routine. */
static void complete(struct operation *op, DWORD error, DWORD bytes, DWORD flags, bool silent) {
    /* An operation that fails inside the call that issues it was never
     * initiated: the call returns the error and no completion indication
     * follows (Microsoft's WSARecv/WSASend pages). */
    if (op->issuing && error != 0) silent = true;
    unlink_operation(op);
    record_outcome(op->overlapped, error, bytes, flags);
#ifdef __WS_THREADS
    /* A thread parked in an alertable wait or in WSAGetOverlappedResult
     * may be waiting for this: it looks again. */
    __ws_threads_notify_objects();
#endif
    if (!silent) {
        if (op->routine != NULL) {
            struct queued_routine *q = malloc(sizeof *q);
            if (q != NULL) {
                q->next = NULL;
                q->routine = op->routine;
                q->error = error;
                q->bytes = bytes;
                q->flags = flags;
                q->overlapped = op->overlapped;
#ifdef __WS_THREADS
                /* An APC of the issuing thread (Windows queues it there). */
                q->thread = op->thread;
#endif
                if (routines_tail) routines_tail->next = q;
                else routines_head = q;
                routines_tail = q;
            }
        } else if (op->overlapped->hEvent != NULL) {
            int saved = WSAGetLastError();
            SetEvent(op->overlapped->hEvent);
            WSASetLastError(saved);
        }
    }
    free(op->buffer_copy);
    free(op);
}

/* Whether `op` is the first of its socket and direction. */
static bool at_head(const struct operation *op) {
    for (const struct operation *o = operations; o != op; o = o->next)
        if (o->s == op->s && o->sending == op->sending) return false;
    return true;
}

/* One nonblocking try of `op` (its socket is ready, or it has just been
 * issued); true when it ended. */
static bool attempt(struct operation *op) {
    DWORD n = 0;
    int saved = WSAGetLastError();
    if (op->sending) {
        int r = op->has_to ? WSASendTo(op->s, op->buffers, op->count, &n, op->flags, (SOCKADDR *)&op->to, op->tolen,
                                       NULL, NULL)
                           : WSASend(op->s, op->buffers, op->count, &n, op->flags, NULL, NULL);
        int error = r == 0 ? 0 : WSAGetLastError();
        WSASetLastError(saved);
        if (error == WSAEWOULDBLOCK) return false;
        if (error) {
            complete(op, (DWORD)error, op->moved, 0, false);
            return true;
        }
        /* A stream send may take part of the data: the rest stays queued
         * at the head, so later sends still follow it. */
        op->moved += n;
        while (op->count > 0 && n >= op->buffers[0].len) {
            n -= op->buffers[0].len;
            op->buffers++;
            op->count--;
        }
        if (op->count > 0 && n > 0) {
            op->buffers[0].buf += n;
            op->buffers[0].len -= n;
        }
        bool left = false;
        for (DWORD i = 0; i < op->count; i++) left |= op->buffers[i].len > 0;
        if (left) return false;
        complete(op, 0, op->moved, 0, false);
        return true;
    }
    DWORD flags = op->flags;
    int r = op->from ? WSARecvFrom(op->s, op->buffers, op->count, &n, &flags, op->from, op->fromlen, NULL, NULL)
                     : WSARecv(op->s, op->buffers, op->count, &n, &flags, NULL, NULL);
    int error = r == 0 ? 0 : WSAGetLastError();
    WSASetLastError(saved);
    if (error == WSAEWOULDBLOCK) return false;
    /* WSARecv counts what it delivered, also when it failed after
     * delivering (a datagram larger than the buffers fills them, then
     * WSAEMSGSIZE): that is a partial message. */
    complete(op, (DWORD)error, n, error && n ? MSG_PARTIAL : 0, false);
    return true;
}

/* --- Progress. --- */

static void abort_all(bool silent);

size_t __ws_overlapped_interest(winsock_ws2_sockets_pollfd_t *fds, size_t cap) {
    size_t n = 0;
    for (struct operation *op = operations; op != NULL; op = op->next) {
        if (!at_head(op)) continue;
        SHORT want = op->sending ? POLLWRNORM : (op->flags & MSG_OOB) ? POLLRDBAND : POLLRDNORM;
        size_t i = 0;
        while (i < n && fds[i].fd != op->s) i++;
        if (i == n) {
            if (n == cap) break;
            fds[n].fd = op->s;
            fds[n].events = 0;
            n++;
        }
        fds[i].events |= want;
    }
    return n;
}

bool __ws_overlapped_pending(void) {
    return operations != NULL;
}

void __ws_overlapped_progress(void) {
    if (operations == NULL) return;
    /* A host-triggered cleanup or teardown ended the startup behind the
     * program's back: its operations end as the final cleanup ends them. */
    if (!__ws_started()) {
        abort_all(true);
        return;
    }
    for (;;) {
        winsock_ws2_sockets_pollfd_t fds[64];
        size_t n = __ws_overlapped_interest(fds, 64);
        if (n == 0) return;
        winsock_ws2_sockets_list_pollfd_t list = { fds, n };
        imports_list_s16_t revents;
        winsock_ws2_types_error_code_t err;
        if (!winsock_ws2_sockets_wsapoll(&list, 0, &revents, &err)) return;
        bool moved = false;
        for (size_t i = 0; i < n && i < revents.len; i++) {
            if (revents.ptr[i] == 0) continue;
            /* Each ready socket: its receive head, then its send head. */
            for (int dir = 0; dir < 2; dir++) {
                for (struct operation *op = operations; op != NULL; op = op->next) {
                    if (op->s != fds[i].fd || op->sending != (dir == 1)) continue;
                    SHORT r = revents.ptr[i];
                    bool ready = (r & (POLLERR | POLLHUP | POLLNVAL)) ||
                                 (op->sending ? (r & POLLWRNORM) : (r & (POLLRDNORM | POLLRDBAND)));
                    if (ready && attempt(op)) moved = true;
                    break; /* only the head */
                }
            }
        }
        imports_list_s16_free(&revents);
        if (!moved) return;
    }
}

/* --- Issuing. --- */

int __ws_overlapped_issue(SOCKET s, bool sending, LPWSABUF buffers, DWORD count, LPDWORD bytes, DWORD flags,
                          struct sockaddr *from, LPINT fromlen, const struct sockaddr *to, int tolen,
                          LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine) {
    int type, typelen = sizeof type;
    if (getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &typelen) == SOCKET_ERROR) return SOCKET_ERROR;
    if (overlapped == NULL || !__ws_in_memory(overlapped, sizeof *overlapped)) return __ws_fail(WSAEFAULT);
    if (bytes != NULL && !__ws_in_memory(bytes, sizeof *bytes)) return __ws_fail(WSAEFAULT);
    if (count > 0 && (buffers == NULL || count > (1u << 16) || !__ws_in_memory(buffers, count * sizeof *buffers)))
        return __ws_fail(WSAEFAULT);
    for (DWORD i = 0; i < count; i++)
        if (buffers[i].len && !__ws_in_memory(buffers[i].buf, buffers[i].len)) return __ws_fail(WSAEFAULT);
    if (from != NULL && (fromlen == NULL || !__ws_in_memory(fromlen, sizeof *fromlen))) return __ws_fail(WSAEFAULT);
    if (to != NULL && (tolen < (int)sizeof(ADDRESS_FAMILY) || tolen > (int)sizeof(SOCKADDR_STORAGE) ||
                       !__ws_in_memory(to, (size_t)tolen)))
        return __ws_fail(WSAEFAULT);

    struct operation *op = calloc(1, sizeof *op);
    if (op == NULL) return __ws_fail(WSAENOBUFS);
    op->buffer_copy = op->buffers = malloc((count ? count : 1) * sizeof *op->buffers);
    if (op->buffers == NULL) {
        free(op);
        return __ws_fail(WSAENOBUFS);
    }
    if (count) memcpy(op->buffers, buffers, count * sizeof *buffers);
    op->s = s;
    op->sending = sending;
    op->overlapped = overlapped;
    op->routine = routine;
#ifdef __WS_THREADS
    op->thread = GetCurrentThreadId();
#endif
    op->count = count;
    op->flags = flags;
    op->from = from;
    op->fromlen = fromlen;
    if (to != NULL) {
        memcpy(&op->to, to, (size_t)tolen);
        op->tolen = tolen;
        op->has_to = true;
    }
    overlapped->InternalHigh = 0;
    overlapped->Internal = STATUS_PENDING;
    op->issuing = true;
    /* Issue order: behind everything already queued. */
    struct operation **tail = &operations;
    while (*tail) tail = &(*tail)->next;
    *tail = op;

    /* The earlier operations get their chance first; then this one, if it
     * is at the head, is tried at once. */
    __ws_overlapped_progress();
    if (overlapped->Internal == STATUS_PENDING && at_head(op)) {
        winsock_ws2_sockets_pollfd_t fd = { s, sending ? POLLWRNORM : (flags & MSG_OOB) ? POLLRDBAND : POLLRDNORM };
        winsock_ws2_sockets_list_pollfd_t list = { &fd, 1 };
        imports_list_s16_t revents;
        winsock_ws2_types_error_code_t err;
        if (winsock_ws2_sockets_wsapoll(&list, 0, &revents, &err)) {
            if (revents.len == 1 && revents.ptr[0] != 0) attempt(op);
            imports_list_s16_free(&revents);
        }
    }
    /* Still pending: from here on it completes with an indication. */
    if (overlapped->Internal == STATUS_PENDING) op->issuing = false;
    /* Completed at once: 0, the count, and the event already set (or the
     * routine already queued), as Microsoft documents. */
    if (overlapped->Internal != STATUS_PENDING) {
        DWORD error = (DWORD)overlapped->Internal;
        if (error != 0) return __ws_fail((int)error);
        if (bytes != NULL) *bytes = (DWORD)overlapped->InternalHigh;
        return __ws_succeed(0);
    }
    return __ws_fail(WSA_IO_PENDING);
}

/* --- Results. --- */

BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer, BOOL fWait,
                                   LPDWORD lpdwFlags) {
    int type, typelen = sizeof type;
    if (__ws_refused_while_blocking()) return FALSE;
    if (getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &typelen) == SOCKET_ERROR) {
        /* A socket closed since: its operations ended, and say so. */
        if (WSAGetLastError() != WSAENOTSOCK || lpOverlapped == NULL ||
            !__ws_in_memory(lpOverlapped, sizeof *lpOverlapped) || lpOverlapped->Internal == STATUS_PENDING)
            return FALSE;
    }
    if (lpOverlapped == NULL || !__ws_in_memory(lpOverlapped, sizeof *lpOverlapped) || lpcbTransfer == NULL ||
        !__ws_in_memory(lpcbTransfer, sizeof *lpcbTransfer) || lpdwFlags == NULL ||
        !__ws_in_memory(lpdwFlags, sizeof *lpdwFlags)) {
        __ws_fail(WSAEFAULT);
        return FALSE;
    }
    __ws_overlapped_progress();
    while (lpOverlapped->Internal == STATUS_PENDING) {
        if (!fWait) {
            __ws_fail(WSA_IO_INCOMPLETE);
            return FALSE;
        }
        /* Wait in the host for the operation's socket, then progress. */
        winsock_ws2_sockets_pollfd_t fds[64];
        size_t n = __ws_overlapped_interest(fds, 64);
        if (n == 0) break;
#ifdef __WS_THREADS
        /* With other threads, only this one waits (another thread's
         * progress may complete the operation: that wakes it too). */
        if (__ws_threads_others()) {
            if (__ws_threads_park(fds, n, INFINITE, true) == PARK_INTERRUPTED) {
                __ws_overlapped_progress();
                break;
            }
            __ws_overlapped_progress();
            continue;
        }
#endif
        winsock_ws2_sockets_list_pollfd_t list = { fds, n };
        imports_list_s16_t revents;
        winsock_ws2_types_error_code_t err;
        if (!winsock_ws2_sockets_wsapoll(&list, -1, &revents, &err)) {
            if (winsock_ws2_lifecycle_error_number(err) == WSAEINTR) {
                /* A host-triggered cleanup: every operation is aborted,
                 * silently (docs/teardown.md and docs/async.md). */
                __ws_overlapped_progress();
                break;
            }
            __ws_fail(winsock_ws2_lifecycle_error_number(err));
            return FALSE;
        }
        imports_list_s16_free(&revents);
        __ws_overlapped_progress();
    }
    *lpcbTransfer = (DWORD)lpOverlapped->InternalHigh;
    *lpdwFlags = lpOverlapped->Offset;
    DWORD error = (DWORD)lpOverlapped->Internal;
    if (error == STATUS_PENDING) error = WSA_OPERATION_ABORTED;
    if (error != 0) {
        __ws_fail((int)error);
        return FALSE;
    }
    __ws_succeed(0);
    return TRUE;
}

/* --- Cancellation. --- */

static void abort_all(bool silent) {
    while (operations != NULL) complete(operations, WSA_OPERATION_ABORTED, 0, 0, silent);
}

void __ws_overlapped_closed(SOCKET s) {
    for (struct operation *op = operations, *next; op != NULL; op = next) {
        next = op->next;
        if (op->s == s) complete(op, WSA_OPERATION_ABORTED, op->sending ? op->moved : 0, 0, false);
    }
}

void __ws_overlapped_final_cleanup(void) {
    abort_all(true);
}

/* CancelIo(Ex): a socket's operations (all, or the one named), aborted
 * and reported as completions; ERROR_NOT_FOUND when none is pending. */
static BOOL cancel_io(HANDLE h, LPOVERLAPPED only) {
    SOCKET s = (SOCKET)(uintptr_t)h;
    int type, typelen = sizeof type;
    int saved = WSAGetLastError();
    if (getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &typelen) == SOCKET_ERROR) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    WSASetLastError(saved);
    __ws_overlapped_progress();
    bool found = false;
    for (struct operation *op = operations, *next; op != NULL; op = next) {
        next = op->next;
        if (op->s != s || (only != NULL && op->overlapped != only)) continue;
        complete(op, WSA_OPERATION_ABORTED, op->sending ? op->moved : 0, 0, false);
        found = true;
    }
    if (!found) {
        SetLastError(ERROR_NOT_FOUND);
        return FALSE;
    }
    return TRUE;
}

BOOL WINAPI CancelIo(HANDLE hFile) {
    return cancel_io(hFile, NULL);
}

BOOL WINAPI CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped) {
    return cancel_io(hFile, lpOverlapped);
}

/* --- Completion routines (alertable waits). --- */

#ifdef __WS_THREADS
/* Routines are the issuing thread's (APCs): each thread sees its own. */
#define MINE(x) ((x)->thread == GetCurrentThreadId())
#else
#define MINE(x) true
#endif

bool __ws_routines_queued(void) {
#ifdef __WS_THREADS
    for (struct queued_routine *q = routines_head; q != NULL; q = q->next)
        if (MINE(q)) return true;
    return false;
#else
    return routines_head != NULL;
#endif
}

bool __ws_routines_may_come(void) {
    for (struct operation *op = operations; op != NULL; op = op->next)
        if (op->routine != NULL && MINE(op)) return true;
    return false;
}

bool __ws_overlapped_may_signal(HANDLE event) {
    for (struct operation *op = operations; op != NULL; op = op->next)
        if (op->routine == NULL && op->overlapped->hEvent == event) return true;
    return false;
}

void __ws_run_routines(void) {
    /* Only those queued now: a routine that issues a new operation which
     * completes at once queues its routine for the next alertable wait. */
#ifdef __WS_THREADS
    /* This thread's, taken out of the queue; the others' stay. */
    struct queued_routine *mine = NULL, **mine_tail = &mine, *keep = NULL, **keep_tail = &keep, *last = NULL;
    for (struct queued_routine *q = routines_head, *next; q != NULL; q = next) {
        next = q->next;
        q->next = NULL;
        if (MINE(q)) {
            *mine_tail = q;
            mine_tail = &q->next;
            last = q;
        } else {
            *keep_tail = q;
            keep_tail = &q->next;
        }
    }
    routines_head = keep;
    routines_tail = NULL;
    for (struct queued_routine *q = keep; q != NULL; q = q->next) routines_tail = q;
    struct queued_routine *q = mine;
#else
    struct queued_routine *q = routines_head, *last = routines_tail;
    routines_head = routines_tail = NULL;
#endif
    while (q != NULL) {
        struct queued_routine *next = q == last ? NULL : q->next;
        q->routine(q->error, q->bytes, q->overlapped, q->flags);
        free(q);
        q = next;
    }
}
