/*
 * The command's entry point. Debian's 2022 wasi-libc crt1-command.o never
 * runs __wasm_call_ctors, which the Winsock bindings and stdio rely on, so
 * winsock-cc links this start file instead (with -nostartfiles).
 */
#include <stdlib.h>

extern void __wasm_call_ctors(void);
extern int __main_void(void);
#ifdef __WS_THREADS
/* Programs with threads run main as the first thread (threads.c). */
extern int __ws_threads_main(void);
#define __main_void __ws_threads_main
#endif

__attribute__((export_name("_start")))
void _start(void) {
    __wasm_call_ctors();
    /* exit() runs atexit handlers and flushes stdio, then ends the command
     * with main's status. */
    exit(__main_void());
}
