/* Pending overlapped operations against a native peer (docs/async.md): what the
 * final WSACleanup, a host-triggered cleanup and a teardown do to them, and
 * what the peer sees (a reset).
 *
 *   overlapped_peer MODE PORT
 *   MODE: cleanup (the program calls WSACleanup), wait (the program waits
 *   in WSAWaitForMultipleEvents until the host acts), event-wait (the same
 *   on an event nothing can set, with a 10 s timeout), result (the program
 *   waits in WSAGetOverlappedResult for what the peer sends later). */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int routine_calls;

static void CALLBACK on_complete(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags)
{
    (void)dwError, (void)cbTransferred, (void)lpOverlapped, (void)dwFlags;
    routine_calls++;
}

int main(int argc, char **argv)
{
    WSADATA d;
    SOCKET s;
    SOCKADDR_IN peer;
    WSAEVENT ev;
    WSAOVERLAPPED ov1, ov2;
    WSABUF b1, b2;
    char buf1[16], buf2[16];
    DWORD flags = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: overlapped_peer cleanup|wait|result PORT\n");
        return 2;
    }
    /* Each line reaches the test as it is printed. */
    setvbuf(stdout, NULL, _IONBF, 0);
    WSAStartup(MAKEWORD(2, 2), &d);
    s = WSASocketA(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    ZeroMemory(&peer, sizeof peer);
    peer.sin_family = AF_INET;
    peer.sin_port = htons((u_short)atoi(argv[2]));
    peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, (SOCKADDR *)&peer, sizeof peer) == SOCKET_ERROR) {
        printf("connect: err %d\n", WSAGetLastError());
        return 1;
    }
    ev = WSACreateEvent();
    ZeroMemory(&ov1, sizeof ov1);
    ov1.hEvent = ev;
    ZeroMemory(&ov2, sizeof ov2);
    b1.buf = buf1;
    b1.len = sizeof buf1;
    b2.buf = buf2;
    b2.len = sizeof buf2;
    printf("recv with an event: %d %d\n", WSARecv(s, &b1, 1, NULL, &flags, &ov1, NULL), WSAGetLastError());
    flags = 0;
    printf("recv with a routine: %d %d\n", WSARecv(s, &b2, 1, NULL, &flags, &ov2, on_complete), WSAGetLastError());
    send(s, "ready", 5, 0);

    if (strcmp(argv[1], "result") == 0) {
        DWORD n = 0;
        flags = 0;
        BOOL ok = WSAGetOverlappedResult(s, &ov1, &n, TRUE, &flags);
        printf("result: %d %d, bytes %lu, %.*s\n", ok, WSAGetLastError(), n, (int)n, buf1);
        printf("event set: %d\n", WaitForSingleObject(ev, 0) == WAIT_OBJECT_0);
        printf("alertable wait: 0x%lx, routine calls %d\n", SleepEx(2000, TRUE), routine_calls);
        WSACleanup();
        return 0;
    }
    if (strcmp(argv[1], "cleanup") == 0) {
        printf("WSACleanup: %d\n", WSACleanup());
    } else if (strcmp(argv[1], "event-wait") == 0) {
        /* A wait on an event nothing can set: it sleeps in the host. */
        WSAEVENT lonely = WSACreateEvent();
        DWORD r = WSAWaitForMultipleEvents(1, &lonely, FALSE, 10000, FALSE);
        printf("wait: 0x%lx %d\n", r, WSAGetLastError());
    } else {
        DWORD r = WSAWaitForMultipleEvents(1, &ev, FALSE, WSA_INFINITE, TRUE);
        printf("wait: 0x%lx %d\n", r, WSAGetLastError());
    }
    printf("event not set: %d\n", WaitForSingleObject(ev, 0) == WAIT_TIMEOUT);
    printf("aborted: %lu %lu\n", (DWORD)ov1.Internal, (DWORD)ov2.Internal);
    printf("alertable wait: %lu, routine calls %d\n", SleepEx(50, TRUE), routine_calls);
    printf("socket after cleanup: err %d\n", socket(AF_INET, SOCK_STREAM, 0) == INVALID_SOCKET ? WSAGetLastError() : 0);
    return 0;
}
