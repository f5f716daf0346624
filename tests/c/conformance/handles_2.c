/*
 * handles.c - handles, socket()'s codes, and what closesocket does.
 *
 * Checks docs/handles.md (a handle is never 0 or INVALID_SOCKET; a closed, made-up
 * or foreign value is WSAENOTSOCK for every call; values are never reused
 * within the instance), docs/surface.md (unsupported family, type or protocol:
 * WSAEAFNOSUPPORT, WSAESOCKTNOSUPPORT, WSAEPROTONOSUPPORT; Windows answers
 * a protocol that does not match the type with WSAEPROTONOSUPPORT) and
 * docs/linger.md's closing table as one guest can observe it through its own peer:
 * the default graceful close still delivers queued data then EOF; linger
 * {1,0} resets (the peer's recv and send fail WSAECONNRESET, and keep
 * failing, docs/surface.md); linger {1,N} on a blocking socket waits for the data
 * and closes gracefully; linger {1,N} on a nonblocking socket with unsent
 * data fails WSAEWOULDBLOCK and leaves the handle valid.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#pragma comment(lib, "ws2_32.lib")

#define HANDLES 50

static void check(const char *label, int rv)
{
    int err = WSAGetLastError();
    printf("%s: %d %d\n", label, rv, err);
}

static void show_data(const char *label, const char *buf, int n)
{
    printf("%s: \"%.*s\"\n", label, n > 0 ? n : 0, buf);
}

/* A client connected to a fresh listener on 127.0.0.1, and the accepted
 * socket. The listener is closed again. */
static void tcp_pair(SOCKET *client, SOCKET *server)
{
    SOCKADDR_IN addr;
    int len = sizeof(addr);
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

    ZeroMemory(&addr, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
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

/* A receive timeout so that a wrong implementation fails instead of
 * hanging; it changes nothing where the data or the EOF does arrive. */
static void guard(SOCKET s)
{
    DWORD ms = 5000;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof(ms));
}

static int set_linger(SOCKET s, u_short onoff, u_short seconds)
{
    struct linger lg;
    lg.l_onoff = onoff;
    lg.l_linger = seconds;
    return setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof(lg));
}

static int get_type(SOCKET s)
{
    int type = 0, len = sizeof(type);
    return getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == SOCKET_ERROR ? SOCKET_ERROR : type;
}

static void closed_handles(void)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    SOCKADDR_IN addr;
    char buf[8];
    u_long arg = 1;

    check("socket", s != INVALID_SOCKET);
    printf("handle is neither 0 nor INVALID_SOCKET: %d\n", s != 0 && s != INVALID_SOCKET);
    check("closesocket", closesocket(s));
    check("closesocket again", closesocket(s));

    ZeroMemory(&addr, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    check("send on a closed handle", send(s, "x", 1, 0));
    check("recv on a closed handle", recv(s, buf, sizeof(buf), 0));
    check("bind on a closed handle", bind(s, (SOCKADDR *)&addr, sizeof(addr)));
    check("listen on a closed handle", listen(s, 1));
    check("connect on a closed handle", connect(s, (SOCKADDR *)&addr, sizeof(addr)));
    check("getsockopt on a closed handle", get_type(s));
    check("ioctlsocket on a closed handle", ioctlsocket(s, FIONBIO, &arg));
    check("shutdown on a closed handle", shutdown(s, SD_BOTH));

    check("closesocket(0)", closesocket(0));
    check("closesocket(INVALID_SOCKET)", closesocket(INVALID_SOCKET));
    check("closesocket of a made-up handle", closesocket((SOCKET)0x5A5A5A58));
    check("getsockopt on a made-up handle", get_type((SOCKET)0x5A5A5A58));
}

static void socket_codes(void)
{
    SOCKET s;

    check("socket family 0xdead", socket(0xdead, SOCK_STREAM, IPPROTO_TCP) != INVALID_SOCKET);
    check("socket type 0xdead", socket(AF_INET, 0xdead, IPPROTO_TCP) != INVALID_SOCKET);
    check("socket protocol 0xdead", socket(AF_INET, SOCK_STREAM, 0xdead) != INVALID_SOCKET);
    check("socket SOCK_STREAM with IPPROTO_UDP", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP) != INVALID_SOCKET);
    check("socket SOCK_DGRAM with IPPROTO_TCP", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP) != INVALID_SOCKET);

    s = socket(AF_INET, SOCK_STREAM, 0);
    check("socket AF_INET SOCK_STREAM 0", s != INVALID_SOCKET);
    check("  SO_TYPE", get_type(s));
    closesocket(s);
    s = socket(AF_INET, SOCK_DGRAM, 0);
    check("socket AF_INET SOCK_DGRAM 0", s != INVALID_SOCKET);
    check("  SO_TYPE", get_type(s));
    closesocket(s);
    s = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    check("socket AF_INET6 SOCK_STREAM IPPROTO_TCP", s != INVALID_SOCKET);
    check("  SO_TYPE", get_type(s));
    closesocket(s);
    s = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    check("socket AF_INET6 SOCK_DGRAM IPPROTO_UDP", s != INVALID_SOCKET);
    check("  SO_TYPE", get_type(s));
    closesocket(s);
}

static void never_reused(void)
{
    SOCKET seen[HANDLES];
    SOCKET open1, open2;
    int i, j, distinct = 1, valid = 1;

    for (i = 0; i < HANDLES; i++) {
        seen[i] = socket(AF_INET, i % 2 ? SOCK_DGRAM : SOCK_STREAM, 0);
        if (seen[i] == INVALID_SOCKET || seen[i] == 0)
            valid = 0;
        closesocket(seen[i]);
        for (j = 0; j < i; j++)
            if (seen[j] == seen[i])
                distinct = 0;
    }
    printf("%d sockets opened and closed one after another: valid %d, all distinct %d\n", HANDLES, valid, distinct);

    open1 = socket(AF_INET, SOCK_STREAM, 0);
    open2 = socket(AF_INET, SOCK_STREAM, 0);
    for (j = 0; j < HANDLES; j++)
        if (seen[j] == open1 || seen[j] == open2)
            distinct = 0;
    printf("later handles differ from every closed one: %d\n", distinct && open1 != open2);
    closesocket(open1);
    closesocket(open2);
}

static void closing(void)
{
    static char block[65536];
    SOCKET c, a;
    char buf[64];
    u_long on = 1;
    int n, rc, sends;

    /* Default (SO_DONTLINGER): queued data is still delivered, then FIN. */
    tcp_pair(&c, &a);
    guard(c);
    check("default close: send", send(a, "queued", 6, 0));
    check("default close: closesocket", closesocket(a));
    n = recv(c, buf, sizeof(buf), 0);
    check("default close: peer recv", n);
    show_data("default close: peer data", buf, n);
    check("default close: peer recv at EOF", recv(c, buf, sizeof(buf), 0));
    closesocket(c);

    /* SO_LINGER {1,0}: abortive; the peer sees a reset, and keeps seeing it. */
    tcp_pair(&c, &a);
    guard(c);
    check("linger {1,0}: setsockopt", set_linger(a, 1, 0));
    check("linger {1,0}: closesocket", closesocket(a));
    check("linger {1,0}: peer recv", recv(c, buf, sizeof(buf), 0));
    check("linger {1,0}: peer recv again", recv(c, buf, sizeof(buf), 0));
    check("linger {1,0}: peer send", send(c, "x", 1, 0));
    closesocket(c);

    /* SO_LINGER {1,5} on a blocking socket: waits, then closes gracefully. */
    tcp_pair(&c, &a);
    guard(c);
    check("linger {1,5} blocking: setsockopt", set_linger(a, 1, 5));
    check("linger {1,5} blocking: send", send(a, "lingered", 8, 0));
    check("linger {1,5} blocking: closesocket", closesocket(a));
    n = recv(c, buf, sizeof(buf), 0);
    check("linger {1,5} blocking: peer recv", n);
    show_data("linger {1,5} blocking: peer data", buf, n);
    check("linger {1,5} blocking: peer recv at EOF", recv(c, buf, sizeof(buf), 0));
    closesocket(c);

    /* SO_LINGER {1,5} on a nonblocking socket whose data cannot leave (the
     * peer never reads): WSAEWOULDBLOCK and the handle stays valid. */
    tcp_pair(&c, &a);
    check("linger {1,5} nonblocking: setsockopt", set_linger(a, 1, 5));
    check("linger {1,5} nonblocking: FIONBIO", ioctlsocket(a, FIONBIO, &on));
    sends = 0;
    do {
        rc = send(a, block, sizeof(block), 0);
    } while (rc != SOCKET_ERROR && ++sends < 20000);
    check("linger {1,5} nonblocking: send until the buffers are full", rc);
    check("linger {1,5} nonblocking: closesocket", closesocket(a));
    check("linger {1,5} nonblocking: the handle is still valid (SO_TYPE)", get_type(a));
    check("linger {1,5} nonblocking: switch to linger {1,0}", set_linger(a, 1, 0));
    check("linger {1,5} nonblocking: closesocket", closesocket(a));
    check("linger {1,5} nonblocking: now the handle is gone (SO_TYPE)", get_type(a));
    closesocket(c);
}

int main(void)
{
    WSADATA wsaData;

    check("WSAStartup", WSAStartup(MAKEWORD(2, 2), &wsaData));
    closed_handles();
    socket_codes();
    never_reused();
    closing();
    check("WSACleanup", WSACleanup());
    return 0;
}
