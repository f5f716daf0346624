/* docs/linger.md and docs/surface.md: every option of docs/surface.md is applied and read back as Windows
 * reports it, or refused: never silently ignored. */
#include "conformance.h"

static int get_int(SOCKET s, int level, int name)
{
    int v = 0, len = sizeof v;
    if (getsockopt(s, level, name, (char *)&v, &len) == SOCKET_ERROR) return -WSAGetLastError();
    return v;
}

static int set_int(SOCKET s, int level, int name, int v)
{
    return setsockopt(s, level, name, (const char *)&v, sizeof v);
}

int main(void)
{
    SOCKET t, u, v6, l, c, a;
    SOCKADDR_STORAGE addr;
    int len;
    struct linger lg;
    DWORD ms;

    start();
    t = socket(AF_INET, SOCK_STREAM, 0);
    u = socket(AF_INET, SOCK_DGRAM, 0);
    v6 = socket(AF_INET6, SOCK_STREAM, 0);

    printf("SO_TYPE stream %d, datagram %d\n", get_int(t, SOL_SOCKET, SO_TYPE), get_int(u, SOL_SOCKET, SO_TYPE));
    CHECK("set SO_REUSEADDR", set_int(t, SOL_SOCKET, SO_REUSEADDR, 1));
    printf("SO_REUSEADDR %d\n", get_int(t, SOL_SOCKET, SO_REUSEADDR) != 0);
    CHECK("set SO_KEEPALIVE", set_int(t, SOL_SOCKET, SO_KEEPALIVE, 1));
    printf("SO_KEEPALIVE %d\n", get_int(t, SOL_SOCKET, SO_KEEPALIVE) != 0);
    CHECK("set SO_OOBINLINE", set_int(t, SOL_SOCKET, SO_OOBINLINE, 1));
    printf("SO_OOBINLINE %d\n", get_int(t, SOL_SOCKET, SO_OOBINLINE) != 0);
    CHECK("set TCP_NODELAY", set_int(t, IPPROTO_TCP, TCP_NODELAY, 1));
    printf("TCP_NODELAY %d\n", get_int(t, IPPROTO_TCP, TCP_NODELAY) != 0);
    CHECK("set SO_RCVBUF 65536", set_int(t, SOL_SOCKET, SO_RCVBUF, 65536));
    printf("SO_RCVBUF at least 65536: %d\n", get_int(t, SOL_SOCKET, SO_RCVBUF) >= 65536);
    CHECK("set SO_SNDBUF 65536", set_int(t, SOL_SOCKET, SO_SNDBUF, 65536));
    printf("SO_SNDBUF at least 65536: %d\n", get_int(t, SOL_SOCKET, SO_SNDBUF) >= 65536);
    ms = 1500;
    CHECK("set SO_RCVTIMEO 1500", setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof ms));
    printf("SO_RCVTIMEO %d\n", get_int(t, SOL_SOCKET, SO_RCVTIMEO));
    ms = 2500;
    CHECK("set SO_SNDTIMEO 2500", setsockopt(t, SOL_SOCKET, SO_SNDTIMEO, (const char *)&ms, sizeof ms));
    printf("SO_SNDTIMEO %d\n", get_int(t, SOL_SOCKET, SO_SNDTIMEO));
    CHECK("set IP_TTL 33", set_int(t, IPPROTO_IP, IP_TTL, 33));
    printf("IP_TTL %d\n", get_int(t, IPPROTO_IP, IP_TTL));
    printf("SO_ERROR %d\n", get_int(t, SOL_SOCKET, SO_ERROR));
    CHECK("set SO_BROADCAST on UDP", set_int(u, SOL_SOCKET, SO_BROADCAST, 1));
    printf("SO_BROADCAST %d\n", get_int(u, SOL_SOCKET, SO_BROADCAST) != 0);
    printf("IPV6_V6ONLY of a new AF_INET6 socket %d\n", get_int(v6, IPPROTO_IPV6, IPV6_V6ONLY) != 0);
    CHECK("clear IPV6_V6ONLY", set_int(v6, IPPROTO_IPV6, IPV6_V6ONLY, 0));
    printf("IPV6_V6ONLY %d\n", get_int(v6, IPPROTO_IPV6, IPV6_V6ONLY));

    /* SO_LINGER and SO_DONTLINGER (docs/linger.md). */
    lg.l_onoff = 1;
    lg.l_linger = 7;
    CHECK("set SO_LINGER {1,7}", setsockopt(t, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof lg));
    len = sizeof lg;
    ZeroMemory(&lg, sizeof lg);
    CHECK("get SO_LINGER", getsockopt(t, SOL_SOCKET, SO_LINGER, (char *)&lg, &len));
    printf("l_onoff %d l_linger %d len %d\n", lg.l_onoff, lg.l_linger, len);
    printf("SO_DONTLINGER %d\n", get_int(t, SOL_SOCKET, SO_DONTLINGER));
    CHECK("set SO_DONTLINGER TRUE", set_int(t, SOL_SOCKET, SO_DONTLINGER, 1));
    len = sizeof lg;
    getsockopt(t, SOL_SOCKET, SO_LINGER, (char *)&lg, &len);
    printf("after SO_DONTLINGER: l_onoff %d l_linger %d\n", lg.l_onoff, lg.l_linger);
    CHECK("SO_LINGER on UDP", setsockopt(u, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof lg));

    /* SO_ACCEPTCONN before and after listen. */
    l = listener(AF_INET, &addr, &len);
    printf("SO_ACCEPTCONN fresh %d, listening %d\n", get_int(t, SOL_SOCKET, SO_ACCEPTCONN) != 0,
           get_int(l, SOL_SOCKET, SO_ACCEPTCONN) != 0);
    c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (SOCKADDR *)&addr, len);
    a = accept(l, NULL, NULL);
    printf("accepted socket SO_ACCEPTCONN %d\n", get_int(a, SOL_SOCKET, SO_ACCEPTCONN) != 0);

    /* Refusals. */
    CHECK("unknown SOL_SOCKET option", set_int(t, SOL_SOCKET, 0x7777, 1));
    CHECK("unknown level", set_int(t, 0x4242, SO_KEEPALIVE, 1));
    CHECK("get unknown option", get_int(t, SOL_SOCKET, 0x7777));
    CHECK("TCP_NODELAY on UDP", set_int(u, IPPROTO_TCP, TCP_NODELAY, 1));
    {
        DWORD v = 0;
        len = 2;
        CHECK("getsockopt SO_RCVTIMEO with optlen 2", getsockopt(t, SOL_SOCKET, SO_RCVTIMEO, (char *)&v, &len));
        CHECK("setsockopt SO_RCVTIMEO with optlen 2", setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, (const char *)&v, 2));
        CHECK("getsockopt with NULL optlen", getsockopt(t, SOL_SOCKET, SO_KEEPALIVE, (char *)&v, NULL));
    }
    closesocket(t);
    closesocket(u);
    closesocket(v6);
    closesocket(l);
    closesocket(c);
    closesocket(a);
    CHECK("WSACleanup", WSACleanup());
    return 0;
}
