/*
 * <sys/select.h> for winsock-wasm guests. wasi-libc's own (an fd_set of C
 * file descriptors) is pulled in by <sys/types.h> and <sys/time.h>, which
 * legacy Winsock code includes beside <winsock2.h>; the two fd_sets cannot
 * coexist, so every program here sees Winsock's (docs/surface.md), as a Windows
 * program would. select() works on sockets only, as on Windows.
 */
#ifndef _SYS_SELECT_H
#define _SYS_SELECT_H

#include <features.h>

#if defined(__wasi__)
/* What POSIX says <sys/select.h> makes visible besides fd_set. */
#define __NEED_size_t
#define __NEED_time_t
#define __NEED_suseconds_t
#define __NEED_struct_timeval
#define __NEED_struct_timespec
#define __NEED_sigset_t
#include <bits/alltypes.h>
#endif

#include <_winsock_select.h>

#endif /* _SYS_SELECT_H */
