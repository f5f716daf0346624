/* docs/async.md, issue 11: overlapped I/O with event objects and completion
 * routines, WSAGetOverlappedResult, CancelIo/CancelIoEx, and what
 * closesocket and the final WSACleanup do to pending operations. */
#include "conformance.h"

static int routine_calls;
static DWORD routine_error, routine_bytes;

static void CALLBACK on_complete(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags)
{
    (void)lpOverlapped;
    (void)dwFlags;
    routine_calls++;
    routine_error = dwError;
    routine_bytes = cbTransferred;
}

static void reset(WSAOVERLAPPED *ov, WSAEVENT ev)
{
    ZeroMemory(ov, sizeof *ov);
    ov->hEvent = ev;
    WSAResetEvent(ev);
}

int main(void)
{
    SOCKET c, s, c2, s2;
    WSAEVENT ev, ev2;
    WSAOVERLAPPED ov, ov2;
    WSABUF wb, wb2;
    DWORD n, flags;
    char a[16], b[16];
    WSAEVENT both[2];

    start();
    pair(AF_INET, &c, &s);
    ev = WSACreateEvent();
    ev2 = WSACreateEvent();

    /* A receive with nothing to receive stays pending. */
    reset(&ov, ev);
    wb.buf = a;
    wb.len = sizeof a;
    flags = 0;
    CHECK("WSARecv overlapped, no data yet", WSARecv(s, &wb, 1, &n, &flags, &ov, NULL));
    printf("HasOverlappedIoCompleted %d\n", HasOverlappedIoCompleted(&ov));
    printf("WSAGetOverlappedResult without waiting: %d %d\n", WSAGetOverlappedResult(s, &ov, &n, FALSE, &flags),
           WSAGetLastError());
    CHECK("send 5 bytes from the peer", send(c, "hello", 5, 0));
    printf("wait: %lu\n", WSAWaitForMultipleEvents(1, &ev, FALSE, 2000, FALSE));
    printf("HasOverlappedIoCompleted %d\n", HasOverlappedIoCompleted(&ov));
    printf("WSAGetOverlappedResult: %d %d, bytes %lu, flags %lu, data %.5s\n",
           WSAGetOverlappedResult(s, &ov, &n, FALSE, &flags), WSAGetLastError(), n, flags, a);

    /* Data already there: done at once, 0, the count, the event set. */
    send(c, "again", 5, 0);
    Sleep(50);
    reset(&ov, ev);
    n = 0;
    flags = 0;
    CHECK("WSARecv overlapped, data waiting", WSARecv(s, &wb, 1, &n, &flags, &ov, NULL));
    printf("bytes %lu, event set %lu\n", n, WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE));

    /* Two receives complete in the order they were issued. */
    reset(&ov, ev);
    reset(&ov2, ev2);
    ZeroMemory(a, sizeof a);
    ZeroMemory(b, sizeof b);
    wb.len = 3;
    wb2.buf = b;
    wb2.len = 3;
    flags = 0;
    CHECK("first WSARecv", WSARecv(s, &wb, 1, NULL, &flags, &ov, NULL));
    flags = 0;
    CHECK("second WSARecv", WSARecv(s, &wb2, 1, NULL, &flags, &ov2, NULL));
    send(c, "abcdef", 6, 0);
    both[0] = ev;
    both[1] = ev2;
    printf("wait for both: %lu\n", WSAWaitForMultipleEvents(2, both, TRUE, 2000, FALSE));
    printf("first %s, second %s\n", a, b);

    /* An overlapped send with room completes at once. */
    reset(&ov, ev);
    wb.buf = "overlapped";
    wb.len = 10;
    n = 0;
    CHECK("WSASend overlapped", WSASend(c, &wb, 1, &n, 0, &ov, NULL));
    printf("bytes %lu, event set %lu\n", n, WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE));
    Sleep(50);
    printf("received %d\n", recv(s, a, sizeof a, 0));

    /* WSAGetOverlappedResult with fWait waits for the operation itself. */
    reset(&ov, ev);
    wb.buf = a;
    wb.len = sizeof a;
    flags = 0;
    CHECK("WSARecv overlapped", WSARecv(s, &wb, 1, NULL, &flags, &ov, NULL));
    send(c, "waited", 6, 0);
    printf("WSAGetOverlappedResult waiting: %d %d, bytes %lu\n", WSAGetOverlappedResult(s, &ov, &n, TRUE, &flags),
           WSAGetLastError(), n);

    /* Datagrams: WSASendTo and WSARecvFrom overlapped, with the sender. */
    {
        SOCKET u1 = WSASocketA(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_OVERLAPPED);
        SOCKET u2 = WSASocketA(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_OVERLAPPED);
        SOCKADDR_IN to, from, bound;
        int fromlen = sizeof from, len = sizeof to;
        ZeroMemory(&to, sizeof to);
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(u1, (SOCKADDR *)&to, sizeof to);
        getsockname(u1, (SOCKADDR *)&to, &len);
        reset(&ov, ev);
        ZeroMemory(a, sizeof a);
        wb.buf = a;
        wb.len = 4;
        wb2.buf = b;
        wb2.len = 4;
        WSABUF two[2];
        two[0] = wb;
        two[1] = wb2;
        flags = 0;
        CHECK("WSARecvFrom overlapped", WSARecvFrom(u1, two, 2, NULL, &flags, (SOCKADDR *)&from, &fromlen, &ov, NULL));
        reset(&ov2, ev2);
        wb.buf = "datagram";
        wb.len = 8;
        CHECK("WSASendTo overlapped", WSASendTo(u2, &wb, 1, &n, 0, (SOCKADDR *)&to, sizeof to, &ov2, NULL));
        printf("wait: %lu\n", WSAWaitForMultipleEvents(1, &ev, FALSE, 2000, FALSE));
        len = sizeof bound;
        getsockname(u2, (SOCKADDR *)&bound, &len);
        printf("WSAGetOverlappedResult: %d, bytes %lu, %.4s|%.4s, from the sender %d, length %d\n",
               WSAGetOverlappedResult(u1, &ov, &n, FALSE, &flags), n, a, b, from.sin_port == bound.sin_port,
               fromlen);
        closesocket(u1);
        closesocket(u2);
    }

    /* A completion routine runs only in an alertable wait. */
    ZeroMemory(&ov, sizeof ov);
    wb.buf = a;
    wb.len = sizeof a;
    flags = 0;
    CHECK("WSARecv with a completion routine", WSARecv(s, &wb, 1, NULL, &flags, &ov, on_complete));
    send(c, "routine", 7, 0);
    Sleep(50);
    printf("SleepEx not alertable: %lu, routine calls %d\n", SleepEx(100, FALSE), routine_calls);
    printf("SleepEx alertable: 0x%lx, routine calls %d, error %lu, bytes %lu\n", SleepEx(2000, TRUE), routine_calls,
           routine_error, routine_bytes);
    printf("SleepEx alertable again: %lu, routine calls %d\n", SleepEx(50, TRUE), routine_calls);

    /* Cancelling. */
    printf("CancelIo with nothing pending: %d, GetLastError %lu\n", CancelIo((HANDLE)(UINT_PTR)s), GetLastError());
    reset(&ov, ev);
    flags = 0;
    CHECK("WSARecv overlapped", WSARecv(s, &wb, 1, NULL, &flags, &ov, NULL));
    printf("CancelIoEx of it: %d\n", CancelIoEx((HANDLE)(UINT_PTR)s, &ov));
    printf("event set %lu\n", WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE));
    printf("WSAGetOverlappedResult: %d %d\n", WSAGetOverlappedResult(s, &ov, &n, FALSE, &flags), WSAGetLastError());

    /* closesocket aborts the socket's operations and reports them: the
     * event is set, the routine runs at the next alertable wait. */
    pair(AF_INET, &c2, &s2);
    reset(&ov, ev);
    flags = 0;
    CHECK("WSARecv overlapped with an event", WSARecv(s2, &wb, 1, NULL, &flags, &ov, NULL));
    ZeroMemory(&ov2, sizeof ov2);
    wb2.buf = b;
    wb2.len = sizeof b;
    flags = 0;
    routine_calls = 0;
    CHECK("WSARecv overlapped with a routine", WSARecv(s2, &wb2, 1, NULL, &flags, &ov2, on_complete));
    CHECK("closesocket", closesocket(s2));
    printf("event set %lu, HasOverlappedIoCompleted %d, Internal %lu\n",
           WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE), HasOverlappedIoCompleted(&ov), (DWORD)ov.Internal);
    printf("SleepEx alertable: 0x%lx, routine calls %d, error %lu\n", SleepEx(1000, TRUE), routine_calls,
           routine_error);
    closesocket(c2);

    /* The final WSACleanup aborts what is pending and reports nothing. */
    reset(&ov, ev);
    flags = 0;
    CHECK("WSARecv overlapped with an event", WSARecv(s, &wb, 1, NULL, &flags, &ov, NULL));
    ZeroMemory(&ov2, sizeof ov2);
    flags = 0;
    routine_calls = 0;
    CHECK("WSARecv overlapped with a routine", WSARecv(c, &wb2, 1, NULL, &flags, &ov2, on_complete));
    CHECK("WSACleanup", WSACleanup());
    printf("event not set: %d\n", WaitForSingleObject(ev, 0) == WAIT_TIMEOUT);
    printf("HasOverlappedIoCompleted %d %d, Internal %lu %lu\n", HasOverlappedIoCompleted(&ov),
           HasOverlappedIoCompleted(&ov2), (DWORD)ov.Internal, (DWORD)ov2.Internal);
    printf("SleepEx alertable: %lu, routine calls %d\n", SleepEx(100, TRUE), routine_calls);
    return 0;
}
