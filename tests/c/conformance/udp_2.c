/*
 * udp.c - datagrams on 127.0.0.1 and ::1.
 *
 * Checks docs/surface.md: recvfrom on an unbound socket is WSAEINVAL; listen on a
 * datagram socket WSAEOPNOTSUPP; sendto/recvfrom report the sender's
 * address (family, 127.0.0.1, its port, fromlen 16); a datagram larger than
 * the buffer fails WSAEMSGSIZE with the buffer holding its first bytes and
 * the rest dropped, so the next datagram arrives whole; a short destination
 * length is WSAEFAULT; sendto does not connect (getpeername WSAENOTCONN);
 * a connected UDP socket uses send/recv and getpeername; IPv6 datagrams on
 * ::1 (family 23, fromlen 28). docs/sandbox.md: sendto outside the grant is
 * WSAEACCES.
 */
#define _WINSOCK_DEPRECATED_NO_WARNINGS
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

/* A UDP socket bound to 127.0.0.1 at a port the system picks. */
static SOCKET udp4(SOCKADDR_IN *addr)
{
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    int len = sizeof(*addr);
    ZeroMemory(addr, sizeof(*addr));
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s == INVALID_SOCKET || bind(s, (SOCKADDR *)addr, sizeof(*addr)) == SOCKET_ERROR ||
        getsockname(s, (SOCKADDR *)addr, &len) == SOCKET_ERROR) {
        printf("UDP setup failed: %d\n", WSAGetLastError());
        exit(1);
    }
    guard(s);
    return s;
}

static SOCKET udp6(SOCKADDR_IN6 *addr)
{
    SOCKET s = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    int len = sizeof(*addr);
    ZeroMemory(addr, sizeof(*addr));
    addr->sin6_family = AF_INET6;
    addr->sin6_addr = in6addr_loopback;
    if (s == INVALID_SOCKET || bind(s, (SOCKADDR *)addr, sizeof(*addr)) == SOCKET_ERROR ||
        getsockname(s, (SOCKADDR *)addr, &len) == SOCKET_ERROR) {
        printf("UDP6 setup failed: %d\n", WSAGetLastError());
        exit(1);
    }
    guard(s);
    return s;
}

int main(void)
{
    WSADATA wsaData;
    SOCKET u1, u2, u3, fresh, v1, v2;
    SOCKADDR_IN a1, a2, from, outside;
    SOCKADDR_IN6 b1, b2, from6;
    char buf[64], text[INET6_ADDRSTRLEN];
    int n, fromlen, len;

    check("WSAStartup", WSAStartup(MAKEWORD(2, 2), &wsaData));

    fresh = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    guard(fresh);
    fromlen = sizeof(from);
    check("recvfrom on an unbound socket", recvfrom(fresh, buf, sizeof(buf), 0, (SOCKADDR *)&from, &fromlen));
    check("listen on a UDP socket", listen(fresh, 1));
    closesocket(fresh);

    u1 = udp4(&a1);
    u2 = udp4(&a2);
    printf("bound: port nonzero %d\n", a1.sin_port != 0 && a2.sin_port != 0);

    check("sendto", sendto(u2, "ping", 4, 0, (SOCKADDR *)&a1, sizeof(a1)));
    fromlen = sizeof(from);
    ZeroMemory(&from, sizeof(from));
    n = recvfrom(u1, buf, sizeof(buf), 0, (SOCKADDR *)&from, &fromlen);
    check("recvfrom", n);
    show_data("  data", buf, n);
    printf("  fromlen %d family %d address %s port is the sender's %d\n", fromlen, from.sin_family,
           inet_ntoa(from.sin_addr), from.sin_port == a2.sin_port);

    /* Truncation: the first bytes, WSAEMSGSIZE, the rest dropped. */
    check("sendto 10 bytes", sendto(u2, "0123456789", 10, 0, (SOCKADDR *)&a1, sizeof(a1)));
    check("sendto 3 bytes", sendto(u2, "abc", 3, 0, (SOCKADDR *)&a1, sizeof(a1)));
    ZeroMemory(buf, sizeof(buf));
    fromlen = sizeof(from);
    check("recvfrom into 4 bytes", recvfrom(u1, buf, 4, 0, (SOCKADDR *)&from, &fromlen));
    show_data("  buffer holds", buf, 4);
    n = recvfrom(u1, buf, sizeof(buf), 0, NULL, NULL);
    check("recvfrom the next datagram", n);
    show_data("  data", buf, n);
    check("sendto 10 bytes", sendto(u2, "0123456789", 10, 0, (SOCKADDR *)&a1, sizeof(a1)));
    check("sendto 3 bytes", sendto(u2, "xyz", 3, 0, (SOCKADDR *)&a1, sizeof(a1)));
    check("recv into 6 bytes", recv(u1, buf, 6, 0));
    show_data("  buffer holds", buf, 6);
    n = recv(u1, buf, sizeof(buf), 0);
    check("recv the next datagram", n);
    show_data("  data", buf, n);

    check("sendto with tolen 8", sendto(u2, "x", 1, 0, (SOCKADDR *)&a1, 8));
    len = sizeof(from);
    check("getpeername after sendto (not connected)", getpeername(u2, (SOCKADDR *)&from, &len));

    /* A connected UDP socket. */
    u3 = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    check("connect UDP", connect(u3, (SOCKADDR *)&a1, sizeof(a1)));
    len = sizeof(from);
    check("getpeername", getpeername(u3, (SOCKADDR *)&from, &len));
    printf("  port is the receiver's %d\n", from.sin_port == a1.sin_port);
    check("send", send(u3, "conn", 4, 0));
    n = recv(u1, buf, sizeof(buf), 0);
    check("recv", n);
    show_data("  data", buf, n);
    closesocket(u3);

    /* Outside the grant. */
    ZeroMemory(&outside, sizeof(outside));
    outside.sin_family = AF_INET;
    outside.sin_port = htons(9);
    outside.sin_addr.s_addr = inet_addr("192.0.2.1");
    check("sendto 192.0.2.1 (not granted)", sendto(u2, "x", 1, 0, (SOCKADDR *)&outside, sizeof(outside)));

    /* IPv6 on ::1. */
    v1 = udp6(&b1);
    v2 = udp6(&b2);
    check("sendto over IPv6", sendto(v2, "six", 3, 0, (SOCKADDR *)&b1, sizeof(b1)));
    fromlen = sizeof(from6);
    ZeroMemory(&from6, sizeof(from6));
    n = recvfrom(v1, buf, sizeof(buf), 0, (SOCKADDR *)&from6, &fromlen);
    check("recvfrom over IPv6", n);
    show_data("  data", buf, n);
    printf("  fromlen %d family %d address %s port is the sender's %d\n", fromlen, from6.sin6_family,
           inet_ntop(AF_INET6, &from6.sin6_addr, text, sizeof(text)) ? text : "(null)",
           from6.sin6_port == b2.sin6_port);
    fromlen = sizeof(SOCKADDR_IN);
    check("sendto over IPv6", sendto(v2, "six", 3, 0, (SOCKADDR *)&b1, sizeof(b1)));
    check("recvfrom over IPv6 with fromlen 16", recvfrom(v1, buf, sizeof(buf), 0, (SOCKADDR *)&from6, &fromlen));

    closesocket(u1);
    closesocket(u2);
    closesocket(v1);
    closesocket(v2);
    check("WSACleanup", WSACleanup());
    return 0;
}
