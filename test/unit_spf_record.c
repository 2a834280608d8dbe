/* unit_spf_record.c - SPF record syntax (RFC 7208 4.5, 4.6, 5, 6). */
#include "autoconfig.h"

#include <string.h>

#include "testlib.h"
#include "spf_internal.h"

static bool
parse(struct am_arena *a, const char *txt, struct am_spf_record *rec,
    const char **why)
{
	return am_spf_record_parse(a, txt, strlen(txt), rec, why);
}

static void
record_version_must_be_exact(void **state)
{
	(void)state;
	assert_true(am_spf_record_is_spf("v=spf1", 6));
	assert_true(am_spf_record_is_spf("v=spf1 -all", 11));
	assert_true(am_spf_record_is_spf("V=SPF1 -all", 11));
	assert_false(am_spf_record_is_spf("v=spf10 -all", 12));
	assert_false(am_spf_record_is_spf("v=spf1-all", 10));
	assert_false(am_spf_record_is_spf(" v=spf1", 7));
	assert_false(am_spf_record_is_spf("v=spf", 5));
}

static void
record_parses_every_mechanism_and_modifier(void **state)
{
	struct am_arena *a = am_arena_new();
	struct am_spf_record rec;
	const char *why = NULL;

	(void)state;
	assert_true(parse(a,
	    "v=spf1  +all -include:_spf.example.com ~a a:mail.example.com/24 "
	    "a//64 a/0//0 ?mx:%{d}/30//126 ptr ptr:example.org "
	    "ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{ir}.bl.example "
	    "redirect=_r.example.com exp=_e.example.com unknown-mod=%{d} ",
	    &rec, &why));
	assert_int_equal(rec.nterms, 12);
	assert_int_equal(rec.terms[0].mech, AM_SPF_MECH_ALL);
	assert_int_equal(rec.terms[1].qualifier, '-');
	assert_string_equal(rec.terms[1].spec, "_spf.example.com");
	assert_int_equal(rec.terms[2].qualifier, '~');
	assert_null(rec.terms[2].spec);
	assert_int_equal(rec.terms[3].cidr4, 24);
	assert_string_equal(rec.terms[3].spec, "mail.example.com");
	assert_int_equal(rec.terms[4].cidr4, 32);
	assert_int_equal(rec.terms[4].cidr6, 64);
	assert_int_equal(rec.terms[5].cidr4, 0);
	assert_int_equal(rec.terms[5].cidr6, 0);
	assert_int_equal(rec.terms[6].mech, AM_SPF_MECH_MX);
	assert_int_equal(rec.terms[6].cidr4, 30);
	assert_int_equal(rec.terms[6].cidr6, 126);
	assert_string_equal(rec.terms[6].spec, "%{d}");
	assert_int_equal(rec.terms[9].net.family, AM_IP_V4);
	assert_int_equal(rec.terms[9].cidr4, 24);
	assert_int_equal(rec.terms[10].net.family, AM_IP_V6);
	assert_int_equal(rec.terms[10].cidr6, 32);
	assert_string_equal(rec.terms[11].text, "exists:%{ir}.bl.example");
	assert_string_equal(rec.redirect, "_r.example.com");
	assert_string_equal(rec.exp, "_e.example.com");
	assert_true(parse(a, "v=spf1", &rec, &why));
	assert_int_equal(rec.nterms, 0);
	assert_true(parse(a, "v=spf1 INCLUDE:Example.COM Redirect=x.example",
	    &rec, &why));
	am_arena_free(a);
}

static void
record_syntax_errors_fail_the_whole_record(void **state)
{
	static const char *const bad[] = {
		"v=spf1 foo",			/* unknown mechanism */
		"v=spf1 all:x",			/* all takes nothing */
		"v=spf1 include",		/* needs a domain */
		"v=spf1 include:",		/* empty domain-spec */
		"v=spf1 a:museum",		/* single-label domain-end */
		"v=spf1 a:111.222.33.44",	/* numeric top label */
		"v=spf1 a/33",			/* IPv4 prefix out of range */
		"v=spf1 a//129",		/* IPv6 prefix out of range */
		"v=spf1 a/024",			/* leading zero */
		"v=spf1 a/",			/* slash without length */
		"v=spf1 ip4:192.0.2.0/33",
		"v=spf1 ip4:192.0.2.01",
		"v=spf1 ip4:2001:db8::1",
		"v=spf1 ip6:192.0.2.1",
		"v=spf1 ip6:2001:db8::/129",
		"v=spf1 ip4",
		"v=spf1 ip4:",
		"v=spf1 redirect=a.example redirect=b.example",
		"v=spf1 exp=a.example exp=b.example",
		"v=spf1 exp=",
		"v=spf1 redirect=%{x}.example",
		"v=spf1 bad-mod=%",		/* unknown modifier, bad value */
		"v=spf1 -redirect=a.example",	/* a qualifier makes it a mechanism */
		"v=spf1 a:%{c}.example.com",	/* c is for explanations */
		"v=spf1 a:ex\x01ample.com",
		"v=spf1 \x80" "a:example.net -all",
		"v=spf1 ip4:192.0.2.5\x0a -all",
		"v=spf1 a:ctrl.example.com\x0dptr -all",
	};
	struct am_arena *a = am_arena_new();
	struct am_spf_record rec;
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (parse(a, bad[i], &rec, &why))
			fail_msg("accepted \"%s\"", bad[i]);
		assert_non_null(why);
	}
	am_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record_version_must_be_exact),
		cmocka_unit_test(record_parses_every_mechanism_and_modifier),
		cmocka_unit_test(record_syntax_errors_fail_the_whole_record),
	};
	return cmocka_run_group_tests_name("spf_record", tests, NULL, NULL);
}
