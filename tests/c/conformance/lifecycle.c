/* docs/lifecycle.md: WSAStartup's version table and WSADATA, the startup count, and
 * WSANOTINITIALISED before startup and after the final cleanup. */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>

#define CHECK(label, expr) do { int r_ = (int)(expr); printf("%s: %d %d\n", label, r_, WSAGetLastError()); } while (0)

static void startup(WORD version)
{
    WSADATA d;
    int rc;
    ZeroMemory(&d, sizeof d);
    rc = WSAStartup(version, &d);
    printf("WSAStartup(%d.%d): %d wVersion %d.%d wHighVersion %d.%d iMaxSockets %d iMaxUdpDg %d \"%s\" \"%s\"\n",
           LOBYTE(version), HIBYTE(version), rc, LOBYTE(d.wVersion), HIBYTE(d.wVersion), LOBYTE(d.wHighVersion),
           HIBYTE(d.wHighVersion), d.iMaxSockets, d.iMaxUdpDg, d.szDescription, d.szSystemStatus);
}

int main(void)
{
    SOCKET s;
    WSADATA d;

    CHECK("socket before startup", socket(AF_INET, SOCK_STREAM, 0) == INVALID_SOCKET);
    CHECK("WSACleanup before startup", WSACleanup());

    startup(MAKEWORD(0, 9)); /* below 1.0: refused, 2.2 offered */
    startup(MAKEWORD(1, 0));
    startup(MAKEWORD(1, 1));
    startup(MAKEWORD(1, 5)); /* 1.x above 1.1: 1.1 */
    startup(MAKEWORD(2, 0));
    startup(MAKEWORD(2, 2));
    startup(MAKEWORD(3, 0)); /* above 2.2: 2.2 negotiated */
    printf("WSAStartup(2.2, NULL): %d\n", WSAStartup(MAKEWORD(2, 2), NULL));
    {
        WSADATA d;
        d.lpVendorInfo = (char *)&d;
        WSAStartup(MAKEWORD(2, 2), &d);
        printf("lpVendorInfo left alone: %d\n", d.lpVendorInfo == (char *)&d);
        WSACleanup();
    }

    /* Six successful startups above: six cleanups, the seventh fails. */
    CHECK("cleanup 1", WSACleanup());
    CHECK("cleanup 2", WSACleanup());
    CHECK("cleanup 3", WSACleanup());
    CHECK("cleanup 4", WSACleanup());
    CHECK("cleanup 5", WSACleanup());
    s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK("socket with one startup left", s != INVALID_SOCKET);
    CHECK("cleanup 6 (final)", WSACleanup());
    CHECK("cleanup 7", WSACleanup());
    CHECK("socket after final cleanup", socket(AF_INET, SOCK_STREAM, 0) == INVALID_SOCKET);
    CHECK("closesocket of a socket the final cleanup closed", closesocket(s));

    /* A new startup: the old handle stays dead. */
    CHECK("WSAStartup again", WSAStartup(MAKEWORD(2, 2), &d));
    CHECK("closesocket of a pre-cleanup handle", closesocket(s));
    WSASetLastError(12345);
    printf("WSASetLastError/WSAGetLastError: %d\n", WSAGetLastError());
    CHECK("a successful call resets the last error", WSACleanup());
    return 0;
}
