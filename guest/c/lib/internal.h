/*
 * What the library's files share: the last error (docs/lifecycle.md and docs/surface.md) and the checks
 * of guest pointers (WSAEFAULT instead of a trap). Reserved names, so no
 * program's own functions collide with them.
 */
#ifndef WINSOCK_WASM_INTERNAL_H
#define WINSOCK_WASM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

/* Sets the last error to 0 and returns `result`. */
int __ws_succeed(int result);
/* Sets the last error to `code` and returns SOCKET_ERROR. */
int __ws_fail(int code);
/* Whether [ptr, ptr+len) lies in linear memory (NULL only when len is 0). */
int __ws_in_memory(const void *ptr, size_t len);
/* Whether `s` is a NUL-terminated string inside linear memory. */
bool __ws_string_ok(const char *s);

struct sockaddr;
/* WSAAddressToString's text of a sockaddr (addr.c): the length without the
 * terminator, written only when it fits in cap; -1 for another family. */
int __ws_address_text(const struct sockaddr *sa, char *out, size_t cap);
/* WSAStringToAddress's parse (addr.c): 1 and a zeroed sockaddr of the
 * family filled in, or 0. `out` has room for a SOCKADDR_IN6. */
int __ws_parse_address_text(const char *s, int family, struct sockaddr *out);

/* Whether WSAStartup has been called (winsock.c). */
bool __ws_started(void);

/* WSAEventSelect's hooks into the socket calls (events.c; docs/async.md). Each
 * leaves the last error as the call set it. */
/* Whether `s` has a WSAEventSelect selection (FIONBIO 0 then fails). */
bool __ws_events_selected(unsigned int s);
/* A re-enabling call ran on `s` (recv: FD_READ or FD_OOB, accept:
 * FD_ACCEPT, a send that failed WSAEWOULDBLOCK: FD_WRITE): the event is
 * armed again and recorded at once if its condition already holds. */
void __ws_events_reenable(unsigned int s, long events);
/* accept(listener) returned `accepted`: it inherits the selection. */
void __ws_events_accepted(unsigned int listener, unsigned int accepted);
/* connect on `s` returned 0 or failed with `error`. */
void __ws_events_connect(unsigned int s, int error);
/* listen(s) succeeded. */
void __ws_events_listening(unsigned int s);
/* closesocket(s) released the handle: its selection goes. */
void __ws_events_closed(unsigned int s);
/* The final WSACleanup: every selection goes, no event is signalled. */
void __ws_events_cleanup(void);

/* Winsock 1.1 blocking hooks (hooks.c; docs/async.md). */
/* WSAStartup succeeded with this negotiated major version. */
void __ws_hooks_startup(int negotiated_major);
/* The final WSACleanup: the hook goes with the startup. */
void __ws_hooks_final_cleanup(void);
/* True (and the last error WSAEINPROGRESS) while a blocking call is
 * outstanding: every Winsock call but WSAIsBlocking and
 * WSACancelBlockingCall is refused from inside the hook. */
bool __ws_refused_while_blocking(void);
/* Whether blocking calls run the program's hook (a 1.x startup and a hook
 * set with WSASetBlockingHook). */
bool __ws_hook_installed(void);
/* Runs a blocking call with the hook: `attempt` tries it without blocking
 * and sets *again when it would have blocked; between tries the hook runs
 * and the library waits up to a short slice for `events` on `s` (0: no
 * socket, a pause). Ends with the attempt's result, WSAEINTR when
 * cancelled, or after timeout_ms (0: none) with timeout_error (0: a
 * result of 0, as select's timeout). */
int __ws_run_blocking(unsigned int s, short events, unsigned long timeout_ms, int timeout_error,
                      int (*attempt)(void *ctx, bool *again), void *ctx);

/* Waits `ms` in the host with nothing to watch (winsock.c); false when a
 * host-triggered cleanup ended it (WSAEINTR, docs/teardown.md). Before WSAStartup a
 * plain sleep. */
bool __ws_pause(unsigned long ms);
/* The program's sockets (winsock.c): WSAEventSelect made `s` nonblocking. */
void __ws_socket_nonblocking(unsigned int s);

/* Overlapped I/O (overlapped.c; docs/async.md). Types from <winsock2.h>, so only
 * for files that include it. */
#ifdef _WINSOCK2API_
/* WSASend/WSARecv/WSASendTo/WSARecvFrom with an lpOverlapped or a
 * completion routine: 0 when done at once, else SOCKET_ERROR and
 * WSA_IO_PENDING (or the error). */
int __ws_overlapped_issue(SOCKET s, bool sending, LPWSABUF buffers, DWORD count, LPDWORD bytes, DWORD flags,
                          struct sockaddr *from, LPINT fromlen, const struct sockaddr *to, int tolen,
                          LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine);
/* closesocket(s) succeeded: its operations end WSA_OPERATION_ABORTED, and
 * are reported (events set, routines queued). */
void __ws_overlapped_closed(SOCKET s);
/* The final cleanup: every operation ends WSA_OPERATION_ABORTED, reported
 * to nobody. */
void __ws_overlapped_final_cleanup(void);
/* Tries the operations whose sockets are ready (never waits). */
void __ws_overlapped_progress(void);
/* Whether an operation is pending; whether one pending with this event
 * (and no routine) may still set it. */
bool __ws_overlapped_pending(void);
bool __ws_overlapped_may_signal(HANDLE event);
/* Completion routines: queued ones (run them in an alertable wait), and
 * whether a pending operation has one. */
bool __ws_routines_queued(void);
bool __ws_routines_may_come(void);
void __ws_run_routines(void);
#endif
#ifdef __BINDINGS_IMPORTS_H
/* The sockets (and events) pending operations wait on, for a wait's poll. */
size_t __ws_overlapped_interest(winsock_ws2_sockets_pollfd_t *fds, size_t cap);
#endif

/* Threads (threads.c, only in the library of programs that use threads,
 * built with __WS_THREADS; docs/async.md). */
#define PARK_READY 0       /* something waited for may have happened: look again */
#define PARK_TIMEOUT 1     /* the deadline passed */
#define PARK_INTERRUPTED 2 /* closesocket of a socket waited on, the final or a host cleanup: WSAEINTR */
#define PARK_DEADLOCK 3    /* every thread waits on something nothing can bring */
#ifdef __WS_THREADS
/* The running thread's last error. */
int *__ws_threads_last_error(void);
/* Whether a thread other than the running one exists (blocking calls then
 * park their thread instead of blocking in the host). */
bool __ws_threads_others(void);
/* Parks the running thread until one of `fds` (pollfd records of the
 * imports) is ready, `ms` pass (INFINITE: no deadline) or, with
 * object_wait, another thread sets an event, ends or leaves a critical
 * section; returns PARK_*. `fds` must stay valid until it returns. */
int __ws_threads_park(const void *fds, size_t nfds, unsigned long ms, bool object_wait);
/* Whether the running thread is being rewound into its last switch: a
 * branch on the way to a park that reads state other threads change
 * must take its earlier way then (threads.c, switch_out). */
bool __ws_threads_rewinding(void);
/* Lets the other runnable threads run (Sleep(0), SwitchToThread). */
void __ws_threads_yield(void);
/* An event was set or a thread ended: threads in object waits look again. */
void __ws_threads_notify_objects(void);
/* closesocket(s) from some thread: the threads parked on it fail WSAEINTR. */
void __ws_threads_socket_closed(unsigned int s);
/* The final WSACleanup: every other parked thread fails WSAEINTR. */
void __ws_threads_interrupt_all(void);
/* The program's last CloseHandle of a thread handle (events.c). */
void __ws_threads_handle_closed(void *h);
/* Runs main as the first thread under the scheduler; main's result. */
int __ws_threads_main(void);
/* Thread handles are event-table objects that only the thread's end sets
 * (events.c): waits work on them unchanged. */
void *__ws_events_new_thread_object(void);
void __ws_events_signal_thread_object(void *h);
void __ws_events_close_thread_object(void *h);
#endif

#endif
