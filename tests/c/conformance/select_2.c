/*
 * select.c - select with Winsock's fd_set.
 *
 * Checks docs/surface.md: nfds is ignored; all sets NULL or empty is WSAEINVAL; a
 * closed or made-up handle is WSAENOTSOCK and leaves the sets as they
 * were; a timeout of 0 returns 0 at once and empties the sets; the result
 * is the total number of entries left in the three sets (a socket ready in
 * two sets counts twice) and the sets are compacted to the ready handles
 * in their order; a listener with a pending connection is readable; a
 * connected socket is writable and not in the except set without urgent
 * data; a NULL timeout waits until something is ready; the peer's FIN and
 * the peer's RST make a socket readable (recv then returns 0, or fails
 * WSAECONNRESET).
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

static void show_counts(fd_set *r, fd_set *w, fd_set *e)
{
    printf("  fd_count read %u write %u except %u\n", r->fd_count, w->fd_count, e->fd_count);
}

int main(void)
{
    WSADATA wsaData;
    SOCKET l, c, a, dead;
    SOCKADDR_IN addr;
    fd_set r, w, e;
    struct timeval zero, wait;
    struct linger abortive;
    char buf[16];
    int len;

    zero.tv_sec = 0;
    zero.tv_usec = 0;
    wait.tv_sec = 5;
    wait.tv_usec = 0;

    check("WSAStartup", WSAStartup(MAKEWORD(2, 2), &wsaData));

    /* Invalid calls. */
    check("all sets NULL", select(0, NULL, NULL, NULL, &zero));
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&e);
    check("all sets empty", select(0, &r, &w, &e, &zero));
    dead = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    closesocket(dead);
    FD_SET(dead, &r);
    check("a closed handle in the read set", select(0, &r, NULL, NULL, &zero));
    printf("  read fd_count left at %u\n", r.fd_count);
    FD_ZERO(&r);
    FD_SET((SOCKET)0x5A5A5A58, &e);
    check("a made-up handle in the except set", select(0, NULL, NULL, &e, &zero));

    /* A listener: idle, then with a pending connection. */
    l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ZeroMemory(&addr, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof(addr);
    bind(l, (SOCKADDR *)&addr, sizeof(addr));
    getsockname(l, (SOCKADDR *)&addr, &len);
    listen(l, SOMAXCONN);
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&e);
    FD_SET(l, &r);
    FD_SET(l, &e);
    check("idle listener, timeout 0", select(0, &r, NULL, &e, &zero));
    show_counts(&r, &w, &e);

    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("connect", connect(c, (SOCKADDR *)&addr, sizeof(addr)));
    FD_ZERO(&r);
    FD_SET(l, &r);
    check("listener with a pending connection (nfds 12345)", select(12345, &r, NULL, NULL, &wait));
    printf("  listener in the read set %d\n", FD_ISSET(l, &r) != 0);
    a = accept(l, NULL, NULL);
    check("accept", a != INVALID_SOCKET);

    /* Connected, no data: writable only; the sets keep only ready handles. */
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&e);
    FD_SET(l, &r);
    FD_SET(a, &r);
    FD_SET(c, &r);
    FD_SET(c, &w);
    FD_SET(a, &e);
    FD_SET(c, &e);
    check("three readers, one writer, two except, timeout 0", select(0, &r, &w, &e, &zero));
    show_counts(&r, &w, &e);
    printf("  the writer is the client %d\n", w.fd_array[0] == c);

    /* Data for the accepted socket: ready to read and to write. */
    check("send", send(c, "data", 4, 0));
    FD_ZERO(&r);
    FD_SET(c, &r);
    FD_SET(a, &r);
    check("wait for the data (nfds 0)", select(0, &r, NULL, NULL, &wait));
    printf("  read fd_count %u, first is the accepted socket %d\n", r.fd_count, r.fd_array[0] == a);
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&e);
    FD_SET(a, &r);
    FD_SET(c, &r);
    FD_SET(a, &w);
    FD_SET(c, &w);
    FD_SET(a, &e);
    FD_SET(c, &e);
    check("both sockets in all three sets, timeout 0", select(0, &r, &w, &e, &zero));
    show_counts(&r, &w, &e);
    printf("  reader is the accepted socket %d\n", r.fd_array[0] == a);
    check("recv", recv(a, buf, sizeof(buf), 0));

    /* A NULL timeout returns as soon as something is ready. */
    FD_ZERO(&w);
    FD_SET(c, &w);
    check("writable socket, NULL timeout", select(0, NULL, &w, NULL, NULL));

    /* The peer's FIN. */
    check("shutdown SD_SEND", shutdown(c, SD_SEND));
    FD_ZERO(&r);
    FD_SET(a, &r);
    check("after the peer's FIN", select(0, &r, NULL, NULL, &wait));
    check("recv at EOF", recv(a, buf, sizeof(buf), 0));

    /* The peer's RST. */
    abortive.l_onoff = 1;
    abortive.l_linger = 0;
    check("SO_LINGER {1,0}", setsockopt(a, SOL_SOCKET, SO_LINGER, (const char *)&abortive, sizeof(abortive)));
    check("closesocket (reset)", closesocket(a));
    FD_ZERO(&r);
    FD_SET(c, &r);
    check("after the peer's reset", select(0, &r, NULL, NULL, &wait));
    check("recv after the reset", recv(c, buf, sizeof(buf), 0));

    closesocket(c);
    closesocket(l);
    check("WSACleanup", WSACleanup());
    return 0;
}
