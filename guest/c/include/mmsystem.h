/*
 * mmsystem.h (winmm) for winsock-wasm guests: the multimedia timer calls
 * network code uses for timestamps and timer resolution.
 */
#ifndef _INC_MMSYSTEM
#define _INC_MMSYSTEM

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef UINT MMRESULT;
#define TIMERR_BASE 96
#define TIMERR_NOERROR 0
#define TIMERR_NOCANDO (TIMERR_BASE + 1)
#define TIMERR_STRUCT (TIMERR_BASE + 33)

typedef struct timecaps_tag {
    UINT wPeriodMin;
    UINT wPeriodMax;
} TIMECAPS, *PTIMECAPS, *LPTIMECAPS;

/* Milliseconds since an arbitrary start, wrapping at 2^32 (the same clock
 * as GetTickCount). */
DWORD WINAPI timeGetTime(void);
/* The sandbox's timers already have millisecond resolution: a period of 1
 * ms or more is TIMERR_NOERROR, 0 is TIMERR_NOCANDO, as on Windows. */
MMRESULT WINAPI timeBeginPeriod(UINT uPeriod);
MMRESULT WINAPI timeEndPeriod(UINT uPeriod);
MMRESULT WINAPI timeGetDevCaps(LPTIMECAPS ptc, UINT cbtc);

#ifdef __cplusplus
}
#endif

#endif /* _INC_MMSYSTEM */
