/*
 * seal.c - our ARC set into the message (see seal.h).
 *
 * lib/ made the set at the end of the message (arc_seal.c), from the
 * header as the MTA will deliver it: its fields were signed as received,
 * and the only changes the daemon makes (our A-R and verdict header at
 * the top, forged A-R and stale verdict headers removed) touch no field
 * the set signs.  This file only inserts.
 */
#include "autoconfig.h"

#include "seal.h"
#include "reply.h"

void
seal_eom(struct eom *e)
{
	const struct am_arc_seal *s = &e->v->seal;

	if (s->aar == NULL || e->status == SMFIS_TEMPFAIL)
		return;
	/* each goes on top: AS ends up first, above AMS, AAR and our A-R */
	if (!reply_insert_top(e->ctx, "ARC-Authentication-Results", s->aar,
		e->leadspc) ||
	    !reply_insert_top(e->ctx, "ARC-Message-Signature", s->ams,
		e->leadspc) ||
	    !reply_insert_top(e->ctx, "ARC-Seal", s->as, e->leadspc)) {
		e->status = SMFIS_TEMPFAIL;
		e->header_refused = true;
	}
}
