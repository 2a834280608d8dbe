/* unit_report.c - what a message contributes to DMARC reports: the
 * aggregate row (RFC 9990 3.1.1: policy published, policy evaluated with
 * its override reasons, identifiers, auth results in 3.1.3's order) and
 * the failure reports fo= asks for (RFC 9991, RFC 6591), built from real
 * verdicts (the whole message path, DNS from a zone, signatures made
 * now); redaction, the per-domain limit, the heap blocks. */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "buf.h"
#include "dkimsign.h"
#include "eml.h"
#include "message.h"
#include "report.h"
#include "report_limit.h"
#include "verdict.h"

static struct dkimsign_key *key;
static char *zone_text;

static int
setup(void **state)
{
	struct am_buf z;

	(void)state;
	if ((key = dkimsign_key_rsa(1024)) == NULL)
		return -1;
	am_buf_init(&z, 0);
	am_buf_adds(&z,
	    "example.com TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
	    "esp.example TXT \"v=spf1 ip4:198.51.100.0/24 -all\"\n"
	    "_dmarc.example.com TXT \"v=DMARC1; p=reject; "
	    "rua=mailto:d@example.com; ruf=mailto:f@example.com; fo=1:d:s\"\n"
	    "testing.example TXT \"v=spf1 -all\"\n"
	    "_dmarc.testing.example TXT \"v=DMARC1; p=reject; t=y; "
	    "rua=mailto:d@testing.example\"\n"
	    "norua.example TXT \"v=spf1 -all\"\n"
	    "_dmarc.norua.example TXT \"v=DMARC1; p=reject\"\n"
	    "psd.example TXT \"v=spf1 -all\"\n"
	    "_dmarc.psd.example TXT \"v=DMARC1; p=reject; psd=y; "
	    "rua=mailto:d@psd.example; ruf=mailto:f@psd.example\"\n"
	    "fo0.example TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
	    "_dmarc.fo0.example TXT \"v=DMARC1; p=none; "
	    "ruf=mailto:f@fo0.example\"\n"
	    "other.example TXT \"v=spf1 -all\"\n"
	    "7.2.0.192.in-addr.arpa PTR mail.example.com\n"
	    "mail.example.com A 192.0.2.7\n");
	dkimsign_zone_txt(&z, "sel._domainkey.example.com", key->record);
	dkimsign_zone_txt(&z, "sel._domainkey.other.example", key->record);
	zone_text = strdup(am_buf_str(&z));
	am_buf_release(&z);
	return zone_text != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	dkimsign_key_free(key);
	free(zone_text);
	return 0;
}

/* A message From the given address, with extra fields on top. */
static char *
message(const char *from, const char *extra)
{
	struct am_buf b;
	char *m;

	am_buf_init(&b, 0);
	am_buf_printf(&b, "%sFrom: Alice <%s>\r\nTo: bob@example.net\r\n"
			  "Subject: hello\r\nDate: Mon, 23 Nov 2026 10:00:00 "
			  "+0000\r\nMessage-ID: <1@x.example>\r\n\r\nHi.\r\n",
	    extra != NULL ? extra : "", from);
	m = strdup(am_buf_str(&b));
	am_buf_release(&b);
	return m;
}

/* m signed as domain (selector sel, relaxed). */
static char *
signed_by(const char *domain, char *m)
{
	struct dkimsign_opts opt;
	struct am_buf b;
	char *sig, *out;

	memset(&opt, 0, sizeof(opt));
	opt.domain = domain;
	opt.selector = "sel";
	opt.alg = DKIM_SIGN_RSASHA256;
	opt.hcanon = opt.bcanon = DKIM_CANON_RELAXED;
	sig = dkimsign_sign(key, &opt, m);
	assert_non_null(sig);
	am_buf_init(&b, 0);
	am_buf_printf(&b, "%s\r\n%s", sig, m);
	free(sig);
	free(m);
	out = strdup(am_buf_str(&b));
	am_buf_release(&b);
	return out;
}

struct run {
	struct test_env env;
	struct am_dkim_lib *dkim;
	struct am_policy_options policy;
	struct am_conn *conn;
	struct am_msg *msg;
	const struct am_verdict *v;
	struct am_report_input in;
	struct am_report_row *rows[8];
	size_t nrows;
	struct am_report_failure *fails[8];
	size_t nfails;
};

static void
run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	test_env_init(&r->env, zone_text);
	am_policy_defaults(&r->policy);
	r->policy.ntrusted_networks = 0;
	r->in.received = 1700000123;
	r->in.reporter = "mx1.test.example";
	r->in.authserv_id = "mx.test.example";
	r->in.queue_id = "4Xk2p1";
	r->in.redact = true;
}

/* Evaluates m (freed) and builds the rows and failure reports. */
static void
run(struct run *r, const char *client, const char *mail_from, char *m)
{
	struct am_dkim_options dk;
	struct am_eml *eml;
	struct am_ip ip;
	char err[128];

	memset(&dk, 0, sizeof(dk));
	r->dkim = am_dkim_lib_new(&dk, err, sizeof(err));
	assert_non_null(r->dkim);
	r->env.ctx.dkim = r->dkim;
	r->env.ctx.policy = &r->policy;
	assert_true(am_ip_parse(client, strlen(client), &ip));
	r->conn = am_conn_new(&r->env.ctx, &ip, NULL);
	r->msg = am_msg_new(r->conn, false);
	am_conn_helo(r->conn, "mail.example.com");
	am_msg_mail_from(r->msg, mail_from);
	eml = am_eml_new(r->msg);
	am_eml_feed(eml, m, strlen(m));
	am_eml_end(eml);
	am_eml_free(eml);
	free(m);
	r->v = am_msg_finish(r->msg);
	r->nrows = am_report_rows(r->v, &r->in, r->rows, 8);
	r->nfails = am_report_failures(r->v, &r->in, r->fails, 8);
}

static void
run_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->nrows; i++)
		free(r->rows[i]);
	for (i = 0; i < r->nfails; i++)
		free(r->fails[i]);
	am_msg_free(r->msg);
	am_conn_free(r->conn);
	am_dkim_lib_free(r->dkim);
	test_env_free(&r->env);
}

static void
report_row_of_an_aligned_pass(void **state)
{
	struct run r;
	const struct am_report_row *row;

	(void)state;
	run_init(&r);
	run(&r, "192.0.2.7", "<news@example.com>",
	    signed_by("example.com", message("news@example.com", NULL)));
	assert_int_equal(r.nrows, 1);
	row = r.rows[0];
	assert_int_equal(row->received, 1700000123);
	assert_string_equal(row->reporter, "mx1.test.example");
	assert_string_equal(row->policy_domain, "example.com");
	assert_string_equal(row->header_from, "example.com");
	assert_string_equal(row->envelope_from, "example.com");
	assert_string_equal(row->source_ip, "192.0.2.7");
	assert_string_equal(row->p, "reject");
	assert_null(row->sp);
	assert_null(row->np);
	assert_string_equal(row->adkim, "r");
	assert_string_equal(row->testing, "n");
	assert_string_equal(row->fo, "1:d:s");
	assert_string_equal(row->rua, "mailto:d@example.com");
	assert_string_equal(row->ruf, "mailto:f@example.com");
	assert_null(row->policy_error);
	assert_string_equal(row->dmarc, "pass");
	assert_string_equal(row->disposition, "pass");
	assert_string_equal(row->dkim_aligned, "pass");
	assert_string_equal(row->spf_aligned, "pass");
	assert_string_equal(row->reasons, "");
	assert_string_equal(row->dkim, "example.com\tsel\tpass\n");
	assert_string_equal(row->spf_domain, "example.com");
	assert_string_equal(row->spf_scope, "mfrom");
	assert_string_equal(row->spf_result, "pass");
	test_contains(row->why, "SPF pass for example.com is aligned");
	assert_int_equal(r.nfails, 0); /* fo=1: both aligned */
	run_free(&r);
}

static void
report_dkim_signatures_in_rfc9990_order(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	/* other.example signs last, so its signature comes first */
	run(&r, "198.51.100.9", "<b@esp.example>",
	    signed_by("other.example", signed_by("example.com",
		message("news@example.com", NULL))));
	assert_int_equal(r.nrows, 1);
	assert_string_equal(r.rows[0]->dkim, "example.com\tsel\tpass\n"
					     "other.example\tsel\tpass\n");
	assert_string_equal(r.rows[0]->spf_aligned, "fail");
	assert_string_equal(r.rows[0]->envelope_from, "esp.example");
	run_free(&r);
}

static void
report_list_mail_gives_the_mailing_list_reason(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	run(&r, "203.0.113.5", "<x@other.example>",
	    message("news@example.com", "List-Id: <l.example.net>\r\n"));
	assert_int_equal(r.v->decision.action, AM_ACTION_QUARANTINE);
	assert_string_equal(r.rows[0]->disposition, "quarantine");
	assert_string_equal(r.rows[0]->dmarc, "fail");
	assert_string_equal(r.rows[0]->reasons, "list\tlist mail: List-Id\n");
	run_free(&r);
}

static void
report_forwarder_gives_its_reason(void **state)
{
	struct am_forwarder fw;
	struct run r;

	(void)state;
	run_init(&r);
	memset(&fw, 0, sizeof(fw));
	fw.is_network = true;
	assert_true(am_cidr_parse("203.0.113.0/24", 14, &fw.network));
	r.policy.forwarders = &fw;
	r.policy.nforwarders = 1;
	run(&r, "203.0.113.5", "<x@other.example>",
	    message("news@example.com", NULL));
	assert_string_equal(r.rows[0]->reasons,
	    "forwarder\tforwarder 203.0.113.0/24\n");
	run_free(&r);
}

static void
report_dry_run_gives_a_local_policy_reason(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	r.policy.dry_run = true;
	run(&r, "203.0.113.5", "<x@other.example>",
	    message("news@example.com", NULL));
	assert_int_equal(r.v->decision.action, AM_ACTION_ACCEPT);
	assert_string_equal(r.rows[0]->disposition, "none");
	test_contains(r.rows[0]->reasons, "dry-run\tdry run: would reject");
	run_free(&r);
}

static void
report_testing_mode_gives_the_test_mode_reason(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	run(&r, "203.0.113.5", "<x@other.example>",
	    message("news@testing.example", NULL));
	assert_string_equal(r.rows[0]->testing, "y");
	assert_string_equal(r.rows[0]->disposition, "quarantine");
	assert_string_equal(r.rows[0]->reasons,
	    "test-mode\tt=y: reject applied as quarantine\n");
	run_free(&r);
}

static void
report_nothing_without_rua_or_ruf(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	run(&r, "203.0.113.5", "<x@other.example>",
	    message("news@norua.example", NULL));
	assert_int_equal(r.v->authors[0].dmarc.result, AM_RESULT_FAIL);
	assert_int_equal(r.nrows, 0);
	assert_int_equal(r.nfails, 0);
	run_free(&r);
}

static void
report_null_sender_has_an_empty_envelope_from(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	run(&r, "192.0.2.7", "<>", message("news@example.com", NULL));
	assert_string_equal(r.rows[0]->envelope_from, "");
	assert_string_equal(r.rows[0]->spf_scope, "mfrom");
	run_free(&r);
}

static void
report_several_author_domains_give_several_rows(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	run(&r, "203.0.113.5", "<x@other.example>",
	    message("a@example.com>, <b@testing.example", NULL));
	assert_int_equal(r.nrows, 2);
	assert_string_equal(r.rows[0]->header_from, "example.com");
	assert_string_equal(r.rows[1]->header_from, "testing.example");
	run_free(&r);
}

static void
report_failure_dmarc_fo1_redacted(void **state)
{
	const struct am_report_failure *f;
	struct run r;

	(void)state;
	run_init(&r);
	/* SPF passes (aligned), no signature: fo=1 reports DKIM's failure */
	run(&r, "192.0.2.7", "<alice.smith@example.com>",
	    message("alice.smith@example.com", NULL));
	assert_int_equal(r.v->authors[0].dmarc.result, AM_RESULT_PASS);
	assert_int_equal(r.nfails, 1);
	f = r.fails[0];
	assert_string_equal(f->kind, "dmarc");
	assert_string_equal(f->auth_failure, "dmarc");
	assert_string_equal(f->identity_alignment, "dkim");
	assert_string_equal(f->authres,
	    "mx.test.example; dmarc=pass header.from=example.com");
	assert_string_equal(f->ruf, "mailto:f@example.com");
	assert_string_equal(f->mail_from, "<redacted@example.com>");
	assert_string_equal(f->queue_id, "4Xk2p1");
	assert_string_equal(f->source_ip, "192.0.2.7");
	assert_string_equal(f->delivery, "delivered");
	test_contains(f->headers, "From: Alice <redacted@example.com>\r\n");
	test_contains(f->headers, "To: redacted@example.net\r\n");
	assert_null(strstr(f->headers, "alice"));
	run_free(&r);
}

static void
report_failure_fo_d_and_s_name_the_failures(void **state)
{
	struct run r;
	char *m;

	(void)state;
	run_init(&r);
	r.in.redact = false;
	m = signed_by("example.com", message("news@example.com", NULL));
	m[strlen(m) - 3] = 'X'; /* the body changes: body hash */
	run(&r, "203.0.113.5", "<news@example.com>", m);
	assert_int_equal(r.nfails, 3);
	assert_string_equal(r.fails[0]->kind, "dmarc");
	assert_string_equal(r.fails[0]->identity_alignment, "dkim, spf");
	assert_string_equal(r.fails[0]->dkim_domain, "example.com");
	assert_string_equal(r.fails[0]->dkim_selector, "sel");
	assert_string_equal(r.fails[0]->dkim_identity, "@example.com");
	assert_string_equal(r.fails[0]->spf_domain, "example.com");
	assert_string_equal(r.fails[0]->delivery, "reject");
	assert_string_equal(r.fails[1]->kind, "dkim");
	assert_string_equal(r.fails[1]->auth_failure, "bodyhash");
	test_contains(r.fails[1]->authres, "dkim=fail header.d=example.com "
				      "header.s=sel");
	assert_string_equal(r.fails[2]->kind, "spf");
	assert_string_equal(r.fails[2]->authres,
	    "mx.test.example; spf=fail smtp.mailfrom=example.com");
	test_contains(r.fails[0]->headers, "From: Alice <news@example.com>");
	run_free(&r);
}

static void
report_failure_fo0_only_on_dmarc_fail(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	run(&r, "192.0.2.7", "<a@fo0.example>", message("a@fo0.example",
						    NULL));
	assert_int_equal(r.nfails, 0); /* SPF aligned: DMARC passes */
	run_free(&r);
	run_init(&r);
	run(&r, "203.0.113.5", "<a@fo0.example>", message("a@fo0.example",
						      NULL));
	assert_int_equal(r.nfails, 1);
	assert_int_equal(r.nrows, 1); /* ruf= alone records a row too */
	assert_string_equal(r.rows[0]->rua, "");
	run_free(&r);
}

static void
report_failure_never_for_a_psd_record(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	run(&r, "203.0.113.5", "<a@other.example>",
	    message("a@psd.example", NULL));
	assert_int_equal(r.nfails, 0);
	run_free(&r);
}

static void
report_no_rows_without_a_client_address(void **state)
{
	struct am_verdict v;
	struct am_report_row *rows[2];
	struct am_report_input in;

	(void)state;
	memset(&v, 0, sizeof(v));
	memset(&in, 0, sizeof(in));
	assert_int_equal(am_report_rows(&v, &in, rows, 2), 0);
}

struct redact_case {
	const char *name, *in, *out;
};

static const struct redact_case redact_cases[] = {
	{"a display name stays, the local part goes",
	    "Alice <alice@example.com>", "Alice <redacted@example.com>"},
	{"dots and plus signs are part of it", "x.y+tag@mail.example.org",
	    "redacted@mail.example.org"},
	{"a quoted local part", "\"a b\"@example.com",
	    "redacted@example.com"},
	{"every address of a list", "a@x.example, b@y.example",
	    "redacted@x.example, redacted@y.example"},
	{"a Received for clause", "by mx for <u@example.net>; Mon",
	    "by mx for <redacted@example.net>; Mon"},
	{"an @ without a domain after it", "user@ now", "user@ now"},
	{"an @ with nothing before it", "@example.com", "@example.com"},
	{"control bytes are replaced", "a\001b\177", "a?b?"},
	{"folds are kept", "a@b.example,\r\n c@d.example",
	    "redacted@b.example,\r\n redacted@d.example"},
};

static void
report_redact(void **state)
{
	const struct redact_case *c = *state;
	struct am_buf b;

	am_buf_init(&b, 0);
	am_report_redact(c->in, strlen(c->in), &b);
	assert_string_equal(am_buf_str(&b), c->out);
	am_buf_release(&b);
}

static void
report_limit_counts_per_domain_and_hour(void **state)
{
	struct am_report_limit *l = calloc(1, sizeof(*l));
	int i;

	(void)state;
	assert_non_null(l);
	for (i = 0; i < 3; i++)
		assert_true(am_report_limit_take(l, "example.com", 7200, 3));
	assert_false(am_report_limit_take(l, "EXAMPLE.com", 7300, 3));
	assert_true(am_report_limit_take(l, "other.example", 7300, 3));
	assert_true(am_report_limit_take(l, "example.com", 10800, 3));
	free(l);
}

static void
report_row_copy_is_one_block(void **state)
{
	struct am_report_row r, *c;
	char buf[] = "example.com";

	(void)state;
	memset(&r, 0, sizeof(r));
	r.received = 42;
	r.policy_domain = buf;
	r.sp = NULL;
	r.dkim = "a\tb\tpass\n";
	c = am_report_row_copy(&r);
	assert_non_null(c);
	buf[0] = 'X';
	assert_string_equal(c->policy_domain, "example.com");
	assert_null(c->sp);
	assert_string_equal(c->dkim, "a\tb\tpass\n");
	assert_int_equal(c->received, 42);
	free(c);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(report_row_of_an_aligned_pass),
		cmocka_unit_test(report_dkim_signatures_in_rfc9990_order),
		cmocka_unit_test(report_list_mail_gives_the_mailing_list_reason),
		cmocka_unit_test(report_forwarder_gives_its_reason),
		cmocka_unit_test(report_dry_run_gives_a_local_policy_reason),
		cmocka_unit_test(report_testing_mode_gives_the_test_mode_reason),
		cmocka_unit_test(report_nothing_without_rua_or_ruf),
		cmocka_unit_test(report_null_sender_has_an_empty_envelope_from),
		cmocka_unit_test(report_several_author_domains_give_several_rows),
		cmocka_unit_test(report_failure_dmarc_fo1_redacted),
		cmocka_unit_test(report_failure_fo_d_and_s_name_the_failures),
		cmocka_unit_test(report_failure_fo0_only_on_dmarc_fail),
		cmocka_unit_test(report_failure_never_for_a_psd_record),
		cmocka_unit_test(report_no_rows_without_a_client_address),
		cmocka_unit_test(report_limit_counts_per_domain_and_hour),
		cmocka_unit_test(report_row_copy_is_one_block),
	};

	return test_run_table("report", "redact", TEST_ROWS(redact_cases),
	    report_redact, fixed, sizeof(fixed) / sizeof(fixed[0]), setup,
	    teardown);
}
