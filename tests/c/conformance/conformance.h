/* Shared by the conformance programs: one line per checked call, with its
 * return value and the last error right after it (docs/surface.md: 0 after a
 * success), and a connected TCP pair over a loopback listener. */
#ifndef CONFORMANCE_H
#define CONFORMANCE_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#define CHECK(label, expr) do { int r_ = (int)(expr); printf("%s: %d %d\n", label, r_, WSAGetLastError()); } while (0)

static inline void start(void)
{
    WSADATA d;
    if (WSAStartup(MAKEWORD(2, 2), &d) != 0) {
        printf("WSAStartup failed\n");
        exit(1);
    }
}

/* A listener on 127.0.0.1 (or ::1) port 0; *addr receives its address. */
static inline SOCKET listener(int family, SOCKADDR_STORAGE *addr, int *len)
{
    SOCKET l = socket(family, SOCK_STREAM, IPPROTO_TCP);
    ZeroMemory(addr, sizeof *addr);
    if (family == AF_INET) {
        SOCKADDR_IN *in = (SOCKADDR_IN *)addr;
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        *len = sizeof(SOCKADDR_IN);
    } else {
        SOCKADDR_IN6 *in6 = (SOCKADDR_IN6 *)addr;
        in6->sin6_family = AF_INET6;
        in6->sin6_addr = in6addr_loopback;
        *len = sizeof(SOCKADDR_IN6);
    }
    if (bind(l, (SOCKADDR *)addr, *len) == SOCKET_ERROR || listen(l, 8) == SOCKET_ERROR ||
        getsockname(l, (SOCKADDR *)addr, len) == SOCKET_ERROR) {
        printf("listener failed: %d\n", WSAGetLastError());
        exit(1);
    }
    return l;
}

/* A connected pair: *client connected to the listener, *server accepted. */
static inline void pair(int family, SOCKET *client, SOCKET *server)
{
    SOCKADDR_STORAGE addr;
    int len;
    SOCKET l = listener(family, &addr, &len);
    *client = socket(family, SOCK_STREAM, IPPROTO_TCP);
    if (connect(*client, (SOCKADDR *)&addr, len) == SOCKET_ERROR) {
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

/* 127.0.0.1 at a port where nothing listens. */
static inline SOCKADDR_IN closed_port(void)
{
    SOCKADDR_STORAGE addr;
    int len;
    SOCKET l = listener(AF_INET, &addr, &len);
    closesocket(l);
    return *(SOCKADDR_IN *)&addr;
}

#endif
