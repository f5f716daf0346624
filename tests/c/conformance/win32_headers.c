/* Issue 10: what legacy code brings beside Winsock. POSIX headers included
 * before winsock2.h (their fd_set is Winsock's here, gethostname is
 * Winsock's, signal.h works), Microsoft's keywords, and the C runtime and
 * winmm calls with the results Microsoft documents for them. */
#include <sys/types.h>
#include <sys/time.h>
#include <unistd.h>
#include <signal.h>
#include <io.h>
#include <process.h>
#include <errno.h>
#include <time.h>
#include "conformance.h"
#include <mmsystem.h>
#include <mstcpip.h>
#include <mswsock.h>

static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = sig; }

static int __stdcall stdcall_add(int a, int b) { return a + b; }
__declspec(dllexport) int __cdecl exported_value(void) { return 7; }
__declspec(noinline) static int not_inlined(void) { return 3; }
static __declspec(align(16)) char aligned_buffer[16];

int main(void)
{
    SOCKET c, s;
    fd_set set;
    struct timeval tv = { 0, 0 };
    char name[256];
    char msg[8];
    struct tm tm;
    time_t t;
    ssize_t signed_size = -1;
    __int64 wide = 1;

    start();
    /* fd_set is Winsock's: a count and an array, FD_SETSIZE 64. */
    FD_ZERO(&set);
    printf("FD_SETSIZE %d, sizeof(fd_set) %d\n", FD_SETSIZE, (int)sizeof(fd_set));
    pair(AF_INET, &c, &s);
    send(c, "x", 1, 0);
    Sleep(50);
    FD_SET(s, &set);
    FD_SET(s, &set);
    printf("fd_count after FD_SET twice %u\n", set.fd_count);
    CHECK("select after <sys/time.h>", select(0, &set, NULL, NULL, &tv));
    printf("FD_ISSET %d\n", FD_ISSET(s, &set) != 0);
    closesocket(c);
    closesocket(s);

    /* gethostname is Winsock's, though <unistd.h> declares its own. */
    CHECK("gethostname after <unistd.h>", gethostname(name, (int)sizeof name));

    /* signal.h: signal() and raise() within the program. */
    signal(SIGUSR1, on_signal);
    raise(SIGUSR1);
    printf("raise(SIGUSR1) ran the handler: %d\n", got_signal == SIGUSR1);

    /* Microsoft's keywords and types. */
    wide <<= 40;
    printf("__stdcall %d, __declspec(dllexport) %d, noinline %d, align %d, ssize_t %d, __int64 %d\n",
           stdcall_add(2, 3), exported_value(), not_inlined(), (int)(((uintptr_t)aligned_buffer) % 16 == 0),
           (int)signed_size, wide == 1099511627776LL);
    printf("getpid through <process.h> %d\n", _getpid() > 0);

    /* winmm's timer. */
    {
        DWORD t0 = timeGetTime();
        Sleep(20);
        DWORD dt = timeGetTime() - t0;
        printf("timeGetTime advanced 20 ms or more: %d\n", dt >= 20 && dt < 5000);
        printf("timeBeginPeriod(1) %u, timeEndPeriod(1) %u, timeBeginPeriod(0) %u\n", timeBeginPeriod(1),
               timeEndPeriod(1), timeBeginPeriod(0));
    }

    /* The C runtime's secure and Microsoft-named functions. */
    printf("strerror_s %d\n", strerror_s(name, sizeof name, EINVAL));
    /* errno values are wasi-libc's numbers (the C library's own), so they
     * are compared by name. */
    printf("strerror_s into 8 bytes ERANGE %d, cut and terminated %d\n", strerror_s(msg, sizeof msg, EINVAL) == ERANGE,
           (int)strlen(msg) == 7);
    printf("strerror_s into NULL EINVAL %d\n", strerror_s(NULL, 8, EINVAL) == EINVAL);
    {
        char *copy = _strdup("Winsock");
        printf("_strdup %s, _strdup(NULL) %s\n", copy, _strdup(NULL) == NULL ? "NULL" : "?");
        free(copy);
    }
    printf("_stricmp equal %d, less %d, greater %d\n", _stricmp("WinSock", "winsock") == 0,
           _stricmp("abc", "ABD") < 0, _stricmp("b", "A") > 0);
    printf("_strnicmp first 3 %d, first 4 %d\n", _strnicmp("HTTP/1.0", "http/1.1", 3) == 0,
           _strnicmp("abcd", "ABCE", 4) < 0);
    t = 86400 + 3600 + 61;
    printf("gmtime_s %d: %04d-%02d-%02d %02d:%02d:%02d\n", gmtime_s(&tm, &t), tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    t = -1;
    printf("gmtime_s of -1 EINVAL %d, fields %d\n", gmtime_s(&tm, &t) == EINVAL, tm.tm_year);
    printf("gmtime_s into NULL EINVAL %d\n", gmtime_s(NULL, &t) == EINVAL);

    /* No devices: a serial port cannot be opened, and no handle can be used. */
    {
        HANDLE h = CreateFileA("\\\\.\\COM1", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        printf("CreateFileA COM1: %s, GetLastError %lu\n", h == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE" : "?",
               GetLastError());
        DCB dcb;
        printf("GetCommState: %d, GetLastError %lu\n", GetCommState(h, &dcb), GetLastError());
    }

    /* Constants of the new headers, Windows' values. */
    printf("SIO_KEEPALIVE_VALS 0x%08lx, SIO_GET_EXTENSION_FUNCTION_POINTER 0x%08lx\n",
           (unsigned long)SIO_KEEPALIVE_VALS, (unsigned long)SIO_GET_EXTENSION_FUNCTION_POINTER);
    printf("TCP_KEEPIDLE %d, TCP_KEEPCNT %d, TCP_KEEPINTVL %d, SO_UPDATE_ACCEPT_CONTEXT 0x%x\n", TCP_KEEPIDLE,
           TCP_KEEPCNT, TCP_KEEPINTVL, SO_UPDATE_ACCEPT_CONTEXT);
    printf("sizeof(WSABUF) %d, sizeof(WSAOVERLAPPED) %d, sizeof(struct tcp_keepalive) %d, sizeof(SERVENT) %d\n",
           (int)sizeof(WSABUF), (int)sizeof(WSAOVERLAPPED), (int)sizeof(struct tcp_keepalive), (int)sizeof(SERVENT));
    CHECK("WSACleanup", WSACleanup());
    return 0;
}
