/* docs/async.md, issue 11: Winsock 1.1 blocking hooks. After a 1.x WSAStartup a
 * blocking call runs the program's hook while it waits; from inside the
 * hook only WSAIsBlocking and WSACancelBlockingCall work (every other call,
 * WSACleanup included, fails WSAEINPROGRESS), and a cancelled call fails
 * WSAEINTR. After a 2.x WSAStartup the four hook calls fail WSAEOPNOTSUPP. */
#include "conformance.h"

static int hook_calls;
static int cancel_after;
static int probed;
static SOCKET victim;

static BOOL CALLBACK hook(void)
{
    hook_calls++;
    if (!probed) {
        probed = 1;
        printf("inside the hook: WSAIsBlocking %d\n", WSAIsBlocking());
        CHECK("  WSACleanup from the hook", WSACleanup());
        CHECK("  socket from the hook", (int)socket(AF_INET, SOCK_STREAM, 0));
        CHECK("  closesocket from the hook", closesocket(victim));
        printf("  WSASetBlockingHook from the hook: %s %d\n", WSASetBlockingHook((FARPROC)hook) ? "set" : "NULL",
               WSAGetLastError());
        CHECK("  WSAUnhookBlockingHook from the hook", WSAUnhookBlockingHook());
    }
    if (cancel_after && hook_calls == cancel_after) CHECK("  WSACancelBlockingCall", WSACancelBlockingCall());
    return FALSE;
}

int main(void)
{
    WSADATA d;
    SOCKADDR_STORAGE addr;
    int len;
    SOCKET l, c, s;
    char buf[16];
    DWORD timeout = 200;
    fd_set set;
    struct timeval tv = { 0, 150000 };
    FARPROC previous;

    printf("WSASetBlockingHook before WSAStartup: %s %d\n", WSASetBlockingHook((FARPROC)hook) ? "set" : "NULL",
           WSAGetLastError());
    CHECK("WSAStartup 1.1", WSAStartup(MAKEWORD(1, 1), &d));
    printf("WSAIsBlocking outside a call: %d\n", WSAIsBlocking());
    CHECK("WSACancelBlockingCall with nothing blocking", WSACancelBlockingCall());
    previous = WSASetBlockingHook((FARPROC)hook);
    printf("WSASetBlockingHook returns the default hook: %d %d\n", previous != NULL && previous != (FARPROC)hook,
           WSAGetLastError());

    /* An accept nobody satisfies: the hook runs, refuses every other call,
     * and cancels on its third run. */
    l = listener(AF_INET, &addr, &len);
    victim = l;
    cancel_after = 3;
    CHECK("accept cancelled from the hook", (int)accept(l, NULL, NULL));
    printf("the hook ran %d times\n", hook_calls);
    printf("WSAIsBlocking after the call: %d\n", WSAIsBlocking());

    /* A recv the hook does not cancel ends by SO_RCVTIMEO; data already
     * there is returned without waiting. */
    c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK("connect with the hook installed", connect(c, (SOCKADDR *)&addr, len));
    s = accept(l, NULL, NULL);
    printf("accept of the queued connection: valid %d %d\n", s != INVALID_SOCKET, WSAGetLastError());
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof timeout);
    hook_calls = 0;
    cancel_after = 0;
    CHECK("recv with a 200 ms SO_RCVTIMEO", recv(s, buf, sizeof buf, 0));
    printf("the hook ran while recv waited: %d\n", hook_calls > 1);
    CHECK("send", send(c, "hook", 4, 0));
    Sleep(50);
    CHECK("recv of data already there", recv(s, buf, sizeof buf, 0));

    /* select waits its timeout with the hook running. */
    hook_calls = 0;
    FD_ZERO(&set);
    FD_SET(s, &set);
    CHECK("select with a 150 ms timeout", select(0, &set, NULL, NULL, &tv));
    printf("the hook ran while select waited: %d\n", hook_calls > 1);

    /* A recv cancelled from the hook fails WSAEINTR. */
    hook_calls = 0;
    cancel_after = 2;
    CHECK("recv cancelled from the hook", recv(s, buf, sizeof buf, 0));

    /* Unhooked: the default hook, which the program never sees running. */
    CHECK("WSAUnhookBlockingHook", WSAUnhookBlockingHook());
    hook_calls = 0;
    CHECK("recv after unhooking", recv(s, buf, sizeof buf, 0));
    printf("the hook ran %d times\n", hook_calls);
    closesocket(c);
    closesocket(s);
    closesocket(l);
    CHECK("WSACleanup", WSACleanup());

    /* Winsock 2: the hook calls are not offered. */
    CHECK("WSAStartup 2.2", WSAStartup(MAKEWORD(2, 2), &d));
    printf("WSASetBlockingHook after a 2.2 startup: %s %d\n", WSASetBlockingHook((FARPROC)hook) ? "set" : "NULL",
           WSAGetLastError());
    CHECK("WSAUnhookBlockingHook after a 2.2 startup", WSAUnhookBlockingHook());
    WSASetLastError(0);
    printf("WSAIsBlocking after a 2.2 startup: %d %d\n", WSAIsBlocking(), WSAGetLastError());
    CHECK("WSACancelBlockingCall after a 2.2 startup", WSACancelBlockingCall());
    CHECK("WSACleanup", WSACleanup());
    return 0;
}
