/*
 * dkim_state.c - the helpers both halves of the DKIM wrapper share
 * (dkim_state.h): dkim.c feeds libopendkim and dkim_verdict.c judges
 * what it found; both mark a message's verification broken and both
 * write times in reasons.  Kept here so that neither half calls into
 * the other.
 *
 * Threads: works on one message's state.
 */
#include "autoconfig.h"

#include <time.h>

#include "dkim_state.h"

void
am_dkim_failed(struct am_dkim *m, const char *step, DKIM_STAT st)
{
	if (m->failed != NULL)
		return;
	if (st == DKIM_STAT_OK)
		m->failed = am_arena_printf(m->arena,
		    "DKIM verifier failure (%s)", step);
	else
		m->failed = am_arena_printf(m->arena,
		    "DKIM verifier failure (libopendkim %s: %s)", step,
		    dkim_getresultstr(st));
	if (m->failed == NULL)
		m->failed = "DKIM verifier failure (out of memory)";
	am_trace_add(m->trace, "dkim", 0, "%s", m->failed);
}

const char *
am_dkim_when(struct am_arena *arena, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char text[64];

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		return am_arena_printf(arena, "%llu", (unsigned long long)t);
	return am_arena_strdup(arena, text);
}
