/*
 * report_send.h - sending what the store holds: the aggregate reports of
 * every period that has ended (RFC 9990), and the failure reports
 * waiting (RFC 9991), each to every destination that may have it.
 *
 * Nothing is reported twice and nothing is lost when a delivery fails:
 * every report delivered to a URI is marked in the store at once; a
 * report is "done" once every destination has it; a failed delivery or a
 * DNS failure leaves it for the next run, which sends only what is not
 * marked, under the same Report-ID and file name (RFC 9990 3.5.2).
 *
 * Delivery itself (the local sendmail, or files in a dry run) and
 * logging are the caller's, through callbacks; the clock is job->now.
 * One sender per store at a time: the caller holds am_store_lock().
 */
#ifndef AM_REPORT_SEND_H
#define AM_REPORT_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns.h"
#include "store.h"

/* Periods are reported this long after they end, so that rows a daemon
 * still had queued arrive first. */
#define AM_REPORT_GRACE 300

struct am_report_settings {
	const char *org_name;	    /* report_metadata/org_name */
	const char *contact;	    /* report_metadata/email */
	const char *extra_contact;  /* or NULL */
	const char *submitter;	    /* our domain: file names, Subject */
	const char *from;	    /* From: and the envelope sender */
	const char *report_id_format;
	const char *generator;	    /* "authmilter 0.1.0" */
	const char *user_agent;	    /* "authmilter/0.1.0" */
	unsigned interval;	    /* seconds per period */
	size_t max_size;	    /* bytes of one gzip attachment */
	unsigned failure_rate;	    /* per policy domain per hour */
	unsigned retention_days;
};

/* One message for one destination. */
struct am_report_out {
	const char *kind;	/* "aggregate" or "failure" */
	const char *from, *to;	/* the envelope */
	const char *uri;
	const char *policy_domain;
	const char *report_id;	/* or the failure report's Message-ID */
	const char *filename;	/* aggregate: "a!b!1!2.xml.gz"; else NULL */
	const void *attachment; /* aggregate: the gzip file */
	size_t attachment_len;
	const char *message;	/* the whole message, LF line ends */
	size_t len;
};

typedef bool am_report_deliver_fn(void *arg, const struct am_report_out *o,
    char *err, size_t errlen);
typedef void am_report_log_fn(void *arg, bool problem, const char *msg);

struct am_report_job {
	struct am_store *store;
	struct am_dns *dns;
	const struct am_report_settings *set;
	int64_t now;
	bool dry_run; /* deliver (to files), mark and prune nothing */
	am_report_deliver_fn *deliver;
	void *deliver_arg;
	am_report_log_fn *log;
	void *log_arg;
	/* what happened */
	unsigned reports;   /* aggregate reports (chunks) built */
	unsigned delivered; /* messages handed over */
	unsigned failed;    /* deliveries that failed: retried next run */
	unsigned deferred;  /* destinations DNS could not check: next run */
	unsigned refused;   /* destinations not authorized: ignored */
	unsigned failure_reports, suppressed;
};

/* The aggregate reports due at job->now, then pruning.  False only when
 * the store fails (err). */
bool am_report_send_aggregates(struct am_report_job *job, char *err,
    size_t errlen);

/* The failure reports waiting, within the rate limit. */
bool am_report_send_failures(struct am_report_job *job, char *err,
    size_t errlen);

/* Logs through job->log: printf-style. */
void am_report_log(struct am_report_job *job, bool problem, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/*
 * The destinations of a rua= or ruf= list (tag names which): each URI
 * checked as RFC 9990 4 asks; refused and deferred ones are counted in
 * job and logged.  out gets up to AM_REPORT_URIS_MAX URIs; *deferred is
 * true when DNS failed for one (the report must wait).
 */
struct am_report_uri;
size_t am_report_destinations(struct am_report_job *job,
    struct am_dns_session *dns, struct am_arena *arena, const char *domain,
    const char *tag, const char *list, struct am_report_uri *out,
    bool *deferred);

#endif
