/*
 * nonblocking.c - FIONBIO and WSAEWOULDBLOCK.
 *
 * Checks docs/blocking.md: sockets start blocking; ioctlsocket(FIONBIO) switches
 * both ways; a call that would block fails WSAEWOULDBLOCK (accept with
 * nothing pending, recv with nothing to read, send into full buffers);
 * a nonblocking connect fails WSAEWOULDBLOCK, its completion shows in
 * select's write set (SO_ERROR 0, a second connect WSAEISCONN), and its
 * failure in the except set with SO_ERROR WSAECONNREFUSED. Readiness is
 * always waited for with select before the call that needs it, so the
 * output does not depend on timing.
 */
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

static void show_data(const char *label, const char *buf, int n)
{
    printf("%s: \"%.*s\"\n", label, n > 0 ? n : 0, buf);
}

static SOCKADDR_IN loopback(u_short port)
{
    SOCKADDR_IN a;
    ZeroMemory(&a, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static u_short closed_port(void)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    SOCKADDR_IN a = loopback(0);
    int len = sizeof(a);
    bind(s, (SOCKADDR *)&a, sizeof(a));
    getsockname(s, (SOCKADDR *)&a, &len);
    closesocket(s);
    return ntohs(a.sin_port);
}

static int set_nonblocking(SOCKET s, u_long on)
{
    return ioctlsocket(s, FIONBIO, &on);
}

/* Waits up to `seconds` for one socket; returns select's result. */
static int wait_for(SOCKET s, BOOL for_read, BOOL for_write, BOOL for_except, long seconds, fd_set *r, fd_set *w, fd_set *e)
{
    struct timeval tv;
    tv.tv_sec = seconds;
    tv.tv_usec = 0;
    FD_ZERO(r);
    FD_ZERO(w);
    FD_ZERO(e);
    if (for_read)
        FD_SET(s, r);
    if (for_write)
        FD_SET(s, w);
    if (for_except)
        FD_SET(s, e);
    return select(0, r, w, e, &tv);
}

int main(void)
{
    static char block[65536];
    WSADATA wsaData;
    SOCKET l, c, a, n, m;
    SOCKADDR_IN addr = loopback(0);
    fd_set r, w, e;
    char buf[64];
    int len, rc, sends, value;

    check("WSAStartup", WSAStartup(MAKEWORD(2, 2), &wsaData));
    l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    len = sizeof(addr);
    check("bind", bind(l, (SOCKADDR *)&addr, sizeof(addr)));
    getsockname(l, (SOCKADDR *)&addr, &len);
    check("listen", listen(l, SOMAXCONN));

    /* accept */
    check("FIONBIO 1 on the listener", set_nonblocking(l, 1));
    check("accept with nothing pending", accept(l, NULL, NULL) != INVALID_SOCKET);
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("blocking connect", connect(c, (SOCKADDR *)&addr, sizeof(addr)));
    check("select: the listener becomes readable", wait_for(l, TRUE, FALSE, FALSE, 5, &r, &w, &e));
    a = accept(l, NULL, NULL);
    check("accept", a != INVALID_SOCKET);
    check("accept with nothing pending again", accept(l, NULL, NULL) != INVALID_SOCKET);

    /* recv */
    check("FIONBIO 1 on the accepted socket", set_nonblocking(a, 42));
    check("recv with nothing to read", recv(a, buf, sizeof(buf), 0));
    check("send from the blocking client", send(c, "ping", 4, 0));
    check("select: readable", wait_for(a, TRUE, FALSE, FALSE, 5, &r, &w, &e));
    rc = recv(a, buf, sizeof(buf), 0);
    check("recv", rc);
    show_data("  data", buf, rc);
    check("recv with nothing left", recv(a, buf, sizeof(buf), 0));
    check("FIONBIO 0 on the accepted socket", set_nonblocking(a, 0));
    check("send from the blocking client", send(c, "pong", 4, 0));
    rc = recv(a, buf, sizeof(buf), 0);
    check("blocking recv again", rc);
    show_data("  data", buf, rc);

    /* send: the accepted socket never reads, so the client's nonblocking
     * sends fill the buffers and then fail WSAEWOULDBLOCK. */
    check("FIONBIO 1 on the client", set_nonblocking(c, 1));
    sends = 0;
    do {
        rc = send(c, block, sizeof(block), 0);
    } while (rc != SOCKET_ERROR && ++sends < 20000);
    check("send until the buffers are full", rc);
    printf("  some sends succeeded first: %d\n", sends > 0);
    closesocket(c);
    closesocket(a);

    /* connect that completes */
    n = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("FIONBIO 1", set_nonblocking(n, 1));
    check("nonblocking connect", connect(n, (SOCKADDR *)&addr, sizeof(addr)));
    check("select write+except", wait_for(n, FALSE, TRUE, TRUE, 5, &r, &w, &e));
    printf("  in write set %d, in except set %d\n", FD_ISSET(n, &w) != 0, FD_ISSET(n, &e) != 0);
    value = -1;
    len = sizeof(value);
    check("getsockopt SO_ERROR", getsockopt(n, SOL_SOCKET, SO_ERROR, (char *)&value, &len));
    printf("  SO_ERROR %d\n", value);
    check("connect again", connect(n, (SOCKADDR *)&addr, sizeof(addr)));
    check("select: the listener has it", wait_for(l, TRUE, FALSE, FALSE, 5, &r, &w, &e));
    a = accept(l, NULL, NULL);
    check("accept", a != INVALID_SOCKET);
    closesocket(a);
    closesocket(n);

    /* connect that is refused */
    addr = loopback(closed_port());
    m = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("FIONBIO 1", set_nonblocking(m, 1));
    check("nonblocking connect to a closed port", connect(m, (SOCKADDR *)&addr, sizeof(addr)));
    check("select write+except", wait_for(m, FALSE, TRUE, TRUE, 10, &r, &w, &e));
    printf("  in write set %d, in except set %d\n", FD_ISSET(m, &w) != 0, FD_ISSET(m, &e) != 0);
    value = -1;
    len = sizeof(value);
    check("getsockopt SO_ERROR", getsockopt(m, SOL_SOCKET, SO_ERROR, (char *)&value, &len));
    printf("  SO_ERROR %d\n", value);
    closesocket(m);

    closesocket(l);
    check("WSACleanup", WSACleanup());
    return 0;
}
