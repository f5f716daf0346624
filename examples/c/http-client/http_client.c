/*
 * http_client.c - a blocking HTTP/1.0 client in the classic Winsock style:
 * gethostbyname, connect, send the request, recv until the server closes.
 * Compiles unchanged with winsock-cc:
 *
 *   winsock-cc -O2 -Wall http_client.c -o http_client.wasm -lws2_32
 *   winsock-run --allow-connect 127.0.0.1:8000 --allow-lookup=localhost \
 *       http_client.wasm localhost 8000 /index.html
 *
 * Usage: http_client HOST PORT [PATH]. The response goes to stdout; errors
 * go to stderr with the Winsock error code, and the exit code is 1.
 */
/* Windows requires <winsock2.h> before <windows.h> (which would otherwise
 * pull in the old <winsock.h> and redefine every structure). */
#define _WINSOCK_DEPRECATED_NO_WARNINGS
#define _CRT_SECURE_NO_WARNINGS
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")

int main(int argc, char *argv[])
{
    WSADATA wsaData;
    SOCKET sock;
    SOCKADDR_IN server;
    LPHOSTENT host;
    char request[1024];
    char buffer[4096];
    const char *path;
    int rc, sent, total, received;

    if (argc < 3) {
        fprintf(stderr, "usage: http_client HOST PORT [PATH]\n");
        return 2;
    }
    path = argc > 3 ? argv[3] : "/";

    if ((rc = WSAStartup(MAKEWORD(2, 2), &wsaData)) != 0) {
        fprintf(stderr, "WSAStartup failed: %d\n", rc);
        return 1;
    }

    ZeroMemory(&server, sizeof(server));
    server.sin_family = AF_INET;
    server.sin_port = htons((u_short)atoi(argv[2]));
    server.sin_addr.s_addr = inet_addr(argv[1]);
    if (server.sin_addr.s_addr == INADDR_NONE) {
        host = gethostbyname(argv[1]);
        if (host == NULL) {
            fprintf(stderr, "gethostbyname(%s) failed: %d\n", argv[1], WSAGetLastError());
            WSACleanup();
            return 1;
        }
        CopyMemory(&server.sin_addr, host->h_addr_list[0], host->h_length);
    }

    sock = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (sock == INVALID_SOCKET) {
        fprintf(stderr, "socket failed: %d\n", WSAGetLastError());
        WSACleanup();
        return 1;
    }

    if (connect(sock, (LPSOCKADDR)&server, sizeof(server)) == SOCKET_ERROR) {
        fprintf(stderr, "connect to %s:%s failed: %d\n", inet_ntoa(server.sin_addr), argv[2], WSAGetLastError());
        closesocket(sock);
        WSACleanup();
        return 1;
    }

    total = sprintf(request, "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: winsock-wasm-c\r\n\r\n", path, argv[1]);
    for (sent = 0; sent < total; sent += rc) {
        rc = send(sock, request + sent, total - sent, 0);
        if (rc == SOCKET_ERROR) {
            fprintf(stderr, "send failed: %d\n", WSAGetLastError());
            closesocket(sock);
            WSACleanup();
            return 1;
        }
    }

    received = 0;
    for (;;) {
        rc = recv(sock, buffer, sizeof(buffer), 0);
        if (rc == 0)
            break;
        if (rc == SOCKET_ERROR) {
            fprintf(stderr, "recv failed: %d\n", WSAGetLastError());
            closesocket(sock);
            WSACleanup();
            return 1;
        }
        fwrite(buffer, 1, rc, stdout);
        received += rc;
    }

    closesocket(sock);
    WSACleanup();
    fprintf(stderr, "received %d bytes\n", received);
    return 0;
}
