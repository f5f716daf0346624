/* docs/surface.md: WSAPoll: count 0 is WSAEINVAL, invalid handles get POLLNVAL and
 * are not counted, all invalid is WSAENOTSOCK, POLLHUP/POLLERR come
 * unasked, the timeout is in milliseconds. */
#include "conformance.h"

int main(void)
{
    SOCKET l, c, s, dead;
    SOCKADDR_STORAGE addr;
    int len;
    WSAPOLLFD fds[3];
    char buf[16];

    start();
    CHECK("count 0", WSAPoll(fds, 0, 0));

    dead = socket(AF_INET, SOCK_STREAM, 0);
    closesocket(dead);
    fds[0].fd = dead;
    fds[0].events = POLLRDNORM;
    fds[0].revents = 0;
    fds[0].revents = 0x7777;
    CHECK("only an invalid handle", WSAPoll(fds, 1, 0));
    printf("its revents 0x%x\n", fds[0].revents);

    pair(AF_INET, &c, &s);
    l = listener(AF_INET, &addr, &len);
    fds[0].fd = dead;
    fds[0].events = POLLRDNORM;
    fds[1].fd = c;
    fds[1].events = POLLRDNORM | POLLWRNORM;
    fds[2].fd = l;
    fds[2].events = POLLRDNORM;
    CHECK("invalid, writable, idle listener", WSAPoll(fds, 3, 0));
    printf("revents: invalid 0x%x, connected 0x%x, listener 0x%x\n", fds[0].revents, fds[1].revents, fds[2].revents);

    send(s, "data", 4, 0);
    fds[0].fd = c;
    fds[0].events = POLLRDNORM;
    CHECK("data to read (timeout 5000 ms)", WSAPoll(fds, 1, 5000));
    printf("revents 0x%x\n", fds[0].revents);
    recv(c, buf, sizeof buf, 0);

    CHECK("nothing to read, timeout 100 ms", WSAPoll(fds, 1, 100));
    printf("revents 0x%x\n", fds[0].revents);

    closesocket(s);
    fds[0].events = POLLRDNORM;
    CHECK("after the peer closed (timeout -1)", WSAPoll(fds, 1, -1));
    printf("POLLHUP reported unasked: %d\n", (fds[0].revents & POLLHUP) != 0);

    closesocket(c);
    closesocket(l);
    CHECK("WSACleanup", WSACleanup());
    return 0;
}
