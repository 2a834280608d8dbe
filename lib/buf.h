/*
 * buf.h - length-tracked, growable byte strings.
 *
 * The one way strings are built in authmilter (no strcpy/strcat/sprintf).
 * A buffer keeps a NUL after its bytes, so data can be handed to C string
 * functions, and it remembers failure: once an append runs out of memory or
 * over the buffer's limit, later appends do nothing and am_buf_failed()
 * tells, so a builder checks once at the end instead of after every step.
 * An append that passes the limit keeps the bytes that fit.
 */
#ifndef AM_BUF_H
#define AM_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct am_buf {
	char *data;   /* NUL-terminated once anything was added; may be NULL */
	size_t len;   /* bytes, excluding the NUL */
	size_t cap;   /* allocated bytes */
	size_t limit; /* maximum len; 0 = no limit */
	bool failed;  /* an append was lost (ENOMEM or limit) */
};

/* An empty buffer that refuses to grow past limit bytes (0: unbounded). */
void am_buf_init(struct am_buf *b, size_t limit);

/* Frees the storage; the buffer is empty and usable again. */
void am_buf_release(struct am_buf *b);

/* Empties the buffer and clears the failure flag, keeping the storage. */
void am_buf_reset(struct am_buf *b);

void am_buf_add(struct am_buf *b, const void *p, size_t len);
void am_buf_adds(struct am_buf *b, const char *s);
void am_buf_printf(struct am_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void am_buf_vprintf(struct am_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Shortens the buffer to len bytes (len <= b->len). */
void am_buf_truncate(struct am_buf *b, size_t len);

/* The contents as a C string; "" when empty.  Borrowed from b. */
const char *am_buf_str(const struct am_buf *b);

static inline bool
am_buf_failed(const struct am_buf *b)
{
	return b->failed;
}

/* One byte; inline because parsers append byte by byte. */
static inline void
am_buf_addc(struct am_buf *b, char c)
{
	if (!b->failed && b->len + 1 < b->cap &&
	    (b->limit == 0 || b->len < b->limit)) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
	} else
		am_buf_add(b, &c, 1);
}

#endif
