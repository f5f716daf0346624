/*
 * constants.c - the numbers and layouts a Windows program compiles against.
 *
 * Checks docs/errors.md (every constant and WSA error code a C header must match,
 * with Windows' values), docs/guests.md (32-bit Windows layouts: SOCKET is 32 bits,
 * WSADATA, sockaddr_in/sockaddr_in6, in_addr, hostent, addrinfo with
 * ai_canonname before ai_addr, fd_set, timeval, WSAPOLLFD, linger), docs/surface.md
 * (Winsock's FD_SET adds a handle only once and stops at FD_SETSIZE) and the
 * pure helpers (byte order, inet_addr/inet_ntoa, inet_pton/inet_ntop).
 */
#define _WINSOCK_DEPRECATED_NO_WARNINGS
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")

/* Signed constants print in decimal, bit patterns in hex. */
#define SHOW(name) printf("%s: %ld\n", #name, (long)(name))
#define SHOWX(name) printf("%s: 0x%08lX\n", #name, (unsigned long)(name))

/* The distance of a member from the start of its structure. */
#define OFFSET(var, member) ((int)((char *)&(var).member - (char *)&(var)))

static void check(const char *label, int rv)
{
    int err = WSAGetLastError();
    printf("%s: %d %d\n", label, rv, err);
}

static const struct {
    const char *name;
    int value;
} wsa_errors[] = {
    { "WSAEINTR", WSAEINTR },
    { "WSAEBADF", WSAEBADF },
    { "WSAEACCES", WSAEACCES },
    { "WSAEFAULT", WSAEFAULT },
    { "WSAEINVAL", WSAEINVAL },
    { "WSAEMFILE", WSAEMFILE },
    { "WSAEWOULDBLOCK", WSAEWOULDBLOCK },
    { "WSAEINPROGRESS", WSAEINPROGRESS },
    { "WSAEALREADY", WSAEALREADY },
    { "WSAENOTSOCK", WSAENOTSOCK },
    { "WSAEDESTADDRREQ", WSAEDESTADDRREQ },
    { "WSAEMSGSIZE", WSAEMSGSIZE },
    { "WSAEPROTOTYPE", WSAEPROTOTYPE },
    { "WSAENOPROTOOPT", WSAENOPROTOOPT },
    { "WSAEPROTONOSUPPORT", WSAEPROTONOSUPPORT },
    { "WSAESOCKTNOSUPPORT", WSAESOCKTNOSUPPORT },
    { "WSAEOPNOTSUPP", WSAEOPNOTSUPP },
    { "WSAEPFNOSUPPORT", WSAEPFNOSUPPORT },
    { "WSAEAFNOSUPPORT", WSAEAFNOSUPPORT },
    { "WSAEADDRINUSE", WSAEADDRINUSE },
    { "WSAEADDRNOTAVAIL", WSAEADDRNOTAVAIL },
    { "WSAENETDOWN", WSAENETDOWN },
    { "WSAENETUNREACH", WSAENETUNREACH },
    { "WSAENETRESET", WSAENETRESET },
    { "WSAECONNABORTED", WSAECONNABORTED },
    { "WSAECONNRESET", WSAECONNRESET },
    { "WSAENOBUFS", WSAENOBUFS },
    { "WSAEISCONN", WSAEISCONN },
    { "WSAENOTCONN", WSAENOTCONN },
    { "WSAESHUTDOWN", WSAESHUTDOWN },
    { "WSAETIMEDOUT", WSAETIMEDOUT },
    { "WSAECONNREFUSED", WSAECONNREFUSED },
    { "WSAEHOSTUNREACH", WSAEHOSTUNREACH },
    { "WSASYSNOTREADY", WSASYSNOTREADY },
    { "WSAVERNOTSUPPORTED", WSAVERNOTSUPPORTED },
    { "WSANOTINITIALISED", WSANOTINITIALISED },
    { "WSAEDISCON", WSAEDISCON },
    { "WSA_OPERATION_ABORTED", WSA_OPERATION_ABORTED },
    { "WSAHOST_NOT_FOUND", WSAHOST_NOT_FOUND },
    { "WSATRY_AGAIN", WSATRY_AGAIN },
    { "WSANO_RECOVERY", WSANO_RECOVERY },
    { "WSANO_DATA", WSANO_DATA },
};

static void show_sizes(void)
{
    WSADATA wsa;
    SOCKADDR_IN sin;
    SOCKADDR_IN6 sin6;
    HOSTENT host;
    ADDRINFOA ai;
    WSAPOLLFD pfd;
    fd_set set;

    printf("sizeof(SOCKET): %u\n", (unsigned)sizeof(SOCKET));
    printf("sizeof(SOCKADDR): %u\n", (unsigned)sizeof(SOCKADDR));
    printf("sizeof(SOCKADDR_IN): %u\n", (unsigned)sizeof(SOCKADDR_IN));
    printf("sizeof(SOCKADDR_IN6): %u\n", (unsigned)sizeof(SOCKADDR_IN6));
    printf("sizeof(SOCKADDR_STORAGE): %u\n", (unsigned)sizeof(SOCKADDR_STORAGE));
    printf("sizeof(IN_ADDR): %u\n", (unsigned)sizeof(IN_ADDR));
    printf("sizeof(IN6_ADDR): %u\n", (unsigned)sizeof(IN6_ADDR));
    printf("sizeof(struct linger): %u\n", (unsigned)sizeof(struct linger));
    printf("sizeof(fd_set): %u\n", (unsigned)sizeof(fd_set));
    /* sizeof(TIMEVAL) is left out: wasi-libc fixes struct timeval at 16 bytes (see winsock2.h). */
    printf("sizeof(WSAPOLLFD): %u\n", (unsigned)sizeof(WSAPOLLFD));
    printf("sizeof(WSADATA): %u\n", (unsigned)sizeof(WSADATA));
    printf("sizeof(HOSTENT): %u\n", (unsigned)sizeof(HOSTENT));
    printf("sizeof(ADDRINFOA): %u\n", (unsigned)sizeof(ADDRINFOA));

    printf("WSADATA.szDescription at %d\n", OFFSET(wsa, szDescription));
    printf("WSADATA.szSystemStatus at %d\n", OFFSET(wsa, szSystemStatus));
    printf("WSADATA.iMaxSockets at %d\n", OFFSET(wsa, iMaxSockets));
    printf("WSADATA.iMaxUdpDg at %d\n", OFFSET(wsa, iMaxUdpDg));
    printf("WSADATA.lpVendorInfo at %d\n", OFFSET(wsa, lpVendorInfo));
    printf("SOCKADDR_IN.sin_port at %d\n", OFFSET(sin, sin_port));
    printf("SOCKADDR_IN.sin_addr at %d\n", OFFSET(sin, sin_addr));
    printf("SOCKADDR_IN6.sin6_port at %d\n", OFFSET(sin6, sin6_port));
    printf("SOCKADDR_IN6.sin6_flowinfo at %d\n", OFFSET(sin6, sin6_flowinfo));
    printf("SOCKADDR_IN6.sin6_addr at %d\n", OFFSET(sin6, sin6_addr));
    printf("SOCKADDR_IN6.sin6_scope_id at %d\n", OFFSET(sin6, sin6_scope_id));
    printf("HOSTENT.h_addrtype at %d\n", OFFSET(host, h_addrtype));
    printf("HOSTENT.h_length at %d\n", OFFSET(host, h_length));
    printf("HOSTENT.h_addr_list at %d\n", OFFSET(host, h_addr_list));
    printf("ADDRINFOA.ai_addrlen at %d\n", OFFSET(ai, ai_addrlen));
    printf("ADDRINFOA.ai_canonname at %d\n", OFFSET(ai, ai_canonname));
    printf("ADDRINFOA.ai_addr at %d\n", OFFSET(ai, ai_addr));
    printf("ADDRINFOA.ai_next at %d\n", OFFSET(ai, ai_next));
    printf("WSAPOLLFD.events at %d\n", OFFSET(pfd, events));
    printf("WSAPOLLFD.revents at %d\n", OFFSET(pfd, revents));
    printf("fd_set.fd_array at %d\n", OFFSET(set, fd_array));
}

static void show_constants(void)
{
    unsigned i;

    SHOW(AF_UNSPEC);
    SHOW(AF_INET);
    SHOW(AF_INET6);
    SHOW(PF_INET);
    SHOW(PF_INET6);
    SHOW(SOCK_STREAM);
    SHOW(SOCK_DGRAM);
    SHOW(IPPROTO_IP);
    SHOW(IPPROTO_TCP);
    SHOW(IPPROTO_UDP);
    SHOW(IPPROTO_IPV6);
    SHOW(MSG_OOB);
    SHOW(MSG_PEEK);
    SHOWX(SOMAXCONN);
    SHOW(SOCKET_ERROR);
    SHOWX(INVALID_SOCKET);
    SHOW(FD_SETSIZE);
    SHOW(SD_RECEIVE);
    SHOW(SD_SEND);
    SHOW(SD_BOTH);
    SHOWX(INADDR_ANY);
    SHOWX(INADDR_LOOPBACK);
    SHOWX(INADDR_NONE);
    SHOW(INET_ADDRSTRLEN);
    SHOW(INET6_ADDRSTRLEN);
    SHOW(WSADESCRIPTION_LEN);
    SHOW(WSASYS_STATUS_LEN);

    SHOWX(SOL_SOCKET);
    SHOWX(SO_ACCEPTCONN);
    SHOWX(SO_REUSEADDR);
    SHOWX(SO_KEEPALIVE);
    SHOWX(SO_BROADCAST);
    SHOWX(SO_LINGER);
    SHOWX(SO_OOBINLINE);
    SHOWX(SO_DONTLINGER);
    SHOWX(SO_EXCLUSIVEADDRUSE);
    SHOWX(SO_SNDBUF);
    SHOWX(SO_RCVBUF);
    SHOWX(SO_SNDTIMEO);
    SHOWX(SO_RCVTIMEO);
    SHOWX(SO_ERROR);
    SHOWX(SO_TYPE);
    printf("SO_DONTLINGER == ~SO_LINGER: %d\n", SO_DONTLINGER == (int)(~SO_LINGER));
    SHOW(TCP_NODELAY);
    SHOW(IP_TTL);
    SHOW(IPV6_V6ONLY);

    SHOWX(FIONBIO);
    SHOWX(FIONREAD);
    SHOWX(SIOCATMARK);

    SHOWX(POLLRDNORM);
    SHOWX(POLLRDBAND);
    SHOWX(POLLIN);
    SHOWX(POLLWRNORM);
    SHOWX(POLLOUT);
    SHOWX(POLLERR);
    SHOWX(POLLHUP);
    SHOWX(POLLNVAL);

    SHOWX(AI_PASSIVE);
    SHOWX(AI_CANONNAME);
    SHOWX(AI_NUMERICHOST);
    SHOWX(NI_NUMERICHOST);
    SHOWX(NI_NUMERICSERV);
    SHOW(NI_MAXHOST);
    SHOW(NI_MAXSERV);

    for (i = 0; i < sizeof(wsa_errors) / sizeof(wsa_errors[0]); i++)
        printf("%s: %d\n", wsa_errors[i].name, wsa_errors[i].value);
}

static void show_word_macros(void)
{
    WORD w = MAKEWORD(1, 2);

    printf("MAKEWORD(2,2): 0x%04X\n", (unsigned)MAKEWORD(2, 2));
    printf("MAKEWORD(1,2): 0x%04X\n", (unsigned)w);
    printf("LOBYTE(MAKEWORD(1,2)): %d\n", LOBYTE(w));
    printf("HIBYTE(MAKEWORD(1,2)): %d\n", HIBYTE(w));
}

static void show_byte_order(void)
{
    printf("htons(0x1234): 0x%04X\n", (unsigned)htons(0x1234));
    printf("ntohs(0x3412): 0x%04X\n", (unsigned)ntohs(0x3412));
    printf("htonl(0x12345678): 0x%08lX\n", (unsigned long)htonl(0x12345678UL));
    printf("ntohl(0x78563412): 0x%08lX\n", (unsigned long)ntohl(0x78563412UL));
}

static void show_inet_addr(const char *text)
{
    unsigned long a = inet_addr(text);
    printf("inet_addr(\"%s\"): 0x%08lX host order 0x%08lX\n", text, a, (unsigned long)ntohl(a));
}

static void show_ntop6(const char *text)
{
    IN6_ADDR a6;
    char buf[INET6_ADDRSTRLEN];
    int rc = inet_pton(AF_INET6, text, &a6);
    const char *out = rc == 1 ? inet_ntop(AF_INET6, &a6, buf, sizeof(buf)) : NULL;
    printf("inet_pton/inet_ntop \"%s\": %d \"%s\"\n", text, rc, out ? out : "(null)");
}

static void show_address_helpers(void)
{
    IN_ADDR a4;
    IN6_ADDR a6;
    char buf[INET6_ADDRSTRLEN];
    char small[4];
    const char *p;
    int rc;

    /* inet_addr returns network order; the "Internet Addresses" forms with
     * fewer parts and octal or hex parts are part of its documented input. */
    show_inet_addr("127.0.0.1");
    show_inet_addr("192.168.1.200");
    show_inet_addr("127.1");
    show_inet_addr("10.1.2");
    show_inet_addr("0x7f.1");
    show_inet_addr("010.0.0.1");
    show_inet_addr("255.255.255.255");
    show_inet_addr("256.1.1.1");
    show_inet_addr("1.2.3.4.5");
    show_inet_addr("bogus");
    show_inet_addr("");

    a4.s_addr = htonl(0xC0A80101UL);
    printf("inet_ntoa(192.168.1.1): %s\n", inet_ntoa(a4));
    a4.s_addr = htonl(INADDR_LOOPBACK);
    printf("inet_ntoa(INADDR_LOOPBACK): %s\n", inet_ntoa(a4));
    a4.S_un.S_un_b.s_b1 = 10;
    a4.S_un.S_un_b.s_b2 = 20;
    a4.S_un.S_un_b.s_b3 = 30;
    a4.S_un.S_un_b.s_b4 = 40;
    printf("inet_ntoa(S_un_b 10,20,30,40): %s\n", inet_ntoa(a4));

    /* inet_pton is strict: dotted-decimal with four parts only. */
    ZeroMemory(&a4, sizeof(a4));
    rc = inet_pton(AF_INET, "127.0.0.1", &a4);
    printf("inet_pton(AF_INET, \"127.0.0.1\"): %d loopback %d\n", rc, a4.s_addr == htonl(INADDR_LOOPBACK));
    printf("inet_pton(AF_INET, \"256.0.0.1\"): %d\n", inet_pton(AF_INET, "256.0.0.1", &a4));
    printf("inet_pton(AF_INET, \"127.1\"): %d\n", inet_pton(AF_INET, "127.1", &a4));
    printf("inet_pton(AF_INET, \"::1\"): %d\n", inet_pton(AF_INET, "::1", &a4));
    rc = inet_pton(AF_INET6, "::1", &a6);
    printf("inet_pton(AF_INET6, \"::1\"): %d loopback %d\n", rc, memcmp(&a6, &in6addr_loopback, sizeof(a6)) == 0);
    printf("inet_pton(AF_INET6, \"fe80::1::2\"): %d\n", inet_pton(AF_INET6, "fe80::1::2", &a6));
    check("inet_pton(12345)", inet_pton(12345, "1.2.3.4", &a4));

    a4.s_addr = htonl(INADDR_LOOPBACK);
    p = inet_ntop(AF_INET, &a4, buf, sizeof(buf));
    printf("inet_ntop(AF_INET, loopback): %s\n", p ? p : "(null)");
    p = inet_ntop(AF_INET6, &in6addr_loopback, buf, sizeof(buf));
    printf("inet_ntop(AF_INET6, in6addr_loopback): %s\n", p ? p : "(null)");
    show_ntop6("::");
    show_ntop6("fe80::1");
    show_ntop6("2001:DB8::8:800:200C:417A");
    show_ntop6("::ffff:192.168.1.1");

    p = inet_ntop(AF_INET, &a4, small, sizeof(small));
    check("inet_ntop into 4 bytes (null)", p == NULL);
    p = inet_ntop(12345, &a4, buf, sizeof(buf));
    check("inet_ntop(12345) (null)", p == NULL);
}

static void show_fd_set(void)
{
    fd_set set;
    SOCKET s1 = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    SOCKET s2 = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    unsigned i;

    FD_ZERO(&set);
    printf("FD_ZERO fd_count: %u\n", set.fd_count);
    FD_SET(s1, &set);
    FD_SET(s1, &set);
    FD_SET(s2, &set);
    printf("FD_SET s1, s1, s2 fd_count: %u\n", set.fd_count);
    printf("FD_ISSET s1: %d s2: %d\n", FD_ISSET(s1, &set) != 0, FD_ISSET(s2, &set) != 0);
    FD_CLR(s1, &set);
    printf("FD_CLR s1 fd_count: %u\n", set.fd_count);
    printf("FD_ISSET s1: %d s2: %d\n", FD_ISSET(s1, &set) != 0, FD_ISSET(s2, &set) != 0);
    printf("fd_array[0] is s2: %d\n", set.fd_array[0] == s2);
    FD_CLR(s1, &set);
    printf("FD_CLR s1 again fd_count: %u\n", set.fd_count);

    /* The Windows macro adds only while there is room. */
    FD_ZERO(&set);
    for (i = 0; i < FD_SETSIZE + 6; i++)
        FD_SET((SOCKET)(0x1000 + 4 * i), &set);
    printf("FD_SET of %d handles fd_count: %u\n", FD_SETSIZE + 6, set.fd_count);

    closesocket(s1);
    closesocket(s2);
}

int main(void)
{
    WSADATA wsaData;

    check("WSAStartup", WSAStartup(MAKEWORD(2, 2), &wsaData));
    show_sizes();
    show_constants();
    show_word_macros();
    show_byte_order();
    show_address_helpers();
    show_fd_set();
    check("WSACleanup", WSACleanup());
    return 0;
}
