/* docs/surface.md: TCP over IPv6 beside IPv4: AF_INET6 is 23, sockaddr_in6 is 28
 * bytes with sin6_scope_id, IPV6_V6ONLY starts TRUE so an IPv6 socket
 * cannot reach an IPv4-mapped address. */
#include "conformance.h"

int main(void)
{
    SOCKET c, s, v6;
    SOCKADDR_IN6 name;
    SOCKADDR_IN v4;
    int len;
    char buf[16], text[INET6_ADDRSTRLEN];

    start();
    pair(AF_INET6, &c, &s);
    len = sizeof name;
    CHECK("getsockname", getsockname(c, (SOCKADDR *)&name, &len));
    printf("family %d len %d address %s scope %lu\n", name.sin6_family, len,
           inet_ntop(AF_INET6, &name.sin6_addr, text, sizeof text), (unsigned long)name.sin6_scope_id);
    len = sizeof(SOCKADDR_IN);
    CHECK("getpeername into a sockaddr_in", getpeername(s, (SOCKADDR *)&name, &len));
    CHECK("send", send(c, "over v6", 7, 0));
    ZeroMemory(buf, sizeof buf);
    CHECK("recv", recv(s, buf, sizeof buf, 0));
    printf("data %s\n", buf);
    closesocket(c);
    closesocket(s);

    /* IPV6_V6ONLY is TRUE: the socket cannot take an IPv4-mapped peer. */
    v6 = socket(AF_INET6, SOCK_STREAM, 0);
    v4 = closed_port();
    ZeroMemory(&name, sizeof name);
    name.sin6_family = AF_INET6;
    name.sin6_port = v4.sin_port;
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &name.sin6_addr);
    /* Windows does not document which code; only the failure is checked. */
    printf("connect a v6-only socket to an IPv4-mapped address fails: %d\n",
           connect(v6, (SOCKADDR *)&name, sizeof name) == SOCKET_ERROR);
    closesocket(v6);
    CHECK("WSACleanup", WSACleanup());
    return 0;
}
