/*
 * orgdomain.h - the DNS Tree Walk and the Organizational Domain, RFC 9989
 * 4.10 (it replaces RFC 7489's public suffix list).
 *
 * A walk queries _dmarc.<name> from a starting name toward the root, at
 * most 8 queries however many labels the name has, and stops at a record
 * that says psd=y or psd=n.  The Organizational Domain is then chosen
 * from the records found (4.10.2).  One deliberate deviation, the safe
 * reading: a single-label name (a top-level domain) is never the
 * Organizational Domain of another name unless its record says psd=n; a
 * TLD that publishes a record without psd=y is treated as if it had said
 * psd=y.  Otherwise such a record would align every pair of domains under
 * that TLD (RFC 9989 11.8 describes the hazard).
 */
#ifndef AM_ORGDOMAIN_H
#define AM_ORGDOMAIN_H

#include <stdbool.h>

#include "arena.h"
#include "dmarc_record.h"
#include "dns.h"
#include "trace.h"

#define AM_WALK_MAX 8 /* RFC 9989 4.10: at most eight queries */

struct am_walk_found {
	const char *domain;
	struct am_dmarc_record rec;
};

struct am_walk {
	const char *start;
	/* Set by the caller after the walk: the name whose Organizational
	 * Domain is wanted has this many labels left of start that are no
	 * valid DNS labels (dmarc.h); 0 normally. */
	unsigned hidden;
	struct am_walk_found found[AM_WALK_MAX]; /* longest name first */
	size_t nfound;
	unsigned queries;
	bool tempfail;	 /* a query failed: nothing can be concluded */
	const char *why; /* for tempfail: which name, and why */
};

/*
 * The DMARC Policy Record at name (a TXT query for _dmarc.<name>):
 * returns 1 with *rec filled, 0 when there is none (no TXT record starts
 * with v=DMARC1, or several do and are all discarded, 4.10 step 2), -1
 * when the query failed (*why set).
 */
int am_orgdomain_lookup(struct am_dns_session *dns, struct am_arena *arena,
    const char *name, struct am_trace *trace, struct am_dmarc_record *rec,
    const char **why);

/*
 * Walks from start (queried itself only when include_start) toward the
 * root.  Strings come from arena; trace may be NULL.
 */
void am_orgdomain_walk(struct am_dns_session *dns, struct am_arena *arena,
    const char *start, bool include_start, struct am_trace *trace,
    struct am_walk *out);

/*
 * The Organizational Domain of the walk's start (4.10.2 and the deviation
 * above); it points into the walk's start.  The walk must have included
 * its start and must not have failed.  With hidden labels, NULL when the
 * Organizational Domain would be a name that cannot exist.
 */
const char *am_orgdomain_select(const struct am_walk *walk);

/* The PSD record found by a walk (psd=y, or the single-label record the
 * deviation treats so), or NULL. */
const struct am_walk_found *am_orgdomain_psd(const struct am_walk *walk);

#endif
