/*
 * dkim_bodylen.c - the length of a body after DKIM body canonicalization,
 * RFC 6376 3.4.3 (simple) and 3.4.4 (relaxed).
 *
 * l= counts canonical bytes, so telling whether l= covers the whole body
 * needs the canonical length of all of it; libopendkim stops counting at
 * l=.  Only the length is computed, never the bytes: a line's trailing
 * white space (relaxed) and the empty lines at the end of the body are
 * held back until something follows them.
 *
 * Threads: one counter per message.
 */
#include "autoconfig.h"

#include <string.h>

#include "dkim_internal.h"

void
am_dkim_bodylen_init(struct am_dkim_bodylen *b, bool relaxed)
{
	memset(b, 0, sizeof(*b));
	b->relaxed = relaxed;
}

static void
end_line(struct am_dkim_bodylen *b)
{
	if (b->line == 0) {
		b->blanks++;
	} else {
		b->total += 2 * b->blanks + b->line + 2;
		b->blanks = 0;
	}
	b->line = 0;
	b->wsp = false;
}

/* RFC 6376 3.4.4: a run of WSP inside a line becomes one SP; at the end
 * of a line it goes. */
static void
content(struct am_dkim_bodylen *b, unsigned char c)
{
	if (b->relaxed && (c == ' ' || c == '\t')) {
		b->wsp = true;
		return;
	}
	if (b->wsp) {
		b->line++;
		b->wsp = false;
	}
	b->line++;
}

void
am_dkim_bodylen_add(struct am_dkim_bodylen *b, const unsigned char *p, size_t len)
{
	size_t k;

	for (k = 0; k < len; k++) {
		if (b->cr) {
			b->cr = false;
			if (p[k] == '\n') {
				end_line(b);
				continue;
			}
			content(b, '\r');
		}
		if (p[k] == '\r')
			b->cr = true;
		else
			content(b, p[k]);
	}
}

uint64_t
am_dkim_bodylen_total(const struct am_dkim_bodylen *b)
{
	struct am_dkim_bodylen end = *b;

	if (end.cr)
		content(&end, '\r');
	/* A last line without CRLF gets one (3.4.3, 3.4.4). */
	if (end.line > 0)
		end_line(&end);
	/* 3.4.3: an empty body is canonicalized as one CRLF. */
	if (end.total == 0 && !end.relaxed)
		return 2;
	return end.total;
}
