/*
 * bodycanon.h - DKIM body canonicalization, RFC 6376 3.4.3 (simple) and
 * 3.4.4 (relaxed), streamed.
 *
 * One machine serves two users: DKIM, which only needs the canonical
 * length (l= is measured against it, dkim_bodylen.c), and ARC, which
 * hashes the canonical bytes (arc.c, arc_seal.c).  The body arrives in
 * pieces of any size; a line's trailing white space (relaxed) and the
 * empty lines at the end of the body are held back until something
 * follows them, so the output is final as soon as it is emitted.
 *
 * Threads: one canonicalizer per message and use.
 */
#ifndef AM_BODYCANON_H
#define AM_BODYCANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Receives canonical bytes, in order. */
typedef void am_bodycanon_emit_fn(void *arg, const unsigned char *p,
    size_t len);

#define AM_BODYCANON_BUF 1024 /* a good size for the emit buffer */

struct am_bodycanon {
	bool relaxed;
	bool cr;	 /* the previous byte was a CR not yet judged */
	bool wsp;	 /* relaxed: a run of white space is pending */
	bool in_line;	 /* the current line has canonical content */
	bool finished;
	uint64_t blanks; /* empty lines held back */
	uint64_t total;	 /* canonical bytes emitted so far */
	am_bodycanon_emit_fn *emit; /* NULL: count only */
	void *arg;
	unsigned char *buf; /* the caller's, size bytes: output is handed
			       on in runs of that size */
	size_t size, nbuf;
};

/* A canonicalizer that hands its output to emit(arg, ...) through buf
 * (size bytes, borrowed; AM_BODYCANON_BUF is a good size), or with emit
 * NULL only counts (buf may then be NULL). */
void am_bodycanon_init(struct am_bodycanon *c, bool relaxed,
    am_bodycanon_emit_fn *emit, void *arg, unsigned char *buf, size_t size);

/* A piece of the body; lines end with CRLF (a lone CR or LF is
 * content). */
void am_bodycanon_add(struct am_bodycanon *c, const unsigned char *p,
    size_t len);

/* The end of the body: the last line gets its CRLF, and an empty body
 * under simple canonicalization becomes one CRLF.  Emits what is
 * pending; c->total is then the canonical length.  Call once. */
void am_bodycanon_finish(struct am_bodycanon *c);

#endif
