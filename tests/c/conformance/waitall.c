/*
 * waitall.c - recv with MSG_WAITALL (0x8), against the native peer of
 * tests/tests/c_guests.rs (waitall_peer; its port is argv[1]).
 *
 * Microsoft's recv page: with MSG_WAITALL a blocking stream socket's recv
 * returns only when the buffer is full, the peer closed (then with what
 * arrived), or on an error. The flag is WSAEOPNOTSUPP on a nonblocking
 * socket, on a datagram socket, and together with MSG_PEEK or MSG_OOB.
 * Each time the program says "r" the peer sends 20 bytes in four pieces
 * of 5 with pauses between them, so a recv without the flag would return
 * the first piece alone; on "g", 7 bytes and its close. The flag is met
 * twice: by the host's blocking recv, and, while another thread is
 * blocked, by the library's loop of tries (docs/async.md).
 */
#include "conformance.h"

static SOCKET idle_server;

/* Blocks in recv until main sends it a byte, so that main is not the
 * only thread while it receives. */
static DWORD WINAPI idle(LPVOID unused)
{
    char c;
    (void)unused;
    return (DWORD)recv(idle_server, &c, 1, 0);
}

int main(int argc, char **argv)
{
    char buf[64];
    SOCKADDR_IN peer, local;
    u_long mode;

    if (argc < 2) {
        printf("usage: waitall PORT\n");
        return 1;
    }
    start();
    printf("MSG_WAITALL: 0x%x\n", MSG_WAITALL);
    ZeroMemory(&peer, sizeof peer);
    peer.sin_family = AF_INET;
    peer.sin_port = htons((u_short)atoi(argv[1]));
    peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK("connect", connect(s, (SOCKADDR *)&peer, sizeof peer));
    CHECK("send ready", send(s, "r", 1, 0));

    /* Four pieces, one recv. */
    memset(buf, 0, sizeof buf);
    CHECK("recv 20 MSG_WAITALL", recv(s, buf, 20, MSG_WAITALL));
    printf("data: %s\n", buf);

    /* The refusals. */
    CHECK("recv MSG_WAITALL|MSG_PEEK", recv(s, buf, 4, MSG_WAITALL | MSG_PEEK));
    CHECK("recv MSG_WAITALL|MSG_OOB", recv(s, buf, 4, MSG_WAITALL | MSG_OOB));
    mode = 1;
    CHECK("FIONBIO 1", ioctlsocket(s, FIONBIO, &mode));
    CHECK("recv MSG_WAITALL nonblocking", recv(s, buf, 4, MSG_WAITALL));
    mode = 0;
    CHECK("FIONBIO 0", ioctlsocket(s, FIONBIO, &mode));
    SOCKET u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    ZeroMemory(&local, sizeof local);
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK("bind udp", bind(u, (SOCKADDR *)&local, sizeof local));
    CHECK("recv MSG_WAITALL datagram", recv(u, buf, 4, MSG_WAITALL));
    CHECK("closesocket udp", closesocket(u));

    /* Again with another thread blocked meanwhile. */
    SOCKET idle_client;
    pair(AF_INET, &idle_client, &idle_server);
    DWORD id, code;
    HANDLE h = CreateThread(NULL, 0, idle, NULL, 0, &id);
    CHECK("CreateThread", h != NULL);
    Sleep(10);
    CHECK("send ready", send(s, "r", 1, 0));
    memset(buf, 0, sizeof buf);
    CHECK("recv 20 MSG_WAITALL, another thread blocked", recv(s, buf, 20, MSG_WAITALL));
    printf("data: %s\n", buf);
    CHECK("recv MSG_WAITALL|MSG_PEEK, another thread blocked", recv(s, buf, 4, MSG_WAITALL | MSG_PEEK));
    CHECK("wake the thread", send(idle_client, "x", 1, 0));
    CHECK("thread ended", WaitForSingleObject(h, INFINITE));
    CHECK("its recv", GetExitCodeThread(h, &code) ? (int)code : -2);
    CloseHandle(h);
    closesocket(idle_client);
    closesocket(idle_server);

    /* The peer closes after 7 bytes: the call returns those. */
    CHECK("send go", send(s, "g", 1, 0));
    memset(buf, 0, sizeof buf);
    CHECK("recv 20 MSG_WAITALL to EOF", recv(s, buf, 20, MSG_WAITALL));
    printf("data: %s\n", buf);
    CHECK("recv MSG_WAITALL after EOF", recv(s, buf, 20, MSG_WAITALL));
    CHECK("closesocket", closesocket(s));
    CHECK("WSACleanup", WSACleanup());
    return 0;
}
