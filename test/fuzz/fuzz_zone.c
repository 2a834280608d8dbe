/*
 * fuzz_zone.c - the zone-file parser (authmilter-check --zone) and the
 * answers built from what it accepted; each answer also goes through
 * the daemon's answer cache (dns_cache.c) and must come back the same.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "dns_cache.h"
#include "zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
same_text(const char *a, const char *b, size_t len)
{
	return (a == NULL) == (b == NULL) &&
	    (a == NULL || memcmp(a, b, len) == 0);
}

/* What the cache gives back equals what was put (records, texts and
 * their lengths, the canonical name; the TTL at most the one given); a
 * miss is fine (not kept). */
static void
cached_the_same(struct am_dns_cache *c, struct am_arena *arena,
    const char *name, enum am_dns_type type, const struct am_dns_answer *a)
{
	struct am_dns_cached *h;
	struct am_dns_answer b;
	size_t i;

	am_dns_cache_put(c, name, type, 1, a);
	if ((h = am_dns_cache_get(c, name, type, 1)) == NULL)
		return;
	am_dns_cached_answer(h, 1, arena, &b);
	if (b.status != a->status || b.count != a->count ||
	    b.ttl > a->ttl || b.dnssec != a->dnssec ||
	    !same_text(b.canonical, a->canonical,
		a->canonical != NULL ? strlen(a->canonical) + 1 : 0))
		__builtin_trap();
	for (i = 0; i < a->count; i++)
		if (b.rr[i].len != a->rr[i].len || b.rr[i].pref != a->rr[i].pref ||
		    memcmp(&b.rr[i].addr, &a->rr[i].addr, sizeof(b.rr[i].addr)) !=
			0 ||
		    !same_text(b.rr[i].text, a->rr[i].text, a->rr[i].len))
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"example.com", "a.example.com", "x.test", "loop.example",
	};
	static const enum am_dns_type types[] = {
		AM_DNS_A, AM_DNS_AAAA, AM_DNS_TXT, AM_DNS_MX, AM_DNS_PTR,
		AM_DNS_CNAME,
	};
	struct am_zone *zone = am_zone_new();
	struct am_arena *arena = am_arena_new();
	struct am_dns_cache *cache = am_dns_cache_new(16);
	struct am_dns_answer a;
	char err[128];
	size_t i, j;

	if (zone != NULL && arena != NULL && cache != NULL) {
		am_zone_parse(zone, (const char *)data, size, err, sizeof(err));
		for (i = 0; i < sizeof(names) / sizeof(*names); i++)
			for (j = 0; j < sizeof(types) / sizeof(*types); j++) {
				am_zone_answer(zone, names[i], types[j], arena,
				    &a);
				cached_the_same(cache, arena, names[i],
				    types[j], &a);
			}
	}
	am_dns_cache_free(cache);
	am_zone_free(zone);
	am_arena_free(arena);
	return 0;
}
