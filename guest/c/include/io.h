/*
 * io.h for winsock-wasm guests: the Microsoft C runtime's low-level file
 * calls, which are POSIX's under other names (wasi-libc implements them over
 * the directories the embedder grants). Sockets are not file descriptors:
 * close a SOCKET with closesocket, as on Windows.
 */
#ifndef _INC_IO
#define _INC_IO

#include <unistd.h>
#include <fcntl.h>

#define _access access
#define _close close
#define _read read
#define _write write
#define _lseek lseek
#define _isatty isatty
#define _dup dup
#define _dup2 dup2
#define _unlink unlink
#define _open open
#define _O_RDONLY O_RDONLY
#define _O_WRONLY O_WRONLY
#define _O_RDWR O_RDWR
#define _O_APPEND O_APPEND
#define _O_CREAT O_CREAT
#define _O_TRUNC O_TRUNC
#define _O_EXCL O_EXCL
#define _O_BINARY 0
#define _O_TEXT 0
#define O_BINARY 0
#define O_TEXT 0

#endif /* _INC_IO */
