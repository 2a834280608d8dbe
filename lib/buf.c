/*
 * buf.c - length-tracked, growable byte strings (see buf.h).
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
am_buf_init(struct am_buf *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
	b->failed = false;
}

void
am_buf_release(struct am_buf *b)
{
	free(b->data);
	am_buf_init(b, b->limit);
}

void
am_buf_reset(struct am_buf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Makes room for extra more bytes plus the NUL. */
static bool
reserve(struct am_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return false;
	if (extra > SIZE_MAX - b->len - 1 ||
	    (b->limit != 0 && b->len + extra > b->limit)) {
		b->failed = true;
		return false;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap != 0 ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if ((p = realloc(b->data, cap)) == NULL) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void
am_buf_add(struct am_buf *b, const void *p, size_t len)
{
	/* Past the limit, keep what fits: a cut line is still a prefix. */
	if (!b->failed && b->limit != 0 && len > b->limit - b->len) {
		am_buf_add(b, p, b->limit - b->len);
		b->failed = true;
		return;
	}
	if (!reserve(b, len))
		return;
	if (len > 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
am_buf_adds(struct am_buf *b, const char *s)
{
	am_buf_add(b, s, strlen(s));
}

void
am_buf_vprintf(struct am_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
am_buf_printf(struct am_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	am_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
am_buf_truncate(struct am_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

const char *
am_buf_str(const struct am_buf *b)
{
	return b->data != NULL ? b->data : "";
}
