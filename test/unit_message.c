/* unit_message.c - the whole message path of lib/ (what the daemon and
 * authmilter-check both drive): envelope, headers, body, then SPF, DKIM
 * with signatures made at test time, iprev, DMARC, local policy and the
 * Authentication-Results header.  The everyday cases operators ask about,
 * each named. */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "arcsign.h"
#include "buf.h"
#include "dkimsign.h"
#include "eml.h"
#include "message.h"
#include "verdict.h"

static struct dkimsign_key *key, *arc_key;
static struct am_arc_sealer *list_sealer, *our_sealer;
static char *zone_text;

/* SPF: example.com sends from 192.0.2.0/24, the ESP from 198.51.100.0/24;
 * DMARC p=reject; the DKIM key at sel._domainkey.example.com. */
static int
setup(void **state)
{
	struct am_buf z;

	(void)state;
	if ((key = dkimsign_key_rsa(2048)) == NULL ||
	    (arc_key = dkimsign_key_rsa(2048)) == NULL ||
	    (list_sealer = arcsign_sealer(arc_key, "lists.example",
		 "arc")) == NULL ||
	    (our_sealer = arcsign_sealer(arc_key, "mx.test.example",
		 "arc")) == NULL)
		return -1;
	am_buf_init(&z, 0);
	am_buf_adds(&z,
	    "example.com TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
	    "bounce.example.com TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
	    "esp.example TXT \"v=spf1 ip4:198.51.100.0/24 -all\"\n"
	    "_dmarc.example.com TXT \"v=DMARC1; p=reject; "
	    "rua=mailto:d@example.com\"\n"
	    "other.example TXT \"v=spf1 -all\"\n"
	    "_dmarc.other.example TXT \"v=DMARC1; p=quarantine\"\n"
	    "_dmarc.slow.example TIMEOUT\n"
	    "7.2.0.192.in-addr.arpa PTR mail.example.com\n"
	    "mail.example.com A 192.0.2.7\n"
	    /* look-alike targets: bank.example and bänk.example */
	    "_dmarc.bank.example TXT \"v=DMARC1; p=reject\"\n"
	    "_dmarc.xn--bnk-qla.example TXT \"v=DMARC1; p=reject\"\n"
	    /* a public suffix of two labels that says so, and one that
	     * does not (co.uk has no record here) */
	    "_dmarc.co.example TXT \"v=DMARC1; p=none; psd=y\"\n"
	    "_dmarc.bank.co.example TXT \"v=DMARC1; p=reject\"\n");
	dkimsign_zone_txt(&z, "sel._domainkey.example.com", key->record);
	dkimsign_zone_txt(&z, "arc._domainkey.lists.example", arc_key->record);
	dkimsign_zone_txt(&z, "arc._domainkey.mx.test.example",
	    arc_key->record);
	zone_text = strdup(am_buf_str(&z));
	am_buf_release(&z);
	return zone_text != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	dkimsign_key_free(key);
	dkimsign_key_free(arc_key);
	am_arc_sealer_free(list_sealer);
	am_arc_sealer_free(our_sealer);
	free(zone_text);
	return 0;
}

static const char base_message[] =
    "From: Example News <news@example.com>\r\n"
    "To: reader@example.net\r\n"
    "Subject: November news\r\n"
    "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
    "Message-ID: <1@example.com>\r\n"
    "\r\n"
    "Hello reader.\r\n";

/* base_message signed by example.com, with edit applied afterwards. */
static char *
signed_message(const char *(*edit)(const char *))
{
	struct dkimsign_opts opt;
	struct am_buf b;
	char *sig, *out;

	memset(&opt, 0, sizeof(opt));
	opt.domain = "example.com";
	opt.selector = "sel";
	opt.alg = DKIM_SIGN_RSASHA256;
	opt.hcanon = opt.bcanon = DKIM_CANON_RELAXED;
	sig = dkimsign_sign(key, &opt, base_message);
	assert_non_null(sig);
	am_buf_init(&b, 0);
	am_buf_printf(&b, "%s\r\n%s", sig, base_message);
	free(sig);
	out = strdup(edit != NULL ? edit(am_buf_str(&b)) : am_buf_str(&b));
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
};

/* Opens a connection from client and a message from mail_from, as the
 * daemon does at connect and MAIL FROM. */
static void
run_start(struct run *r, const char *client, const char *mail_from)
{
	struct am_dkim_options dk;
	struct am_ip ip;
	char err[128];

	memset(&dk, 0, sizeof(dk));
	r->dkim = am_dkim_lib_new(&dk, err, sizeof(err));
	assert_non_null(r->dkim);
	r->env.ctx.dkim = r->dkim;
	r->env.ctx.policy = &r->policy;
	assert_true(am_ip_parse(client, strlen(client), &ip));
	r->conn = am_conn_new(&r->env.ctx, &ip, NULL);
	assert_non_null(r->conn);
	am_conn_helo(r->conn, "mail.example.com");
	r->msg = am_msg_new(r->conn, true);
	assert_non_null(r->msg);
	am_msg_mail_from(r->msg, mail_from);
}

/* Runs message from client/mail_from through am_msg; policy may be
 * adjusted by the caller before (run->policy holds the defaults). */
static void
run_message(struct run *r, const char *client, const char *mail_from,
    const char *message)
{
	struct am_eml *eml;

	run_start(r, client, mail_from);
	eml = am_eml_new(r->msg);
	am_eml_feed(eml, message, strlen(message));
	am_eml_end(eml);
	am_eml_free(eml);
	r->v = am_msg_finish(r->msg);
	assert_non_null(r->v->authres);
}

static void
run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	test_env_init(&r->env, zone_text);
	am_policy_defaults(&r->policy);
}

static void
run_free(struct run *r)
{
	am_msg_free(r->msg);
	am_conn_free(r->conn);
	am_dkim_lib_free(r->dkim);
	test_env_free(&r->env);
}

static void
contains(const char *hay, const char *needle)
{
	if (hay == NULL || strstr(hay, needle) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", hay, needle);
}

static const char *
tag_subject(const char *m)
{
	static char out[8192];
	const char *s = strstr(m, "Subject: ");

	snprintf(out, sizeof(out), "%.*sSubject: [EXTERNAL] %s",
	    (int)(s - m), m, s + 9);
	return out;
}

static const char *
append_footer(const char *m)
{
	static char out[8192];

	snprintf(out, sizeof(out), "%s-- \r\nSent through a list\r\n", m);
	return out;
}

static void
message_esp_mail_from_with_aligned_dkim_passes(void **state)
{
	struct run r;
	char *m = signed_message(NULL);

	(void)state;
	run_init(&r);
	run_message(&r, "198.51.100.9", "<bounce-123@esp.example>", m);
	assert_int_equal(r.v->spf.result, AM_RESULT_PASS);
	assert_int_equal(r.v->dkim.sigs[0].result, AM_RESULT_PASS);
	assert_int_equal(r.v->authors[0].dmarc.result, AM_RESULT_PASS);
	contains(r.v->authors[0].dmarc.reason, "SPF pass for esp.example is "
	    "not aligned with header.from example.com; DKIM d=example.com "
	    "passed and is aligned");
	assert_int_equal(r.v->decision.action, AM_ACTION_ACCEPT);
	contains(r.v->authres, "dkim=pass (2048-bit key) header.d=example.com");
	contains(r.v->authres, "dmarc=pass (p=reject) header.from=example.com");
	run_free(&r);
	free(m);
}

static void
message_subject_tagged_in_transit_fails_dmarc(void **state)
{
	struct run r;
	char *m = signed_message(tag_subject);

	(void)state;
	run_init(&r);
	run_message(&r, "198.51.100.9", "<bounce-123@esp.example>", m);
	assert_int_equal(r.v->dkim.sigs[0].result, AM_RESULT_FAIL);
	assert_int_equal(r.v->dkim.sigs[0].why, AM_DKIM_BAD_SIGNATURE);
	assert_int_equal(r.v->authors[0].dmarc.result, AM_RESULT_FAIL);
	contains(r.v->authors[0].dmarc.reason, "SPF pass for esp.example is "
	    "not aligned with header.from example.com; DKIM d=example.com "
	    "failed: ");
	assert_int_equal(r.v->decision.action, AM_ACTION_REJECT);
	assert_string_equal(r.v->decision.rule, "dmarc-reject");
	contains(r.v->authres, "policy.dmarc=reject");
	run_free(&r);
	free(m);
}

static void
message_body_changed_in_transit_names_the_body_hash(void **state)
{
	struct run r;
	char *m = signed_message(append_footer);

	(void)state;
	run_init(&r);
	run_message(&r, "198.51.100.9", "<bounce-123@esp.example>", m);
	assert_int_equal(r.v->dkim.sigs[0].why, AM_DKIM_BODY_CHANGED);
	contains(r.v->authors[0].dmarc.reason, "DKIM d=example.com failed: "
	    "body hash did not verify");
	run_free(&r);
	free(m);
}

static void
message_forwarded_spf_fail_dkim_intact_passes(void **state)
{
	struct run r;
	char *m = signed_message(NULL);

	(void)state;
	run_init(&r);
	/* a forwarder at 203.0.113.5 keeps the original MAIL FROM */
	run_message(&r, "203.0.113.5", "<news@example.com>", m);
	assert_int_equal(r.v->spf.result, AM_RESULT_FAIL);
	assert_int_equal(r.v->authors[0].dmarc.result, AM_RESULT_PASS);
	assert_int_equal(r.v->decision.action, AM_ACTION_ACCEPT);
	run_free(&r);
	free(m);
}

static void
message_custom_mail_from_subdomain_aligns(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	run_message(&r, "192.0.2.7", "<b@bounce.example.com>", base_message);
	assert_int_equal(r.v->spf.result, AM_RESULT_PASS);
	assert_int_equal(r.v->authors[0].dmarc.result, AM_RESULT_PASS);
	assert_string_equal(r.v->authors[0].dmarc.aligned_by,
	    "SPF bounce.example.com");
	contains(r.v->authres, "iprev=pass (mail.example.com) "
			       "policy.iprev=192.0.2.7");
	contains(r.v->authres, "dkim=none (no signature)");
	run_free(&r);
}

static void
message_spoof_is_rejected_and_forged_authres_removed(void **state)
{
	static const char spoof[] =
	    "Authentication-Results: mx.test.example; dmarc=pass "
	    "header.from=example.com\r\n"
	    "Authentication-Results: upstream.example; spf=pass\r\n"
	    "Authentication-Results: (forged) \"MX.TEST.EXAMPLE\"; dkim=pass\r\n"
	    "From: CEO <ceo@example.com>\r\n"
	    "Subject: wire transfer\r\n\r\nPay now.\r\n";
	struct run r;

	(void)state;
	run_init(&r);
	run_message(&r, "203.0.113.5", "<x@evil.example>", spoof);
	/* what the forged headers said changed nothing */
	assert_int_equal(r.v->authors[0].dmarc.result, AM_RESULT_FAIL);
	assert_int_equal(r.v->decision.action, AM_ACTION_REJECT);
	/* the first and third A-R claim our id; the second is kept */
	assert_int_equal(r.v->nforged, 2);
	assert_int_equal(r.v->forged[0], 1);
	assert_int_equal(r.v->forged[1], 3);
	run_free(&r);
}

/* As run_message(), but the header fields are handed over one by one
 * the way libmilter passes them: names as the MTA gave them. */
static void
run_fields(struct run *r, const char *client, const char *mail_from,
    const char *const *fields, size_t n)
{
	size_t i;

	run_start(r, client, mail_from);
	for (i = 0; i + 1 < n; i += 2)
		am_msg_header(r->msg, fields[i], strlen(fields[i]),
		    fields[i + 1], strlen(fields[i + 1]));
	am_msg_end_headers(r->msg);
	am_msg_body(r->msg, (const unsigned char *)"Pay now.\r\n", 10);
	r->v = am_msg_finish(r->msg);
	assert_non_null(r->v->authres);
}

/*
 * RFC 5322 4.5.3 allows blanks between a field name and its colon, and
 * libmilter passes the name as the MTA gives it: "From :" must not hide
 * the Author Domain (every reader shows it as From), and "Authentication-
 * Results :" claiming our id must be removed like any other.
 */
static void
message_blanks_before_the_colon_hide_nothing(void **state)
{
	static const char *const fields[] = {
		"Subject", " wire transfer",
		"Authentication-Results\t", " mx.test.example; dmarc=pass",
		"From ", " CEO <ceo@example.com>",
	};
	struct run r;

	(void)state;
	run_init(&r);
	run_fields(&r, "203.0.113.5", "<x@evil.example>", fields,
	    sizeof(fields) / sizeof(*fields));
	assert_int_equal(r.v->nauthors, 1);
	assert_string_equal(r.v->authors[0].dmarc.author_domain, "example.com");
	assert_int_equal(r.v->decision.action, AM_ACTION_REJECT);
	assert_int_equal(r.v->nforged, 1);
	run_free(&r);
}

/*
 * Lenient readers of Authentication-Results (OpenARC's, OpenDMARC's)
 * drop CFWS and join "mx" "." "test" into one id: a forged field whose
 * id is ours once blanks, comments, quotes and backslashes are left out
 * must be removed as well.
 */
static void
message_forged_authres_with_a_split_id_is_removed(void **state)
{
	static const char *const ids[] = {
	    "mx . test.example",
	    "mx. test.example",
	    "mx.(c)test.example",
	    "mx (c).test.example",
	    "mx.\r\n test.example",
	    "mx\\.test.example",
	    "\"mx.test\" \".example\"",
	};
	char m[512];
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
		snprintf(m, sizeof(m),
		    "Authentication-Results: %s; dmarc=pass "
		    "header.from=example.com\r\n"
		    "Authentication-Results: other.example; spf=pass\r\n"
		    "From: ceo@example.com\r\n\r\nx\r\n",
		    ids[i]);
		run_init(&r);
		run_message(&r, "203.0.113.5", "<x@evil.example>", m);
		if (r.v->nforged != 1 || r.v->forged[0] != 1)
			fail_msg("%s: %zu removed", ids[i], r.v->nforged);
		run_free(&r);
	}
}

static void
message_several_from_domains_take_the_strictest(void **state)
{
	static const char m[] =
	    "From: a@other.example, b@example.com\r\n\r\nx\r\n";
	struct run r;

	(void)state;
	run_init(&r);
	run_message(&r, "203.0.113.5", "<x@evil.example>", m);
	assert_int_equal(r.v->nauthors, 2);
	assert_int_equal(r.v->authors[0].action, AM_ACTION_QUARANTINE);
	assert_int_equal(r.v->authors[1].action, AM_ACTION_REJECT);
	assert_int_equal(r.v->decision.action, AM_ACTION_REJECT);
	contains(r.v->authres, "header.from=other.example");
	contains(r.v->authres, "header.from=example.com");
	run_free(&r);
}

static void
message_malformed_from_is_read_leniently(void **state)
{
	static const char m[] =
	    "From: \"CEO\" <ceo@example.com\r\n\r\nx\r\n";
	struct run r;

	(void)state;
	run_init(&r);
	run_message(&r, "203.0.113.5", "<x@evil.example>", m);
	assert_int_equal(r.v->from, AM_FROM_MALFORMED);
	assert_int_equal(r.v->nauthors, 1);
	assert_string_equal(r.v->authors[0].dmarc.author_domain, "example.com");
	assert_int_equal(r.v->decision.action, AM_ACTION_REJECT);
	run_free(&r);
}

static void
message_without_from_is_permerror_and_accepted(void **state)
{
	static const char m[] = "Subject: no author\r\n\r\nx\r\n";
	struct run r;

	(void)state;
	run_init(&r);
	run_message(&r, "203.0.113.5", "<x@evil.example>", m);
	assert_int_equal(r.v->from, AM_FROM_MISSING);
	assert_int_equal(r.v->decision.action, AM_ACTION_ACCEPT);
	contains(r.v->authres, "dmarc=permerror (no From header field)");
	run_free(&r);
}

static void
message_trusted_client_is_not_rejected(void **state)
{
	static const char spoof[] = "From: ceo@example.com\r\n\r\nx\r\n";
	struct am_cidr lan;
	struct run r;

	(void)state;
	run_init(&r);
	assert_true(am_cidr_parse("203.0.113.0/24", 14, &lan));
	r.policy.trusted_networks = &lan;
	r.policy.ntrusted_networks = 1;
	run_message(&r, "203.0.113.5", "<x@evil.example>", spoof);
	assert_int_equal(r.v->authors[0].dmarc.result, AM_RESULT_FAIL);
	assert_int_equal(r.v->decision.action, AM_ACTION_ACCEPT);
	assert_string_equal(r.v->decision.rule, "trusted-network");
	contains(r.v->authres, "policy.dmarc=none");
	run_free(&r);
}

static void
message_authenticated_submission_is_not_rejected(void **state)
{
	static const char spoof[] = "From: ceo@example.com\r\n\r\nx\r\n";
	struct am_dkim_options dk;
	struct am_eml *eml;
	struct am_ip ip;
	struct run r;
	char err[128];

	(void)state;
	run_init(&r);
	memset(&dk, 0, sizeof(dk));
	r.dkim = am_dkim_lib_new(&dk, err, sizeof(err));
	r.env.ctx.dkim = r.dkim;
	r.env.ctx.policy = &r.policy;
	assert_true(am_ip_parse("198.51.100.77", 13, &ip));
	r.conn = am_conn_new(&r.env.ctx, &ip, NULL);
	r.msg = am_msg_new(r.conn, false);
	am_msg_auth(r.msg, "alice");
	am_msg_mail_from(r.msg, "<ceo@example.com>");
	eml = am_eml_new(r.msg);
	am_eml_feed(eml, spoof, strlen(spoof));
	am_eml_end(eml);
	am_eml_free(eml);
	r.v = am_msg_finish(r.msg);
	assert_int_equal(r.v->decision.action, AM_ACTION_ACCEPT);
	assert_string_equal(r.v->decision.rule, "authenticated");
	run_free(&r);
}

static void
message_dmarc_dns_timeout_follows_temperror_setting(void **state)
{
	static const char m[] = "From: a@slow.example\r\n\r\nx\r\n";
	struct run r;

	(void)state;
	run_init(&r);
	run_message(&r, "203.0.113.5", "<a@slow.example>", m);
	assert_int_equal(r.v->authors[0].dmarc.result, AM_RESULT_TEMPERROR);
	assert_int_equal(r.v->decision.action, AM_ACTION_ACCEPT);
	run_free(&r);

	run_init(&r);
	r.policy.on_temperror = AM_ACTION_TEMPFAIL;
	run_message(&r, "203.0.113.5", "<a@slow.example>", m);
	assert_int_equal(r.v->decision.action, AM_ACTION_TEMPFAIL);
	assert_string_equal(r.v->decision.rule, "dmarc-temperror");
	run_free(&r);
}

static void
message_body_is_not_wanted_without_signatures(void **state)
{
	struct run r;
	char *m = signed_message(NULL);

	(void)state;
	run_init(&r);
	run_message(&r, "192.0.2.7", "<a@example.com>", base_message);
	assert_false(am_msg_wants_body(r.msg));
	run_free(&r);
	run_init(&r);
	run_message(&r, "192.0.2.7", "<a@example.com>", m);
	assert_int_equal(r.v->dkim.count, 1);
	run_free(&r);
	free(m);
}

static void
message_list_mail_is_quarantined_and_says_why(void **state)
{
	static const char list_spoof[] =
	    "List-Id: <discuss.lists.example>\r\n"
	    "X-Verdict: accept; forged by the sender\r\n"
	    "From: ceo@example.com\r\n"
	    "x-verdict: another\r\n\r\nx\r\n";
	struct run r;

	(void)state;
	run_init(&r);
	r.env.ctx.verdict_header = "X-Verdict";
	run_message(&r, "203.0.113.5", "<x@lists.example>", list_spoof);
	assert_int_equal(r.v->authors[0].dmarc.result, AM_RESULT_FAIL);
	assert_int_equal(r.v->decision.action, AM_ACTION_QUARANTINE);
	assert_string_equal(r.v->decision.rule, "indirect-flow");
	contains(r.v->authres, "dmarc=fail (p=reject; list mail: List-Id)");
	contains(r.v->authres, "policy.dmarc=quarantine");
	assert_string_equal(r.v->label,
	    "reject-avoided; dmarc=fail; reason=list");
	/* a sender's own verdict headers are removed */
	assert_int_equal(r.v->nstale_verdicts, 2);
	assert_int_equal(r.v->stale_verdicts[0], 1);
	assert_int_equal(r.v->stale_verdicts[1], 2);
	run_free(&r);
}

static void
message_two_date_fields_get_the_header_action(void **state)
{
	static const char m[] =
	    "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
	    "From: a@example.com\r\n"
	    "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nx\r\n";
	struct run r;

	static char *const once[] = {"Date"};

	(void)state;
	run_init(&r);
	/* as policy.single_headers and header_action would set it */
	r.policy.single_headers = once;
	r.policy.nsingle_headers = 1;
	r.policy.on_header_problem = AM_ACTION_QUARANTINE;
	run_message(&r, "192.0.2.7", "<a@example.com>", m);
	assert_string_equal(r.v->header_problem,
	    "2 Date header fields (RFC 5322 allows one)");
	assert_int_equal(r.v->decision.action, AM_ACTION_QUARANTINE);
	assert_string_equal(r.v->decision.rule, "header-rule");
	run_free(&r);
}

/* A list (lists.example) tags the subject of example.com's message, adds
 * List-Id, and seals; its AAR says what it saw on arrival. */
static char *
list_message(const char *aar)
{
	static const char m[] =
	    "List-Id: <news.lists.example>\r\n"
	    "From: Example News <news@example.com>\r\n"
	    "To: news@lists.example\r\n"
	    "Subject: [news] November news\r\n"
	    "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
	    "Message-ID: <1@example.com>\r\n"
	    "\r\n"
	    "Hello reader.\r\n";
	struct test_env env;
	char *out;

	test_env_init(&env, zone_text);
	out = arcsign_seal(&env.ctx, env.session, env.arena, list_sealer, aar,
	    m);
	test_env_free(&env);
	assert_non_null(out);
	return out;
}

static void
message_list_sealed_by_trusted_sealer_is_accepted(void **state)
{
	static char *trusted[] = {"lists.example"};
	struct run r;
	char *m = list_message("lists.example; dkim=pass header.d=example.com; "
			       "dmarc=pass header.from=example.com");

	(void)state;
	run_init(&r);
	r.env.ctx.verdict_header = "X-Verdict";
	r.policy.trusted_sealers = trusted;
	r.policy.ntrusted_sealers = 1;
	run_message(&r, "203.0.113.5", "<news-bounces@lists.example>", m);
	assert_int_equal(r.v->authors[0].dmarc.result, AM_RESULT_FAIL);
	assert_int_equal(r.v->decision.action, AM_ACTION_ACCEPT);
	assert_string_equal(r.v->decision.rule, "arc-trusted-sealer");
	contains(r.v->authres, "arc=pass (1 set, newest sealed by lists.example) "
			       "smtp.remote-ip=203.0.113.5\n\t"
			       "header.oldest-pass=0;");
	contains(r.v->authres,
	    "dmarc=fail (p=reject; reason=arc \\(sealer lists.example\\))");
	assert_string_equal(r.v->label,
	    "reject-avoided; dmarc=fail; reason=arc (sealer lists.example)");
	contains(r.v->summary, "arc=pass");
	run_free(&r);
	/* not trusted: the list's quarantine, ARC or not */
	run_init(&r);
	run_message(&r, "203.0.113.5", "<news-bounces@lists.example>", m);
	assert_int_equal(r.v->decision.action, AM_ACTION_QUARANTINE);
	assert_string_equal(r.v->decision.rule, "indirect-flow");
	contains(r.v->authres, "arc=pass");
	run_free(&r);
	free(m);
}

static void
message_trusted_sealer_must_report_a_pass(void **state)
{
	static char *trusted[] = {"lists.example"};
	struct run r;
	char *m = list_message("lists.example; spf=pass "
			       "smtp.mailfrom=other.example; dmarc=fail "
			       "header.from=example.com"),
	     *bad;

	(void)state;
	run_init(&r);
	r.policy.trusted_sealers = trusted;
	r.policy.ntrusted_sealers = 1;
	run_message(&r, "203.0.113.5", "<news-bounces@lists.example>", m);
	assert_int_equal(r.v->decision.action, AM_ACTION_QUARANTINE);
	run_free(&r);
	free(m);
	/* a chain broken after sealing changes nothing either */
	m = list_message("lists.example; dmarc=pass header.from=example.com");
	bad = strdup(m);
	strstr(bad, "Hello reader")[0] = 'J';
	run_init(&r);
	r.policy.trusted_sealers = trusted;
	r.policy.ntrusted_sealers = 1;
	run_message(&r, "203.0.113.5", "<news-bounces@lists.example>", bad);
	assert_int_equal(r.v->decision.action, AM_ACTION_QUARANTINE);
	contains(r.v->authres, "arc=fail (ARC-Message-Signature i=1: the body "
			       "hash did not verify");
	contains(r.v->summary, "arc=fail");
	run_free(&r);
	free(bad);
	free(m);
}

/* With a seal key the message passed on gets our set, after our A-R. */
static void
message_passed_on_is_sealed(void **state)
{
	struct run r;
	struct test_env env;
	struct am_arc_result res;
	struct am_buf b;
	char *m = list_message("lists.example; dmarc=pass "
			       "header.from=example.com");

	(void)state;
	run_init(&r);
	r.env.ctx.arc_sealer = our_sealer;
	run_message(&r, "203.0.113.5", "<news-bounces@lists.example>", m);
	assert_int_equal(r.v->decision.action, AM_ACTION_QUARANTINE);
	assert_int_equal(r.v->seal.instance, 2);
	assert_true(strncmp(r.v->seal.aar, "i=2; mx.test.example;", 21) == 0);
	contains(r.v->seal.aar, r.v->authres);
	contains(r.v->seal.as, "cv=pass; d=mx.test.example; s=arc;");
	contains(r.v->seal.ams, "h=from:subject:date:to:message-id:list-id;");
	/* what the next hop sees verifies */
	am_buf_init(&b, 0);
	am_buf_printf(&b, "ARC-Seal: %s\r\nARC-Message-Signature: %s\r\n"
			  "ARC-Authentication-Results: %s\r\n"
			  "Authentication-Results: %s\r\n%s",
	    r.v->seal.as, r.v->seal.ams, r.v->seal.aar, r.v->authres, m);
	test_env_init(&env, zone_text);
	am_arc_free(arcsign_check(&env.ctx, env.session, env.arena,
	    am_buf_str(&b), &res));
	assert_int_equal(res.result, AM_RESULT_PASS);
	assert_int_equal(res.sets, 2);
	test_env_free(&env);
	am_buf_release(&b);
	run_free(&r);
	/* a rejected message is not passed on, so not sealed */
	run_init(&r);
	r.env.ctx.arc_sealer = our_sealer;
	run_message(&r, "203.0.113.5", "<x@evil.example>", base_message);
	assert_int_equal(r.v->decision.action, AM_ACTION_REJECT);
	assert_null(r.v->seal.aar);
	run_free(&r);
	free(m);
}

/* A signed message replayed with a second From added above the signed
 * one: the signature still verifies (it covers the last From, RFC 6376
 * 5.4.2) and DMARC passes, but a reader may show the added field.  RFC
 * 6376 8.15: such a message is quarantined by default. */
static const char *
add_from(const char *m)
{
	static char out[8192];

	snprintf(out, sizeof(out), "From: IT Security <security@example.com>"
	    "\r\n%s", m);
	return out;
}

static void
message_replayed_signature_with_an_added_from_is_quarantined(void **state)
{
	struct run r;
	char *m = signed_message(add_from);

	(void)state;
	run_init(&r);
	run_message(&r, "198.51.100.9", "<bounce-123@esp.example>", m);
	assert_int_equal(r.v->dkim.sigs[0].result, AM_RESULT_PASS);
	assert_int_equal(r.v->authors[0].dmarc.result, AM_RESULT_PASS);
	assert_string_equal(r.v->header_problem,
	    "2 From header fields (RFC 5322 allows one)");
	assert_int_equal(r.v->decision.action, AM_ACTION_QUARANTINE);
	assert_string_equal(r.v->decision.rule, "header-rule");
	run_free(&r);
	free(m);
}

/*
 * A From domain as an attacker may write it, and what the message gets.
 * IDN look-alikes (IDNA2008 with UTS #46 mapping), names that are no DNS
 * names, and a From hidden past the stored-header limit must meet the
 * policy of the domain a reader sees, or the strictest one; never "no
 * Author Domain".  All from a client that passes SPF for nothing.
 */
struct from_case {
	const char *name;
	const char *from;    /* the From field's value; see pad */
	size_t pad;	     /* bytes of X-Pad fields before it */
	const char *header_from; /* the Author Domain evaluated */
	enum am_action action;
	const char *rule;
	const char *reason; /* a substring of the DMARC reason, or NULL */
};

#define MB (1u << 20)

static const struct from_case from_cases[] = {
	{"soft hyphen: ban<U+00AD>k.example is bank.example",
	    " <ceo@ban\xc2\xadk.example>", 0, "bank.example", AM_ACTION_REJECT,
	    "dmarc-reject", NULL},
	{"NFD: ba<U+0308>nk.example is xn--bnk-qla.example",
	    " <ceo@ba\xcc\x88nk.example>", 0, "xn--bnk-qla.example",
	    AM_ACTION_REJECT, "dmarc-reject", NULL},
	{"case: BÄNK.example is xn--bnk-qla.example",
	    " <ceo@B\xc3\x84NK.example>", 0, "xn--bnk-qla.example",
	    AM_ACTION_REJECT, "dmarc-reject", NULL},
	{"ZWJ: ba<U+200D>nk.example is bank.example",
	    " ceo@ba\xe2\x80\x8dnk.example", 0, "bank.example",
	    AM_ACTION_REJECT, "dmarc-reject", NULL},
	{"DISALLOWED: ba<U+2620>nk.example is a failure under p=reject",
	    " ceo@ba\xe2\x98\xa0nk.example", 0, "ba<U+2620>nk.example",
	    AM_ACTION_REJECT, "dmarc-reject", "the strictest policy"},
	{"a label of 64 octets below bank.example gets its policy",
	    " ceo@0123456789012345678901234567890123456789012345678901234567"
	    "890123.bank.example", 0,
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    ".bank.example", AM_ACTION_REJECT, "dmarc-reject",
	    "cannot exist below bank.example"},
	{"punctuation in the last label is a failure under p=reject",
	    " ceo@bank.example}", 0, "bank.example}", AM_ACTION_REJECT,
	    "dmarc-reject", "character not allowed"},
	{"an empty label hides everything but the top level",
	    " ceo@bank..example", 0, "bank..example", AM_ACTION_REJECT,
	    "dmarc-reject", "empty label"},
	{"a control byte inside the domain does not cut it to its first label",
	    " CEO <ceo@bank\x01.example>", 0, "bank<U+0001>.example",
	    AM_ACTION_REJECT, "dmarc-reject", "the strictest policy"},
	{"DEL inside the domain: its valid parent's policy applies",
	    " ceo@mail\x7f.bank.example", 0, "mail<U+007F>.bank.example",
	    AM_ACTION_REJECT, "dmarc-reject", "cannot exist below bank.example"},
	{"bytes that are no UTF-8 inside the domain",
	    " ceo@bank\xff.example", 0, "bank<0xFF>.example", AM_ACTION_REJECT,
	    "dmarc-reject", "the strictest policy"},
	{"a control byte in the label below a PSD: not the PSD's p=none",
	    " ceo@bank\x01.co.example", 0, "bank<U+0001>.co.example",
	    AM_ACTION_REJECT, "dmarc-reject",
	    "no Organizational Domain's record applies at or above co.example"},
	{"a control byte below a suffix without records: not 'no record'",
	    " ceo@bank\x01.co.uk", 0, "bank<U+0001>.co.uk", AM_ACTION_REJECT,
	    "dmarc-reject",
	    "no Organizational Domain's record applies at or above co.uk"},
	{"a dot right after the at-sign hides nothing",
	    " CEO <ceo@.bank.example>", 0, ".bank.example", AM_ACTION_REJECT,
	    "dmarc-reject", "empty label"},
	{"a comment between the at-sign and a dot hides nothing",
	    " ceo@(x).bank.example", 0, ".bank.example", AM_ACTION_REJECT,
	    "dmarc-reject", "empty label"},
	{"the domain in quotes after the at-sign",
	    " ceo@\"bank.example\"", 0, "bank.example", AM_ACTION_REJECT,
	    "dmarc-reject", NULL},
	{"the domain in angle brackets after the at-sign",
	    " ceo@<bank.example>", 0, "bank.example", AM_ACTION_REJECT,
	    "dmarc-reject", NULL},
	{"a domain literal that holds a name is that name",
	    " CEO <ceo@[bank.example]>", 0, "bank.example", AM_ACTION_REJECT,
	    "dmarc-reject", NULL},
	{"an address that is only an encoded-word (RFC 2047 5)",
	    " =?utf-8?q?ceo=40bank.example?=", 0, "bank.example",
	    AM_ACTION_REJECT, "dmarc-reject", NULL},
	{"an encoded-word in the local part shows its own address",
	    " =?utf-8?b?Y2VvQGJhbmsuZXhhbXBsZQ==?=@[192.0.2.1]", 0,
	    "bank.example", AM_ACTION_REJECT, "dmarc-reject", NULL},
	{"an empty group whose name is an address",
	    " \"CEO ceo@bank.example\":;", 0, "bank.example", AM_ACTION_REJECT,
	    "dmarc-reject", NULL},
	{"a From past 1 MB of other fields is still evaluated",
	    " CEO <ceo@example.com>", MB + 4096, "example.com",
	    AM_ACTION_REJECT, "dmarc-reject", NULL},
};

/* The message of a from_case: pad bytes of X-Pad fields, the From. */
static char *
from_message(const struct from_case *c)
{
	struct am_buf b;
	size_t n;

	am_buf_init(&b, 0);
	for (n = 0; n < c->pad; n += 1000)
		am_buf_printf(&b, "X-Pad: %0990zu\r\n", n);
	am_buf_printf(&b, "From:%s\r\nSubject: pay\r\n\r\nnow\r\n", c->from);
	assert_false(am_buf_failed(&b));
	return (char *)am_buf_str(&b);
}

static void
from_named_case(void **state)
{
	const struct from_case *c = *state;
	const struct am_dmarc_outcome *d;
	char *m = from_message(c);
	struct run r;

	run_init(&r);
	run_message(&r, "203.0.113.5", "<x@evil.example>", m);
	assert_int_equal(r.v->nauthors, 1);
	d = &r.v->authors[0].dmarc;
	assert_string_equal(d->author_domain, c->header_from);
	if (r.v->decision.action != c->action)
		fail_msg("action %s (%s: %s)",
		    am_action_name(r.v->decision.action), r.v->decision.rule,
		    r.v->decision.reason);
	assert_string_equal(r.v->decision.rule, c->rule);
	if (c->reason != NULL)
		contains(d->reason, c->reason);
	assert_int_equal(r.v->headers_truncated, c->pad > MB);
	run_free(&r);
	free(m);
}

/* A From field longer than the 1 MB a message keeps is cut by the .eml
 * reader: the domains before the cut are evaluated, and the rest make
 * the message undecidable (too_many_from), never "no From". */
static void
message_from_cut_at_1_mb_is_not_no_from(void **state)
{
	struct am_buf b;
	struct run r;

	(void)state;
	am_buf_init(&b, 0);
	am_buf_adds(&b, "From: CEO <ceo@example.com>, (");
	while (b.len < (1u << 20) + 100)
		am_buf_adds(&b, "padding padding padding padding ");
	am_buf_adds(&b, ") x@other.example\r\n\r\nx\r\n");
	run_init(&r);
	run_message(&r, "203.0.113.5", "<x@evil.example>", am_buf_str(&b));
	assert_int_equal(r.v->from, AM_FROM_TOO_MANY);
	contains(r.v->from_why, "a From field longer than 1 MB was not read "
	    "whole");
	assert_int_equal(r.v->nauthors, 1);
	assert_string_equal(r.v->authors[0].dmarc.author_domain, "example.com");
	assert_int_equal(r.v->decision.action, AM_ACTION_REJECT);
	run_free(&r);
	am_buf_release(&b);
}

/* 26,000 From fields of distinct domains: the first five are evaluated,
 * the rest counted, and DNS is asked about those five only. */
static void
message_from_flood_is_bounded(void **state)
{
	struct am_buf b;
	struct run r;
	size_t i;

	(void)state;
	am_buf_init(&b, 0);
	for (i = 0; i < 26000; i++)
		am_buf_printf(&b, "From: <a@d%zu.example>\r\n", i);
	am_buf_adds(&b, "From: <ceo@example.com>\r\n\r\nx\r\n");
	run_init(&r);
	run_message(&r, "203.0.113.5", "<x@evil.example>", am_buf_str(&b));
	assert_int_equal(r.v->from, AM_FROM_TOO_MANY);
	assert_int_equal(r.v->nauthors, 5);
	contains(r.v->from_why, "more than 5 Author Domains in From; the "
	    "first 5 were evaluated");
	assert_int_equal(r.v->decision.action, AM_ACTION_QUARANTINE);
	assert_true(r.v->header_problem != NULL);
	contains(r.v->header_problem, "26001 From header fields");
	/* SPF, iprev and at most a tree walk of two per Author Domain */
	assert_true(am_msg_dns_queries(r.msg) <= 20);
	run_free(&r);
	am_buf_release(&b);
}

static void
message_header_is_rendered_exactly(void **state)
{
	struct run r;

	(void)state;
	run_init(&r);
	run_message(&r, "192.0.2.7", "<b@bounce.example.com>", base_message);
	assert_string_equal(r.v->authres,
	    "mx.test.example;\n"
	    "\tiprev=pass (mail.example.com) policy.iprev=192.0.2.7;\n"
	    "\tspf=pass (matched ip4:192.0.2.0/24 in the SPF record of "
	    "bounce.example.com)\n"
	    "\tsmtp.mailfrom=bounce.example.com;\n"
	    "\tdkim=none (no signature);\n"
	    "\tarc=none;\n"
	    "\tdmarc=pass (p=reject) header.from=example.com policy.dmarc=none");
	assert_string_equal(r.v->summary, "ip=192.0.2.7 from=example.com "
	    "spf=pass dmarc=pass action=accept rule=dmarc-pass "
	    "reason=\"DMARC pass for example.com (SPF bounce.example.com)\"");
	run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(message_esp_mail_from_with_aligned_dkim_passes),
		cmocka_unit_test(message_subject_tagged_in_transit_fails_dmarc),
		cmocka_unit_test(
		    message_body_changed_in_transit_names_the_body_hash),
		cmocka_unit_test(message_forwarded_spf_fail_dkim_intact_passes),
		cmocka_unit_test(message_custom_mail_from_subdomain_aligns),
		cmocka_unit_test(
		    message_spoof_is_rejected_and_forged_authres_removed),
		cmocka_unit_test(
		    message_forged_authres_with_a_split_id_is_removed),
		cmocka_unit_test(message_blanks_before_the_colon_hide_nothing),
		cmocka_unit_test(
		    message_several_from_domains_take_the_strictest),
		cmocka_unit_test(message_malformed_from_is_read_leniently),
		cmocka_unit_test(message_without_from_is_permerror_and_accepted),
		cmocka_unit_test(message_trusted_client_is_not_rejected),
		cmocka_unit_test(
		    message_authenticated_submission_is_not_rejected),
		cmocka_unit_test(
		    message_dmarc_dns_timeout_follows_temperror_setting),
		cmocka_unit_test(message_body_is_not_wanted_without_signatures),
		cmocka_unit_test(message_list_mail_is_quarantined_and_says_why),
		cmocka_unit_test(message_two_date_fields_get_the_header_action),
		cmocka_unit_test(message_header_is_rendered_exactly),
		cmocka_unit_test(
		    message_list_sealed_by_trusted_sealer_is_accepted),
		cmocka_unit_test(message_trusted_sealer_must_report_a_pass),
		cmocka_unit_test(message_passed_on_is_sealed),
		cmocka_unit_test(
		    message_replayed_signature_with_an_added_from_is_quarantined),
		cmocka_unit_test(message_from_flood_is_bounded),
		cmocka_unit_test(message_from_cut_at_1_mb_is_not_no_from),
	};
	return test_run_table("message", "message From", TEST_ROWS(from_cases),
	    from_named_case, tests, sizeof(tests) / sizeof(tests[0]), setup,
	    teardown);
}
