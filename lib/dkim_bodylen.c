/*
 * dkim_bodylen.c - the length of a body after DKIM body canonicalization,
 * RFC 6376 3.4.3 (simple) and 3.4.4 (relaxed).
 *
 * l= counts canonical bytes, so telling whether l= covers the whole body
 * needs the canonical length of all of it; libopendkim stops counting at
 * l=.  bodycanon.c's canonicalizer counts without producing the bytes.
 *
 * Threads: one counter per message.
 */
#include "autoconfig.h"

#include "dkim_internal.h"

void
am_dkim_bodylen_init(struct am_dkim_bodylen *b, bool relaxed)
{
	am_bodycanon_init(&b->canon, relaxed, NULL, NULL, NULL, 0);
}

void
am_dkim_bodylen_add(
    struct am_dkim_bodylen *b, const unsigned char *p, size_t len)
{
	am_bodycanon_add(&b->canon, p, len);
}

uint64_t
am_dkim_bodylen_total(const struct am_dkim_bodylen *b)
{
	struct am_bodycanon end = b->canon;

	/* What finishing would add, without finishing the counter. */
	am_bodycanon_finish(&end);
	return end.total;
}
