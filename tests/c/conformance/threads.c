/*
 * Threads (issue 12; docs/async.md): CreateThread, _beginthreadex and their
 * handles, exit codes, critical sections, thread-local storage and the
 * per-thread last error, as observable facts. Threads are cooperative:
 * the order below is the one a program can rely on here (a thread runs
 * until it waits), and every fact is also what Windows gives.
 */
#include <winsock2.h>
#include <windows.h>
#include <process.h>
#include <stdio.h>

static CRITICAL_SECTION section;
static LONG shared, inside, max_inside;
static DWORD slot;

#define CHECK(what, expr) printf("%s: %ld\n", what, (long)(expr))

static DWORD WINAPI returns_arg(LPVOID arg) {
    return (DWORD)(UINT_PTR)arg;
}

static DWORD WINAPI exits_early(LPVOID arg) {
    (void)arg;
    ExitThread(77);
}

static unsigned __stdcall ends_with_endthreadex(void *arg) {
    (void)arg;
    _endthreadex(88);
    return 0;
}

static volatile LONG old_style_ran;

static void __cdecl old_style(void *arg) {
    old_style_ran = (LONG)(UINT_PTR)arg;
    Sleep(10);
    _endthread();
}

static DWORD WINAPI sleeper(LPVOID arg) {
    Sleep((DWORD)(UINT_PTR)arg);
    return 5;
}

/* Three workers increment under the section, yielding inside it: nobody
 * else gets in meanwhile. */
static DWORD WINAPI worker(LPVOID arg) {
    for (int i = 0; i < 50; i++) {
        EnterCriticalSection(&section);
        EnterCriticalSection(&section); /* recursion is allowed */
        LONG seen = InterlockedIncrement(&inside);
        if (seen > max_inside) max_inside = seen;
        LONG v = shared;
        Sleep(0); /* yields with the section held */
        shared = v + 1;
        InterlockedDecrement(&inside);
        LeaveCriticalSection(&section);
        LeaveCriticalSection(&section);
        if (i % 7 == 0) SwitchToThread();
    }
    return (DWORD)(UINT_PTR)arg;
}

static DWORD WINAPI try_enter(LPVOID arg) {
    (void)arg;
    return TryEnterCriticalSection(&section) ? 1 : 0;
}

/* Each thread keeps its own TLS value and last error across switches. */
static DWORD WINAPI own_state(LPVOID arg) {
    DWORD n = (DWORD)(UINT_PTR)arg;
    TlsSetValue(slot, (LPVOID)(UINT_PTR)(n * 100));
    WSASetLastError(10000 + (int)n);
    Sleep(0);
    Sleep(5);
    int err = WSAGetLastError();
    DWORD value = (DWORD)(UINT_PTR)TlsGetValue(slot);
    return (err == 10000 + (int)n && value == n * 100) ? 1 : 0;
}

static HANDLE auto_event, never_set;

static DWORD WINAPI sets_later(LPVOID arg) {
    Sleep((DWORD)(UINT_PTR)arg);
    return SetEvent(auto_event) ? 1 : 0;
}

static DWORD WINAPI waits_forever(LPVOID arg) {
    (void)arg;
    DWORD r = WaitForSingleObject(never_set, INFINITE);
    return r == WAIT_FAILED ? GetLastError() : r;
}

int main(void) {
    DWORD code = 0, id = 0;
    setvbuf(stdout, NULL, _IONBF, 0);

    /* Alone, there is nobody to switch to. */
    CHECK("SwitchToThread alone", SwitchToThread());
    CHECK("main thread id nonzero", GetCurrentThreadId() != 0);

    HANDLE h = CreateThread(NULL, 0, returns_arg, (LPVOID)42, 0, &id);
    CHECK("CreateThread", h != NULL);
    CHECK("thread id differs from main's", id != GetCurrentThreadId() && id != 0);
    CHECK("GetExitCodeThread before it ran", GetExitCodeThread(h, &code));
    CHECK("code before it ran (STILL_ACTIVE)", code);
    CHECK("wait 0 ms on a thread that has not run", WaitForSingleObject(h, 0));
    CHECK("WaitForSingleObject INFINITE", WaitForSingleObject(h, INFINITE));
    GetExitCodeThread(h, &code);
    CHECK("exit code (its return value)", code);
    CHECK("a signalled thread stays signalled", WaitForSingleObject(h, 0));
    SetLastError(0);
    CHECK("SetEvent on a thread handle", SetEvent(h));
    CHECK("  last error", GetLastError());
    CHECK("CloseHandle", CloseHandle(h));
    SetLastError(0);
    CHECK("GetExitCodeThread after CloseHandle", GetExitCodeThread(h, &code));
    CHECK("  last error", GetLastError());

    h = CreateThread(NULL, 0, exits_early, NULL, 0, NULL);
    WaitForSingleObject(h, INFINITE);
    GetExitCodeThread(h, &code);
    CHECK("ExitThread code", code);
    CloseHandle(h);

    unsigned tid = 0;
    HANDLE b = (HANDLE)_beginthreadex(NULL, 0, ends_with_endthreadex, NULL, 0, &tid);
    CHECK("_beginthreadex", b != NULL && tid != 0);
    WaitForSingleObject(b, INFINITE);
    GetExitCodeThread(b, &code);
    CHECK("_endthreadex code", code);
    CloseHandle(b);

    uintptr_t old = _beginthread(old_style, 0, (void *)11);
    CHECK("_beginthread", old != (uintptr_t)-1);
    CHECK("  its handle while it runs", WaitForSingleObject((HANDLE)old, 0));
    Sleep(50);
    CHECK("  it ran", old_style_ran);
    SetLastError(0);
    CHECK("  its handle after it ended (closed)", WaitForSingleObject((HANDLE)old, 0));
    CHECK("  last error", GetLastError());

    HANDLE susp = CreateThread(NULL, 0, returns_arg, (LPVOID)9, CREATE_SUSPENDED, NULL);
    CHECK("CREATE_SUSPENDED", susp != NULL);
    CHECK("  a suspended thread does not run", WaitForSingleObject(susp, 50));
    CHECK("  SuspendThread again (previous count)", SuspendThread(susp));
    CHECK("  ResumeThread (previous count)", ResumeThread(susp));
    CHECK("  still suspended", WaitForSingleObject(susp, 20));
    CHECK("  ResumeThread (previous count)", ResumeThread(susp));
    CHECK("  then it runs", WaitForSingleObject(susp, INFINITE));
    GetExitCodeThread(susp, &code);
    CHECK("  its code", code);
    CHECK("  ResumeThread of a thread that ended", ResumeThread(susp));
    CloseHandle(susp);
    CHECK("SetThreadPriority(GetCurrentThread())", SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_HIGHEST));
    CHECK("GetThreadPriority", GetThreadPriority(GetCurrentThread()));
    GetExitCodeThread(GetCurrentThread(), &code);
    CHECK("GetExitCodeThread(GetCurrentThread())", code);
    CHECK("no start address", CreateThread(NULL, 0, NULL, NULL, 0, NULL) != NULL);
    CHECK("  last error", GetLastError());

    /* Sleep parks the sleeper only: main's timed wait ends first. */
    HANDLE s = CreateThread(NULL, 65536, sleeper, (LPVOID)300, 0, NULL);
    DWORD t0 = GetTickCount();
    CHECK("wait 50 ms on a sleeping thread", WaitForSingleObject(s, 50));
    DWORD waited = GetTickCount() - t0;
    CHECK("  waited 40..250 ms", waited >= 40 && waited < 250);
    CHECK("then INFINITE", WaitForSingleObject(s, INFINITE));
    CHECK("  total at least 290 ms", GetTickCount() - t0 >= 290);
    CloseHandle(s);

    /* Wait-any gives the lowest signalled index; wait-all waits for all. */
    HANDLE pair[2];
    pair[0] = CreateThread(NULL, 0, sleeper, (LPVOID)200, 0, NULL);
    pair[1] = CreateThread(NULL, 0, sleeper, (LPVOID)20, 0, NULL);
    CHECK("wait-any", WaitForMultipleObjects(2, pair, FALSE, INFINITE));
    CHECK("wait-all", WaitForMultipleObjects(2, pair, TRUE, INFINITE));
    CloseHandle(pair[0]);
    CloseHandle(pair[1]);

    InitializeCriticalSection(&section);
    HANDLE w[3];
    for (int i = 0; i < 3; i++) w[i] = CreateThread(NULL, 0, worker, (LPVOID)(UINT_PTR)(i + 1), 0, NULL);
    CHECK("workers done", WaitForMultipleObjects(3, w, TRUE, INFINITE));
    CHECK("shared counter (3 x 50)", shared);
    CHECK("most threads inside the section at once", max_inside);
    for (int i = 0; i < 3; i++) CloseHandle(w[i]);

    EnterCriticalSection(&section);
    HANDLE te = CreateThread(NULL, 0, try_enter, NULL, 0, NULL);
    WaitForSingleObject(te, INFINITE);
    GetExitCodeThread(te, &code);
    CHECK("TryEnter from another thread while main owns it", code);
    CloseHandle(te);
    CHECK("TryEnter by the owner", TryEnterCriticalSection(&section));
    LeaveCriticalSection(&section);
    LeaveCriticalSection(&section);
    DeleteCriticalSection(&section);

    slot = TlsAlloc();
    CHECK("TlsAlloc", slot != TLS_OUT_OF_INDEXES);
    TlsSetValue(slot, (LPVOID)7);
    HANDLE o[4];
    for (int i = 0; i < 4; i++) o[i] = CreateThread(NULL, 0, own_state, (LPVOID)(UINT_PTR)(i + 1), 0, NULL);
    WSASetLastError(4242);
    WaitForMultipleObjects(4, o, TRUE, INFINITE);
    int own_ok = 0;
    for (int i = 0; i < 4; i++) {
        GetExitCodeThread(o[i], &code);
        own_ok += (int)code;
        CloseHandle(o[i]);
    }
    CHECK("threads that kept their TLS value and last error", own_ok);
    CHECK("main's TLS value", (UINT_PTR)TlsGetValue(slot));
    CHECK("TlsFree", TlsFree(slot));
    CHECK("TlsGetValue after TlsFree", (UINT_PTR)TlsGetValue(slot));
    CHECK("  last error", GetLastError());

    LONG x = 5;
    CHECK("InterlockedExchange", InterlockedExchange(&x, 9));
    CHECK("InterlockedCompareExchange (no match)", InterlockedCompareExchange(&x, 1, 3));
    CHECK("InterlockedCompareExchange (match)", InterlockedCompareExchange(&x, 1, 9));
    CHECK("InterlockedExchangeAdd", InterlockedExchangeAdd(&x, 10));
    CHECK("value", x);

    /* Events are shared: another thread's SetEvent ends main's wait, and
     * the satisfied wait resets the auto-reset event. */
    auto_event = CreateEvent(NULL, FALSE, FALSE, NULL);
    HANDLE setter = CreateThread(NULL, 0, sets_later, (LPVOID)30, 0, NULL);
    CHECK("wait ended by another thread's SetEvent", WaitForSingleObject(auto_event, 2000));
    CHECK("  auto-reset: signalled no more", WaitForSingleObject(auto_event, 0));
    WaitForSingleObject(setter, INFINITE);
    CloseHandle(setter);
    WSADATA wsa;
    WSAStartup(MAKEWORD(2, 2), &wsa);
    WSAEVENT wev = WSACreateEvent();
    CloseHandle(auto_event);
    auto_event = wev;
    setter = CreateThread(NULL, 0, sets_later, (LPVOID)20, 0, NULL);
    CHECK("WSAWaitForMultipleEvents ended by another thread",
          WSAWaitForMultipleEvents(1, &wev, FALSE, 2000, FALSE));
    WaitForSingleObject(setter, INFINITE);
    CloseHandle(setter);
    WSACloseEvent(wev);
    WSACleanup();

    /* Two threads waiting on an event nobody sets: both waits fail. */
    never_set = CreateEvent(NULL, TRUE, FALSE, NULL);
    HANDLE stuck = CreateThread(NULL, 0, waits_forever, NULL, 0, NULL);
    SetLastError(0);
    CHECK("two threads wait on nothing: main's wait", WaitForSingleObject(stuck, INFINITE));
    CHECK("  last error (ERROR_POSSIBLE_DEADLOCK)", GetLastError());
    CHECK("then the other thread ends", WaitForSingleObject(stuck, INFINITE));
    GetExitCodeThread(stuck, &code);
    CHECK("  the other thread's wait failed with", code);
    CloseHandle(stuck);
    CloseHandle(never_set);

    /* Every thread waits on what nobody can bring: the waits fail instead
     * of hanging the program. */
    HANDLE never = CreateEvent(NULL, TRUE, FALSE, NULL);
    SetLastError(0);
    CHECK("INFINITE wait on an event nobody sets", WaitForSingleObject(never, INFINITE));
    CHECK("  last error (ERROR_POSSIBLE_DEADLOCK)", GetLastError());
    CloseHandle(never);
    return 0;
}
