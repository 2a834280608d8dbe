/*
 * trace.h - the step-by-step explanation of an evaluation.
 *
 * Evaluators append one line per step ("TXT example.com: v=spf1 ...",
 * "include:_spf.example.net (DNS term 1 of 10)"); authmilter-check prints
 * them.  A NULL trace records nothing, so the daemon pays nothing for it.
 */
#ifndef AM_TRACE_H
#define AM_TRACE_H

#include <stddef.h>

#include "arena.h"

struct am_trace_line {
	struct am_trace_line *next;
	const char *method; /* "spf", "dkim", ... */
	unsigned depth;	    /* nesting (include, redirect) */
	const char *text;
};

struct am_trace {
	struct am_arena *arena;
	struct am_trace_line *head, **tail;
	size_t count, max; /* lines kept; a hostile message cannot flood it */
};

/* An empty trace whose lines come from arena. */
void am_trace_init(struct am_trace *trace, struct am_arena *arena);

/* Appends a line; does nothing when trace is NULL or full. */
void am_trace_add(struct am_trace *trace, const char *method, unsigned depth,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
