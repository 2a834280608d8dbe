/*
 * trace.c - the step-by-step explanation of an evaluation (see trace.h).
 */
#include "autoconfig.h"

#include <stdarg.h>

#include "trace.h"

#define TRACE_MAX 1000

void
am_trace_init(struct am_trace *trace, struct am_arena *arena)
{
	trace->arena = arena;
	trace->head = NULL;
	trace->tail = &trace->head;
	trace->count = 0;
	trace->max = TRACE_MAX;
}

void
am_trace_add(struct am_trace *trace, const char *method, unsigned depth,
    const char *fmt, ...)
{
	struct am_trace_line *line;
	va_list ap;

	if (trace == NULL || trace->count >= trace->max)
		return;
	if ((line = am_arena_zalloc(trace->arena, sizeof(*line))) == NULL)
		return;
	va_start(ap, fmt);
	line->text = am_arena_vprintf(trace->arena, fmt, ap);
	va_end(ap);
	if (line->text == NULL)
		return;
	line->method = method;
	line->depth = depth;
	*trace->tail = line;
	trace->tail = &line->next;
	trace->count++;
}
