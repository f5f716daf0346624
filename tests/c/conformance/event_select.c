/* Issue 11, point 2 (docs/async.md and docs/blocking.md): WSAEventSelect and WSAEnumNetworkEvents.
 * Each network event is recorded once and then again only after its
 * re-enabling call (Microsoft's WSAEventSelect page); the error slots of
 * FD_CONNECT and FD_CLOSE; the socket is nonblocking while selected;
 * accepted sockets inherit the selection; closesocket and the final
 * WSACleanup drop it without signalling. The peers are the program's own
 * blocking sockets. */
#include "conformance.h"

/* One WSAEnumNetworkEvents: its result, the events and their error slots. */
static void enum_events(const char *label, SOCKET s, WSAEVENT e)
{
    WSANETWORKEVENTS ne;
    int i, r;
    memset(&ne, 0x55, sizeof ne);
    r = WSAEnumNetworkEvents(s, e, &ne);
    printf("%s: %d %d events 0x%lx", label, r, WSAGetLastError(), r == 0 ? ne.lNetworkEvents : 0);
    for (i = 0; r == 0 && i < FD_MAX_EVENTS; i++)
        if (ne.lNetworkEvents & (1 << i)) printf(" [%d]=%d", i, ne.iErrorCode[i]);
    printf("\n");
}

static DWORD wait1(WSAEVENT e, DWORD ms) { return WSAWaitForMultipleEvents(1, &e, FALSE, ms, FALSE); }

int main(void)
{
    SOCKET l, c, s, c2, s2, x, y, u;
    SOCKADDR_STORAGE addr;
    SOCKADDR_IN refused;
    int len, sent, got, rc;
    u_long arg;
    char buf[256];
    static char block[65536];
    LINGER hard = { 1, 0 };
    WSAEVENT el, es, ex, ey, ez;

    {
        WSAEVENT none = NULL;
        WSANETWORKEVENTS ne;
        CHECK("WSAEventSelect before WSAStartup", WSAEventSelect(1, none, FD_READ));
        CHECK("WSAEnumNetworkEvents before WSAStartup", WSAEnumNetworkEvents(1, NULL, &ne));
    }
    start();
    printf("FD_READ %d FD_WRITE %d FD_OOB %d FD_ACCEPT %d FD_CONNECT %d FD_CLOSE %d FD_MAX_EVENTS %d FD_ALL_EVENTS %d\n",
           FD_READ, FD_WRITE, FD_OOB, FD_ACCEPT, FD_CONNECT, FD_CLOSE, FD_MAX_EVENTS, FD_ALL_EVENTS);
    printf("sizeof(WSANETWORKEVENTS) %d\n", (int)sizeof(WSANETWORKEVENTS));

    el = WSACreateEvent();
    es = WSACreateEvent();
    CHECK("WSAEventSelect on a made-up socket", WSAEventSelect(0x7777, el, FD_READ));
    l = listener(AF_INET, &addr, &len);
    CHECK("WSAEventSelect with a made-up event", WSAEventSelect(l, (WSAEVENT)(UINT_PTR)0x1234, FD_ACCEPT));

    /* FD_ACCEPT: recorded once, re-enabled by accept. */
    CHECK("WSAEventSelect listener FD_ACCEPT|FD_CLOSE", WSAEventSelect(l, el, FD_ACCEPT | FD_CLOSE));
    enum_events("nothing pending", l, el);
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK("connect a client", connect(c, (SOCKADDR *)&addr, len));
    CHECK("wait for FD_ACCEPT", wait1(el, 2000));
    enum_events("listener", l, el);
    CHECK("the event was reset", wait1(el, 0));
    c2 = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK("connect a second client", connect(c2, (SOCKADDR *)&addr, len));
    CHECK("no new FD_ACCEPT before accept", wait1(el, 200));
    s = accept(l, NULL, NULL);
    CHECK("accept", s == INVALID_SOCKET);
    CHECK("accept re-enabled FD_ACCEPT: one is still pending", wait1(el, 2000));
    enum_events("listener again", l, el);
    s2 = accept(l, NULL, NULL);
    CHECK("accept the second", s2 == INVALID_SOCKET);
    enum_events("listener, none pending", l, el);

    /* The accepted socket has the listener's selection: same event, same
     * events (FD_ACCEPT|FD_CLOSE, so no FD_WRITE), nonblocking. */
    arg = 0;
    CHECK("FIONBIO 0 on the accepted socket", ioctlsocket(s, FIONBIO, &arg));
    CHECK("recv on it: nonblocking", recv(s, buf, sizeof buf, 0));
    CHECK("the client closes gracefully", closesocket(c));
    CHECK("wait for FD_CLOSE on the inherited selection", wait1(el, 2000));
    enum_events("accepted socket", s, el);
    CHECK("closesocket accepted", closesocket(s));

    /* A connected socket: FD_WRITE at once, FD_READ once until recv. */
    CHECK("WSAEventSelect FD_READ|FD_WRITE|FD_CLOSE|FD_OOB", WSAEventSelect(s2, es, FD_READ | FD_WRITE | FD_CLOSE | FD_OOB));
    CHECK("FD_WRITE signalled at once", wait1(es, 0));
    enum_events("connected", s2, es);
    enum_events("nothing more", s2, NULL);
    CHECK("peer sends 10 bytes", send(c2, "0123456789", 10, 0));
    CHECK("wait for FD_READ", wait1(es, 2000));
    enum_events("data", s2, es);
    CHECK("peer sends 5 more", send(c2, "abcde", 5, 0));
    Sleep(100);
    enum_events("no second FD_READ before recv", s2, es);
    CHECK("recv 4 of 15", recv(s2, buf, 4, 0));
    enum_events("recv re-enabled FD_READ: data remains", s2, es);
    CHECK("recv the other 11", recv(s2, buf, sizeof buf, 0));
    enum_events("all read", s2, es);

    /* FD_OOB: urgent data, re-enabled by recv(MSG_OOB). */
    CHECK("peer sends 1 byte MSG_OOB", send(c2, "!", 1, MSG_OOB));
    CHECK("wait for FD_OOB", wait1(es, 2000));
    enum_events("urgent data", s2, es);
    CHECK("recv MSG_OOB", recv(s2, buf, 1, MSG_OOB));
    printf("urgent byte %c\n", buf[0]);

    /* FIONBIO 0 fails while selected; a NULL/0 selection cancels, and the
     * socket stays nonblocking until FIONBIO. */
    arg = 0;
    CHECK("FIONBIO 0 while selected", ioctlsocket(s2, FIONBIO, &arg));
    CHECK("WSAEventSelect(s, NULL, 0)", WSAEventSelect(s2, NULL, 0));
    CHECK("still nonblocking", recv(s2, buf, sizeof buf, 0));
    CHECK("peer sends after the cancel", send(c2, "z", 1, 0));
    CHECK("no event for it", wait1(es, 200));
    enum_events("no record after the cancel", s2, es);
    CHECK("FIONBIO 0 now", ioctlsocket(s2, FIONBIO, &arg));
    CHECK("blocking recv", recv(s2, buf, sizeof buf, 0));

    /* FD_CLOSE after a reset carries WSAECONNRESET, once. */
    CHECK("select again", WSAEventSelect(s2, es, FD_READ | FD_CLOSE));
    setsockopt(c2, SOL_SOCKET, SO_LINGER, (const char *)&hard, sizeof hard);
    CHECK("the peer resets", closesocket(c2));
    CHECK("wait for FD_CLOSE", wait1(es, 2000));
    enum_events("reset", s2, es);
    enum_events("FD_CLOSE is one-shot", s2, es);
    CHECK("closesocket", closesocket(s2));
    CHECK("WSAEnumNetworkEvents on the closed socket", WSAEnumNetworkEvents(s2, NULL, (LPWSANETWORKEVENTS)buf));

    /* FD_CONNECT: 0 and FD_WRITE for a connect that completes. */
    ex = WSACreateEvent();
    x = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK("WSAEventSelect FD_CONNECT|FD_WRITE|FD_READ", WSAEventSelect(x, ex, FD_CONNECT | FD_WRITE | FD_READ));
    enum_events("unconnected", x, ex);
    CHECK("connect: nonblocking", connect(x, (SOCKADDR *)&addr, len));
    CHECK("infinite wait a socket can end", WSAWaitForMultipleEvents(1, &ex, FALSE, WSA_INFINITE, FALSE));
    Sleep(50);
    enum_events("connected", x, ex);
    enum_events("FD_CONNECT is one-shot", x, ex);

    /* FD_WRITE again only after a send failed WSAEWOULDBLOCK and space
     * freed. */
    s = accept(l, NULL, NULL);
    CHECK("accept the peer", s == INVALID_SOCKET);
    arg = 0;
    ioctlsocket(s, FIONBIO, &arg); /* the peer reads with blocking calls */
    enum_events("FD_ACCEPT recorded for it", l, el);
    sent = 0;
    while ((rc = send(x, block, sizeof block, 0)) > 0) sent += rc;
    printf("send until full: %d %d\n", rc, WSAGetLastError());
    enum_events("no FD_WRITE while full", x, ex);
    for (got = 0; got < sent; got += rc) {
        rc = recv(s, buf, sizeof buf, 0);
        if (rc <= 0) break;
    }
    printf("the peer read everything: %d\n", got == sent);
    CHECK("wait for FD_WRITE", wait1(ex, 2000));
    enum_events("space freed", x, ex);

    /* FD_CONNECT carries the error of a refused connect. */
    ey = WSACreateEvent();
    refused = closed_port();
    y = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK("WSAEventSelect FD_CONNECT|FD_CLOSE", WSAEventSelect(y, ey, FD_CONNECT | FD_CLOSE));
    CHECK("connect to a closed port", connect(y, (SOCKADDR *)&refused, sizeof refused));
    CHECK("wait for FD_CONNECT", wait1(ey, 2000));
    enum_events("refused", y, ey);
    CHECK("nothing more to wait for", wait1(ey, 100));

    /* closesocket drops the selection: nothing is signalled for it. */
    CHECK("peer sends to x", send(s, "x", 1, 0));
    CHECK("wait for FD_READ", wait1(ex, 2000));
    WSAResetEvent(ex);
    CHECK("closesocket x", closesocket(x));
    CHECK("no event after closesocket", wait1(ex, 100));

    /* A datagram socket: FD_WRITE at once, FD_READ for a datagram. */
    ez = WSACreateEvent();
    u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    {
        SOCKADDR_IN ua;
        int ulen = sizeof ua;
        ZeroMemory(&ua, sizeof ua);
        ua.sin_family = AF_INET;
        ua.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(u, (SOCKADDR *)&ua, sizeof ua);
        getsockname(u, (SOCKADDR *)&ua, &ulen);
        CHECK("WSAEventSelect datagram FD_READ|FD_WRITE", WSAEventSelect(u, ez, FD_READ | FD_WRITE));
        enum_events("datagram", u, ez);
        CHECK("sendto itself", sendto(u, "dg", 2, 0, (SOCKADDR *)&ua, sizeof ua));
        CHECK("wait for FD_READ", wait1(ez, 2000));
        enum_events("datagram arrived", u, ez);
    }

    /* The final WSACleanup drops every selection and signals nothing. */
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK("a client connects to the selected listener", connect(c, (SOCKADDR *)&addr, len));
    WSAResetEvent(el);
    WSAResetEvent(ez);
    CHECK("WSACleanup", WSACleanup());
    CHECK("listener's event not signalled", WaitForSingleObject(el, 100));
    CHECK("datagram's event not signalled", WaitForSingleObject(ez, 0));
    return 0;
}
