/*
 * fuzz_spf_record.c - the SPF record parser (RFC 7208 4.5, 4.6, 5, 6)
 * on arbitrary bytes: it must accept or refuse, never crash or leak.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "spf_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_arena *arena = am_arena_new();
	struct am_spf_record rec;
	const char *why;
	size_t i;

	if (arena == NULL)
		return 0;
	if (am_spf_record_is_spf((const char *)data, size) &&
	    am_spf_record_parse(arena, (const char *)data, size, &rec, &why)) {
		/* Every parsed term must be usable. */
		for (i = 0; i < rec.nterms; i++)
			if (rec.terms[i].text == NULL ||
			    strlen(rec.terms[i].text) > size)
				__builtin_trap();
	}
	am_arena_free(arena);
	return 0;
}
