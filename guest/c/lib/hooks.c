/*
 * Winsock 1.1's blocking hooks (docs/async.md): WSASetBlockingHook,
 * WSAUnhookBlockingHook, WSAIsBlocking, WSACancelBlockingCall, and the loop
 * a blocking call runs while the program has a hook installed.
 *
 * The 1.1 model: while a blocking call waits, Winsock calls the program's
 * hook over and over (Windows' default hook pumps the message queue; a
 * component has none, so the default does nothing and a blocking call
 * simply waits in the host). From inside the hook only WSAIsBlocking and
 * WSACancelBlockingCall may be called; every other Winsock call, WSACleanup
 * included, fails WSAEINPROGRESS. A cancelled call fails WSAEINTR. After a
 * 2.x WSAStartup the four hook calls fail WSAEOPNOTSUPP (Winsock 2 removed
 * them; the program's threads replace them).
 *
 * With a hook installed, a blocking call becomes, in this library: a
 * nonblocking try; if it would block, the hook; then a short wait in the
 * host on the socket's readiness; again. The host never parks a thread for
 * it, and a host-triggered cleanup ends the wait with WSAEINTR (docs/teardown.md).
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>

#include <stdbool.h>

#include "imports.h"
#include "internal.h"

/* How long one wait between two runs of the hook lasts at most. */
#define HOOK_SLICE_MS 10
/* A hook that keeps answering TRUE ("I processed a message, call me
 * again") is still interrupted this often to retry the call. */
#define HOOK_RUNS_PER_TRY 64

/* The major version of the last successful WSAStartup (0: none yet). */
static int startup_major;
/* The program's hook; NULL means the default one. */
static FARPROC program_hook;
/* A blocking call is outstanding (the hook may be running). */
static bool blocking;
/* WSACancelBlockingCall asked the outstanding call to end. */
static bool cancel_requested;

/* Windows' default hook dispatches window messages; there are none here. */
static BOOL WINAPI default_blocking_hook(void) {
    return FALSE;
}

void __ws_hooks_startup(int negotiated_major) {
    startup_major = negotiated_major;
}

void __ws_hooks_final_cleanup(void) {
    startup_major = 0;
    program_hook = NULL;
}

bool __ws_refused_while_blocking(void) {
    if (!blocking) return false;
    __ws_fail(WSAEINPROGRESS);
    return true;
}

bool __ws_hook_installed(void) {
    return startup_major == 1 && program_hook != NULL && !blocking;
}

/* Why a hook call cannot be made now: 0, or the WSA code. */
static int hook_calls_refused(void) {
    if (!__ws_started()) return WSANOTINITIALISED;
    if (startup_major >= 2) return WSAEOPNOTSUPP;
    return 0;
}

FARPROC WSAAPI WSASetBlockingHook(FARPROC lpBlockFunc) {
    int code = hook_calls_refused();
    if (code == 0 && blocking) code = WSAEINPROGRESS;
    if (code == 0 && lpBlockFunc == NULL) code = WSAEFAULT;
    if (code) {
        __ws_fail(code);
        return NULL;
    }
    FARPROC previous = program_hook != NULL ? program_hook : (FARPROC)default_blocking_hook;
    program_hook = lpBlockFunc == (FARPROC)default_blocking_hook ? NULL : lpBlockFunc;
    __ws_succeed(0);
    return previous;
}

int WSAAPI WSAUnhookBlockingHook(void) {
    int code = hook_calls_refused();
    if (code == 0 && blocking) code = WSAEINPROGRESS;
    if (code) return __ws_fail(code);
    program_hook = NULL;
    return __ws_succeed(0);
}

/* A query, like WSAGetLastError: it leaves the last error alone unless it
 * fails. */
BOOL WSAAPI WSAIsBlocking(void) {
    int code = hook_calls_refused();
    if (code) {
        __ws_fail(code);
        return FALSE;
    }
    return blocking;
}

int WSAAPI WSACancelBlockingCall(void) {
    int code = hook_calls_refused();
    if (code) return __ws_fail(code);
    if (!blocking) return __ws_fail(WSAEINVAL); /* no outstanding blocking call */
    cancel_requested = true;
    return __ws_succeed(0);
}

/* Waits up to `ms` for `events` on `s` in the host (any socket state
 * change ends it early); false when a host-triggered cleanup cancelled the
 * wait. Without a socket (select over several), a plain pause. */
static bool wait_slice(unsigned int s, short events, DWORD ms) {
#ifdef __WS_THREADS
    /* With other threads, only this thread waits (docs/async.md). */
    if (__ws_threads_others()) {
        winsock_ws2_sockets_pollfd_t fd = { s, events };
        return __ws_threads_park(&fd, s == 0 ? 0 : 1, ms, false) != PARK_INTERRUPTED;
    }
#endif
    if (s == 0) return __ws_pause(ms);
    winsock_ws2_sockets_pollfd_t fd = { s, events };
    winsock_ws2_sockets_list_pollfd_t list = { &fd, 1 };
    imports_list_s16_t revents;
    winsock_ws2_types_error_code_t err;
    if (winsock_ws2_sockets_wsapoll(&list, (int32_t)ms, &revents, &err)) {
        imports_list_s16_free(&revents);
        return true;
    }
    return winsock_ws2_lifecycle_error_number(err) != WSAEINTR;
}

int __ws_run_blocking(unsigned int s, short events, DWORD timeout_ms, int timeout_error,
                      int (*attempt)(void *ctx, bool *again), void *ctx) {
    int result;
    ULONGLONG start = GetTickCount64();
    cancel_requested = false;
    for (;;) {
        bool again = false;
        result = attempt(ctx, &again);
        if (!again) break;
        ULONGLONG elapsed = GetTickCount64() - start;
        if (timeout_ms != 0 && elapsed >= timeout_ms) {
            /* SO_RCVTIMEO/SO_SNDTIMEO (WSAETIMEDOUT), or select's own
             * timeout (0 ready, last error 0). */
            result = timeout_error ? __ws_fail(timeout_error) : __ws_succeed(0);
            break;
        }
        /* Only the hook runs while the call is outstanding (one thread), so
         * "a blocking call is in progress" is exactly "the hook is running":
         * the library's own tries above are not refused. */
        BOOL (WINAPI *hook)(void) = (BOOL (WINAPI *)(void))program_hook;
#ifdef __WS_THREADS
        /* Here because other threads exist, without a hook: no hook to
         * run, and the wait lasts until readiness or the timeout. */
        bool threads_only = !__ws_hook_installed();
        if (threads_only) hook = NULL;
        blocking = hook != NULL;
        for (int runs = 0; hook != NULL && runs < HOOK_RUNS_PER_TRY && !cancel_requested; runs++)
            if (!hook()) break;
#else
        blocking = true;
        for (int runs = 0; runs < HOOK_RUNS_PER_TRY && !cancel_requested; runs++)
            if (!hook()) break;
#endif
        blocking = false;
        if (cancel_requested) {
            result = __ws_fail(WSAEINTR);
            break;
        }
        DWORD slice = HOOK_SLICE_MS;
#ifdef __WS_THREADS
        /* select (no single socket) looks again every slice. */
        if (threads_only && s != 0) slice = timeout_ms != 0 ? (DWORD)(timeout_ms - elapsed) : INFINITE;
#endif
        if (timeout_ms != 0 && timeout_ms - elapsed < slice) slice = (DWORD)(timeout_ms - elapsed);
        if (!wait_slice(s, events, slice)) {
            result = __ws_fail(WSAEINTR);
            break;
        }
    }
    cancel_requested = false;
    return result;
}
