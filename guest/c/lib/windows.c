/*
 * The few Windows API functions <windows.h> declares (docs/guests.md), over
 * wasi-libc's clocks.
 */
#include <time.h>
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <mmsystem.h>
#include <stdbool.h>
#include <string.h>

#include "internal.h"

#ifdef __WS_THREADS
/* With other threads, Sleep parks only its thread; Sleep(0) yields. */
static void sleep_in_host(DWORD dwMilliseconds);

void WINAPI Sleep(DWORD dwMilliseconds) {
    if (!__ws_threads_others()) {
        sleep_in_host(dwMilliseconds);
        return;
    }
    if (dwMilliseconds == 0) {
        __ws_threads_yield();
        return;
    }
    ULONGLONG end = dwMilliseconds == INFINITE ? ~0ull : GetTickCount64() + dwMilliseconds;
    for (;;) {
        ULONGLONG now = GetTickCount64();
        if (now >= end) return;
        DWORD left = dwMilliseconds == INFINITE ? INFINITE : (DWORD)(end - now);
        if (__ws_threads_park(NULL, 0, left, false) == PARK_DEADLOCK || !__ws_threads_others()) {
            sleep_in_host(left);
            return;
        }
    }
}

static void sleep_in_host(DWORD dwMilliseconds) {
#else
void WINAPI Sleep(DWORD dwMilliseconds) {
#endif
    struct timespec ts;
    ts.tv_sec = dwMilliseconds / 1000;
    ts.tv_nsec = (long)(dwMilliseconds % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0) {
    }
}

ULONGLONG WINAPI GetTickCount64(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ULONGLONG)ts.tv_sec * 1000u + (ULONGLONG)ts.tv_nsec / 1000000u;
}

DWORD WINAPI GetTickCount(void) {
    return (DWORD)GetTickCount64();
}

/* --- winmm's multimedia timer (<mmsystem.h>). --- */

DWORD WINAPI timeGetTime(void) {
    return GetTickCount();
}

MMRESULT WINAPI timeBeginPeriod(UINT uPeriod) {
    return uPeriod == 0 ? TIMERR_NOCANDO : TIMERR_NOERROR;
}

MMRESULT WINAPI timeEndPeriod(UINT uPeriod) {
    return uPeriod == 0 ? TIMERR_NOCANDO : TIMERR_NOERROR;
}

MMRESULT WINAPI timeGetDevCaps(LPTIMECAPS ptc, UINT cbtc) {
    if (ptc == NULL || cbtc < sizeof *ptc) return TIMERR_STRUCT;
    ptc->wPeriodMin = 1;
    ptc->wPeriodMax = 1000000;
    return TIMERR_NOERROR;
}

/* --- Files and devices (<windows.h>): none are offered through the Win32
 * API, so CreateFile fails and no handle the calls below accept can exist.
 * A serial-port name gets "file not found", as on a machine without that
 * port. --- */

static bool device_name(LPCSTR name) {
    if (strncmp(name, "\\\\.\\", 4) == 0) return true;
    return _strnicmp(name, "COM", 3) == 0 || _strnicmp(name, "LPT", 3) == 0;
}

HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile) {
    (void)dwDesiredAccess, (void)dwShareMode, (void)lpSecurityAttributes, (void)dwCreationDisposition,
        (void)dwFlagsAndAttributes, (void)hTemplateFile;
    if (lpFileName == NULL || !__ws_string_ok(lpFileName)) SetLastError(ERROR_INVALID_PARAMETER);
    else SetLastError(device_name(lpFileName) ? ERROR_FILE_NOT_FOUND : ERROR_NOT_SUPPORTED);
    return INVALID_HANDLE_VALUE;
}

static BOOL no_such_handle(void) {
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
}

BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead, LPDWORD lpNumberOfBytesRead,
                     LPOVERLAPPED lpOverlapped) {
    (void)hFile, (void)lpBuffer, (void)nNumberOfBytesToRead, (void)lpNumberOfBytesRead, (void)lpOverlapped;
    return no_such_handle();
}

BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite, LPDWORD lpNumberOfBytesWritten,
                      LPOVERLAPPED lpOverlapped) {
    (void)hFile, (void)lpBuffer, (void)nNumberOfBytesToWrite, (void)lpNumberOfBytesWritten, (void)lpOverlapped;
    return no_such_handle();
}

BOOL WINAPI FlushFileBuffers(HANDLE hFile) { (void)hFile; return no_such_handle(); }
/* CloseHandle is events.c's: events are the handles a program can hold. */
BOOL WINAPI GetCommState(HANDLE hFile, LPDCB lpDCB) { (void)hFile, (void)lpDCB; return no_such_handle(); }
BOOL WINAPI SetCommState(HANDLE hFile, LPDCB lpDCB) { (void)hFile, (void)lpDCB; return no_such_handle(); }
BOOL WINAPI GetCommTimeouts(HANDLE hFile, LPCOMMTIMEOUTS t) { (void)hFile, (void)t; return no_such_handle(); }
BOOL WINAPI SetCommTimeouts(HANDLE hFile, LPCOMMTIMEOUTS t) { (void)hFile, (void)t; return no_such_handle(); }
BOOL WINAPI PurgeComm(HANDLE hFile, DWORD dwFlags) { (void)hFile, (void)dwFlags; return no_such_handle(); }
BOOL WINAPI EscapeCommFunction(HANDLE hFile, DWORD dwFunc) { (void)hFile, (void)dwFunc; return no_such_handle(); }
