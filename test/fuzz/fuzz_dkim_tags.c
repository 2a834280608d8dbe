/*
 * fuzz_dkim_tags.c - the DKIM-Signature tag parser (RFC 6376 3.2, 3.5)
 * on arbitrary bytes, and the canonical body length counter (3.4.3,
 * 3.4.4) on the same bytes as a body: accept or refuse, never crash,
 * never point outside the input.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "dkim_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_tags(const char *in, size_t size)
{
	struct am_arena *arena = am_arena_new();
	struct am_dkim_sigtags tags;
	const struct am_tagval *v;
	const char *b;
	size_t k;

	if (arena == NULL)
		return;
	if (!am_dkim_sigtags_parse(in, size, &tags)) {
		if (tags.why[0] == '\0')
			__builtin_trap();
	} else {
		for (k = 0; k < AM_DKIM_NTAGS; k++) {
			v = &tags.tag[k];
			if (v->p != NULL &&
			    (v->p < in || v->len > size ||
				v->p + v->len > in + size))
				__builtin_trap();
		}
		b = am_dkim_tag_compact(arena, &tags.tag[AM_DKIM_TAG_B]);
		if (b == NULL || strlen(b) > tags.tag[AM_DKIM_TAG_B].len)
			__builtin_trap();
	}
	am_arena_free(arena);
}

/* Relaxed only removes or shrinks; simple adds at most a final CRLF. */
static void
check_bodylen(const uint8_t *data, size_t size)
{
	struct am_dkim_bodylen s, r;
	size_t half = size / 2;

	am_dkim_bodylen_init(&s, false);
	am_dkim_bodylen_init(&r, true);
	am_dkim_bodylen_add(&s, data, half);
	am_dkim_bodylen_add(&s, data + half, size - half);
	am_dkim_bodylen_add(&r, data, size);
	if (am_dkim_bodylen_total(&r) > am_dkim_bodylen_total(&s) ||
	    am_dkim_bodylen_total(&s) > (uint64_t)size + 2)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_tags((const char *)data, size);
	check_bodylen(data, size);
	return 0;
}
