/*
 * guest/c/lib/overlapped.c, compiled as it is, plus read-only views of its
 * queues for the c_async_calls invariants.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "overlapped.c"

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
