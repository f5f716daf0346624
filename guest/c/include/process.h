/*
 * process.h for winsock-wasm guests: what of it a sandboxed program can
 * honestly have. getpid is wasi-libc's emulation (a fixed number: a
 * component has no process id). _beginthreadex/_endthreadex are
 * CreateThread/ExitThread's (cooperative green threads, see windows.h).
 */
#ifndef _INC_PROCESS
#define _INC_PROCESS

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

#define _getpid getpid

/* 0 and errno on failure (EINVAL, ENOMEM), as the C runtime's. */
uintptr_t __cdecl _beginthreadex(void *security, unsigned stack_size, unsigned(__stdcall *start_address)(void *),
                                 void *arglist, unsigned initflag, unsigned *thrdaddr);
void __cdecl _endthreadex(unsigned retval);
/* -1 and errno on failure; the handle is closed when the thread ends. */
uintptr_t __cdecl _beginthread(void(__cdecl *start_address)(void *), unsigned stack_size, void *arglist);
void __cdecl _endthread(void);

#ifdef __cplusplus
}
#endif

#endif /* _INC_PROCESS */
