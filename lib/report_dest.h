/*
 * report_dest.h - Verifying External Destinations, RFC 9990 4 (and RFC
 * 9991 5 for ruf=): a report goes to a URI outside the Organizational
 * Domain of the policy domain only when the destination publishes
 * "<policy domain>._report._dmarc.<destination host>" TXT "v=DMARC1",
 * which may also replace the URI by others at the same host.
 */
#ifndef AM_REPORT_DEST_H
#define AM_REPORT_DEST_H

#include <stddef.h>

#include "arena.h"
#include "dns.h"
#include "report_uri.h"

enum am_report_dest {
	AM_REPORT_DEST_OK,	 /* send to out[0..*n) */
	AM_REPORT_DEST_REFUSED,	 /* not authorized: the URI is ignored */
	AM_REPORT_DEST_TEMPFAIL, /* DNS failed: try again later */
};

/*
 * Checks uri, a destination of reports about policy_domain; tag is
 * "rua" or "ruf" (the override read from the authorizing record).  On
 * OK, out[0..*n) (at most max) are the URIs to use: uri itself, or the
 * override.  *why explains REFUSED and TEMPFAIL.  Strings from arena.
 */
enum am_report_dest am_report_dest_check(struct am_dns_session *dns,
    struct am_arena *arena, const char *policy_domain, const char *tag,
    const struct am_report_uri *uri, struct am_report_uri *out, size_t max,
    size_t *n, const char **why);

#endif
