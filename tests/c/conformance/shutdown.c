/* docs/shutdown.md: shutdown: an unconnected socket is WSAENOTCONN, a bad `how`
 * WSAEINVAL, send after SD_SEND is WSAESHUTDOWN, the peer sees EOF after
 * the data already sent, and SD_RECEIVE leaves sending working. */
#include "conformance.h"

int main(void)
{
    SOCKET fresh, c, s;
    char buf[16];

    start();
    fresh = socket(AF_INET, SOCK_STREAM, 0);
    CHECK("shutdown unconnected", shutdown(fresh, SD_BOTH));
    closesocket(fresh);

    pair(AF_INET, &c, &s);
    CHECK("shutdown how=7", shutdown(c, 7));
    CHECK("send before SD_SEND", send(c, "last", 4, 0));
    CHECK("shutdown SD_SEND", shutdown(c, SD_SEND));
    CHECK("send after SD_SEND", send(c, "more", 4, 0));
    CHECK("peer reads the data sent before", recv(s, buf, sizeof buf, 0));
    CHECK("then EOF", recv(s, buf, sizeof buf, 0));
    CHECK("the peer can still send", send(s, "reply", 5, 0));
    CHECK("and the half-closed side receive", recv(c, buf, sizeof buf, 0));

    CHECK("shutdown SD_RECEIVE on the peer", shutdown(s, SD_RECEIVE));
    CHECK("send after SD_RECEIVE", send(s, "still", 5, 0));
    CHECK("recv after SD_RECEIVE", recv(s, buf, sizeof buf, 0));
    CHECK("shutdown SD_BOTH", shutdown(s, SD_BOTH));
    CHECK("send after SD_BOTH", send(s, "x", 1, 0));
    closesocket(c);
    closesocket(s);
    CHECK("WSACleanup", WSACleanup());
    return 0;
}
