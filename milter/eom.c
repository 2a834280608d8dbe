/*
 * eom.c - the consumers of a verdict, in the order they run (see
 * eom.h).
 *
 * The header changes come first: the MTA takes them only before the
 * answer to end of message; the ARC seal after our Authentication-
 * Results, which it copies.  The answer follows (reject, defer,
 * quarantine, accept), then what only observes: counters, the log line
 * and the report rows, which report the answer actually given.
 */
#include "autoconfig.h"

#include "eom.h"
#include "log.h"
#include "metrics.h"
#include "recorder.h"
#include "reply.h"
#include "seal.h"

typedef void consumer_fn(struct eom *e);

static consumer_fn *const consumers[] = {
	reply_headers, /* forged A-R out, our verdict header and A-R in */
	seal_eom,      /* our ARC set above our A-R (arc.seal_key) */
	reply_action,  /* the answer to the MTA */
	metrics_eom,   /* the status endpoint's counters */
	log_eom,       /* one line per message */
	recorder_eom,  /* rows for DMARC reports, queued for the writer */
};

sfsistat
eom_run(struct eom *e)
{
	size_t i;

	e->status = SMFIS_ACCEPT;
	for (i = 0; i < sizeof(consumers) / sizeof(*consumers); i++)
		consumers[i](e);
	return e->status;
}
