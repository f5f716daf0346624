/*
 * Winsock's select() and its fd_set (docs/surface.md), shared by <winsock2.h> and this
 * project's <sys/select.h>. Legacy code includes POSIX headers beside
 * winsock2.h, and wasi-libc's <sys/types.h> and <sys/time.h> pull in
 * <sys/select.h> with a different fd_set; here they all name this one, in
 * either order, as MinGW's headers do on Windows.
 */
#ifndef _WINSOCK_SELECT_H
#define _WINSOCK_SELECT_H

#ifdef __cplusplus
extern "C" {
#endif

/* struct timeval: wasi-libc's, which every libc header defines with 64-bit
 * fields (16 bytes, where Windows has two 32-bit longs). Field names and use
 * are the same; redefining it would break libc's own users of the type. */
#if defined(__wasi__)
#include <__struct_timeval.h>
#elif defined(__GLIBC__)
#include <bits/types/struct_timeval.h>
#else
/* Only the native fuzz build of the library's address text comes here. */
struct timeval {
    long tv_sec;
    long tv_usec;
};
#endif

/* A program may define FD_SETSIZE larger before the first include (docs/surface.md). */
#ifndef FD_SETSIZE
#define FD_SETSIZE 64
#endif

/* A count and an array of handles (SOCKET is an unsigned 32-bit handle). */
typedef struct fd_set {
    unsigned int fd_count;
    unsigned int fd_array[FD_SETSIZE];
} fd_set, FD_SET, *PFD_SET, *LPFD_SET;

int __WSAFDIsSet(unsigned int fd, fd_set *set);

/* FD_SET adds a handle only once, and only while there is room (docs/surface.md). */
#define FD_SET(fd, set) do { \
    fd_set *__ws_set = (fd_set *)(set); \
    unsigned int __ws_fd = (unsigned int)(fd); \
    unsigned int __ws_i; \
    for (__ws_i = 0; __ws_i < __ws_set->fd_count; __ws_i++) \
        if (__ws_set->fd_array[__ws_i] == __ws_fd) break; \
    if (__ws_i == __ws_set->fd_count && __ws_set->fd_count < FD_SETSIZE) \
        __ws_set->fd_array[__ws_set->fd_count++] = __ws_fd; \
} while (0)

/* FD_CLR removes the handle and closes the gap, keeping the order. */
#define FD_CLR(fd, set) do { \
    fd_set *__ws_set = (fd_set *)(set); \
    unsigned int __ws_fd = (unsigned int)(fd); \
    unsigned int __ws_i; \
    for (__ws_i = 0; __ws_i < __ws_set->fd_count; __ws_i++) { \
        if (__ws_set->fd_array[__ws_i] == __ws_fd) { \
            for (; __ws_i + 1 < __ws_set->fd_count; __ws_i++) \
                __ws_set->fd_array[__ws_i] = __ws_set->fd_array[__ws_i + 1]; \
            __ws_set->fd_count--; \
            break; \
        } \
    } \
} while (0)

#define FD_ZERO(set) (((fd_set *)(set))->fd_count = 0)
#define FD_ISSET(fd, set) __WSAFDIsSet((unsigned int)(fd), (fd_set *)(set))

/* Winsock's select: nfds is ignored; the sets are compacted to the ready
 * handles; returns their total (docs/surface.md). */
int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, const struct timeval *timeout);

#ifdef __cplusplus
}
#endif

#endif /* _WINSOCK_SELECT_H */
