/* Issue 10: the Winsock 2 calls legacy libraries use beside docs/surface.md's
 * surface, with the returns and WSA codes Microsoft documents:
 * WSASocket, WSASend/WSARecv/WSASendTo/WSARecvFrom with WSABUF arrays in
 * their non-overlapped form, WSAIoctl, WSAAddressToString,
 * WSAStringToAddress, getservbyname/getservbyport, gethostbyaddr. */
#include "conformance.h"
#include <mstcpip.h>

static void show_sockaddr(const char *label, SOCKADDR *sa, int len)
{
    char text[64];
    DWORD n = sizeof text;
    if (WSAAddressToStringA(sa, (DWORD)len, NULL, text, &n) == 0) printf("%s: %s\n", label, text);
    else printf("%s: error %d\n", label, WSAGetLastError());
}

int main(void)
{
    SOCKET c, s, u1, u2;
    WSABUF bufs[3];
    DWORD n, flags;
    char a[4], b[4], big[16];
    SOCKADDR_IN sin;
    SOCKADDR_IN6 sin6;
    int len, value, vlen;
    char text[64];
    DWORD tlen;

    /* Before WSAStartup the address text calls fail like every Winsock call. */
    ZeroMemory(&sin, sizeof sin);
    sin.sin_family = AF_INET;
    tlen = sizeof text;
    CHECK("WSAAddressToStringA before WSAStartup", WSAAddressToStringA((SOCKADDR *)&sin, sizeof sin, NULL, text, &tlen));
    len = sizeof sin;
    CHECK("WSAStringToAddressA before WSAStartup", WSAStringToAddressA("1.2.3.4", AF_INET, NULL, (SOCKADDR *)&sin, &len));
    start();

    /* WSASocket: the flag of overlapped sockets is accepted (every socket
     * is overlapped-capable on Windows), groups are not. */
    c = WSASocketA(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    printf("WSASocketA with WSA_FLAG_OVERLAPPED: valid %d %d\n", c != INVALID_SOCKET, WSAGetLastError());
    closesocket(c);
    CHECK("WSASocketA with a group", (int)WSASocketA(AF_INET, SOCK_STREAM, 0, NULL, 1, 0));
    {
        WSAPROTOCOL_INFOA info;
        ZeroMemory(&info, sizeof info);
        info.iAddressFamily = AF_INET;
        info.iSocketType = SOCK_DGRAM;
        info.iProtocol = IPPROTO_UDP;
        u1 = WSASocketA(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, 0);
        value = 0;
        vlen = sizeof value;
        getsockopt(u1, SOL_SOCKET, SO_TYPE, (char *)&value, &vlen);
        printf("WSASocketA from a WSAPROTOCOL_INFO: SO_TYPE %d\n", value);
        closesocket(u1);
    }
    CHECK("WSASocketW with an unknown family", (int)WSASocketW(99, SOCK_STREAM, 0, NULL, 0, 0));

    /* WSASend gathers, WSARecv scatters; both return 0 and the count. */
    pair(AF_INET, &c, &s);
    bufs[0].buf = "abc";
    bufs[0].len = 3;
    bufs[1].buf = "";
    bufs[1].len = 0;
    bufs[2].buf = "defgh";
    bufs[2].len = 5;
    n = 0;
    CHECK("WSASend of three buffers", WSASend(c, bufs, 3, &n, 0, NULL, NULL));
    printf("bytes sent %lu\n", n);
    bufs[0].buf = a;
    bufs[0].len = sizeof a;
    bufs[1].buf = b;
    bufs[1].len = sizeof b;
    n = 0;
    flags = 0;
    Sleep(50);
    CHECK("WSARecv into two buffers", WSARecv(s, bufs, 2, &n, &flags, NULL, NULL));
    printf("bytes received %lu, flags %lu, first %.4s, second %.4s\n", n, flags, a, b);
    CHECK("WSASend with a NULL byte count", WSASend(c, bufs, 1, NULL, 0, NULL, NULL));
    flags = 0;
    CHECK("WSARecv with a NULL flags pointer", WSARecv(s, bufs, 1, &n, NULL, NULL, NULL));
    {
        WSAOVERLAPPED ov;
        ZeroMemory(&ov, sizeof ov);
        CHECK("WSASend overlapped, room to send", WSASend(c, bufs, 1, &n, 0, &ov, NULL));
        Sleep(50);
        flags = 0;
        CHECK("WSARecv overlapped, data waiting", WSARecv(s, bufs, 1, &n, &flags, &ov, NULL));
    }
    u1 = socket(AF_INET, SOCK_STREAM, 0);
    closesocket(u1);
    CHECK("WSASend on a closed handle", WSASend(u1, bufs, 1, &n, 0, NULL, NULL));

    /* WSAIoctl. */
    n = 1;
    CHECK("WSAIoctl FIONBIO", WSAIoctl(c, FIONBIO, &n, sizeof n, NULL, 0, &tlen, NULL, NULL));
    flags = 0;
    bufs[0].buf = a;
    bufs[0].len = sizeof a;
    CHECK("WSARecv on the now nonblocking socket", WSARecv(c, bufs, 1, &n, &flags, NULL, NULL));
    n = 0;
    CHECK("WSAIoctl FIONBIO back to blocking", WSAIoctl(c, FIONBIO, &n, sizeof n, NULL, 0, &tlen, NULL, NULL));
    {
        u_long avail = 99;
        tlen = 99;
        CHECK("WSAIoctl FIONREAD", WSAIoctl(c, FIONREAD, NULL, 0, &avail, sizeof avail, &tlen, NULL, NULL));
        printf("bytes readable %lu, bytes returned %lu\n", avail, tlen);
        CHECK("WSAIoctl FIONREAD with a short output buffer", WSAIoctl(c, FIONREAD, NULL, 0, &avail, 2, &tlen, NULL, NULL));
    }
    {
        struct tcp_keepalive ka = { 1, 2500, 1000 };
        CHECK("WSAIoctl SIO_KEEPALIVE_VALS", WSAIoctl(c, SIO_KEEPALIVE_VALS, &ka, sizeof ka, NULL, 0, &tlen, NULL, NULL));
        vlen = sizeof value;
        getsockopt(c, SOL_SOCKET, SO_KEEPALIVE, (char *)&value, &vlen);
        printf("SO_KEEPALIVE %d\n", value);
        getsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, (char *)&value, &vlen);
        printf("TCP_KEEPIDLE %d s (2500 ms rounded up)\n", value);
        getsockopt(c, IPPROTO_TCP, TCP_KEEPINTVL, (char *)&value, &vlen);
        printf("TCP_KEEPINTVL %d s\n", value);
        CHECK("WSAIoctl SIO_KEEPALIVE_VALS with a short input", WSAIoctl(c, SIO_KEEPALIVE_VALS, &ka, 8, NULL, 0, &tlen, NULL, NULL));
        ka.onoff = 0;
        CHECK("WSAIoctl SIO_KEEPALIVE_VALS off", WSAIoctl(c, SIO_KEEPALIVE_VALS, &ka, sizeof ka, NULL, 0, &tlen, NULL, NULL));
        getsockopt(c, SOL_SOCKET, SO_KEEPALIVE, (char *)&value, &vlen);
        printf("SO_KEEPALIVE %d\n", value);
        u1 = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        ka.onoff = 1;
        CHECK("WSAIoctl SIO_KEEPALIVE_VALS on a datagram socket", WSAIoctl(u1, SIO_KEEPALIVE_VALS, &ka, sizeof ka, NULL, 0, &tlen, NULL, NULL));
        closesocket(u1);
        CHECK("WSAIoctl with a NULL bytes-returned pointer", WSAIoctl(c, SIO_KEEPALIVE_VALS, &ka, sizeof ka, NULL, 0, NULL, NULL, NULL));
    }
    CHECK("WSAIoctl SIO_ADDRESS_LIST_QUERY (known, not offered)", WSAIoctl(c, SIO_ADDRESS_LIST_QUERY, NULL, 0, big, sizeof big, &tlen, NULL, NULL));
    CHECK("WSAIoctl with an unknown code", WSAIoctl(c, 0x12345678, NULL, 0, NULL, 0, &tlen, NULL, NULL));
    CHECK("WSAIoctl on a closed handle", WSAIoctl(u1, FIONREAD, NULL, 0, big, sizeof big, &tlen, NULL, NULL));
    closesocket(c);
    closesocket(s);

    /* WSASendTo gathers one datagram; WSARecvFrom scatters it, and one
     * larger than the buffers fills them and fails WSAEMSGSIZE. */
    u1 = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    u2 = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    ZeroMemory(&sin, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(u1, (SOCKADDR *)&sin, sizeof sin);
    len = sizeof sin;
    getsockname(u1, (SOCKADDR *)&sin, &len);
    bufs[0].buf = "one";
    bufs[0].len = 3;
    bufs[1].buf = "two";
    bufs[1].len = 3;
    CHECK("WSASendTo of two buffers", WSASendTo(u2, bufs, 2, &n, 0, (SOCKADDR *)&sin, sizeof sin, NULL, NULL));
    printf("bytes sent %lu\n", n);
    CHECK("WSASendTo of 9 bytes", (bufs[0].buf = "123456789", bufs[0].len = 9, WSASendTo(u2, bufs, 1, &n, 0, (SOCKADDR *)&sin, sizeof sin, NULL, NULL)));
    ZeroMemory(a, sizeof a);
    ZeroMemory(big, sizeof big);
    bufs[0].buf = a;
    bufs[0].len = 4;
    bufs[1].buf = big;
    bufs[1].len = 4;
    {
        SOCKADDR_IN from;
        int fromlen = sizeof from;
        flags = 0;
        CHECK("WSARecvFrom into two buffers", WSARecvFrom(u1, bufs, 2, &n, &flags, (SOCKADDR *)&from, &fromlen, NULL, NULL));
        printf("bytes %lu, first %.4s, second %.2s, from family %d len %d\n", n, a, big, from.sin_family, fromlen);
        flags = 0;
        CHECK("WSARecvFrom of 9 bytes into 8", WSARecvFrom(u1, bufs, 2, &n, &flags, (SOCKADDR *)&from, &fromlen, NULL, NULL));
        printf("bytes %lu, first %.4s, second %.4s\n", n, a, big);
    }
    closesocket(u1);
    closesocket(u2);

    /* WSAAddressToStringA: the port only when it is not 0; IPv6 in brackets
     * then. A buffer too small: WSAEFAULT and the length needed. */
    ZeroMemory(&sin, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = inet_addr("192.168.1.20");
    show_sockaddr("192.168.1.20 port 0", (SOCKADDR *)&sin, sizeof sin);
    sin.sin_port = htons(8080);
    show_sockaddr("192.168.1.20 port 8080", (SOCKADDR *)&sin, sizeof sin);
    tlen = 5;
    CHECK("WSAAddressToStringA into 5 bytes", WSAAddressToStringA((SOCKADDR *)&sin, sizeof sin, NULL, text, &tlen));
    printf("length needed %lu\n", tlen);
    CHECK("WSAAddressToStringA with a short address length", WSAAddressToStringA((SOCKADDR *)&sin, 8, NULL, text, &tlen));
    ZeroMemory(&sin6, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_addr = in6addr_loopback;
    show_sockaddr("::1 port 0", (SOCKADDR *)&sin6, sizeof sin6);
    sin6.sin6_port = htons(443);
    show_sockaddr("::1 port 443", (SOCKADDR *)&sin6, sizeof sin6);
    sin6.sin6_scope_id = 3;
    show_sockaddr("::1 scope 3 port 443", (SOCKADDR *)&sin6, sizeof sin6);

    /* WSAStringToAddressA: the forms WSAAddressToString writes. */
    len = sizeof sin;
    CHECK("WSAStringToAddressA 10.0.0.1:99", WSAStringToAddressA("10.0.0.1:99", AF_INET, NULL, (SOCKADDR *)&sin, &len));
    printf("family %d, port %d, address %s, length %d\n", sin.sin_family, ntohs(sin.sin_port), inet_ntoa(sin.sin_addr), len);
    len = sizeof sin6;
    CHECK("WSAStringToAddressA [fe80::1%4]:80", WSAStringToAddressA("[fe80::1%4]:80", AF_INET6, NULL, (SOCKADDR *)&sin6, &len));
    show_sockaddr("read back", (SOCKADDR *)&sin6, len);
    len = sizeof sin6;
    CHECK("WSAStringToAddressA ::ffff:1.2.3.4", WSAStringToAddressA("::ffff:1.2.3.4", AF_INET6, NULL, (SOCKADDR *)&sin6, &len));
    show_sockaddr("read back", (SOCKADDR *)&sin6, len);
    len = sizeof sin;
    CHECK("WSAStringToAddressA of a name", WSAStringToAddressA("localhost", AF_INET, NULL, (SOCKADDR *)&sin, &len));
    CHECK("WSAStringToAddressA port 65536", WSAStringToAddressA("1.2.3.4:65536", AF_INET, NULL, (SOCKADDR *)&sin, &len));
    CHECK("WSAStringToAddressA of IPv6 text as AF_INET", WSAStringToAddressA("::1", AF_INET, NULL, (SOCKADDR *)&sin, &len));
    len = 4;
    CHECK("WSAStringToAddressA into 4 bytes", WSAStringToAddressA("1.2.3.4", AF_INET, NULL, (SOCKADDR *)&sin, &len));
    printf("length needed %d\n", len);
    CHECK("WSAStringToAddressA with AF_UNIX", WSAStringToAddressA("1.2.3.4", AF_UNIX, NULL, (SOCKADDR *)&sin, &len));

    /* Services: names and ports of the common services (ports in network
     * byte order); an unknown one is NULL with WSANO_DATA. */
    {
        struct servent *se = getservbyname("http", "tcp");
        printf("getservbyname http/tcp: %s %d %s %d\n", se ? se->s_name : "NULL", se ? ntohs(se->s_port) : 0,
               se ? se->s_proto : "-", WSAGetLastError());
        se = getservbyname("SMTP", NULL);
        printf("getservbyname SMTP: port %d %s %d\n", se ? ntohs(se->s_port) : 0, se ? se->s_proto : "-", WSAGetLastError());
        se = getservbyport(htons(443), "tcp");
        printf("getservbyport 443/tcp: %s %d\n", se ? se->s_name : "NULL", WSAGetLastError());
        se = getservbyname("no-such-service", "tcp");
        printf("getservbyname no-such-service: %s %d\n", se ? se->s_name : "NULL", WSAGetLastError());
        se = getservbyport(htons(4), "tcp");
        printf("getservbyport 4/tcp: %s %d\n", se ? se->s_name : "NULL", WSAGetLastError());
    }

    /* gethostbyaddr: a reverse lookup under the lookup grant (these programs
     * may look up "localhost" only). */
    {
        IN_ADDR loop;
        struct hostent *h;
        loop.s_addr = htonl(INADDR_LOOPBACK);
        h = gethostbyaddr((const char *)&loop, sizeof loop, AF_INET);
        printf("gethostbyaddr 127.0.0.1: %s, type %d, length %d, address %s, error %d\n", h ? h->h_name : "NULL",
               h ? h->h_addrtype : 0, h ? h->h_length : 0, h ? inet_ntoa(*(IN_ADDR *)h->h_addr_list[0]) : "-",
               WSAGetLastError());
        h = gethostbyaddr((const char *)&loop, 2, AF_INET);
        printf("gethostbyaddr with length 2: %s %d\n", h ? "found" : "NULL", WSAGetLastError());
        h = gethostbyaddr((const char *)&loop, sizeof loop, AF_UNIX);
        printf("gethostbyaddr of AF_UNIX: %s %d\n", h ? "found" : "NULL", WSAGetLastError());
    }

    CHECK("WSACleanup", WSACleanup());
    CHECK("WSASend after WSACleanup", WSASend(c, bufs, 1, &n, 0, NULL, NULL));
    return 0;
}
