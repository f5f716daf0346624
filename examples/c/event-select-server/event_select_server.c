/*
 * event_select_server.c - a WSAEventSelect TCP echo server, written the way
 * Windows programmers wrote them: one event per socket, a listener and up
 * to WSA_MAXIMUM_WAIT_EVENTS - 1 clients, WSAWaitForMultipleEvents, then
 * WSAEnumNetworkEvents on the socket whose event fired. Compiles unchanged
 * with winsock-cc:
 *
 *   winsock-cc -O2 -Wall event_select_server.c -o event_select_server.wasm -lws2_32
 *   winsock-run --allow-bind 127.0.0.1:7007 event_select_server.wasm 127.0.0.1 7007
 *
 * Usage: event_select_server [ADDRESS] PORT [--max-clients N]
 * With --max-clients N it exits after serving N clients (for tests).
 */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")

#define BUFFER_SIZE 8192

typedef struct {
    SOCKET sock;
    char pending[BUFFER_SIZE]; /* received but not yet echoed */
    int pendingLen;
    int sentOff;
    BOOL peerDone;             /* the client sent FIN */
} CLIENT;

/* Slot 0 is the listener; slots 1.. are clients. */
static WSAEVENT g_events[WSA_MAXIMUM_WAIT_EVENTS];
static CLIENT g_clients[WSA_MAXIMUM_WAIT_EVENTS];
static DWORD g_count = 0;

static void CloseSlot(DWORD i)
{
    closesocket(g_clients[i].sock);
    WSACloseEvent(g_events[i]);
    g_count--;
    g_events[i] = g_events[g_count];
    g_clients[i] = g_clients[g_count];
}

/* Sends what is pending; FALSE when the connection failed. A send that
 * fails WSAEWOULDBLOCK is finished on FD_WRITE. */
static BOOL Flush(CLIENT *c)
{
    while (c->sentOff < c->pendingLen) {
        int n = send(c->sock, c->pending + c->sentOff, c->pendingLen - c->sentOff, 0);
        if (n == SOCKET_ERROR) return WSAGetLastError() == WSAEWOULDBLOCK;
        c->sentOff += n;
    }
    c->pendingLen = c->sentOff = 0;
    return TRUE;
}

/* Reads while there is room and data; FALSE when the connection failed. */
static BOOL Fill(CLIENT *c)
{
    while (c->pendingLen < BUFFER_SIZE) {
        int n = recv(c->sock, c->pending + c->pendingLen, BUFFER_SIZE - c->pendingLen, 0);
        if (n == 0) {
            c->peerDone = TRUE;
            return TRUE;
        }
        if (n == SOCKET_ERROR) return WSAGetLastError() == WSAEWOULDBLOCK;
        c->pendingLen += n;
    }
    return TRUE;
}

int main(int argc, char *argv[])
{
    WSADATA wsaData;
    SOCKET listenSock;
    SOCKADDR_IN addr;
    const char *address = "127.0.0.1";
    const char *portText = NULL;
    int maxClients = -1, served = 0;
    int i, rc, len;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--max-clients") == 0 && i + 1 < argc) {
            maxClients = atoi(argv[++i]);
        } else if (portText == NULL && i + 1 < argc && argv[i + 1][0] != '-') {
            address = argv[i];
        } else {
            portText = argv[i];
        }
    }
    if (portText == NULL) {
        fprintf(stderr, "usage: event_select_server [ADDRESS] PORT [--max-clients N]\n");
        return 2;
    }

    rc = WSAStartup(MAKEWORD(2, 2), &wsaData);
    if (rc != 0) {
        fprintf(stderr, "WSAStartup failed: %d\n", rc);
        return 1;
    }

    listenSock = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ZeroMemory(&addr, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((u_short)atoi(portText));
    addr.sin_addr.s_addr = inet_addr(address);
    if (listenSock == INVALID_SOCKET || bind(listenSock, (SOCKADDR *)&addr, sizeof(addr)) == SOCKET_ERROR ||
        listen(listenSock, SOMAXCONN) == SOCKET_ERROR) {
        fprintf(stderr, "listen on %s:%s failed: %d\n", address, portText, WSAGetLastError());
        WSACleanup();
        return 1;
    }
    len = sizeof(addr);
    getsockname(listenSock, (SOCKADDR *)&addr, &len);

    g_events[0] = WSACreateEvent();
    g_clients[0].sock = listenSock;
    g_count = 1;
    if (WSAEventSelect(listenSock, g_events[0], FD_ACCEPT | FD_CLOSE) == SOCKET_ERROR) {
        fprintf(stderr, "WSAEventSelect failed: %d\n", WSAGetLastError());
        WSACleanup();
        return 1;
    }
    printf("listening on %s:%d\n", inet_ntoa(addr.sin_addr), ntohs(addr.sin_port));
    fflush(stdout);

    while (maxClients < 0 || served < maxClients || g_count > 1) {
        DWORD index, first;
        first = WSAWaitForMultipleEvents(g_count, g_events, FALSE, WSA_INFINITE, FALSE);
        if (first == WSA_WAIT_FAILED) {
            fprintf(stderr, "WSAWaitForMultipleEvents failed: %d\n", WSAGetLastError());
            break;
        }
        /* The lowest signalled index is reported; look at every socket
         * from there, so a busy client cannot starve the ones after it. */
        for (index = first - WSA_WAIT_EVENT_0; index < g_count; index++) {
            WSANETWORKEVENTS ne;
            CLIENT *c = &g_clients[index];
            if (WSAWaitForMultipleEvents(1, &g_events[index], FALSE, 0, FALSE) != WSA_WAIT_EVENT_0) continue;
            if (WSAEnumNetworkEvents(c->sock, g_events[index], &ne) == SOCKET_ERROR) {
                fprintf(stderr, "WSAEnumNetworkEvents failed: %d\n", WSAGetLastError());
                continue;
            }
            if (index == 0) {
                if (ne.lNetworkEvents & FD_ACCEPT) {
                    SOCKET s = accept(listenSock, NULL, NULL);
                    if (s == INVALID_SOCKET) continue;
                    if (g_count == WSA_MAXIMUM_WAIT_EVENTS) {
                        closesocket(s); /* full: no slot for its event */
                        continue;
                    }
                    /* The accepted socket inherited the listener's
                     * selection; it gets its own event and events. */
                    g_events[g_count] = WSACreateEvent();
                    ZeroMemory(&g_clients[g_count], sizeof(CLIENT));
                    g_clients[g_count].sock = s;
                    WSAEventSelect(s, g_events[g_count], FD_READ | FD_WRITE | FD_CLOSE);
                    g_count++;
                    served++;
                }
                continue;
            }
            if (ne.lNetworkEvents & FD_CLOSE && ne.iErrorCode[FD_CLOSE_BIT] != 0) {
                CloseSlot(index--);
                continue;
            }
            /* Echo: read what fits, send it, again until the data or the
             * socket's send space runs out. */
            if (ne.lNetworkEvents & (FD_READ | FD_WRITE | FD_CLOSE)) {
                BOOL ok = Flush(c);
                while (ok && c->pendingLen == 0 && !c->peerDone) {
                    int before = c->pendingLen;
                    ok = Fill(c) && Flush(c);
                    if (c->pendingLen == before && c->pendingLen == 0 && !c->peerDone) break;
                    if (c->pendingLen != 0) break; /* FD_WRITE will finish it */
                }
                if (!ok) {
                    CloseSlot(index--);
                    continue;
                }
                if (c->peerDone && c->pendingLen == 0) {
                    shutdown(c->sock, SD_SEND);
                    CloseSlot(index--);
                }
            }
        }
    }

    closesocket(listenSock);
    WSACloseEvent(g_events[0]);
    WSACleanup();
    return 0;
}
