/*
 * Threads for legacy programs (issue 12; docs/async.md): CreateThread,
 * _beginthreadex and friends as cooperative green threads inside the one
 * instance, made switchable by Binaryen's Asyncify (winsock-cc runs
 * `wasm-opt --asyncify` on programs that use threads; this file is only
 * in the library those programs link, built with __WS_THREADS).
 *
 * How a switch works: the running thread calls switch_out(), which starts
 * an Asyncify unwind into its own buffer; every instrumented frame saves
 * its locals there and returns, down to run_threads() (left
 * uninstrumented, it is the bottom of every thread), which stops the
 * unwind and picks the next thread. Resuming a thread starts a rewind
 * from its buffer and calls its entry function again: the frames are
 * rebuilt down to switch_out(), which stops the rewind and returns.
 * Asyncify restores locals, not globals, so each thread has its own
 * shadow stack and `__stack_pointer` is saved and restored at every
 * switch. Nothing instrumented runs between a start_unwind/stop_unwind or
 * a start_rewind/stop_rewind pair.
 *
 * A thread runs until it calls something that waits: a blocking Winsock
 * call on a blocking socket, a wait, Sleep, SwitchToThread, a contended
 * EnterCriticalSection. Such a call parks the thread (with what it waits
 * for: sockets and their events, a deadline, or another thread's action)
 * and the next runnable thread runs. When every thread is parked, the
 * scheduler makes one host wait: WSAPoll over every socket a parked
 * thread waits on, up to the nearest deadline. The host never parks a
 * thread for a guest thread. A thread that computes without calling any
 * of those never gives the others a turn (it is cooperative); the host
 * can still end the instance (teardown does not need the guest's help).
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>
#include <process.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imports.h"
#include "internal.h"

#ifdef __WS_THREADS

/* Binaryen's Asyncify lowers calls to these imports into its own
 * functions (they never reach the component's imports). */
__attribute__((import_module("asyncify"), import_name("start_unwind"))) void __ws_asyncify_start_unwind(void *data);
__attribute__((import_module("asyncify"), import_name("stop_unwind"))) void __ws_asyncify_stop_unwind(void);
__attribute__((import_module("asyncify"), import_name("start_rewind"))) void __ws_asyncify_start_rewind(void *data);
__attribute__((import_module("asyncify"), import_name("stop_rewind"))) void __ws_asyncify_stop_rewind(void);

static void *get_stack_pointer(void) {
    void *sp;
    __asm__ volatile("global.get __stack_pointer\n\tlocal.set %0" : "=r"(sp));
    return sp;
}

static void set_stack_pointer(void *sp) {
    __asm__ volatile("local.get %0\n\tglobal.set __stack_pointer" : : "r"(sp));
}

/* A thread's shadow stack when CreateThread's dwStackSize is 0 (Windows
 * reserves 1 MiB; programs here rarely need more than this), and the
 * least one gets. */
#define DEFAULT_STACK_SIZE (256u * 1024u)
#define MIN_STACK_SIZE (64u * 1024u)
/* main's, larger: programs keep big buffers in main. */
#define MAIN_STACK_SIZE (1024u * 1024u)
/* Where Asyncify keeps a parked thread's frames (the locals of every
 * function on its call path); a deeper path traps (unreachable). */
#define UNWIND_BUFFER_SIZE (32u * 1024u)
#define TLS_SLOTS 64
/* Thread handles sit apart from event handles (0x40000000 up) and socket
 * handles (small integers); ids are multiples of 4, as Windows' are. */
#define THREAD_ID_STEP 4u

enum thread_state { THREAD_NEW, THREAD_RUNNABLE, THREAD_PARKED, THREAD_FINISHED };

struct thread {
    DWORD id;
    HANDLE handle; /* an event-table object signalled when the thread ends */
    bool handle_open;
    enum thread_state state;
    LPTHREAD_START_ROUTINE start;
    void *arg;
    DWORD exit_code;
    bool exiting; /* ExitThread: unwind and never resume */
    DWORD suspend_count; /* CREATE_SUSPENDED, SuspendThread; ResumeThread */
    bool close_at_end;   /* _beginthread's: the C runtime closes the handle */
    char *stack;
    void *stack_top;
    void *saved_sp;
    uint32_t unwind[2]; /* Asyncify's data: current position, end */
    char *unwind_data;
    int last_error;
    void *tls[TLS_SLOTS];
    /* What a parked thread waits for. */
    winsock_ws2_sockets_pollfd_t *fds;
    size_t nfds;
    ULONGLONG deadline; /* ULLONG_MAX: none */
    bool object_wait;   /* woken by SetEvent, a thread's end, LeaveCriticalSection */
    int wake;           /* the park's outcome (PARK_*) */
};

static struct thread **threads;
static size_t thread_count, thread_cap;
static struct thread *current;
static DWORD next_id = THREAD_ID_STEP;
static bool tls_used[TLS_SLOTS];
/* Set by switch_out while unwinding, by resume while rewinding. */
static bool unwinding, rewinding;
/* The scheduler's own stack pointer (the bottom of every thread). */
static void *scheduler_sp;

/* Outside any thread (before the scheduler starts) there is a record for
 * the last error all the same. */
static struct thread bootstrap;

int *__ws_threads_last_error(void) {
    return current != NULL ? &current->last_error : &bootstrap.last_error;
}

static struct thread *find_thread_by_handle(HANDLE h) {
    /* GetCurrentThread's pseudo-handle. */
    if (h == GetCurrentThread()) return current;
    for (size_t i = 0; i < thread_count; i++)
        if (threads[i]->handle == h && threads[i]->handle_open) return threads[i];
    return NULL;
}

static size_t live_threads(void) {
    size_t n = 0;
    for (size_t i = 0; i < thread_count; i++)
        if (threads[i]->state != THREAD_FINISHED) n++;
    return n;
}

/* Only inside a thread: the scheduler itself never parks. True while a
 * thread is rewound (see switch_out). */
bool __ws_threads_others(void) {
    return rewinding || (current != NULL && live_threads() > 1);
}

bool __ws_threads_rewinding(void) {
    return rewinding;
}

/* A thread that ended and whose handle is closed is forgotten, so a
 * thread-per-client server's table (and every scheduler round) stays the
 * size of its live threads. threads[0], main, stays. */
static void reap(struct thread *t) {
    for (size_t i = 1; i < thread_count; i++)
        if (threads[i] == t) {
            memmove(&threads[i], &threads[i + 1], (thread_count - i - 1) * sizeof *threads);
            thread_count--;
            free(t);
            return;
        }
}

/* --- The switch. --- */

/* Leaves the running thread (its state already set); returns when the
 * scheduler resumes it. Not inlined: on a rewind it runs from its top and
 * ends the rewind (this is the one function that calls the asyncify
 * imports directly).
 *
 * Defensive rule: library branches on the way to a switch that read state
 * another thread changes also test `rewinding` (true from the scheduler's
 * start_rewind to the stop_rewind below), so that a rewound thread takes
 * the way it took when it left. During development one rewind took
 * another way in __ws_threads_yield and trapped; the guard fixed it and the
 * failure did not come back without it after later fixes, so its cause is
 * not pinned down (user code with such branches was tried and rewinds
 * correctly). Binaryen's asyncify-asserts cannot help: it fires on this
 * pattern (calls to the asyncify imports from C) at the first switch. */
__attribute__((noinline)) static void switch_out(void) {
    if (rewinding) {
        /* Resumed: the frames are back, the shadow stack pointer too. */
        rewinding = false;
        __ws_asyncify_stop_rewind();
        set_stack_pointer(current->saved_sp);
        return;
    }
    current->saved_sp = get_stack_pointer();
    current->unwind[0] = (uint32_t)(uintptr_t)current->unwind_data;
    current->unwind[1] = (uint32_t)(uintptr_t)(current->unwind_data + UNWIND_BUFFER_SIZE);
    unwinding = true;
    __ws_asyncify_start_unwind(current->unwind);
}

static void wake(struct thread *t, int outcome) {
    if (t->state != THREAD_PARKED) return;
    t->state = THREAD_RUNNABLE;
    t->wake = outcome;
}

int __ws_threads_park(const void *fds, size_t nfds, DWORD ms, bool object_wait) {
    struct thread *t = current;
    if (t == NULL) return PARK_READY;
    t->state = THREAD_PARKED;
    t->fds = (winsock_ws2_sockets_pollfd_t *)fds;
    t->nfds = nfds;
    t->deadline = ms == INFINITE ? ULLONG_MAX : GetTickCount64() + ms;
    t->object_wait = object_wait;
    t->wake = PARK_READY;
    switch_out();
    t->fds = NULL;
    t->nfds = 0;
    return t->wake;
}

void __ws_threads_yield(void) {
    if (!rewinding && (current == NULL || live_threads() < 2)) return;
    current->state = THREAD_RUNNABLE;
    switch_out();
}

void __ws_threads_notify_objects(void) {
    for (size_t i = 0; i < thread_count; i++)
        if (threads[i]->object_wait) wake(threads[i], PARK_READY);
}

void __ws_threads_socket_closed(unsigned int s) {
    for (size_t i = 0; i < thread_count; i++) {
        struct thread *t = threads[i];
        if (t->state != THREAD_PARKED || t == current) continue;
        for (size_t j = 0; j < t->nfds; j++)
            if (t->fds[j].fd == s) {
                wake(t, PARK_INTERRUPTED);
                break;
            }
    }
}

void __ws_threads_interrupt_all(void) {
    for (size_t i = 0; i < thread_count; i++)
        if (threads[i] != current) wake(threads[i], PARK_INTERRUPTED);
}

/* --- The scheduler. --- */

static void finish(struct thread *t, DWORD code) {
    t->state = THREAD_FINISHED;
    t->exit_code = code;
    free(t->stack);
    t->stack = NULL;
    free(t->unwind_data);
    t->unwind_data = NULL;
    __ws_events_signal_thread_object(t->handle);
    __ws_threads_notify_objects();
}

/* The sockets every parked thread waits on, in thread order (NULL when
 * none or out of memory); *count their number. */
static winsock_ws2_sockets_pollfd_t *parked_interest(size_t *count) {
    size_t total = 0;
    for (size_t i = 0; i < thread_count; i++)
        if (threads[i]->state == THREAD_PARKED) total += threads[i]->nfds;
    *count = 0;
    if (total == 0) return NULL;
    winsock_ws2_sockets_pollfd_t *all = malloc(total * sizeof *all);
    if (all == NULL) return NULL;
    for (size_t i = 0; i < thread_count; i++)
        if (threads[i]->state == THREAD_PARKED)
            for (size_t j = 0; j < threads[i]->nfds; j++) all[(*count)++] = threads[i]->fds[j];
    return all;
}

/* One WSAPoll over `all` (from parked_interest) with `timeout` (ms, -1:
 * none), then the threads it concerns are runnable: those whose sockets
 * answered; every one when a handle went away (each meets the error in
 * its own call); every one with PARK_INTERRUPTED after a host cleanup,
 * which shows as WSAEINTR or as the sockets' reset (docs/teardown.md and docs/async.md: the calls
 * that were pending fail WSAEINTR; sockets exist only after WSAStartup,
 * so "not started now" means a cleanup came). False when nothing woke. */
static bool poll_and_wake(winsock_ws2_sockets_pollfd_t *all, size_t n, int timeout) {
    winsock_ws2_sockets_list_pollfd_t list = { all, n };
    imports_list_s16_t revents = { NULL, 0 };
    winsock_ws2_types_error_code_t err;
    bool ok = winsock_ws2_sockets_wsapoll(&list, timeout, &revents, &err);
    bool any = !ok;
    for (size_t k = 0; ok && k < revents.len; k++) any |= revents.ptr[k] != 0;
    if (any && (!ok ? winsock_ws2_lifecycle_error_number(err) == WSAEINTR || !__ws_started() : !__ws_started())) {
        if (ok) imports_list_s16_free(&revents);
        for (size_t i = 0; i < thread_count; i++) wake(threads[i], PARK_INTERRUPTED);
        return true;
    }
    if (!ok) {
        for (size_t i = 0; i < thread_count; i++) wake(threads[i], PARK_READY);
        return true;
    }
    size_t k = 0;
    for (size_t i = 0; i < thread_count; i++) {
        struct thread *t = threads[i];
        if (t->state != THREAD_PARKED) continue;
        bool ready = false;
        for (size_t j = 0; j < t->nfds; j++, k++)
            if (k < revents.len && revents.ptr[k] != 0) ready = true;
        if (ready) wake(t, PARK_READY);
    }
    imports_list_s16_free(&revents);
    return any;
}

static void wake_expired(void) {
    ULONGLONG now = GetTickCount64();
    for (size_t i = 0; i < thread_count; i++)
        if (threads[i]->state == THREAD_PARKED && threads[i]->deadline <= now) wake(threads[i], PARK_TIMEOUT);
}

/* Every thread is parked: one host wait over everything they wait on, up
 * to the nearest deadline; then the threads it concerns are runnable. */
static void wait_in_host(void) {
    ULONGLONG deadline = ULLONG_MAX;
    bool anything = false;
    size_t total = 0;
    for (size_t i = 0; i < thread_count; i++) {
        struct thread *t = threads[i];
        if (t->state != THREAD_PARKED) continue;
        total += t->nfds;
        if (t->deadline < deadline) deadline = t->deadline;
        if (t->nfds || t->deadline != ULLONG_MAX) anything = true;
    }
    if (!anything) {
        /* Nothing any thread waits on can ever happen (on Windows the
         * program would hang): the waits fail ERROR_POSSIBLE_DEADLOCK, as
         * a single-threaded INFINITE wait on nothing does here. */
        for (size_t i = 0; i < thread_count; i++) wake(threads[i], PARK_DEADLOCK);
        return;
    }
    ULONGLONG now = GetTickCount64();
    DWORD ms = deadline == ULLONG_MAX ? INFINITE : deadline <= now ? 0 : (DWORD)(deadline - now);
    size_t n;
    winsock_ws2_sockets_pollfd_t *all = parked_interest(&n);
    if (all == NULL) {
        /* Only deadlines, or no memory for the list (then look again
         * soon). A host cleanup ends the pause (docs/teardown.md). */
        if (!__ws_pause(total == 0 ? ms : ms > 100 ? 100 : ms)) {
            for (size_t i = 0; i < thread_count; i++) wake(threads[i], PARK_INTERRUPTED);
            return;
        }
    } else {
        poll_and_wake(all, n, ms == INFINITE ? -1 : ms > INT_MAX ? INT_MAX : (int)ms);
    }
    free(all);
    wake_expired();
}

/* A zero-timeout look at what parked threads wait on, so threads that keep
 * yielding do not starve the ones waiting on sockets. */
static void poll_parked(void) {
    bool parked = false;
    for (size_t i = 0; i < thread_count && !parked; i++) parked = threads[i]->state == THREAD_PARKED;
    if (!parked) return; /* threads that only yield: no clock read */
    wake_expired();
    size_t n;
    winsock_ws2_sockets_pollfd_t *all = parked_interest(&n);
    if (n != 0) poll_and_wake(all, n, 0);
    free(all);
}

static struct thread *next_runnable(size_t *cursor) {
    for (size_t k = 0; k < thread_count; k++) {
        size_t i = (*cursor + k) % thread_count;
        struct thread *t = threads[i];
        if ((t->state == THREAD_NEW || t->state == THREAD_RUNNABLE) && t->suspend_count == 0) {
            *cursor = i + 1;
            return t;
        }
    }
    return NULL;
}

/* The bottom of every thread; left uninstrumented by winsock-cc's
 * Asyncify step (its remove-list names it), so an unwind ends here. */
__attribute__((noinline)) int __ws_threads_run(void) {
    size_t cursor = 0;
    scheduler_sp = get_stack_pointer();
    for (;;) {
        if (cursor >= thread_count) poll_parked();
        struct thread *t = next_runnable(&cursor);
        if (t == NULL) {
            cursor = 0;
            bool any = false;
            for (size_t i = 0; i < thread_count; i++) any |= threads[i]->state == THREAD_PARKED;
            if (!any) return 0; /* not reached: the last thread's end returns */
            wait_in_host();
            continue;
        }
        current = t;
        DWORD code;
        if (t->state == THREAD_NEW) {
            t->state = THREAD_RUNNABLE;
            set_stack_pointer(t->stack_top);
            code = t->start(t->arg);
        } else {
            rewinding = true;
            __ws_asyncify_start_rewind(t->unwind);
            code = t->start(t->arg);
        }
        bool switched = unwinding;

        if (switched) {
            unwinding = false;
            __ws_asyncify_stop_unwind();
        }
        set_stack_pointer(scheduler_sp);
        current = NULL;
        /* Parked or yielding: resumed later. Returned or ExitThread: ends. */
        if (switched && !t->exiting) continue;
        if (t->exiting) code = t->exit_code;
        bool main_thread = t == threads[0];
        bool returned = !t->exiting;
        finish(t, code);
        /* Returning from main ends the process, whatever other threads do
         * (the C runtime calls exit, as on Windows). After ExitThread in
         * main the others run on, and the last thread's exit code is the
         * process's. */
        if (main_thread && returned) return (int)code;
        if (live_threads() == 0) return (int)code;
        if (t->close_at_end && t->handle_open) {
            __ws_events_close_thread_object(t->handle);
            t->handle_open = false;
        }
        if (!main_thread && !t->handle_open) reap(t);
    }
}

static struct thread *new_thread(LPTHREAD_START_ROUTINE start, void *arg, SIZE_T stack_size, DWORD *error) {
    struct thread *t = calloc(1, sizeof *t);
    if (t == NULL) {
        *error = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    if (thread_count == thread_cap) {
        size_t cap = thread_cap ? thread_cap * 2 : 8;
        struct thread **grown = realloc(threads, cap * sizeof *grown);
        if (grown == NULL) {
            free(t);
            *error = ERROR_NOT_ENOUGH_MEMORY;
            return NULL;
        }
        threads = grown;
        thread_cap = cap;
    }
    t->unwind_data = malloc(UNWIND_BUFFER_SIZE);
    t->handle = __ws_events_new_thread_object();
    if (t->unwind_data == NULL || t->handle == NULL) {
        free(t->unwind_data);
        free(t);
        *error = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    {
        size_t size = stack_size == 0 ? DEFAULT_STACK_SIZE : stack_size < MIN_STACK_SIZE ? MIN_STACK_SIZE : stack_size;
        size = (size + 15u) & ~(size_t)15u;
        t->stack = aligned_alloc(16, size);
        if (t->stack == NULL) {
            free(t->unwind_data);
            __ws_events_close_thread_object(t->handle);
            free(t);
            *error = ERROR_NOT_ENOUGH_MEMORY;
            return NULL;
        }
        t->stack_top = t->stack + size;
    }
    t->id = next_id;
    next_id += THREAD_ID_STEP;
    t->handle_open = true;
    t->state = THREAD_NEW;
    t->start = start;
    t->arg = arg;
    t->exit_code = STILL_ACTIVE;
    t->deadline = ULLONG_MAX;
    threads[thread_count++] = t;
    return t;
}

extern int __main_void(void);

static DWORD WINAPI main_thread(LPVOID unused) {
    (void)unused;
    return (DWORD)__main_void();
}

int __ws_threads_main(void) {
    DWORD error;
    /* The main thread gets a stack of its own too: the scheduler's calls
     * (host waits, frees) use the program's stack while main is parked,
     * and would overwrite main's frames there. */
    struct thread *t = new_thread(main_thread, NULL, MAIN_STACK_SIZE, &error);
    if (t == NULL) return 1;
    t->last_error = bootstrap.last_error;
    return __ws_threads_run();
}

/* --- The Win32 thread API. --- */

HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
                           LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter, DWORD dwCreationFlags,
                           LPDWORD lpThreadId) {
    DWORD error;
    (void)lpThreadAttributes; /* nothing inherits handles here */
    if (lpStartAddress == NULL) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    struct thread *t = new_thread(lpStartAddress, lpParameter, dwStackSize, &error);
    if (t == NULL) {
        SetLastError(error);
        return NULL;
    }
    /* It runs once ResumeThread brings its count to 0. */
    if (dwCreationFlags & CREATE_SUSPENDED) t->suspend_count = 1;
    if (lpThreadId != NULL) *lpThreadId = t->id;
    return t->handle;
}

struct beginthreadex_start {
    unsigned(__stdcall *start)(void *);
    void *arg;
};

static DWORD WINAPI beginthreadex_trampoline(LPVOID p) {
    struct beginthreadex_start s = *(struct beginthreadex_start *)p;
    free(p);
    return s.start(s.arg);
}

uintptr_t __cdecl _beginthreadex(void *security, unsigned stack_size, unsigned(__stdcall *start_address)(void *),
                                 void *arglist, unsigned initflag, unsigned *thrdaddr) {
    if (start_address == NULL) {
        errno = EINVAL;
        return 0;
    }
    struct beginthreadex_start *s = malloc(sizeof *s);
    if (s == NULL) {
        errno = ENOMEM;
        return 0;
    }
    s->start = start_address;
    s->arg = arglist;
    DWORD id = 0;
    HANDLE h = CreateThread(security, stack_size, beginthreadex_trampoline, s, initflag, &id);
    if (h == NULL) {
        free(s);
        errno = GetLastError() == ERROR_NOT_ENOUGH_MEMORY ? ENOMEM : EINVAL;
        return 0;
    }
    if (thrdaddr != NULL) *thrdaddr = id;
    return (uintptr_t)h;
}

struct beginthread_start {
    void(__cdecl *start)(void *);
    void *arg;
};

static DWORD WINAPI beginthread_trampoline(LPVOID p) {
    struct beginthread_start s = *(struct beginthread_start *)p;
    free(p);
    s.start(s.arg);
    return 0;
}

/* The older C runtime call: -1 on failure, and the handle is closed when
 * the thread ends (so it is only good while the thread runs). */
uintptr_t __cdecl _beginthread(void(__cdecl *start_address)(void *), unsigned stack_size, void *arglist) {
    if (start_address == NULL) {
        errno = EINVAL;
        return (uintptr_t)-1;
    }
    struct beginthread_start *s = malloc(sizeof *s);
    if (s == NULL) {
        errno = ENOMEM;
        return (uintptr_t)-1;
    }
    s->start = start_address;
    s->arg = arglist;
    HANDLE h = CreateThread(NULL, stack_size, beginthread_trampoline, s, 0, NULL);
    if (h == NULL) {
        free(s);
        errno = ENOMEM;
        return (uintptr_t)-1;
    }
    find_thread_by_handle(h)->close_at_end = true;
    return (uintptr_t)h;
}

void __cdecl _endthread(void) {
    ExitThread(0);
}

void WINAPI ExitThread(DWORD dwExitCode) {
    if (current == NULL) exit((int)dwExitCode);
    current->exiting = true;
    current->exit_code = dwExitCode;
    current->state = THREAD_RUNNABLE;
    switch_out(); /* never resumed */
    __builtin_unreachable();
}

void __cdecl _endthreadex(unsigned retval) {
    ExitThread(retval);
}

DWORD WINAPI GetCurrentThreadId(void) {
    return current != NULL ? current->id : THREAD_ID_STEP;
}

BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode) {
    struct thread *t = find_thread_by_handle(hThread);
    if (t == NULL) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    if (lpExitCode == NULL || !__ws_in_memory(lpExitCode, sizeof *lpExitCode)) {
        SetLastError(ERROR_NOACCESS);
        return FALSE;
    }
    *lpExitCode = t->state == THREAD_FINISHED ? t->exit_code : STILL_ACTIVE;
    return TRUE;
}

void __ws_threads_handle_closed(HANDLE h) {
    if (h == GetCurrentThread()) return;
    struct thread *t = find_thread_by_handle(h);
    if (t == NULL) return;
    t->handle_open = false;
    if (t->state == THREAD_FINISHED && t != threads[0]) reap(t);
}

DWORD WINAPI ResumeThread(HANDLE hThread) {
    struct thread *t = find_thread_by_handle(hThread);
    if (t == NULL) {
        SetLastError(ERROR_INVALID_HANDLE);
        return (DWORD)-1;
    }
    DWORD previous = t->suspend_count;
    if (previous > 0) t->suspend_count--;
    return previous;
}

/* Another thread stops before its next turn; the calling thread stops at
 * once (until another thread resumes it). */
DWORD WINAPI SuspendThread(HANDLE hThread) {
    struct thread *t = find_thread_by_handle(hThread);
    if (t == NULL || t->state == THREAD_FINISHED) {
        SetLastError(ERROR_INVALID_HANDLE);
        return (DWORD)-1;
    }
    DWORD previous = t->suspend_count++;
    if (t == current || rewinding) {
        current->state = THREAD_RUNNABLE;
        switch_out();
    }
    return previous;
}

BOOL WINAPI SetThreadPriority(HANDLE hThread, int nPriority) {
    (void)nPriority; /* one scheduler, no priorities */
    if (find_thread_by_handle(hThread) == NULL) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    return TRUE;
}

int WINAPI GetThreadPriority(HANDLE hThread) {
    if (find_thread_by_handle(hThread) == NULL) {
        SetLastError(ERROR_INVALID_HANDLE);
        return THREAD_PRIORITY_ERROR_RETURN;
    }
    return THREAD_PRIORITY_NORMAL;
}

BOOL WINAPI SwitchToThread(void) {
    bool others = false;
    for (size_t i = 0; i < thread_count; i++)
        if (threads[i] != current && (threads[i]->state == THREAD_RUNNABLE || threads[i]->state == THREAD_NEW) &&
            threads[i]->suspend_count == 0)
            others = true;
    __ws_threads_yield();
    return others;
}

/* --- Critical sections: cooperative, so Enter parks while another thread
 * owns the section; the owner may enter again (recursion). --- */

void WINAPI InitializeCriticalSection(LPCRITICAL_SECTION cs) {
    memset(cs, 0, sizeof *cs);
}

BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION cs, DWORD spin) {
    InitializeCriticalSection(cs);
    cs->SpinCount = spin;
    return TRUE;
}

BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION cs) {
    HANDLE me = (HANDLE)(uintptr_t)GetCurrentThreadId();
    if (cs->RecursionCount > 0 && cs->OwningThread != me) return FALSE;
    cs->OwningThread = me;
    cs->RecursionCount++;
    return TRUE;
}

void WINAPI EnterCriticalSection(LPCRITICAL_SECTION cs) {
    /* A rewound thread goes back into its park (see switch_out). A section
     * nobody can leave (its owner ended, or waits for nothing that can
     * come) blocks its waiters for ever, as on Windows; they then look
     * again every second, sleeping in the host meanwhile, not spinning. */
    DWORD ms = INFINITE;
    while (rewinding || !TryEnterCriticalSection(cs))
        if (__ws_threads_park(NULL, 0, ms, true) == PARK_DEADLOCK) ms = 1000;
}

void WINAPI LeaveCriticalSection(LPCRITICAL_SECTION cs) {
    if (cs->RecursionCount <= 0 || cs->OwningThread != (HANDLE)(uintptr_t)GetCurrentThreadId()) return;
    if (--cs->RecursionCount == 0) {
        cs->OwningThread = NULL;
        /* Whoever waits for it looks again. */
        __ws_threads_notify_objects();
    }
}

void WINAPI DeleteCriticalSection(LPCRITICAL_SECTION cs) {
    memset(cs, 0, sizeof *cs);
}

/* --- Thread-local storage. --- */

DWORD WINAPI TlsAlloc(void) {
    for (DWORD i = 0; i < TLS_SLOTS; i++)
        if (!tls_used[i]) {
            tls_used[i] = true;
            for (size_t k = 0; k < thread_count; k++) threads[k]->tls[i] = NULL;
            bootstrap.tls[i] = NULL;
            return i;
        }
    SetLastError(ERROR_NO_MORE_ITEMS);
    return TLS_OUT_OF_INDEXES;
}

static void **tls_slot(DWORD index) {
    if (index >= TLS_SLOTS || !tls_used[index]) return NULL;
    return current != NULL ? &current->tls[index] : &bootstrap.tls[index];
}

LPVOID WINAPI TlsGetValue(DWORD dwTlsIndex) {
    void **slot = tls_slot(dwTlsIndex);
    if (slot == NULL) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    /* Windows clears the last error on success, so that a NULL value can
     * be told from a failure. */
    SetLastError(ERROR_SUCCESS);
    return *slot;
}

BOOL WINAPI TlsSetValue(DWORD dwTlsIndex, LPVOID lpTlsValue) {
    void **slot = tls_slot(dwTlsIndex);
    if (slot == NULL) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    *slot = lpTlsValue;
    return TRUE;
}

BOOL WINAPI TlsFree(DWORD dwTlsIndex) {
    if (dwTlsIndex >= TLS_SLOTS || !tls_used[dwTlsIndex]) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    tls_used[dwTlsIndex] = false;
    return TRUE;
}

#else /* !__WS_THREADS */

/* --- Programs that never create a thread (no CreateThread or
 * _beginthreadex, no -pthread) link this: one thread, no Asyncify, and
 * only what they call of it. --- */

#define MAIN_THREAD_ID 4u
#define TLS_SLOTS 64

static bool tls_used[TLS_SLOTS];
static void *tls_values[TLS_SLOTS];

/* The only thread ending ends the program with its code, as on Windows. */
void WINAPI ExitThread(DWORD dwExitCode) {
    exit((int)dwExitCode);
}

void __cdecl _endthreadex(unsigned retval) {
    exit((int)retval);
}

void __cdecl _endthread(void) {
    exit(0);
}

DWORD WINAPI GetCurrentThreadId(void) {
    return MAIN_THREAD_ID;
}

/* No thread handle can exist. */
BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode) {
    (void)hThread, (void)lpExitCode;
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
}

BOOL WINAPI SwitchToThread(void) {
    return FALSE;
}

/* Only the pseudo-handle names a thread here. */
DWORD WINAPI ResumeThread(HANDLE hThread) {
    if (hThread == GetCurrentThread()) return 0;
    SetLastError(ERROR_INVALID_HANDLE);
    return (DWORD)-1;
}

/* The only thread cannot stop: nobody could resume it. */
DWORD WINAPI SuspendThread(HANDLE hThread) {
    (void)hThread;
    SetLastError(hThread == GetCurrentThread() ? ERROR_POSSIBLE_DEADLOCK : ERROR_INVALID_HANDLE);
    return (DWORD)-1;
}

BOOL WINAPI SetThreadPriority(HANDLE hThread, int nPriority) {
    (void)nPriority;
    if (hThread == GetCurrentThread()) return TRUE;
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
}

int WINAPI GetThreadPriority(HANDLE hThread) {
    if (hThread == GetCurrentThread()) return THREAD_PRIORITY_NORMAL;
    SetLastError(ERROR_INVALID_HANDLE);
    return THREAD_PRIORITY_ERROR_RETURN;
}

void WINAPI InitializeCriticalSection(LPCRITICAL_SECTION cs) {
    memset(cs, 0, sizeof *cs);
}

BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION cs, DWORD spin) {
    InitializeCriticalSection(cs);
    cs->SpinCount = spin;
    return TRUE;
}

/* One thread: the section is always free or already its own. */
BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION cs) {
    cs->OwningThread = (HANDLE)(uintptr_t)MAIN_THREAD_ID;
    cs->RecursionCount++;
    return TRUE;
}

void WINAPI EnterCriticalSection(LPCRITICAL_SECTION cs) {
    TryEnterCriticalSection(cs);
}

void WINAPI LeaveCriticalSection(LPCRITICAL_SECTION cs) {
    if (cs->RecursionCount > 0 && --cs->RecursionCount == 0) cs->OwningThread = NULL;
}

void WINAPI DeleteCriticalSection(LPCRITICAL_SECTION cs) {
    memset(cs, 0, sizeof *cs);
}

DWORD WINAPI TlsAlloc(void) {
    for (DWORD i = 0; i < TLS_SLOTS; i++)
        if (!tls_used[i]) {
            tls_used[i] = true;
            tls_values[i] = NULL;
            return i;
        }
    SetLastError(ERROR_NO_MORE_ITEMS);
    return TLS_OUT_OF_INDEXES;
}

LPVOID WINAPI TlsGetValue(DWORD dwTlsIndex) {
    if (dwTlsIndex >= TLS_SLOTS || !tls_used[dwTlsIndex]) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    SetLastError(ERROR_SUCCESS);
    return tls_values[dwTlsIndex];
}

BOOL WINAPI TlsSetValue(DWORD dwTlsIndex, LPVOID lpTlsValue) {
    if (dwTlsIndex >= TLS_SLOTS || !tls_used[dwTlsIndex]) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    tls_values[dwTlsIndex] = lpTlsValue;
    return TRUE;
}

BOOL WINAPI TlsFree(DWORD dwTlsIndex) {
    if (dwTlsIndex >= TLS_SLOTS || !tls_used[dwTlsIndex]) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    tls_used[dwTlsIndex] = false;
    return TRUE;
}

#endif /* __WS_THREADS */
