/*
 * domain.h - domain-name helpers shared by SPF, DKIM, DMARC and iprev.
 *
 * Names travel in text form without the trailing dot.  Comparisons are
 * ASCII case-insensitive (RFC 4343); nothing here folds non-ASCII bytes.
 */
#ifndef AM_DOMAIN_H
#define AM_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

#define AM_DOMAIN_MAX 253 /* text form, without the trailing dot */
#define AM_LABEL_MAX  63

/*
 * True when len bytes at name form a name that can be queried: total at
 * most 253 bytes (one trailing dot allowed), every label 1 to 63 bytes.
 */
bool am_domain_valid(const char *name, size_t len);

/* Number of labels (a trailing dot adds none). */
size_t am_domain_labels(const char *name, size_t len);

/* Case-insensitive equality, ignoring one trailing dot on either side. */
bool am_domain_equal(const char *a, const char *b);

/* True when child is parent or a subdomain of it (label boundaries). */
bool am_domain_is_within(const char *child, const char *parent);

/* Copies the NUL-terminated name into out (size bytes) lower-cased and
 * without a trailing dot; false when it is not a valid name or does not
 * fit. */
bool am_domain_lower(const char *name, char *out, size_t size);

/* A lower-cased copy of len bytes at name, without a trailing dot. */
char *am_domain_normalize(struct am_arena *arena, const char *name,
    size_t len);

/* The parent of name ("b.c" for "a.b.c"); NULL for a single label.  The
 * result points into name. */
const char *am_domain_parent(const char *name);

#endif
