/*
 * tcp.c - the TCP data path of one guest talking to itself.
 *
 * Checks docs/surface.md: the codes Microsoft documents for each function (listen
 * or getsockname on an unbound socket and a second bind are WSAEINVAL; a
 * short address length is WSAEFAULT; an address in use WSAEADDRINUSE;
 * send/recv/getpeername unconnected WSAENOTCONN; accept on a socket that
 * is not listening and connect on a listening one WSAEINVAL; connect on a
 * connected socket WSAEISCONN; a closed port WSAECONNREFUSED), the names of
 * both ends (family 2, 127.0.0.1, matching ports), MSG_PEEK, FIONREAD,
 * SIOCATMARK TRUE with no urgent data, an echo through accept, EOF after
 * the peer's shutdown(SD_SEND) while the other direction still works, and
 * successful calls setting the last error to 0. docs/sandbox.md: connecting to or
 * binding an address outside the grant is WSAEACCES.
 */
#define _WINSOCK_DEPRECATED_NO_WARNINGS
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

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

static SOCKADDR_IN ipv4(const char *address, u_short port)
{
    SOCKADDR_IN a;
    ZeroMemory(&a, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = inet_addr(address);
    return a;
}

static void guard(SOCKET s)
{
    DWORD ms = 5000;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof(ms));
}

/* A port on 127.0.0.1 where nothing listens: bound once, then released. */
static u_short closed_port(void)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    SOCKADDR_IN a = ipv4("127.0.0.1", 0);
    int len = sizeof(a);
    bind(s, (SOCKADDR *)&a, sizeof(a));
    getsockname(s, (SOCKADDR *)&a, &len);
    closesocket(s);
    return ntohs(a.sin_port);
}

int main(void)
{
    WSADATA wsaData;
    SOCKET l, c, a, x, r;
    SOCKADDR_IN addr, name, peer, other;
    SOCKADDR_IN6 wrong;
    int len, n;
    char buf[64];
    u_long arg;

    check("WSAStartup", WSAStartup(MAKEWORD(2, 2), &wsaData));

    /* The listener, step by step. */
    l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("socket", l != INVALID_SOCKET);
    check("listen before bind", listen(l, SOMAXCONN));
    len = sizeof(name);
    check("getsockname before bind", getsockname(l, (SOCKADDR *)&name, &len));
    addr = ipv4("127.0.0.1", 0);
    check("bind with namelen 15", bind(l, (SOCKADDR *)&addr, sizeof(addr) - 1));
    check("bind 127.0.0.1:0", bind(l, (SOCKADDR *)&addr, sizeof(addr)));
    check("bind again", bind(l, (SOCKADDR *)&addr, sizeof(addr)));
    len = sizeof(addr) - 1;
    check("getsockname with namelen 15", getsockname(l, (SOCKADDR *)&addr, &len));
    printf("  namelen left at %d\n", len);
    len = sizeof(addr);
    check("getsockname", getsockname(l, (SOCKADDR *)&addr, &len));
    printf("  len %d family %d address %s port nonzero %d\n", len, addr.sin_family, inet_ntoa(addr.sin_addr),
           addr.sin_port != 0);
    check("listen", listen(l, SOMAXCONN));
    check("listen again", listen(l, SOMAXCONN));

    x = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("bind a second socket to the listener's address", bind(x, (SOCKADDR *)&addr, sizeof(addr)));
    closesocket(x);

    /* An unconnected socket. */
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("send unconnected", send(c, "x", 1, 0));
    check("recv unconnected", recv(c, buf, sizeof(buf), 0));
    len = sizeof(peer);
    check("getpeername unconnected", getpeername(c, (SOCKADDR *)&peer, &len));
    check("accept on a socket that is not listening", accept(c, NULL, NULL) != INVALID_SOCKET);
    check("connect with namelen 8", connect(c, (SOCKADDR *)&addr, 8));

    /* Connected through the listener's backlog, then accepted. */
    check("connect", connect(c, (SOCKADDR *)&addr, sizeof(addr)));
    check("connect again", connect(c, (SOCKADDR *)&addr, sizeof(addr)));
    check("connect on the listening socket", connect(l, (SOCKADDR *)&addr, sizeof(addr)));
    len = sizeof(peer);
    ZeroMemory(&peer, sizeof(peer));
    a = accept(l, (SOCKADDR *)&peer, &len);
    check("accept", a != INVALID_SOCKET);
    printf("  peer len %d family %d address %s\n", len, peer.sin_family, inet_ntoa(peer.sin_addr));
    guard(a);
    guard(c);

    len = sizeof(name);
    check("getsockname of the client", getsockname(c, (SOCKADDR *)&name, &len));
    printf("  family %d address %s port is the accepted peer's %d\n", name.sin_family, inet_ntoa(name.sin_addr),
           name.sin_port == peer.sin_port);
    len = sizeof(other);
    check("getpeername of the client", getpeername(c, (SOCKADDR *)&other, &len));
    printf("  family %d address %s port is the listener's %d\n", other.sin_family, inet_ntoa(other.sin_addr),
           other.sin_port == addr.sin_port);
    len = sizeof(other);
    check("getsockname of the accepted socket", getsockname(a, (SOCKADDR *)&other, &len));
    printf("  port is the listener's %d\n", other.sin_port == addr.sin_port);
    len = sizeof(other);
    check("getpeername of the accepted socket", getpeername(a, (SOCKADDR *)&other, &len));
    printf("  port is the client's %d\n", other.sin_port == name.sin_port);

    /* Data: peek, count, read. */
    check("send 11 bytes", send(c, "hello world", 11, 0));
    n = recv(a, buf, 5, MSG_PEEK);
    check("recv 5 with MSG_PEEK", n);
    show_data("  peeked", buf, n);
    arg = 12345;
    check("ioctlsocket FIONREAD", ioctlsocket(a, FIONREAD, &arg));
    printf("  bytes ready %lu\n", arg);
    arg = 12345;
    check("ioctlsocket SIOCATMARK", ioctlsocket(a, SIOCATMARK, &arg));
    printf("  at mark (no urgent data) %d\n", arg != 0);
    n = recv(a, buf, sizeof(buf), 0);
    check("recv", n);
    show_data("  data", buf, n);
    arg = 12345;
    check("ioctlsocket FIONREAD", ioctlsocket(a, FIONREAD, &arg));
    printf("  bytes ready %lu\n", arg);

    /* Echo back. */
    check("send the echo", send(a, buf, n > 0 ? n : 0, 0));
    n = recv(c, buf, sizeof(buf), 0);
    check("recv the echo", n);
    show_data("  data", buf, n);

    /* The client's FIN: EOF for the accepted side, which can still send. */
    check("shutdown SD_SEND", shutdown(c, SD_SEND));
    check("recv at EOF", recv(a, buf, sizeof(buf), 0));
    check("recv at EOF again", recv(a, buf, sizeof(buf), 0));
    check("send after the peer's FIN", send(a, "bye", 3, 0));
    n = recv(c, buf, sizeof(buf), 0);
    check("recv on the half-closed side", n);
    show_data("  data", buf, n);
    check("closesocket the accepted socket", closesocket(a));
    check("recv after the peer closed", recv(c, buf, sizeof(buf), 0));
    check("closesocket the client", closesocket(c));
    check("closesocket the listener", closesocket(l));

    /* Nothing listens: refused. */
    r = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    addr = ipv4("127.0.0.1", closed_port());
    check("connect to a closed port", connect(r, (SOCKADDR *)&addr, sizeof(addr)));
    closesocket(r);

    /* The wrong address family for the socket. */
    r = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ZeroMemory(&wrong, sizeof(wrong));
    wrong.sin6_family = 0xdead;
    check("bind an unknown family", bind(r, (SOCKADDR *)&wrong, sizeof(wrong)));
    closesocket(r);

    /* Outside the grant (127.0.0.1 and ::1 only): no system call is made. */
    r = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    addr = ipv4("192.0.2.1", 80);
    check("connect to 192.0.2.1 (not granted)", connect(r, (SOCKADDR *)&addr, sizeof(addr)));
    addr = ipv4("0.0.0.0", 0);
    check("bind 0.0.0.0 (not granted)", bind(r, (SOCKADDR *)&addr, sizeof(addr)));
    closesocket(r);

    check("WSACleanup", WSACleanup());
    return 0;
}
