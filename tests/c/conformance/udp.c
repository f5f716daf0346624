/* docs/surface.md: UDP over IPv4 and IPv6: sendto/recvfrom with the sender's
 * address, and a datagram larger than the buffer: WSAEMSGSIZE, the buffer
 * holds its first bytes and the rest is dropped. */
#include "conformance.h"

int main(void)
{
    SOCKET a, b, a6, b6;
    SOCKADDR_IN to, from, bound;
    SOCKADDR_IN6 to6, from6;
    int len, fromlen;
    char buf[64];

    start();
    a = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    b = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    ZeroMemory(&to, sizeof to);
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = inet_addr("127.0.0.1");
    CHECK("bind a", bind(a, (SOCKADDR *)&to, sizeof to));
    len = sizeof to;
    getsockname(a, (SOCKADDR *)&to, &len);

    CHECK("recvfrom on an unbound socket", recvfrom(b, buf, sizeof buf, 0, NULL, NULL));
    CHECK("sendto 5 bytes", sendto(b, "first", 5, 0, (SOCKADDR *)&to, sizeof to));
    fromlen = sizeof from;
    CHECK("recvfrom", recvfrom(a, buf, sizeof buf, 0, (SOCKADDR *)&from, &fromlen));
    len = sizeof bound;
    getsockname(b, (SOCKADDR *)&bound, &len);
    printf("data %.5s, from family %d len %d, the sender's port %d, loopback %d\n", buf, from.sin_family, fromlen,
           from.sin_port == bound.sin_port, from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));

    CHECK("sendto 10 bytes", sendto(b, "0123456789", 10, 0, (SOCKADDR *)&to, sizeof to));
    CHECK("sendto 6 bytes", sendto(b, "second", 6, 0, (SOCKADDR *)&to, sizeof to));
    ZeroMemory(buf, sizeof buf);
    fromlen = sizeof from;
    CHECK("recvfrom into 4 bytes", recvfrom(a, buf, 4, 0, (SOCKADDR *)&from, &fromlen));
    printf("buffer holds: %s\n", buf);
    ZeroMemory(buf, sizeof buf);
    CHECK("the next datagram arrives whole", recv(a, buf, sizeof buf, 0));
    printf("data %s\n", buf);
    CHECK("sendto 10 bytes again", sendto(b, "abcdefghij", 10, 0, (SOCKADDR *)&to, sizeof to));
    ZeroMemory(buf, sizeof buf);
    CHECK("recv into 4 bytes", recv(a, buf, 4, 0));
    printf("buffer holds: %s\n", buf);

    CHECK("sendto with a short address length", sendto(b, "x", 1, 0, (SOCKADDR *)&to, 8));
    ZeroMemory(&to6, sizeof to6);
    to6.sin6_family = AF_INET6;
    to6.sin6_addr = in6addr_loopback;
    to6.sin6_port = htons(9);

    /* IPv6. */
    a6 = socket(AF_INET6, SOCK_DGRAM, 0);
    b6 = socket(AF_INET6, SOCK_DGRAM, 0);
    to6.sin6_port = 0;
    CHECK("bind ::1", bind(a6, (SOCKADDR *)&to6, sizeof to6));
    len = sizeof to6;
    getsockname(a6, (SOCKADDR *)&to6, &len);
    CHECK("sendto over IPv6", sendto(b6, "six", 3, 0, (SOCKADDR *)&to6, sizeof to6));
    fromlen = sizeof from6;
    ZeroMemory(buf, sizeof buf);
    CHECK("recvfrom over IPv6", recvfrom(a6, buf, sizeof buf, 0, (SOCKADDR *)&from6, &fromlen));
    printf("data %s, from family %d len %d loopback %d\n", buf, from6.sin6_family, fromlen,
           IN6_IS_ADDR_LOOPBACK(&from6.sin6_addr));

    closesocket(a);
    closesocket(b);
    closesocket(a6);
    closesocket(b6);
    CHECK("WSACleanup", WSACleanup());
    return 0;
}
