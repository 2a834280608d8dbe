/*
 * reply.h - carrying out a verdict through libmilter: two consumers of
 * the end of a message (eom.h).
 */
#ifndef AM_MILTER_REPLY_H
#define AM_MILTER_REPLY_H

#include "eom.h"

/*
 * Removes incoming Authentication-Results that claim our authserv-id
 * and stale copies of our verdict header, then inserts ours at the top.
 * A change the MTA refuses defers the message (status SMFIS_TEMPFAIL,
 * header_refused): a forged header must not be delivered.  With leadspc
 * the values we add carry their own leading space.
 */
void reply_headers(struct eom *e);

/* Inserts name: value at the top of the header (RFC 8601 placement for
 * our fields); with leadspc the value gets its leading space.  False
 * when the MTA refused or memory ran out. */
bool reply_insert_top(SMFICTX *ctx, const char *name, const char *value,
    bool leadspc);

/* Answers the MTA as the verdict decided: accept, hold (or the
 * configured quarantine), reject or defer with the configured reply.
 * Does nothing once an earlier consumer deferred the message. */
void reply_action(struct eom *e);

#endif
