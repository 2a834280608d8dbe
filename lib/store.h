/*
 * store.h - the report store: what the daemon records for DMARC reports
 * and what authmilter-report reads, counts and marks as sent.
 *
 * Behind one interface, two databases:
 *   "sqlite:/var/lib/authmilter/reports.db"   one host (WAL mode)
 *   "postgresql://user@db.example/authmilter"  a fleet: every gateway
 *                                             writes, one sends
 * The schema is versioned (table am_meta) and migrated when a store is
 * opened; a store newer than this program is refused.
 *
 * A store handle belongs to one thread at a time.  Strings handed to
 * callbacks are borrowed for the duration of the call.  Every function
 * returns false with a message in err when the database fails.
 */
#ifndef AM_STORE_H
#define AM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "report_xml.h"
#include "store_uri.h"

#define AM_STORE_SCHEMA 1 /* the version this program writes */

struct am_store;

/*
 * Opens (creating, migrating) the store.  NULL with err: "sqlite:/x.db:
 * file is not a database".  Caller owns; close with am_store_close().
 */
struct am_store *am_store_open(const char *uri, char *err, size_t errlen);
void am_store_close(struct am_store *s);

/* Writes rows and failure reports in one transaction: all or nothing. */
bool am_store_write(struct am_store *s, struct am_report_row *const *rows,
    size_t nrows, struct am_report_failure *const *failures,
    size_t nfailures, char *err, size_t errlen);

/* The send lock: one sender at a time per store.  *got is false when
 * another process holds it.  Released by am_store_unlock() or when the
 * process ends. */
bool am_store_lock(struct am_store *s, bool *got, char *err, size_t errlen);
void am_store_unlock(struct am_store *s);

/*
 * Aggregate reports.  Periods are interval seconds long, counted from the
 * epoch (86400: UTC days).  A report is "done" once every destination
 * took it; its rows stay until pruned.
 */
typedef bool am_store_period_fn(void *arg, const char *domain,
    int64_t begin);
/* Every (policy domain, period) with rows received before before and no
 * done report, oldest first.  fn returning false stops the walk. */
bool am_store_periods(struct am_store *s, unsigned interval, int64_t before,
    am_store_period_fn *fn, void *arg, char *err, size_t errlen);

/* The newest row of domain in [begin, end] (its policy and rua=), as a
 * heap row freed with free(); *row NULL when there is none. */
bool am_store_latest(struct am_store *s, const char *domain, int64_t begin,
    int64_t end, struct am_report_row **row, char *err, size_t errlen);

/* The rows of domain in [begin, end], one call per distinct record
 * (RFC 9990 3.1.1.7) with its count, most messages first. */
typedef bool am_store_record_fn(void *arg, const struct am_report_record *r);
bool am_store_records(struct am_store *s, const char *domain, int64_t begin,
    int64_t end, am_store_record_fn *fn, void *arg, char *err,
    size_t errlen);

bool am_store_report_done(struct am_store *s, const char *domain,
    int64_t begin, bool *done, char *err, size_t errlen);
bool am_store_mark_done(struct am_store *s, const char *domain, int64_t begin,
    const char *report_id, int64_t now, char *err, size_t errlen);

/* One delivery of one report (kind "aggregate" or "failure", ref naming
 * the report) to one URI: sent or not. */
bool am_store_delivered(struct am_store *s, const char *kind, const char *ref,
    const char *uri, bool *yes, char *err, size_t errlen);
bool am_store_mark_delivered(struct am_store *s, const char *kind,
    const char *ref, const char *uri, int64_t now, char *err, size_t errlen);

/* Failure reports waiting ("pending"), oldest first, at most limit. */
typedef bool am_store_failure_fn(void *arg, int64_t id,
    const struct am_report_failure *f);
bool am_store_failures(struct am_store *s, unsigned limit,
    am_store_failure_fn *fn, void *arg, char *err, size_t errlen);
/* state: "sent", "suppressed" (rate limit), "dropped" (no destination) */
bool am_store_failure_state(struct am_store *s, int64_t id, const char *state,
    int64_t now, char *err, size_t errlen);
/* Failure reports about domain sent since since. */
bool am_store_failures_sent(struct am_store *s, const char *domain,
    int64_t since, uint64_t *n, char *err, size_t errlen);

/* For the operator: From domains with DMARC failures since since, most
 * failures first; then the sources of one domain's failures and why. */
typedef bool am_store_domain_fn(void *arg, const char *domain,
    uint64_t messages, uint64_t failed);
bool am_store_top_domains(struct am_store *s, int64_t since, unsigned limit,
    am_store_domain_fn *fn, void *arg, char *err, size_t errlen);
typedef bool am_store_source_fn(void *arg, const char *ip, const char *why,
    uint64_t count);
bool am_store_top_sources(struct am_store *s, const char *domain,
    int64_t since, unsigned limit, am_store_source_fn *fn, void *arg,
    char *err, size_t errlen);

/* Deletes rows, failure reports and marks older than before. */
bool am_store_prune(struct am_store *s, int64_t before, char *err,
    size_t errlen);

#endif
