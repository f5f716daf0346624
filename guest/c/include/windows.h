/*
 * windows.h for winsock-wasm guests: the small part of the Windows API that
 * legacy socket programs use (docs/guests.md): the integer types and their pointer
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
typedef wchar_t WCHAR, *PWCHAR, *LPWSTR, *PWSTR; /* 32 bits here (wasi-libc's wchar_t) */
typedef const wchar_t *LPCWSTR, *PCWSTR;
#ifdef UNICODE
typedef WCHAR TCHAR;
#else
typedef char TCHAR;
#endif

/* ssize_t, as MinGW's headers give it to Windows programs (wasi-libc's
 * type, so <sys/types.h> and <unistd.h> agree). */
#if defined(__wasi__)
#define __NEED_ssize_t
#include <bits/alltypes.h>
#else
#include <sys/types.h> /* the native fuzz build of the address text */
#endif

typedef struct _GUID {
    DWORD Data1;
    WORD Data2;
    WORD Data3;
    BYTE Data4[8];
} GUID, *LPGUID;

/* The overlapped-I/O record (WSAOVERLAPPED is the same structure). */
typedef struct _OVERLAPPED {
    ULONG_PTR Internal;
    ULONG_PTR InternalHigh;
    union {
        struct {
            DWORD Offset;
            DWORD OffsetHigh;
        };
        PVOID Pointer;
    };
    HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

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

/* --- System error codes (GetLastError) used below. --- */
#define ERROR_SUCCESS 0L
#define NO_ERROR 0L
#define ERROR_FILE_NOT_FOUND 2L
#define ERROR_ACCESS_DENIED 5L
#define ERROR_INVALID_HANDLE 6L
#define ERROR_NOT_SUPPORTED 50L
#define ERROR_INVALID_PARAMETER 87L

/* --- Files and serial ports. A component reaches files only through the C
 * runtime (fopen, open) over the directories the embedder grants, and no
 * device at all: CreateFile fails (ERROR_FILE_NOT_FOUND for a device name
 * such as COM1 or \\.\COM1, ERROR_NOT_SUPPORTED otherwise), so no handle for
 * the calls after it can exist and they fail ERROR_INVALID_HANDLE. Legacy
 * code with a serial-port path (Modbus RTU, say) compiles and reports "no
 * such port" at run time. --- */
#define GENERIC_READ 0x80000000L
#define GENERIC_WRITE 0x40000000L
#define GENERIC_EXECUTE 0x20000000L
#define GENERIC_ALL 0x10000000L
#define FILE_SHARE_READ 0x00000001
#define FILE_SHARE_WRITE 0x00000002
#define FILE_SHARE_DELETE 0x00000004
#define CREATE_NEW 1
#define CREATE_ALWAYS 2
#define OPEN_EXISTING 3
#define OPEN_ALWAYS 4
#define TRUNCATE_EXISTING 5
#define FILE_ATTRIBUTE_NORMAL 0x00000080
#define FILE_FLAG_OVERLAPPED 0x40000000
#define MAXDWORD 0xffffffff

typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;
    LPVOID lpSecurityDescriptor;
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

typedef struct _DCB {
    DWORD DCBlength;
    DWORD BaudRate;
    DWORD fBinary : 1;
    DWORD fParity : 1;
    DWORD fOutxCtsFlow : 1;
    DWORD fOutxDsrFlow : 1;
    DWORD fDtrControl : 2;
    DWORD fDsrSensitivity : 1;
    DWORD fTXContinueOnXoff : 1;
    DWORD fOutX : 1;
    DWORD fInX : 1;
    DWORD fErrorChar : 1;
    DWORD fNull : 1;
    DWORD fRtsControl : 2;
    DWORD fAbortOnError : 1;
    DWORD fDummy2 : 17;
    WORD wReserved;
    WORD XonLim;
    WORD XoffLim;
    BYTE ByteSize;
    BYTE Parity;
    BYTE StopBits;
    char XonChar;
    char XoffChar;
    char ErrorChar;
    char EofChar;
    char EvtChar;
    WORD wReserved1;
} DCB, *LPDCB;

typedef struct _COMMTIMEOUTS {
    DWORD ReadIntervalTimeout;
    DWORD ReadTotalTimeoutMultiplier;
    DWORD ReadTotalTimeoutConstant;
    DWORD WriteTotalTimeoutMultiplier;
    DWORD WriteTotalTimeoutConstant;
} COMMTIMEOUTS, *LPCOMMTIMEOUTS;

#define CBR_110 110
#define CBR_300 300
#define CBR_600 600
#define CBR_1200 1200
#define CBR_2400 2400
#define CBR_4800 4800
#define CBR_9600 9600
#define CBR_14400 14400
#define CBR_19200 19200
#define CBR_38400 38400
#define CBR_56000 56000
#define CBR_57600 57600
#define CBR_115200 115200
#define CBR_128000 128000
#define CBR_230400 230400
#define CBR_256000 256000
#define NOPARITY 0
#define ODDPARITY 1
#define EVENPARITY 2
#define MARKPARITY 3
#define SPACEPARITY 4
#define ONESTOPBIT 0
#define ONE5STOPBITS 1
#define TWOSTOPBITS 2
#define DTR_CONTROL_DISABLE 0x00
#define DTR_CONTROL_ENABLE 0x01
#define DTR_CONTROL_HANDSHAKE 0x02
#define RTS_CONTROL_DISABLE 0x00
#define RTS_CONTROL_ENABLE 0x01
#define RTS_CONTROL_HANDSHAKE 0x02
#define RTS_CONTROL_TOGGLE 0x03
#define PURGE_TXABORT 0x0001
#define PURGE_RXABORT 0x0002
#define PURGE_TXCLEAR 0x0004
#define PURGE_RXCLEAR 0x0008
#define SETRTS 3
#define CLRRTS 4
#define SETDTR 5
#define CLRDTR 6

HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead, LPDWORD lpNumberOfBytesRead,
                     LPOVERLAPPED lpOverlapped);
BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite, LPDWORD lpNumberOfBytesWritten,
                      LPOVERLAPPED lpOverlapped);
BOOL WINAPI FlushFileBuffers(HANDLE hFile);
BOOL WINAPI CloseHandle(HANDLE hObject);
BOOL WINAPI GetCommState(HANDLE hFile, LPDCB lpDCB);
BOOL WINAPI SetCommState(HANDLE hFile, LPDCB lpDCB);
BOOL WINAPI GetCommTimeouts(HANDLE hFile, LPCOMMTIMEOUTS lpCommTimeouts);
BOOL WINAPI SetCommTimeouts(HANDLE hFile, LPCOMMTIMEOUTS lpCommTimeouts);
BOOL WINAPI PurgeComm(HANDLE hFile, DWORD dwFlags);
BOOL WINAPI EscapeCommFunction(HANDLE hFile, DWORD dwFunc);
#ifndef UNICODE
#define CreateFile CreateFileA
#endif

/* --- Event objects and waits (kernel32; issue 11). Events are the
 * library's own objects, shared with Winsock's WSAEVENT; every HANDLE is
 * checked against the library's table (a made-up or closed one fails
 * ERROR_INVALID_HANDLE) and a handle value is never reused. Named events
 * would be shared between processes on Windows; a component has no other
 * process, so a name fails ERROR_NOT_SUPPORTED rather than being ignored.
 * With one thread a wait ends through a socket selected with
 * WSAEventSelect or its timeout; an INFINITE wait nothing can end fails
 * WAIT_FAILED with ERROR_POSSIBLE_DEADLOCK. The alertable forms run the
 * completion routines of overlapped Winsock operations that have completed
 * (and then return WAIT_IO_COMPLETION); they are the only APCs there are.
 * CloseHandle closes events; any other handle fails ERROR_INVALID_HANDLE. --- */
#define MAXIMUM_WAIT_OBJECTS 64
#define WAIT_OBJECT_0 0x00000000L
#define WAIT_ABANDONED_0 0x00000080L
#define WAIT_IO_COMPLETION 0x000000C0L
#define WAIT_TIMEOUT 0x00000102L
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)
#define ERROR_NOT_ENOUGH_MEMORY 8L
#define ERROR_POSSIBLE_DEADLOCK 1131L

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
                           LPCSTR lpName);
HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
                           LPCWSTR lpName);
BOOL WINAPI SetEvent(HANDLE hEvent);
BOOL WINAPI ResetEvent(HANDLE hEvent);
DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable);
DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll, DWORD dwMilliseconds);
DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll, DWORD dwMilliseconds,
                                      BOOL bAlertable);
/* Sleeps dwMilliseconds (0 after it); an alertable sleep ends early with
 * WAIT_IO_COMPLETION once it has run queued completion routines. */
DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);

/* --- Overlapped I/O (issue 11): a socket is a HANDLE for CancelIo and
 * CancelIoEx, which abort its pending overlapped Winsock operations
 * (ERROR_NOT_FOUND when none is pending); HasOverlappedIoCompleted reads
 * the record's status. --- */
#define STATUS_PENDING ((DWORD)0x00000103L)
#define ERROR_OPERATION_ABORTED 995L
#define ERROR_IO_INCOMPLETE 996L
#define ERROR_IO_PENDING 997L
#define ERROR_NOT_FOUND 1168L
#define HasOverlappedIoCompleted(lpOverlapped) (((DWORD)(lpOverlapped)->Internal) != STATUS_PENDING)
BOOL WINAPI CancelIo(HANDLE hFile);
BOOL WINAPI CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped);

/* --- Threads (issue 12, docs/async.md): cooperative green threads inside the
 * component. winsock-cc builds a program that calls CreateThread,
 * _beginthreadex (or is compiled with -pthread) with its threaded library
 * and Binaryen's Asyncify; others pay nothing. A thread runs until it
 * waits (a blocking Winsock call, a wait, Sleep, SwitchToThread, a
 * contended EnterCriticalSection); then another runs, and when all wait
 * the library makes one host wait for them. A thread that computes
 * without waiting keeps the others from running. Returning from main ends
 * the program, as the C runtime's exit does on Windows. --- */
typedef DWORD(WINAPI *PTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef PTHREAD_START_ROUTINE LPTHREAD_START_ROUTINE;
#define CREATE_SUSPENDED 0x00000004
#define STACK_SIZE_PARAM_IS_A_RESERVATION 0x00010000
#define STILL_ACTIVE 259
#define TLS_OUT_OF_INDEXES ((DWORD)0xFFFFFFFF)
#define ERROR_NOACCESS 998L
#define ERROR_NO_MORE_ITEMS 259L
/* A CREATE_SUSPENDED thread runs once ResumeThread brings its suspend
 * count to 0. The handle is signalled when the thread ends
 * (WaitFor*Object*), is closed with CloseHandle, and GetExitCodeThread
 * reads STILL_ACTIVE until then. */
HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
                           LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter, DWORD dwCreationFlags,
                           LPDWORD lpThreadId);
__attribute__((noreturn)) void WINAPI ExitThread(DWORD dwExitCode);
DWORD WINAPI GetCurrentThreadId(void);
/* The pseudo-handle every thread uses for itself (not closed). */
#define GetCurrentThread() ((HANDLE)(LONG_PTR)-2)
DWORD WINAPI ResumeThread(HANDLE hThread);
/* Another thread stops before its next turn, the caller at once. */
DWORD WINAPI SuspendThread(HANDLE hThread);
#define THREAD_PRIORITY_NORMAL 0
#define THREAD_PRIORITY_ABOVE_NORMAL 1
#define THREAD_PRIORITY_BELOW_NORMAL (-1)
#define THREAD_PRIORITY_HIGHEST 2
#define THREAD_PRIORITY_LOWEST (-2)
#define THREAD_PRIORITY_TIME_CRITICAL 15
#define THREAD_PRIORITY_IDLE (-15)
#define THREAD_PRIORITY_ERROR_RETURN 0x7fffffff
/* Accepted and ignored (one cooperative scheduler, no priorities). */
BOOL WINAPI SetThreadPriority(HANDLE hThread, int nPriority);
int WINAPI GetThreadPriority(HANDLE hThread);
BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode);
/* Lets another runnable thread run; FALSE when there was none. */
BOOL WINAPI SwitchToThread(void);

/* Windows' layout; OwningThread holds the owner's thread id. */
typedef struct _RTL_CRITICAL_SECTION {
    PVOID DebugInfo;
    LONG LockCount;
    LONG RecursionCount;
    HANDLE OwningThread;
    HANDLE LockSemaphore;
    ULONG_PTR SpinCount;
} CRITICAL_SECTION, *PCRITICAL_SECTION, *LPCRITICAL_SECTION, RTL_CRITICAL_SECTION;
void WINAPI InitializeCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION lpCriticalSection, DWORD dwSpinCount);
void WINAPI EnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
void WINAPI LeaveCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
void WINAPI DeleteCriticalSection(LPCRITICAL_SECTION lpCriticalSection);

DWORD WINAPI TlsAlloc(void);
LPVOID WINAPI TlsGetValue(DWORD dwTlsIndex);
BOOL WINAPI TlsSetValue(DWORD dwTlsIndex, LPVOID lpTlsValue);
BOOL WINAPI TlsFree(DWORD dwTlsIndex);

/* Atomic by construction: no thread switches inside a call. */
static inline LONG InterlockedIncrement(LONG volatile *p) { return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST); }
static inline LONG InterlockedDecrement(LONG volatile *p) { return __atomic_sub_fetch(p, 1, __ATOMIC_SEQ_CST); }
static inline LONG InterlockedExchange(LONG volatile *p, LONG v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
static inline LONG InterlockedExchangeAdd(LONG volatile *p, LONG v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static inline LONG InterlockedCompareExchange(LONG volatile *p, LONG exchange, LONG comparand) {
    __atomic_compare_exchange_n(p, &comparand, exchange, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return comparand;
}
static inline PVOID InterlockedExchangePointer(PVOID volatile *p, PVOID v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
static inline PVOID InterlockedCompareExchangePointer(PVOID volatile *p, PVOID exchange, PVOID comparand) {
    __atomic_compare_exchange_n(p, &comparand, exchange, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return comparand;
}

/* A procedure address (the Winsock 1.1 blocking hook is passed as one). */
typedef INT_PTR(WINAPI *FARPROC)();
#ifdef UNICODE
#define CreateEvent CreateEventW
#else
#define CreateEvent CreateEventA
#endif

#ifdef __cplusplus
}
#endif

#ifndef WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#endif

#endif /* WINSOCK_WASM_WINDOWS_H */
