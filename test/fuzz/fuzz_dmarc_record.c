/*
 * fuzz_dmarc_record.c - the DMARC record parser (RFC 9989 4.7, 4.8) on
 * arbitrary bytes; every field it returns must be usable.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "dmarc_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_arena *arena = am_arena_new();
	struct am_dmarc_record rec;
	const char *txt = (const char *)data;

	if (arena == NULL)
		return 0;
	if (am_dmarc_record_is_dmarc(txt, size) &&
	    am_dmarc_record_parse(arena, txt, size, &rec)) {
		if (strlen(am_dmarc_policy_name(rec.p)) < 4 ||
		    (rec.rua != NULL && strlen(rec.rua) > size) ||
		    (rec.fo & ~0xfu) != 0 || rec.fo == 0)
			__builtin_trap();
	}
	am_arena_free(arena);
	return 0;
}
