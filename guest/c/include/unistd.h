/*
 * <unistd.h> for winsock-wasm guests: wasi-libc's, except gethostname,
 * which is Winsock's here (`int gethostname(char *, int)`, docs/surface.md): legacy
 * Winsock code includes <unistd.h> beside <winsock2.h>, as MinGW allows.
 */
#ifndef _WINSOCK_WASM_UNISTD_H
#define _WINSOCK_WASM_UNISTD_H

#define gethostname __wasilibc_gethostname
#include_next <unistd.h>
#undef gethostname

#ifdef __cplusplus
extern "C" {
#endif
int gethostname(char *name, int namelen);
#ifdef __cplusplus
}
#endif

#endif /* _WINSOCK_WASM_UNISTD_H */
