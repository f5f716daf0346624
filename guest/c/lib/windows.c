/*
 * The few Windows API functions <windows.h> declares (SPEC 10), over
 * wasi-libc's clocks.
 */
#include <time.h>
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

void WINAPI Sleep(DWORD dwMilliseconds) {
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
