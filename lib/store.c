/*
 * store.c - the report store's operations (see store.h), written once in
 * the SQL both SQLite and PostgreSQL accept; store_sqlite.c and
 * store_pg.c run it (store_driver.h).
 *
 * Tables (schema version 1):
 *   am_meta        name -> value; "schema" is the version
 *   am_rows        one per message and Author Domain (report.h's row)
 *   am_reports     aggregate reports done: (policy domain, period)
 *   am_deliveries  each report sent to each URI: what a retry skips
 *   am_failures    failure reports, "pending" until sent or dropped
 *
 * Times are seconds since the epoch, passed in: the store reads no
 * clock.
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_internal.h"

/*
 * schema[i] takes a store from version i to i + 1; "@ID@" is the
 * database's row id type.  SQLite takes BIGINT as its INTEGER.
 */
static const char *const schema[] = {
	/* 1 */
	"CREATE TABLE am_rows (id @ID@, "
	"received BIGINT NOT NULL, reporter TEXT NOT NULL, "
	"policy_domain TEXT NOT NULL, header_from TEXT NOT NULL, "
	"envelope_from TEXT, source_ip TEXT NOT NULL, p TEXT NOT NULL, "
	"sp TEXT, np TEXT, adkim TEXT NOT NULL, aspf TEXT NOT NULL, "
	"testing TEXT NOT NULL, fo TEXT NOT NULL, rua TEXT NOT NULL, ruf TEXT, "
	"policy_error TEXT, dmarc TEXT NOT NULL, disposition TEXT NOT NULL, "
	"dkim_aligned TEXT NOT NULL, spf_aligned TEXT NOT NULL, "
	"reasons TEXT NOT NULL, dkim TEXT NOT NULL, spf_domain TEXT, "
	"spf_scope TEXT, spf_result TEXT, why TEXT NOT NULL);"
	"CREATE INDEX am_rows_domain ON am_rows (policy_domain, received);"
	"CREATE TABLE am_reports (policy_domain TEXT NOT NULL, "
	"period BIGINT NOT NULL, report_id TEXT NOT NULL, "
	"done BIGINT NOT NULL, PRIMARY KEY (policy_domain, period));"
	"CREATE TABLE am_deliveries (kind TEXT NOT NULL, ref TEXT NOT NULL, "
	"uri TEXT NOT NULL, sent BIGINT NOT NULL, "
	"PRIMARY KEY (kind, ref, uri));"
	"CREATE TABLE am_failures (id @ID@, "
	"received BIGINT NOT NULL, reporter TEXT NOT NULL, "
	"policy_domain TEXT NOT NULL, header_from TEXT NOT NULL, "
	"source_ip TEXT NOT NULL, ruf TEXT NOT NULL, kind TEXT NOT NULL, "
	"auth_failure TEXT NOT NULL, identity_alignment TEXT, "
	"authres TEXT NOT NULL, dkim_domain TEXT, dkim_selector TEXT, "
	"dkim_identity TEXT, spf_domain TEXT, mail_from TEXT, queue_id TEXT, "
	"delivery TEXT NOT NULL, headers TEXT NOT NULL, state TEXT NOT NULL, "
	"updated BIGINT NOT NULL);"
	"CREATE INDEX am_failures_state ON am_failures (state, id);"
	"CREATE INDEX am_failures_domain ON am_failures "
	"(policy_domain, state, updated);",
};

#define NSCHEMA (sizeof(schema) / sizeof(*schema))
_Static_assert(NSCHEMA == AM_STORE_SCHEMA, "AM_STORE_SCHEMA is the last");

/* Prefixes err with the store's name. */
static bool
failed(const struct am_store *s, char *err, size_t errlen)
{
	char why[512];

	snprintf(why, sizeof(why), "%s", err);
	snprintf(err, errlen, "%s: %s", s->uri, why);
	return false;
}

bool
am_store_exec(struct am_store *s, const char *sql,
    const char *const *params, size_t n, am_store_row_fn *fn, void *arg,
    char *err, size_t errlen)
{
	if (!s->drv->exec(s->db, sql, params, n, fn, arg, err, errlen))
		return failed(s, err, errlen);
	return true;
}

static bool
script(struct am_store *s, const char *sql, char *err, size_t errlen)
{
	if (!s->drv->script(s->db, sql, err, errlen))
		return failed(s, err, errlen);
	return true;
}

static bool
first_col(void *arg, const char *const *cols, size_t ncols)
{
	char **out = arg;

	if (ncols > 0 && cols[0] != NULL && *out == NULL)
		*out = strdup(cols[0]);
	return true;
}

/* The schema version recorded (0: a new store). */
static bool
schema_version(struct am_store *s, unsigned *v, char *err, size_t errlen)
{
	static const char sql[] =
	    "SELECT value FROM am_meta WHERE name = 'schema'";
	char *value = NULL;

	if (!script(s, "CREATE TABLE IF NOT EXISTS am_meta (name TEXT "
		       "PRIMARY KEY, value TEXT NOT NULL)", err, errlen) ||
	    !am_store_exec(s, sql, NULL, 0, first_col, &value, err, errlen))
		return false;
	*v = value != NULL ? (unsigned)strtoul(value, NULL, 10) : 0;
	free(value);
	return true;
}

/* One schema step with the database's id type put in. */
static bool
schema_step(struct am_store *s, const char *step, char *err, size_t errlen)
{
	struct am_buf b;
	const char *p, *at;
	bool ok;

	am_buf_init(&b, 0);
	for (p = step; (at = strstr(p, "@ID@")) != NULL; p = at + 4) {
		am_buf_add(&b, p, (size_t)(at - p));
		am_buf_adds(&b, s->drv->id_type);
	}
	am_buf_adds(&b, p);
	ok = !am_buf_failed(&b) && script(s, am_buf_str(&b), err, errlen);
	am_buf_release(&b);
	return ok;
}

static bool
migrate(struct am_store *s, char *err, size_t errlen)
{
	static const char set[] = "INSERT INTO am_meta (name, value) VALUES "
				  "('schema', ?) ON CONFLICT (name) DO UPDATE "
				  "SET value = excluded.value";
	struct am_store_nums nb = {.n = 0};
	const char *p[1];
	unsigned v;

	if (!s->drv->begin(s->db, true, err, errlen))
		return failed(s, err, errlen);
	if (!schema_version(s, &v, err, errlen))
		goto rollback;
	if (v > NSCHEMA) {
		snprintf(err, errlen, "%s: schema version %u is newer than "
		    "this program's (%d): upgrade authmilter", s->uri, v,
		    AM_STORE_SCHEMA);
		goto rollback;
	}
	for (; v < NSCHEMA; v++)
		if (!schema_step(s, schema[v], err, errlen))
			goto rollback;
	p[0] = am_store_num(&nb, (int64_t)v);
	if (!am_store_exec(s, set, p, 1, NULL, NULL, err, errlen) ||
	    !script(s, "COMMIT", err, errlen))
		goto rollback;
	return true;
rollback:
	s->drv->script(s->db, "ROLLBACK", NULL, 0);
	return false;
}

struct am_store *
am_store_open(const char *uri, char *err, size_t errlen)
{
	struct am_store *s;
	const char *why;

	if (!am_store_uri_valid(uri, &why)) {
		snprintf(err, errlen, "%s: %s", uri, why);
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	am_store_uri_display(uri, s->uri, sizeof(s->uri));
	s->drv = strncmp(uri, "sqlite:", 7) == 0 ? &am_store_sqlite :
						  &am_store_pg;
	s->db = s->drv->open(s->drv == &am_store_sqlite ? uri + 7 : uri, err,
	    errlen);
	if (s->db == NULL) {
		failed(s, err, errlen);
		free(s);
		return NULL;
	}
	if (!migrate(s, err, errlen)) {
		am_store_close(s);
		return NULL;
	}
	return s;
}

void
am_store_close(struct am_store *s)
{
	if (s == NULL)
		return;
	s->drv->close(s->db);
	free(s);
}

#define PIPE	       256 /* rows per exec_many */
#define ROW_PARAMS     26
#define FAILURE_PARAMS 19

static const char insert_row[] =
    "INSERT INTO am_rows (received, reporter, policy_domain, header_from, "
    "envelope_from, source_ip, p, sp, np, adkim, aspf, testing, fo, rua, "
    "ruf, policy_error, dmarc, disposition, dkim_aligned, spf_aligned, "
    "reasons, dkim, spf_domain, spf_scope, spf_result, why) VALUES (?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static void
row_params(const struct am_report_row *r, const char **p, char num[24])
{
	const char *v[ROW_PARAMS] = {num, r->reporter, r->policy_domain,
	    r->header_from, r->envelope_from, r->source_ip, r->p, r->sp, r->np,
	    r->adkim, r->aspf, r->testing, r->fo, r->rua, r->ruf,
	    r->policy_error, r->dmarc, r->disposition, r->dkim_aligned,
	    r->spf_aligned, r->reasons, r->dkim, r->spf_domain, r->spf_scope,
	    r->spf_result, r->why};

	snprintf(num, 24, "%" PRId64, r->received);
	memcpy(p, v, sizeof(v));
}

static const char insert_failure[] =
    "INSERT INTO am_failures (received, reporter, policy_domain, "
    "header_from, source_ip, ruf, kind, auth_failure, identity_alignment, "
    "authres, dkim_domain, dkim_selector, dkim_identity, spf_domain, "
    "mail_from, queue_id, delivery, headers, state, updated) VALUES (?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)";

static void
failure_params(const struct am_report_failure *f, const char **p,
    char num[24])
{
	const char *v[FAILURE_PARAMS] = {num, f->reporter, f->policy_domain,
	    f->header_from, f->source_ip, f->ruf, f->kind, f->auth_failure,
	    f->identity_alignment, f->authres, f->dkim_domain,
	    f->dkim_selector, f->dkim_identity, f->spf_domain, f->mail_from,
	    f->queue_id, f->delivery, f->headers, num};

	snprintf(num, 24, "%" PRId64, f->received);
	memcpy(p, v, sizeof(v));
}

/* n items (rows or failures, as fill makes their parameters) in runs of
 * PIPE; the parameters on the heap (the daemon's threads have small
 * stacks). */
static bool
write_all(struct am_store *s, const char *sql, size_t nparams,
    void *const *items, size_t n,
    void (*fill)(const void *, const char **, char *), char *err,
    size_t errlen)
{
	const char **p;
	char (*nums)[24];
	size_t i, j, k;
	bool ok = true;

	if (n == 0)
		return true;
	p = malloc(PIPE * nparams * sizeof(*p));
	nums = malloc(PIPE * sizeof(*nums));
	if (p == NULL || nums == NULL) {
		snprintf(err, errlen, "out of memory");
		ok = false;
	}
	for (i = 0; ok && i < n; i += k) {
		k = n - i < PIPE ? n - i : PIPE;
		for (j = 0; j < k; j++)
			fill(items[i + j], p + j * nparams, nums[j]);
		if (!s->drv->exec_many(s->db, sql, p, nparams, k, err, errlen))
			ok = failed(s, err, errlen);
	}
	free(p);
	free(nums);
	return ok;
}

static void
fill_row(const void *item, const char **p, char *num)
{
	row_params(item, p, num);
}

static void
fill_failure(const void *item, const char **p, char *num)
{
	failure_params(item, p, num);
}

bool
am_store_write(struct am_store *s, struct am_report_row *const *rows,
    size_t nrows, struct am_report_failure *const *failures,
    size_t nfailures, char *err, size_t errlen)
{
	if (!s->drv->begin(s->db, false, err, errlen))
		return failed(s, err, errlen);
	if (write_all(s, insert_row, ROW_PARAMS, (void *const *)rows, nrows,
		fill_row, err, errlen) &&
	    write_all(s, insert_failure, FAILURE_PARAMS,
		(void *const *)failures, nfailures, fill_failure, err,
		errlen) &&
	    script(s, "COMMIT", err, errlen))
		return true;
	s->drv->script(s->db, "ROLLBACK", NULL, 0);
	return false;
}

bool
am_store_lock(struct am_store *s, bool *got, char *err, size_t errlen)
{
	if (!s->drv->lock(s->db, got, err, errlen))
		return failed(s, err, errlen);
	return true;
}

void
am_store_unlock(struct am_store *s)
{
	s->drv->unlock(s->db);
}
