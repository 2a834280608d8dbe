/*
 * report_id.h - the Report-ID of an aggregate report (RFC 9990 3.5.1),
 * from the configured format.
 */
#ifndef AM_REPORT_ID_H
#define AM_REPORT_ID_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

/*
 * The Report-ID (3.5.1): format with %d (policy domain), %b and %e (the
 * period's begin and end), %s (the submitter's domain) and %% expanded;
 * chunk > 0 (a report split for size) adds ".chunk" to the part before
 * "@".  False with *why when the result is not "dot-atom-text [@
 * dot-atom-text]".
 */
bool am_report_id(struct am_buf *out, const char *format, const char *domain,
    int64_t begin, int64_t end, const char *submitter, unsigned chunk,
    const char **why);

/* Checks a format as am_report_id() would expand it (for the
 * configuration). */
bool am_report_id_format_valid(const char *format, const char **why);

#endif
