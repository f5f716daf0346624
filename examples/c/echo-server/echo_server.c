/*
 * echo_server.c - a select()-based multi-client TCP echo server, written the
 * way Windows programmers wrote them. Compiles unchanged with winsock-cc:
 *
 *   winsock-cc -O2 -Wall echo_server.c -o echo_server.wasm -lws2_32
 *   winsock-run --allow-bind 127.0.0.1:7007 echo_server.wasm 127.0.0.1 7007
 *
 * Usage: echo_server [ADDRESS] PORT [--max-clients N]
 * With --max-clients N it exits after serving N clients (for tests).
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")

#define BUFFER_SIZE 8192
#define MAX_CLIENTS (FD_SETSIZE - 1)

typedef struct {
    SOCKET sock;
    char pending[BUFFER_SIZE]; /* received but not yet echoed */
    int pendingLen;
    int sentOff;
    BOOL peerDone;             /* the client sent FIN */
} CLIENT;

static CLIENT g_clients[MAX_CLIENTS];
static int g_clientCount = 0;

static void CloseClient(int i)
{
    closesocket(g_clients[i].sock);
    g_clients[i] = g_clients[g_clientCount - 1];
    g_clientCount--;
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
    u_long nonBlocking = 1;

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
        fprintf(stderr, "usage: echo_server [ADDRESS] PORT [--max-clients N]\n");
        return 2;
    }

    rc = WSAStartup(MAKEWORD(2, 2), &wsaData);
    if (rc != 0) {
        fprintf(stderr, "WSAStartup failed: %d\n", rc);
        return 1;
    }

    listenSock = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (listenSock == INVALID_SOCKET) {
        fprintf(stderr, "socket failed: %d\n", WSAGetLastError());
        WSACleanup();
        return 1;
    }

    ZeroMemory(&addr, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((u_short)atoi(portText));
    addr.sin_addr.s_addr = inet_addr(address);
    if (addr.sin_addr.s_addr == INADDR_NONE) {
        fprintf(stderr, "bad address: %s\n", address);
        closesocket(listenSock);
        WSACleanup();
        return 2;
    }

    if (bind(listenSock, (SOCKADDR *)&addr, sizeof(addr)) == SOCKET_ERROR) {
        fprintf(stderr, "bind failed: %d\n", WSAGetLastError());
        closesocket(listenSock);
        WSACleanup();
        return 1;
    }
    if (listen(listenSock, SOMAXCONN) == SOCKET_ERROR) {
        fprintf(stderr, "listen failed: %d\n", WSAGetLastError());
        closesocket(listenSock);
        WSACleanup();
        return 1;
    }

    len = sizeof(addr);
    getsockname(listenSock, (SOCKADDR *)&addr, &len);
    printf("listening on %s:%d\n", inet_ntoa(addr.sin_addr), ntohs(addr.sin_port));
    fflush(stdout);

    while (maxClients < 0 || served < maxClients || g_clientCount > 0) {
        fd_set readSet, writeSet;
        FD_ZERO(&readSet);
        FD_ZERO(&writeSet);
        if (g_clientCount < MAX_CLIENTS && (maxClients < 0 || served < maxClients))
            FD_SET(listenSock, &readSet);
        for (i = 0; i < g_clientCount; i++) {
            if (g_clients[i].pendingLen > 0)
                FD_SET(g_clients[i].sock, &writeSet);
            else if (!g_clients[i].peerDone)
                FD_SET(g_clients[i].sock, &readSet);
        }

        rc = select(0, &readSet, &writeSet, NULL, NULL);
        if (rc == SOCKET_ERROR) {
            fprintf(stderr, "select failed: %d\n", WSAGetLastError());
            break;
        }

        if (FD_ISSET(listenSock, &readSet)) {
            SOCKADDR_IN peer;
            int peerLen = sizeof(peer);
            SOCKET s = accept(listenSock, (SOCKADDR *)&peer, &peerLen);
            if (s == INVALID_SOCKET) {
                fprintf(stderr, "accept failed: %d\n", WSAGetLastError());
            } else if (ioctlsocket(s, FIONBIO, &nonBlocking) == SOCKET_ERROR) {
                fprintf(stderr, "ioctlsocket failed: %d\n", WSAGetLastError());
                closesocket(s);
            } else {
                ZeroMemory(&g_clients[g_clientCount], sizeof(CLIENT));
                g_clients[g_clientCount].sock = s;
                g_clientCount++;
                served++;
                printf("client %d from %s\n", served, inet_ntoa(peer.sin_addr));
                fflush(stdout);
            }
        }

        for (i = g_clientCount - 1; i >= 0; i--) {
            CLIENT *c = &g_clients[i];
            if (FD_ISSET(c->sock, &readSet)) {
                rc = recv(c->sock, c->pending, BUFFER_SIZE, 0);
                if (rc == 0) {
                    c->peerDone = TRUE;
                } else if (rc == SOCKET_ERROR) {
                    if (WSAGetLastError() != WSAEWOULDBLOCK) {
                        fprintf(stderr, "recv failed: %d\n", WSAGetLastError());
                        CloseClient(i);
                        continue;
                    }
                } else {
                    c->pendingLen = rc;
                    c->sentOff = 0;
                }
            }
            if (FD_ISSET(c->sock, &writeSet)) {
                rc = send(c->sock, c->pending + c->sentOff, c->pendingLen - c->sentOff, 0);
                if (rc == SOCKET_ERROR) {
                    if (WSAGetLastError() != WSAEWOULDBLOCK) {
                        fprintf(stderr, "send failed: %d\n", WSAGetLastError());
                        CloseClient(i);
                        continue;
                    }
                } else {
                    c->sentOff += rc;
                    if (c->sentOff == c->pendingLen)
                        c->pendingLen = c->sentOff = 0;
                }
            }
            if (c->peerDone && c->pendingLen == 0) {
                /* Everything echoed: a graceful close sends our FIN. */
                shutdown(c->sock, SD_SEND);
                CloseClient(i);
            }
        }
    }

    closesocket(listenSock);
    WSACleanup();
    printf("served %d clients\n", served);
    return 0;
}
