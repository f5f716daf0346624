/*
 * process.h for winsock-wasm guests: what of it a sandboxed program can
 * honestly have. getpid is wasi-libc's emulation (a fixed number: a
 * component has no process id). Threads (_beginthreadex) are not offered
 * yet: a guest has one thread.
 */
#ifndef _INC_PROCESS
#define _INC_PROCESS

#include <stdlib.h>
#include <unistd.h>

#define _getpid getpid

#endif /* _INC_PROCESS */
