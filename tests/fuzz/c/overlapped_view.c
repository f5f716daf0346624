/*
 * guest/c/lib/overlapped.c, compiled as it is, plus read-only views of its
 * queues for the c_async_calls invariants.
 *
 * One known defect is worked around here so that fuzzing can go on past
 * it: attempt() advances op->buffers as a send progresses, and complete()
 * then frees the advanced pointer (free of a pointer malloc never
 * returned) after every overlapped send that moved data. The file's
 * malloc/calloc/free go through a registry that frees the block an
 * advanced pointer lies in. With C_ASYNC_STRICT set, free() gets the
 * pointer as the library passes it, which reproduces the crash.
 */
#include <stdlib.h>
#include <stdint.h>
#include <stdbool.h>

extern bool fz_strict(void);

struct fz_block { char *start; size_t size; };
static struct fz_block fz_blocks[4096];
static size_t fz_block_count;

static void *fz_track(void *p, size_t size) {
    if (p != NULL && fz_block_count < sizeof fz_blocks / sizeof fz_blocks[0])
        fz_blocks[fz_block_count++] = (struct fz_block){ p, size };
    return p;
}

static void *fz_malloc(size_t size) { return fz_track(malloc(size), size); }
static void *fz_calloc(size_t n, size_t size) { return fz_track(calloc(n, size), n * size); }

static void fz_free(void *p) {
    if (p == NULL) return;
    char *c = p;
    size_t found = fz_block_count;
    for (size_t i = 0; i < fz_block_count && found == fz_block_count; i++)
        if (fz_blocks[i].start == c) found = i;
    for (size_t i = 0; i < fz_block_count && found == fz_block_count; i++)
        if (c > fz_blocks[i].start && c <= fz_blocks[i].start + fz_blocks[i].size) found = i;
    if (found == fz_block_count || fz_strict()) {
        free(p);
        return;
    }
    free(fz_blocks[found].start);
    fz_blocks[found] = fz_blocks[--fz_block_count];
}

#define malloc fz_malloc
#define calloc fz_calloc
#define free fz_free
#include "overlapped.c"
#undef malloc
#undef calloc
#undef free

size_t fz_pending_operations(void) {
    size_t n = 0;
    for (struct operation *op = operations; op != NULL; op = op->next) n++;
    return n;
}

size_t fz_queued_routines(void) {
    size_t n = 0;
    for (struct queued_routine *q = routines_head; q != NULL; q = q->next) n++;
    return n;
}
