/* Generated from wit/types.wit by tests/tests/generated.rs; do not edit.
 * Regenerate: WINSOCK_BLESS=1 cargo test --release -p winsock-tests --test generated
 *
 * The Windows Sockets error codes (docs/errors.md), included by winsock2.h. */
#ifndef _WINSOCK_ERRORS_H
#define _WINSOCK_ERRORS_H

/* The base of the numbered WSAE* codes. */
#define WSABASEERR 10000

/* What a Winsock call fails with. */
#define WSAEINTR 10004 /* Interrupted function call. */
#define WSAEBADF 10009 /* File handle is not valid. */
#define WSAEACCES 10013 /* Permission denied. */
#define WSAEFAULT 10014 /* Bad address. */
#define WSAEINVAL 10022 /* Invalid argument. */
#define WSAEMFILE 10024 /* Too many open files. */
#define WSAEWOULDBLOCK 10035 /* Resource temporarily unavailable. */
#define WSAEINPROGRESS 10036 /* Operation now in progress. */
#define WSAEALREADY 10037 /* Operation already in progress. */
#define WSAENOTSOCK 10038 /* Socket operation on nonsocket. */
#define WSAEDESTADDRREQ 10039 /* Destination address required. */
#define WSAEMSGSIZE 10040 /* Message too long. */
#define WSAEPROTOTYPE 10041 /* Protocol wrong type for socket. */
#define WSAENOPROTOOPT 10042 /* Bad protocol option. */
#define WSAEPROTONOSUPPORT 10043 /* Protocol not supported. */
#define WSAESOCKTNOSUPPORT 10044 /* Socket type not supported. */
#define WSAEOPNOTSUPP 10045 /* Operation not supported. */
#define WSAEPFNOSUPPORT 10046 /* Protocol family not supported. */
#define WSAEAFNOSUPPORT 10047 /* Address family not supported by protocol family. */
#define WSAEADDRINUSE 10048 /* Address already in use. */
#define WSAEADDRNOTAVAIL 10049 /* Cannot assign requested address. */
#define WSAENETDOWN 10050 /* Network is down. */
#define WSAENETUNREACH 10051 /* Network is unreachable. */
#define WSAENETRESET 10052 /* Network dropped connection on reset. */
#define WSAECONNABORTED 10053 /* Software caused connection abort. */
#define WSAECONNRESET 10054 /* Connection reset by peer. */
#define WSAENOBUFS 10055 /* No buffer space available. */
#define WSAEISCONN 10056 /* Socket is already connected. */
#define WSAENOTCONN 10057 /* Socket is not connected. */
#define WSAESHUTDOWN 10058 /* Cannot send after socket shutdown. */
#define WSAETIMEDOUT 10060 /* Connection timed out. */
#define WSAECONNREFUSED 10061 /* Connection refused. */
#define WSAEHOSTUNREACH 10065 /* No route to host. */
#define WSASYSNOTREADY 10091 /* Network subsystem is unavailable. */
#define WSAVERNOTSUPPORTED 10092 /* Winsock.dll version out of range. */
#define WSANOTINITIALISED 10093 /* Successful WSAStartup not yet performed. */
#define WSAEDISCON 10101 /* Graceful shutdown in progress. */
#define WSA_OPERATION_ABORTED 995 /* Overlapped operation aborted. */
#define WSATYPE_NOT_FOUND 10109 /* Class type not found. */
#define WSAHOST_NOT_FOUND 11001 /* Host not found. */
#define WSATRY_AGAIN 11002 /* Nonauthoritative host not found. */
#define WSANO_RECOVERY 11003 /* This is a nonrecoverable error. */
#define WSANO_DATA 11004 /* Valid name, no data record of requested type. */

/* Reported by this library itself (events, waits, overlapped I/O). */
#define WSA_INVALID_HANDLE 6 /* Specified event object handle is invalid. */
#define WSA_NOT_ENOUGH_MEMORY 8 /* Insufficient memory available. */
#define WSA_INVALID_PARAMETER 87 /* One or more parameters are invalid. */
#define WSA_IO_INCOMPLETE 996 /* Overlapped I/O event object not in signaled state. */
#define WSA_IO_PENDING 997 /* Overlapped operations will complete later. */

/* Defined by Windows; no call here reports them. */
#define WSAETOOMANYREFS 10059 /* Too many references. */
#define WSAELOOP 10062 /* Cannot translate name. */
#define WSAENAMETOOLONG 10063 /* Name too long. */
#define WSAEHOSTDOWN 10064 /* Host is down. */
#define WSAENOTEMPTY 10066 /* Directory not empty. */
#define WSAEPROCLIM 10067 /* Too many processes. */
#define WSAEUSERS 10068 /* User quota exceeded. */
#define WSAEDQUOT 10069 /* Disk quota exceeded. */
#define WSAESTALE 10070 /* Stale file handle reference. */
#define WSAEREMOTE 10071 /* Item is remote. */
#define WSAENOMORE 10102 /* No more results. */
#define WSAECANCELLED 10103 /* Call has been canceled. */
#define WSA_SECURE_HOST_NOT_FOUND 11032 /* No such host is known securely. */

#endif
