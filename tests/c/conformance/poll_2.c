/*
 * poll.c - WSAPoll.
 *
 * Checks docs/surface.md: a count of 0 is WSAEINVAL; an invalid handle gets POLLNVAL
 * and is not counted (the call itself succeeds); every entry invalid is
 * SOCKET_ERROR/WSAENOTSOCK with POLLNVAL in each; revents holds only what
 * was asked plus POLLHUP/POLLERR/POLLNVAL; a listener with a pending
 * connection reports POLLRDNORM; connected sockets POLLWRNORM, and
 * POLLRDNORM once data waits; a timeout of 0 returns at once and -1 waits
 * for readiness; after the peer closes, POLLHUP is reported though not
 * asked for (events 0 waits for it, as on Windows).
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

static void entry(WSAPOLLFD *p, SOCKET s, SHORT events)
{
    p->fd = s;
    p->events = events;
    p->revents = 0x7777;
}

static void show_revents(const WSAPOLLFD *fds, int count)
{
    int i;
    printf("  revents");
    for (i = 0; i < count; i++)
        printf(" 0x%X", (unsigned)(USHORT)fds[i].revents);
    printf("\n");
}

int main(void)
{
    WSADATA wsaData;
    SOCKET l, c, a, u, dead;
    SOCKADDR_IN addr;
    WSAPOLLFD fds[4];
    char buf[16];
    int len;

    check("WSAStartup", WSAStartup(MAKEWORD(2, 2), &wsaData));

    l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ZeroMemory(&addr, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof(addr);
    bind(l, (SOCKADDR *)&addr, sizeof(addr));
    getsockname(l, (SOCKADDR *)&addr, &len);
    listen(l, SOMAXCONN);
    dead = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    closesocket(dead);

    entry(&fds[0], l, POLLRDNORM);
    check("count 0", WSAPoll(fds, 0, 0));

    entry(&fds[0], l, POLLRDNORM);
    check("idle listener, timeout 0", WSAPoll(fds, 1, 0));
    show_revents(fds, 1);

    entry(&fds[0], l, POLLRDNORM);
    entry(&fds[1], dead, POLLRDNORM);
    entry(&fds[2], (SOCKET)0x5A5A5A58, POLLRDNORM);
    check("idle listener, a closed and a made-up handle", WSAPoll(fds, 3, 0));
    show_revents(fds, 3);

    entry(&fds[0], dead, POLLRDNORM);
    entry(&fds[1], (SOCKET)0x5A5A5A58, POLLWRNORM);
    check("only invalid handles", WSAPoll(fds, 2, 0));
    show_revents(fds, 2);

    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("connect", connect(c, (SOCKADDR *)&addr, sizeof(addr)));
    entry(&fds[0], l, POLLRDNORM | POLLWRNORM);
    check("listener with a pending connection (timeout 5000)", WSAPoll(fds, 1, 5000));
    show_revents(fds, 1);
    a = accept(l, NULL, NULL);
    check("accept", a != INVALID_SOCKET);

    entry(&fds[0], l, POLLRDNORM | POLLWRNORM);
    entry(&fds[1], a, POLLRDNORM | POLLWRNORM);
    entry(&fds[2], c, POLLRDNORM | POLLWRNORM);
    check("listener and both ends, timeout 0", WSAPoll(fds, 3, 0));
    show_revents(fds, 3);

    check("send", send(c, "data", 4, 0));
    entry(&fds[0], a, POLLRDNORM);
    check("data to read, asked for POLLRDNORM (timeout 5000)", WSAPoll(fds, 1, 5000));
    show_revents(fds, 1);
    entry(&fds[0], a, POLLRDNORM | POLLWRNORM);
    check("data to read, asked for both, timeout 0", WSAPoll(fds, 1, 0));
    show_revents(fds, 1);
    entry(&fds[0], a, POLLWRNORM);
    check("data to read, asked for POLLWRNORM only", WSAPoll(fds, 1, 0));
    show_revents(fds, 1);
    check("recv", recv(a, buf, sizeof(buf), 0));

    entry(&fds[0], c, POLLWRNORM);
    check("writable, timeout -1", WSAPoll(fds, 1, -1));
    show_revents(fds, 1);

    /* The peer closes: POLLHUP comes unasked. */
    check("closesocket the client", closesocket(c));
    entry(&fds[0], a, 0);
    check("after the peer closed, asked for nothing (timeout 5000)", WSAPoll(fds, 1, 5000));
    show_revents(fds, 1);
    entry(&fds[0], a, POLLWRNORM);
    check("after the peer closed, asked for POLLWRNORM", WSAPoll(fds, 1, 0));
    show_revents(fds, 1);
    closesocket(a);

    /* A UDP socket, even unbound, is writable. */
    u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    entry(&fds[0], u, POLLRDNORM | POLLWRNORM);
    check("unbound UDP socket", WSAPoll(fds, 1, 0));
    show_revents(fds, 1);
    closesocket(u);

    closesocket(l);
    check("WSACleanup", WSACleanup());
    return 0;
}
