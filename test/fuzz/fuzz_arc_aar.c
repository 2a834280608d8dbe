/*
 * fuzz_arc_aar.c - reading the results of an ARC-Authentication-Results
 * (RFC 8617 4.1.1, RFC 8601 2.2) from arbitrary bytes: bounded, every
 * result kept has a method and a result, nothing crashes.
 */
#include "autoconfig.h"

#include <stdint.h>

#include "arc_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_arena *arena = am_arena_new();
	struct am_aar aar;
	size_t k;

	if (arena == NULL)
		return 0;
	if (am_aar_parse(arena, (const char *)data, size, &aar)) {
		if (aar.instance < 1 || aar.instance > AM_ARC_MAX_SETS ||
		    aar.n > AM_AAR_RESULTS_MAX || aar.authserv_id == NULL)
			__builtin_trap();
		for (k = 0; k < aar.n; k++)
			if (aar.results[k].method == NULL ||
			    aar.results[k].result == NULL)
				__builtin_trap();
	}
	am_arena_free(arena);
	return 0;
}
