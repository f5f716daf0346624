/*
 * A thread-per-client TCP echo server written the way legacy Windows
 * servers are: a blocking accept loop, CreateThread for every client,
 * blocking recv/send in the client's thread, and a CRITICAL_SECTION
 * around the shared statistics. It compiles unchanged with winsock-cc
 * (which sees CreateThread and builds it with threads) and with MSVC.
 *
 *   winsock-cc -O2 thread_server.c -o thread_server.wasm -lws2_32
 *   winsock-run --allow-bind 127.0.0.1:7007 thread_server.wasm 127.0.0.1 7007
 *
 * Arguments: ADDRESS PORT [--max-clients N] (with N, the server stops
 * after its Nth client has been served, and prints its statistics).
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")

static CRITICAL_SECTION stats_lock;
static unsigned long clients_served, bytes_echoed;
static LONG clients_active, most_active;

static DWORD WINAPI serve_client(LPVOID param) {
    SOCKET client = (SOCKET)(UINT_PTR)param;
    char buf[8192];
    unsigned long total = 0;
    LONG now = InterlockedIncrement(&clients_active);
    if (now > most_active) most_active = now;
    for (;;) {
        int n = recv(client, buf, sizeof buf, 0);
        if (n == 0) break;
        if (n == SOCKET_ERROR) {
            fprintf(stderr, "recv failed: %d\n", WSAGetLastError());
            break;
        }
        for (int sent = 0; sent < n;) {
            int m = send(client, buf + sent, n - sent, 0);
            if (m == SOCKET_ERROR) {
                fprintf(stderr, "send failed: %d\n", WSAGetLastError());
                goto done;
            }
            sent += m;
        }
        total += (unsigned long)n;
    }
done:
    shutdown(client, SD_SEND);
    closesocket(client);
    InterlockedDecrement(&clients_active);
    EnterCriticalSection(&stats_lock);
    clients_served++;
    bytes_echoed += total;
    LeaveCriticalSection(&stats_lock);
    return 0;
}

int main(int argc, char **argv) {
    WSADATA wsa;
    struct addrinfo hints, *ai;
    long max_clients = 0;
    if (argc < 3) {
        fprintf(stderr, "usage: %s ADDRESS PORT [--max-clients N]\n", argv[0]);
        return 2;
    }
    if (argc >= 5 && strcmp(argv[3], "--max-clients") == 0) max_clients = atol(argv[4]);
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return 1;
    InitializeCriticalSection(&stats_lock);

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
    if (getaddrinfo(argv[1], argv[2], &hints, &ai) != 0) {
        fprintf(stderr, "bad address\n");
        return 1;
    }
    SOCKET listener = socket(ai->ai_family, SOCK_STREAM, IPPROTO_TCP);
    if (listener == INVALID_SOCKET || bind(listener, ai->ai_addr, (int)ai->ai_addrlen) == SOCKET_ERROR ||
        listen(listener, SOMAXCONN) == SOCKET_ERROR) {
        fprintf(stderr, "listen failed: %d\n", WSAGetLastError());
        return 1;
    }
    freeaddrinfo(ai);
    struct sockaddr_storage local;
    int len = sizeof local;
    char host[64], port[16];
    getsockname(listener, (struct sockaddr *)&local, &len);
    getnameinfo((struct sockaddr *)&local, len, host, sizeof host, port, sizeof port,
                NI_NUMERICHOST | NI_NUMERICSERV);
    printf("listening on %s:%s\n", host, port);
    fflush(stdout);

    HANDLE *threads = calloc(max_clients > 0 ? (size_t)max_clients : 1, sizeof *threads);
    long accepted = 0;
    while (max_clients == 0 || accepted < max_clients) {
        SOCKET client = accept(listener, NULL, NULL);
        if (client == INVALID_SOCKET) {
            fprintf(stderr, "accept failed: %d\n", WSAGetLastError());
            break;
        }
        HANDLE h = CreateThread(NULL, 0, serve_client, (LPVOID)(UINT_PTR)client, 0, NULL);
        if (h == NULL) {
            fprintf(stderr, "CreateThread failed: %lu\n", GetLastError());
            closesocket(client);
            continue;
        }
        if (max_clients > 0) threads[accepted] = h;
        else CloseHandle(h);
        accepted++;
    }
    /* Every client's thread finishes before the statistics are read. */
    for (long i = 0; i < accepted && max_clients > 0; i++) {
        WaitForSingleObject(threads[i], INFINITE);
        CloseHandle(threads[i]);
    }
    EnterCriticalSection(&stats_lock);
    printf("served %lu clients, %lu bytes, at most %ld at once\n", clients_served, bytes_echoed, most_active);
    LeaveCriticalSection(&stats_lock);
    DeleteCriticalSection(&stats_lock);
    closesocket(listener);
    WSACleanup();
    free(threads);
    return 0;
}
