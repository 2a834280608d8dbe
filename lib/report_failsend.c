/*
 * report_failsend.c - failure reports from the store to their
 * destinations (see report_send.h).
 *
 * RFC 9991 2: every ruf= URI gets an attempt, external ones verified
 * (5, with RFC 9990 4); a rate limit per policy domain (8.1: "a maximum
 * number of reports ... the remainder discarded"), counted over the
 * fleet's store: reports about a domain sent in the last hour.  SPF-DNS
 * (RFC 6591 3.2.6) quotes the SPF record as DNS gives it at send time.
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report_dest.h"
#include "report_mail.h"
#include "report_send.h"
#include "report_uri.h"

#define BATCH 1000

struct pending {
	int64_t *id;
	struct am_report_failure **f;
	size_t n, cap;
	bool oom;
};

static bool
keep(void *arg, int64_t id, const struct am_report_failure *f)
{
	struct pending *p = arg;

	if (p->n == p->cap) {
		size_t cap = p->cap > 0 ? p->cap * 2 : 64;
		int64_t *ids = realloc(p->id, cap * sizeof(*ids));
		struct am_report_failure **fs = ids != NULL ?
		    realloc(p->f, cap * sizeof(*fs)) : NULL;

		if (ids != NULL)
			p->id = ids;
		if (fs == NULL)
			return !(p->oom = true);
		p->f = fs;
		p->cap = cap;
	}
	if ((p->f[p->n] = am_report_failure_copy(f)) == NULL)
		return !(p->oom = true);
	p->id[p->n++] = id;
	return true;
}

/* The SPF record of domain (the first TXT that starts "v=spf1"). */
static const char *
spf_record(struct am_dns_session *dns, const char *domain)
{
	const struct am_dns_answer *a;
	size_t i;

	if (domain == NULL)
		return NULL;
	a = am_dns_session_lookup(dns, domain, AM_DNS_TXT);
	for (i = 0; a->status == AM_DNS_OK && i < a->count; i++)
		if (a->rr[i].len >= 6 && strncasecmp(a->rr[i].text, "v=spf1",
					    6) == 0 &&
		    (a->rr[i].len == 6 || a->rr[i].text[6] == ' '))
			return a->rr[i].text;
	return NULL;
}

/* One failure report to one destination, unless marked. */
static bool
deliver_one(struct am_report_job *job, int64_t id,
    const struct am_report_failure *f, const struct am_report_uri *to,
    const char *spf, bool *ok, char *err, size_t errlen)
{
	struct am_report_fmail m;
	struct am_report_out o;
	struct am_buf msg;
	char ref[32], mid[300], why[512];
	bool done = false, stored = true;

	snprintf(ref, sizeof(ref), "%" PRId64, id);
	if (!job->dry_run && !am_store_delivered(job->store, "failure", ref,
				 to->uri, &done, err, errlen))
		return false;
	if (done)
		return true;
	snprintf(mid, sizeof(mid), "failure.%" PRId64 ".%" PRId64 "@%s", id,
	    f->received, job->set->submitter);
	m = (struct am_report_fmail){job->set->from, to->address,
	    job->set->user_agent, mid, job->now, spf};
	am_buf_init(&msg, 0);
	am_report_mail_failure(&msg, f, &m);
	o = (struct am_report_out){"failure", job->set->from, to->address,
	    to->uri, f->policy_domain, mid, NULL, NULL, 0, msg.data, msg.len};
	if (!am_buf_failed(&msg) &&
	    job->deliver(job->deliver_arg, &o, why, sizeof(why))) {
		job->delivered++;
		am_report_log(job, false, "%s: failure report %s (%s) "
		    "delivered to %s", f->policy_domain, mid, f->auth_failure,
		    to->uri);
		if (!job->dry_run)
			stored = am_store_mark_delivered(job->store, "failure",
			    ref, to->uri, job->now, err, errlen);
	} else {
		job->failed++;
		*ok = false;
		am_report_log(job, true, "%s: failure report %s to %s failed, "
		    "to be sent again next run: %s", f->policy_domain, mid,
		    to->uri, am_buf_failed(&msg) ? "out of memory" : why);
	}
	am_buf_release(&msg);
	return stored;
}

/* Within the rate limit of its domain? */
static bool
allowed(struct am_report_job *job, const struct am_report_failure *f,
    bool *yes, char *err, size_t errlen)
{
	uint64_t sent = 0;

	if (!am_store_failures_sent(job->store, f->policy_domain,
		job->now - 3600, &sent, err, errlen))
		return false;
	*yes = sent < job->set->failure_rate;
	return true;
}

static bool
one_failure(struct am_report_job *job, int64_t id,
    const struct am_report_failure *f, char *err, size_t errlen)
{
	struct am_report_uri to[AM_REPORT_URIS_MAX];
	struct am_dns_session *dns;
	struct am_arena *arena;
	const char *spf;
	bool deferred, ok = true, yes, stored = true;
	size_t n, i;

	if (!job->dry_run && !allowed(job, f, &yes, err, errlen))
		return false;
	if (!job->dry_run && !yes) {
		job->suppressed++;
		return am_store_failure_state(job->store, id, "suppressed",
		    job->now, err, errlen);
	}
	if ((arena = am_arena_new()) == NULL ||
	    (dns = am_dns_session_new(job->dns, arena)) == NULL) {
		am_arena_free(arena);
		snprintf(err, errlen, "out of memory");
		return false;
	}
	job->failure_reports++;
	n = am_report_destinations(job, dns, arena, f->policy_domain, "ruf",
	    f->ruf, to, &deferred);
	spf = n > 0 ? spf_record(dns, f->spf_domain) : NULL;
	for (i = 0; i < n && stored; i++)
		stored = deliver_one(job, id, f, &to[i], spf, &ok, err, errlen);
	if (stored && ok && !deferred && !job->dry_run)
		stored = am_store_failure_state(job->store, id, n > 0 ? "sent" :
		    "dropped", job->now, err, errlen);
	am_dns_session_end(dns);
	am_arena_free(arena);
	return stored;
}

bool
am_report_send_failures(struct am_report_job *job, char *err, size_t errlen)
{
	struct pending p = {NULL, NULL, 0, 0, false};
	bool ok;
	size_t i;

	ok = am_store_failures(job->store, BATCH, keep, &p, err, errlen);
	if (ok && p.oom) {
		snprintf(err, errlen, "out of memory");
		ok = false;
	}
	for (i = 0; ok && i < p.n; i++)
		ok = one_failure(job, p.id[i], p.f[i], err, errlen);
	for (i = 0; i < p.n; i++)
		free(p.f[i]);
	free(p.f);
	free(p.id);
	return ok;
}
