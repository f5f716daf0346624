/*
 * Address text for winsock2.h and ws2tcpip.h: inet_addr, inet_ntoa,
 * inet_pton, inet_ntop (docs/surface.md). No host calls; kept apart from winsock.c
 * so the fuzz target (tests/fuzz, c_address_text) can build it natively.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define succeed __ws_succeed
#define fail __ws_fail
#define in_memory __ws_in_memory
#define string_ok __ws_string_ok

static uint32_t host_to_network(uint32_t v) { return __builtin_bswap32(v); }

/* inet_addr: the classic forms a, a.b, a.b.c, a.b.c.d, each part decimal,
 * octal (0...) or hex (0x...). INADDR_NONE for anything else. */
unsigned long WSAAPI inet_addr(const char *cp) {
    uint32_t parts[4];
    int count = 0;
    const char *p = cp;
    if (cp == NULL || !string_ok(cp) || *cp == '\0') return INADDR_NONE;
    for (;;) {
        uint64_t value = 0;
        int base = 10, digits = 0;
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
            base = 16;
            p += 2;
        } else if (p[0] == '0') {
            base = 8;
        }
        for (;; p++, digits++) {
            int d;
            if (*p >= '0' && *p <= '9') d = *p - '0';
            else if (base == 16 && *p >= 'a' && *p <= 'f') d = *p - 'a' + 10;
            else if (base == 16 && *p >= 'A' && *p <= 'F') d = *p - 'A' + 10;
            else break;
            if (d >= base) return INADDR_NONE;
            value = value * (uint64_t)base + (uint64_t)d;
            if (value > 0xffffffffu) return INADDR_NONE;
        }
        if (digits == 0 && base != 16) return INADDR_NONE;
        if (count == 4) return INADDR_NONE;
        parts[count++] = (uint32_t)value;
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p != '\0' && *p != ' ') return INADDR_NONE;
        break;
    }
    uint32_t host;
    switch (count) {
    case 1: host = parts[0]; break;
    case 2:
        if (parts[0] > 0xff || parts[1] > 0xffffff) return INADDR_NONE;
        host = parts[0] << 24 | parts[1];
        break;
    case 3:
        if (parts[0] > 0xff || parts[1] > 0xff || parts[2] > 0xffff) return INADDR_NONE;
        host = parts[0] << 24 | parts[1] << 16 | parts[2];
        break;
    default:
        for (int i = 0; i < 4; i++)
            if (parts[i] > 0xff) return INADDR_NONE;
        host = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3];
        break;
    }
    return host_to_network(host);
}

char *WSAAPI inet_ntoa(struct in_addr in) {
    static char text[INET_ADDRSTRLEN];
    snprintf(text, sizeof text, "%u.%u.%u.%u", in.S_un.S_un_b.s_b1, in.S_un.S_un_b.s_b2, in.S_un.S_un_b.s_b3,
             in.S_un.S_un_b.s_b4);
    return text;
}

/* Strict dotted-decimal, as inet_pton takes it: four parts of 1-3 digits,
 * each at most 255, no leading zeros. */
static int parse_ipv4(const char *s, const char *end, UCHAR out[4]) {
    int part = 0;
    while (part < 4) {
        int value = 0, digits = 0;
        while (s < end && *s >= '0' && *s <= '9') {
            if (digits > 0 && value == 0) return 0;
            value = value * 10 + (*s++ - '0');
            if (++digits > 3 || value > 255) return 0;
        }
        if (digits == 0) return 0;
        out[part++] = (UCHAR)value;
        if (part < 4) {
            if (s >= end || *s != '.') return 0;
            s++;
        }
    }
    return s == end;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int parse_ipv6(const char *s, UCHAR out[16]) {
    uint16_t words[8];
    int count = 0, gap = -1;
    const char *end = s + strlen(s);
    if (s[0] == ':') {
        if (s[1] != ':') return 0;
        s += 2;
        gap = 0;
        if (s == end) goto done;
    }
    while (s < end) {
        const char *start = s;
        int value = 0, digits = 0, d;
        while ((d = hex_value(*s)) >= 0 && digits < 5) {
            value = value * 16 + d;
            s++;
            digits++;
        }
        if (*s == '.') {
            /* An embedded IPv4 address ends the text. */
            UCHAR v4[4];
            if (count > 6 || !parse_ipv4(start, end, v4)) return 0;
            words[count++] = (uint16_t)(v4[0] << 8 | v4[1]);
            words[count++] = (uint16_t)(v4[2] << 8 | v4[3]);
            s = end;
            break;
        }
        if (digits == 0 || digits > 4 || count == 8) return 0;
        words[count++] = (uint16_t)value;
        if (s == end) break;
        if (*s != ':') return 0;
        s++;
        if (*s == ':') {
            if (gap >= 0) return 0;
            gap = count;
            s++;
            if (s == end) break;
        } else if (s == end) {
            return 0;
        }
    }
done:
    if (gap < 0 && count != 8) return 0;
    if (gap >= 0 && count > 7) return 0;
    memset(out, 0, 16);
    int tail = gap < 0 ? 0 : count - gap;
    int head = count - tail;
    for (int i = 0; i < head; i++) {
        out[2 * i] = (UCHAR)(words[i] >> 8);
        out[2 * i + 1] = (UCHAR)words[i];
    }
    for (int i = 0; i < tail; i++) {
        int at = 8 - tail + i;
        out[2 * at] = (UCHAR)(words[head + i] >> 8);
        out[2 * at + 1] = (UCHAR)words[head + i];
    }
    return 1;
}

INT WSAAPI inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf) {
    if (Family != AF_INET && Family != AF_INET6) return fail(WSAEAFNOSUPPORT);
    if (pszAddrString == NULL || pAddrBuf == NULL || !string_ok(pszAddrString) ||
        !in_memory(pAddrBuf, Family == AF_INET ? 4 : 16))
        return fail(WSAEFAULT);
    int ok = Family == AF_INET ? parse_ipv4(pszAddrString, pszAddrString + strlen(pszAddrString), pAddrBuf)
                               : parse_ipv6(pszAddrString, pAddrBuf);
    return succeed(ok);
}

/* RFC 5952 text: lowercase hex, the longest run of two or more zero words
 * as "::", IPv4-mapped and -compatible addresses with a dotted tail. */
static void format_ipv6(const UCHAR *b, char *text) {
    uint16_t w[8];
    int best = -1, best_len = 0;
    for (int i = 0; i < 8; i++) w[i] = (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && w[j] == 0) j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    if (best_len < 2) best = -1;
    bool dotted = best == 0 && (best_len == 5 && w[5] == 0xffff);
    char *p = text;
    for (int i = 0; i < (dotted ? 6 : 8); i++) {
        if (i == best) {
            p += sprintf(p, "::");
            i += best_len - 1;
            continue;
        }
        if (i > 0 && p[-1] != ':') *p++ = ':';
        p += sprintf(p, "%x", w[i]);
    }
    if (dotted) p += sprintf(p, ":%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
    *p = '\0';
}

PCSTR WSAAPI inet_ntop(INT Family, const VOID *pAddr, PSTR pStringBuf, size_t StringBufSize) {
    char text[INET6_ADDRSTRLEN];
    if (Family != AF_INET && Family != AF_INET6) {
        fail(WSAEAFNOSUPPORT);
        return NULL;
    }
    if (pAddr == NULL || !in_memory(pAddr, Family == AF_INET ? 4 : 16)) {
        fail(WSAEFAULT);
        return NULL;
    }
    const UCHAR *b = pAddr;
    if (Family == AF_INET) snprintf(text, sizeof text, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    else format_ipv6(b, text);
    if (pStringBuf == NULL || !in_memory(pStringBuf, StringBufSize) || strlen(text) + 1 > StringBufSize) {
        fail(WSA_INVALID_PARAMETER);
        return NULL;
    }
    memcpy(pStringBuf, text, strlen(text) + 1);
    succeed(0);
    return pStringBuf;
}

/* --- WSAAddressToString / WSAStringToAddress text (the public calls are in
 * winsock.c, which adds the startup rule). --- */

/* The text of a sockaddr as WSAAddressToString writes it: "a.b.c.d" or an
 * IPv6 address with "%scope", and when the port is not 0 ":port" after the
 * IPv4 address or after the bracketed IPv6 one. Writes at most cap bytes
 * (when they fit) and returns the length without the terminator, or -1 for
 * a family other than AF_INET/AF_INET6. */
int __ws_address_text(const struct sockaddr *sa, char *out, size_t cap) {
    char text[INET6_ADDRSTRLEN + 32];
    if (sa->sa_family == AF_INET) {
        const SOCKADDR_IN *in = (const SOCKADDR_IN *)sa;
        const UCHAR *b = &in->sin_addr.S_un.S_un_b.s_b1;
        int n = snprintf(text, sizeof text, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
        if (in->sin_port) snprintf(text + n, sizeof text - (size_t)n, ":%u", __builtin_bswap16(in->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const SOCKADDR_IN6 *in6 = (const SOCKADDR_IN6 *)sa;
        char addr[INET6_ADDRSTRLEN + 16];
        format_ipv6(in6->sin6_addr.u.Byte, addr);
        if (in6->sin6_scope_id)
            snprintf(addr + strlen(addr), sizeof addr - strlen(addr), "%%%u", (unsigned)in6->sin6_scope_id);
        if (in6->sin6_port)
            snprintf(text, sizeof text, "[%s]:%u", addr, __builtin_bswap16(in6->sin6_port));
        else
            snprintf(text, sizeof text, "%s", addr);
    } else {
        return -1;
    }
    size_t n = strlen(text);
    if (n + 1 <= cap) memcpy(out, text, n + 1);
    return (int)n;
}

static int parse_port(const char *s, USHORT *port) {
    unsigned long value = 0;
    if (*s == '\0') return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return 0;
        value = value * 10 + (unsigned long)(*s - '0');
        if (value > 65535) return 0;
    }
    *port = (USHORT)value;
    return 1;
}

/* Parses WSAStringToAddress's forms into a zeroed sockaddr of the family:
 * "a.b.c.d" or "a.b.c.d:port" for AF_INET; "addr", "addr%scope",
 * "[addr]", "[addr%scope]:port" for AF_INET6. Returns 1, or 0 for text that
 * is none of these. */
int __ws_parse_address_text(const char *s, int family, struct sockaddr *out) {
    char host[INET6_ADDRSTRLEN + 16];
    const char *port_text = NULL, *scope_text = NULL;
    USHORT port = 0;
    size_t len = strlen(s);
    if (len == 0 || len >= sizeof host + 8) return 0;
    if (family == AF_INET) {
        const char *colon = strchr(s, ':');
        size_t host_len = colon ? (size_t)(colon - s) : len;
        if (host_len >= sizeof host) return 0;
        memcpy(host, s, host_len);
        host[host_len] = '\0';
        if (colon && !parse_port(colon + 1, &port)) return 0;
        SOCKADDR_IN in;
        memset(&in, 0, sizeof in);
        in.sin_family = AF_INET;
        if (!parse_ipv4(host, host + host_len, (UCHAR *)&in.sin_addr)) return 0;
        in.sin_port = __builtin_bswap16(port);
        memcpy(out, &in, sizeof in);
        return 1;
    }
    if (family != AF_INET6) return 0;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (close == NULL || (size_t)(close - s - 1) >= sizeof host) return 0;
        memcpy(host, s + 1, (size_t)(close - s - 1));
        host[close - s - 1] = '\0';
        if (close[1] == ':') port_text = close + 2;
        else if (close[1] != '\0') return 0;
    } else {
        if (len >= sizeof host) return 0;
        memcpy(host, s, len + 1);
    }
    char *percent = strchr(host, '%');
    if (percent) {
        *percent = '\0';
        scope_text = percent + 1;
    }
    SOCKADDR_IN6 in6;
    memset(&in6, 0, sizeof in6);
    in6.sin6_family = AF_INET6;
    if (!parse_ipv6(host, in6.sin6_addr.u.Byte)) return 0;
    if (port_text && !parse_port(port_text, &port)) return 0;
    if (scope_text) {
        unsigned long long scope = 0;
        if (*scope_text == '\0') return 0;
        for (const char *p = scope_text; *p; p++) {
            if (*p < '0' || *p > '9') return 0;
            scope = scope * 10 + (unsigned long long)(*p - '0');
            if (scope > 0xffffffffULL) return 0;
        }
        in6.sin6_scope_id = (ULONG)scope;
    }
    in6.sin6_port = __builtin_bswap16(port);
    memcpy(out, &in6, sizeof in6);
    return 1;
}
