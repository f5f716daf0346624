/*
 * timeouts.c - SO_RCVTIMEO and SO_SNDTIMEO.
 *
 * Checks docs/blocking.md: SO_RCVTIMEO/SO_SNDTIMEO are DWORD milliseconds; a blocking
 * recv (TCP), recvfrom (UDP) or send that waits longer fails WSAETIMEDOUT,
 * after at least about the timeout (elapsed time is printed only as
 * "at least 150 ms", so the output never depends on timing); a second
 * recv times out again. Send timeouts are reached by filling the buffers
 * of a peer that never reads.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#pragma comment(lib, "ws2_32.lib")

#define MIN_WAIT 150

static void check(const char *label, int rv)
{
    int err = WSAGetLastError();
    printf("%s: %d %d\n", label, rv, err);
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

static void tcp_pair(SOCKET *client, SOCKET *server)
{
    SOCKADDR_IN addr = loopback(0);
    int len = sizeof(addr);
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

    if (l == INVALID_SOCKET || bind(l, (SOCKADDR *)&addr, sizeof(addr)) == SOCKET_ERROR ||
        getsockname(l, (SOCKADDR *)&addr, &len) == SOCKET_ERROR || listen(l, SOMAXCONN) == SOCKET_ERROR) {
        printf("listener failed: %d\n", WSAGetLastError());
        exit(1);
    }
    *client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (*client == INVALID_SOCKET || connect(*client, (SOCKADDR *)&addr, sizeof(addr)) == SOCKET_ERROR) {
        printf("connect failed: %d\n", WSAGetLastError());
        exit(1);
    }
    *server = accept(l, NULL, NULL);
    if (*server == INVALID_SOCKET) {
        printf("accept failed: %d\n", WSAGetLastError());
        exit(1);
    }
    closesocket(l);
}

static int set_ms(SOCKET s, int name, DWORD ms)
{
    return setsockopt(s, SOL_SOCKET, name, (const char *)&ms, sizeof(ms));
}

static DWORD get_ms(SOCKET s, int name)
{
    DWORD ms = 0;
    int len = sizeof(ms);
    getsockopt(s, SOL_SOCKET, name, (char *)&ms, &len);
    return ms;
}

int main(void)
{
    static char block[65536];
    WSADATA wsaData;
    SOCKET c, a, u;
    SOCKADDR_IN addr = loopback(0), from;
    char buf[16];
    DWORD start, waited;
    int rc, err, fromlen, sends;

    check("WSAStartup", WSAStartup(MAKEWORD(2, 2), &wsaData));
    tcp_pair(&c, &a);

    /* recv on TCP. */
    check("set SO_RCVTIMEO 200", set_ms(a, SO_RCVTIMEO, 200));
    printf("SO_RCVTIMEO reads back %lu\n", get_ms(a, SO_RCVTIMEO));
    start = GetTickCount();
    rc = recv(a, buf, sizeof(buf), 0);
    err = WSAGetLastError();
    waited = GetTickCount() - start;
    printf("recv with nothing to read: %d %d\n", rc, err);
    printf("  waited at least %d ms: %d\n", MIN_WAIT, waited >= MIN_WAIT);
    start = GetTickCount();
    rc = recv(a, buf, sizeof(buf), 0);
    err = WSAGetLastError();
    waited = GetTickCount() - start;
    printf("recv again: %d %d\n", rc, err);
    printf("  waited at least %d ms: %d\n", MIN_WAIT, waited >= MIN_WAIT);

    /* send on TCP: the peer (a) never reads, so the buffers fill and one
     * send waits for the whole timeout. */
    check("set SO_SNDTIMEO 200", set_ms(c, SO_SNDTIMEO, 200));
    printf("SO_SNDTIMEO reads back %lu\n", get_ms(c, SO_SNDTIMEO));
    sends = 0;
    waited = 0;
    do {
        start = GetTickCount();
        rc = send(c, block, sizeof(block), 0);
        err = WSAGetLastError();
        waited = GetTickCount() - start;
    } while (rc != SOCKET_ERROR && ++sends < 20000);
    printf("send until one fails: %d %d\n", rc, err);
    printf("  the failing send waited at least %d ms: %d\n", MIN_WAIT, waited >= MIN_WAIT);
    closesocket(c);
    closesocket(a);

    /* recvfrom on UDP. */
    u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    check("bind UDP 127.0.0.1:0", bind(u, (SOCKADDR *)&addr, sizeof(addr)));
    check("set SO_RCVTIMEO 200", set_ms(u, SO_RCVTIMEO, 200));
    fromlen = sizeof(from);
    start = GetTickCount();
    rc = recvfrom(u, buf, sizeof(buf), 0, (SOCKADDR *)&from, &fromlen);
    err = WSAGetLastError();
    waited = GetTickCount() - start;
    printf("recvfrom with nothing to read: %d %d\n", rc, err);
    printf("  waited at least %d ms: %d\n", MIN_WAIT, waited >= MIN_WAIT);
    closesocket(u);

    check("WSACleanup", WSACleanup());
    return 0;
}
