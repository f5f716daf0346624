/*
 * ws2tcpip.h for winsock-wasm guests: getaddrinfo and getnameinfo,
 * inet_pton/inet_ntop, and the IP-level options (docs/surface.md, docs/errors.md and docs/guests.md).
 * Windows' values and layouts: note that Windows' addrinfo puts
 * ai_canonname before ai_addr.
 */
#ifndef _WS2TCPIP_H_
#define _WS2TCPIP_H_

#include <winsock2.h>
#include <ws2ipdef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int socklen_t;

typedef struct addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    char *ai_canonname;
    struct sockaddr *ai_addr;
    struct addrinfo *ai_next;
} ADDRINFOA, *PADDRINFOA;

#define AI_PASSIVE 0x00000001
#define AI_CANONNAME 0x00000002
#define AI_NUMERICHOST 0x00000004
#define AI_NUMERICSERV 0x00000008
#define AI_ALL 0x00000100
#define AI_ADDRCONFIG 0x00000400
#define AI_V4MAPPED 0x00000800

#define NI_NOFQDN 0x01
#define NI_NUMERICHOST 0x02
#define NI_NAMEREQD 0x04
#define NI_NUMERICSERV 0x08
#define NI_DGRAM 0x10
#define NI_MAXHOST 1025
#define NI_MAXSERV 32

/* getaddrinfo's results are WSA codes on Windows. */
#define EAI_AGAIN WSATRY_AGAIN
#define EAI_BADFLAGS WSAEINVAL
#define EAI_FAIL WSANO_RECOVERY
#define EAI_FAMILY WSAEAFNOSUPPORT
#define EAI_MEMORY WSA_NOT_ENOUGH_MEMORY
#define EAI_NOSECURENAME WSA_SECURE_HOST_NOT_FOUND
#define EAI_NONAME WSAHOST_NOT_FOUND
#define EAI_SERVICE WSATYPE_NOT_FOUND
#define EAI_SOCKTYPE WSAESOCKTNOSUPPORT
#define EAI_NODATA EAI_NONAME

int WSAAPI getaddrinfo(const char *pNodeName, const char *pServiceName,
                       const ADDRINFOA *pHints, PADDRINFOA *ppResult);
void WSAAPI freeaddrinfo(PADDRINFOA pAddrInfo);
int WSAAPI getnameinfo(const SOCKADDR *pSockaddr, socklen_t SockaddrLength,
                       PCHAR pNodeBuffer, DWORD NodeBufferSize,
                       PCHAR pServiceBuffer, DWORD ServiceBufferSize, INT Flags);
char *gai_strerrorA(int ecode);
#define gai_strerror gai_strerrorA

INT WSAAPI inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf);
PCSTR WSAAPI inet_ntop(INT Family, const VOID *pAddr, PSTR pStringBuf, size_t StringBufSize);

#define IN6_IS_ADDR_UNSPECIFIED(a) \
    (((a)->s6_words[0] | (a)->s6_words[1] | (a)->s6_words[2] | (a)->s6_words[3] | \
      (a)->s6_words[4] | (a)->s6_words[5] | (a)->s6_words[6] | (a)->s6_words[7]) == 0)
#define IN6_IS_ADDR_LOOPBACK(a) \
    (((a)->s6_words[0] | (a)->s6_words[1] | (a)->s6_words[2] | (a)->s6_words[3] | \
      (a)->s6_words[4] | (a)->s6_words[5] | (a)->s6_words[6]) == 0 && (a)->s6_words[7] == 0x0100)
#define IN6_IS_ADDR_V4MAPPED(a) \
    (((a)->s6_words[0] | (a)->s6_words[1] | (a)->s6_words[2] | (a)->s6_words[3] | \
      (a)->s6_words[4]) == 0 && (a)->s6_words[5] == 0xffff)

#ifdef __cplusplus
}
#endif

#endif /* _WS2TCPIP_H_ */
