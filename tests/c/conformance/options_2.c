/*
 * options.c - getsockopt/setsockopt/ioctlsocket as Windows answers them.
 *
 * Checks docs/surface.md (every listed option is applied and reads back, or is
 * refused; IPV6_V6ONLY starts TRUE; unknown option WSAENOPROTOOPT;
 * unknown ioctl WSAEOPNOTSUPP) and docs/linger.md (SO_LINGER is {0,0} and
 * SO_DONTLINGER TRUE on a new TCP socket; SO_DONTLINGER TRUE clears
 * l_onoff and FALSE sets it; SO_LINGER with optlen below 4 or a NULL
 * optval is WSAEFAULT and a short get leaves optlen alone; both options
 * are WSAENOPROTOOPT on UDP; accepted sockets inherit the listener's
 * linger state), with Windows' documented details: a read-only option
 * (SO_ACCEPTCONN, SO_TYPE) refuses a set with WSAENOPROTOOPT, an unknown
 * level is WSAEINVAL, SO_REUSEADDR and SO_EXCLUSIVEADDRUSE exclude each
 * other (WSAEINVAL), DWORD options reject an optlen below 4 (WSAEFAULT),
 * and a NULL ioctl argument is WSAEFAULT.
 *
 * Windows writes a single byte for some BOOL options (SO_KEEPALIVE,
 * TCP_NODELAY, IPV6_V6ONLY), so every value is zeroed before a get and
 * only the value, not the returned optlen, is printed for booleans.
 */
#define _CRT_SECURE_NO_WARNINGS
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#pragma comment(lib, "ws2_32.lib")

static void check(const char *label, int rv)
{
    int err = WSAGetLastError();
    printf("%s: %d %d\n", label, rv, err);
}

/* Reads an int-sized option into a zeroed int and prints the call's
 * result and the value. */
static void show_get(const char *label, SOCKET s, int level, int name)
{
    int value = 0, len = sizeof(value);
    int rc = getsockopt(s, level, name, (char *)&value, &len);
    int err = WSAGetLastError();
    printf("get %s: %d %d value %d\n", label, rc, err, value);
}

static void show_set(const char *label, SOCKET s, int level, int name, int value)
{
    char text[128];
    sprintf(text, "set %s %d", label, value);
    check(text, setsockopt(s, level, name, (const char *)&value, sizeof(value)));
}

static void show_linger(const char *label, SOCKET s)
{
    struct linger lg;
    int len = sizeof(lg), rc, err;
    ZeroMemory(&lg, sizeof(lg));
    rc = getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&lg, &len);
    err = WSAGetLastError();
    printf("get SO_LINGER %s: %d %d l_onoff %u l_linger %u optlen %d\n", label, rc, err, lg.l_onoff, lg.l_linger, len);
}

static int set_linger(SOCKET s, u_short onoff, u_short seconds)
{
    struct linger lg;
    lg.l_onoff = onoff;
    lg.l_linger = seconds;
    return setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof(lg));
}

static SOCKET bound_listener(SOCKADDR_IN *addr, BOOL do_listen)
{
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    int len = sizeof(*addr);
    ZeroMemory(addr, sizeof(*addr));
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(l, (SOCKADDR *)addr, sizeof(*addr)) == SOCKET_ERROR ||
        getsockname(l, (SOCKADDR *)addr, &len) == SOCKET_ERROR) {
        printf("listener failed: %d\n", WSAGetLastError());
        exit(1);
    }
    if (do_listen && listen(l, SOMAXCONN) == SOCKET_ERROR) {
        printf("listen failed: %d\n", WSAGetLastError());
        exit(1);
    }
    return l;
}

static void booleans(SOCKET t, SOCKET u)
{
    show_get("SO_TYPE (TCP)", t, SOL_SOCKET, SO_TYPE);
    show_get("SO_TYPE (UDP)", u, SOL_SOCKET, SO_TYPE);
    show_set("SO_TYPE (read-only)", t, SOL_SOCKET, SO_TYPE, SOCK_DGRAM);

    show_get("SO_REUSEADDR", t, SOL_SOCKET, SO_REUSEADDR);
    show_set("SO_REUSEADDR", t, SOL_SOCKET, SO_REUSEADDR, 1);
    show_get("SO_REUSEADDR", t, SOL_SOCKET, SO_REUSEADDR);
    show_set("SO_EXCLUSIVEADDRUSE (SO_REUSEADDR is set)", t, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1);

    show_get("SO_KEEPALIVE", t, SOL_SOCKET, SO_KEEPALIVE);
    show_set("SO_KEEPALIVE", t, SOL_SOCKET, SO_KEEPALIVE, 1);
    show_get("SO_KEEPALIVE", t, SOL_SOCKET, SO_KEEPALIVE);
    show_set("SO_KEEPALIVE", t, SOL_SOCKET, SO_KEEPALIVE, 0);
    show_get("SO_KEEPALIVE", t, SOL_SOCKET, SO_KEEPALIVE);

    show_get("SO_OOBINLINE", t, SOL_SOCKET, SO_OOBINLINE);
    show_set("SO_OOBINLINE", t, SOL_SOCKET, SO_OOBINLINE, 1);
    show_get("SO_OOBINLINE", t, SOL_SOCKET, SO_OOBINLINE);

    show_get("TCP_NODELAY", t, IPPROTO_TCP, TCP_NODELAY);
    show_set("TCP_NODELAY", t, IPPROTO_TCP, TCP_NODELAY, 1);
    show_get("TCP_NODELAY", t, IPPROTO_TCP, TCP_NODELAY);

    show_get("SO_BROADCAST (UDP)", u, SOL_SOCKET, SO_BROADCAST);
    show_set("SO_BROADCAST (UDP)", u, SOL_SOCKET, SO_BROADCAST, 1);
    show_get("SO_BROADCAST (UDP)", u, SOL_SOCKET, SO_BROADCAST);

    show_get("SO_ERROR", t, SOL_SOCKET, SO_ERROR);
}

static void exclusive(void)
{
    SOCKET e = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    show_get("SO_EXCLUSIVEADDRUSE", e, SOL_SOCKET, SO_EXCLUSIVEADDRUSE);
    show_set("SO_EXCLUSIVEADDRUSE", e, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1);
    show_get("SO_EXCLUSIVEADDRUSE", e, SOL_SOCKET, SO_EXCLUSIVEADDRUSE);
    show_set("SO_REUSEADDR (SO_EXCLUSIVEADDRUSE is set)", e, SOL_SOCKET, SO_REUSEADDR, 1);
    closesocket(e);
}

static void numbers(SOCKET t)
{
    int value = 0, len;
    DWORD ms;

    len = sizeof(value);
    check("get SO_RCVBUF", getsockopt(t, SOL_SOCKET, SO_RCVBUF, (char *)&value, &len));
    printf("  nonzero %d\n", value != 0);
    show_set("SO_RCVBUF", t, SOL_SOCKET, SO_RCVBUF, 65536);
    len = sizeof(value);
    value = 0;
    check("get SO_RCVBUF", getsockopt(t, SOL_SOCKET, SO_RCVBUF, (char *)&value, &len));
    printf("  nonzero %d\n", value != 0);
    len = sizeof(value);
    value = 0;
    check("get SO_SNDBUF", getsockopt(t, SOL_SOCKET, SO_SNDBUF, (char *)&value, &len));
    printf("  nonzero %d\n", value != 0);
    show_set("SO_SNDBUF", t, SOL_SOCKET, SO_SNDBUF, 65536);
    len = sizeof(value);
    value = 0;
    check("get SO_SNDBUF", getsockopt(t, SOL_SOCKET, SO_SNDBUF, (char *)&value, &len));
    printf("  nonzero %d\n", value != 0);

    show_get("SO_RCVTIMEO", t, SOL_SOCKET, SO_RCVTIMEO);
    ms = 1500;
    check("set SO_RCVTIMEO 1500", setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof(ms)));
    ms = 0;
    len = sizeof(ms);
    check("get SO_RCVTIMEO", getsockopt(t, SOL_SOCKET, SO_RCVTIMEO, (char *)&ms, &len));
    printf("  value %lu optlen %d\n", ms, len);
    show_get("SO_SNDTIMEO", t, SOL_SOCKET, SO_SNDTIMEO);
    ms = 2500;
    check("set SO_SNDTIMEO 2500", setsockopt(t, SOL_SOCKET, SO_SNDTIMEO, (const char *)&ms, sizeof(ms)));
    ms = 0;
    len = sizeof(ms);
    check("get SO_SNDTIMEO", getsockopt(t, SOL_SOCKET, SO_SNDTIMEO, (char *)&ms, &len));
    printf("  value %lu optlen %d\n", ms, len);

    len = sizeof(value);
    value = 0;
    check("get IP_TTL", getsockopt(t, IPPROTO_IP, IP_TTL, (char *)&value, &len));
    printf("  nonzero %d\n", value != 0);
    show_set("IP_TTL", t, IPPROTO_IP, IP_TTL, 33);
    show_get("IP_TTL", t, IPPROTO_IP, IP_TTL);
}

static void v6only(void)
{
    SOCKET s6 = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    show_get("IPV6_V6ONLY (new AF_INET6 socket)", s6, IPPROTO_IPV6, IPV6_V6ONLY);
    show_set("IPV6_V6ONLY", s6, IPPROTO_IPV6, IPV6_V6ONLY, 0);
    show_get("IPV6_V6ONLY", s6, IPPROTO_IPV6, IPV6_V6ONLY);
    closesocket(s6);
    s6 = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    show_get("IPV6_V6ONLY (new AF_INET6 UDP socket)", s6, IPPROTO_IPV6, IPV6_V6ONLY);
    closesocket(s6);
}

static void lingering(SOCKET u)
{
    SOCKET t = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    SOCKET l, c, a;
    SOCKADDR_IN addr;
    struct linger lg;
    int len, value;

    show_linger("(new TCP socket)", t);
    show_get("SO_DONTLINGER (new TCP socket)", t, SOL_SOCKET, SO_DONTLINGER);
    check("set SO_LINGER {1,7}", set_linger(t, 1, 7));
    show_linger("(after {1,7})", t);
    show_get("SO_DONTLINGER", t, SOL_SOCKET, SO_DONTLINGER);
    show_set("SO_DONTLINGER", t, SOL_SOCKET, SO_DONTLINGER, 1);
    ZeroMemory(&lg, sizeof(lg));
    len = sizeof(lg);
    check("get SO_LINGER", getsockopt(t, SOL_SOCKET, SO_LINGER, (char *)&lg, &len));
    printf("  l_onoff %u\n", lg.l_onoff);
    show_get("SO_DONTLINGER", t, SOL_SOCKET, SO_DONTLINGER);
    show_set("SO_DONTLINGER", t, SOL_SOCKET, SO_DONTLINGER, 0);
    ZeroMemory(&lg, sizeof(lg));
    len = sizeof(lg);
    check("get SO_LINGER", getsockopt(t, SOL_SOCKET, SO_LINGER, (char *)&lg, &len));
    printf("  l_onoff %u\n", lg.l_onoff);
    show_get("SO_DONTLINGER", t, SOL_SOCKET, SO_DONTLINGER);

    len = 2;
    check("get SO_LINGER with optlen 2", getsockopt(t, SOL_SOCKET, SO_LINGER, (char *)&lg, &len));
    printf("  optlen left at %d\n", len);
    check("set SO_LINGER with optlen 2", setsockopt(t, SOL_SOCKET, SO_LINGER, (const char *)&lg, 2));
    check("set SO_LINGER with a NULL optval", setsockopt(t, SOL_SOCKET, SO_LINGER, NULL, sizeof(lg)));
    closesocket(t);

    len = sizeof(lg);
    check("get SO_LINGER on UDP", getsockopt(u, SOL_SOCKET, SO_LINGER, (char *)&lg, &len));
    check("set SO_LINGER on UDP", set_linger(u, 1, 1));
    value = 0;
    len = sizeof(value);
    check("get SO_DONTLINGER on UDP", getsockopt(u, SOL_SOCKET, SO_DONTLINGER, (char *)&value, &len));
    show_set("SO_DONTLINGER on UDP", u, SOL_SOCKET, SO_DONTLINGER, 1);

    /* SO_ACCEPTCONN before and after listen; accepted sockets inherit the
     * listener's linger state. */
    l = bound_listener(&addr, FALSE);
    show_get("SO_ACCEPTCONN (bound, not listening)", l, SOL_SOCKET, SO_ACCEPTCONN);
    check("set SO_LINGER {1,9} on the listener", set_linger(l, 1, 9));
    check("listen", listen(l, SOMAXCONN));
    show_get("SO_ACCEPTCONN (listening)", l, SOL_SOCKET, SO_ACCEPTCONN);
    show_set("SO_ACCEPTCONN (read-only)", l, SOL_SOCKET, SO_ACCEPTCONN, 0);
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("connect", connect(c, (SOCKADDR *)&addr, sizeof(addr)));
    a = accept(l, NULL, NULL);
    check("accept", a != INVALID_SOCKET);
    show_linger("(accepted socket)", a);
    show_get("SO_ACCEPTCONN (accepted socket)", a, SOL_SOCKET, SO_ACCEPTCONN);
    closesocket(a);
    closesocket(c);
    closesocket(l);
}

static void refusals(SOCKET t)
{
    int value = 0, len;
    DWORD ms = 1000;
    u_long arg = 0;

    len = sizeof(value);
    check("get unknown SOL_SOCKET option 0x7777", getsockopt(t, SOL_SOCKET, 0x7777, (char *)&value, &len));
    show_set("unknown SOL_SOCKET option 0x7777", t, SOL_SOCKET, 0x7777, 1);
    len = sizeof(value);
    check("get unknown IPPROTO_IP option -1", getsockopt(t, IPPROTO_IP, -1, (char *)&value, &len));
    check("set SO_RCVTIMEO at unknown level 0x8000", setsockopt(t, 0x8000, SO_RCVTIMEO, (const char *)&ms, sizeof(ms)));

    check("set SO_RCVTIMEO with optlen 2", setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, 2));
    len = 2;
    check("get SO_RCVTIMEO with optlen 2", getsockopt(t, SOL_SOCKET, SO_RCVTIMEO, (char *)&ms, &len));
    len = 1;
    check("get SO_ERROR with optlen 1", getsockopt(t, SOL_SOCKET, SO_ERROR, (char *)&value, &len));
    len = 0;
    check("get SO_TYPE with optlen 0", getsockopt(t, SOL_SOCKET, SO_TYPE, (char *)&value, &len));
    check("get SO_TYPE with a NULL optlen", getsockopt(t, SOL_SOCKET, SO_TYPE, (char *)&value, NULL));

    check("ioctlsocket unknown command 0x12345678", ioctlsocket(t, 0x12345678, &arg));
    check("ioctlsocket FIONREAD with a NULL argument", ioctlsocket(t, FIONREAD, NULL));
    check("ioctlsocket FIONBIO with a NULL argument", ioctlsocket(t, FIONBIO, NULL));
}

int main(void)
{
    WSADATA wsaData;
    SOCKET t, u;

    check("WSAStartup", WSAStartup(MAKEWORD(2, 2), &wsaData));
    t = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    booleans(t, u);
    exclusive();
    numbers(t);
    v6only();
    lingering(u);
    refusals(t);
    closesocket(t);
    closesocket(u);
    check("WSACleanup", WSACleanup());
    return 0;
}
