/*
 * guest/c/lib/events.c, compiled as it is, plus read-only views of its
 * tables for the c_async_calls invariants: an event's state without a
 * wait (a wait would make progress and change what is observed).
 */
#include "events.c"

/* 1 signalled, 0 not, -1 no such event. */
int fz_event_signalled(HANDLE h) {
    struct event *e = find_event(h);
    return e == NULL ? -1 : e->signalled;
}

size_t fz_selection_count(void) { return selection_count; }
size_t fz_event_count(void) { return event_count; }
