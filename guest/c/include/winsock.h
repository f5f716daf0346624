/* winsock.h: Winsock 1.1 programs get the same (Winsock 2) declarations. */
#include <winsock2.h>
