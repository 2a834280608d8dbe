/*
 * dns_source.h - what dns.c needs from a source of answers (private).
 *
 * A source is libunbound (dns_unbound.c) or a static zone (zone.c).  Each
 * source allocates its own query structure with struct am_dns_query as its
 * first member and releases it in collect or cancel.
 */
#ifndef AM_DNS_SOURCE_H
#define AM_DNS_SOURCE_H

#include "dns.h"

struct am_dns_query {
	struct am_dns *dns;
	enum am_dns_type type;
};

struct am_dns_source_ops {
	/* Starts a lookup of a valid, lower-cased name without trailing dot. */
	struct am_dns_query *(*start)(void *src, const char *name,
	    enum am_dns_type type);
	void (*collect)(void *src, struct am_dns_query *q,
	    struct am_arena *arena, struct am_dns_answer *out);
	void (*cancel)(void *src, struct am_dns_query *q);
	void (*free)(void *src);
};

struct am_dns *am_dns_new_source(const struct am_dns_source_ops *ops,
    void *src);

/* An answer with no records. */
void am_dns_answer_empty(struct am_dns_answer *out, enum am_dns_status status,
    const char *why);

#endif
