/*
 * unit_arc.c - verifying and sealing ARC chains (RFC 8617 5.1, 5.2), one
 * named behaviour per case.
 *
 * Keys are generated when the suite starts (test/dkimsign.c) and
 * published in a zone written for the test; chains are made by our own
 * sealer (test/arcsign.c), then changed the way each case needs.  The
 * sealer's output verifying with an independent implementation is
 * test/arc_interop.sh's business, and the ValiMail suites' (arc_suite.sh).
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc_internal.h"
#include "arc_trust.h"
#include "arcsign.h"
#include "testlib.h"

/* What a list receives from one of its members. */
static const char message[] =
    "Message-ID: <q3@example.com>\r\n"
    "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
    "From: Alice <alice@example.com>\r\n"
    "Subject: Quarterly report\r\n"
    "To: list@lists.example\r\n"
    "\r\n"
    "Hello Bob,\r\n"
    "\r\n"
    "the numbers are attached.\r\n";

#define AR "mx.example.net; spf=pass smtp.mailfrom=example.com"

static struct {
	struct dkimsign_key *rsa1024, *rsa2048, *ed25519, *rsa512;
	struct am_arc_sealer *s1, *s2, *ed;
	char *zone; /* s1, s2 and ed published */
} K;

static int
setup(void **state)
{
	struct am_buf z;

	(void)state;
	K.rsa1024 = dkimsign_key_rsa(1024);
	K.rsa2048 = dkimsign_key_rsa(2048);
	K.ed25519 = dkimsign_key_ed25519();
	K.rsa512 = dkimsign_key_rsa(512);
	if (!K.rsa1024 || !K.rsa2048 || !K.ed25519 || !K.rsa512)
		return -1;
	K.s1 = arcsign_sealer(K.rsa1024, "example.net", "s1");
	K.s2 = arcsign_sealer(K.rsa2048, "lists.example", "s2");
	K.ed = arcsign_sealer(K.ed25519, "example.net", "ed");
	am_buf_init(&z, 0);
	dkimsign_zone_txt(&z, "s1._domainkey.example.net", K.rsa1024->record);
	dkimsign_zone_txt(&z, "s2._domainkey.lists.example", K.rsa2048->record);
	dkimsign_zone_txt(&z, "ed._domainkey.example.net", K.ed25519->record);
	K.zone = (char *)am_buf_str(&z);
	return K.s1 && K.s2 && K.ed && !am_buf_failed(&z) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	am_arc_sealer_free(K.s1);
	am_arc_sealer_free(K.s2);
	am_arc_sealer_free(K.ed);
	dkimsign_key_free(K.rsa1024);
	dkimsign_key_free(K.rsa2048);
	dkimsign_key_free(K.ed25519);
	dkimsign_key_free(K.rsa512);
	free(K.zone);
	return 0;
}

/* s with its first "from" made "to" (malloc'd); the case needs it. */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	struct am_buf b;

	if (at == NULL)
		fail_msg("\"%s\" not in the message", from);
	am_buf_init(&b, 0);
	am_buf_add(&b, s, (size_t)(at - s));
	am_buf_adds(&b, to);
	am_buf_adds(&b, at + strlen(from));
	return (char *)am_buf_str(&b);
}

/* msg sealed by sealer, the chain judged with env's zone. */
static char *
seal(struct test_env *env, const struct am_arc_sealer *sealer,
    const char *msg)
{
	char *out = arcsign_seal(&env->ctx, env->session, env->arena, sealer,
	    AR, msg);

	if (out == NULL)
		fail_msg("not sealed");
	test_env_reset(env);
	return out;
}

static void
check(struct test_env *env, const char *msg, struct am_arc_result *res)
{
	am_arc_free(arcsign_check(&env->ctx, env->session, env->arena, msg,
	    res));
}

static void
assert_fails(struct test_env *env, const char *msg, const char *why)
{
	struct am_arc_result res;

	check(env, msg, &res);
	if (res.result != AM_RESULT_FAIL || res.reason == NULL ||
	    strstr(res.reason, why) == NULL)
		fail_msg("arc=%s (%s), want fail (%s)",
		    am_result_name(res.result), res.reason ? res.reason : "",
		    why);
}

/* msg with its first from made to fails, saying why. */
static void
edited_fails(struct test_env *env, const char *msg, const char *from,
    const char *to, const char *why)
{
	char *bad = replace(msg, from, to);

	assert_fails(env, bad, why);
	free(bad);
}

static void
no_chain_is_none(void **state)
{
	struct test_env env;
	struct am_arc_result res;

	(void)state;
	test_env_init(&env, K.zone);
	check(&env, message, &res);
	assert_int_equal(res.result, AM_RESULT_NONE);
	assert_null(res.reason);
	assert_int_equal(res.sets, 0);
	test_env_free(&env);
}

static void
one_set_passes(void **state)
{
	struct test_env env;
	struct am_arc_result res;
	char *m;

	(void)state;
	test_env_init(&env, K.zone);
	m = seal(&env, K.s1, message);
	check(&env, m, &res);
	assert_int_equal(res.result, AM_RESULT_PASS);
	assert_int_equal(res.sets, 1);
	assert_int_equal(res.oldest_pass, 0);
	assert_string_equal(res.sealer, "example.net");
	assert_string_equal(res.reason, "1 set, newest sealed by example.net");
	assert_non_null(strstr(res.aar, "i=1; " AR));
	/* RFC 8617 ABNF: the instance first, b= last */
	assert_non_null(strstr(m, "ARC-Seal: i=1; a=rsa-sha256; t=1700000000; "
				  "cv=none; d=example.net; s=s1;\r\n\tb="));
	assert_non_null(strstr(m, "ARC-Message-Signature: i=1; a=rsa-sha256; "
				  "c=relaxed/relaxed; d=example.net;"));
	assert_non_null(strstr(m, "h=from:subject:date:to:message-id;"));
	free(m);
	test_env_free(&env);
}

static void
three_sealers_pass_newest_is_the_sealer(void **state)
{
	struct test_env env;
	struct am_arc_result res;
	char *m1, *m2, *m3;

	(void)state;
	test_env_init(&env, K.zone);
	m1 = seal(&env, K.s1, message);
	m2 = seal(&env, K.ed, m1);
	m3 = seal(&env, K.s2, m2);
	assert_non_null(strstr(m2, "ARC-Seal: i=2; a=ed25519-sha256;"));
	assert_non_null(strstr(m3, "cv=pass; d=lists.example; s=s2;"));
	check(&env, m3, &res);
	assert_int_equal(res.result, AM_RESULT_PASS);
	assert_int_equal(res.sets, 3);
	assert_int_equal(res.oldest_pass, 0);
	assert_string_equal(res.sealer, "lists.example");
	free(m1);
	free(m2);
	free(m3);
	test_env_free(&env);
}

static void
body_changed_after_sealing_fails(void **state)
{
	struct test_env env;
	struct am_arc_result res;
	char *m, *bad;

	(void)state;
	test_env_init(&env, K.zone);
	m = seal(&env, K.s1, message);
	edited_fails(&env, m, "numbers", "figures", "ARC-Message-Signature "
	    "i=1: the body hash did not verify (body changed in transit)");
	/* relaxed: white space at the end of a line does not count */
	bad = replace(m, "Bob,\r\n", "Bob, \t\r\n");
	check(&env, bad, &res);
	assert_int_equal(res.result, AM_RESULT_PASS);
	free(bad);
	free(m);
	test_env_free(&env);
}

static void
signed_header_changed_fails(void **state)
{
	struct test_env env;
	char *m;

	(void)state;
	test_env_init(&env, K.zone);
	m = seal(&env, K.s1, message);
	edited_fails(&env, m, "Subject: Quarterly", "Subject: [list] Quarterly",
	    "ARC-Message-Signature i=1: the signature did not verify");
	free(m);
	test_env_free(&env);
}

/* RFC 8617 5.2 step 5: a list verified the chain (pass), tagged the
 * subject, and sealed with cv=pass. */
static void
oldest_pass_names_the_first_intact_signature(void **state)
{
	struct test_env env;
	struct am_arc_result before, after, res;
	struct am_arc_seal s;
	struct am_arc *arc;
	struct am_buf b;
	char *m1, *tagged, *m2;

	(void)state;
	test_env_init(&env, K.zone);
	m1 = seal(&env, K.s1, message);
	check(&env, m1, &before);
	assert_int_equal(before.result, AM_RESULT_PASS);
	tagged = replace(m1, "Subject: Quarterly", "Subject: [list] Quarterly");
	arc = arcsign_check(&env.ctx, env.session, env.arena, tagged, &after);
	assert_int_equal(after.result, AM_RESULT_FAIL);
	am_arc_seal(arc, K.s2, &before, AR, NULL, &s);
	am_buf_init(&b, 0);
	am_buf_printf(&b, "ARC-Seal: %s\r\nARC-Message-Signature: %s\r\n"
			  "ARC-Authentication-Results: %s\r\n%s",
	    s.as, s.ams, s.aar, tagged);
	m2 = (char *)am_buf_str(&b);
	am_arc_free(arc);
	test_env_reset(&env);
	check(&env, m2, &res);
	assert_int_equal(res.result, AM_RESULT_PASS);
	assert_int_equal(res.oldest_pass, 2);
	free(m1);
	free(tagged);
	free(m2);
	test_env_free(&env);
}

static void
an_older_aar_changed_breaks_the_newest_seal(void **state)
{
	struct test_env env;
	char *m1, *m2;

	(void)state;
	test_env_init(&env, K.zone);
	m1 = seal(&env, K.s1, message);
	m2 = seal(&env, K.s2, m1);
	/* step 6 checks seals newest first: i=2 covers set 1 too */
	edited_fails(&env, m2, "i=1; mx.example.net; spf=pass",
	    "i=1; mx.example.net; spf=fail",
	    "ARC-Seal i=2: the signature did not verify");
	free(m1);
	free(m2);
	test_env_free(&env);
}

static void
structure_is_checked_before_signatures(void **state)
{
	struct test_env env;
	char *m1, *m2, *bad, *worse;

	(void)state;
	test_env_init(&env, K.zone);
	m1 = seal(&env, K.s1, message);
	m2 = seal(&env, K.s1, m1);
	edited_fails(&env, m2, "cv=pass", "cv=none",
	    "ARC-Seal i=2 says cv=none, not pass");
	edited_fails(&env, m1, "ARC-Authentication-Results: i=1;",
	    "X-Was-Authentication-Results: i=1;", "ARC set 1 of 1 has 0 "
	    "ARC-Authentication-Results, 1 ARC-Message-Signature and 1 "
	    "ARC-Seal");
	/* instances 1 and 3: 2 is missing */
	bad = replace(m2, "ARC-Seal: i=2;", "ARC-Seal: i=3;");
	worse = replace(bad, "ARC-Message-Signature: i=2;",
	    "ARC-Message-Signature: i=3;");
	free(bad);
	bad = replace(worse, "ARC-Authentication-Results: i=2;",
	    "ARC-Authentication-Results: i=3;");
	assert_fails(&env, bad, "ARC set 2 of 3 has 0");
	free(bad);
	free(worse);
	edited_fails(&env, m1, "ARC-Seal: i=1;", "ARC-Seal: i=one;",
	    "ARC-Seal without a valid instance (i=)");
	free(m1);
	free(m2);
	test_env_free(&env);
}

static void
newest_cv_fail_ends_the_chain(void **state)
{
	struct test_env env;
	struct am_arc_result res;
	struct am_arc_seal s;
	struct am_arc *arc;
	char *m, *bad;

	(void)state;
	test_env_init(&env, K.zone);
	m = seal(&env, K.s1, message);
	bad = replace(m, "cv=none", "cv=fail");
	arc = arcsign_check(&env.ctx, env.session, env.arena, bad, &res);
	assert_int_equal(res.result, AM_RESULT_FAIL);
	assert_true(res.ended);
	assert_string_equal(res.reason,
	    "ARC-Seal i=1 says cv=fail: the chain ended before us");
	/* RFC 8617 5.1 step 2: nobody seals after it */
	am_arc_seal(arc, K.s1, &res, AR, NULL, &s);
	assert_null(s.aar);
	assert_string_equal(s.why_not,
	    "the chain ended with cv=fail before us (RFC 8617 5.1)");
	am_arc_free(arc);
	free(bad);
	free(m);
	test_env_free(&env);
}

/* 5.1.2: a broken chain is sealed cv=fail, the seal over our set only. */
static void
a_failed_chain_is_sealed_cv_fail(void **state)
{
	struct test_env env;
	struct am_arc_result res;
	char *m1, *bad, *m2;

	(void)state;
	test_env_init(&env, K.zone);
	m1 = seal(&env, K.s1, message);
	bad = replace(m1, "numbers", "figures");
	m2 = seal(&env, K.s2, bad);
	assert_non_null(strstr(m2, "ARC-Seal: i=2; a=rsa-sha256; "
				   "t=1700000000; cv=fail;"));
	check(&env, m2, &res);
	assert_int_equal(res.result, AM_RESULT_FAIL);
	assert_true(res.ended);
	free(m1);
	free(bad);
	free(m2);
	test_env_free(&env);
}

static void
more_than_fifty_sets_fail_and_are_not_sealed(void **state)
{
	struct test_env env;
	struct am_arc_result res;
	struct am_arc_seal s;
	struct am_arc *arc;
	char *m = strdup(message), *next;
	struct am_buf b;
	int i;

	(void)state;
	test_env_init(&env, K.zone);
	for (i = 0; i < AM_ARC_MAX_SETS; i++) {
		next = seal(&env, K.ed, m);
		free(m);
		m = next;
	}
	arc = arcsign_check(&env.ctx, env.session, env.arena, m, &res);
	assert_int_equal(res.result, AM_RESULT_PASS);
	assert_int_equal(res.sets, 50);
	am_arc_seal(arc, K.ed, &res, AR, NULL, &s);
	assert_null(s.aar);
	assert_string_equal(s.why_not, "the chain already holds 50 sets");
	am_arc_free(arc);
	/* one field more than 50 sets hold */
	am_buf_init(&b, 0);
	am_buf_adds(&b, "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=x.example; "
			"s=s; b=QUJD\r\n");
	am_buf_adds(&b, m);
	assert_fails(&env, am_buf_str(&b), "more than 150 ARC header fields");
	am_buf_release(&b);
	free(m);
	test_env_free(&env);
}

static void
key_problems(void **state)
{
	static const struct {
		const char *zone, *why;
		enum am_result result;
	} cases[] = {
		{"", "no key at s1._domainkey.example.net (NXDOMAIN)",
		    AM_RESULT_FAIL},
		{"s1._domainkey.example.net TXT \"v=DKIM1; k=rsa; p=\"\n",
		    "the key is revoked (empty p=)", AM_RESULT_FAIL},
		{"s1._domainkey.example.net TXT \"v=DKIM1; k=rsa; p=QUJD\"\n",
		    "p= is not an RSA key", AM_RESULT_FAIL},
		{"s1._domainkey.example.net TXT \"v=DKIM1; p=QUJD\"\n"
		 "s1._domainkey.example.net TXT \"v=DKIM1; p=QUJD\"\n",
		    "2 TXT records at s1._domainkey.example.net, not one",
		    AM_RESULT_FAIL},
		{"s1._domainkey.example.net TIMEOUT\n",
		    "key s1._domainkey.example.net: timeout",
		    AM_RESULT_TEMPERROR},
	};
	struct test_env env;
	struct am_arc_result res;
	char *m, *zone, *z;
	size_t i;

	(void)state;
	test_env_init(&env, K.zone);
	m = seal(&env, K.s1, message);
	test_env_free(&env);
	/* the zone without s1's record, plus the case's */
	z = replace(K.zone, "s1._domainkey.example.net", "x1._domainkey.x");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		zone = replace(z, "", cases[i].zone); /* prepended */
		test_env_init(&env, zone);
		check(&env, m, &res);
		if (res.result != cases[i].result ||
		    strstr(res.reason, cases[i].why) == NULL)
			fail_msg("case %zu: arc=%s (%s)", i,
			    am_result_name(res.result), res.reason);
		test_env_free(&env);
		free(zone);
	}
	free(z);
	free(m);
}

static void
weak_and_mismatched_keys_fail(void **state)
{
	struct test_env env;
	struct am_buf z;
	char *m;

	(void)state;
	test_env_init(&env, K.zone);
	m = seal(&env, K.s1, message);
	test_env_free(&env);
	am_buf_init(&z, 0);
	dkimsign_zone_txt(&z, "s1._domainkey.example.net", K.rsa512->record);
	test_env_init(&env, am_buf_str(&z));
	assert_fails(&env, m, "the RSA key has 512 bits, fewer than 1024 "
			      "(RFC 8301)");
	test_env_free(&env);
	am_buf_reset(&z);
	dkimsign_zone_txt(&z, "s1._domainkey.example.net", K.ed25519->record);
	test_env_init(&env, am_buf_str(&z));
	assert_fails(&env, m, "the key at s1._domainkey.example.net is "
			      "Ed25519, a= says rsa-sha256");
	test_env_free(&env);
	am_buf_release(&z);
	free(m);
}

static void
a_seal_dated_in_the_future_fails(void **state)
{
	struct test_env env;
	char *m;

	(void)state;
	test_env_init(&env, K.zone);
	m = seal(&env, K.s1, message);
	env.now = 1700000000 - 301;
	assert_fails(&env, m, "ARC-Message-Signature i=1: it is dated in the "
			      "future (t=)");
	free(m);
	test_env_free(&env);
}

/* 4.1.2: ARC fields must not be signed by an AMS; ARC-Seal fails. */
static void
an_ams_signing_arc_seal_fails(void **state)
{
	static const char *const h[] = {"from", "arc-seal"};
	struct am_arc_seal_options opt = {h, 2, false};
	struct test_env env;
	struct am_arc_result res;
	struct am_arc_seal s;
	struct am_arc *arc;
	struct am_buf b;

	(void)state;
	test_env_init(&env, K.zone);
	arc = arcsign_check(&env.ctx, env.session, env.arena, message, &res);
	am_arc_seal(arc, K.s1, &res, AR, &opt, &s);
	assert_non_null(s.ams);
	am_buf_init(&b, 0);
	am_buf_printf(&b, "ARC-Seal: %s\r\nARC-Message-Signature: %s\r\n"
			  "ARC-Authentication-Results: %s\r\n%s",
	    s.as, s.ams, s.aar, message);
	am_arc_free(arc);
	test_env_reset(&env);
	assert_fails(&env, am_buf_str(&b), "h= names ARC-Seal (RFC 8617 4.1.2)");
	am_buf_release(&b);
	test_env_free(&env);
}

static void
temperror_is_not_sealed(void **state)
{
	struct test_env env;
	struct am_arc_result res;
	struct am_arc_seal s;
	struct am_arc *arc;
	char *m, *zone;

	(void)state;
	test_env_init(&env, K.zone);
	m = seal(&env, K.s2, message);
	test_env_free(&env);
	zone = replace(K.zone, "s2._domainkey.lists.example",
	    "s2._domainkey.lists.example TIMEOUT\nignored.example");
	test_env_init(&env, zone);
	arc = arcsign_check(&env.ctx, env.session, env.arena, m, &res);
	assert_int_equal(res.result, AM_RESULT_TEMPERROR);
	am_arc_seal(arc, K.s1, &res, AR, NULL, &s);
	assert_null(s.aar);
	assert_non_null(strstr(s.why_not, "temperror"));
	am_arc_free(arc);
	free(zone);
	free(m);
	test_env_free(&env);
}

/* However many keys a chain names, its checks are bounded in time. */
static void
a_chain_too_slow_to_check_is_temperror(void **state)
{
	struct test_env env;
	struct am_arc_result res;
	char *m;

	(void)state;
	test_env_init(&env, K.zone);
	m = seal(&env, K.s1, message);
	env.step = 31; /* every look at the clock: 31 s later */
	check(&env, m, &res);
	assert_int_equal(res.result, AM_RESULT_TEMPERROR);
	assert_string_equal(res.reason, "ARC-Message-Signature i=1: the "
					"chain's keys took more than 30 s");
	free(m);
	test_env_free(&env);
}

/* The body flows while a chain's AMS or our seal needs its hash. */
static void
body_is_wanted_only_when_needed(void **state)
{
	struct test_env env;
	struct am_arc *arc;
	struct am_header h = {NULL, "From", 4, " a@example.com", 14};

	(void)state;
	test_env_init(&env, K.zone);
	arc = am_arc_new(&env.ctx, env.session, env.arena, NULL, false);
	am_arc_header(arc, &h);
	assert_true(am_arc_wants_body(arc)); /* not known before the end */
	am_arc_end_headers(arc);
	assert_false(am_arc_wants_body(arc));
	am_arc_free(arc);
	arc = am_arc_new(&env.ctx, env.session, env.arena, NULL, true);
	am_arc_end_headers(arc);
	assert_true(am_arc_wants_body(arc));
	am_arc_free(arc);
	test_env_free(&env);
}

static void
sealer_keys_are_checked_at_load(void **state)
{
	static const struct {
		const char *pem, *why;
	} cases[] = {
		{"not a key\n", "holds no PEM private key"},
		{NULL, "is an RSA key of fewer than 1024 bits"},
	};
	char path[] = "/tmp/unit_arc.XXXXXX", err[256];
	size_t i;
	FILE *fp;
	int fd;

	(void)state;
	assert_null(am_arc_sealer_new("/nonexistent/key.pem", "example.net",
	    "s", err, sizeof(err)));
	assert_string_equal(err, "arc seal_key /nonexistent/key.pem: No such "
				 "file or directory");
	assert_null(am_arc_sealer_new("/dev/null", "exa mple.net", "s", err,
	    sizeof(err)));
	assert_string_equal(err, "arc seal_domain and seal_selector must be "
				 "DNS names");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true((fd = mkstemp(path)) >= 0);
		fp = fdopen(fd, "w");
		fputs(cases[i].pem != NULL ? cases[i].pem :
					     K.rsa512->private_pem, fp);
		fclose(fp);
		assert_null(am_arc_sealer_new(path, "example.net", "s", err,
		    sizeof(err)));
		if (strstr(err, cases[i].why) == NULL)
			fail_msg("case %zu: %s", i, err);
		unlink(path);
		memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	}
	assert_string_equal(am_arc_sealer_algorithm(K.ed), "ed25519-sha256");
	assert_string_equal(am_arc_sealer_algorithm(K.s1), "rsa-sha256");
}

/* RFC 8617 7.2.1: what a trusted sealer's AAR must say (arc_trust.c). */
static void
trusted_sealers_vouch_only_for_what_they_saw(void **state)
{
	static const struct {
		const char *aar;
		bool strict, vouches;
	} cases[] = {
	    {"dmarc=pass header.from=example.com", false, true},
	    {"dmarc=pass", false, false},
	    {"dmarc=pass header.from=other.example", false, false},
	    {"dmarc=fail header.from=example.com", false, false},
	    {"dkim=pass header.d=example.com", true, true},
	    {"dkim=pass header.i=@example.com", true, true},
	    {"dkim=pass header.d=mail.example.com", false, true},
	    {"dkim=pass header.d=mail.example.com", true, false},
	    {"dkim=pass header.d=example.org", false, false},
	    {"spf=pass smtp.mailfrom=bounce@mail.example.com", false, true},
	    {"spf=softfail smtp.mailfrom=example.com", false, false},
	    {"(no results)", false, false},
	};
	static const char *trusted[] = {"lists.example"};
	struct am_policy_options opt;
	struct am_arc_result arc = {.result = AM_RESULT_PASS,
	    .sealer = "lists.example",
	    .from_signed = true};
	struct am_dmarc_outcome d = {.result = AM_RESULT_FAIL,
	    .author_domain = "example.com"};
	struct test_env env;
	const char *who;
	size_t i;

	(void)state;
	test_env_init(&env, "_dmarc.example.com TXT \"v=DMARC1; p=reject\"\n");
	am_policy_defaults(&opt);
	opt.trusted_sealers = (char *const *)trusted;
	opt.ntrusted_sealers = 1;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		arc.aar = am_arena_printf(env.arena, " i=2; lists.example; %s",
		    cases[i].aar);
		d.record.adkim_strict = d.record.aspf_strict = cases[i].strict;
		who = am_arc_vouch(env.session, env.arena, &opt, &arc, &d,
		    NULL);
		if ((who != NULL) != cases[i].vouches)
			fail_msg("\"%s\"%s: %s", cases[i].aar, cases[i].strict ?
			    " (strict)" : "", who != NULL ? "vouches" :
			    "does not vouch");
	}
	arc.aar = " i=2; lists.example; dmarc=pass header.from=example.com";
	arc.sealer = "other.example";
	assert_null(am_arc_vouch(env.session, env.arena, &opt, &arc, &d, NULL));
	arc.sealer = "LISTS.example";
	assert_string_equal(am_arc_vouch(env.session, env.arena, &opt, &arc, &d,
	    NULL), "LISTS.example");
	arc.result = AM_RESULT_FAIL;
	assert_null(am_arc_vouch(env.session, env.arena, &opt, &arc, &d, NULL));
	test_env_free(&env);
}

/* What no sealer can vouch for: a From domain that is no DNS name (it
 * cannot exist, dmarc.h), and an identifier outside the Author Domain's
 * Organizational Domain, which is not aligned without a lookup in its own
 * tree (RFC 9989 4.10.2, as dmarc.c aligns). */
static void
trusted_sealers_never_vouch_beyond_alignment(void **state)
{
	static const char *trusted[] = {"lists.example"};
	struct am_policy_options opt;
	struct am_arc_result arc = {.result = AM_RESULT_PASS,
	    .sealer = "lists.example",
	    .from_signed = true,
	    .aar = " i=2; lists.example; dmarc=pass header.from=bank.example}"};
	struct am_dmarc_outcome d = {.result = AM_RESULT_FAIL,
	    .author_domain = "bank.example}", .invalid_domain = true};
	struct test_env env;
	unsigned before;

	(void)state;
	test_env_init(&env, "_dmarc.example.com TXT \"v=DMARC1; p=reject\"\n"
			    "_dmarc.evil.example TIMEOUT\n"
			    "_dmarc.mail.evil.example TIMEOUT\n");
	am_policy_defaults(&opt);
	opt.trusted_sealers = (char *const *)trusted;
	opt.ntrusted_sealers = 1;
	assert_null(am_arc_vouch(env.session, env.arena, &opt, &arc, &d, NULL));
	d.author_domain = "example.com";
	d.invalid_domain = false;
	d.org_domain = "example.com";
	arc.aar = " i=2; lists.example; dkim=pass header.d=mail.evil.example; "
		  "spf=pass smtp.mailfrom=evil.example";
	before = am_dns_session_queries(env.session);
	assert_null(am_arc_vouch(env.session, env.arena, &opt, &arc, &d, NULL));
	assert_int_equal(am_dns_session_queries(env.session), before);
	test_env_free(&env);
}

/* Whether msg's chain, sealed last by the trusted lists.example, vouches
 * for example.com (message's Author Domain) failing DMARC, as verdict.c
 * asks. */
static const char *
vouch(struct test_env *env, const char *msg)
{
	static const char *trusted[] = {"lists.example"};
	struct am_policy_options opt;
	struct am_dmarc_outcome d = {.result = AM_RESULT_FAIL,
	    .author_domain = "example.com",
	    .org_domain = "example.com"};
	struct am_arc_result res;
	const char *who;

	check(env, msg, &res);
	if (res.result != AM_RESULT_PASS)
		fail_msg("arc=%s: %s", am_result_name(res.result), res.reason);
	am_policy_defaults(&opt);
	opt.trusted_sealers = (char *const *)trusted;
	opt.ntrusted_sealers = 1;
	who = am_arc_vouch(env->session, env->arena, &opt, &res, &d, NULL);
	test_env_reset(env);
	return who;
}

/* msg sealed by lists.example with authres as its AAR, then vouch(). */
static const char *
sealed_vouch(struct test_env *env, const char *authres, const char *msg)
{
	char *m = arcsign_seal(
	    &env->ctx, env->session, env->arena, K.s2, authres, msg);
	const char *who;

	if (m == NULL)
		fail_msg("not sealed");
	test_env_reset(env);
	who = vouch(env, m);
	free(m);
	return who;
}

struct vouch_case {
	const char *authres;
	bool vouches;
};

/* K.zone with example.com's DMARC record (relaxed alignment walks to it) */
static void
trust_env_init(struct test_env *env)
{
	struct am_buf zone;

	am_buf_init(&zone, 0);
	am_buf_printf(&zone,
	    "%s_dmarc.example.com TXT \"v=DMARC1; "
	    "p=reject\"\n",
	    K.zone);
	test_env_init(env, am_buf_str(&zone));
	am_buf_release(&zone);
}

static void
assert_vouches(const struct vouch_case *cases, size_t n)
{
	struct test_env env;
	const char *who;
	size_t i;

	trust_env_init(&env);
	for (i = 0; i < n; i++) {
		who = sealed_vouch(&env, cases[i].authres, message);
		if ((who != NULL) != cases[i].vouches)
			fail_msg("\"%s\": %s", cases[i].authres,
			    who != NULL ? "vouches" : "does not vouch");
	}
	test_env_free(&env);
}

/* RFC 8601 2.2 pvalue: [local-part "@"] domain-name, where local-part may
 * be a quoted-string holding an '@'.  The domain is the one after the '@'
 * outside the quotes. */
static void
trusted_sealers_read_a_quoted_local_part_with_its_domain(void **state)
{
	static const struct vouch_case cases[] = {
	    {"lists.example; spf=pass "
	     "smtp.mailfrom=\"x@example.com\"@evil.example",
		false},
	    {"lists.example; dkim=pass "
	     "header.i=\"x@example.com\"@evil.example header.s=s",
		false},
	    {"lists.example; spf=pass smtp.mailfrom=\"x y\"@example.com", true},
	    {"lists.example; dkim=pass header.i=\"a;b\"@mail.example.com",
		true},
	    {"lists.example; spf=pass smtp.mailfrom=x@example.com@evil.example",
		false},
	};

	(void)state;
	assert_vouches(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A result vouches only when each of its properties was read and the
 * one DMARC aligns on names the Author Domain: an unreadable value, or a
 * dmarc=pass without header.from, says nothing about this From. */
static void
trusted_sealers_vouch_only_with_every_property_read_and_aligned(void **state)
{
	static const struct vouch_case cases[] = {
	    {"lists.example; dmarc=pass", false},
	    {"lists.example; dmarc=pass action=none "
	     "header.from=evil.example",
		false},
	    {"lists.example; dmarc=pass header.from=<x@example.com>", false},
	    {"lists.example; dmarc=pass header.from=evil.example "
	     "header.from=example.com",
		false},
	    {"lists.example; dmarc=pass header.from=example.com [x]", false},
	    {"lists.example; spf=pass", false},
	    {"lists.example; spf=pass smtp.helo=mail.example.com", true},
	    {"lists.example; spf=pass smtp.helo=evil.example", false},
	    {"lists.example; dkim=pass header.s=s", false},
	    {"lists.example; dkim=pass header.d=example.com "
	     "header.b=ab/cd+ef",
		true},
	    {"lists.example; dmarc=pass reason=\"ok\" "
	     "header.from=EXAMPLE.com",
		true},
	};

	(void)state;
	assert_vouches(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Microsoft's sealers write action= without a ptype (not RFC 8601, but
 * common): it is passed over, and header.from still decides. */
static void
trusted_sealers_accept_microsoft_dmarc_pass(void **state)
{
	static const struct vouch_case cases[] = {
	    {"spf.protection.outlook.com; spf=pass (sender IP is "
	     "192.0.2.1) smtp.mailfrom=example.com; dkim=pass (signature "
	     "was verified) header.d=example.com; dmarc=pass action=none "
	     "header.from=example.com; compauth=pass reason=100",
		true},
	    {"lists.example; dmarc=pass action=none header.from=example.com",
		true},
	};

	(void)state;
	assert_vouches(cases, sizeof(cases) / sizeof(cases[0]));
}

/* RFC 5322 3.2.2: comments nest; a ';' inside one starts no result. */
static void
trusted_sealers_read_nested_comments_as_comments(void **state)
{
	static const struct vouch_case cases[] = {
	    {"lists.example (relayed for (list) ;dmarc=pass "
	     "header.from=example.com) ; dmarc=fail header.from=example.com",
		false},
	    {"lists.example; dkim=fail header.d=evil.example (bad (x) "
	     ";dmarc=pass header.from=example.com) ; dmarc=fail "
	     "header.from=example.com",
		false},
	    {"lists.example; dkim=fail (a \\) ;dmarc=pass "
	     "header.from=example.com) ; dmarc=fail",
		false},
	    {"lists.example (a (b) c); dmarc=pass (x (y)) "
	     "header.from=example.com",
		true},
	};

	(void)state;
	assert_vouches(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A sealer vouches for the From it signed: with a From added above the
 * signed one after sealing (the chain still passes: h=from signs the
 * bottom-most), or with From out of the newest AMS's h=, no vouching. */
static void
trusted_sealers_vouch_only_for_a_from_the_seal_signed(void **state)
{
	static const char *const h[] = {"subject", "date", "to"};
	struct am_arc_seal_options opt = {h, 3, false};
	const char *good = "lists.example; dmarc=pass header.from=example.com";
	struct test_env env;
	struct am_arc_result res;
	struct am_arc_seal s;
	struct am_arc *arc;
	struct am_buf b;
	char *m, *two;

	(void)state;
	trust_env_init(&env);
	assert_non_null(sealed_vouch(&env, good, message));
	m = arcsign_seal(&env.ctx, env.session, env.arena, K.s2, good, message);
	two = replace(m, "From:", "From: <mallory@evil.example>\r\nFrom:");
	test_env_reset(&env);
	assert_null(vouch(&env, two));
	free(two);
	free(m);
	arc = arcsign_check(&env.ctx, env.session, env.arena, message, &res);
	am_arc_seal(arc, K.s2, &res, good, &opt, &s);
	am_arc_free(arc);
	am_buf_init(&b, 0);
	am_buf_printf(&b,
	    "ARC-Seal: %s\r\nARC-Message-Signature: %s\r\n"
	    "ARC-Authentication-Results: %s\r\n%s",
	    s.as, s.ams, s.aar, message);
	test_env_reset(&env);
	assert_null(vouch(&env, am_buf_str(&b)));
	am_buf_release(&b);
	test_env_free(&env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_chain_is_none),
	    cmocka_unit_test(one_set_passes),
	    cmocka_unit_test(three_sealers_pass_newest_is_the_sealer),
	    cmocka_unit_test(body_changed_after_sealing_fails),
	    cmocka_unit_test(signed_header_changed_fails),
	    cmocka_unit_test(oldest_pass_names_the_first_intact_signature),
	    cmocka_unit_test(an_older_aar_changed_breaks_the_newest_seal),
	    cmocka_unit_test(structure_is_checked_before_signatures),
	    cmocka_unit_test(newest_cv_fail_ends_the_chain),
	    cmocka_unit_test(a_failed_chain_is_sealed_cv_fail),
	    cmocka_unit_test(more_than_fifty_sets_fail_and_are_not_sealed),
	    cmocka_unit_test(key_problems),
	    cmocka_unit_test(weak_and_mismatched_keys_fail),
	    cmocka_unit_test(a_seal_dated_in_the_future_fails),
	    cmocka_unit_test(an_ams_signing_arc_seal_fails),
	    cmocka_unit_test(temperror_is_not_sealed),
	    cmocka_unit_test(a_chain_too_slow_to_check_is_temperror),
	    cmocka_unit_test(body_is_wanted_only_when_needed),
	    cmocka_unit_test(sealer_keys_are_checked_at_load),
	    cmocka_unit_test(trusted_sealers_vouch_only_for_what_they_saw),
	    cmocka_unit_test(trusted_sealers_never_vouch_beyond_alignment),
	    cmocka_unit_test(
		trusted_sealers_read_a_quoted_local_part_with_its_domain),
	    cmocka_unit_test(
		trusted_sealers_vouch_only_with_every_property_read_and_aligned),
	    cmocka_unit_test(trusted_sealers_accept_microsoft_dmarc_pass),
	    cmocka_unit_test(trusted_sealers_read_nested_comments_as_comments),
	    cmocka_unit_test(
		trusted_sealers_vouch_only_for_a_from_the_seal_signed),
	};

	return cmocka_run_group_tests_name("arc", tests, setup, teardown);
}
