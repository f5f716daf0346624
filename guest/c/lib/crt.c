/*
 * The Microsoft C runtime functions Windows code calls beside Winsock
 * (declared in this project's <string.h> and <time.h>), over wasi-libc.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

errno_t strerror_s(char *buf, size_t size, int errnum) {
    if (buf == NULL || size == 0) return EINVAL;
    const char *text = strerror(errnum);
    size_t n = strlen(text);
    if (n >= size) {
        /* Microsoft's rule: the message is cut to fit and still terminated. */
        memcpy(buf, text, size - 1);
        buf[size - 1] = '\0';
        return ERANGE;
    }
    memcpy(buf, text, n + 1);
    return 0;
}

char *_strdup(const char *s) {
    return s == NULL ? NULL : strdup(s);
}

/* Case-insensitive comparisons in the C locale, comparing lowercase forms as
 * Microsoft's do (so '_' sorts after letters). */
int _strnicmp(const char *a, const char *b, size_t n) {
    for (; n > 0; n--, a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || ca == '\0') return ca - cb;
    }
    return 0;
}

int _stricmp(const char *a, const char *b) {
    return _strnicmp(a, b, (size_t)-1);
}

errno_t gmtime_s(struct tm *result, const time_t *timer) {
    if (result == NULL) return EINVAL;
    if (timer == NULL || *timer < 0) {
        /* Microsoft fills the result with -1 on an invalid time. */
        memset(result, 0xff, sizeof *result);
        return EINVAL;
    }
    return gmtime_r(timer, result) ? 0 : EINVAL;
}

/* The sandbox has no time zone: local time is UTC. */
errno_t localtime_s(struct tm *result, const time_t *timer) {
    return gmtime_s(result, timer);
}
