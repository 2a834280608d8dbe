/* unit_store.c - the report store and sending from it: the schema made
 * and migrated, rows counted into RFC 9990 records, the marks that keep
 * a report from going out twice or being lost (a failed delivery sent
 * again next run, once), reports split for size, external destinations
 * verified (RFC 9990 4) through DNS from a zone, failure reports within
 * their rate limit, the send lock, "show", pruning.
 *
 * On SQLite in a scratch directory; with AM_TEST_STORE set to a
 * postgresql:// URI (test/store_pg.sh starts a throwaway server) the
 * same tests run against PostgreSQL, the tables dropped before each. */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>
#include <zlib.h>

#include "testlib.h"
#include "buf.h"
#include "report_send.h"
#include "store.h"

#define T0  1700000000 /* rows arrive in the day that begins at DAY */
#define DAY 1699920000
#define NOW (DAY + 86400 + 3600)

static char dir[] = "/tmp/unit_store.XXXXXX";
static char uri[512];
static int n_store;

/* Runs sql on the database behind uri, bypassing the store. */
static void
raw(const char *sql)
{
	if (strncmp(uri, "sqlite:", 7) == 0) {
		sqlite3 *h;

		assert_int_equal(sqlite3_open(uri + 7, &h), SQLITE_OK);
		assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL),
		    SQLITE_OK);
		sqlite3_close(h);
	} else {
		PGconn *c = PQconnectdb(uri);
		PGresult *r;

		assert_int_equal(PQstatus(c), CONNECTION_OK);
		r = PQexec(c, sql);
		assert_true(PQresultStatus(r) == PGRES_COMMAND_OK ||
		    PQresultStatus(r) == PGRES_TUPLES_OK);
		PQclear(r);
		PQfinish(c);
	}
}

static bool
postgres(void)
{
	return strncmp(uri, "sqlite:", 7) != 0;
}

/* A fresh, empty store for each test. */
static int
fresh(void **state)
{
	const char *pg = getenv("AM_TEST_STORE");

	(void)state;
	if (pg != NULL && pg[0] != '\0') {
		snprintf(uri, sizeof(uri), "%s", pg);
		raw("DROP TABLE IF EXISTS am_rows, am_reports, am_deliveries, "
		    "am_failures, am_meta");
	} else
		snprintf(uri, sizeof(uri), "sqlite:%s/r%d.db", dir, n_store++);
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static struct am_store *
open_store(void)
{
	struct am_store *s;
	char err[512];

	if ((s = am_store_open(uri, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	return s;
}

/* A row of example.com from ip at t. */
static struct am_report_row
row(const char *ip, int64_t t, const char *dmarc)
{
	struct am_report_row r;

	memset(&r, 0, sizeof(r));
	r.received = t;
	r.reporter = "mx1.test";
	r.policy_domain = "example.com";
	r.header_from = "example.com";
	r.envelope_from = "example.com";
	r.source_ip = ip;
	r.p = "reject";
	r.adkim = r.aspf = "r";
	r.testing = "n";
	r.fo = "0";
	r.rua = "mailto:d@example.com";
	r.dmarc = dmarc;
	r.disposition = strcmp(dmarc, "pass") == 0 ? "pass" : "reject";
	r.dkim_aligned = r.spf_aligned = strcmp(dmarc, "pass") == 0 ? "pass" :
								       "fail";
	r.reasons = "";
	r.dkim = "example.com\tsel\tpass\n";
	r.spf_domain = "example.com";
	r.spf_scope = "mfrom";
	r.spf_result = "pass";
	r.why = strcmp(dmarc, "pass") == 0 ? "aligned" : "SPF fail";
	return r;
}

static void
put(struct am_store *s, struct am_report_row *rows, size_t n)
{
	struct am_report_row *p[64];
	char err[512];
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = &rows[i];
	if (!am_store_write(s, p, n, NULL, 0, err, sizeof(err)))
		fail_msg("%s", err);
}

static void
store_schema_is_made_once_and_kept(void **state)
{
	struct am_store *s;

	(void)state;
	am_store_close(open_store());
	s = open_store(); /* opened again: nothing to migrate */
	am_store_close(s);
}

static void
store_refuses_a_newer_schema(void **state)
{
	char err[512];

	(void)state;
	am_store_close(open_store());
	raw("UPDATE am_meta SET value = '99' WHERE name = 'schema'");
	assert_null(am_store_open(uri, err, sizeof(err)));
	if (strstr(err, "schema version 99 is newer") == NULL)
		fail_msg("%s", err);
}

static void
store_corrupt_sqlite_file_is_a_clear_error(void **state)
{
	char err[512];
	FILE *fp;

	(void)state;
	if (postgres())
		skip();
	fp = fopen(uri + 7, "w");
	assert_non_null(fp);
	fputs("this is not an SQLite database, whatever its name says; "
	      "it is long enough to hold a header\n", fp);
	fclose(fp);
	assert_null(am_store_open(uri, err, sizeof(err)));
	if (strstr(err, uri) == NULL ||
	    strstr(err, "file is not a database") == NULL)
		fail_msg("%s", err);
}

static void
store_unreachable_is_a_clear_error(void **state)
{
	char err[512];

	(void)state;
	assert_null(am_store_open(postgres() ?
		"postgresql://127.0.0.1:1/none?connect_timeout=2" :
		"sqlite:/nonexistent/dir/r.db", err, sizeof(err)));
	if (strstr(err, postgres() ? "postgresql://127.0.0.1:1/none" :
				     "sqlite:/nonexistent/dir/r.db: ") == NULL)
		fail_msg("%s", err);
}

struct seen {
	struct am_report_record r[16];
	char ips[16][64];
	size_t n;
};

static bool
seen_record(void *arg, const struct am_report_record *r)
{
	struct seen *s = arg;

	if (s->n < 16) {
		s->r[s->n] = *r;
		snprintf(s->ips[s->n], sizeof(s->ips[0]), "%s", r->source_ip);
		s->n++;
	}
	return true;
}

static bool
seen_period(void *arg, const char *domain, int64_t begin)
{
	struct seen *s = arg;

	assert_string_equal(domain, "example.com");
	s->r[s->n++].count = (uint64_t)begin;
	return true;
}

static void
store_counts_rows_into_records(void **state)
{
	struct am_report_row rows[] = {row("192.0.2.1", T0, "pass"),
	    row("192.0.2.1", T0 + 1, "pass"), row("192.0.2.1", T0 + 2, "pass"),
	    row("203.0.113.5", T0 + 3, "fail"),
	    row("203.0.113.5", T0 + 4, "fail"),
	    row("192.0.2.1", T0 + 86400, "pass")}; /* the next day */
	struct am_report_row *latest;
	struct am_store *s = open_store();
	struct seen seen = {.n = 0};
	char err[512];

	(void)state;
	rows[4].sp = "none"; /* the newest of the day: its policy wins */
	put(s, rows, 6);
	assert_true(am_store_records(s, "example.com", DAY, DAY + 86399,
	    seen_record, &seen, err, sizeof(err)));
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.ips[0], "192.0.2.1");
	assert_int_equal(seen.r[0].count, 3);
	assert_string_equal(seen.ips[1], "203.0.113.5");
	assert_int_equal(seen.r[1].count, 2);
	assert_true(am_store_latest(s, "example.com", DAY, DAY + 86399,
	    &latest, err, sizeof(err)));
	assert_non_null(latest);
	assert_int_equal(latest->received, T0 + 4);
	assert_string_equal(latest->sp, "none");
	assert_null(latest->np);
	assert_string_equal(latest->rua, "mailto:d@example.com");
	free(latest);
	/* the periods due: only the first day has ended */
	seen.n = 0;
	assert_true(am_store_periods(s, 86400, DAY + 86400 + 600, seen_period,
	    &seen, err, sizeof(err)));
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.r[0].count, DAY);
	assert_true(am_store_mark_done(s, "example.com", DAY, "id", NOW, err,
	    sizeof(err)));
	seen.n = 0;
	assert_true(am_store_periods(s, 86400, DAY + 2 * 86400 + 600,
	    seen_period, &seen, err, sizeof(err)));
	assert_int_equal(seen.n, 1); /* the second day; the first is done */
	assert_int_equal(seen.r[0].count, DAY + 86400);
	am_store_close(s);
}

static void
store_marks_deliveries(void **state)
{
	struct am_store *s = open_store();
	char err[512];
	bool yes, done;

	(void)state;
	assert_true(am_store_delivered(s, "aggregate", "example.com!1!0",
	    "mailto:d@example.com", &yes, err, sizeof(err)));
	assert_false(yes);
	assert_true(am_store_mark_delivered(s, "aggregate", "example.com!1!0",
	    "mailto:d@example.com", NOW, err, sizeof(err)));
	assert_true(am_store_mark_delivered(s, "aggregate", "example.com!1!0",
	    "mailto:d@example.com", NOW, err, sizeof(err))); /* idempotent */
	assert_true(am_store_delivered(s, "aggregate", "example.com!1!0",
	    "mailto:d@example.com", &yes, err, sizeof(err)));
	assert_true(yes);
	assert_true(am_store_report_done(s, "example.com", 1, &done, err,
	    sizeof(err)));
	assert_false(done);
	am_store_close(s);
}

static struct am_report_failure
failure(const char *domain, int64_t t)
{
	struct am_report_failure f;

	memset(&f, 0, sizeof(f));
	f.received = t;
	f.reporter = "mx1.test";
	f.policy_domain = f.header_from = domain;
	f.source_ip = "203.0.113.5";
	f.ruf = "mailto:f@example.com";
	f.kind = f.auth_failure = "dmarc";
	f.identity_alignment = "dkim, spf";
	f.authres = "mx; dmarc=fail header.from=example.com";
	f.mail_from = "<redacted@example.com>";
	f.delivery = "reject";
	f.headers = "From: redacted@example.com\r\n";
	return f;
}

static void
put_failures(struct am_store *s, struct am_report_failure *f, size_t n)
{
	struct am_report_failure *p[16];
	char err[512];
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = &f[i];
	if (!am_store_write(s, NULL, 0, p, n, err, sizeof(err)))
		fail_msg("%s", err);
}

static bool
count_failure(void *arg, int64_t id, const struct am_report_failure *f)
{
	(void)id;
	assert_string_equal(f->headers, "From: redacted@example.com\r\n");
	(*(int *)arg)++;
	return true;
}

static void
store_failure_reports_wait_until_sent(void **state)
{
	struct am_report_failure f[] = {failure("example.com", T0),
	    failure("example.com", T0 + 1)};
	struct am_store *s = open_store();
	char err[512];
	uint64_t sent;
	int n = 0;

	(void)state;
	put_failures(s, f, 2);
	assert_true(am_store_failures(s, 100, count_failure, &n, err,
	    sizeof(err)));
	assert_int_equal(n, 2);
	assert_true(am_store_failure_state(s, 1, "sent", T0 + 10, err,
	    sizeof(err)));
	assert_true(am_store_failures_sent(s, "example.com", T0, &sent, err,
	    sizeof(err)));
	assert_int_equal(sent, 1);
	n = 0;
	assert_true(am_store_failures(s, 100, count_failure, &n, err,
	    sizeof(err)));
	assert_int_equal(n, 1);
	am_store_close(s);
}

struct tops {
	char domain[64];
	uint64_t messages, failed, count;
	char ip[64], why[64];
	int ndomains, nsources;
};

static bool
top_domain(void *arg, const char *domain, uint64_t messages, uint64_t failed)
{
	struct tops *t = arg;

	if (t->ndomains++ == 0) {
		snprintf(t->domain, sizeof(t->domain), "%s", domain);
		t->messages = messages;
		t->failed = failed;
	}
	return true;
}

static bool
top_source(void *arg, const char *ip, const char *why, uint64_t count)
{
	struct tops *t = arg;

	if (t->nsources++ == 0) {
		snprintf(t->ip, sizeof(t->ip), "%s", ip);
		snprintf(t->why, sizeof(t->why), "%s", why);
		t->count = count;
	}
	return true;
}

static void
store_shows_failing_domains_and_sources(void **state)
{
	struct am_report_row rows[] = {row("192.0.2.1", T0, "pass"),
	    row("203.0.113.5", T0, "fail"), row("203.0.113.5", T0, "fail"),
	    row("198.51.100.1", T0, "fail"), row("192.0.2.9", T0 - 7200,
						 "fail")};
	struct am_store *s = open_store();
	struct tops t;
	char err[512];

	(void)state;
	put(s, rows, 5);
	memset(&t, 0, sizeof(t));
	assert_true(am_store_top_domains(s, T0 - 3600, 10, top_domain, &t, err,
	    sizeof(err)));
	assert_int_equal(t.ndomains, 1);
	assert_string_equal(t.domain, "example.com");
	assert_int_equal(t.messages, 4);
	assert_int_equal(t.failed, 3);
	assert_true(am_store_top_sources(s, "example.com", T0 - 3600, 5,
	    top_source, &t, err, sizeof(err)));
	assert_int_equal(t.nsources, 2);
	assert_string_equal(t.ip, "203.0.113.5");
	assert_int_equal(t.count, 2);
	assert_string_equal(t.why, "SPF fail");
	am_store_close(s);
}

static void
store_prunes_old_data(void **state)
{
	struct am_report_row rows[] = {row("192.0.2.1", T0, "pass"),
	    row("192.0.2.2", T0 + 86400, "pass")};
	struct am_store *s = open_store();
	struct seen seen = {.n = 0};
	char err[512];

	(void)state;
	put(s, rows, 2);
	assert_true(am_store_prune(s, T0 + 1, err, sizeof(err)));
	assert_true(am_store_records(s, "example.com", 0, T0 + 2 * 86400,
	    seen_record, &seen, err, sizeof(err)));
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.ips[0], "192.0.2.2");
	am_store_close(s);
}

static void
store_send_lock_is_exclusive(void **state)
{
	struct am_store *a = open_store(), *b = open_store();
	char err[512];
	bool got;

	(void)state;
	assert_true(am_store_lock(a, &got, err, sizeof(err)));
	assert_true(got);
	assert_true(am_store_lock(b, &got, err, sizeof(err)));
	assert_false(got);
	am_store_unlock(a);
	assert_true(am_store_lock(b, &got, err, sizeof(err)));
	assert_true(got);
	am_store_unlock(b);
	am_store_close(a);
	am_store_close(b);
}

/*
 * Sending, with DNS from a zone and deliveries captured.
 */
static const char zone[] =
    "_dmarc.example.com TXT \"v=DMARC1; p=reject\"\n"
    "example.com TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
    "example.com._report._dmarc.reports.example TXT \"v=DMARC1;\"\n"
    "example.com._report._dmarc.over.example TXT \"v=DMARC1; "
    "rua=mailto:new@over.example; ruf=mailto:newf@over.example\"\n"
    "example.com._report._dmarc.away.example TXT \"v=DMARC1; "
    "rua=mailto:a@elsewhere.example\"\n"
    "example.com._report._dmarc.slow.example TIMEOUT\n";

struct capture {
	int fail_first; /* deliveries that fail before any succeeds */
	int calls;
	char to[16][128];
	char ids[16][128];
	char names[16][200];
	struct am_buf xml[16]; /* the attachments, inflated */
	size_t n;
};

static void
inflate_into(const void *gz, size_t len, struct am_buf *out)
{
	unsigned char chunk[4096];
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	am_buf_init(out, 0);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)gz;
	z.avail_in = (unsigned)len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = inflate(&z, Z_NO_FLUSH);
		assert_true(rc == Z_OK || rc == Z_STREAM_END);
		am_buf_add(out, chunk, sizeof(chunk) - z.avail_out);
	} while (rc != Z_STREAM_END);
	inflateEnd(&z);
}

static bool
capture(void *arg, const struct am_report_out *o, char *err, size_t errlen)
{
	struct capture *c = arg;

	c->calls++;
	if (c->fail_first-- > 0) {
		snprintf(err, errlen, "sendmail exited with status 75");
		return false;
	}
	assert_true(c->n < 16);
	snprintf(c->to[c->n], sizeof(c->to[0]), "%s", o->to);
	snprintf(c->ids[c->n], sizeof(c->ids[0]), "%s", o->report_id);
	snprintf(c->names[c->n], sizeof(c->names[0]), "%s",
	    o->filename != NULL ? o->filename : "");
	if (o->attachment != NULL)
		inflate_into(o->attachment, o->attachment_len, &c->xml[c->n]);
	else
		am_buf_init(&c->xml[c->n], 0);
	c->n++;
	return true;
}

static void
capture_free(struct capture *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		am_buf_release(&c->xml[i]);
	memset(c, 0, sizeof(*c));
}

static const struct am_report_settings settings = {"Test Org",
    "dmarc@mx.test", NULL, "mx.test", "dmarc@mx.test", "%b.%d@%s",
    "authmilter test", "authmilter/test", 86400, 1024 * 1024, 2, 14};

struct sender {
	struct test_env env;
	struct am_store *store;
	struct am_report_settings set;
	struct capture cap;
	struct am_report_job job;
};

static void
sender_init(struct sender *s)
{
	memset(s, 0, sizeof(*s));
	test_env_init(&s->env, zone);
	s->store = open_store();
	s->set = settings;
}

static bool
sender_run(struct sender *s, bool failures)
{
	char err[512];
	bool ok;

	memset(&s->job, 0, sizeof(s->job));
	s->job.store = s->store;
	s->job.dns = s->env.dns;
	s->job.set = &s->set;
	s->job.now = NOW;
	s->job.deliver = capture;
	s->job.deliver_arg = &s->cap;
	ok = failures ? am_report_send_failures(&s->job, err, sizeof(err)) :
			am_report_send_aggregates(&s->job, err, sizeof(err));
	if (!ok)
		fail_msg("%s", err);
	return ok;
}

static void
sender_free(struct sender *s)
{
	capture_free(&s->cap);
	am_store_close(s->store);
	test_env_free(&s->env);
}

static void
send_failed_delivery_is_sent_next_run_once(void **state)
{
	struct am_report_row rows[] = {row("192.0.2.1", T0, "pass"),
	    row("203.0.113.5", T0 + 5, "fail")};
	struct sender s;
	char first_try[128];

	(void)state;
	sender_init(&s);
	put(s.store, rows, 2);
	s.cap.fail_first = 1;
	sender_run(&s, false);
	assert_int_equal(s.job.failed, 1);
	assert_int_equal(s.job.delivered, 0);
	assert_int_equal(s.cap.calls, 1);
	snprintf(first_try, sizeof(first_try), "%s", "1699920000.example.com"
						     "@mx.test");
	sender_run(&s, false); /* the next run sends it */
	assert_int_equal(s.job.delivered, 1);
	assert_int_equal(s.cap.n, 1);
	assert_string_equal(s.cap.to[0], "d@example.com");
	assert_string_equal(s.cap.ids[0], first_try);
	assert_string_equal(s.cap.names[0], "mx.test!example.com!1699920000!"
					    "1700006399.xml.gz");
	if (strstr(am_buf_str(&s.cap.xml[0]), "<count>1</count>") == NULL ||
	    strstr(am_buf_str(&s.cap.xml[0]), "203.0.113.5") == NULL)
		fail_msg("%s", am_buf_str(&s.cap.xml[0]));
	sender_run(&s, false); /* and never again */
	assert_int_equal(s.job.delivered, 0);
	assert_int_equal(s.job.reports, 0);
	assert_int_equal(s.cap.n, 1);
	sender_free(&s);
}

static void
send_splits_a_report_that_is_too_large(void **state)
{
	struct am_report_row rows[60];
	char ips[60][32];
	struct sender s;
	size_t i, total = 0;
	const char *p;

	(void)state;
	sender_init(&s);
	s.set.max_size = 700; /* bytes of gzip */
	for (i = 0; i < 60; i++) {
		snprintf(ips[i], sizeof(ips[i]), "198.51.100.%zu", i + 1);
		rows[i] = row(ips[i], T0 + (int64_t)i, "fail");
	}
	put(s.store, rows, 60);
	sender_run(&s, false);
	assert_true(s.cap.n >= 2);
	assert_int_equal(s.job.reports, s.cap.n);
	for (i = 0; i < s.cap.n; i++) {
		char want[64];

		snprintf(want, sizeof(want), "1699920000.example.com.%zu@mx.test",
		    i + 1);
		assert_string_equal(s.cap.ids[i], want);
		snprintf(want, sizeof(want), "!1700006399!%zu.xml.gz", i + 1);
		assert_non_null(strstr(s.cap.names[i], want));
		assert_non_null(strstr(am_buf_str(&s.cap.xml[i]),
		    s.cap.ids[i]));
		for (p = am_buf_str(&s.cap.xml[i]);
		     (p = strstr(p, "<count>1</count>")) != NULL; p++)
			total++;
	}
	assert_int_equal(total, 60); /* every record in exactly one */
	sender_free(&s);
}

static void
send_verifies_external_destinations(void **state)
{
	struct am_report_row rows[] = {row("192.0.2.1", T0, "pass")};
	struct sender s;

	(void)state;
	sender_init(&s);
	rows[0].rua = "mailto:d@example.com, mailto:r@reports.example, "
		      "mailto:x@unauth.example, mailto:o@over.example, "
		      "mailto:a@away.example";
	put(s.store, rows, 1);
	sender_run(&s, false);
	assert_int_equal(s.cap.n, 3);
	assert_string_equal(s.cap.to[0], "d@example.com");
	assert_string_equal(s.cap.to[1], "r@reports.example");
	assert_string_equal(s.cap.to[2], "new@over.example"); /* override */
	assert_int_equal(s.job.refused, 2);
	assert_int_equal(s.job.deferred, 0);
	sender_run(&s, false); /* done: nothing more */
	assert_int_equal(s.cap.n, 3);
	sender_free(&s);
}

static void
send_waits_when_dns_cannot_verify(void **state)
{
	struct am_report_row rows[] = {row("192.0.2.1", T0, "pass")};
	struct sender s;

	(void)state;
	sender_init(&s);
	rows[0].rua = "mailto:d@example.com, mailto:s@slow.example";
	put(s.store, rows, 1);
	sender_run(&s, false);
	assert_int_equal(s.job.deferred, 1);
	assert_int_equal(s.cap.n, 1); /* the internal one went */
	sender_run(&s, false);	      /* still waiting, not sent twice */
	assert_int_equal(s.job.deferred, 1);
	assert_int_equal(s.cap.n, 1);
	sender_free(&s);
}

static void
send_dry_run_marks_nothing(void **state)
{
	struct am_report_row rows[] = {row("192.0.2.1", T0, "pass")};
	struct sender s;

	(void)state;
	sender_init(&s);
	put(s.store, rows, 1);
	memset(&s.job, 0, sizeof(s.job));
	s.job = (struct am_report_job){.store = s.store, .dns = s.env.dns,
	    .set = &s.set, .now = NOW, .dry_run = true, .deliver = capture,
	    .deliver_arg = &s.cap};
	{
		char err[512];

		assert_true(am_report_send_aggregates(&s.job, err,
		    sizeof(err)));
	}
	assert_int_equal(s.cap.n, 1);
	sender_run(&s, false); /* the real run still sends it */
	assert_int_equal(s.cap.n, 2);
	sender_free(&s);
}

static void
send_failure_reports_within_the_rate_limit(void **state)
{
	struct am_report_failure f[] = {failure("example.com", T0),
	    failure("example.com", T0 + 1), failure("example.com", T0 + 2)};
	struct sender s;

	(void)state;
	sender_init(&s);
	f[0].ruf = "mailto:f@example.com, mailto:o@over.example, "
		   "mailto:x@unauth.example";
	put_failures(s.store, f, 3);
	sender_run(&s, true);
	/* failure_rate 2: two reports, the third suppressed */
	assert_int_equal(s.job.failure_reports, 2);
	assert_int_equal(s.job.suppressed, 1);
	assert_int_equal(s.cap.n, 3); /* f, newf@over (override); then f */
	assert_string_equal(s.cap.to[0], "f@example.com");
	assert_string_equal(s.cap.to[1], "newf@over.example");
	assert_string_equal(s.cap.to[2], "f@example.com");
	sender_run(&s, true);
	assert_int_equal(s.cap.n, 3);
	sender_free(&s);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(store_schema_is_made_once_and_kept,
		    fresh),
		cmocka_unit_test_setup(store_refuses_a_newer_schema, fresh),
		cmocka_unit_test_setup(
		    store_corrupt_sqlite_file_is_a_clear_error, fresh),
		cmocka_unit_test_setup(store_unreachable_is_a_clear_error,
		    fresh),
		cmocka_unit_test_setup(store_counts_rows_into_records, fresh),
		cmocka_unit_test_setup(store_marks_deliveries, fresh),
		cmocka_unit_test_setup(store_failure_reports_wait_until_sent,
		    fresh),
		cmocka_unit_test_setup(
		    store_shows_failing_domains_and_sources, fresh),
		cmocka_unit_test_setup(store_prunes_old_data, fresh),
		cmocka_unit_test_setup(store_send_lock_is_exclusive, fresh),
		cmocka_unit_test_setup(
		    send_failed_delivery_is_sent_next_run_once, fresh),
		cmocka_unit_test_setup(send_splits_a_report_that_is_too_large,
		    fresh),
		cmocka_unit_test_setup(send_verifies_external_destinations,
		    fresh),
		cmocka_unit_test_setup(send_waits_when_dns_cannot_verify,
		    fresh),
		cmocka_unit_test_setup(send_dry_run_marks_nothing, fresh),
		cmocka_unit_test_setup(
		    send_failure_reports_within_the_rate_limit, fresh),
	};

	return cmocka_run_group_tests_name("store", tests, setup, teardown);
}
