/*
 * fuzz_zone.c - the zone-file parser (authmilter-check --zone) and the
 * answers built from what it accepted.
 */
#include "autoconfig.h"

#include <stdint.h>

#include "arena.h"
#include "zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	struct am_dns_answer a;
	char err[128];
	size_t i, j;

	if (zone != NULL && arena != NULL) {
		am_zone_parse(zone, (const char *)data, size, err, sizeof(err));
		for (i = 0; i < sizeof(names) / sizeof(*names); i++)
			for (j = 0; j < sizeof(types) / sizeof(*types); j++)
				am_zone_answer(zone, names[i], types[j], arena,
				    &a);
	}
	am_zone_free(zone);
	am_arena_free(arena);
	return 0;
}
