/*
 * bodycanon.c - DKIM body canonicalization, RFC 6376 3.4.3 (simple) and
 * 3.4.4 (relaxed), streamed (see bodycanon.h).
 *
 * simple   every byte as it is; the empty lines at the end go; an empty
 *          body is one CRLF.
 * relaxed  a run of SP and HTAB inside a line is one SP, at the end of a
 *          line it goes; the empty lines at the end go; a last line
 *          without CRLF gets one; an empty body stays empty.
 *
 * Output is collected in a small buffer and handed on in runs, so the
 * hash behind it is not called once per byte.
 */
#include "autoconfig.h"

#include <string.h>

#include "bodycanon.h"

void
am_bodycanon_init(struct am_bodycanon *c, bool relaxed,
    am_bodycanon_emit_fn *emit, void *arg, unsigned char *buf, size_t size)
{
	c->relaxed = relaxed;
	c->cr = c->wsp = c->in_line = c->finished = false;
	c->blanks = 0;
	c->total = 0;
	c->emit = buf != NULL && size > 0 ? emit : NULL;
	c->arg = arg;
	c->buf = buf;
	c->size = size;
	c->nbuf = 0;
}

static void
flush(struct am_bodycanon *c)
{
	if (c->nbuf > 0 && c->emit != NULL)
		c->emit(c->arg, c->buf, c->nbuf);
	c->nbuf = 0;
}

static inline void
out(struct am_bodycanon *c, unsigned char ch)
{
	c->total++;
	if (c->emit == NULL)
		return;
	if (c->nbuf == c->size)
		flush(c);
	c->buf[c->nbuf++] = ch;
}

static void
crlf(struct am_bodycanon *c)
{
	out(c, '\r');
	out(c, '\n');
}

/* One byte of a line's content. */
static inline void
content(struct am_bodycanon *c, unsigned char ch)
{
	if (c->relaxed && (ch == ' ' || ch == '\t')) {
		c->wsp = true;
		return;
	}
	if (!c->in_line) {
		/* the empty lines held back were not the end after all */
		for (; c->blanks > 0; c->blanks--)
			crlf(c);
		c->in_line = true;
	}
	if (c->wsp) {
		out(c, ' ');
		c->wsp = false;
	}
	out(c, ch);
}

static void
end_line(struct am_bodycanon *c)
{
	if (c->in_line) {
		crlf(c);
		c->in_line = false;
	} else
		c->blanks++;
	c->wsp = false;
}

void
am_bodycanon_add(struct am_bodycanon *c, const unsigned char *p, size_t len)
{
	size_t k;

	for (k = 0; k < len && !c->finished; k++) {
		if (c->cr) {
			c->cr = false;
			if (p[k] == '\n') {
				end_line(c);
				continue;
			}
			content(c, '\r');
		}
		if (p[k] == '\r')
			c->cr = true;
		else
			content(c, p[k]);
	}
	flush(c);
}

void
am_bodycanon_finish(struct am_bodycanon *c)
{
	if (c->finished)
		return;
	if (c->cr) {
		c->cr = false;
		content(c, '\r');
	}
	/* A last line without CRLF gets one (3.4.3, 3.4.4). */
	if (c->in_line)
		end_line(c);
	/* 3.4.3: an empty body is canonicalized as one CRLF. */
	if (!c->relaxed && c->total == 0)
		crlf(c);
	flush(c);
	c->finished = true;
}
