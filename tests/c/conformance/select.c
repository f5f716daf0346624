/* docs/surface.md: select with Winsock fd_sets: nfds ignored, all sets empty is
 * WSAEINVAL, a closed handle WSAENOTSOCK, the return counts the entries
 * left in the three sets, which are compacted to the ready handles. */
#include "conformance.h"

int main(void)
{
    SOCKET l, c, s, c2, dead;
    SOCKADDR_STORAGE addr;
    int len;
    fd_set r, w, e;
    struct timeval zero = { 0, 0 }, wait = { 5, 0 };
    char buf[16];

    start();
    FD_ZERO(&r);
    FD_ZERO(&w);
    CHECK("all sets empty", select(0, &r, &w, NULL, &zero));
    CHECK("all sets NULL", select(0, NULL, NULL, NULL, &zero));

    dead = socket(AF_INET, SOCK_STREAM, 0);
    closesocket(dead);
    FD_SET(dead, &r);
    CHECK("a closed handle", select(0, &r, NULL, NULL, &zero));

    l = listener(AF_INET, &addr, &len);
    FD_ZERO(&r);
    FD_SET(l, &r);
    CHECK("idle listener, timeout 0", select(0, &r, NULL, NULL, &zero));
    printf("fd_count after: %u\n", r.fd_count);

    c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (SOCKADDR *)&addr, len);
    FD_ZERO(&r);
    FD_SET(l, &r);
    CHECK("listener with a pending connection (nfds 12345)", select(12345, &r, NULL, NULL, &wait));
    printf("listener readable: %d\n", FD_ISSET(l, &r));
    s = accept(l, NULL, NULL);

    /* A connected socket is writable, not readable, until data comes. */
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&e);
    FD_SET(c, &r);
    FD_SET(s, &r);
    FD_SET(c, &w);
    FD_SET(c, &e);
    CHECK("two readers, one writer, one except", select(0, &r, &w, &e, &zero));
    printf("read %u, write %u (c %d), except %u\n", r.fd_count, w.fd_count, FD_ISSET(c, &w), e.fd_count);

    send(c, "ping", 4, 0);
    FD_ZERO(&r);
    FD_SET(c, &r);
    FD_SET(s, &r);
    CHECK("after data", select(0, &r, NULL, NULL, &wait));
    printf("compacted: fd_count %u, first is the receiver %d\n", r.fd_count, r.fd_array[0] == s);
    recv(s, buf, sizeof buf, 0);

    /* A peer's FIN makes the socket readable; recv then returns 0. */
    c2 = c;
    shutdown(c2, SD_SEND);
    FD_ZERO(&r);
    FD_SET(s, &r);
    CHECK("after the peer's FIN", select(0, &r, NULL, NULL, &wait));
    CHECK("recv at EOF", recv(s, buf, sizeof buf, 0));

    /* A peer's reset does too; recv then fails WSAECONNRESET. */
    {
        struct linger abortive = { 1, 0 };
        setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&abortive, sizeof abortive);
        closesocket(s);
    }
    FD_ZERO(&r);
    FD_SET(c, &r);
    CHECK("after the peer's reset", select(0, &r, NULL, NULL, &wait));
    CHECK("recv after the reset", recv(c, buf, sizeof buf, 0));

    FD_ZERO(&r);
    FD_SET(l, &r);
    zero.tv_usec = -1;
    CHECK("negative timeout", select(0, &r, NULL, NULL, &zero));

    closesocket(c);
    closesocket(l);
    CHECK("WSACleanup", WSACleanup());
    return 0;
}
