/*
 * shutdown.c - shutdown's three directions.
 *
 * Checks docs/shutdown.md: SD_RECEIVE 0, SD_SEND 1, SD_BOTH 2, any other value
 * WSAEINVAL; an unconnected or listening TCP socket is WSAENOTCONN; after
 * SD_SEND (which may be repeated) send fails WSAESHUTDOWN, the peer reads
 * the data sent before and then EOF, and receiving still works; after
 * SD_RECEIVE recv fails WSAESHUTDOWN (no data arrives afterwards: on
 * Windows late data would reset the connection) while sending works;
 * after SD_BOTH both fail and the peer reads EOF; shutdown does not free
 * the handle (options and names still work, closesocket succeeds).
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

static void guard(SOCKET s)
{
    DWORD ms = 5000;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof(ms));
}

static SOCKET open_listener(SOCKADDR_IN *addr)
{
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    int len = sizeof(*addr);
    ZeroMemory(addr, sizeof(*addr));
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (l == INVALID_SOCKET || bind(l, (SOCKADDR *)addr, sizeof(*addr)) == SOCKET_ERROR ||
        getsockname(l, (SOCKADDR *)addr, &len) == SOCKET_ERROR || listen(l, SOMAXCONN) == SOCKET_ERROR) {
        printf("listener failed: %d\n", WSAGetLastError());
        exit(1);
    }
    return l;
}

static void connect_pair(SOCKET l, const SOCKADDR_IN *addr, SOCKET *client, SOCKET *server)
{
    *client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (*client == INVALID_SOCKET || connect(*client, (const SOCKADDR *)addr, sizeof(*addr)) == SOCKET_ERROR) {
        printf("connect failed: %d\n", WSAGetLastError());
        exit(1);
    }
    *server = accept(l, NULL, NULL);
    if (*server == INVALID_SOCKET) {
        printf("accept failed: %d\n", WSAGetLastError());
        exit(1);
    }
    guard(*client);
    guard(*server);
}

int main(void)
{
    WSADATA wsaData;
    SOCKET l, fresh, c, a;
    SOCKADDR_IN addr, name;
    char buf[64];
    int n, len, type;

    check("WSAStartup", WSAStartup(MAKEWORD(2, 2), &wsaData));
    printf("SD_RECEIVE %d SD_SEND %d SD_BOTH %d\n", SD_RECEIVE, SD_SEND, SD_BOTH);

    fresh = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("shutdown SD_SEND unconnected", shutdown(fresh, SD_SEND));
    check("shutdown SD_RECEIVE unconnected", shutdown(fresh, SD_RECEIVE));
    check("shutdown SD_BOTH unconnected", shutdown(fresh, SD_BOTH));
    closesocket(fresh);
    l = open_listener(&addr);
    check("shutdown SD_BOTH on the listener", shutdown(l, SD_BOTH));

    connect_pair(l, &addr, &c, &a);
    check("shutdown how=3", shutdown(c, 3));
    check("shutdown how=-1", shutdown(c, -1));

    /* SD_SEND */
    check("send before SD_SEND", send(c, "last", 4, 0));
    check("shutdown SD_SEND", shutdown(c, SD_SEND));
    check("shutdown SD_SEND again", shutdown(c, SD_SEND));
    check("send after SD_SEND", send(c, "more", 4, 0));
    n = recv(a, buf, sizeof(buf), 0);
    check("peer recv", n);
    show_data("  data", buf, n);
    check("peer recv at EOF", recv(a, buf, sizeof(buf), 0));
    check("peer recv at EOF again", recv(a, buf, sizeof(buf), 0));
    check("peer send", send(a, "reply", 5, 0));
    n = recv(c, buf, sizeof(buf), 0);
    check("recv after SD_SEND", n);
    show_data("  data", buf, n);

    /* SD_RECEIVE */
    check("peer shutdown SD_RECEIVE", shutdown(a, SD_RECEIVE));
    check("peer recv after SD_RECEIVE", recv(a, buf, sizeof(buf), 0));
    check("peer send after SD_RECEIVE", send(a, "still", 5, 0));
    n = recv(c, buf, sizeof(buf), 0);
    check("recv", n);
    show_data("  data", buf, n);
    check("shutdown SD_RECEIVE", shutdown(c, SD_RECEIVE));
    check("recv after SD_RECEIVE", recv(c, buf, sizeof(buf), 0));

    /* The handles are still there. */
    type = 0;
    len = sizeof(type);
    check("getsockopt SO_TYPE after shutdown", getsockopt(c, SOL_SOCKET, SO_TYPE, (char *)&type, &len));
    len = sizeof(name);
    check("getpeername after shutdown", getpeername(c, (SOCKADDR *)&name, &len));
    check("closesocket", closesocket(c));
    check("closesocket the peer", closesocket(a));

    /* SD_BOTH */
    connect_pair(l, &addr, &c, &a);
    check("shutdown SD_BOTH", shutdown(c, SD_BOTH));
    check("send after SD_BOTH", send(c, "x", 1, 0));
    check("recv after SD_BOTH", recv(c, buf, sizeof(buf), 0));
    check("peer recv at EOF", recv(a, buf, sizeof(buf), 0));
    check("closesocket", closesocket(c));
    check("closesocket the peer", closesocket(a));

    closesocket(l);
    check("WSACleanup", WSACleanup());
    return 0;
}
