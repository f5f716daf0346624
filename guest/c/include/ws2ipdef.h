/*
 * ws2ipdef.h for winsock-wasm guests: the IP-level definitions Windows keeps
 * apart from winsock2.h (the address structures themselves are in
 * winsock2.h here). <ws2tcpip.h> includes it, as on Windows. Options not in
 * docs/surface.md's list are refused by the host with WSAENOPROTOOPT, never ignored.
 */
#ifndef _WS2IPDEF_
#define _WS2IPDEF_

#include <winsock2.h>

#ifdef __cplusplus
extern "C" {
#endif

/* IPPROTO_IP options. */
#define IP_OPTIONS 1
#define IP_HDRINCL 2
#define IP_TOS 3
#define IP_TTL 4
#define IP_MULTICAST_IF 9
#define IP_MULTICAST_TTL 10
#define IP_MULTICAST_LOOP 11
#define IP_ADD_MEMBERSHIP 12
#define IP_DROP_MEMBERSHIP 13
#define IP_DONTFRAGMENT 14

/* IPPROTO_IPV6 options. */
#define IPV6_HOPOPTS 1
#define IPV6_UNICAST_HOPS 4
#define IPV6_MULTICAST_IF 9
#define IPV6_MULTICAST_HOPS 10
#define IPV6_MULTICAST_LOOP 11
#define IPV6_ADD_MEMBERSHIP 12
#define IPV6_JOIN_GROUP IPV6_ADD_MEMBERSHIP
#define IPV6_DROP_MEMBERSHIP 13
#define IPV6_LEAVE_GROUP IPV6_DROP_MEMBERSHIP
#define IPV6_HOPLIMIT 21
#define IPV6_V6ONLY 27

/* IPPROTO_TCP options beyond TCP_NODELAY: keepalive tuning in seconds, as
 * Windows 10 takes it (SIO_KEEPALIVE_VALS in <mstcpip.h> sets the same two
 * in milliseconds). */
#define TCP_EXPEDITED_1122 0x0002
#define TCP_KEEPALIVE 3
#define TCP_KEEPIDLE TCP_KEEPALIVE
#define TCP_MAXSEG 4
#define TCP_MAXRT 5
#define TCP_STDURG 6
#define TCP_NOURG 7
#define TCP_ATMARK 8
#define TCP_NOSYNRETRIES 9
#define TCP_TIMESTAMPS 10
#define TCP_CONGESTION_ALGORITHM 12
#define TCP_DELAY_FIN_ACK 13
#define TCP_MAXRTMS 14
#define TCP_FASTOPEN 15
#define TCP_KEEPCNT 16
#define TCP_KEEPINTVL 17

typedef struct ip_mreq {
    IN_ADDR imr_multiaddr;
    IN_ADDR imr_interface;
} IP_MREQ, *PIP_MREQ;

typedef struct ipv6_mreq {
    IN6_ADDR ipv6mr_multiaddr;
    ULONG ipv6mr_interface;
} IPV6_MREQ, *PIPV6_MREQ;

#ifdef __cplusplus
}
#endif

#endif /* _WS2IPDEF_ */
