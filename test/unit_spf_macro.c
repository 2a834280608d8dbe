/* unit_spf_macro.c - SPF macro syntax and expansion (RFC 7208 7). */
#include "autoconfig.h"

#include <string.h>
#include <strings.h>

#include "testlib.h"
#include "spf_internal.h"

static const char *
validated(void *arg)
{
	return arg;
}

static struct am_spf_macro_env
rfc_env(const char *client)
{
	struct am_spf_macro_env env;

	memset(&env, 0, sizeof(env));
	env.sender = "strong-bad@email.example.com";
	env.local = "strong-bad";
	env.sender_domain = "email.example.com";
	env.domain = "email.example.com";
	env.helo = "mx.example.org";
	env.receiver = "mx.receiver.example";
	env.now = 1700000000;
	env.validated_name = validated;
	env.arg = (void *)"mx.example.org";
	assert_true(am_ip_parse(client, strlen(client), &env.client));
	return env;
}

static const char *
expand(const struct am_spf_macro_env *env, const char *s, enum am_spf_macro_use use)
{
	static char out[1024];
	struct am_buf b;
	const char *why = NULL;

	am_buf_init(&b, 1000);
	if (!am_spf_macro_valid(s, strlen(s), use, &why))
		fail_msg("%s: invalid: %s", s, why);
	if (!am_spf_macro_expand(s, strlen(s), use, env, &b, &why))
		fail_msg("%s: not expanded: %s", s, why);
	snprintf(out, sizeof(out), "%s", am_buf_str(&b));
	am_buf_release(&b);
	return out;
}

/* RFC 7208 7.4, every example. */
static void
macro_rfc7208_examples_expand_as_published(void **state)
{
	static const struct {
		const char *macro, *expansion;
	} v4[] = {
		{"%{s}", "strong-bad@email.example.com"},
		{"%{o}", "email.example.com"},
		{"%{d}", "email.example.com"},
		{"%{d4}", "email.example.com"},
		{"%{d3}", "email.example.com"},
		{"%{d2}", "example.com"},
		{"%{d1}", "com"},
		{"%{dr}", "com.example.email"},
		{"%{d2r}", "example.email"},
		{"%{l}", "strong-bad"},
		{"%{l-}", "strong.bad"},
		{"%{lr}", "strong-bad"},
		{"%{lr-}", "bad.strong"},
		{"%{l1r-}", "strong"},
		{"%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
		{"%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
		{"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
		    "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
		{"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
		    "3.2.0.192.in-addr.strong.lp._spf.example.com"},
		{"%{d2}.trusted-domains.example.net",
		    "example.com.trusted-domains.example.net"},
	};
	struct am_spf_macro_env env = rfc_env("192.0.2.3");
	struct am_spf_macro_env env6 = rfc_env("2001:db8::cb01");
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
		assert_string_equal(expand(&env, v4[i].macro, AM_SPF_MACRO_DOMAIN),
		    v4[i].expansion);
	/* The RFC prints lower-case nibbles; we emit upper case as the
	 * OpenSPF suite expects.  DNS does not care. */
	assert_int_equal(strcasecmp(expand(&env6, "%{ir}.%{v}._spf.%{d2}",
				AM_SPF_MACRO_DOMAIN),
			     "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
			     "8.b.d.0.1.0.0.2.ip6._spf.example.com"),
	    0);
}

static void
macro_letters_escapes_and_url_encoding(void **state)
{
	struct am_spf_macro_env env = rfc_env("192.0.2.3");

	(void)state;
	assert_string_equal(expand(&env, "%%%_%-", AM_SPF_MACRO_DOMAIN), "% %20");
	assert_string_equal(expand(&env, "%{h}", AM_SPF_MACRO_DOMAIN),
	    "mx.example.org");
	assert_string_equal(expand(&env, "%{p}", AM_SPF_MACRO_DOMAIN),
	    "mx.example.org");
	assert_string_equal(expand(&env, "%{c} %{r} %{t}", AM_SPF_MACRO_EXPLAIN),
	    "192.0.2.3 mx.receiver.example 1700000000");
	/* upper case letters URL-escape everything outside RFC 3986
	 * unreserved characters */
	env.local = "jack&jill=up";
	assert_string_equal(expand(&env, "%{L}", AM_SPF_MACRO_DOMAIN),
	    "jack%26jill%3Dup");
	/* huge digit transformers keep every part */
	assert_string_equal(expand(&env, "%{d99999999999}", AM_SPF_MACRO_DOMAIN),
	    "email.example.com");
	/* several delimiters at once */
	env.local = "a-b+c=d";
	assert_string_equal(expand(&env, "%{l-+=}", AM_SPF_MACRO_DOMAIN),
	    "a.b.c.d");
	assert_string_equal(expand(&env, "%{lr-+=}", AM_SPF_MACRO_DOMAIN),
	    "d.c.b.a");
}

static void
macro_syntax_errors_are_caught(void **state)
{
	static const struct {
		const char *s;
		enum am_spf_macro_use use;
	} bad[] = {
		{"%", AM_SPF_MACRO_DOMAIN},
		{"%x", AM_SPF_MACRO_DOMAIN},
		{"%{", AM_SPF_MACRO_DOMAIN},
		{"%{z}", AM_SPF_MACRO_DOMAIN},
		{"%{d0}", AM_SPF_MACRO_DOMAIN},
		{"%{d2x}", AM_SPF_MACRO_DOMAIN},
		{"%{d", AM_SPF_MACRO_DOMAIN},
		{"%{c}", AM_SPF_MACRO_DOMAIN}, /* c, r, t: explanations only */
		{"%{r}", AM_SPF_MACRO_DOMAIN},
		{"%{t}", AM_SPF_MACRO_DOMAIN},
		{"a b", AM_SPF_MACRO_DOMAIN},
		{"caf\xc3\xa9", AM_SPF_MACRO_EXPLAIN},
		{"tab\there", AM_SPF_MACRO_EXPLAIN},
	};
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (am_spf_macro_valid(bad[i].s, strlen(bad[i].s), bad[i].use,
			&why))
			fail_msg("accepted \"%s\"", bad[i].s);
	assert_true(am_spf_macro_valid("a b %{c}", 8, AM_SPF_MACRO_EXPLAIN, &why));
	assert_true(am_spf_macro_valid("", 0, AM_SPF_MACRO_DOMAIN, &why));
}

static void
macro_domain_end_needs_a_real_top_label(void **state)
{
	static const struct {
		const char *spec;
		bool ok;
	} cases[] = {
		{"example.com", true}, {"example.com.", true},
		{"%{d}", true}, {"foo.%{d}", true}, {"%{d}.com", true},
		{".com", true}, {"a.b-c", true}, {"a.123-4", true},
		{"museum", false}, {"museum.", false},
		{"111.222.33.44", false}, {"abc.123", false},
		{"a.-bc", false}, {"a.bc-", false}, {"a.", false},
		{"%{d}.", false}, {"a.b%%", false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (am_spf_domain_end_valid(cases[i].spec,
			strlen(cases[i].spec)) != cases[i].ok)
			fail_msg("%s: want %d", cases[i].spec, cases[i].ok);
}

static void
macro_expansion_respects_its_bound(void **state)
{
	struct am_spf_macro_env env = rfc_env("192.0.2.3");
	struct am_buf b;
	const char *why = NULL;
	char spec[2000];
	size_t i;

	(void)state;
	for (i = 0; i + 4 < sizeof(spec); i += 4)
		memcpy(spec + i, "%{s}", 4);
	spec[i] = '\0';
	am_buf_init(&b, 4096);
	assert_false(am_spf_macro_expand(spec, strlen(spec), AM_SPF_MACRO_DOMAIN,
	    &env, &b, &why));
	assert_string_equal(why, "macro could not be expanded");
	am_buf_release(&b);
	/* a failing %{p} lookup stops the expansion */
	env.validated_name = NULL;
	am_buf_init(&b, 4096);
	assert_false(am_spf_macro_expand("%{p}", 4, AM_SPF_MACRO_DOMAIN, &env, &b,
	    &why));
	am_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(macro_rfc7208_examples_expand_as_published),
		cmocka_unit_test(macro_letters_escapes_and_url_encoding),
		cmocka_unit_test(macro_syntax_errors_are_caught),
		cmocka_unit_test(macro_domain_end_needs_a_real_top_label),
		cmocka_unit_test(macro_expansion_respects_its_bound),
	};
	return cmocka_run_group_tests_name("spf_macro", tests, NULL, NULL);
}
