/* unit_spf.c - check_host() behaviours, one named case each, beyond what
 * the OpenSPF suite covers (that runs separately: test/spf_suite.sh). */
#include "autoconfig.h"

#include <string.h>

#include "testlib.h"
#include "spf.h"

static const char zone[] =
    "example.com       TXT \"v=spf1 ip4:192.0.2.0/24 include:_spf.example.net "
    "-all\"\n"
    "_spf.example.net  TXT \"v=spf1 ip6:2001:db8::/32 a:mail.example.net ~all\"\n"
    "mail.example.net  A   198.51.100.10\n"
    "mail.example.net  AAAA 2001:db8:1::10\n"
    "helo.example.org  TXT \"v=spf1 a -all\"\n"
    "helo.example.org  A   203.0.113.5\n"
    /* the 10-term limit across nested includes */
    "deep.example      TXT \"v=spf1 include:l1.example -all\"\n"
    "l1.example        TXT \"v=spf1 a:x1.example a:x2.example include:l2.example\"\n"
    "l2.example        TXT \"v=spf1 a:x3.example a:x4.example include:l3.example\"\n"
    "l3.example        TXT \"v=spf1 a:x5.example a:x6.example include:l4.example\"\n"
    "l4.example        TXT \"v=spf1 ip4:192.0.2.1 -all\"\n"
    "x1.example A 10.0.0.1\nx2.example A 10.0.0.2\nx3.example A 10.0.0.3\n"
    "x4.example A 10.0.0.4\nx5.example A 10.0.0.5\nx6.example A 10.0.0.6\n"
    /* void lookups: two are allowed, the third is permerror */
    "voids2.example    TXT \"v=spf1 a:no1.example a:no2.example ip4:192.0.2.1 -all\"\n"
    "voids3.example    TXT \"v=spf1 a:no1.example a:no2.example a:no3.example ip4:192.0.2.1 -all\"\n"
    /* 11 MX names */
    "manymx.example    TXT \"v=spf1 mx -all\"\n"
    "manymx.example MX 1 m1.example\nmanymx.example MX 2 m2.example\n"
    "manymx.example MX 3 m3.example\nmanymx.example MX 4 m4.example\n"
    "manymx.example MX 5 m5.example\nmanymx.example MX 6 m6.example\n"
    "manymx.example MX 7 m7.example\nmanymx.example MX 8 m8.example\n"
    "manymx.example MX 9 m9.example\nmanymx.example MX 10 m10.example\n"
    "manymx.example MX 11 m11.example\n"
    /* the same, listed out of preference order, the client at the 8th */
    "mx8.example    TXT \"v=spf1 mx -all\"\n"
    "mx8.example MX 11 n11.example\nmx8.example MX 8 n8.example\n"
    "mx8.example MX 1 n1.example\nmx8.example MX 2 n2.example\n"
    "mx8.example MX 3 n3.example\nmx8.example MX 4 n4.example\n"
    "mx8.example MX 5 n5.example\nmx8.example MX 6 n6.example\n"
    "mx8.example MX 7 n7.example\nmx8.example MX 9 n9.example\n"
    "mx8.example MX 10 n10.example\nn8.example A 192.0.2.88\n"
    "n11.example A 192.0.2.111\n"
    "m11.example A 192.0.2.99\n"
    /* 11 PTR names: only the first 10 are validated */
    "ptr.example       TXT \"v=spf1 ptr -all\"\n"
    "99.2.0.192.in-addr.arpa PTR p1.other.example\n"
    "99.2.0.192.in-addr.arpa PTR p2.other.example\n"
    "99.2.0.192.in-addr.arpa PTR p3.other.example\n"
    "99.2.0.192.in-addr.arpa PTR p4.other.example\n"
    "99.2.0.192.in-addr.arpa PTR p5.other.example\n"
    "99.2.0.192.in-addr.arpa PTR p6.other.example\n"
    "99.2.0.192.in-addr.arpa PTR p7.other.example\n"
    "99.2.0.192.in-addr.arpa PTR p8.other.example\n"
    "99.2.0.192.in-addr.arpa PTR p9.other.example\n"
    "99.2.0.192.in-addr.arpa PTR p10.other.example\n"
    "99.2.0.192.in-addr.arpa PTR host.ptr.example\n"
    "host.ptr.example A 192.0.2.99\n"
    "5.2.0.192.in-addr.arpa PTR good.ptr.example\n"
    "good.ptr.example A 192.0.2.5\n"
    "6.2.0.192.in-addr.arpa PTR liar.ptr.example\n"
    "liar.ptr.example A 192.0.2.66\n"
    /* errors */
    "slow.example      TIMEOUT\n"
    "slowinc.example   TXT \"v=spf1 include:slow.example -all\"\n"
    "slowa.example     TXT \"v=spf1 a:slow.example -all\"\n"
    "incnone.example   TXT \"v=spf1 include:nothing.example -all\"\n"
    "rednone.example   TXT \"v=spf1 redirect=nothing.example\"\n"
    "redir.example     TXT \"v=spf1 redirect=example.com\"\n"
    "two.example       TXT \"v=spf1 -all\"\n"
    "two.example       TXT \"v=spf1 +all\"\n"
    "syntax.example    TXT \"v=spf1 a:museum -all\"\n"
    "neutral.example   TXT \"v=spf1 ip4:198.51.100.0/24\"\n"
    /* explanations */
    "exp.example       TXT \"v=spf1 -all exp=why.exp.example\"\n"
    "why.exp.example   TXT \"%{i} may not send for %{d} (%{l} at %{o})\"\n"
    "redexp.example    TXT \"v=spf1 redirect=exp.example exp=other.example\"\n"
    "other.example     TXT \"never this one\"\n"
    /* exists with the client address */
    "exists.example    TXT \"v=spf1 exists:%{ir}.list.example -all\"\n"
    "1.2.0.192.list.example A 127.0.0.2\n"
    /* time */
    "chain.example     TXT \"v=spf1 a:x1.example a:x2.example a:x3.example -all\"\n";

struct spf_case {
	const char *name;
	const char *client, *helo, *mail_from;
	enum am_spf_identity identity;
	enum am_result result;
	const char *reason; /* a substring of the reason */
	const char *mechanism;
};

static const struct spf_case cases[] = {
	{"ip4 in the record passes", "192.0.2.7", "mx.example", "a@example.com",
	    AM_SPF_MAILFROM, AM_RESULT_PASS, "matched ip4:192.0.2.0/24",
	    "ip4:192.0.2.0/24"},
	{"include passes for an ip6 client", "2001:db8:5::1", "mx.example",
	    "a@example.com", AM_SPF_MAILFROM, AM_RESULT_PASS,
	    "include:_spf.example.net", "include:_spf.example.net"},
	{"a mechanism inside an include, IPv6", "2001:db8:1::10", "mx",
	    "a@example.com", AM_SPF_MAILFROM, AM_RESULT_PASS, NULL,
	    "include:_spf.example.net"},
	{"softfail inside an include is no match outside", "203.0.113.1", "mx",
	    "a@example.com", AM_SPF_MAILFROM, AM_RESULT_FAIL, "matched -all",
	    "-all"},
	{"IPv4-mapped IPv6 client is IPv4", "::ffff:192.0.2.9", "mx",
	    "a@example.com", AM_SPF_MAILFROM, AM_RESULT_PASS, NULL,
	    "ip4:192.0.2.0/24"},
	{"null sender uses postmaster@HELO", "203.0.113.5", "helo.example.org",
	    "", AM_SPF_MAILFROM, AM_RESULT_PASS, "matched a", "a"},
	{"HELO identity", "203.0.113.6", "helo.example.org", "a@example.com",
	    AM_SPF_HELO, AM_RESULT_FAIL, "helo.example.org", "-all"},
	{"HELO address literal is none", "203.0.113.6", "[203.0.113.6]", "",
	    AM_SPF_HELO, AM_RESULT_NONE, "not a valid domain", NULL},
	{"sender without local part", "192.0.2.7", "mx", "@example.com",
	    AM_SPF_MAILFROM, AM_RESULT_PASS, NULL, NULL},
	{"no record is none", "192.0.2.7", "mx", "a@nothing.example",
	    AM_SPF_MAILFROM, AM_RESULT_NONE, "nothing.example does not exist",
	    NULL},
	{"ten DNS terms across nested includes pass", "192.0.2.1", "mx",
	    "a@deep.example", AM_SPF_MAILFROM, AM_RESULT_PASS, NULL,
	    "include:l1.example"},
	{"two void lookups are allowed", "192.0.2.1", "mx", "a@voids2.example",
	    AM_SPF_MAILFROM, AM_RESULT_PASS, NULL, "ip4:192.0.2.1"},
	{"a third void lookup is permerror", "192.0.2.1", "mx",
	    "a@voids3.example", AM_SPF_MAILFROM, AM_RESULT_PERMERROR,
	    "more than 2 void DNS lookups", NULL},
	{"more than 10 MX names is permerror", "192.0.2.99", "mx",
	    "a@manymx.example", AM_SPF_MAILFROM, AM_RESULT_PERMERROR,
	    "11 MX records, and the client is not at the first 10", NULL},
	{"a match at the 8th of 11 MX names, by preference, passes",
	    "192.0.2.88", "mx", "a@mx8.example", AM_SPF_MAILFROM,
	    AM_RESULT_PASS, NULL, "mx"},
	{"the 11th MX name by preference is never looked up", "192.0.2.111",
	    "mx", "a@mx8.example", AM_SPF_MAILFROM, AM_RESULT_PERMERROR,
	    "not at the first 10", NULL},
	{"PTR names past the tenth are ignored", "192.0.2.99", "mx",
	    "a@ptr.example", AM_SPF_MAILFROM, AM_RESULT_FAIL, "matched -all",
	    "-all"},
	{"ptr with a forward-confirmed name passes", "192.0.2.5", "mx",
	    "a@ptr.example", AM_SPF_MAILFROM, AM_RESULT_PASS, NULL, "ptr"},
	{"ptr name that does not confirm fails", "192.0.2.6", "mx",
	    "a@ptr.example", AM_SPF_MAILFROM, AM_RESULT_FAIL, NULL, "-all"},
	{"DNS timeout on the record is temperror", "192.0.2.1", "mx",
	    "a@slow.example", AM_SPF_MAILFROM, AM_RESULT_TEMPERROR,
	    "no DNS answer for TXT slow.example (timeout)", NULL},
	{"DNS timeout inside an include is temperror", "192.0.2.1", "mx",
	    "a@slowinc.example", AM_SPF_MAILFROM, AM_RESULT_TEMPERROR, "timeout",
	    NULL},
	{"DNS timeout on an a lookup is temperror", "192.0.2.1", "mx",
	    "a@slowa.example", AM_SPF_MAILFROM, AM_RESULT_TEMPERROR,
	    "no DNS answer for A slow.example (timeout)", NULL},
	{"include of a domain without SPF is permerror", "192.0.2.1", "mx",
	    "a@incnone.example", AM_SPF_MAILFROM, AM_RESULT_PERMERROR,
	    "include:nothing.example", NULL},
	{"redirect to a domain without SPF is permerror", "192.0.2.1", "mx",
	    "a@rednone.example", AM_SPF_MAILFROM, AM_RESULT_PERMERROR,
	    "redirect=nothing.example", NULL},
	{"redirect takes the target's result", "192.0.2.8", "mx",
	    "a@redir.example", AM_SPF_MAILFROM, AM_RESULT_PASS,
	    "record of example.com", "ip4:192.0.2.0/24"},
	{"two SPF records are permerror", "192.0.2.1", "mx", "a@two.example",
	    AM_SPF_MAILFROM, AM_RESULT_PERMERROR, "more than one SPF record",
	    NULL},
	{"syntax error is permerror", "192.0.2.1", "mx", "a@syntax.example",
	    AM_SPF_MAILFROM, AM_RESULT_PERMERROR, "syntax error", NULL},
	{"no match and no all is neutral", "192.0.2.1", "mx",
	    "a@neutral.example", AM_SPF_MAILFROM, AM_RESULT_NEUTRAL,
	    "default neutral", NULL},
	{"exists with reversed client address", "192.0.2.1", "mx",
	    "a@exists.example", AM_SPF_MAILFROM, AM_RESULT_PASS, NULL,
	    "exists:%{ir}.list.example"},
	{"exists does not match other clients", "192.0.2.2", "mx",
	    "a@exists.example", AM_SPF_MAILFROM, AM_RESULT_FAIL, NULL, "-all"},
};

/* One cmocka test per row, named after it. */
static void
spf_named_case(void **state)
{
	const struct spf_case *c = *state;
	struct am_spf_request req;
	struct am_spf_outcome out;
	struct test_env env;

	test_env_init(&env, zone);
	memset(&req, 0, sizeof(req));
	assert_true(am_ip_parse(c->client, strlen(c->client), &req.client));
	req.helo = c->helo;
	req.mail_from = c->mail_from;
	am_spf_check(&env.ctx, env.session, env.arena, &req, c->identity, NULL,
	    &out);
	if (out.result != c->result)
		fail_msg("got %s (%s), want %s", am_result_name(out.result),
		    out.reason, am_result_name(c->result));
	if (c->reason != NULL &&
	    (out.reason == NULL || strstr(out.reason, c->reason) == NULL))
		fail_msg("reason \"%s\" lacks \"%s\"", out.reason, c->reason);
	if (c->mechanism != NULL && (out.mechanism == NULL ||
					strcmp(out.mechanism, c->mechanism) != 0))
		fail_msg("mechanism %s, want %s", out.mechanism, c->mechanism);
	test_env_free(&env);
}

static void
check(struct test_env *env, const char *client, const char *from,
    struct am_spf_outcome *out)
{
	struct am_spf_request req;

	memset(&req, 0, sizeof(req));
	assert_true(am_ip_parse(client, strlen(client), &req.client));
	req.helo = "mx.example";
	req.mail_from = from;
	am_spf_check(&env->ctx, env->session, env->arena, &req,
	    AM_SPF_MAILFROM, NULL, out);
}

static void
spf_eleven_dns_terms_is_permerror(void **state)
{
	struct test_env env;
	struct am_spf_outcome out;
	char z[sizeof(zone) + 200];

	(void)state;
	/* deep.example uses 10 terms; one more include on top is 11 */
	snprintf(z, sizeof(z), "%stop.example TXT \"v=spf1 include:deep.example "
	    "-all\"\n", zone);
	test_env_init(&env, z);
	check(&env, "192.0.2.1", "a@top.example", &out);
	assert_int_equal(out.result, AM_RESULT_PERMERROR);
	assert_string_equal(out.reason, "more than 10 DNS-querying terms");
	assert_int_equal(out.lookups, 11);
	test_env_reset(&env);
	check(&env, "192.0.2.1", "a@deep.example", &out);
	assert_int_equal(out.lookups, 10);
	test_env_free(&env);
}

static void
spf_explanation_expands_macros(void **state)
{
	struct test_env env;
	struct am_spf_outcome out;

	(void)state;
	test_env_init(&env, zone);
	check(&env, "192.0.2.1", "joe@exp.example", &out);
	assert_int_equal(out.result, AM_RESULT_FAIL);
	assert_string_equal(out.explanation,
	    "192.0.2.1 may not send for exp.example (joe at exp.example)");
	/* a redirect uses the target record's exp=, not its own */
	test_env_reset(&env);
	check(&env, "192.0.2.1", "joe@redexp.example", &out);
	assert_string_equal(out.explanation,
	    "192.0.2.1 may not send for exp.example (joe at redexp.example)");
	/* no exp=: the default (NULL) */
	test_env_reset(&env);
	check(&env, "203.0.113.1", "joe@example.com", &out);
	assert_null(out.explanation);
	test_env_free(&env);
}

static void
spf_time_budget_gives_temperror(void **state)
{
	struct test_env env;
	struct am_spf_outcome out;

	(void)state;
	test_env_init(&env, zone);
	/* every clock reading advances 8 s: the third lookup is past 20 s */
	env.step = 8;
	check(&env, "192.0.2.1", "a@chain.example", &out);
	assert_int_equal(out.result, AM_RESULT_TEMPERROR);
	assert_non_null(strstr(out.reason, "SPF time limit reached"));
	test_env_free(&env);
}

static void
spf_trace_names_every_step(void **state)
{
	struct test_env env;
	struct am_spf_outcome out;
	struct am_spf_request req;
	struct am_trace trace;
	const struct am_trace_line *l;
	bool saw_term = false, saw_txt = false;

	(void)state;
	test_env_init(&env, zone);
	am_trace_init(&trace, env.arena);
	memset(&req, 0, sizeof(req));
	assert_true(am_ip_parse("2001:db8:5::1", 13, &req.client));
	req.mail_from = "a@example.com";
	am_spf_check(&env.ctx, env.session, env.arena, &req, AM_SPF_MAILFROM,
	    &trace, &out);
	for (l = trace.head; l != NULL; l = l->next) {
		if (strcmp(l->text, "include:_spf.example.net (DNS term 1 of "
				    "10)") == 0)
			saw_term = true;
		if (l->depth == 1 && strstr(l->text, "TXT _spf.example.net ->"))
			saw_txt = true;
	}
	assert_true(saw_term);
	assert_true(saw_txt);
	test_env_free(&env);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(spf_eleven_dns_terms_is_permerror),
		cmocka_unit_test(spf_explanation_expands_macros),
		cmocka_unit_test(spf_time_budget_gives_temperror),
		cmocka_unit_test(spf_trace_names_every_step),
	};

	return test_run_table("spf", "spf", TEST_ROWS(cases), spf_named_case,
	    fixed, sizeof(fixed) / sizeof(fixed[0]), NULL, NULL);
}
