/*
 * report_uri.h - the reporting URIs of rua= and ruf= (RFC 9989 4.7,
 * 4.8: dmarc-urilist) as far as a report generator uses them.
 *
 * Only "mailto:" is supported (RFC 9989 4.7: a receiver that sends
 * reports MUST support it; URIs of other schemes MUST be ignored).  The
 * obsolete size suffix ("!10m") is dropped (4.8: reporters ignore it).
 * A mailto: URI names one address here: commas inside a URI must be
 * %-encoded, and RFC 6068's "?" header fields are not used.
 */
#ifndef AM_REPORT_URI_H
#define AM_REPORT_URI_H

#include <stddef.h>

#include "arena.h"

/* The Receiver's limit on URIs used per report (RFC 9990 3.5). */
#define AM_REPORT_URIS_MAX 8

struct am_report_uri {
	const char *uri;     /* "mailto:d@example.com", without a size */
	const char *address; /* the addr-spec, %-decoded */
	const char *host;    /* the address's domain, lower case */
};

/*
 * Parses len bytes of a dmarc-urilist into out (at most max entries, in
 * the order given).  URIs that are malformed or of another scheme are
 * skipped and counted in *ignored (may be NULL).  Strings from arena.
 * Returns how many were kept.
 */
size_t am_report_uris(struct am_arena *arena, const char *list, size_t len,
    struct am_report_uri *out, size_t max, unsigned *ignored);

#endif
