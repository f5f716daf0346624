/* Threads blocked in Winsock calls against native peers (issue 12;
 * docs/async.md): what closesocket from another thread, the final WSACleanup and the
 * host do to them, and what the peers see.
 *
 *   threads_peer MODE PORT [N]
 *   close-recv: thread B blocks in recv on a socket connected to the peer;
 *     main closes that socket: B's recv fails WSAEINTR.
 *   cleanup: three threads block in accept (on a listener of the guest's),
 *     recv (connected to the peer) and WSAWaitForMultipleEvents (an event
 *     selected for FD_READ on a second connection to the peer); main calls
 *     WSACleanup: all three fail WSAEINTR and both connections are reset.
 *   many: N threads (at most 63) block in recv on N connections to the
 *     peer; main waits for them all, until the host acts (a host cleanup
 *     fails every call WSAEINTR, main's wait too; main then waits again;
 *     with "hold" after N, main then sleeps until the host ends it).
 *   spin: a thread computes forever without calling anything.
 *   result-wait: thread A issues an overlapped WSARecv with an event and
 *     waits in WSAGetOverlappedResult (fWait TRUE); main keeps running
 *     until the peer's data completes it.
 *   apc: thread A issues an overlapped WSARecv with a completion routine
 *     and sleeps alertably; main sleeps alertably too, meanwhile: the
 *     routine runs in A (the issuer), as an APC does on Windows.
 *   exit-main: main calls ExitThread(3) while a thread still runs: the
 *     program goes on until that thread ends, with its exit code (0).
 *   select-poll: thread A waits in select (no timeout) on one connection,
 *     thread B in WSAPoll (no timeout) on a second; main keeps running
 *     (Sleep(10) in a loop) until the peer's data wakes them.
 * Each mode writes "ready" on its first connection (and prints it) once
 * its threads are blocked. */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static SOCKADDR_IN peer;
static SOCKET listener, conn1, conn2;
static WSAEVENT readable;

static SOCKET connect_peer(void) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET || connect(s, (SOCKADDR *)&peer, sizeof peer) == SOCKET_ERROR) {
        printf("connect failed: %d\n", WSAGetLastError());
        exit(1);
    }
    return s;
}

static DWORD WINAPI blocked_recv(LPVOID param) {
    SOCKET s = (SOCKET)(UINT_PTR)param;
    char buf[16];
    int r = recv(s, buf, sizeof buf, 0);
    printf("recv: %d %d\n", r, WSAGetLastError());
    return 0;
}

static DWORD WINAPI blocked_accept(LPVOID param) {
    (void)param;
    SOCKET s = accept(listener, NULL, NULL);
    printf("accept: %d %d\n", s == INVALID_SOCKET ? -1 : 0, WSAGetLastError());
    return 0;
}

static DWORD WINAPI blocked_wait(LPVOID param) {
    (void)param;
    DWORD r = WSAWaitForMultipleEvents(1, &readable, FALSE, WSA_INFINITE, FALSE);
    printf("wait: %#lx %d\n", r, WSAGetLastError());
    return 0;
}

static DWORD WINAPI blocked_select(LPVOID param) {
    (void)param;
    fd_set readable_set;
    FD_ZERO(&readable_set);
    FD_SET(conn1, &readable_set);
    int r = select(0, &readable_set, NULL, NULL, NULL);
    printf("select: %d %d\n", r, FD_ISSET(conn1, &readable_set) ? 1 : 0);
    return 0;
}

static DWORD WINAPI blocked_poll(LPVOID param) {
    (void)param;
    WSAPOLLFD fd;
    fd.fd = conn2;
    fd.events = POLLRDNORM;
    fd.revents = 0;
    int r = WSAPoll(&fd, 1, -1);
    printf("poll: %d %#x\n", r, (unsigned)fd.revents);
    return 0;
}

static DWORD WINAPI last_thread(LPVOID param) {
    (void)param;
    Sleep(100);
    printf("last thread ends\n");
    return 0;
}

static DWORD routine_thread, thread_a;
static int routine_runs;

static void CALLBACK on_received(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
    (void)error, (void)bytes, (void)ov, (void)flags;
    routine_thread = GetCurrentThreadId();
    routine_runs++;
}

static DWORD WINAPI issues_and_sleeps(LPVOID param) {
    (void)param;
    static char buf[16];
    static WSABUF wb;
    static WSAOVERLAPPED ov;
    DWORD flags = 0;
    thread_a = GetCurrentThreadId();
    wb.buf = buf;
    wb.len = sizeof buf;
    int r = WSARecv(conn1, &wb, 1, NULL, &flags, &ov, on_received);
    printf("A WSARecv: %d %d\n", r, WSAGetLastError());
    DWORD slept = SleepEx(5000, TRUE);
    printf("A SleepEx: %#lx, routine ran in A: %d\n", slept, routine_thread == thread_a);
    return 0;
}

static DWORD WINAPI waits_for_result(LPVOID param) {
    (void)param;
    static char buf[16];
    static WSABUF wb;
    static WSAOVERLAPPED ov;
    DWORD flags = 0, bytes = 0;
    wb.buf = buf;
    wb.len = sizeof buf;
    ov.hEvent = WSACreateEvent();
    int r = WSARecv(conn1, &wb, 1, NULL, &flags, &ov, NULL);
    printf("A WSARecv: %d %d\n", r, WSAGetLastError());
    BOOL ok = WSAGetOverlappedResult(conn1, &ov, &bytes, TRUE, &flags);
    printf("A result: %d, bytes %lu\n", ok, bytes);
    return 0;
}

static volatile unsigned long spins;

static DWORD WINAPI computes(LPVOID param) {
    (void)param;
    for (;;) spins++;
}

static void ready(SOCKET s) {
    /* Let every other thread run into its blocking call first. */
    Sleep(100);
    send(s, "ready", 5, 0);
    printf("ready\n");
}

int main(int argc, char **argv) {
    WSADATA d;
    if (argc < 3) {
        fprintf(stderr, "usage: threads_peer close-recv|cleanup|many|spin PORT [N]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    WSAStartup(MAKEWORD(2, 2), &d);
    memset(&peer, 0, sizeof peer);
    peer.sin_family = AF_INET;
    peer.sin_port = htons((u_short)atoi(argv[2]));
    peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const char *mode = argv[1];

    if (strcmp(mode, "close-recv") == 0) {
        conn1 = connect_peer();
        HANDLE b = CreateThread(NULL, 0, blocked_recv, (LPVOID)(UINT_PTR)conn1, 0, NULL);
        ready(conn1);
        printf("closesocket from main: %d\n", closesocket(conn1));
        printf("thread ended: %lu\n", WaitForSingleObject(b, 5000));
        CloseHandle(b);
    } else if (strcmp(mode, "cleanup") == 0) {
        SOCKADDR_IN any;
        memset(&any, 0, sizeof any);
        any.sin_family = AF_INET;
        any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        bind(listener, (SOCKADDR *)&any, sizeof any);
        listen(listener, 4);
        conn1 = connect_peer();
        conn2 = connect_peer();
        readable = WSACreateEvent();
        WSAEventSelect(conn2, readable, FD_READ);
        HANDLE t[3];
        t[0] = CreateThread(NULL, 0, blocked_accept, NULL, 0, NULL);
        t[1] = CreateThread(NULL, 0, blocked_recv, (LPVOID)(UINT_PTR)conn1, 0, NULL);
        t[2] = CreateThread(NULL, 0, blocked_wait, NULL, 0, NULL);
        ready(conn1);
        printf("WSACleanup: %d\n", WSACleanup());
        printf("threads ended: %lu\n", WaitForMultipleObjects(3, t, TRUE, 5000));
    } else if (strcmp(mode, "many") == 0) {
        int n = argc > 3 ? atoi(argv[3]) : 10;
        HANDLE t[MAXIMUM_WAIT_OBJECTS];
        if (n < 1 || n >= MAXIMUM_WAIT_OBJECTS) return 2;
        conn1 = connect_peer();
        for (int i = 0; i < n; i++)
            t[i] = CreateThread(NULL, 0, blocked_recv, (LPVOID)(UINT_PTR)connect_peer(), 0, NULL);
        ready(conn1);
        DWORD r = WaitForMultipleObjects((DWORD)n, t, TRUE, INFINITE);
        printf("main's wait: %#lx %lu\n", r, r == WAIT_FAILED ? GetLastError() : 0);
        printf("threads ended: %lu\n", WaitForMultipleObjects((DWORD)n, t, TRUE, 5000));
        if (argc > 4 && strcmp(argv[4], "hold") == 0)
            for (;;) Sleep(1000);
    } else if (strcmp(mode, "select-poll") == 0) {
        conn1 = connect_peer();
        conn2 = connect_peer();
        HANDLE t[2];
        t[0] = CreateThread(NULL, 0, blocked_select, NULL, 0, NULL);
        t[1] = CreateThread(NULL, 0, blocked_poll, NULL, 0, NULL);
        ready(conn1);
        int ticks = 0;
        while (WaitForMultipleObjects(2, t, TRUE, 0) == WAIT_TIMEOUT && ticks < 500) {
            Sleep(10);
            ticks++;
        }
        printf("main ran while they waited: %d\n", ticks >= 10);
    } else if (strcmp(mode, "exit-main") == 0) {
        conn1 = connect_peer();
        CloseHandle(CreateThread(NULL, 0, last_thread, NULL, 0, NULL));
        send(conn1, "ready", 5, 0);
        printf("ready\nmain calls ExitThread\n");
        ExitThread(3);
    } else if (strcmp(mode, "result-wait") == 0) {
        conn1 = connect_peer();
        HANDLE a = CreateThread(NULL, 0, waits_for_result, NULL, 0, NULL);
        ready(conn1);
        int ticks = 0;
        while (WaitForSingleObject(a, 10) == WAIT_TIMEOUT) ticks++;
        printf("main ran while A waited: %d\n", ticks >= 10);
        CloseHandle(a);
    } else if (strcmp(mode, "apc") == 0) {
        conn1 = connect_peer();
        HANDLE a = CreateThread(NULL, 0, issues_and_sleeps, NULL, 0, NULL);
        ready(conn1);
        int main_saw = 0;
        while (WaitForSingleObject(a, 0) == WAIT_TIMEOUT)
            if (SleepEx(20, TRUE) == WAIT_IO_COMPLETION) main_saw++;
        printf("main's alertable sleeps ran routines: %d, routine runs: %d\n", main_saw, routine_runs);
        CloseHandle(a);
    } else if (strcmp(mode, "spin") == 0) {
        conn1 = connect_peer();
        CloseHandle(CreateThread(NULL, 0, computes, NULL, 0, NULL));
        send(conn1, "ready", 5, 0);
        printf("ready\n");
        Sleep(10); /* the spinner runs and never gives the turn back */
        printf("main ran again\n");
    }
    return 0;
}
