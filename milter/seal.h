/*
 * seal.h - adding our ARC set (RFC 8617 5.1) to a message we pass on: a
 * consumer of the end of a message (eom.h).
 */
#ifndef AM_MILTER_SEAL_H
#define AM_MILTER_SEAL_H

#include "eom.h"

/*
 * Inserts the set lib/ made (v->seal) above our Authentication-Results:
 * ARC-Authentication-Results, then ARC-Message-Signature, then ARC-Seal
 * on top.  Runs after reply_headers (the set copies our A-R, which must
 * be in place) and before reply_action.  Does nothing when there is no
 * set or an earlier consumer deferred the message; a change the MTA
 * refuses defers it (a half set would break the chain for every later
 * hop).
 */
void seal_eom(struct eom *e);

#endif
