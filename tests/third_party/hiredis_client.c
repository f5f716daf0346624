/* A Windows program using hiredis (the copy vendored in the PyPI sdist
 * hiredis 3.5.0, built unmodified with its sockcompat.c Winsock layer) against
 * a real redis-server. tests/third_party/fetch-and-build.sh compiles it with
 * winsock-cc; tests/tests/third_party.rs runs it under winsock-run.
 *
 * Usage: hiredis-client HOST PORT
 *
 * Prints one line per check, "hiredis: all checks passed" at the end, and
 * exits 1 at the first failed check. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hiredis/hiredis.h>

#define PIPELINED_INCRS 100
/* The receive timeout set with redisSetTimeout, and how long the command
 * that must outlast it blocks on the server (BLPOP's own timeout). */
#define RECV_TIMEOUT_MS 700
#define BLPOP_SECONDS 10

static int fail(const char *check, const char *why) {
    printf("%s: FAILED: %s\n", check, why);
    return 1;
}

static int expect_reply(const char *check, redisContext *c, redisReply *r, int type) {
    char why[256];
    if (r == NULL) {
        snprintf(why, sizeof why, "no reply (context error %d: %s)", c->err, c->errstr);
        return fail(check, why);
    }
    if (r->type != type) {
        snprintf(why, sizeof why, "reply type %d, expected %d (%.*s)", r->type, type,
                 (int)(r->str ? r->len : 0), r->str ? r->str : "");
        freeReplyObject(r);
        return fail(check, why);
    }
    return 0;
}

int main(int argc, char **argv) {
    char why[256];
    redisContext *c;
    redisReply *r;
    const char key[] = "winsock:hiredis:binary";
    const char value[] = "a\0b\r\n\0c"; /* NULs and a CRLF: binary-safe only */
    const size_t value_len = sizeof value - 1;
    int i;

    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 2;
    }

    c = redisConnect(argv[1], atoi(argv[2]));
    if (c == NULL)
        return fail("connect", "redisConnect returned NULL");
    if (c->err) {
        snprintf(why, sizeof why, "error %d: %s", c->err, c->errstr);
        return fail("connect", why);
    }
    printf("connect: ok\n");

    r = redisCommand(c, "PING");
    if (expect_reply("PING", c, r, REDIS_REPLY_STATUS))
        return 1;
    if (strcmp(r->str, "PONG") != 0)
        return fail("PING", r->str);
    printf("PING: %s\n", r->str);
    freeReplyObject(r);

    r = redisCommand(c, "SET %s %b", key, value, value_len);
    if (expect_reply("SET", c, r, REDIS_REPLY_STATUS))
        return 1;
    freeReplyObject(r);
    r = redisCommand(c, "GET %s", key);
    if (expect_reply("GET", c, r, REDIS_REPLY_STRING))
        return 1;
    if (r->len != value_len || memcmp(r->str, value, value_len) != 0) {
        snprintf(why, sizeof why, "GET returned %zu bytes, expected the %zu set", r->len, value_len);
        return fail("SET/GET binary", why);
    }
    freeReplyObject(r);
    printf("SET/GET binary-safe: %zu bytes with 2 NULs round-tripped\n", value_len);

    r = redisCommand(c, "DEL winsock:hiredis:counter");
    if (expect_reply("DEL", c, r, REDIS_REPLY_INTEGER))
        return 1;
    freeReplyObject(r);
    for (i = 0; i < PIPELINED_INCRS; i++) {
        if (redisAppendCommand(c, "INCR winsock:hiredis:counter") != REDIS_OK)
            return fail("pipeline", "redisAppendCommand failed");
    }
    for (i = 1; i <= PIPELINED_INCRS; i++) {
        void *reply = NULL;
        if (redisGetReply(c, &reply) != REDIS_OK) {
            snprintf(why, sizeof why, "redisGetReply %d: error %d: %s", i, c->err, c->errstr);
            return fail("pipeline", why);
        }
        r = reply;
        if (expect_reply("pipeline", c, r, REDIS_REPLY_INTEGER))
            return 1;
        if (r->integer != i) {
            snprintf(why, sizeof why, "reply %d was %lld", i, r->integer);
            return fail("pipeline", why);
        }
        freeReplyObject(r);
    }
    printf("pipeline: %d INCRs sent before any reply read, replies 1..%d in order\n",
           PIPELINED_INCRS, PIPELINED_INCRS);

    /* On Windows hiredis does this with WSAIoctl(SIO_KEEPALIVE_VALS). */
    if (redisEnableKeepAlive(c) != REDIS_OK) {
        snprintf(why, sizeof why, "error %d: %s", c->err, c->errstr);
        return fail("keepalive", why);
    }
    r = redisCommand(c, "PING");
    if (expect_reply("keepalive", c, r, REDIS_REPLY_STATUS))
        return 1;
    freeReplyObject(r);
    printf("keepalive: redisEnableKeepAlive ok, connection still answers\n");

    {
        /* hiredis sets SO_RCVTIMEO/SO_SNDTIMEO (as DWORD milliseconds on
         * Windows); BLPOP on an empty list blocks longer than that. */
        struct timeval tv;
        ULONGLONG start, elapsed;
        tv.tv_sec = RECV_TIMEOUT_MS / 1000;
        tv.tv_usec = (RECV_TIMEOUT_MS % 1000) * 1000;
        if (redisSetTimeout(c, tv) != REDIS_OK) {
            snprintf(why, sizeof why, "redisSetTimeout: error %d: %s", c->err, c->errstr);
            return fail("timeout", why);
        }
        start = GetTickCount64();
        r = redisCommand(c, "BLPOP winsock:hiredis:empty %d", BLPOP_SECONDS);
        elapsed = GetTickCount64() - start;
        if (r != NULL) {
            freeReplyObject(r);
            return fail("timeout", "BLPOP returned a reply instead of timing out");
        }
        if (c->err != REDIS_ERR_TIMEOUT) {
            snprintf(why, sizeof why, "error %d (%s), expected REDIS_ERR_TIMEOUT (%d)",
                     c->err, c->errstr, REDIS_ERR_TIMEOUT);
            return fail("timeout", why);
        }
        if (elapsed + 50 < RECV_TIMEOUT_MS || elapsed > 3 * RECV_TIMEOUT_MS) {
            snprintf(why, sizeof why, "timed out after %llu ms, expected about %d ms",
                     (unsigned long long)elapsed, RECV_TIMEOUT_MS);
            return fail("timeout", why);
        }
        printf("timeout: BLPOP %d s failed with REDIS_ERR_TIMEOUT (\"%s\") after the %d ms receive timeout\n",
               BLPOP_SECONDS, c->errstr, RECV_TIMEOUT_MS);
    }

    redisFree(c);
    printf("hiredis: all checks passed\n");
    return 0;
}
