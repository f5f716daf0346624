/* The Microsoft C runtime's error type, shared by this project's <string.h>
 * and <time.h>. */
#ifndef _WINSOCK_CRT_H
#define _WINSOCK_CRT_H
#ifndef _ERRNO_T_DEFINED
#define _ERRNO_T_DEFINED
typedef int errno_t;
#endif
#endif
