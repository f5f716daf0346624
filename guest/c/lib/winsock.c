/*
 * The Winsock library behind winsock2.h and ws2tcpip.h (docs/surface.md): Windows'
 * C signatures over the winsock:ws2 imports (the generated imports.h).
 *
 * The host does the socket work and chooses every WSA code of a socket call;
 * this layer translates Windows structures (sockaddr, fd_set, WSAPOLLFD,
 * addrinfo, hostent, WSADATA) to the WIT types and back, checks the
 * pointers and lengths it is handed (WSAEFAULT, as Windows checks them), and
 * keeps the instance's last error: 0 after each successful call, the code
 * after a failure (docs/lifecycle.md and docs/surface.md).
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imports.h"
#include "internal.h"

#define succeed __ws_succeed
#define fail __ws_fail
#define in_memory __ws_in_memory
#define string_ok __ws_string_ok

typedef winsock_ws2_types_error_code_t wit_error;
typedef winsock_ws2_types_socket_address_t wit_address;

#ifdef __WS_THREADS
/* Per thread, as on Windows (docs/async.md). */
#define last_error (*__ws_threads_last_error())
#else
static int last_error;
#endif

/* --- Last error. --- */

int WSAAPI WSAGetLastError(void) { return last_error; }
void WSAAPI WSASetLastError(int iError) { last_error = iError; }
DWORD WINAPI GetLastError(void) { return (DWORD)last_error; }
void WINAPI SetLastError(DWORD dwErrCode) { last_error = (int)dwErrCode; }

int __ws_succeed(int result) {
    last_error = 0;
    return result;
}

/* Records `code` and returns SOCKET_ERROR, the failure value of most calls. */
int __ws_fail(int code) {
    last_error = code;
    return SOCKET_ERROR;
}

/* The WSA number of a WIT error code, as the host defines it. */
static int wsa_number(wit_error code) {
    return winsock_ws2_lifecycle_error_number(code);
}

static int fail_with(wit_error code) { return fail(wsa_number(code)); }

/* --- Guest memory checks: Windows answers WSAEFAULT for a buffer that is
 * not wholly inside the caller's address space; here that is linear memory
 * (a read past it would trap the program instead of failing the call). --- */

int __ws_in_memory(const void *ptr, size_t len) {
    uintptr_t start = (uintptr_t)ptr;
    uintptr_t end = (uintptr_t)__builtin_wasm_memory_size(0) * 65536u;
    if (ptr == NULL) return len == 0;
    return start <= end && len <= end - start;
}

/* --- Addresses. --- */

static uint16_t swap16(uint16_t v) { return __builtin_bswap16(v); }
static uint32_t swap32(uint32_t v) { return __builtin_bswap32(v); }

u_short WSAAPI htons(u_short v) { return swap16(v); }
u_short WSAAPI ntohs(u_short v) { return swap16(v); }
u_long WSAAPI htonl(u_long v) { return swap32((uint32_t)v); }
u_long WSAAPI ntohl(u_long v) { return swap32((uint32_t)v); }

const IN6_ADDR in6addr_any = IN6ADDR_ANY_INIT;
const IN6_ADDR in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

/* A Windows sockaddr of `len` bytes as a WIT address. 0 or a WSA code. */
static int address_in(const struct sockaddr *sa, int len, wit_address *out) {
    if (sa == NULL || len < (int)sizeof(ADDRESS_FAMILY) || !in_memory(sa, (size_t)len)) return WSAEFAULT;
    memset(out, 0, sizeof *out);
    switch (sa->sa_family) {
    case AF_INET: {
        const SOCKADDR_IN *in = (const SOCKADDR_IN *)sa;
        if (len < (int)sizeof(SOCKADDR_IN)) return WSAEFAULT;
        out->tag = WINSOCK_WS2_TYPES_SOCKET_ADDRESS_IPV4;
        out->val.ipv4.port = ntohs(in->sin_port);
        out->val.ipv4.address.f0 = in->sin_addr.S_un.S_un_b.s_b1;
        out->val.ipv4.address.f1 = in->sin_addr.S_un.S_un_b.s_b2;
        out->val.ipv4.address.f2 = in->sin_addr.S_un.S_un_b.s_b3;
        out->val.ipv4.address.f3 = in->sin_addr.S_un.S_un_b.s_b4;
        return 0;
    }
    case AF_INET6: {
        const SOCKADDR_IN6 *in6 = (const SOCKADDR_IN6 *)sa;
        const UCHAR *b = in6->sin6_addr.u.Byte;
        uint16_t *w = &out->val.ipv6.address.f0;
        if (len < (int)sizeof(SOCKADDR_IN6)) return WSAEFAULT;
        out->tag = WINSOCK_WS2_TYPES_SOCKET_ADDRESS_IPV6;
        out->val.ipv6.port = ntohs(in6->sin6_port);
        out->val.ipv6.flow_info = ntohl(in6->sin6_flowinfo);
        out->val.ipv6.scope_id = in6->sin6_scope_id;
        for (int i = 0; i < 8; i++) w[i] = (uint16_t)((b[2 * i] << 8) | b[2 * i + 1]);
        return 0;
    }
    default:
        return WSAEAFNOSUPPORT;
    }
}

static int address_size(const wit_address *a) {
    return a->tag == WINSOCK_WS2_TYPES_SOCKET_ADDRESS_IPV4 ? (int)sizeof(SOCKADDR_IN) : (int)sizeof(SOCKADDR_IN6);
}

/* Writes a WIT address as a Windows sockaddr into a caller's buffer of
 * *len bytes (no-op for a NULL buffer); *len becomes the size written. */
static int address_out(const wit_address *a, struct sockaddr *sa, int *len) {
    if (sa == NULL) return 0;
    int need = address_size(a);
    if (len == NULL || !in_memory(len, sizeof *len) || *len < need || !in_memory(sa, (size_t)need)) return WSAEFAULT;
    if (a->tag == WINSOCK_WS2_TYPES_SOCKET_ADDRESS_IPV4) {
        SOCKADDR_IN in;
        memset(&in, 0, sizeof in);
        in.sin_family = AF_INET;
        in.sin_port = htons(a->val.ipv4.port);
        in.sin_addr.S_un.S_un_b.s_b1 = a->val.ipv4.address.f0;
        in.sin_addr.S_un.S_un_b.s_b2 = a->val.ipv4.address.f1;
        in.sin_addr.S_un.S_un_b.s_b3 = a->val.ipv4.address.f2;
        in.sin_addr.S_un.S_un_b.s_b4 = a->val.ipv4.address.f3;
        memcpy(sa, &in, sizeof in);
    } else {
        SOCKADDR_IN6 in6;
        const uint16_t *w = &a->val.ipv6.address.f0;
        memset(&in6, 0, sizeof in6);
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(a->val.ipv6.port);
        in6.sin6_flowinfo = htonl(a->val.ipv6.flow_info);
        in6.sin6_scope_id = a->val.ipv6.scope_id;
        for (int i = 0; i < 8; i++) {
            in6.sin6_addr.u.Byte[2 * i] = (UCHAR)(w[i] >> 8);
            in6.sin6_addr.u.Byte[2 * i + 1] = (UCHAR)w[i];
        }
        memcpy(sa, &in6, sizeof in6);
    }
    *len = need;
    return 0;
}

/* --- Lifecycle (docs/lifecycle.md). --- */

static void copy_field(char *dst, size_t cap, const imports_string_t *s) {
    size_t n = s->len < cap - 1 ? s->len : cap - 1;
    memcpy(dst, s->ptr, n);
    dst[n] = '\0';
}

static void fill_wsadata(LPWSADATA d, const winsock_ws2_lifecycle_wsa_data_t *w) {
    /* lpVendorInfo is not written (docs/lifecycle.md). */
    char *vendor_info = d->lpVendorInfo;
    memset(d, 0, sizeof *d);
    d->lpVendorInfo = vendor_info;
    d->wVersion = w->version;
    d->wHighVersion = w->high_version;
    copy_field(d->szDescription, sizeof d->szDescription, &w->description);
    copy_field(d->szSystemStatus, sizeof d->szSystemStatus, &w->system_status);
    d->iMaxSockets = w->max_sockets;
    d->iMaxUdpDg = w->max_udp_dg;
}

static bool started(void);
static void end_of_startup(void);

/* WSAStartup returns its error code instead of setting the last error. */
int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData) {
    bool has_data = lpWSAData != NULL && in_memory(lpWSAData, sizeof *lpWSAData);
    winsock_ws2_lifecycle_wsa_data_t data;
    winsock_ws2_lifecycle_startup_error_t err;
    if (__ws_refused_while_blocking()) return WSAEINPROGRESS;
    /* A startup from a count of 0 begins anew. If a host-triggered cleanup
     * or a teardown ended the previous startup behind the program's back,
     * the library's state of that startup (selections, overlapped
     * operations, the hook, the socket table) ends now, as the final
     * WSACleanup would have ended it (docs/teardown.md, docs/async.md):
     * the old handles are gone, so nothing of theirs may run on into the
     * new startup and fail WSAENOTSOCK there. */
    if (!started()) end_of_startup();
    if (winsock_ws2_lifecycle_startup(wVersionRequested, has_data, &data, &err)) {
        /* Winsock 1.1's blocking hooks exist only for a 1.x startup. */
        __ws_hooks_startup(data.version & 0xff);
        if (has_data) fill_wsadata(lpWSAData, &data);
        winsock_ws2_lifecycle_wsa_data_free(&data);
        return succeed(0);
    }
    if (err.data.is_some && has_data) fill_wsadata(lpWSAData, &err.data.val);
    int code = wsa_number(err.code);
    winsock_ws2_lifecycle_startup_error_free(&err);
    return code;
}

/* --- Sockets. --- */

/* What the library knows of each socket the program holds: whether it is
 * in nonblocking mode (a blocking call runs the Winsock 1.1 hook only on a
 * blocking socket, docs/async.md). The host keeps the sockets themselves. */
struct socket_state {
    SOCKET s;
    bool nonblocking;
};
static struct socket_state *socket_states;
static size_t socket_state_count, socket_state_cap;

static struct socket_state *find_socket(SOCKET s) {
    for (size_t i = 0; i < socket_state_count; i++)
        if (socket_states[i].s == s) return &socket_states[i];
    return NULL;
}

static void remember_socket(SOCKET s, bool nonblocking) {
    if (socket_state_count == socket_state_cap) {
        size_t cap = socket_state_cap ? socket_state_cap * 2 : 16;
        struct socket_state *grown = realloc(socket_states, cap * sizeof *grown);
        /* Without room the socket is taken for a nonblocking one: its
         * blocking calls then skip the blocking hook. */
        if (grown == NULL) return;
        socket_states = grown;
        socket_state_cap = cap;
    }
    socket_states[socket_state_count++] = (struct socket_state){ s, nonblocking };
}

static void forget_socket(SOCKET s) {
    struct socket_state *st = find_socket(s);
    if (st != NULL) *st = socket_states[--socket_state_count];
}

/* SO_TYPE of `s` from the host: SOCK_DGRAM, SOCK_STREAM, or 0 if unknown. */
static int socket_type(SOCKET s) {
    imports_list_u8_t value;
    wit_error err;
    int type = 0;
    if (winsock_ws2_sockets_getsockopt(s, SOL_SOCKET, SO_TYPE, 4, &value, &err)) {
        if (value.len >= 4) memcpy(&type, value.ptr, 4);
        imports_list_u8_free(&value);
    }
    return type;
}

static void set_nonblocking(SOCKET s, bool on) {
    struct socket_state *st = find_socket(s);
    if (st != NULL) st->nonblocking = on;
}

void __ws_socket_nonblocking(unsigned int s) {
    set_nonblocking(s, true);
}

bool __ws_pause(unsigned long ms) {
    wit_error err;
    if (winsock_ws2_sockets_pause((uint32_t)ms, &err)) return true;
    if (wsa_number(err) == WSAEINTR) return false;
    /* Not started (kernel32 waits work without WSAStartup): a plain sleep. */
    Sleep((DWORD)ms);
    return true;
}

/* Whether a blocking call on `s` runs the program's blocking hook. */
static bool hooked(SOCKET s) {
    struct socket_state *st;
#ifdef __WS_THREADS
    /* With other threads, a blocking call on a blocking socket is tries
     * and parks of its thread only (docs/async.md), through the same loop. */
    if (__ws_threads_others())
        return __ws_threads_rewinding() || ((st = find_socket(s)) != NULL && !st->nonblocking);
#endif
    return __ws_hook_installed() && (st = find_socket(s)) != NULL && !st->nonblocking;
}

#ifdef __WS_THREADS
/* With other threads, whether a blocking recv or accept on `s` can be
 * made directly, without the try-and-park loop: the socket is readable
 * now (data, a connection, EOF or an error), so the host call returns at
 * once. Two host calls instead of four for a recv that finds data. Not
 * for send: a writable socket may still take less than a whole buffer. */
static bool ready_to_read(SOCKET s) {
    if (__ws_hook_installed() || __ws_threads_rewinding()) return false;
    winsock_ws2_sockets_pollfd_t fd = { (uint32_t)s, POLLRDNORM };
    winsock_ws2_sockets_list_pollfd_t list = { &fd, 1 };
    imports_list_s16_t revents;
    wit_error err;
    if (!winsock_ws2_sockets_wsapoll(&list, 0, &revents, &err)) return false;
    SHORT r = revents.len ? revents.ptr[0] : 0;
    imports_list_s16_free(&revents);
    return (r & (POLLRDNORM | POLLHUP | POLLERR)) != 0;
}
/* MSG_OOB waits for urgent data, which readability does not promise. */
#define HOOKED_UNLESS_READABLE(s, flags) (hooked(s) && (((flags) & MSG_OOB) || !ready_to_read(s)))
#else
#define HOOKED_UNLESS_READABLE(s, flags) hooked(s)
#endif

/* Every Winsock call but WSAIsBlocking and WSACancelBlockingCall is refused
 * from inside a blocking hook (docs/async.md): WSAEINPROGRESS. */
#define REFUSE_IN_HOOK(value) \
    do { \
        if (__ws_refused_while_blocking()) return (value); \
    } while (0)

SOCKET WSAAPI socket(int af, int type, int protocol) {
    winsock_ws2_sockets_socket_handle_t s;
    wit_error err;
    REFUSE_IN_HOOK(INVALID_SOCKET);
    if (!winsock_ws2_sockets_socket(af, type, protocol, &s, &err)) {
        fail_with(err);
        return INVALID_SOCKET;
    }
    remember_socket(s, false);
    return (SOCKET)succeed((int)s);
}

int WSAAPI closesocket(SOCKET s) {
    wit_error err;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (!winsock_ws2_sockets_closesocket(s, &err)) return fail_with(err);
    forget_socket(s);
    __ws_events_closed(s);
    /* Its pending overlapped operations end WSA_OPERATION_ABORTED, their
     * events set and routines queued (docs/async.md). */
    __ws_overlapped_closed(s);
#ifdef __WS_THREADS
    /* Blocking calls on it from other threads fail WSAEINTR (docs/async.md). */
    __ws_threads_socket_closed(s);
#endif
    return succeed(0);
}

int WSAAPI WSACleanup(void) {
    wit_error err;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (!winsock_ws2_lifecycle_cleanup(&err)) return fail_with(err);
    if (!started()) {
        end_of_startup();
#ifdef __WS_THREADS
        /* Every other thread's blocking call fails WSAEINTR (docs/async.md).
         * (After a host-triggered cleanup the host has already failed
         * them, so a new WSAStartup need not.) */
        __ws_threads_interrupt_all();
#endif
    }
    return succeed(0);
}

/* What ends with a startup, library side: the final WSACleanup drops every
 * WSAEventSelect selection and aborts every overlapped operation
 * (WSA_OPERATION_ABORTED) without signalling an event or queueing a routine
 * (docs/async.md); the handles are gone (docs/lifecycle.md), and the
 * blocking hook with the startup. Running it twice is harmless. */
static void end_of_startup(void) {
    __ws_events_cleanup();
    __ws_overlapped_final_cleanup();
    __ws_hooks_final_cleanup();
    socket_state_count = 0;
}

int WSAAPI bind(SOCKET s, const struct sockaddr *name, int namelen) {
    wit_address addr;
    wit_error err;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    int code = address_in(name, namelen, &addr);
    if (code) return fail(code);
    if (!winsock_ws2_sockets_bind(s, &addr, &err)) return fail_with(err);
    return succeed(0);
}

int WSAAPI listen(SOCKET s, int backlog) {
    wit_error err;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (!winsock_ws2_sockets_listen(s, backlog, &err)) return fail_with(err);
    __ws_events_listening(s);
    return succeed(0);
}

static int connect_hooked(SOCKET s, wit_address *addr);

int WSAAPI connect(SOCKET s, const struct sockaddr *name, int namelen) {
    wit_address addr;
    wit_error err;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    int code = address_in(name, namelen, &addr);
    if (code) return fail(code);
    if (hooked(s)) return connect_hooked(s, &addr);
    /* Its outcome is FD_CONNECT for a selected socket (docs/async.md). */
    if (!winsock_ws2_sockets_connect(s, &addr, &err)) {
        fail_with(err);
        __ws_events_connect(s, last_error);
        return SOCKET_ERROR;
    }
    __ws_events_connect(s, 0);
    return succeed(0);
}

static SOCKET accept_call(SOCKET s, struct sockaddr *addr, int *addrlen);
static SOCKET accept_hooked(SOCKET s, struct sockaddr *addr, int *addrlen);

/* accept re-enables FD_ACCEPT, and the accepted socket inherits the
 * listener's WSAEventSelect selection and blocking mode (docs/async.md). */
SOCKET WSAAPI accept(SOCKET s, struct sockaddr *addr, int *addrlen) {
    REFUSE_IN_HOOK(INVALID_SOCKET);
    SOCKET got = HOOKED_UNLESS_READABLE(s, 0) ? accept_hooked(s, addr, addrlen) : accept_call(s, addr, addrlen);
    int error = last_error;
    if (got != INVALID_SOCKET) {
        struct socket_state *listener = find_socket(s);
        remember_socket(got, listener != NULL && listener->nonblocking);
        __ws_events_accepted(s, got);
    }
    __ws_events_reenable(s, FD_ACCEPT);
    last_error = error;
    return got;
}

static SOCKET accept_call(SOCKET s, struct sockaddr *addr, int *addrlen) {
    winsock_ws2_sockets_tuple2_socket_handle_socket_address_t got;
    wit_error err;
    if (addr != NULL) {
        /* Checked before a connection is taken, as Windows does: a buffer too
         * small for the listener's family is WSAEFAULT and the connection
         * stays queued. */
        if (addrlen == NULL || !in_memory(addrlen, sizeof *addrlen) || *addrlen < (int)sizeof(SOCKADDR_IN)) {
            fail(WSAEFAULT);
            return INVALID_SOCKET;
        }
        if (*addrlen < (int)sizeof(SOCKADDR_IN6)) {
            wit_address local;
            if (winsock_ws2_sockets_getsockname(s, &local, &err) &&
                local.tag == WINSOCK_WS2_TYPES_SOCKET_ADDRESS_IPV6) {
                fail(WSAEFAULT);
                return INVALID_SOCKET;
            }
        }
    }
    if (!winsock_ws2_sockets_accept(s, &got, &err)) {
        fail_with(err);
        return INVALID_SOCKET;
    }
    address_out(&got.f1, addr, addrlen);
    return (SOCKET)succeed((int)got.f0);
}

/* A negative length or a buffer outside memory is WSAEFAULT. */
static int check_buffer(const void *buf, int len) {
    if (len < 0 || !in_memory(buf, (size_t)len)) return WSAEFAULT;
    return 0;
}

/* A send that fails WSAEWOULDBLOCK arms FD_WRITE for when space frees
 * (docs/async.md). */
static int send_result(SOCKET s, bool ok, wit_error err, uint32_t sent) {
    if (ok) return succeed((int)sent);
    fail_with(err);
    if (last_error == WSAEWOULDBLOCK) {
        __ws_events_reenable(s, FD_WRITE);
        last_error = WSAEWOULDBLOCK;
    }
    return SOCKET_ERROR;
}

static int send_call(SOCKET s, const char *buf, int len, int flags) {
    imports_list_u8_t data = { (uint8_t *)buf, (size_t)len };
    uint32_t sent = 0;
    wit_error err;
    int code = check_buffer(buf, len);
    if (code) return fail(code);
    bool ok = winsock_ws2_sockets_send(s, &data, flags, &sent, &err);
    return send_result(s, ok, err, sent);
}

static int sendto_call(SOCKET s, const char *buf, int len, int flags, const struct sockaddr *to, int tolen) {
    imports_list_u8_t data = { (uint8_t *)buf, (size_t)len };
    wit_address addr;
    uint32_t sent = 0;
    wit_error err;
    int code = check_buffer(buf, len);
    if (code) return fail(code);
    /* Without a destination, sendto is send (a connected socket). */
    if (to == NULL) return send_call(s, buf, len, flags);
    if ((code = address_in(to, tolen, &addr)) != 0) return fail(code);
    bool ok = winsock_ws2_sockets_sendto(s, &data, flags, &addr, &sent, &err);
    return send_result(s, ok, err, sent);
}

static int data_hooked(int kind, SOCKET s, char *buf, const char *cbuf, int len, int flags, struct sockaddr *addr,
                       int *addrlen, const struct sockaddr *to, int tolen, size_t *delivered);
enum { HOOKED_RECV, HOOKED_RECVFROM, HOOKED_SEND, HOOKED_SENDTO, HOOKED_ACCEPT, HOOKED_CONNECTED };

int WSAAPI send(SOCKET s, const char *buf, int len, int flags) {
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (hooked(s)) return data_hooked(HOOKED_SEND, s, NULL, buf, len, flags, NULL, NULL, NULL, 0, NULL);
    return send_call(s, buf, len, flags);
}

int WSAAPI sendto(SOCKET s, const char *buf, int len, int flags, const struct sockaddr *to, int tolen) {
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (hooked(s)) return data_hooked(HOOKED_SENDTO, s, NULL, buf, len, flags, NULL, NULL, to, tolen, NULL);
    return sendto_call(s, buf, len, flags, to, tolen);
}

static int receive_call(SOCKET s, char *buf, int len, int flags, struct sockaddr *from, int *fromlen,
                        bool with_sender, size_t *delivered);

/* recv re-enables FD_READ (FD_OOB for MSG_OOB), whatever it returns: data
 * still queued is recorded again at once (docs/async.md). */
static int reenable_read(SOCKET s, int flags, int result) {
    int error = last_error;
    __ws_events_reenable(s, (flags & MSG_OOB) ? FD_OOB : FD_READ);
    last_error = error;
    return result;
}

/* recv (with_sender false) and recvfrom; WSARecv and WSARecvFrom come
 * here too. `*delivered` is the count of bytes placed in `buf`, also when
 * the call fails after delivering them (WSAEMSGSIZE). */
/* MSG_WAITALL where a blocking call is a loop of nonblocking tries (a
 * blocking hook, or other threads; docs/async.md): the host refuses the flag on
 * a nonblocking try, and one blocking host call would hold every thread,
 * so the library gathers the pieces itself, with the host's refusals
 * (MSG_PEEK, MSG_OOB, a datagram socket: WSAEOPNOTSUPP). SO_RCVTIMEO
 * bounds each piece here rather than the whole call. */
static int receive_all(SOCKET s, char *buf, int len, int flags, struct sockaddr *from, int *fromlen, bool with_sender,
                       size_t *delivered) {
    if ((flags & (MSG_PEEK | MSG_OOB)) || socket_type(s) == SOCK_DGRAM) return fail(WSAEOPNOTSUPP);
    size_t got = 0;
    while (got < (size_t)len) {
        size_t piece = 0;
        int r = data_hooked(with_sender ? HOOKED_RECVFROM : HOOKED_RECV, s, buf + got, NULL, len - (int)got,
                            flags & ~MSG_WAITALL, from, fromlen, NULL, 0, &piece);
        got += piece;
        *delivered = got;
        if (r == SOCKET_ERROR) return SOCKET_ERROR;
        if (r == 0) break; /* the peer closed: what arrived */
    }
    return succeed((int)got);
}

static int receive(SOCKET s, char *buf, int len, int flags, struct sockaddr *from, int *fromlen, bool with_sender,
                   size_t *delivered) {
    *delivered = 0;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if ((flags & MSG_WAITALL) && hooked(s) && check_buffer(buf, len) == 0)
        return reenable_read(s, flags, receive_all(s, buf, len, flags, from, fromlen, with_sender, delivered));
    if (HOOKED_UNLESS_READABLE(s, flags))
        return reenable_read(s, flags,
                             data_hooked(with_sender ? HOOKED_RECVFROM : HOOKED_RECV, s, buf, NULL, len, flags, from,
                                         fromlen, NULL, 0, delivered));
    return reenable_read(s, flags, receive_call(s, buf, len, flags, from, fromlen, with_sender, delivered));
}

int WSAAPI recv(SOCKET s, char *buf, int len, int flags) {
    size_t delivered;
    return receive(s, buf, len, flags, NULL, NULL, false, &delivered);
}

int WSAAPI recvfrom(SOCKET s, char *buf, int len, int flags, struct sockaddr *from, int *fromlen) {
    size_t delivered;
    return receive(s, buf, len, flags, from, fromlen, true, &delivered);
}

/* The one rule for what the host's recv or recvfrom received (the WIT
 * `received`): the data goes into the caller's buffer, the sender into
 * `from`, and then the call fails with the host's `error` if it set one.
 * The host alone decides when that is (a datagram longer than the buffer:
 * filled, then WSAEMSGSIZE, as on Windows). */
static int deliver(winsock_ws2_sockets_received_t *got, char *buf, int len, struct sockaddr *from, int *fromlen,
                   size_t *delivered) {
    size_t n = got->data.len < (size_t)len ? got->data.len : (size_t)len;
    if (got->data.ptr == (uint8_t *)buf) {
        /* The host wrote the bytes straight into buf (cabi_realloc below):
         * nothing to copy, and buf is the caller's, not ours to free. */
        got->data.ptr = NULL;
        got->data.len = 0;
    } else if (n) {
        memcpy(buf, got->data.ptr, n);
    }
    *delivered = n;
    int code = got->sender.is_some ? address_out(&got->sender.val, from, fromlen) : 0;
    int error = got->error.is_some ? wsa_number(got->error.val) : 0;
    winsock_ws2_sockets_received_free(got);
    if (code) return fail(code);
    if (error) return fail(error);
    return succeed((int)n);
}

/* Received bytes land in the caller's buffer. The host's `data` list is
 * placed in guest memory by the guest's own cabi_realloc (the canonical
 * ABI's allocator, which the generated bindings define weakly); armed with
 * the caller's buffer for the one recv or recvfrom import, it hands that
 * buffer out instead of malloc'ing, so the host writes the bytes where the
 * caller wants them: no allocation, copy or free in the guest per receive.
 * The host never returns more than `len` bytes; anything else asking for
 * memory meanwhile (nothing does today) falls back to realloc. Only this
 * import call runs while it is armed: threads switch in guest code, never
 * inside a host call. */
static void *recv_target;
static size_t recv_target_len;

#ifdef __wasm__ /* (a native build of the library, the fuzz target's, brings its own) */
__attribute__((__export_name__("cabi_realloc"))) void *cabi_realloc(void *ptr, size_t old_size, size_t align,
                                                                     size_t new_size) {
    (void)old_size;
    if (ptr == NULL && recv_target != NULL && new_size > 0 && new_size <= recv_target_len) {
        void *target = recv_target;
        recv_target = NULL;
        return target;
    }
    if (new_size == 0) return (void *)align;
    void *ret = realloc(ptr, new_size);
    if (!ret) abort();
    return ret;
}
#endif

static int receive_call(SOCKET s, char *buf, int len, int flags, struct sockaddr *from, int *fromlen,
                        bool with_sender, size_t *delivered) {
    winsock_ws2_sockets_received_t got;
    wit_error err;
    bool ok;
    *delivered = 0;
    int code = check_buffer(buf, len);
    if (code) return fail(code);
    if (with_sender && from != NULL &&
        (fromlen == NULL || !in_memory(fromlen, sizeof *fromlen) || *fromlen < (int)sizeof(SOCKADDR_IN)))
        return fail(WSAEFAULT);
    recv_target = len > 0 ? buf : NULL;
    recv_target_len = len > 0 ? (size_t)len : 0;
    if (!with_sender)
        ok = winsock_ws2_sockets_recv(s, len, flags, &got, &err);
    else
        ok = winsock_ws2_sockets_recvfrom(s, len, flags, &got, &err);
    recv_target = NULL;
    if (!ok) return fail_with(err);
    return deliver(&got, buf, len, from, fromlen, delivered);
}

int WSAAPI shutdown(SOCKET s, int how) {
    wit_error err;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (!winsock_ws2_sockets_shutdown(s, how, &err)) return fail_with(err);
    return succeed(0);
}

static int name_query(bool peer, SOCKET s, struct sockaddr *name, int *namelen) {
    wit_address addr;
    wit_error err;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (name == NULL || namelen == NULL || !in_memory(namelen, sizeof *namelen)) return fail(WSAEFAULT);
    bool ok = peer ? winsock_ws2_sockets_getpeername(s, &addr, &err) : winsock_ws2_sockets_getsockname(s, &addr, &err);
    if (!ok) return fail_with(err);
    int code = address_out(&addr, name, namelen);
    if (code) return fail(code);
    return succeed(0);
}

int WSAAPI getsockname(SOCKET s, struct sockaddr *name, int *namelen) { return name_query(false, s, name, namelen); }
int WSAAPI getpeername(SOCKET s, struct sockaddr *name, int *namelen) { return name_query(true, s, name, namelen); }

int WSAAPI getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen) {
    imports_list_u8_t value;
    wit_error err;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (optlen == NULL || !in_memory(optlen, sizeof *optlen)) return fail(WSAEFAULT);
    int cap = *optlen;
    if (optval == NULL || cap < 0 || !in_memory(optval, (size_t)cap)) return fail(WSAEFAULT);
    if (!winsock_ws2_sockets_getsockopt(s, level, optname, cap, &value, &err)) return fail_with(err);
    size_t n = value.len < (size_t)cap ? value.len : (size_t)cap;
    memcpy(optval, value.ptr, n);
    *optlen = (int)n;
    imports_list_u8_free(&value);
    return succeed(0);
}

int WSAAPI setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen) {
    imports_list_u8_t value = { (uint8_t *)optval, (size_t)optlen };
    wit_error err;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (optval != NULL && (optlen < 0 || !in_memory(optval, (size_t)optlen))) return fail(WSAEFAULT);
    if (!winsock_ws2_sockets_setsockopt(s, level, optname, optval ? &value : NULL, &err)) return fail_with(err);
    return succeed(0);
}

int WSAAPI ioctlsocket(SOCKET s, long cmd, u_long *argp) {
    uint32_t result;
    wit_error err;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (argp == NULL || !in_memory(argp, sizeof *argp)) return fail(WSAEFAULT);
    /* A socket with a WSAEventSelect selection stays nonblocking
     * (Microsoft's ioctlsocket page: WSAEINVAL). */
    if ((u_long)cmd == FIONBIO && *argp == 0 && __ws_events_selected(s)) return fail(WSAEINVAL);
    if (!winsock_ws2_sockets_ioctlsocket(s, (uint32_t)cmd, (uint32_t)*argp, &result, &err)) return fail_with(err);
    if ((u_long)cmd == FIONBIO) set_nonblocking(s, *argp != 0);
    *argp = result;
    return succeed(0);
}

/* --- select and WSAPoll (docs/surface.md). --- */

int WSAAPI __WSAFDIsSet(SOCKET fd, fd_set *set) {
    for (u_int i = 0; i < set->fd_count; i++)
        if (set->fd_array[i] == fd) return 1;
    return 0;
}

/* The fd_count handles of a Winsock fd_set (of any FD_SETSIZE) as a WIT
 * list; the list borrows the set's array. */
static int set_in(const fd_set *set, winsock_ws2_sockets_list_socket_handle_t *out) {
    out->ptr = NULL;
    out->len = 0;
    if (set == NULL) return 0;
    if (!in_memory(set, sizeof(u_int))) return WSAEFAULT;
    u_int count = set->fd_count;
    if (count > (1u << 24) || !in_memory(set->fd_array, (size_t)count * sizeof(SOCKET))) return WSAEFAULT;
    out->ptr = (winsock_ws2_sockets_socket_handle_t *)set->fd_array;
    out->len = count;
    return 0;
}

/* Compacts the set to the handles the host reported ready. */
static void set_out(fd_set *set, const winsock_ws2_sockets_list_socket_handle_t *ready) {
    if (set == NULL) return;
    u_int n = 0;
    for (size_t i = 0; i < ready->len && n < set->fd_count; i++) set->fd_array[n++] = ready->ptr[i];
    set->fd_count = n;
}

static int select_call(fd_set *readfds, fd_set *writefds, fd_set *exceptfds, const struct timeval *timeout);
static int select_hooked(fd_set *readfds, fd_set *writefds, fd_set *exceptfds, const struct timeval *timeout);
#ifdef __WS_THREADS
static int select_parked(fd_set *readfds, fd_set *writefds, fd_set *exceptfds, const struct timeval *timeout);
#endif

int WSAAPI select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, const struct timeval *timeout) {
    (void)nfds; /* ignored, as Windows ignores it (docs/surface.md) */
    REFUSE_IN_HOOK(SOCKET_ERROR);
    /* A wait (not a poll) runs the Winsock 1.1 hook while it lasts. */
    if (__ws_hook_installed() && (timeout == NULL || (in_memory(timeout, sizeof *timeout) &&
                                                      (timeout->tv_sec > 0 || timeout->tv_usec > 0))))
        return select_hooked(readfds, writefds, exceptfds, timeout);
#ifdef __WS_THREADS
    /* With other threads, a select that waits parks only its thread
     * (docs/async.md). */
    if (__ws_threads_others() && (timeout == NULL || (in_memory(timeout, sizeof *timeout) &&
                                                      (timeout->tv_sec > 0 || timeout->tv_usec > 0))))
        return select_parked(readfds, writefds, exceptfds, timeout);
#endif
    return select_call(readfds, writefds, exceptfds, timeout);
}

static int select_call(fd_set *readfds, fd_set *writefds, fd_set *exceptfds, const struct timeval *timeout) {
    winsock_ws2_sockets_fd_sets_t sets, ready;
    uint64_t timeout_us;
    wit_error err;
    int code;
    if ((code = set_in(readfds, &sets.readfds)) || (code = set_in(writefds, &sets.writefds)) ||
        (code = set_in(exceptfds, &sets.exceptfds)))
        return fail(code);
    if (timeout != NULL) {
        if (!in_memory(timeout, sizeof *timeout)) return fail(WSAEFAULT);
        if (timeout->tv_sec < 0 || timeout->tv_usec < 0) return fail(WSAEINVAL);
        timeout_us = (uint64_t)timeout->tv_sec * 1000000u + (uint64_t)timeout->tv_usec;
    }
    if (!winsock_ws2_sockets_select(&sets, timeout ? &timeout_us : NULL, &ready, &err)) return fail_with(err);
    set_out(readfds, &ready.readfds);
    set_out(writefds, &ready.writefds);
    set_out(exceptfds, &ready.exceptfds);
    int total = (int)(ready.readfds.len + ready.writefds.len + ready.exceptfds.len);
    winsock_ws2_sockets_fd_sets_free(&ready);
    return succeed(total);
}

#ifdef __WS_THREADS
/* With other threads, a WSAPoll that waits parks only its thread
 * (docs/async.md): zero-timeout polls, and the thread parked on the same list between
 * them. *parked_error: WSAEINTR when closesocket from another thread or a
 * cleanup ended the wait. Branches that read what other threads change
 * also test __ws_threads_rewinding (threads.c, switch_out). */
static bool poll_parked(winsock_ws2_sockets_list_pollfd_t *list, INT timeout, imports_list_s16_t *revents,
                        wit_error *err, int *parked_error) {
    ULONGLONG start = GetTickCount64();
    for (;;) {
        if (!winsock_ws2_sockets_wsapoll(list, 0, revents, err)) return false;
        bool any = false;
        for (size_t i = 0; i < revents->len; i++) any |= revents->ptr[i] != 0;
        ULONGLONG elapsed = GetTickCount64() - start;
        if (!__ws_threads_rewinding() && (any || (timeout > 0 && elapsed >= (ULONGLONG)timeout))) return true;
        imports_list_s16_free(revents);
        DWORD left = timeout < 0 ? INFINITE : (DWORD)((ULONGLONG)timeout - elapsed);
        if (__ws_threads_park(list->ptr, list->len, left, false) == PARK_INTERRUPTED) {
            *parked_error = WSAEINTR;
            return false;
        }
    }
}
#endif

int WSAAPI WSAPoll(LPWSAPOLLFD fdArray, ULONG fds, INT timeout) {
    winsock_ws2_sockets_list_pollfd_t list;
    imports_list_s16_t revents;
    wit_error err;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (fds > (1u << 24) || !in_memory(fdArray, (size_t)fds * sizeof *fdArray)) return fail(WSAEFAULT);
    list.len = fds;
    list.ptr = fds ? malloc(fds * sizeof *list.ptr) : NULL;
    if (fds && list.ptr == NULL) return fail(WSAENOBUFS);
    for (ULONG i = 0; i < fds; i++) {
        list.ptr[i].fd = fdArray[i].fd;
        list.ptr[i].events = fdArray[i].events;
    }
#ifdef __WS_THREADS
    int parked_error = 0;
    bool ok = timeout != 0 && __ws_threads_others() ? poll_parked(&list, timeout, &revents, &err, &parked_error)
                                                    : winsock_ws2_sockets_wsapoll(&list, timeout, &revents, &err);
    free(list.ptr);
    if (parked_error) return fail(parked_error);
#else
    bool ok = winsock_ws2_sockets_wsapoll(&list, timeout, &revents, &err);
    free(list.ptr);
#endif
    if (!ok) {
        /* Every entry was invalid (docs/surface.md): each still gets POLLNVAL. */
        if (wsa_number(err) == WSAENOTSOCK)
            for (ULONG i = 0; i < fds; i++) fdArray[i].revents = POLLNVAL;
        return fail_with(err);
    }
    int ready = 0;
    for (ULONG i = 0; i < fds; i++) {
        SHORT r = i < revents.len ? revents.ptr[i] : 0;
        fdArray[i].revents = r;
        /* Invalid handles get POLLNVAL and are not counted (docs/surface.md). */
        if (r != 0 && !(r & POLLNVAL)) ready++;
    }
    imports_list_s16_free(&revents);
    return succeed(ready);
}

/* --- Name lookup (docs/surface.md and docs/sandbox.md: the host applies the lookup grant). --- */

static imports_string_t borrow_string(const char *s) {
    imports_string_t out = { (uint8_t *)s, s ? strlen(s) : 0 };
    return out;
}

bool __ws_string_ok(const char *s) {
    /* Lengths of guest strings are bounded so a scan cannot run off memory. */
    uintptr_t end = (uintptr_t)__builtin_wasm_memory_size(0) * 65536u;
    if (s == NULL || (uintptr_t)s >= end) return false;
    return memchr(s, '\0', end - (uintptr_t)s) != NULL;
}

int WSAAPI getaddrinfo(const char *pNodeName, const char *pServiceName, const ADDRINFOA *pHints, PADDRINFOA *ppResult) {
    imports_string_t node, service;
    winsock_ws2_sockets_addrinfo_hints_t hints;
    winsock_ws2_sockets_list_addrinfo_t list;
    wit_error err;
    if (__ws_refused_while_blocking()) return WSAEINPROGRESS;
    if (ppResult == NULL || !in_memory(ppResult, sizeof *ppResult)) return last_error = WSAEINVAL;
    *ppResult = NULL;
    if ((pNodeName && !string_ok(pNodeName)) || (pServiceName && !string_ok(pServiceName)) ||
        (pHints && !in_memory(pHints, sizeof *pHints)))
        return last_error = WSAEFAULT;
    if (pNodeName == NULL && pServiceName == NULL) return last_error = WSAHOST_NOT_FOUND;
    node = borrow_string(pNodeName);
    service = borrow_string(pServiceName);
    if (pHints) {
        hints.flags = pHints->ai_flags;
        hints.family = pHints->ai_family;
        hints.socktype = pHints->ai_socktype;
        hints.protocol = pHints->ai_protocol;
    }
    if (!winsock_ws2_sockets_getaddrinfo(pNodeName ? &node : NULL, pServiceName ? &service : NULL,
                                         pHints ? &hints : NULL, &list, &err))
        return last_error = wsa_number(err);

    PADDRINFOA head = NULL, *tail = &head;
    for (size_t i = 0; i < list.len; i++) {
        const winsock_ws2_sockets_addrinfo_t *w = &list.ptr[i];
        /* One allocation per entry: the addrinfo, then its sockaddr. */
        PADDRINFOA ai = calloc(1, sizeof *ai + sizeof(SOCKADDR_IN6));
        if (ai == NULL) {
            freeaddrinfo(head);
            winsock_ws2_sockets_list_addrinfo_free(&list);
            return last_error = WSA_NOT_ENOUGH_MEMORY;
        }
        int len = (int)sizeof(SOCKADDR_IN6);
        ai->ai_family = w->family;
        ai->ai_socktype = w->socktype;
        ai->ai_protocol = w->protocol;
        ai->ai_addr = (struct sockaddr *)(ai + 1);
        address_out(&w->addr, ai->ai_addr, &len);
        ai->ai_addrlen = (size_t)len;
        if (w->canonname.is_some) {
            ai->ai_canonname = malloc(w->canonname.val.len + 1);
            if (ai->ai_canonname) {
                memcpy(ai->ai_canonname, w->canonname.val.ptr, w->canonname.val.len);
                ai->ai_canonname[w->canonname.val.len] = '\0';
            }
        }
        *tail = ai;
        tail = &ai->ai_next;
    }
    winsock_ws2_sockets_list_addrinfo_free(&list);
    *ppResult = head;
    return succeed(0);
}

void WSAAPI freeaddrinfo(PADDRINFOA pAddrInfo) {
    while (pAddrInfo != NULL) {
        PADDRINFOA next = pAddrInfo->ai_next;
        free(pAddrInfo->ai_canonname);
        free(pAddrInfo);
        pAddrInfo = next;
    }
}

static int copy_out_string(char *dst, DWORD cap, const imports_string_t *s) {
    if (dst == NULL || cap == 0) return 0;
    if (!in_memory(dst, cap) || s->len + 1 > cap) return WSAEFAULT;
    memcpy(dst, s->ptr, s->len);
    dst[s->len] = '\0';
    return 0;
}

int WSAAPI getnameinfo(const SOCKADDR *pSockaddr, socklen_t SockaddrLength, PCHAR pNodeBuffer, DWORD NodeBufferSize,
                       PCHAR pServiceBuffer, DWORD ServiceBufferSize, INT Flags) {
    wit_address addr;
    imports_tuple2_string_string_t names;
    wit_error err;
    if (__ws_refused_while_blocking()) return WSAEINPROGRESS;
    int code = address_in(pSockaddr, SockaddrLength, &addr);
    if (code) return last_error = code;
    if ((pNodeBuffer == NULL || NodeBufferSize == 0) && (pServiceBuffer == NULL || ServiceBufferSize == 0))
        return last_error = WSAHOST_NOT_FOUND;
    if (!winsock_ws2_sockets_getnameinfo(&addr, Flags, &names, &err)) return last_error = wsa_number(err);
    code = copy_out_string(pNodeBuffer, NodeBufferSize, &names.f0);
    if (!code) code = copy_out_string(pServiceBuffer, ServiceBufferSize, &names.f1);
    imports_tuple2_string_string_free(&names);
    if (code) return last_error = code;
    return succeed(0);
}

char *gai_strerrorA(int ecode) {
    switch (ecode) {
    case 0: return "Success";
    case EAI_AGAIN: return "A temporary failure in name resolution occurred.";
    case EAI_BADFLAGS: return "An invalid value was provided for the ai_flags member.";
    case EAI_FAIL: return "A nonrecoverable failure in name resolution occurred.";
    case EAI_FAMILY: return "The ai_family member is not supported.";
    case EAI_MEMORY: return "A memory allocation failure occurred.";
    case EAI_NONAME: return "The name does not resolve for the supplied parameters.";
    case EAI_SERVICE: return "The service is not supported for ai_socktype.";
    case EAI_SOCKTYPE: return "The ai_socktype member is not supported.";
    default: return "Unknown error.";
    }
}

/* gethostbyname's result lives in storage owned by the library until the
 * next call, as on Windows. */
#define HOSTENT_MAX_ADDRS 35
static struct {
    HOSTENT h;
    char name[NI_MAXHOST];
    char *aliases[1];
    char *addr_ptrs[HOSTENT_MAX_ADDRS + 1];
    IN_ADDR addrs[HOSTENT_MAX_ADDRS];
    UCHAR addr_bytes[16]; /* gethostbyaddr's one address, either family */
} host_storage;

struct hostent *WSAAPI gethostbyname(const char *name) {
    imports_string_t node;
    winsock_ws2_sockets_addrinfo_hints_t hints = { 0, AF_INET, SOCK_STREAM, 0 };
    winsock_ws2_sockets_list_addrinfo_t list;
    wit_error err;
    char local[NI_MAXHOST];
    REFUSE_IN_HOOK(NULL);
    if (name == NULL) {
        if (gethostname(local, sizeof local) != 0) return NULL;
        name = local;
    } else if (!string_ok(name)) {
        fail(WSAEFAULT);
        return NULL;
    }
    node = borrow_string(name);
    if (!winsock_ws2_sockets_getaddrinfo(&node, NULL, &hints, &list, &err)) {
        fail_with(err);
        return NULL;
    }
    size_t count = 0;
    const char *canon = name;
    for (size_t i = 0; i < list.len && count < HOSTENT_MAX_ADDRS; i++) {
        const wit_address *a = &list.ptr[i].addr;
        if (a->tag != WINSOCK_WS2_TYPES_SOCKET_ADDRESS_IPV4) continue;
        IN_ADDR in;
        in.S_un.S_un_b.s_b1 = a->val.ipv4.address.f0;
        in.S_un.S_un_b.s_b2 = a->val.ipv4.address.f1;
        in.S_un.S_un_b.s_b3 = a->val.ipv4.address.f2;
        in.S_un.S_un_b.s_b4 = a->val.ipv4.address.f3;
        bool seen = false;
        for (size_t j = 0; j < count; j++) seen |= host_storage.addrs[j].S_un.S_addr == in.S_un.S_addr;
        if (!seen) host_storage.addrs[count++] = in;
    }
    size_t n = strlen(canon) < sizeof host_storage.name - 1 ? strlen(canon) : sizeof host_storage.name - 1;
    memcpy(host_storage.name, canon, n);
    host_storage.name[n] = '\0';
    winsock_ws2_sockets_list_addrinfo_free(&list);
    if (count == 0) {
        fail(WSANO_DATA);
        return NULL;
    }
    for (size_t i = 0; i < count; i++) host_storage.addr_ptrs[i] = (char *)&host_storage.addrs[i];
    host_storage.addr_ptrs[count] = NULL;
    host_storage.aliases[0] = NULL;
    host_storage.h.h_name = host_storage.name;
    host_storage.h.h_aliases = host_storage.aliases;
    host_storage.h.h_addrtype = AF_INET;
    host_storage.h.h_length = (short)sizeof(IN_ADDR);
    host_storage.h.h_addr_list = host_storage.addr_ptrs;
    succeed(0);
    return &host_storage.h;
}

int WSAAPI gethostname(char *name, int namelen) {
    imports_string_t got;
    wit_error err;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (name == NULL || namelen < 0 || !in_memory(name, (size_t)namelen)) return fail(WSAEFAULT);
    if (!winsock_ws2_sockets_gethostname(&got, &err)) return fail_with(err);
    int code = copy_out_string(name, (DWORD)namelen, &got);
    if (namelen == 0) code = WSAEFAULT;
    imports_string_free(&got);
    if (code) return fail(code);
    return succeed(0);
}

/* --- Reverse lookup and services (docs/surface.md and docs/sandbox.md). --- */

struct hostent *WSAAPI gethostbyaddr(const char *addr, int len, int type) {
    wit_address a;
    imports_string_t name;
    wit_error err;
    REFUSE_IN_HOOK(NULL);
    memset(&a, 0, sizeof a);
    if (type == AF_INET) {
        if (addr == NULL || len < 4 || !in_memory(addr, 4)) {
            fail(WSAEFAULT);
            return NULL;
        }
        a.tag = WINSOCK_WS2_TYPES_SOCKET_ADDRESS_IPV4;
        a.val.ipv4.address.f0 = (uint8_t)addr[0];
        a.val.ipv4.address.f1 = (uint8_t)addr[1];
        a.val.ipv4.address.f2 = (uint8_t)addr[2];
        a.val.ipv4.address.f3 = (uint8_t)addr[3];
    } else if (type == AF_INET6) {
        uint16_t *w = &a.val.ipv6.address.f0;
        if (addr == NULL || len < 16 || !in_memory(addr, 16)) {
            fail(WSAEFAULT);
            return NULL;
        }
        a.tag = WINSOCK_WS2_TYPES_SOCKET_ADDRESS_IPV6;
        for (int i = 0; i < 8; i++) w[i] = (uint16_t)(((uint8_t)addr[2 * i] << 8) | (uint8_t)addr[2 * i + 1]);
    } else {
        fail(WSAEAFNOSUPPORT);
        return NULL;
    }
    if (!winsock_ws2_sockets_gethostbyaddr(&a, &name, &err)) {
        fail_with(err);
        return NULL;
    }
    size_t n = name.len < sizeof host_storage.name - 1 ? name.len : sizeof host_storage.name - 1;
    memcpy(host_storage.name, name.ptr, n);
    host_storage.name[n] = '\0';
    imports_string_free(&name);
    int size = type == AF_INET ? 4 : 16;
    memcpy(host_storage.addr_bytes, addr, (size_t)size);
    host_storage.addr_ptrs[0] = (char *)host_storage.addr_bytes;
    host_storage.addr_ptrs[1] = NULL;
    host_storage.aliases[0] = NULL;
    host_storage.h.h_name = host_storage.name;
    host_storage.h.h_aliases = host_storage.aliases;
    host_storage.h.h_addrtype = (short)type;
    host_storage.h.h_length = (short)size;
    host_storage.h.h_addr_list = host_storage.addr_ptrs;
    succeed(0);
    return &host_storage.h;
}

/* getservbyname/getservbyport's result, owned by the library until the next
 * call, as on Windows. The services table itself is the host's (the one
 * getaddrinfo and getnameinfo use), asked without any name lookup. */
static struct {
    SERVENT s;
    char name[NI_MAXSERV];
    char proto[8];
    char *aliases[1];
} serv_storage;

static int proto_socktype(const char *proto) {
    if (proto == NULL) return SOCK_STREAM;
    if (_stricmp(proto, "tcp") == 0) return SOCK_STREAM;
    if (_stricmp(proto, "udp") == 0) return SOCK_DGRAM;
    return 0;
}

static struct servent *serv_result(const char *name, size_t len, u_short port, const char *proto) {
    if (len >= sizeof serv_storage.name) len = sizeof serv_storage.name - 1;
    memcpy(serv_storage.name, name, len);
    serv_storage.name[len] = '\0';
    snprintf(serv_storage.proto, sizeof serv_storage.proto, "%s", proto ? proto : "tcp");
    for (char *p = serv_storage.proto; *p; p++) *p = (char)tolower((unsigned char)*p);
    serv_storage.aliases[0] = NULL;
    serv_storage.s.s_name = serv_storage.name;
    serv_storage.s.s_aliases = serv_storage.aliases;
    serv_storage.s.s_port = (short)htons(port);
    serv_storage.s.s_proto = serv_storage.proto;
    succeed(0);
    return &serv_storage.s;
}

static bool all_digits(const char *s) {
    if (*s == '\0') return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

struct servent *WSAAPI getservbyname(const char *name, const char *proto) {
    winsock_ws2_sockets_addrinfo_hints_t hints = { AI_NUMERICHOST, AF_INET, 0, 0 };
    winsock_ws2_sockets_list_addrinfo_t list;
    imports_string_t node = borrow_string("127.0.0.1"), service;
    wit_error err;
    REFUSE_IN_HOOK(NULL);
    if (name == NULL || !string_ok(name) || (proto != NULL && !string_ok(proto))) {
        fail(WSAEFAULT);
        return NULL;
    }
    hints.socktype = proto_socktype(proto);
    /* A number is not a service name (getaddrinfo would take it). */
    if (hints.socktype == 0 || all_digits(name)) {
        fail(WSANO_DATA);
        return NULL;
    }
    service = borrow_string(name);
    if (!winsock_ws2_sockets_getaddrinfo(&node, &service, &hints, &list, &err)) {
        int code = wsa_number(err);
        fail(code == WSAHOST_NOT_FOUND || code == WSATYPE_NOT_FOUND ? WSANO_DATA : code);
        return NULL;
    }
    u_short port = list.len ? list.ptr[0].addr.val.ipv4.port : 0;
    bool found = list.len > 0;
    winsock_ws2_sockets_list_addrinfo_free(&list);
    if (!found) {
        fail(WSANO_DATA);
        return NULL;
    }
    return serv_result(name, strlen(name), port, proto);
}

struct servent *WSAAPI getservbyport(int port, const char *proto) {
    wit_address a;
    imports_tuple2_string_string_t names;
    wit_error err;
    REFUSE_IN_HOOK(NULL);
    if (proto != NULL && !string_ok(proto)) {
        fail(WSAEFAULT);
        return NULL;
    }
    int socktype = proto_socktype(proto);
    if (socktype == 0) {
        fail(WSANO_DATA);
        return NULL;
    }
    memset(&a, 0, sizeof a);
    a.tag = WINSOCK_WS2_TYPES_SOCKET_ADDRESS_IPV4;
    a.val.ipv4.address.f0 = 127;
    a.val.ipv4.address.f3 = 1;
    a.val.ipv4.port = ntohs((u_short)port); /* given in network byte order */
    if (!winsock_ws2_sockets_getnameinfo(&a, NI_NUMERICHOST | (socktype == SOCK_DGRAM ? NI_DGRAM : 0), &names, &err)) {
        fail_with(err);
        return NULL;
    }
    /* getnameinfo answers with the number when no service has that port. */
    char service[NI_MAXSERV];
    size_t n = names.f1.len < sizeof service - 1 ? names.f1.len : sizeof service - 1;
    memcpy(service, names.f1.ptr, n);
    service[n] = '\0';
    imports_tuple2_string_string_free(&names);
    if (all_digits(service)) {
        fail(WSANO_DATA);
        return NULL;
    }
    return serv_result(service, n, a.val.ipv4.port, proto);
}

/* --- Winsock 2 calls in their non-overlapped form. --- */

static SOCKET socket_from_info(int af, int type, int protocol, const int *info_fields, GROUP g, DWORD dwFlags) {
    const DWORD known = WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT;
    if (info_fields != NULL) {
        if (af == FROM_PROTOCOL_INFO) af = info_fields[0];
        if (type == FROM_PROTOCOL_INFO) type = info_fields[1];
        if (protocol == FROM_PROTOCOL_INFO) protocol = info_fields[2];
    }
    /* Socket groups and multipoint sockets are not offered; overlapped
     * sockets are ordinary ones here (every socket() socket is overlapped
     * on Windows too), and handles are never inherited. */
    if (g != 0 || (dwFlags & ~known) != 0) {
        fail(WSAEINVAL);
        return INVALID_SOCKET;
    }
    return socket(af, type, protocol);
}

/* The numeric members WSASocket reads lie at the same offsets in the A and
 * W forms of WSAPROTOCOL_INFO (only szProtocol, the last member, differs),
 * so one reader serves both. */
_Static_assert(offsetof(WSAPROTOCOL_INFOA, iAddressFamily) == offsetof(WSAPROTOCOL_INFOW, iAddressFamily) &&
                   offsetof(WSAPROTOCOL_INFOA, iSocketType) == offsetof(WSAPROTOCOL_INFOW, iSocketType) &&
                   offsetof(WSAPROTOCOL_INFOA, iProtocol) == offsetof(WSAPROTOCOL_INFOW, iProtocol),
               "WSAPROTOCOL_INFOA and WSAPROTOCOL_INFOW share their numeric members");

static SOCKET wsa_socket(int af, int type, int protocol, const void *info, size_t info_size, GROUP g,
                         DWORD dwFlags) {
    int fields[3];
    if (info != NULL) {
        if (!in_memory(info, info_size)) {
            fail(WSAEFAULT);
            return INVALID_SOCKET;
        }
        const char *bytes = info;
        memcpy(&fields[0], bytes + offsetof(WSAPROTOCOL_INFOA, iAddressFamily), sizeof(int));
        memcpy(&fields[1], bytes + offsetof(WSAPROTOCOL_INFOA, iSocketType), sizeof(int));
        memcpy(&fields[2], bytes + offsetof(WSAPROTOCOL_INFOA, iProtocol), sizeof(int));
    }
    return socket_from_info(af, type, protocol, info ? fields : NULL, g, dwFlags);
}

SOCKET WSAAPI WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA info, GROUP g, DWORD dwFlags) {
    return wsa_socket(af, type, protocol, info, sizeof *info, g, dwFlags);
}

SOCKET WSAAPI WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g, DWORD dwFlags) {
    return wsa_socket(af, type, protocol, info, sizeof *info, g, dwFlags);
}

/* The most one gathered send or scattered receive moves through the
 * library's staging buffer (the host's per-call limit is lower by default;
 * a stream send may be partial, as Windows' may). */
#define WSABUF_STAGING_MAX (1u << 20)

/* Checks a WSABUF array and every buffer it names (WSAEFAULT, as Windows);
 * *total is the sum of their lengths, capped at INT32_MAX. */
static int check_wsabufs(const WSABUF *bufs, DWORD count, size_t *total) {
    *total = 0;
    if (count == 0) return 0;
    if (bufs == NULL || count > (1u << 20) || !in_memory(bufs, (size_t)count * sizeof *bufs)) return WSAEFAULT;
    for (DWORD i = 0; i < count; i++) {
        if (bufs[i].len && !in_memory(bufs[i].buf, bufs[i].len)) return WSAEFAULT;
        *total += bufs[i].len;
        if (*total > INT32_MAX) *total = INT32_MAX;
    }
    return 0;
}

/* Gathers the buffers for one send (one datagram on a datagram socket) and
 * hands them to send or sendto. */
static int send_wsabufs(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags, const struct sockaddr *to,
                        int tolen, LPWSAOVERLAPPED ovl, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine) {
    size_t total;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (ovl != NULL || routine != NULL)
        return __ws_overlapped_issue(s, true, bufs, count, sent, flags, NULL, NULL, to, tolen, ovl, routine);
    int code = check_wsabufs(bufs, count, &total);
    if (code) return fail(code);
    if (sent == NULL || !in_memory(sent, sizeof *sent)) return fail(WSAEFAULT);
    const char *data = count ? bufs[0].buf : NULL;
    char *staging = NULL;
    if (count > 1) {
        size_t take = total < WSABUF_STAGING_MAX ? total : WSABUF_STAGING_MAX;
        /* A datagram is never cut: one larger than the staging buffer is
         * larger than any datagram (WSAEMSGSIZE). */
        if (take < total && socket_type(s) == SOCK_DGRAM) return fail(WSAEMSGSIZE);
        staging = malloc(take ? take : 1);
        if (staging == NULL) return fail(WSAENOBUFS);
        size_t at = 0;
        for (DWORD i = 0; i < count && at < take; i++) {
            size_t n = bufs[i].len < take - at ? bufs[i].len : take - at;
            memcpy(staging + at, bufs[i].buf, n);
            at += n;
        }
        data = staging;
        total = take;
    }
    int result = to ? sendto(s, data, (int)total, (int)flags, to, tolen) : send(s, data, (int)total, (int)flags);
    free(staging);
    if (result == SOCKET_ERROR) return SOCKET_ERROR;
    *sent = (DWORD)result;
    return succeed(0);
}

int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                   LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    return send_wsabufs(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, NULL, 0, lpOverlapped,
                        lpCompletionRoutine);
}

int WSAAPI WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                     const struct sockaddr *lpTo, int iTolen, LPWSAOVERLAPPED lpOverlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    /* Without a destination WSASendTo is WSASend (a connected socket). */
    if (lpTo == NULL)
        return send_wsabufs(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, NULL, 0, lpOverlapped,
                            lpCompletionRoutine);
    return send_wsabufs(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, lpTo, iTolen, lpOverlapped,
                        lpCompletionRoutine);
}

/* One recv (or recvfrom) scattered over the buffers. What a failing call
 * delivered (a datagram larger than them all fills them, then
 * WSAEMSGSIZE) is counted in *received all the same, as recv does. */
static int recv_wsabufs(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received, LPDWORD flags, struct sockaddr *from,
                        LPINT fromlen, LPWSAOVERLAPPED ovl, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine) {
    size_t total;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (ovl != NULL || routine != NULL) {
        /* lpFlags is read at the call (MSG_PEEK, MSG_OOB); the result's
         * flags come from WSAGetOverlappedResult. */
        if (flags == NULL || !in_memory(flags, sizeof *flags)) return fail(WSAEFAULT);
        return __ws_overlapped_issue(s, false, bufs, count, received, *flags, from, fromlen, NULL, 0, ovl, routine);
    }
    int code = check_wsabufs(bufs, count, &total);
    if (code) return fail(code);
    if (received == NULL || !in_memory(received, sizeof *received) || flags == NULL ||
        !in_memory(flags, sizeof *flags))
        return fail(WSAEFAULT);
    char *data = count ? bufs[0].buf : NULL;
    char *staging = NULL;
    if (count > 1) {
        if (total > WSABUF_STAGING_MAX) total = WSABUF_STAGING_MAX;
        staging = malloc(total ? total : 1);
        if (staging == NULL) return fail(WSAENOBUFS);
        data = staging;
    }
    size_t got;
    int result = receive(s, data, (int)total, (int)*flags, from, fromlen, from != NULL, &got);
    int error = result == SOCKET_ERROR ? WSAGetLastError() : 0;
    if (staging != NULL) {
        size_t at = 0;
        for (DWORD i = 0; i < count && at < got; i++) {
            size_t n = bufs[i].len < got - at ? bufs[i].len : got - at;
            memcpy(bufs[i].buf, staging + at, n);
            at += n;
        }
        free(staging);
    }
    *received = (DWORD)got;
    if (error) return fail(error);
    *flags = 0;
    return succeed(0);
}

int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                   LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    return recv_wsabufs(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, NULL, NULL, lpOverlapped,
                        lpCompletionRoutine);
}

int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd,
                       LPDWORD lpFlags, struct sockaddr *lpFrom, LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    if (lpFrom == NULL)
        return recv_wsabufs(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, NULL, NULL, lpOverlapped,
                            lpCompletionRoutine);
    return recv_wsabufs(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, lpFrom, lpFromlen,
                        lpOverlapped, lpCompletionRoutine);
}

/* Whole seconds for the host's TCP_KEEPIDLE/TCP_KEEPINTVL, rounded up so a
 * short interval never becomes "no interval". */
static DWORD keepalive_seconds(ULONG ms) {
    DWORD s = (DWORD)((ms + 999u) / 1000u);
    return s ? s : 1;
}

/* The Winsock 2 codes Windows knows but this host does not perform: they
 * fail WSAEOPNOTSUPP ("cannot be realized"); codes nobody knows fail
 * WSAEINVAL, as Microsoft documents for WSAIoctl. */
static bool known_ioctl(DWORD code) {
    static const DWORD known[] = {
        SIO_ASSOCIATE_HANDLE, SIO_ENABLE_CIRCULAR_QUEUEING, SIO_FIND_ROUTE, SIO_FLUSH,
        SIO_GET_BROADCAST_ADDRESS, SIO_GET_EXTENSION_FUNCTION_POINTER, SIO_GET_QOS, SIO_GET_GROUP_QOS,
        SIO_MULTIPOINT_LOOPBACK, SIO_MULTICAST_SCOPE, SIO_SET_QOS, SIO_SET_GROUP_QOS, SIO_TRANSLATE_HANDLE,
        SIO_ROUTING_INTERFACE_QUERY, SIO_ROUTING_INTERFACE_CHANGE, SIO_ADDRESS_LIST_QUERY,
        SIO_ADDRESS_LIST_CHANGE, SIO_QUERY_TARGET_PNP_HANDLE, SIO_ADDRESS_LIST_SORT, SIO_RCVALL,
        SIO_RCVALL_MCAST, SIO_RCVALL_IGMPMCAST, SIO_ABSORB_RTRALERT, SIO_UCAST_IF, SIO_LIMIT_BROADCASTS,
        SIO_INDEX_BIND, SIO_INDEX_MCASTIF, SIO_INDEX_ADD_MCAST, SIO_INDEX_DEL_MCAST, SIO_LOOPBACK_FAST_PATH,
        FIOASYNC, SIOCSHIWAT, SIOCGHIWAT, SIOCSLOWAT, SIOCGLOWAT,
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (known[i] == code) return true;
    return false;
}

static int set_int_option(SOCKET s, int level, int name, DWORD value) {
    return setsockopt(s, level, name, (const char *)&value, sizeof value);
}

int WSAAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer, LPVOID lpvOutBuffer,
                    DWORD cbOutBuffer, LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    int type = 0, typelen = sizeof type;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    /* The handle first: a bad one is WSAENOTSOCK whatever the code. */
    if (getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &typelen) == SOCKET_ERROR) return SOCKET_ERROR;
    /* The ioctls offered complete at once; an overlapped form is not. */
    if (lpOverlapped != NULL || lpCompletionRoutine != NULL) return fail(WSAEOPNOTSUPP);
    if (lpcbBytesReturned == NULL || !in_memory(lpcbBytesReturned, sizeof *lpcbBytesReturned)) return fail(WSAEFAULT);
    switch (dwIoControlCode) {
    case FIONBIO: {
        u_long arg;
        if (lpvInBuffer == NULL || cbInBuffer < sizeof arg || !in_memory(lpvInBuffer, sizeof arg))
            return fail(WSAEFAULT);
        memcpy(&arg, lpvInBuffer, sizeof arg);
        if (ioctlsocket(s, FIONBIO, &arg) == SOCKET_ERROR) return SOCKET_ERROR;
        *lpcbBytesReturned = 0;
        return succeed(0);
    }
    case FIONREAD:
    case SIOCATMARK: {
        u_long arg = 0;
        if (lpvOutBuffer == NULL || cbOutBuffer < sizeof arg || !in_memory(lpvOutBuffer, sizeof arg))
            return fail(WSAEFAULT);
        if (ioctlsocket(s, (long)dwIoControlCode, &arg) == SOCKET_ERROR) return SOCKET_ERROR;
        memcpy(lpvOutBuffer, &arg, sizeof arg);
        *lpcbBytesReturned = sizeof arg;
        return succeed(0);
    }
    case SIO_KEEPALIVE_VALS: {
        struct tcp_keepalive vals;
        if (lpvInBuffer == NULL || cbInBuffer < sizeof vals || !in_memory(lpvInBuffer, sizeof vals))
            return fail(WSAEFAULT);
        if (type != SOCK_STREAM) return fail(WSAEINVAL);
        memcpy(&vals, lpvInBuffer, sizeof vals);
        /* Applied to the host socket for real: keepalive on or off, then
         * the idle time and the probe interval (docs/surface.md: never ignored). */
        if (set_int_option(s, SOL_SOCKET, SO_KEEPALIVE, vals.onoff ? 1 : 0) == SOCKET_ERROR) return SOCKET_ERROR;
        if (vals.onoff) {
            if (set_int_option(s, IPPROTO_TCP, TCP_KEEPIDLE, keepalive_seconds(vals.keepalivetime)) == SOCKET_ERROR ||
                set_int_option(s, IPPROTO_TCP, TCP_KEEPINTVL, keepalive_seconds(vals.keepaliveinterval)) ==
                    SOCKET_ERROR)
                return SOCKET_ERROR;
        }
        *lpcbBytesReturned = 0;
        return succeed(0);
    }
    default:
        return fail(known_ioctl(dwIoControlCode) ? WSAEOPNOTSUPP : WSAEINVAL);
    }
}

/* --- WSAAddressToString / WSAStringToAddress (their text is addr.c's). --- */

/* Whether WSAStartup is in force; the startup count is the host's
 * (docs/lifecycle.md). */
bool __ws_started(void) { return started(); }

static bool started(void) { return winsock_ws2_lifecycle_started(); }

INT WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                               LPSTR lpszAddressString, LPDWORD lpdwAddressStringLength) {
    char text[INET6_ADDRSTRLEN + 32];
    (void)lpProtocolInfo;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (!started()) return fail(WSANOTINITIALISED);
    if (lpsaAddress == NULL || dwAddressLength < sizeof(ADDRESS_FAMILY) ||
        !in_memory(lpsaAddress, dwAddressLength))
        return fail(WSAEFAULT);
    if (lpsaAddress->sa_family == AF_INET && dwAddressLength < sizeof(SOCKADDR_IN)) return fail(WSAEFAULT);
    if (lpsaAddress->sa_family == AF_INET6 && dwAddressLength < sizeof(SOCKADDR_IN6)) return fail(WSAEFAULT);
    int n = __ws_address_text(lpsaAddress, text, sizeof text);
    if (n < 0) return fail(WSAEINVAL);
    if (lpdwAddressStringLength == NULL || !in_memory(lpdwAddressStringLength, sizeof(DWORD)))
        return fail(WSAEFAULT);
    DWORD need = (DWORD)n + 1;
    DWORD cap = *lpdwAddressStringLength;
    /* Too small: the length needed is written back (terminator included). */
    *lpdwAddressStringLength = need;
    if (lpszAddressString == NULL || cap < need || !in_memory(lpszAddressString, need)) return fail(WSAEFAULT);
    memcpy(lpszAddressString, text, need);
    return succeed(0);
}

INT WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                               LPSOCKADDR lpAddress, LPINT lpAddressLength) {
    SOCKADDR_IN6 parsed;
    REFUSE_IN_HOOK(SOCKET_ERROR);
    if (!started()) return fail(WSANOTINITIALISED);
    if (lpProtocolInfo != NULL) {
        if (!in_memory(lpProtocolInfo, sizeof *lpProtocolInfo)) return fail(WSAEFAULT);
        if (AddressFamily == AF_UNSPEC) AddressFamily = lpProtocolInfo->iAddressFamily;
    }
    if (AddressFamily != AF_INET && AddressFamily != AF_INET6) return fail(WSAEINVAL);
    if (lpAddressLength == NULL || !in_memory(lpAddressLength, sizeof *lpAddressLength)) return fail(WSAEFAULT);
    int need = AddressFamily == AF_INET ? (int)sizeof(SOCKADDR_IN) : (int)sizeof(SOCKADDR_IN6);
    if (*lpAddressLength < need) {
        *lpAddressLength = need;
        return fail(WSAEFAULT);
    }
    if (lpAddress == NULL || !in_memory(lpAddress, (size_t)need)) return fail(WSAEFAULT);
    if (AddressString == NULL || !string_ok(AddressString)) return fail(WSAEINVAL);
    if (!__ws_parse_address_text(AddressString, AddressFamily, (struct sockaddr *)&parsed)) return fail(WSAEINVAL);
    memcpy(lpAddress, &parsed, (size_t)need);
    *lpAddressLength = need;
    return succeed(0);
}

/* --- Blocking calls while a Winsock 1.1 hook is installed (docs/async.md). The
 * call is tried without blocking (the host socket is switched to
 * nonblocking for the try, invisibly: only the hook runs meanwhile and it
 * may not call Winsock); between tries hooks.c runs the hook and waits a
 * short slice in the host. --- */

static void host_mode(SOCKET s, bool nonblocking) {
    uint32_t unused;
    wit_error err;
    winsock_ws2_sockets_ioctlsocket(s, (uint32_t)FIONBIO, nonblocking ? 1 : 0, &unused, &err);
}

struct hooked_call {
    int kind;
    SOCKET s;
    char *buf;
    const char *cbuf;
    int len, flags;
    struct sockaddr *addr;
    int *addrlen;
    const struct sockaddr *to;
    int tolen;
    /* recv and recvfrom: the bytes delivered into buf. */
    size_t *delivered;
};

/* A nonblocking connect's outcome: 0 once connected, SOCKET_ERROR with its
 * code once failed, *again while the handshake runs. */
static int connect_outcome(SOCKET s, bool *again) {
    winsock_ws2_sockets_pollfd_t fd = { s, POLLWRNORM };
    winsock_ws2_sockets_list_pollfd_t list = { &fd, 1 };
    imports_list_s16_t revents;
    wit_error err;
    if (!winsock_ws2_sockets_wsapoll(&list, 0, &revents, &err)) return fail_with(err);
    SHORT r = revents.len ? revents.ptr[0] : 0;
    imports_list_s16_free(&revents);
    if (r & (POLLERR | POLLHUP)) {
        imports_list_u8_t value;
        int code = 0;
        if (winsock_ws2_sockets_getsockopt(s, SOL_SOCKET, SO_ERROR, 4, &value, &err)) {
            if (value.len >= 4) memcpy(&code, value.ptr, 4);
            imports_list_u8_free(&value);
        }
        return fail(code ? code : WSAECONNREFUSED);
    }
    if (r & POLLWRNORM) return succeed(0);
    *again = true;
    return SOCKET_ERROR;
}

static int hooked_try(void *ctx, bool *again) {
    struct hooked_call *c = ctx;
    int r;
    if (c->kind == HOOKED_CONNECTED) return connect_outcome(c->s, again);
    host_mode(c->s, true);
    switch (c->kind) {
    case HOOKED_RECV:
    case HOOKED_RECVFROM:
        r = receive_call(c->s, c->buf, c->len, c->flags, c->addr, c->addrlen, c->kind == HOOKED_RECVFROM,
                         c->delivered);
        break;
    case HOOKED_SEND: r = send_call(c->s, c->cbuf, c->len, c->flags); break;
    case HOOKED_SENDTO: r = sendto_call(c->s, c->cbuf, c->len, c->flags, c->to, c->tolen); break;
    default: {
        SOCKET got = accept_call(c->s, c->addr, c->addrlen);
        /* The accepted socket inherited the try's nonblocking mode. */
        if (got != INVALID_SOCKET) host_mode(got, false);
        r = (int)got;
        break;
    }
    }
    int error = last_error;
    host_mode(c->s, false);
    last_error = error;
    *again = r == SOCKET_ERROR && error == WSAEWOULDBLOCK;
    return r;
}

/* SO_RCVTIMEO or SO_SNDTIMEO in milliseconds (0: none). */
static DWORD timeout_option(SOCKET s, int name) {
    imports_list_u8_t value;
    wit_error err;
    DWORD ms = 0;
    if (winsock_ws2_sockets_getsockopt(s, SOL_SOCKET, name, 4, &value, &err)) {
        if (value.len >= 4) memcpy(&ms, value.ptr, 4);
        imports_list_u8_free(&value);
    }
    return ms;
}

static int data_hooked(int kind, SOCKET s, char *buf, const char *cbuf, int len, int flags, struct sockaddr *addr,
                       int *addrlen, const struct sockaddr *to, int tolen, size_t *delivered) {
    struct hooked_call c = { kind, s, buf, cbuf, len, flags, addr, addrlen, to, tolen, delivered };
    bool sending = kind == HOOKED_SEND || kind == HOOKED_SENDTO;
    DWORD timeout = timeout_option(s, sending ? SO_SNDTIMEO : SO_RCVTIMEO);
    return __ws_run_blocking(s, sending ? POLLWRNORM : POLLRDNORM, timeout, WSAETIMEDOUT, hooked_try, &c);
}

static SOCKET accept_hooked(SOCKET s, struct sockaddr *addr, int *addrlen) {
    struct hooked_call c = { HOOKED_ACCEPT, s, NULL, NULL, 0, 0, addr, addrlen, NULL, 0 };
    int r = __ws_run_blocking(s, POLLRDNORM, 0, WSAETIMEDOUT, hooked_try, &c);
    return r == SOCKET_ERROR ? INVALID_SOCKET : (SOCKET)r;
}

static int connect_hooked(SOCKET s, wit_address *addr) {
    wit_error err;
    host_mode(s, true);
    int error = winsock_ws2_sockets_connect(s, addr, &err) ? 0 : wsa_number(err);
    if (error == WSAEWOULDBLOCK) {
        struct hooked_call c = { HOOKED_CONNECTED, s, NULL, NULL, 0, 0, NULL, NULL, NULL, 0 };
        error = __ws_run_blocking(s, POLLWRNORM, 0, WSAETIMEDOUT, hooked_try, &c) == SOCKET_ERROR ? last_error : 0;
    }
    host_mode(s, false);
    return error ? fail(error) : succeed(0);
}

/* A copy of an fd_set's handles, to try select again on the same sets. */
struct set_copy {
    fd_set *set;
    u_int count;
    SOCKET *handles;
};

static bool copy_set(fd_set *set, struct set_copy *copy) {
    copy->set = set;
    copy->count = 0;
    copy->handles = NULL;
    if (set == NULL) return true;
    if (!in_memory(set, sizeof(u_int)) || set->fd_count > (1u << 24) ||
        !in_memory(set->fd_array, (size_t)set->fd_count * sizeof(SOCKET)))
        return false;
    copy->count = set->fd_count;
    copy->handles = malloc((copy->count ? copy->count : 1) * sizeof(SOCKET));
    if (copy->handles == NULL) return false;
    memcpy(copy->handles, set->fd_array, copy->count * sizeof(SOCKET));
    return true;
}

static void restore_set(const struct set_copy *copy) {
    if (copy->set == NULL) return;
    copy->set->fd_count = copy->count;
    memcpy(copy->set->fd_array, copy->handles, copy->count * sizeof(SOCKET));
}

struct hooked_select {
    struct set_copy sets[3];
};

static int select_try(void *ctx, bool *again) {
    struct hooked_select *h = ctx;
    struct timeval zero = { 0, 0 };
    for (int i = 0; i < 3; i++) restore_set(&h->sets[i]);
    int r = select_call(h->sets[0].set, h->sets[1].set, h->sets[2].set, &zero);
    *again = r == 0;
    return r;
}

static int select_hooked(fd_set *readfds, fd_set *writefds, fd_set *exceptfds, const struct timeval *timeout) {
    /* Zeroed: a set that fails its copy leaves the later ones uncopied, and
     * all three are freed. */
    struct hooked_select h = { { { NULL, 0, NULL }, { NULL, 0, NULL }, { NULL, 0, NULL } } };
    int r;
    if (timeout != NULL && (timeout->tv_sec < 0 || timeout->tv_usec < 0)) return fail(WSAEINVAL);
    if (!copy_set(readfds, &h.sets[0]) || !copy_set(writefds, &h.sets[1]) || !copy_set(exceptfds, &h.sets[2])) {
        r = fail(WSAEFAULT);
    } else {
        DWORD ms = 0;
        if (timeout != NULL) {
            unsigned long long total = (unsigned long long)timeout->tv_sec * 1000u + (timeout->tv_usec + 999) / 1000;
            ms = total > 0xfffffffeu ? 0xfffffffeu : (DWORD)total;
        }
        /* Its timeout is a result of 0 with the sets emptied, not an error. */
        r = __ws_run_blocking(0, 0, ms, 0, select_try, &h);
    }
    for (int i = 0; i < 3; i++) free(h.sets[i].handles);
    return r;
}

#ifdef __WS_THREADS
/* select while other threads exist (docs/async.md): zero-timeout selects on the
 * same sets, this thread parked on their sockets between them (read:
 * POLLRDNORM, write: POLLWRNORM, except: POLLRDBAND; errors and hang-ups
 * always wake it). */
static int select_parked(fd_set *readfds, fd_set *writefds, fd_set *exceptfds, const struct timeval *timeout) {
    static const SHORT interest[3] = { POLLRDNORM, POLLWRNORM, POLLRDBAND };
    struct hooked_select h = { { { NULL, 0, NULL }, { NULL, 0, NULL }, { NULL, 0, NULL } } };
    winsock_ws2_sockets_pollfd_t *fds = NULL;
    int r;
    if (timeout != NULL && (timeout->tv_sec < 0 || timeout->tv_usec < 0)) return fail(WSAEINVAL);
    if (!copy_set(readfds, &h.sets[0]) || !copy_set(writefds, &h.sets[1]) || !copy_set(exceptfds, &h.sets[2])) {
        r = fail(WSAEFAULT);
        goto done;
    }
    DWORD ms = INFINITE;
    if (timeout != NULL) {
        unsigned long long total = (unsigned long long)timeout->tv_sec * 1000u + (timeout->tv_usec + 999) / 1000;
        ms = total > 0xfffffffeu ? 0xfffffffeu : (DWORD)total;
    }
    size_t n = 0;
    fds = malloc((h.sets[0].count + h.sets[1].count + h.sets[2].count + 1) * sizeof *fds);
    if (fds == NULL) {
        r = fail(WSAENOBUFS);
        goto done;
    }
    for (int i = 0; i < 3; i++)
        for (u_int j = 0; j < h.sets[i].count; j++) {
            fds[n].fd = (uint32_t)h.sets[i].handles[j];
            fds[n].events = interest[i];
            n++;
        }
    ULONGLONG start = GetTickCount64();
    for (;;) {
        bool again = false;
        r = select_try(&h, &again);
        ULONGLONG elapsed = GetTickCount64() - start;
        /* Its timeout is a result of 0 with the sets emptied. */
        if (!__ws_threads_rewinding() && (!again || (ms != INFINITE && elapsed >= ms))) break;
        DWORD left = ms == INFINITE ? INFINITE : (DWORD)(ms - elapsed);
        if (__ws_threads_park(fds, n, left, false) == PARK_INTERRUPTED) {
            r = fail(WSAEINTR);
            break;
        }
    }
done:
    free(fds);
    for (int i = 0; i < 3; i++) free(h.sets[i].handles);
    return r;
}
#endif
