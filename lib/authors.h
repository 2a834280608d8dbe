/*
 * authors.h - the Author Domains of a message (RFC 9989 5.3.1, 11.5),
 * collected as its From fields arrive.
 *
 * Every domain of every From field counts: read as RFC 5322 says or, for
 * a field that does not parse, as a lenient reader would still show it
 * (address_find.c).  Each distinct spelling is converted once (idna.c),
 * the converted names are told apart with a hash, and only the first max
 * are kept; past that the message "has more", and later From fields are
 * counted but not even parsed.  So a flood of From fields costs the work
 * of a few, and gets the same answer as a handful (too many Author
 * Domains).  A domain that is no valid DNS name is kept as well, as its
 * longest valid suffix (idna.h): bad syntax never makes a domain vanish.
 *
 * Headers arrive one by one and any of them may be the last a message
 * keeps (message.h), so nothing here waits for the end of the header.
 *
 * Memory from the message's arena; one message belongs to one thread.
 */
#ifndef AM_AUTHORS_H
#define AM_AUTHORS_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "idna.h"

struct am_authors;

/* What the From fields were like, besides their domains. */
struct am_authors_facts {
	unsigned fields;      /* From fields seen */
	bool malformed;	      /* one was read leniently */
	const char *why;      /* the first syntax error, when malformed */
	bool more;	      /* Author Domains left unevaluated */
	const char *more_why; /* why: "more than 5 Author Domains", ... */
};

/* Keeps at most max (>= 1) Author Domains.  NULL on ENOMEM. */
struct am_authors *am_authors_new(struct am_arena *arena, size_t max);

/*
 * One From field: len bytes of its value, as after the colon.  Returns
 * how many Author Domains it added (they are the last ones).
 */
size_t am_authors_field(struct am_authors *a, const char *value, size_t len);

/* A From field could not be read whole (cut at a size limit, or memory
 * ran out): domains may have been lost; why says how. */
void am_authors_lost(struct am_authors *a, const char *why);

/* The Author Domains kept, in the order they first appeared. */
size_t am_authors_count(const struct am_authors *a);
const struct am_idna_name *am_authors_get(const struct am_authors *a, size_t i);

const struct am_authors_facts *am_authors_facts(const struct am_authors *a);

#endif
