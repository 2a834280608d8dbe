/*
 * reply.h - carrying out a verdict through libmilter: remove forged
 * Authentication-Results, insert ours at the top, then accept, hold,
 * reject or defer with the configured reply.
 */
#ifndef AM_MILTER_REPLY_H
#define AM_MILTER_REPLY_H

#include <libmilter/mfapi.h>

#include "message.h"
#include "runtime.h"

/* Applies v to the message of ctx; returns the SMFIS_* for end of
 * message.  A failed libmilter call defers the message (nothing lost).
 * leadspc: SMFIP_HDR_LEADSPC was negotiated, so the values of headers we
 * add carry their own leading space. */
sfsistat reply_apply(SMFICTX *ctx, const struct runtime *rt,
    const struct am_verdict *v, bool leadspc);

#endif
