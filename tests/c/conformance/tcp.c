/* docs/blocking.md and docs/surface.md: the TCP data path and the codes Microsoft documents: listen on
 * an unbound socket, send unconnected, connect twice, refused connects,
 * MSG_PEEK, FIONREAD, SIOCATMARK, EOF, and the names of both ends. */
#include "conformance.h"

int main(void)
{
    SOCKET c, s, fresh;
    SOCKADDR_IN name, peer, refused;
    int len;
    char buf[64];
    u_long arg;

    start();
    fresh = socket(AF_INET, SOCK_STREAM, 0);
    CHECK("listen unbound", listen(fresh, 5));
    CHECK("send unconnected", send(fresh, "x", 1, 0));
    CHECK("recv unconnected", recv(fresh, buf, sizeof buf, 0));
    len = sizeof peer;
    CHECK("getpeername unconnected", getpeername(fresh, (SOCKADDR *)&peer, &len));
    refused = closed_port();
    CHECK("connect refused", connect(fresh, (SOCKADDR *)&refused, sizeof refused));
    closesocket(fresh);

    pair(AF_INET, &c, &s);
    len = sizeof name;
    CHECK("getsockname", getsockname(c, (SOCKADDR *)&name, &len));
    printf("family %d, len %d, loopback %d, port nonzero %d\n", name.sin_family, len,
           name.sin_addr.s_addr == htonl(INADDR_LOOPBACK), name.sin_port != 0);
    len = sizeof peer;
    CHECK("getpeername of the accepted side", getpeername(s, (SOCKADDR *)&peer, &len));
    printf("the accepted side's peer is the client: %d\n", peer.sin_port == name.sin_port);
    len = 4;
    CHECK("getsockname with a short buffer", getsockname(c, (SOCKADDR *)&name, &len));
    CHECK("connect on a connected socket", connect(c, (SOCKADDR *)&peer, sizeof peer));

    CHECK("send", send(c, "hello world", 11, 0));
    CHECK("recv MSG_PEEK 5", recv(s, buf, 5, MSG_PEEK));
    printf("peeked: %.5s\n", buf);
    arg = 0;
    CHECK("FIONREAD", ioctlsocket(s, FIONREAD, &arg));
    printf("FIONREAD says %lu\n", arg);
    arg = 0;
    CHECK("SIOCATMARK", ioctlsocket(s, SIOCATMARK, &arg));
    printf("at mark (no urgent data): %lu\n", arg);
    CHECK("recv 64", recv(s, buf, sizeof buf, 0));
    printf("received: %.11s\n", buf);
    CHECK("unknown ioctl", ioctlsocket(s, 0x12345678, &arg));
    CHECK("recv with a negative length", recv(s, buf, -1, 0));
    CHECK("send of 0 bytes", send(c, buf, 0, 0));

    CHECK("shutdown SD_SEND", shutdown(c, SD_SEND));
    CHECK("recv at EOF", recv(s, buf, sizeof buf, 0));
    CHECK("recv at EOF again", recv(s, buf, sizeof buf, 0));
    CHECK("closesocket client", closesocket(c));
    CHECK("closesocket server", closesocket(s));
    CHECK("WSACleanup", WSACleanup());
    return 0;
}
