/*
 * <time.h> for winsock-wasm guests: wasi-libc's, plus the Microsoft C
 * runtime's secure forms (guest/c/lib/crt.c). The sandbox has no time zone:
 * local time is UTC.
 */
#ifndef _WINSOCK_WASM_TIME_H
#define _WINSOCK_WASM_TIME_H

#include_next <time.h>
#include <_winsock_crt.h>

#ifdef __cplusplus
extern "C" {
#endif
/* Microsoft's argument order (result first); 0 or EINVAL. */
errno_t gmtime_s(struct tm *result, const time_t *timer);
errno_t localtime_s(struct tm *result, const time_t *timer);
#ifdef __cplusplus
}
#endif

#endif /* _WINSOCK_WASM_TIME_H */
