/*
 * report_limit.h - how many failure reports one daemon keeps per policy
 * domain and hour (RFC 9991 8.1: a flood of failing messages must not
 * become a flood of reports, nor fill the store).  authmilter-report
 * applies the same limit again over the whole fleet when it sends.
 *
 * A fixed table of counters, one per domain hash: memory stays bounded
 * whatever domains an attacker uses; two domains sharing a slot share
 * its counter (stricter, never looser).  Not thread-safe: the caller
 * locks.  Pure: the time is passed in.
 */
#ifndef AM_REPORT_LIMIT_H
#define AM_REPORT_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

#define AM_REPORT_LIMIT_SLOTS 1024

struct am_report_limit {
	struct {
		int64_t window; /* the hour counted, as now / 3600 */
		unsigned count;
	} slot[AM_REPORT_LIMIT_SLOTS];
};

/* True (and counted) while domain has had fewer than per_hour reports in
 * the hour of now. */
bool am_report_limit_take(struct am_report_limit *l, const char *domain,
    int64_t now, unsigned per_hour);

#endif
