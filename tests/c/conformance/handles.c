/* docs/handles.md and docs/surface.md: handles, and socket()'s family/type/protocol codes. The
 * family and type codes are docs/surface.md's subset (AF_INET/AF_INET6, stream and
 * datagram); Windows 10 itself knows AF_UNIX, and SOCK_RAW there needs
 * administrator rights. */
#include "conformance.h"

int main(void)
{
    SOCKET a, b, c;
    start();
    a = socket(AF_INET, SOCK_STREAM, 0);
    b = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK("two sockets differ", a != b && a != INVALID_SOCKET && b != INVALID_SOCKET);
    CHECK("closesocket", closesocket(a));
    CHECK("closesocket again", closesocket(a));
    CHECK("send on a closed handle", send(a, "x", 1, 0));
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK("a new socket never reuses a closed handle", c != a);
    CHECK("made-up handle", closesocket((SOCKET)0x7ffffff0));
    CHECK("INVALID_SOCKET", closesocket(INVALID_SOCKET));
    {
        int type = 0, len = sizeof type;
        CHECK("getsockopt on a made-up handle", getsockopt((SOCKET)12345, SOL_SOCKET, SO_TYPE, (char *)&type, &len));
    }

    CHECK("family 99", socket(99, SOCK_STREAM, 0) == INVALID_SOCKET);
    CHECK("AF_UNIX", socket(AF_UNIX, SOCK_STREAM, 0) == INVALID_SOCKET);
    CHECK("type 99", socket(AF_INET, 99, 0) == INVALID_SOCKET);
    CHECK("SOCK_RAW", socket(AF_INET, SOCK_RAW, 0) == INVALID_SOCKET);
    CHECK("stream with IPPROTO_UDP", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP) == INVALID_SOCKET);
    CHECK("datagram with IPPROTO_TCP", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP) == INVALID_SOCKET);
    CHECK("stream with IPPROTO_TCP", (a = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)) == INVALID_SOCKET);
    CHECK("datagram v6 with IPPROTO_UDP", (c = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP)) == INVALID_SOCKET);
    closesocket(a);
    closesocket(b);
    closesocket(c);
    CHECK("WSACleanup", WSACleanup());
    return 0;
}
