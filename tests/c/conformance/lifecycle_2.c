/*
 * lifecycle.c - WSAStartup and WSACleanup.
 *
 * Checks docs/lifecycle.md: the version table (refused majors 0.x still fill WSADATA
 * with 2.2 and do not count; 1.x above 1.1 gives 1.1; above 2.2 gives 2.2),
 * WSADATA's fields (wHighVersion 2.2, "WinSock 2.0", "Running",
 * iMaxSockets/iMaxUdpDg 32767/65467 for 1.x and 0/0 for 2.x, lpVendorInfo
 * not written), NULL WSADATA is WSAEFAULT checked after the version, N
 * startups need N cleanups and only the final one does the work, WSACleanup
 * at a count of 0 is SOCKET_ERROR/WSANOTINITIALISED, every call but the
 * exempt ones fails WSANOTINITIALISED while the count is 0, pure helpers
 * work before startup, and after the final cleanup an old handle is
 * WSANOTINITIALISED, then WSAENOTSOCK once started again (with docs/handles.md: the
 * new handles never reuse it). Also docs/surface.md: a successful call sets the
 * last error to 0.
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

static int get_type(SOCKET s)
{
    int type = 0, len = sizeof(type);
    return getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == SOCKET_ERROR ? SOCKET_ERROR : type;
}

/* One row of docs/lifecycle.md's version table. A successful startup is undone at
 * once, so each row starts from a count of 0. */
static void version_row(BYTE major, BYTE minor)
{
    WSADATA d;
    char marker = 'v';
    int rc, err;

    FillMemory(&d, sizeof(d), 0xAA);
    d.lpVendorInfo = &marker;
    rc = WSAStartup(MAKEWORD(major, minor), &d);
    if (rc == 0) {
        err = WSAGetLastError();
        printf("WSAStartup %d.%d: %d %d\n", major, minor, rc, err);
        printf("  wVersion %d.%d wHighVersion %d.%d \"%.*s\" \"%.*s\" iMaxSockets %u iMaxUdpDg %u vendor untouched %d\n",
               LOBYTE(d.wVersion), HIBYTE(d.wVersion), LOBYTE(d.wHighVersion), HIBYTE(d.wHighVersion),
               WSADESCRIPTION_LEN, d.szDescription, WSASYS_STATUS_LEN, d.szSystemStatus,
               (unsigned)d.iMaxSockets, (unsigned)d.iMaxUdpDg, d.lpVendorInfo == &marker);
        check("  WSACleanup", WSACleanup());
    } else {
        /* WSAStartup returns its error directly; the last error is not
         * specified after a refusal, so it is not printed. */
        printf("WSAStartup %d.%d: %d\n", major, minor, rc);
        printf("  wVersion %d.%d wHighVersion %d.%d\n", LOBYTE(d.wVersion), HIBYTE(d.wVersion),
               LOBYTE(d.wHighVersion), HIBYTE(d.wHighVersion));
        check("  WSACleanup (the refusal did not count)", WSACleanup());
    }
}

int main(void)
{
    WSADATA d;
    SOCKET s, s2;
    HOSTENT *h;
    ADDRINFOA *res = NULL;
    IN_ADDR a4;
    char buf[256];

    /* Before any startup. */
    WSASetLastError(WSAECONNRESET);
    printf("WSAGetLastError before startup: %d\n", WSAGetLastError());
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("socket before startup", s != INVALID_SOCKET);
    check("closesocket before startup", closesocket((SOCKET)1234));
    h = gethostbyname("localhost");
    check("gethostbyname before startup", h != NULL);
    check("gethostname before startup", gethostname(buf, sizeof(buf)));
    printf("getaddrinfo before startup: %d\n", getaddrinfo("127.0.0.1", "80", NULL, &res));
    check("WSACleanup before startup", WSACleanup());

    /* The pure helpers need no startup. */
    printf("htons(1) before startup: 0x%04X\n", (unsigned)htons(1));
    printf("inet_addr before startup: 0x%08lX\n", (unsigned long)ntohl(inet_addr("10.1.2.3")));
    a4.s_addr = htonl(0x0A010203UL);
    printf("inet_ntoa before startup: %s\n", inet_ntoa(a4));
    printf("inet_pton before startup: %d\n", inet_pton(AF_INET, "10.1.2.3", &a4));
    printf("inet_ntop before startup: %s\n", inet_ntop(AF_INET, &a4, buf, sizeof(buf)) ? buf : "(null)");

    /* docs/lifecycle.md's version table. */
    version_row(0, 0);
    version_row(0, 9);
    version_row(1, 0);
    version_row(1, 1);
    version_row(1, 2);
    version_row(1, 9);
    version_row(2, 0);
    version_row(2, 1);
    version_row(2, 2);
    version_row(2, 3);
    version_row(3, 0);
    version_row(255, 255);

    /* NULL WSADATA: WSAEFAULT, but only once the version is acceptable. */
    printf("WSAStartup 2.2 NULL: %d\n", WSAStartup(MAKEWORD(2, 2), NULL));
    printf("WSAStartup 0.0 NULL: %d\n", WSAStartup(MAKEWORD(0, 0), NULL));
    check("WSACleanup (neither counted)", WSACleanup());

    /* Three startups need three cleanups; only the third does the work. */
    check("WSAStartup #1", WSAStartup(MAKEWORD(2, 2), &d));
    check("WSAStartup #2", WSAStartup(MAKEWORD(2, 2), &d));
    check("WSAStartup #3", WSAStartup(MAKEWORD(2, 2), &d));
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("socket", s != INVALID_SOCKET);
    check("WSACleanup 1 of 3", WSACleanup());
    check("the socket is still open (SO_TYPE)", get_type(s));
    check("WSACleanup 2 of 3", WSACleanup());
    check("the socket is still open (SO_TYPE)", get_type(s));
    check("WSACleanup 3 of 3 (final)", WSACleanup());
    check("the socket after the final cleanup (SO_TYPE)", get_type(s));
    check("closesocket after the final cleanup", closesocket(s));
    check("socket after the final cleanup", socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) != INVALID_SOCKET);
    check("WSACleanup at a count of 0", WSACleanup());

    /* Started again: the old handle is gone, not reused. */
    check("WSAStartup again", WSAStartup(MAKEWORD(2, 2), &d));
    check("the old handle (SO_TYPE)", get_type(s));
    check("closesocket of the old handle", closesocket(s));
    s2 = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    check("socket", s2 != INVALID_SOCKET);
    printf("the new handle differs from the old one: %d\n", s2 != s);

    /* The last error: set, read, and reset by a successful call. */
    WSASetLastError(WSAEWOULDBLOCK);
    printf("WSASetLastError(10035) then WSAGetLastError: %d\n", WSAGetLastError());
    WSASetLastError(WSAEWOULDBLOCK);
    check("closesocket succeeds and resets the last error", closesocket(s2));

    check("WSACleanup", WSACleanup());
    return 0;
}
