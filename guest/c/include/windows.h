/*
 * windows.h for winsock-wasm guests: the small part of the Windows API that
 * legacy socket programs use (SPEC 10): the integer types and their pointer
 * spellings, BOOL/TRUE/FALSE, MAKEWORD and friends, ZeroMemory, Sleep,
 * GetTickCount, GetLastError. Sizes are those of 32-bit Windows, which wasm32
 * shares (int, long and pointers are 32 bits).
 *
 * Like the real header it brings in Winsock unless WIN32_LEAN_AND_MEAN is
 * defined; including <winsock2.h> before or after it is fine.
 */
#ifndef WINSOCK_WASM_WINDOWS_H
#define WINSOCK_WASM_WINDOWS_H

#include <stddef.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WINAPI
#define WINAPI
#endif
#define APIENTRY WINAPI
#define CALLBACK
#define PASCAL
#define WSAAPI
#define FAR
#define NEAR
#define far
#define near
#define IN
#define OUT
#define OPTIONAL
#define CONST const
#define VOID void

typedef int BOOL;
typedef BOOL *PBOOL, *LPBOOL;
typedef unsigned char BYTE, UCHAR, *PBYTE, *LPBYTE, *PUCHAR;
typedef char CHAR, CCHAR, *PCHAR, *LPCH;
typedef short SHORT, *PSHORT;
typedef unsigned short WORD, USHORT, *PWORD, *LPWORD, *PUSHORT;
typedef int INT, *PINT, *LPINT;
typedef unsigned int UINT, *PUINT;
typedef long LONG, *PLONG, *LPLONG;
typedef unsigned long DWORD, ULONG, *PDWORD, *LPDWORD, *PULONG;
typedef long long LONGLONG;
typedef unsigned long long ULONGLONG, DWORD64;
typedef int INT_PTR, LONG_PTR;
typedef unsigned int UINT_PTR, ULONG_PTR, DWORD_PTR;
typedef ULONG_PTR SIZE_T;
typedef LONG_PTR SSIZE_T;
typedef void *PVOID, *LPVOID, *HANDLE;
typedef const void *LPCVOID;
typedef char *LPSTR, *PSTR;
typedef const char *LPCSTR, *PCSTR;
typedef int HRESULT;

#ifndef FALSE
#define FALSE 0
#endif
#ifndef TRUE
#define TRUE 1
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif
#define INFINITE 0xFFFFFFFF

#define MAKEWORD(a, b) ((WORD)(((BYTE)(((DWORD_PTR)(a)) & 0xff)) | ((WORD)((BYTE)(((DWORD_PTR)(b)) & 0xff))) << 8))
#define MAKELONG(a, b) ((LONG)(((WORD)(((DWORD_PTR)(a)) & 0xffff)) | ((DWORD)((WORD)(((DWORD_PTR)(b)) & 0xffff))) << 16))
#define LOWORD(l) ((WORD)(((DWORD_PTR)(l)) & 0xffff))
#define HIWORD(l) ((WORD)((((DWORD_PTR)(l)) >> 16) & 0xffff))
#define LOBYTE(w) ((BYTE)(((DWORD_PTR)(w)) & 0xff))
#define HIBYTE(w) ((BYTE)((((DWORD_PTR)(w)) >> 8) & 0xff))

#define ZeroMemory(dst, len) ((void)memset((dst), 0, (len)))
#define SecureZeroMemory ZeroMemory
#define FillMemory(dst, len, fill) ((void)memset((dst), (fill), (len)))
#define CopyMemory(dst, src, len) ((void)memcpy((dst), (src), (len)))
#define MoveMemory(dst, src, len) ((void)memmove((dst), (src), (len)))

/* Suspends the program for at least dwMilliseconds. */
void WINAPI Sleep(DWORD dwMilliseconds);
/* Milliseconds since an arbitrary fixed start, wrapping at 2^32 (a
 * monotonic clock, as Windows counts from boot). */
DWORD WINAPI GetTickCount(void);
ULONGLONG WINAPI GetTickCount64(void);
/* The calling program's last error; Winsock's WSAGetLastError is the same
 * value on Windows, and so it is here. */
DWORD WINAPI GetLastError(void);
void WINAPI SetLastError(DWORD dwErrCode);

#ifdef __cplusplus
}
#endif

#ifndef WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#endif

#endif /* WINSOCK_WASM_WINDOWS_H */
