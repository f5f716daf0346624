/*
 * <string.h> for winsock-wasm guests: wasi-libc's, plus the Microsoft C
 * runtime's string functions that Windows code calls (guest/c/lib/crt.c).
 */
#ifndef _WINSOCK_WASM_STRING_H
#define _WINSOCK_WASM_STRING_H

#include_next <string.h>
#include <_winsock_crt.h>

#ifdef __cplusplus
extern "C" {
#endif
/* strerror's text for errnum into buf (truncated, always terminated);
 * EINVAL for a NULL buffer or size 0, ERANGE when it was cut. */
errno_t strerror_s(char *buf, size_t size, int errnum);
char *_strdup(const char *s);
int _stricmp(const char *a, const char *b);
int _strnicmp(const char *a, const char *b, size_t n);
#define _strcmpi _stricmp
#define stricmp _stricmp
#define strnicmp _strnicmp
#ifdef __cplusplus
}
#endif

#endif /* _WINSOCK_WASM_STRING_H */
