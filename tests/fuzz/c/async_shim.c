/*
 * The C side of c_async_calls: the library's public calls with the
 * Windows structures they take (WSAOVERLAPPED, WSABUF, sockaddr,
 * WSANETWORKEVENTS) built here, from this native build's own headers, so
 * the Rust driver passes only integers and handles. Names the library
 * shares with glibc are renamed ws_NAME by build.rs (as here).
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The driver's bookkeeping (Rust): a completion routine ran. */
extern void fz_routine_ran(int id, unsigned long error, unsigned long bytes, unsigned long flags);
/* The driver's blocking hook (Rust): TRUE to be called again at once. */
extern int fz_hook_ran(void);

int fz_last_error(void) { return WSAGetLastError(); }
void fz_set_last_error(int code) { WSASetLastError(code); }

int fz_startup(unsigned short version, int with_data) {
    WSADATA data;
    return WSAStartup(version, with_data ? &data : NULL);
}

int fz_cleanup(void) { return WSACleanup(); }

unsigned fz_socket(int af, int type, int protocol, int overlapped) {
    if (overlapped) return (unsigned)WSASocketA(af, type, protocol, NULL, 0, WSA_FLAG_OVERLAPPED);
    return (unsigned)socket(af, type, protocol);
}

int fz_closesocket(unsigned s) { return closesocket(s); }

static int loopback(int v6, unsigned short port, SOCKADDR_STORAGE *ss) {
    memset(ss, 0, sizeof *ss);
    if (v6) {
        SOCKADDR_IN6 *in6 = (SOCKADDR_IN6 *)ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        in6->sin6_addr = in6addr_loopback;
        return (int)sizeof *in6;
    }
    SOCKADDR_IN *in = (SOCKADDR_IN *)ss;
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return (int)sizeof *in;
}

int fz_bind(unsigned s, int v6, unsigned short port) {
    SOCKADDR_STORAGE ss;
    int len = loopback(v6, port, &ss);
    return bind(s, (SOCKADDR *)&ss, len);
}

int fz_listen(unsigned s, int backlog) { return listen(s, backlog); }

int fz_connect(unsigned s, int v6, unsigned short port) {
    SOCKADDR_STORAGE ss;
    int len = loopback(v6, port, &ss);
    return connect(s, (SOCKADDR *)&ss, len);
}

unsigned fz_accept(unsigned s) {
    SOCKADDR_STORAGE ss;
    int len = sizeof ss;
    return (unsigned)accept(s, (SOCKADDR *)&ss, &len);
}

/* The port a socket is bound to, or -1. */
int fz_local_port(unsigned s) {
    SOCKADDR_STORAGE ss;
    int len = sizeof ss;
    if (getsockname(s, (SOCKADDR *)&ss, &len) == SOCKET_ERROR) return -1;
    return ntohs(ss.ss_family == AF_INET6 ? ((SOCKADDR_IN6 *)&ss)->sin6_port : ((SOCKADDR_IN *)&ss)->sin_port);
}

int fz_nonblocking(unsigned s, int on) {
    u_long arg = (u_long)on;
    return ioctlsocket(s, FIONBIO, &arg);
}

static char scratch[65536];

int fz_send(unsigned s, int len) {
    memset(scratch, 0x5a, (size_t)len);
    return send(s, scratch, len, 0);
}

int fz_recv(unsigned s, int len, int flags) { return recv(s, scratch, len, flags); }

int fz_shutdown(unsigned s, int how) { return shutdown(s, how); }

/* --- Events. --- */

uintptr_t fz_create_event(void) { return (uintptr_t)WSACreateEvent(); }
int fz_set_event(uintptr_t h) { return WSASetEvent((WSAEVENT)h); }
int fz_reset_event(uintptr_t h) { return WSAResetEvent((WSAEVENT)h); }
int fz_close_event(uintptr_t h) { return WSACloseEvent((WSAEVENT)h); }
int fz_close_handle(uintptr_t h) { return CloseHandle((HANDLE)h); }
/* ResetEvent's kernel32 form: no progress, no last error on success. */
int fz_kernel_reset_event(uintptr_t h) { return ResetEvent((HANDLE)h); }

int fz_event_select(unsigned s, uintptr_t h, long mask) { return WSAEventSelect(s, (WSAEVENT)h, mask); }

/* WSAEnumNetworkEvents: the result; the record in *events and errors[]. */
int fz_enum_network_events(unsigned s, uintptr_t h, long *events, int errors[FD_MAX_EVENTS]) {
    WSANETWORKEVENTS ne;
    memset(&ne, 0x55, sizeof ne);
    int r = WSAEnumNetworkEvents(s, (WSAEVENT)h, &ne);
    *events = ne.lNetworkEvents;
    memcpy(errors, ne.iErrorCode, sizeof ne.iErrorCode);
    return r;
}

unsigned long fz_wait(unsigned long n, const uintptr_t *handles, int all, unsigned long timeout, int alertable) {
    WSAEVENT list[WSA_MAXIMUM_WAIT_EVENTS];
    for (unsigned long i = 0; i < n && i < WSA_MAXIMUM_WAIT_EVENTS; i++) list[i] = (WSAEVENT)handles[i];
    return WSAWaitForMultipleEvents(n, n ? list : NULL, all, timeout, alertable);
}

unsigned long fz_wait_single(uintptr_t h, unsigned long timeout, int alertable) {
    return WaitForSingleObjectEx((HANDLE)h, timeout, alertable);
}

unsigned long fz_sleep_ex(unsigned long ms, int alertable) { return SleepEx(ms, alertable); }

/* --- Overlapped operations. --- */

struct fz_op {
    WSAOVERLAPPED ov; /* first: the routine finds its op from it */
    int id;
    WSABUF buf;
    DWORD flags, bytes;
    SOCKADDR_STORAGE from;
    INT fromlen;
    char data[];
};

static void CALLBACK fz_routine(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
    fz_routine_ran(((struct fz_op *)ov)->id, error, bytes, flags);
}

struct fz_op *fz_op_new(int id, uintptr_t event, int len) {
    struct fz_op *op = calloc(1, sizeof *op + (size_t)len + 1);
    if (op == NULL) abort();
    op->id = id;
    op->ov.hEvent = (WSAEVENT)event;
    op->buf.buf = op->data;
    op->buf.len = (ULONG)len;
    memset(op->data, 0x33, (size_t)len);
    op->fromlen = sizeof op->from;
    return op;
}

void fz_op_free(struct fz_op *op) { free(op); }

/* kind: 0 WSARecv, 1 WSASend, 2 WSARecvFrom, 3 WSASendTo (to 127.0.0.1:port). */
int fz_op_issue(struct fz_op *op, unsigned s, int kind, int flags, int routine, unsigned short port) {
    LPWSAOVERLAPPED_COMPLETION_ROUTINE r = routine ? fz_routine : NULL;
    op->flags = (DWORD)flags;
    switch (kind) {
    case 0: return WSARecv(s, &op->buf, 1, &op->bytes, &op->flags, &op->ov, r);
    case 1: return WSASend(s, &op->buf, 1, &op->bytes, op->flags, &op->ov, r);
    case 2: return WSARecvFrom(s, &op->buf, 1, &op->bytes, &op->flags, (SOCKADDR *)&op->from, &op->fromlen, &op->ov, r);
    default: {
        SOCKADDR_STORAGE ss;
        int len = loopback(0, port, &ss);
        return WSASendTo(s, &op->buf, 1, &op->bytes, op->flags, (SOCKADDR *)&ss, len, &op->ov, r);
    }
    }
}

unsigned long fz_op_internal(const struct fz_op *op) { return (unsigned long)(DWORD)op->ov.Internal; }
unsigned long fz_op_transferred(const struct fz_op *op) { return (unsigned long)(DWORD)op->ov.InternalHigh; }
int fz_op_completed(const struct fz_op *op) { return HasOverlappedIoCompleted(&op->ov); }

/* WSAGetOverlappedResult without waiting. */
int fz_op_result(unsigned s, struct fz_op *op, unsigned long *bytes, unsigned long *flags) {
    DWORD b = 0, f = 0;
    BOOL r = WSAGetOverlappedResult(s, &op->ov, &b, FALSE, &f);
    *bytes = b;
    *flags = f;
    return r;
}

int fz_cancel_io(uintptr_t h) { return CancelIo((HANDLE)h); }
int fz_cancel_io_ex(uintptr_t h, struct fz_op *op) { return CancelIoEx((HANDLE)h, op ? (LPOVERLAPPED)&op->ov : NULL); }

/* --- Winsock 1.1 blocking hooks. --- */

static BOOL WINAPI fz_hook(void) { return fz_hook_ran(); }

/* WSASetBlockingHook(the driver's hook): 1 when it returned the previous
 * hook, 0 (NULL) on failure. */
int fz_set_blocking_hook(void) { return WSASetBlockingHook((FARPROC)fz_hook) != NULL; }
int fz_unhook_blocking_hook(void) { return WSAUnhookBlockingHook(); }
int fz_is_blocking(void) { return WSAIsBlocking(); }
int fz_cancel_blocking_call(void) { return WSACancelBlockingCall(); }
