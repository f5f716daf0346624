/*
 * mstcpip.h for winsock-wasm guests: TCP keepalive tuning through
 * WSAIoctl(SIO_KEEPALIVE_VALS), which the host applies to the real socket
 * (whole seconds: the milliseconds given are rounded up).
 */
#ifndef _MSTCPIP_
#define _MSTCPIP_

#include <winsock2.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tcp_keepalive {
    ULONG onoff;
    ULONG keepalivetime;     /* ms of idleness before the first probe */
    ULONG keepaliveinterval; /* ms between probes */
};

#define SIO_RCVALL _WSAIOW(IOC_VENDOR, 1)
#define SIO_RCVALL_MCAST _WSAIOW(IOC_VENDOR, 2)
#define SIO_RCVALL_IGMPMCAST _WSAIOW(IOC_VENDOR, 3)
#define SIO_KEEPALIVE_VALS _WSAIOW(IOC_VENDOR, 4) /* 0x98000004 */
#define SIO_ABSORB_RTRALERT _WSAIOW(IOC_VENDOR, 5)
#define SIO_UCAST_IF _WSAIOW(IOC_VENDOR, 6)
#define SIO_LIMIT_BROADCASTS _WSAIOW(IOC_VENDOR, 7)
#define SIO_INDEX_BIND _WSAIOW(IOC_VENDOR, 8)
#define SIO_INDEX_MCASTIF _WSAIOW(IOC_VENDOR, 9)
#define SIO_INDEX_ADD_MCAST _WSAIOW(IOC_VENDOR, 10)
#define SIO_INDEX_DEL_MCAST _WSAIOW(IOC_VENDOR, 11)
#define SIO_LOOPBACK_FAST_PATH _WSAIOW(IOC_VENDOR, 16)

#ifdef __cplusplus
}
#endif

#endif /* _MSTCPIP_ */
