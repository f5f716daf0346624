/*
 * What the library's files share: the last error (SPEC 1, 7) and the checks
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

/* WSAEventSelect's hooks into the socket calls (events.c; SPEC 11). Each
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

#endif
