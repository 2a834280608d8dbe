/* unit_zone.c - the static zone: text format, answers, and the lookup
 * session on top of it. */
#include "autoconfig.h"

#include <string.h>

#include "testlib.h"
#include "zone.h"

static const char zone_text[] =
    "; a comment line\n"
    "example.com.      TXT \"v=spf1 -all\"   ; trailing comment\n"
    "example.com       MX  10 mail.example.com.\n"
    "example.com       MX  20 Backup.Example.com\n"
    "mail.example.com  300 IN A 192.0.2.25\n"
    "                  AAAA 2001:db8::25   ; same owner as above\n"
    "multi.example.com TXT \"part one \" \"part \\\"two\\\"\" bare \\065\n"
    "key._domainkey.example.com TXT ( \"v=DKIM1; \" ; split\n"
    "                                \"p=abc\" )\n"
    "25.2.0.192.in-addr.arpa PTR mail.example.com.\n"
    "alias.example.com CNAME mail.example.com\n"
    "loop1.example.com CNAME loop2.example.com\n"
    "loop2.example.com CNAME loop1.example.com\n"
    "deep.sub.example.org A 192.0.2.9\n"
    "slow.example.com  TIMEOUT\n"
    "slow.example.com  TXT \"answered despite TIMEOUT\"\n"
    "flaky.example.com SERVFAIL TXT\n"
    "flaky.example.com TXT \"hidden by the TXT fault\"\n"
    "flaky.example.com A 192.0.2.7\n"
    "empty.example.com TXT\n";

static void
lookup(struct test_env *env, const char *name, enum am_dns_type type,
    struct am_dns_answer *out)
{
	am_dns_lookup(env->dns, env->arena, name, type, out);
}

static void
zone_answers_every_record_type(void **state)
{
	struct test_env env;
	struct am_dns_answer a;
	char text[AM_IP_STRLEN];

	(void)state;
	test_env_init(&env, zone_text);
	lookup(&env, "example.com", AM_DNS_TXT, &a);
	assert_int_equal(a.status, AM_DNS_OK);
	assert_int_equal(a.count, 1);
	assert_string_equal(a.rr[0].text, "v=spf1 -all");

	lookup(&env, "EXAMPLE.com.", AM_DNS_MX, &a);
	assert_int_equal(a.count, 2);
	assert_int_equal(a.rr[0].pref, 10);
	assert_string_equal(a.rr[0].text, "mail.example.com");
	assert_string_equal(a.rr[1].text, "Backup.Example.com");

	lookup(&env, "mail.example.com", AM_DNS_A, &a);
	assert_int_equal(a.count, 1);
	am_ip_format(&a.rr[0].addr, text);
	assert_string_equal(text, "192.0.2.25");
	lookup(&env, "mail.example.com", AM_DNS_AAAA, &a);
	assert_int_equal(a.count, 1);
	am_ip_format(&a.rr[0].addr, text);
	assert_string_equal(text, "2001:db8::25");

	lookup(&env, "25.2.0.192.in-addr.arpa", AM_DNS_PTR, &a);
	assert_string_equal(a.rr[0].text, "mail.example.com");
	test_env_free(&env);
}

static void
zone_txt_strings_join_and_unescape(void **state)
{
	struct test_env env;
	struct am_dns_answer a;

	(void)state;
	test_env_init(&env, zone_text);
	lookup(&env, "multi.example.com", AM_DNS_TXT, &a);
	assert_string_equal(a.rr[0].text, "part one part \"two\"bareA");
	lookup(&env, "key._domainkey.example.com", AM_DNS_TXT, &a);
	assert_string_equal(a.rr[0].text, "v=DKIM1; p=abc");
	lookup(&env, "empty.example.com", AM_DNS_TXT, &a);
	assert_int_equal(a.status, AM_DNS_OK);
	assert_int_equal(a.rr[0].len, 0);
	test_env_free(&env);
}

static void
zone_distinguishes_nxdomain_nodata_and_faults(void **state)
{
	struct test_env env;
	struct am_dns_answer a;

	(void)state;
	test_env_init(&env, zone_text);
	lookup(&env, "nothing.example.com", AM_DNS_TXT, &a);
	assert_int_equal(a.status, AM_DNS_NXDOMAIN);
	lookup(&env, "mail.example.com", AM_DNS_TXT, &a);
	assert_int_equal(a.status, AM_DNS_NODATA);
	/* an empty non-terminal exists (RFC 8020) */
	lookup(&env, "sub.example.org", AM_DNS_A, &a);
	assert_int_equal(a.status, AM_DNS_NODATA);
	/* TIMEOUT for every type spares types that have records */
	lookup(&env, "slow.example.com", AM_DNS_A, &a);
	assert_int_equal(a.status, AM_DNS_TEMPFAIL);
	assert_string_equal(a.why, "timeout");
	lookup(&env, "slow.example.com", AM_DNS_TXT, &a);
	assert_int_equal(a.status, AM_DNS_OK);
	/* a fault for one type wins over that type's records */
	lookup(&env, "flaky.example.com", AM_DNS_TXT, &a);
	assert_int_equal(a.status, AM_DNS_TEMPFAIL);
	assert_string_equal(a.why, "SERVFAIL");
	lookup(&env, "flaky.example.com", AM_DNS_A, &a);
	assert_int_equal(a.status, AM_DNS_OK);
	/* a name that cannot exist is not queried */
	lookup(&env, "a..example.com", AM_DNS_A, &a);
	assert_int_equal(a.status, AM_DNS_NXDOMAIN);
	test_env_free(&env);
}

static void
zone_follows_cnames_and_stops_loops(void **state)
{
	struct test_env env;
	struct am_dns_answer a;

	(void)state;
	test_env_init(&env, zone_text);
	lookup(&env, "alias.example.com", AM_DNS_A, &a);
	assert_int_equal(a.status, AM_DNS_OK);
	assert_string_equal(a.canonical, "mail.example.com");
	lookup(&env, "alias.example.com", AM_DNS_CNAME, &a);
	assert_string_equal(a.rr[0].text, "mail.example.com");
	lookup(&env, "loop1.example.com", AM_DNS_A, &a);
	assert_int_equal(a.status, AM_DNS_TEMPFAIL);
	assert_string_equal(a.why, "CNAME loop");
	test_env_free(&env);
}

static void
zone_syntax_errors_name_their_line(void **state)
{
	static const struct {
		const char *text, *error;
	} cases[] = {
		{"a.example FOO x\n", "line 1: unknown record type"},
		{"\n\na.example A 192.0.2.300\n", "line 3: bad IPv4 address"},
		{"a.example A 2001:db8::1\n", "line 1: bad IPv4 address"},
		{"a.example AAAA 192.0.2.1\n", "line 1: bad IPv6 address"},
		{"a.example TXT \"open\n", "line 1: unterminated quoted"},
		{"a.example TXT ( \"x\"\n", "line 2: unbalanced '('"},
		{"a.example TXT ) \n", "line 1: unbalanced ')'"},
		{"  A 192.0.2.1\n", "line 1: record without an owner"},
		{"a.example MX mail.example\n", "line 1: MX needs a preference"},
		{"a.example MX 70000 m.example\n", "line 1: MX needs a pref"},
		{"a.example PTR\n", "line 1: needs one target"},
		{"a..example A 192.0.2.1\n", "line 1: owner is not a valid"},
		{"a.example\n", "line 1: missing record type"},
		{"a.example TIMEOUT SOA\n", "line 1: TIMEOUT and SERVFAIL take"},
		{"a.example TXT \"\\2x\"\n", "line 1: bad escape sequence"},
		{"a.example TXT \"\\999\"\n", "line 1: bad escape sequence"},
	};
	char err[256], big[400];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct am_zone *z = am_zone_new();

		err[0] = '\0';
		if (am_zone_parse(z, cases[i].text, strlen(cases[i].text), err,
			sizeof(err)))
			fail_msg("accepted: %s", cases[i].text);
		if (strncmp(err, cases[i].error, strlen(cases[i].error)) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].text,
			    err, cases[i].error);
		am_zone_free(z);
	}
	/* one TXT character-string holds at most 255 bytes */
	memset(big, 'x', sizeof(big));
	memcpy(big, "a.example TXT \"", 15);
	memcpy(big + 15 + 256, "\"\n", 3);
	{
		struct am_zone *z = am_zone_new();

		assert_false(am_zone_parse(z, big, strlen(big), err,
		    sizeof(err)));
		assert_string_equal(err, "line 1: TXT string longer than 255 "
					 "bytes");
		am_zone_free(z);
	}
}

static void
session_memoizes_and_prefetches(void **state)
{
	struct test_env env;
	const struct am_dns_answer *a, *b;

	(void)state;
	test_env_init(&env, zone_text);
	am_dns_session_prefetch(env.session, "example.com", AM_DNS_TXT);
	am_dns_session_prefetch(env.session, "Example.COM", AM_DNS_TXT);
	a = am_dns_session_lookup(env.session, "example.com", AM_DNS_TXT);
	b = am_dns_session_lookup(env.session, "example.com.", AM_DNS_TXT);
	assert_ptr_equal(a, b);
	assert_int_equal(a->status, AM_DNS_OK);
	assert_int_equal(am_dns_session_queries(env.session), 1);
	a = am_dns_session_lookup(env.session, "example.com", AM_DNS_MX);
	assert_int_equal(a->count, 2);
	assert_int_equal(am_dns_session_queries(env.session), 2);
	/* a prefetch never collected is cancelled at the end */
	am_dns_session_prefetch(env.session, "mail.example.com", AM_DNS_A);
	test_env_free(&env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zone_answers_every_record_type),
		cmocka_unit_test(zone_txt_strings_join_and_unescape),
		cmocka_unit_test(zone_distinguishes_nxdomain_nodata_and_faults),
		cmocka_unit_test(zone_follows_cnames_and_stops_loops),
		cmocka_unit_test(zone_syntax_errors_name_their_line),
		cmocka_unit_test(session_memoizes_and_prefetches),
	};
	return cmocka_run_group_tests_name("zone", tests, NULL, NULL);
}
