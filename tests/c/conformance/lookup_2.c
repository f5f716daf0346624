/*
 * lookup.c - names and numbers, run with the lookup of "localhost" granted.
 *
 * Checks docs/surface.md and docs/sandbox.md: getaddrinfo("localhost") with AF_INET hints gives
 * 127.0.0.1, the service port and Windows' numbers (ai_family 2,
 * ai_socktype as hinted, ai_addrlen 16); numeric hosts ("127.0.0.1",
 * "::1") are parsed, never looked up, and AI_NUMERICHOST refuses a name
 * with WSAHOST_NOT_FOUND; a NULL host gives the wildcard (AI_PASSIVE) or
 * the loopback address; no host and no service, or an unknown family, are
 * refused; a name outside the grant is WSAHOST_NOT_FOUND from getaddrinfo
 * (returned) and gethostbyname (NULL, last error 11001);
 * gethostbyname("localhost") is a hostent with h_addrtype 2, h_length 4,
 * 127.0.0.1; getnameinfo with NI_NUMERICHOST|NI_NUMERICSERV formats
 * 127.0.0.1:80 and [::1]:443; gethostname succeeds (the name itself varies,
 * so only its presence is printed) and a buffer too small is WSAEFAULT.
 * getaddrinfo's failures are printed as its return value only.
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

/* Prints the first result: family, address length, address and port. */
static void show_first(const ADDRINFOA *ai)
{
    char text[INET6_ADDRSTRLEN];
    if (ai->ai_family == AF_INET) {
        const SOCKADDR_IN *a = (const SOCKADDR_IN *)ai->ai_addr;
        printf("  ai_family %d ai_addrlen %d address %s port %d\n", ai->ai_family, (int)ai->ai_addrlen,
               inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text)) ? text : "(null)", ntohs(a->sin_port));
    } else if (ai->ai_family == AF_INET6) {
        const SOCKADDR_IN6 *a = (const SOCKADDR_IN6 *)ai->ai_addr;
        printf("  ai_family %d ai_addrlen %d address %s port %d\n", ai->ai_family, (int)ai->ai_addrlen,
               inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof(text)) ? text : "(null)", ntohs(a->sin6_port));
    } else {
        printf("  ai_family %d\n", ai->ai_family);
    }
}

static void lookup(const char *label, const char *node, const char *service, int family, int socktype, int flags)
{
    ADDRINFOA hints, *res = NULL;
    int rc;

    ZeroMemory(&hints, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_flags = flags;
    rc = getaddrinfo(node, service, &hints, &res);
    if (rc == 0) {
        check(label, rc);
        show_first(res);
        if (socktype != 0)
            printf("  ai_socktype %d\n", res->ai_socktype);
        freeaddrinfo(res);
    } else {
        printf("%s: %d\n", label, rc);
    }
}

int main(void)
{
    WSADATA wsaData;
    HOSTENT *h;
    SOCKADDR_IN sin;
    SOCKADDR_IN6 sin6;
    char host[NI_MAXHOST], serv[NI_MAXSERV], name[256];
    int rc;

    check("WSAStartup", WSAStartup(MAKEWORD(2, 2), &wsaData));

    lookup("getaddrinfo localhost 80 AF_INET SOCK_STREAM", "localhost", "80", AF_INET, SOCK_STREAM, 0);
    lookup("getaddrinfo 127.0.0.1 8080 AI_NUMERICHOST", "127.0.0.1", "8080", AF_UNSPEC, 0, AI_NUMERICHOST);
    lookup("getaddrinfo ::1 443 AI_NUMERICHOST", "::1", "443", AF_UNSPEC, 0, AI_NUMERICHOST);
    lookup("getaddrinfo 127.0.0.1 without a flag", "127.0.0.1", "25", AF_INET, SOCK_DGRAM, 0);
    lookup("getaddrinfo NULL 8080 AF_INET AI_PASSIVE", NULL, "8080", AF_INET, SOCK_STREAM, AI_PASSIVE);
    lookup("getaddrinfo NULL 8080 AF_INET", NULL, "8080", AF_INET, SOCK_STREAM, 0);
    lookup("getaddrinfo localhost AI_NUMERICHOST", "localhost", "80", AF_UNSPEC, 0, AI_NUMERICHOST);
    lookup("getaddrinfo NULL NULL", NULL, NULL, AF_UNSPEC, 0, 0);
    /* An unknown service name: Windows' EAI_SERVICE, WSATYPE_NOT_FOUND. */
    lookup("getaddrinfo 127.0.0.1 no-such-service", "127.0.0.1", "no-such-service", AF_INET, SOCK_STREAM, 0);
    printf("  EAI_SERVICE %d WSAGetLastError %d\n", EAI_SERVICE, WSAGetLastError());
    lookup("getaddrinfo family 12345", "127.0.0.1", "80", 12345, 0, 0);
    lookup("getaddrinfo example.com (not granted)", "example.com", "80", AF_INET, SOCK_STREAM, 0);

    h = gethostbyname("localhost");
    check("gethostbyname localhost", h != NULL);
    if (h != NULL) {
        IN_ADDR first;
        memcpy(&first, h->h_addr_list[0], sizeof(first));
        printf("  h_addrtype %d h_length %d first address %s\n", h->h_addrtype, h->h_length, inet_ntoa(first));
    }
    h = gethostbyname("example.com");
    check("gethostbyname example.com (not granted)", h != NULL);

    ZeroMemory(&sin, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(80);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = getnameinfo((SOCKADDR *)&sin, sizeof(sin), host, sizeof(host), serv, sizeof(serv),
                     NI_NUMERICHOST | NI_NUMERICSERV);
    check("getnameinfo 127.0.0.1:80 numeric", rc);
    printf("  host \"%s\" service \"%s\"\n", rc == 0 ? host : "", rc == 0 ? serv : "");
    ZeroMemory(&sin6, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(443);
    sin6.sin6_addr = in6addr_loopback;
    rc = getnameinfo((SOCKADDR *)&sin6, sizeof(sin6), host, sizeof(host), serv, sizeof(serv),
                     NI_NUMERICHOST | NI_NUMERICSERV);
    check("getnameinfo [::1]:443 numeric", rc);
    printf("  host \"%s\" service \"%s\"\n", rc == 0 ? host : "", rc == 0 ? serv : "");

    name[0] = '\0';
    check("gethostname", gethostname(name, sizeof(name)));
    printf("  non-empty %d\n", name[0] != '\0');
    check("gethostname into 1 byte", gethostname(name, 1));

    check("WSACleanup", WSACleanup());
    return 0;
}
