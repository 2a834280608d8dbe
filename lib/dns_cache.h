/*
 * dns_cache.h - the process's cache of final DNS answers, in front of
 * libunbound (private to lib/; used by dns_unbound.c).
 *
 * libunbound keeps its own cache, but every question still crosses two
 * threads and two pipes to reach it (its worker thread, then our
 * collector): measured at about a third of the daemon's CPU per message
 * with every answer cached (doc/measurements.md).  This cache answers a
 * repeated question on the thread that asks it.  It holds what
 * libunbound answered, for the TTL libunbound gave (the remaining TTL of
 * the records, or the negative TTL of an NXDOMAIN or NODATA), so it
 * answers what libunbound's cache would have; failures (timeouts,
 * SERVFAIL, bogus DNSSEC) and answers without a TTL are never kept.
 *
 * Bounded: a fixed number of entries, each at most a few KB; a new
 * answer displaces an expired one or the one that expires first among
 * the two it may go to.  Thread-safe (sharded locks).  The clock is the
 * caller's: seconds on a monotonic clock.
 */
#ifndef AM_DNS_CACHE_H
#define AM_DNS_CACHE_H

#include "dns.h"

struct am_dns_cache;

/* A copy of one cached answer, taken by am_dns_cache_get(). */
struct am_dns_cached;

/* An empty cache of at most entries answers.  Caller owns; free with
 * am_dns_cache_free().  NULL on ENOMEM. */
struct am_dns_cache *am_dns_cache_new(size_t entries);

/* NULL is a no-op. */
void am_dns_cache_free(struct am_dns_cache *c);

/*
 * The answer to (name, type) if one is cached and has not expired at
 * now; name lower-cased without trailing dot.  NULL when none (or out of
 * memory).  Caller owns the copy; give it to am_dns_cached_answer() or
 * free() it.
 */
struct am_dns_cached *am_dns_cache_get(struct am_dns_cache *c,
    const char *name, enum am_dns_type type, unsigned long now);

/* Fills *out from the copy (data from arena, ttl counted down to now)
 * and frees the copy. */
void am_dns_cached_answer(struct am_dns_cached *h, unsigned long now,
    struct am_arena *arena, struct am_dns_answer *out);

/* Keeps a for a->ttl seconds from now when it may be kept (see above);
 * otherwise, or when it is too large, does nothing. */
void am_dns_cache_put(struct am_dns_cache *c, const char *name,
    enum am_dns_type type, unsigned long now, const struct am_dns_answer *a);

#endif
