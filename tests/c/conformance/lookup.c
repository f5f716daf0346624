/* docs/surface.md and docs/sandbox.md: getaddrinfo/freeaddrinfo/getnameinfo/gethostbyname/
 * gethostname under a lookup grant of "localhost" only. Numeric hosts need
 * no grant; a name outside the grant is WSAHOST_NOT_FOUND. */
#include "conformance.h"

int main(void)
{
    ADDRINFOA hints, *res = NULL, *ai;
    struct hostent *h;
    SOCKADDR_IN sin;
    char host[NI_MAXHOST], serv[NI_MAXSERV], name[256];
    int rc, n;

    start();
    ZeroMemory(&hints, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo("localhost", "80", &hints, &res);
    printf("getaddrinfo localhost: %d %d\n", rc, WSAGetLastError());
    if (rc == 0) {
        SOCKADDR_IN *a = (SOCKADDR_IN *)res->ai_addr;
        for (n = 0, ai = res; ai; ai = ai->ai_next) n++;
        printf("entries >= 1: %d, family %d socktype %d addrlen %d, 127.0.0.1 %d, port %d\n", n >= 1, res->ai_family,
               res->ai_socktype, (int)res->ai_addrlen, a->sin_addr.s_addr == htonl(INADDR_LOOPBACK), ntohs(a->sin_port));
        freeaddrinfo(res);
    }

    hints.ai_flags = AI_NUMERICHOST;
    hints.ai_family = AF_UNSPEC;
    res = NULL;
    rc = getaddrinfo("::1", "8080", &hints, &res);
    printf("getaddrinfo ::1 numeric: %d %d\n", rc, WSAGetLastError());
    if (rc == 0) {
        printf("family %d addrlen %d port %d\n", res->ai_family, (int)res->ai_addrlen,
               ntohs(((SOCKADDR_IN6 *)res->ai_addr)->sin6_port));
        freeaddrinfo(res);
    }
    rc = getaddrinfo("localhost", NULL, &hints, &res);
    printf("getaddrinfo a name with AI_NUMERICHOST: %d %d\n", rc, WSAGetLastError());

    hints.ai_flags = 0;
    rc = getaddrinfo("example.com", "80", &hints, &res);
    printf("getaddrinfo outside the grant: %d %d\n", rc, WSAGetLastError());

    h = gethostbyname("localhost");
    printf("gethostbyname localhost: %d %d\n", h != NULL, WSAGetLastError());
    if (h) {
        IN_ADDR in;
        CopyMemory(&in, h->h_addr_list[0], h->h_length);
        printf("h_addrtype %d h_length %d first %s\n", h->h_addrtype, h->h_length, inet_ntoa(in));
    }
    h = gethostbyname("127.0.0.1");
    printf("gethostbyname 127.0.0.1: %d %d\n", h != NULL, WSAGetLastError());
    h = gethostbyname("example.com");
    printf("gethostbyname outside the grant: %d %d\n", h != NULL, WSAGetLastError());

    ZeroMemory(&sin, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(80);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = getnameinfo((SOCKADDR *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
    printf("getnameinfo numeric: %d %d %s %s\n", rc, WSAGetLastError(), host, serv);
    rc = getnameinfo((SOCKADDR *)&sin, 4, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST);
    printf("getnameinfo with a short address: %d %d\n", rc, WSAGetLastError());

    rc = gethostname(name, sizeof name);
    printf("gethostname: %d %d, non-empty %d\n", rc, WSAGetLastError(), name[0] != '\0');
    rc = gethostname(name, 1);
    printf("gethostname into 1 byte: %d %d\n", rc, WSAGetLastError());
    CHECK("WSACleanup", WSACleanup());
    return 0;
}
