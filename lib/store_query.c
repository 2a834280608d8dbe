/*
 * store_query.c - reading the report store (see store.h): the periods
 * due, the policy and the counted records of one report, the marks that
 * keep a report from being sent twice, failure reports, what the
 * operator's "show" lists, and pruning.
 *
 * RFC 9990 3.1.1.7: one record per distinct (source, identifiers,
 * evaluation, authentication results) tuple, with its count: a GROUP BY
 * over the rows of one policy domain and period.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

static uint64_t
u64(const char *s)
{
	return s != NULL ? strtoull(s, NULL, 10) : 0;
}

static int64_t
i64(const char *s)
{
	return s != NULL ? strtoll(s, NULL, 10) : 0;
}

/* Pairs collected before they are checked against am_reports. */
struct periods {
	char **domain;
	int64_t *begin;
	size_t n, cap;
	bool oom;
};

static bool
add_period(void *arg, const char *const *c, size_t n)
{
	struct periods *p = arg;

	if (n < 2 || c[0] == NULL)
		return true;
	if (p->n == p->cap) {
		size_t cap = p->cap > 0 ? p->cap * 2 : 64;
		char **d = realloc(p->domain, cap * sizeof(*d));
		int64_t *b = d != NULL ? realloc(p->begin, cap * sizeof(*b)) :
					 NULL;

		if (d != NULL)
			p->domain = d;
		if (b == NULL)
			return !(p->oom = true);
		p->begin = b;
		p->cap = cap;
	}
	if ((p->domain[p->n] = strdup(c[0])) == NULL)
		return !(p->oom = true);
	p->begin[p->n++] = i64(c[1]);
	return true;
}

bool
am_store_periods(struct am_store *s, unsigned interval, int64_t before,
    am_store_period_fn *fn, void *arg, char *err, size_t errlen)
{
	static const char sql[] =
	    "SELECT policy_domain, (received / ?) * ? AS period FROM am_rows "
	    "WHERE received < ? GROUP BY policy_domain, period "
	    "ORDER BY period, policy_domain";
	struct am_store_nums nb = {.n = 0};
	const char *p[] = {am_store_num(&nb, interval),
	    am_store_num(&nb, interval), am_store_num(&nb, before)};
	struct periods ps = {NULL, NULL, 0, 0, false};
	bool ok, done;
	size_t i;

	ok = am_store_exec(s, sql, p, N(p), add_period, &ps, err, errlen);
	if (ok && ps.oom) {
		snprintf(err, errlen, "out of memory");
		ok = false;
	}
	for (i = 0; ok && i < ps.n; i++) {
		/* a period is due once it has ended entirely */
		if (ps.begin[i] + (int64_t)interval > before)
			continue;
		ok = am_store_report_done(s, ps.domain[i], ps.begin[i], &done,
		    err, errlen);
		if (ok && !done && !fn(arg, ps.domain[i], ps.begin[i]))
			break;
	}
	for (i = 0; i < ps.n; i++)
		free(ps.domain[i]);
	free(ps.domain);
	free(ps.begin);
	return ok;
}

static bool
latest_row(void *arg, const char *const *c, size_t n)
{
	struct am_report_row **out = arg, r;

	if (n < 26 || *out != NULL)
		return true;
	memset(&r, 0, sizeof(r));
	r.received = i64(c[0]);
	r.reporter = c[1];
	r.policy_domain = c[2];
	r.header_from = c[3];
	r.envelope_from = c[4];
	r.source_ip = c[5];
	r.p = c[6];
	r.sp = c[7];
	r.np = c[8];
	r.adkim = c[9];
	r.aspf = c[10];
	r.testing = c[11];
	r.fo = c[12];
	r.rua = c[13];
	r.ruf = c[14];
	r.policy_error = c[15];
	r.dmarc = c[16];
	r.disposition = c[17];
	r.dkim_aligned = c[18];
	r.spf_aligned = c[19];
	r.reasons = c[20];
	r.dkim = c[21];
	r.spf_domain = c[22];
	r.spf_scope = c[23];
	r.spf_result = c[24];
	r.why = c[25];
	*out = am_report_row_copy(&r);
	return *out != NULL;
}

bool
am_store_latest(struct am_store *s, const char *domain, int64_t begin,
    int64_t end, struct am_report_row **row, char *err, size_t errlen)
{
	static const char sql[] =
	    "SELECT received, reporter, policy_domain, header_from, "
	    "envelope_from, source_ip, p, sp, np, adkim, aspf, testing, fo, "
	    "rua, ruf, policy_error, dmarc, disposition, dkim_aligned, "
	    "spf_aligned, reasons, dkim, spf_domain, spf_scope, spf_result, why "
	    "FROM am_rows WHERE policy_domain = ? AND received >= ? AND "
	    "received <= ? ORDER BY received DESC, id DESC LIMIT 1";
	struct am_store_nums nb = {.n = 0};
	const char *p[] = {domain, am_store_num(&nb, begin),
	    am_store_num(&nb, end)};

	*row = NULL;
	return am_store_exec(s, sql, p, N(p), latest_row, row, err, errlen);
}

struct records {
	am_store_record_fn *fn;
	void *arg;
};

static bool
one_record(void *arg, const char *const *c, size_t n)
{
	struct records *rs = arg;
	struct am_report_record r;

	if (n < 12 || c[0] == NULL || c[1] == NULL)
		return true;
	memset(&r, 0, sizeof(r));
	r.source_ip = c[0];
	r.header_from = c[1];
	r.envelope_from = c[2];
	r.disposition = c[3];
	r.dkim_aligned = c[4];
	r.spf_aligned = c[5];
	r.reasons = c[6];
	r.dkim = c[7];
	r.spf_domain = c[8];
	r.spf_scope = c[9];
	r.spf_result = c[10];
	r.count = u64(c[11]);
	return rs->fn(rs->arg, &r);
}

bool
am_store_records(struct am_store *s, const char *domain, int64_t begin,
    int64_t end, am_store_record_fn *fn, void *arg, char *err,
    size_t errlen)
{
#define RECORD_COLUMNS                                                      \
	"source_ip, header_from, envelope_from, disposition, dkim_aligned, " \
	"spf_aligned, reasons, dkim, spf_domain, spf_scope, spf_result"
	static const char sql[] =
	    "SELECT " RECORD_COLUMNS ", count(*) AS n FROM am_rows "
	    "WHERE policy_domain = ? AND received >= ? AND received <= ? "
	    "GROUP BY " RECORD_COLUMNS " ORDER BY n DESC, " RECORD_COLUMNS;
	struct am_store_nums nb = {.n = 0};
	const char *p[] = {domain, am_store_num(&nb, begin),
	    am_store_num(&nb, end)};
	struct records rs = {fn, arg};

	return am_store_exec(s, sql, p, N(p), one_record, &rs, err, errlen);
}

static bool
any_row(void *arg, const char *const *c, size_t n)
{
	(void)c;
	(void)n;
	*(bool *)arg = true;
	return true;
}

bool
am_store_report_done(struct am_store *s, const char *domain, int64_t begin,
    bool *done, char *err, size_t errlen)
{
	static const char sql[] = "SELECT 1 FROM am_reports WHERE "
				  "policy_domain = ? AND period = ?";
	struct am_store_nums nb = {.n = 0};
	const char *p[] = {domain, am_store_num(&nb, begin)};

	*done = false;
	return am_store_exec(s, sql, p, N(p), any_row, done, err, errlen);
}

bool
am_store_mark_done(struct am_store *s, const char *domain, int64_t begin,
    const char *report_id, int64_t now, char *err, size_t errlen)
{
	static const char sql[] =
	    "INSERT INTO am_reports (policy_domain, period, report_id, done) "
	    "VALUES (?, ?, ?, ?) ON CONFLICT (policy_domain, period) DO NOTHING";
	struct am_store_nums nb = {.n = 0};
	const char *p[] = {domain, am_store_num(&nb, begin), report_id,
	    am_store_num(&nb, now)};

	return am_store_exec(s, sql, p, N(p), NULL, NULL, err, errlen);
}

bool
am_store_delivered(struct am_store *s, const char *kind, const char *ref,
    const char *uri, bool *yes, char *err, size_t errlen)
{
	static const char sql[] = "SELECT 1 FROM am_deliveries WHERE kind = ? "
				  "AND ref = ? AND uri = ?";
	const char *p[] = {kind, ref, uri};

	*yes = false;
	return am_store_exec(s, sql, p, N(p), any_row, yes, err, errlen);
}

bool
am_store_mark_delivered(struct am_store *s, const char *kind, const char *ref,
    const char *uri, int64_t now, char *err, size_t errlen)
{
	static const char sql[] =
	    "INSERT INTO am_deliveries (kind, ref, uri, sent) VALUES (?, ?, ?, "
	    "?) ON CONFLICT (kind, ref, uri) DO NOTHING";
	struct am_store_nums nb = {.n = 0};
	const char *p[] = {kind, ref, uri, am_store_num(&nb, now)};

	return am_store_exec(s, sql, p, N(p), NULL, NULL, err, errlen);
}

struct failures {
	am_store_failure_fn *fn;
	void *arg;
};

static bool
one_failure(void *arg, const char *const *c, size_t n)
{
	struct failures *fs = arg;
	struct am_report_failure f;

	if (n < 19)
		return true;
	memset(&f, 0, sizeof(f));
	f.received = i64(c[1]);
	f.reporter = c[2];
	f.policy_domain = c[3];
	f.header_from = c[4];
	f.source_ip = c[5];
	f.ruf = c[6];
	f.kind = c[7];
	f.auth_failure = c[8];
	f.identity_alignment = c[9];
	f.authres = c[10];
	f.dkim_domain = c[11];
	f.dkim_selector = c[12];
	f.dkim_identity = c[13];
	f.spf_domain = c[14];
	f.mail_from = c[15];
	f.queue_id = c[16];
	f.delivery = c[17];
	f.headers = c[18];
	if (f.policy_domain == NULL || f.ruf == NULL || f.headers == NULL)
		return true;
	return fs->fn(fs->arg, i64(c[0]), &f);
}

bool
am_store_failures(struct am_store *s, unsigned limit, am_store_failure_fn *fn,
    void *arg, char *err, size_t errlen)
{
	static const char sql[] =
	    "SELECT id, received, reporter, policy_domain, header_from, "
	    "source_ip, ruf, kind, auth_failure, identity_alignment, authres, "
	    "dkim_domain, dkim_selector, dkim_identity, spf_domain, mail_from, "
	    "queue_id, delivery, headers FROM am_failures WHERE state = "
	    "'pending' ORDER BY id LIMIT ?";
	struct am_store_nums nb = {.n = 0};
	const char *p[] = {am_store_num(&nb, limit)};
	struct failures fs = {fn, arg};

	return am_store_exec(s, sql, p, N(p), one_failure, &fs, err, errlen);
}

bool
am_store_failure_state(struct am_store *s, int64_t id, const char *state,
    int64_t now, char *err, size_t errlen)
{
	static const char sql[] =
	    "UPDATE am_failures SET state = ?, updated = ? WHERE id = ?";
	struct am_store_nums nb = {.n = 0};
	const char *p[] = {state, am_store_num(&nb, now),
	    am_store_num(&nb, id)};

	return am_store_exec(s, sql, p, N(p), NULL, NULL, err, errlen);
}

static bool
count_col(void *arg, const char *const *c, size_t n)
{
	if (n > 0)
		*(uint64_t *)arg = u64(c[0]);
	return true;
}

bool
am_store_failures_sent(struct am_store *s, const char *domain, int64_t since,
    uint64_t *n, char *err, size_t errlen)
{
	static const char sql[] =
	    "SELECT count(*) FROM am_failures WHERE policy_domain = ? AND "
	    "state = 'sent' AND updated >= ?";
	struct am_store_nums nb = {.n = 0};
	const char *p[] = {domain, am_store_num(&nb, since)};

	*n = 0;
	return am_store_exec(s, sql, p, N(p), count_col, n, err, errlen);
}

struct tops {
	am_store_domain_fn *domain;
	am_store_source_fn *source;
	void *arg;
};

static bool
one_domain(void *arg, const char *const *c, size_t n)
{
	struct tops *t = arg;

	if (n < 3 || c[0] == NULL)
		return true;
	return t->domain(t->arg, c[0], u64(c[1]), u64(c[2]));
}

bool
am_store_top_domains(struct am_store *s, int64_t since, unsigned limit,
    am_store_domain_fn *fn, void *arg, char *err, size_t errlen)
{
#define FAILED "sum(CASE WHEN dmarc = 'pass' THEN 0 ELSE 1 END)"
	static const char sql[] =
	    "SELECT header_from, count(*) AS n, " FAILED " AS failed "
	    "FROM am_rows WHERE received >= ? GROUP BY header_from "
	    "HAVING " FAILED " > 0 ORDER BY failed DESC, n DESC, header_from "
	    "LIMIT ?";
	struct am_store_nums nb = {.n = 0};
	const char *p[] = {am_store_num(&nb, since), am_store_num(&nb, limit)};
	struct tops t = {fn, NULL, arg};

	return am_store_exec(s, sql, p, N(p), one_domain, &t, err, errlen);
}

static bool
one_source(void *arg, const char *const *c, size_t n)
{
	struct tops *t = arg;

	if (n < 3 || c[0] == NULL)
		return true;
	return t->source(t->arg, c[0], c[1] != NULL ? c[1] : "", u64(c[2]));
}

bool
am_store_top_sources(struct am_store *s, const char *domain, int64_t since,
    unsigned limit, am_store_source_fn *fn, void *arg, char *err,
    size_t errlen)
{
	static const char sql[] =
	    "SELECT source_ip, why, count(*) AS n FROM am_rows WHERE "
	    "header_from = ? AND received >= ? AND dmarc <> 'pass' "
	    "GROUP BY source_ip, why ORDER BY n DESC, source_ip, why LIMIT ?";
	struct am_store_nums nb = {.n = 0};
	const char *p[] = {domain, am_store_num(&nb, since),
	    am_store_num(&nb, limit)};
	struct tops t = {NULL, fn, arg};

	return am_store_exec(s, sql, p, N(p), one_source, &t, err, errlen);
}

bool
am_store_prune(struct am_store *s, int64_t before, char *err, size_t errlen)
{
	static const char *const sql[] = {
	    "DELETE FROM am_rows WHERE received < ?",
	    "DELETE FROM am_failures WHERE received < ?",
	    "DELETE FROM am_reports WHERE period < ?",
	    "DELETE FROM am_deliveries WHERE sent < ?",
	};
	struct am_store_nums nb = {.n = 0};
	const char *p[] = {am_store_num(&nb, before)};
	size_t i;

	if (!s->drv->begin(s->db, false, err, errlen))
		return false;
	for (i = 0; i < N(sql); i++)
		if (!am_store_exec(s, sql[i], p, 1, NULL, NULL, err, errlen)) {
			s->drv->script(s->db, "ROLLBACK", NULL, 0);
			return false;
		}
	return s->drv->script(s->db, "COMMIT", err, errlen);
}
