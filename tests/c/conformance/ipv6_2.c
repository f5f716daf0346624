/*
 * ipv6.c - TCP over ::1, and an IPv6 socket reaching IPv4.
 *
 * Checks docs/surface.md, docs/errors.md and docs/guests.md for AF_INET6: AF_INET6 is 23 and sockaddr_in6 is
 * 28 bytes (a 24-byte, pre-scope-id length is WSAEFAULT for bind and for
 * getsockname); IPV6_V6ONLY starts TRUE; bind/listen/connect/accept on
 * [::1], the names of both ends (family 23, ::1, matching ports), data
 * both ways. With IPV6_V6ONLY cleared (Windows' dual-stack sockets) an
 * IPv6 socket connects to an IPv4 listener through ::ffff:127.0.0.1 and
 * sees that IPv4-mapped address as its peer, while the IPv4 listener sees
 * 127.0.0.1 (docs/sandbox.md: the mapped address is checked as the IPv4 one).
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

static const char *text6(const IN6_ADDR *a, char *buf, size_t size)
{
    return inet_ntop(AF_INET6, a, buf, size) ? buf : "(null)";
}

static void guard(SOCKET s)
{
    DWORD ms = 5000;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof(ms));
}

int main(void)
{
    WSADATA wsaData;
    SOCKET l, c, a, d, l4, a4;
    SOCKADDR_IN6 addr, name, peer, mapped;
    SOCKADDR_IN addr4, peer4;
    char buf[64], text[INET6_ADDRSTRLEN];
    int len, n, value;

    check("WSAStartup", WSAStartup(MAKEWORD(2, 2), &wsaData));
    printf("AF_INET6 %d, sizeof(SOCKADDR_IN6) %u\n", AF_INET6, (unsigned)sizeof(SOCKADDR_IN6));

    l = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    check("socket AF_INET6", l != INVALID_SOCKET);
    value = 0;
    len = sizeof(value);
    check("get IPV6_V6ONLY", getsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, (char *)&value, &len));
    printf("  value %d\n", value);
    ZeroMemory(&addr, sizeof(addr));
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    check("bind [::1]:0 with namelen 24", bind(l, (SOCKADDR *)&addr, 24));
    check("bind [::1]:0", bind(l, (SOCKADDR *)&addr, sizeof(addr)));
    len = 24;
    check("getsockname with namelen 24", getsockname(l, (SOCKADDR *)&addr, &len));
    len = sizeof(addr);
    check("getsockname", getsockname(l, (SOCKADDR *)&addr, &len));
    printf("  len %d family %d address %s port nonzero %d\n", len, addr.sin6_family,
           text6(&addr.sin6_addr, text, sizeof(text)), addr.sin6_port != 0);
    check("listen", listen(l, SOMAXCONN));

    c = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    check("connect [::1]", connect(c, (SOCKADDR *)&addr, sizeof(addr)));
    len = sizeof(peer);
    ZeroMemory(&peer, sizeof(peer));
    a = accept(l, (SOCKADDR *)&peer, &len);
    check("accept", a != INVALID_SOCKET);
    printf("  peer len %d family %d address %s\n", len, peer.sin6_family, text6(&peer.sin6_addr, text, sizeof(text)));
    guard(a);
    guard(c);

    len = sizeof(name);
    check("getsockname of the client", getsockname(c, (SOCKADDR *)&name, &len));
    printf("  len %d family %d address %s port is the accepted peer's %d\n", len, name.sin6_family,
           text6(&name.sin6_addr, text, sizeof(text)), name.sin6_port == peer.sin6_port);
    len = sizeof(name);
    check("getpeername of the client", getpeername(c, (SOCKADDR *)&name, &len));
    printf("  family %d address %s port is the listener's %d\n", name.sin6_family,
           text6(&name.sin6_addr, text, sizeof(text)), name.sin6_port == addr.sin6_port);

    check("send", send(c, "over v6", 7, 0));
    n = recv(a, buf, sizeof(buf), 0);
    check("recv", n);
    show_data("  data", buf, n);
    check("send back", send(a, "and back", 8, 0));
    n = recv(c, buf, sizeof(buf), 0);
    check("recv", n);
    show_data("  data", buf, n);
    closesocket(a);
    closesocket(c);
    closesocket(l);

    /* Dual stack: an IPv6 socket with IPV6_V6ONLY cleared reaches an IPv4
     * listener through the IPv4-mapped address. */
    l4 = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ZeroMemory(&addr4, sizeof(addr4));
    addr4.sin_family = AF_INET;
    addr4.sin_addr.s_addr = inet_addr("127.0.0.1");
    len = sizeof(addr4);
    bind(l4, (SOCKADDR *)&addr4, sizeof(addr4));
    getsockname(l4, (SOCKADDR *)&addr4, &len);
    listen(l4, SOMAXCONN);

    d = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    value = 0;
    check("clear IPV6_V6ONLY", setsockopt(d, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&value, sizeof(value)));
    ZeroMemory(&mapped, sizeof(mapped));
    mapped.sin6_family = AF_INET6;
    mapped.sin6_port = addr4.sin_port;
    printf("inet_pton ::ffff:127.0.0.1: %d\n", inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped.sin6_addr));
    check("connect [::ffff:127.0.0.1]", connect(d, (SOCKADDR *)&mapped, sizeof(mapped)));
    len = sizeof(name);
    check("getpeername", getpeername(d, (SOCKADDR *)&name, &len));
    printf("  len %d family %d address %s\n", len, name.sin6_family, text6(&name.sin6_addr, text, sizeof(text)));
    len = sizeof(peer4);
    ZeroMemory(&peer4, sizeof(peer4));
    a4 = accept(l4, (SOCKADDR *)&peer4, &len);
    check("accept on the IPv4 listener", a4 != INVALID_SOCKET);
    printf("  peer len %d family %d address %s\n", len, peer4.sin_family, inet_ntoa(peer4.sin_addr));
    closesocket(a4);
    closesocket(d);
    closesocket(l4);

    check("WSACleanup", WSACleanup());
    return 0;
}
