/* Issue 11, point 1 (docs/async.md, docs/lifecycle.md and docs/surface.md): event objects and the waits on them,
 * in their Winsock forms (WSACreateEvent...) and the kernel32 forms legacy
 * code calls on the same handles (CreateEvent, SetEvent, CloseHandle,
 * WaitForSingleObject, WaitForMultipleObjects, SleepEx). No socket is
 * involved: a wait that nothing can end lasts its timeout. */
#include "conformance.h"

/* A kernel32 call: the last error is cleared first, since those calls leave
 * it alone when they succeed. */
#define KCHECK(label, expr) do { SetLastError(0); CHECK(label, expr); } while (0)

/* Whether a wait lasted about `ms` milliseconds. */
static void lasted(const char *label, DWORD started, DWORD ms)
{
    DWORD waited = GetTickCount() - started;
    printf("%s lasted its timeout: %d, less than 2 s: %d\n", label, waited + 10 >= ms, waited < 2000);
}

int main(void)
{
    WSAEVENT e, f, pair[2], many[WSA_MAXIMUM_WAIT_EVENTS + 1], dup[2];
    HANDLE a, b, m, autos[2], old;
    DWORD t;
    int i;

    /* Before WSAStartup the Winsock forms fail (docs/lifecycle.md). */
    e = WSACreateEvent();
    printf("WSACreateEvent before WSAStartup: %d %d\n", e == WSA_INVALID_EVENT, WSAGetLastError());
    start();

    /* WSACreateEvent: manual reset, not signalled. */
    e = WSACreateEvent();
    printf("WSACreateEvent: %d %d\n", e != WSA_INVALID_EVENT, WSAGetLastError());
    CHECK("wait 0 on a new event", WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE));
    CHECK("WSASetEvent", WSASetEvent(e));
    CHECK("wait on the set event", WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE));
    CHECK("manual reset: still set", WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE));
    CHECK("WSAResetEvent", WSAResetEvent(e));
    CHECK("wait 0 after the reset", WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE));
    t = GetTickCount();
    CHECK("wait 150 ms on an unset event", WSAWaitForMultipleEvents(1, &e, FALSE, 150, FALSE));
    lasted("the wait", t, 150);
    t = GetTickCount();
    CHECK("alertable wait 100 ms", WSAWaitForMultipleEvents(1, &e, FALSE, 100, TRUE));
    lasted("the alertable wait", t, 100);

    /* Wait-any answers the lowest signalled index; wait-all needs all. */
    f = WSACreateEvent();
    pair[0] = e;
    pair[1] = f;
    WSASetEvent(f);
    CHECK("wait-any, second set", WSAWaitForMultipleEvents(2, pair, FALSE, 0, FALSE));
    t = GetTickCount();
    CHECK("wait-all 100 ms, one set", WSAWaitForMultipleEvents(2, pair, TRUE, 100, FALSE));
    lasted("the wait-all", t, 100);
    WSASetEvent(e);
    CHECK("wait-any, both set", WSAWaitForMultipleEvents(2, pair, FALSE, 0, FALSE));
    CHECK("wait-all, both set", WSAWaitForMultipleEvents(2, pair, TRUE, 0, FALSE));
    WSAResetEvent(e);
    WSAResetEvent(f);

    /* WSA_MAXIMUM_WAIT_EVENTS handles; one more is refused. */
    for (i = 0; i <= WSA_MAXIMUM_WAIT_EVENTS; i++) many[i] = WSACreateEvent();
    WSASetEvent(many[WSA_MAXIMUM_WAIT_EVENTS - 1]);
    CHECK("wait-any on 64, the last set", WSAWaitForMultipleEvents(WSA_MAXIMUM_WAIT_EVENTS, many, FALSE, 0, FALSE));
    CHECK("wait on 65", WSAWaitForMultipleEvents(WSA_MAXIMUM_WAIT_EVENTS + 1, many, FALSE, 0, FALSE));
    CHECK("wait on 0", WSAWaitForMultipleEvents(0, many, FALSE, 0, FALSE));
    for (i = 0; i <= WSA_MAXIMUM_WAIT_EVENTS; i++) WSACloseEvent(many[i]);

    /* Handles are the library's: a made-up, NULL or closed one fails. */
    pair[0] = e;
    pair[1] = (WSAEVENT)(UINT_PTR)0x1234;
    CHECK("wait with a made-up handle", WSAWaitForMultipleEvents(2, pair, FALSE, 0, FALSE));
    pair[1] = NULL;
    CHECK("wait with a NULL handle", WSAWaitForMultipleEvents(2, pair, FALSE, 0, FALSE));
    pair[1] = (WSAEVENT)((char *)e + 2);
    CHECK("wait with a value between two handles", WSAWaitForMultipleEvents(2, pair, FALSE, 0, FALSE));
    CHECK("WSASetEvent on a made-up handle", WSASetEvent((WSAEVENT)(UINT_PTR)0x1234));
    CHECK("WSACloseEvent", WSACloseEvent(f));
    CHECK("WSACloseEvent again", WSACloseEvent(f));
    CHECK("WSASetEvent on the closed event", WSASetEvent(f));
    CHECK("WSAResetEvent on the closed event", WSAResetEvent(f));
    CHECK("wait on the closed event", WSAWaitForMultipleEvents(1, &f, FALSE, 0, FALSE));
    old = f;
    f = WSACreateEvent();
    printf("a new event has a new handle value: %d\n", f != old);

    /* One thread and nothing that could set the event: an infinite wait
     * would never return on Windows; the library fails it at once with
     * ERROR_POSSIBLE_DEADLOCK (its documented choice). */
    CHECK("infinite wait nothing can end", WSAWaitForMultipleEvents(1, &e, FALSE, WSA_INFINITE, FALSE));

    /* kernel32: auto-reset events are reset by the wait they satisfy. */
    a = CreateEventA(NULL, FALSE, FALSE, NULL);
    printf("CreateEvent auto-reset: %d\n", a != NULL);
    KCHECK("WaitForSingleObject 0, unset", WaitForSingleObject(a, 0));
    KCHECK("SetEvent", SetEvent(a));
    KCHECK("WaitForSingleObject, set", WaitForSingleObject(a, 0));
    KCHECK("WaitForSingleObject again: consumed", WaitForSingleObject(a, 0));
    m = CreateEventA(NULL, TRUE, TRUE, NULL);
    KCHECK("manual-reset created set", WaitForSingleObject(m, 0));
    KCHECK("and still set", WaitForSingleObject(m, 0));
    KCHECK("ResetEvent", ResetEvent(m));
    KCHECK("WaitForSingleObject after ResetEvent", WaitForSingleObject(m, 0));
    t = GetTickCount();
    KCHECK("WaitForSingleObject 120 ms", WaitForSingleObject(m, 120));
    lasted("WaitForSingleObject", t, 120);

    /* Wait-any consumes only the event it reports; wait-all all of them. */
    b = CreateEventA(NULL, FALSE, FALSE, NULL);
    autos[0] = a;
    autos[1] = b;
    SetEvent(a);
    SetEvent(b);
    KCHECK("WaitForMultipleObjects any, both set", WaitForMultipleObjects(2, autos, FALSE, 0));
    KCHECK("again: the second is left", WaitForMultipleObjects(2, autos, FALSE, 0));
    KCHECK("again: none left", WaitForMultipleObjects(2, autos, FALSE, 0));
    SetEvent(a);
    KCHECK("WaitForMultipleObjects all, one set", WaitForMultipleObjects(2, autos, TRUE, 0));
    KCHECK("the unsatisfied wait-all left it set", WaitForSingleObject(a, 0));
    SetEvent(a);
    SetEvent(b);
    KCHECK("WaitForMultipleObjects all, both set", WaitForMultipleObjects(2, autos, TRUE, 0));
    KCHECK("both consumed", WaitForMultipleObjects(2, autos, FALSE, 0));
    dup[0] = a;
    dup[1] = a;
    KCHECK("wait-all naming one event twice", WaitForMultipleObjects(2, dup, TRUE, 0));
    KCHECK("WaitForMultipleObjects on 0", WaitForMultipleObjects(0, autos, FALSE, 0));
    KCHECK("infinite WaitForSingleObject nothing can end", WaitForSingleObject(a, INFINITE));

    /* The two forms name the same objects. */
    KCHECK("SetEvent on a WSACreateEvent event", SetEvent(e));
    CHECK("seen by WSAWaitForMultipleEvents", WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE));
    CHECK("WSASetEvent on an auto-reset event", WSASetEvent(a));
    CHECK("WSAWaitForMultipleEvents consumes it", WSAWaitForMultipleEvents(1, &a, FALSE, 0, FALSE));
    CHECK("and it is reset", WSAWaitForMultipleEvents(1, &a, FALSE, 0, FALSE));

    /* A success leaves the last error as it was (kernel32). */
    SetLastError(1234);
    i = SetEvent(a);
    printf("SetEvent: %d, last error still %lu\n", i, GetLastError());

    /* Named events would be shared between processes: refused. */
    KCHECK("CreateEvent with a name", CreateEventA(NULL, TRUE, FALSE, "Global\\shared") == NULL);

    /* CloseHandle closes events; anything else is not a handle. */
    KCHECK("CloseHandle on an event", CloseHandle(b));
    KCHECK("CloseHandle again", CloseHandle(b));
    KCHECK("SetEvent on the closed handle", SetEvent(b));
    KCHECK("WaitForSingleObject on the closed handle", WaitForSingleObject(b, 0));
    KCHECK("CloseHandle on a made-up handle", CloseHandle((HANDLE)(UINT_PTR)0x1234));
    KCHECK("CloseHandle on INVALID_HANDLE_VALUE", CloseHandle(INVALID_HANDLE_VALUE));
    KCHECK("CloseHandle on a WSACreateEvent event", CloseHandle(f));
    CHECK("WSACloseEvent on it afterwards", WSACloseEvent(f));

    t = GetTickCount();
    KCHECK("SleepEx 100 alertable", SleepEx(100, TRUE));
    lasted("SleepEx", t, 100);

    /* After the final cleanup the Winsock forms fail; the objects remain,
     * as kernel objects do on Windows. */
    CHECK("WSACleanup", WSACleanup());
    CHECK("WSASetEvent after cleanup", WSASetEvent(e));
    CHECK("WSAWaitForMultipleEvents after cleanup", WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE));
    KCHECK("WaitForSingleObject after cleanup", WaitForSingleObject(e, 0));
    KCHECK("CloseHandle after cleanup", CloseHandle(e));
    return 0;
}
