/* docs/errors.md and docs/guests.md: the constants, sizes and macros a C program sees, and the
 * address helpers that need no Winsock startup. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    fd_set set;
    IN_ADDR in;
    IN6_ADDR in6;
    char text[INET6_ADDRSTRLEN];

    printf("sizeof SOCKET %u, SOCKADDR_IN %u, SOCKADDR_IN6 %u, linger %u, WSAPOLLFD %u\n",
           (unsigned)sizeof(SOCKET), (unsigned)sizeof(SOCKADDR_IN), (unsigned)sizeof(SOCKADDR_IN6),
           (unsigned)sizeof(struct linger), (unsigned)sizeof(WSAPOLLFD));
    printf("AF_INET %d AF_INET6 %d SOCK_STREAM %d SOCK_DGRAM %d IPPROTO_TCP %d IPPROTO_UDP %d\n",
           AF_INET, AF_INET6, SOCK_STREAM, SOCK_DGRAM, IPPROTO_TCP, IPPROTO_UDP);
    printf("MSG_OOB %d MSG_PEEK %d SOMAXCONN 0x%x SOCKET_ERROR %d INVALID_SOCKET 0x%x\n",
           MSG_OOB, MSG_PEEK, SOMAXCONN, SOCKET_ERROR, (unsigned)INVALID_SOCKET);
    printf("SOL_SOCKET 0x%x SO_LINGER 0x%x SO_DONTLINGER 0x%x\n",
           SOL_SOCKET, SO_LINGER, (unsigned)SO_DONTLINGER);
    printf("FIONBIO 0x%lx FIONREAD 0x%lx SIOCATMARK 0x%lx\n",
           (unsigned long)FIONBIO, (unsigned long)FIONREAD, (unsigned long)SIOCATMARK);
    printf("POLLRDNORM 0x%x POLLRDBAND 0x%x POLLIN 0x%x POLLWRNORM 0x%x POLLOUT 0x%x POLLERR 0x%x POLLHUP 0x%x POLLNVAL 0x%x\n",
           POLLRDNORM, POLLRDBAND, POLLIN, POLLWRNORM, POLLOUT, POLLERR, POLLHUP, POLLNVAL);
    printf("WSAEWOULDBLOCK %d WSAENOTSOCK %d WSANOTINITIALISED %d WSAHOST_NOT_FOUND %d\n",
           WSAEWOULDBLOCK, WSAENOTSOCK, WSANOTINITIALISED, WSAHOST_NOT_FOUND);
    printf("FD_SETSIZE %d MAKEWORD(2,2) 0x%x MAKEWORD(1,1) 0x%x LOBYTE(0x0201) %d HIBYTE(0x0201) %d\n",
           FD_SETSIZE, MAKEWORD(2, 2), MAKEWORD(1, 1), LOBYTE(0x0201), HIBYTE(0x0201));
    printf("INADDR_ANY 0x%lx INADDR_LOOPBACK 0x%lx INADDR_NONE 0x%lx\n",
           (unsigned long)INADDR_ANY, (unsigned long)INADDR_LOOPBACK, (unsigned long)INADDR_NONE);

    /* Byte order helpers. */
    printf("htons(0x1234) 0x%x htonl(0x12345678) 0x%lx ntohs(htons(80)) %d\n",
           htons(0x1234), (unsigned long)htonl(0x12345678), ntohs(htons(80)));

    /* inet_addr: network byte order, so the first byte in memory is 127. */
    in.s_addr = inet_addr("127.0.0.1");
    printf("inet_addr 127.0.0.1: first byte %d, last byte %d, inet_ntoa %s\n",
           in.S_un.S_un_b.s_b1, in.S_un.S_un_b.s_b4, inet_ntoa(in));
    printf("inet_addr bad: 0x%lx\n", (unsigned long)inet_addr("300.1.2.3"));

    /* inet_pton / inet_ntop. */
    printf("inet_pton v4 %d", inet_pton(AF_INET, "10.1.2.3", &in));
    printf(" -> %s\n", inet_ntop(AF_INET, &in, text, sizeof text));
    printf("inet_pton v6 %d", inet_pton(AF_INET6, "2001:db8::1", &in6));
    printf(" -> %s\n", inet_ntop(AF_INET6, &in6, text, sizeof text));
    printf("inet_pton loopback %d", inet_pton(AF_INET6, "::1", &in6));
    printf(" -> %s, IN6_IS_ADDR_LOOPBACK %d\n", inet_ntop(AF_INET6, &in6, text, sizeof text), IN6_IS_ADDR_LOOPBACK(&in6));
    printf("inet_pton invalid v4: %d\n", inet_pton(AF_INET, "1.2.3", &in));
    printf("inet_pton bad family: %d %d\n", inet_pton(12345, "1.2.3.4", &in), WSAGetLastError());
    printf("in6addr_loopback last byte %d\n", in6addr_loopback.s6_addr[15]);

    /* The Winsock fd_set: FD_SET adds a handle once (docs/surface.md). */
    FD_ZERO(&set);
    FD_SET(5, &set);
    FD_SET(7, &set);
    FD_SET(5, &set);
    printf("fd_count after 5,7,5: %u, FD_ISSET(7) %d, FD_ISSET(9) %d\n", set.fd_count, FD_ISSET(7, &set), FD_ISSET(9, &set));
    FD_CLR(5, &set);
    printf("after FD_CLR(5): fd_count %u, first %u\n", set.fd_count, (unsigned)set.fd_array[0]);
    return 0;
}
