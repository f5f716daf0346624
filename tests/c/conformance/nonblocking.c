/* docs/blocking.md: FIONBIO, WSAEWOULDBLOCK, nonblocking connect completion in
 * select's write set and failure in its except set and SO_ERROR, and
 * SO_RCVTIMEO giving WSAETIMEDOUT. */
#include "conformance.h"

int main(void)
{
    SOCKET l, c, s, bad;
    SOCKADDR_STORAGE addr;
    SOCKADDR_IN refused;
    int len, err, errlen;
    u_long on = 1;
    char buf[16];
    fd_set w, e;
    struct timeval tv;
    DWORD timeout, started, waited;

    start();
    l = listener(AF_INET, &addr, &len);
    CHECK("FIONBIO on the listener", ioctlsocket(l, FIONBIO, &on));
    CHECK("accept with nothing pending", accept(l, NULL, NULL) == INVALID_SOCKET);

    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK("FIONBIO", ioctlsocket(c, FIONBIO, &on));
    CHECK("nonblocking connect", connect(c, (SOCKADDR *)&addr, len));
    FD_ZERO(&w);
    FD_ZERO(&e);
    FD_SET(c, &w);
    FD_SET(c, &e);
    tv.tv_sec = 5;
    tv.tv_usec = 0;
    CHECK("select for the connect", select(0, NULL, &w, &e, &tv));
    printf("connected: in write set %d, in except set %d\n", FD_ISSET(c, &w), FD_ISSET(c, &e));
    CHECK("connect again once connected", connect(c, (SOCKADDR *)&addr, len));
    s = accept(l, NULL, NULL);
    CHECK("accept now", s == INVALID_SOCKET);
    CHECK("recv with no data", recv(c, buf, sizeof buf, 0));
    CHECK("send", send(s, "data", 4, 0));
    {
        fd_set r;
        FD_ZERO(&r);
        FD_SET(c, &r);
        CHECK("select until it arrives", select(0, &r, NULL, NULL, &tv));
    }
    CHECK("recv the data", recv(c, buf, sizeof buf, 0));

    refused = closed_port();
    bad = socket(AF_INET, SOCK_STREAM, 0);
    ioctlsocket(bad, FIONBIO, &on);
    CHECK("nonblocking connect to a closed port", connect(bad, (SOCKADDR *)&refused, sizeof refused));
    FD_ZERO(&w);
    FD_ZERO(&e);
    FD_SET(bad, &w);
    FD_SET(bad, &e);
    CHECK("select for the refused connect", select(0, NULL, &w, &e, &tv));
    printf("refused: in write set %d, in except set %d\n", FD_ISSET(bad, &w), FD_ISSET(bad, &e));
    errlen = sizeof err;
    err = -1;
    CHECK("getsockopt SO_ERROR", getsockopt(bad, SOL_SOCKET, SO_ERROR, (char *)&err, &errlen));
    printf("SO_ERROR %d\n", err);

    /* Blocking again, with a receive timeout. */
    on = 0;
    CHECK("FIONBIO off", ioctlsocket(c, FIONBIO, &on));
    timeout = 200;
    CHECK("SO_RCVTIMEO 200", setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof timeout));
    started = GetTickCount();
    CHECK("recv times out", recv(c, buf, sizeof buf, 0));
    waited = GetTickCount() - started;
    printf("waited at least 150 ms: %d, less than 2 s: %d\n", waited >= 150, waited < 2000);
    CHECK("send still works after the timeout", send(s, "more", 4, 0));
    CHECK("recv still works after the timeout", recv(c, buf, sizeof buf, 0));

    /* SO_SNDTIMEO: the peer never reads, so sends fill both buffers and
     * one then blocks until the timeout: WSAETIMEDOUT. */
    {
        static char block[65536];
        int rc, sends = 0;
        timeout = 200;
        CHECK("SO_SNDTIMEO 200", setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, (const char *)&timeout, sizeof timeout));
        do {
            rc = send(c, block, sizeof block, 0);
        } while (rc != SOCKET_ERROR && ++sends < 10000);
        printf("a send finally failed: %d with %d\n", rc, WSAGetLastError());
    }

    closesocket(bad);
    closesocket(c);
    closesocket(s);
    closesocket(l);
    CHECK("WSACleanup", WSACleanup());
    return 0;
}
