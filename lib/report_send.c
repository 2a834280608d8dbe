/*
 * report_send.c - aggregate reports from the store to their destinations
 * (see report_send.h).
 *
 * For each (policy domain, period) due: the newest row gives the policy
 * published and rua= (RFC 9990 3.1: "SHOULD note only the final
 * configuration observed"); the rows counted by record give the
 * records; each rua= URI is checked (RFC 9990 4); the document is
 * gzipped and, when larger than max_size, split into several reports by
 * records, each with its own Report-ID and a unique-id in its file name
 * (3.5.2); each report goes to each destination not marked yet.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gzip.h"
#include "report_dest.h"
#include "report_mail.h"
#include "report_send.h"
#include "report_uri.h"

#define MAX_CHUNKS 64

void
am_report_log(struct am_report_job *job, bool problem, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (job->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	job->log(job->log_arg, problem, msg);
}

size_t
am_report_destinations(struct am_report_job *job, struct am_dns_session *dns,
    struct am_arena *arena, const char *domain, const char *tag,
    const char *list, struct am_report_uri *out, bool *deferred)
{
	struct am_report_uri uris[AM_REPORT_URIS_MAX];
	size_t n, i, k, got = 0;
	unsigned ignored = 0;
	const char *why = NULL;

	*deferred = false;
	n = am_report_uris(arena, list, strlen(list), uris, AM_REPORT_URIS_MAX,
	    &ignored);
	if (ignored > 0)
		am_report_log(job, false, "%s: %u URI(s) of %s=%s ignored "
		    "(not mailto:, or malformed)", domain, ignored, tag, list);
	for (i = 0; i < n && got < AM_REPORT_URIS_MAX; i++)
		switch (am_report_dest_check(dns, arena, domain, tag, &uris[i],
		    out + got, AM_REPORT_URIS_MAX - got, &k, &why)) {
		case AM_REPORT_DEST_OK:
			got += k;
			break;
		case AM_REPORT_DEST_REFUSED:
			job->refused++;
			am_report_log(job, false, "%s: %s ignored: %s", domain,
			    uris[i].uri, why);
			break;
		case AM_REPORT_DEST_TEMPFAIL:
			job->deferred++;
			*deferred = true;
			am_report_log(job, true, "%s: %s not checked, the "
			    "report waits for the next run: %s", domain,
			    uris[i].uri, why);
			break;
		}
	return got;
}

/* The records of one report, copied out of the store's callbacks. */
struct records {
	struct am_arena *arena;
	struct am_report_record *v;
	size_t n, cap;
	bool oom;
};

static const char *
dup(struct records *rs, const char *s)
{
	const char *d;

	if (s == NULL)
		return NULL;
	if ((d = am_arena_strdup(rs->arena, s)) == NULL)
		rs->oom = true;
	return d;
}

static bool
keep_record(void *arg, const struct am_report_record *r)
{
	struct records *rs = arg;
	struct am_report_record *c;

	if (rs->n == rs->cap) {
		size_t cap = rs->cap > 0 ? rs->cap * 2 : 256;
		struct am_report_record *v = realloc(rs->v, cap * sizeof(*v));

		if (v == NULL)
			return !(rs->oom = true);
		rs->v = v;
		rs->cap = cap;
	}
	c = &rs->v[rs->n++];
	c->source_ip = dup(rs, r->source_ip);
	c->count = r->count;
	c->disposition = dup(rs, r->disposition);
	c->dkim_aligned = dup(rs, r->dkim_aligned);
	c->spf_aligned = dup(rs, r->spf_aligned);
	c->reasons = dup(rs, r->reasons);
	c->header_from = dup(rs, r->header_from);
	c->envelope_from = dup(rs, r->envelope_from);
	c->dkim = dup(rs, r->dkim);
	c->spf_domain = dup(rs, r->spf_domain);
	c->spf_scope = dup(rs, r->spf_scope);
	c->spf_result = dup(rs, r->spf_result);
	return !rs->oom;
}

/* One report: the period, its policy, its records. */
struct report {
	const char *domain;
	int64_t begin, end;
	const struct am_report_row *policy;
	struct records recs;
	/* chunks: records [lo, hi) each, with their gzip files */
	size_t lo[MAX_CHUNKS], hi[MAX_CHUNKS];
	struct am_buf gz[MAX_CHUNKS];
	size_t nchunks;
};

/* The gzip file of records [lo, hi) under report_id. */
static bool
build(struct am_report_job *job, const struct report *r, size_t lo,
    size_t hi, const char *report_id, struct am_buf *gz)
{
	const struct am_report_row *p = r->policy;
	struct am_report_meta meta = {job->set->org_name, job->set->contact,
	    job->set->extra_contact, report_id, r->begin, r->end,
	    p->policy_error, job->set->generator};
	struct am_report_policy pol = {r->domain, p->p, p->sp, p->np, p->adkim,
	    p->aspf, p->testing, p->fo};
	struct am_buf xml;
	bool ok;
	size_t i;

	am_buf_init(&xml, 0);
	am_report_xml_head(&xml, &meta, &pol);
	for (i = lo; i < hi; i++)
		am_report_xml_record(&xml, &r->recs.v[i]);
	am_report_xml_tail(&xml);
	am_buf_init(gz, 0);
	ok = !am_buf_failed(&xml) && am_gzip(xml.data, xml.len, gz);
	am_buf_release(&xml);
	return ok;
}

static bool
report_id(struct am_report_job *job, const struct report *r, unsigned chunk,
    struct am_buf *out)
{
	const char *why = NULL;

	am_buf_init(out, 1024);
	if (am_report_id(out, job->set->report_id_format, r->domain, r->begin,
		r->end, job->set->submitter, chunk, &why))
		return true;
	am_report_log(job, true, "%s: no Report-ID: %s", r->domain, why);
	am_buf_release(out);
	return false;
}

/* Builds chunk i under the Report-ID of number. */
static bool
build_chunk(struct am_report_job *job, struct report *r, size_t i,
    unsigned number, char *err, size_t errlen)
{
	struct am_buf id;
	bool ok;

	if (!report_id(job, r, number, &id)) {
		snprintf(err, errlen, "reports.report_id_format makes no valid "
		    "Report-ID for %s", r->domain);
		return false;
	}
	ok = build(job, r, r->lo[i], r->hi[i], am_buf_str(&id), &r->gz[i]);
	am_buf_release(&id);
	if (!ok)
		snprintf(err, errlen, "out of memory building the report of "
		    "%s", r->domain);
	return ok;
}

/*
 * Splits the records into chunks whose gzip files fit max_size: halves
 * a chunk that is too large, as long as it has more than one record
 * (RFC 9990 3.1 allows several reports for one period).  Once split,
 * each chunk is built again under its own Report-ID (".1", ".2"...).
 */
static bool
chunk(struct am_report_job *job, struct report *r, char *err, size_t errlen)
{
	size_t i = 0, mid;

	r->lo[0] = 0;
	r->hi[0] = r->recs.n;
	r->nchunks = 1;
	while (i < r->nchunks) {
		if (!build_chunk(job, r, i, 0, err, errlen))
			return false;
		if (r->gz[i].len <= job->set->max_size ||
		    r->hi[i] - r->lo[i] < 2 || r->nchunks == MAX_CHUNKS) {
			i++;
			continue;
		}
		am_buf_release(&r->gz[i]);
		mid = r->lo[i] + (r->hi[i] - r->lo[i]) / 2;
		memmove(&r->lo[i + 1], &r->lo[i],
		    (r->nchunks - i) * sizeof(r->lo[0]));
		memmove(&r->hi[i + 1], &r->hi[i],
		    (r->nchunks - i) * sizeof(r->hi[0]));
		memmove(&r->gz[i + 1], &r->gz[i],
		    (r->nchunks - i) * sizeof(r->gz[0]));
		r->hi[i] = r->lo[i + 1] = mid;
		r->nchunks++;
	}
	for (i = 0; r->nchunks > 1 && i < r->nchunks; i++) {
		am_buf_release(&r->gz[i]);
		if (!build_chunk(job, r, i, (unsigned)i + 1, err, errlen))
			return false;
	}
	return true;
}

/* Delivers chunk c of r to one URI unless already marked. */
static bool
deliver_one(struct am_report_job *job, const struct report *r, size_t c,
    const struct am_report_uri *to, bool *ok, char *err, size_t errlen)
{
	unsigned number = r->nchunks > 1 ? (unsigned)c + 1 : 0;
	struct am_buf id, name, ref, msg;
	struct am_report_mail m;
	struct am_report_out o;
	char why[512];
	bool done = false, stored = true;

	am_buf_init(&ref, 0);
	am_buf_printf(&ref, "%s!%lld!%u", r->domain, (long long)r->begin,
	    number);
	if (!job->dry_run && !am_store_delivered(job->store, "aggregate",
				 am_buf_str(&ref), to->uri, &done, err,
				 errlen)) {
		am_buf_release(&ref);
		return false;
	}
	if (done || !report_id(job, r, number, &id)) {
		*ok = *ok && done;
		am_buf_release(&ref);
		return true;
	}
	am_buf_init(&name, 0);
	am_report_filename(&name, job->set->submitter, r->domain, r->begin,
	    r->end, number);
	m = (struct am_report_mail){job->set->from, to->address,
	    job->set->org_name, r->domain, job->set->submitter,
	    am_buf_str(&id), job->now, r->begin, r->end, am_buf_str(&name),
	    r->gz[c].data, r->gz[c].len};
	am_buf_init(&msg, 0);
	am_report_mail_aggregate(&msg, &m);
	o = (struct am_report_out){"aggregate", job->set->from, to->address,
	    to->uri, r->domain, am_buf_str(&id), am_buf_str(&name),
	    r->gz[c].data, r->gz[c].len, msg.data, msg.len};
	if (!am_buf_failed(&msg) && job->deliver(job->deliver_arg, &o, why,
					sizeof(why))) {
		job->delivered++;
		am_report_log(job, false, "%s: report %s (%zu records) "
		    "delivered to %s", r->domain, am_buf_str(&id),
		    r->hi[c] - r->lo[c], to->uri);
		if (!job->dry_run)
			stored = am_store_mark_delivered(job->store,
			    "aggregate", am_buf_str(&ref), to->uri, job->now,
			    err, errlen);
	} else {
		job->failed++;
		*ok = false;
		am_report_log(job, true, "%s: report %s to %s failed, to be "
		    "sent again next run: %s", r->domain, am_buf_str(&id),
		    to->uri, am_buf_failed(&msg) ? "out of memory" : why);
	}
	am_buf_release(&msg);
	am_buf_release(&name);
	am_buf_release(&id);
	am_buf_release(&ref);
	return stored;
}

/* Every chunk to every destination; done when all took it. */
static bool
deliver_all(struct am_report_job *job, struct report *r,
    struct am_dns_session *dns, struct am_arena *arena, char *err,
    size_t errlen)
{
	struct am_report_uri to[AM_REPORT_URIS_MAX];
	bool deferred, ok = true;
	struct am_buf id;
	size_t n, c, i;

	n = am_report_destinations(job, dns, arena, r->domain, "rua",
	    r->policy->rua, to, &deferred);
	for (c = 0; c < r->nchunks; c++) {
		job->reports++;
		for (i = 0; i < n; i++)
			if (!deliver_one(job, r, c, &to[i], &ok, err, errlen))
				return false;
	}
	if (!ok || deferred || job->dry_run)
		return true;
	if (n == 0)
		am_report_log(job, false, "%s: no destination for the report "
		    "of %lld: none sent", r->domain, (long long)r->begin);
	if (!report_id(job, r, 0, &id))
		return true;
	ok = am_store_mark_done(job->store, r->domain, r->begin,
	    am_buf_str(&id), job->now, err, errlen);
	am_buf_release(&id);
	return ok;
}

static bool
one_report(struct am_report_job *job, const char *domain, int64_t begin,
    char *err, size_t errlen)
{
	struct am_report_row *policy = NULL;
	struct am_dns_session *dns;
	struct report r;
	bool ok = false;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.domain = domain;
	r.begin = begin;
	r.end = begin + job->set->interval - 1;
	if ((r.recs.arena = am_arena_new()) == NULL ||
	    (dns = am_dns_session_new(job->dns, r.recs.arena)) == NULL) {
		am_arena_free(r.recs.arena);
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (!am_store_latest(job->store, domain, r.begin, r.end, &policy, err,
		errlen) ||
	    !am_store_records(job->store, domain, r.begin, r.end, keep_record,
		&r.recs, err, errlen))
		goto out;
	if (r.recs.oom || policy == NULL) {
		snprintf(err, errlen, "%s", policy == NULL ? "rows vanished" :
		    "out of memory");
		goto out;
	}
	r.policy = policy;
	ok = chunk(job, &r, err, errlen) && deliver_all(job, &r, dns, r.recs.arena, err,
				   errlen);
out:
	for (i = 0; i < r.nchunks; i++)
		am_buf_release(&r.gz[i]);
	am_dns_session_end(dns);
	free(r.recs.v);
	am_arena_free(r.recs.arena);
	free(policy);
	return ok;
}

struct due {
	struct am_report_job *job;
	char *err;
	size_t errlen;
	bool ok;
};

static bool
each_period(void *arg, const char *domain, int64_t begin)
{
	struct due *d = arg;

	d->ok = one_report(d->job, domain, begin, d->err, d->errlen);
	return d->ok;
}

bool
am_report_send_aggregates(struct am_report_job *job, char *err, size_t errlen)
{
	struct due d = {job, err, errlen, true};

	if (!am_store_periods(job->store, job->set->interval,
		job->now - AM_REPORT_GRACE, each_period, &d, err, errlen) ||
	    !d.ok)
		return false;
	if (job->dry_run)
		return true;
	return am_store_prune(job->store, job->now -
	    (int64_t)job->set->retention_days * 86400, err, errlen);
}
