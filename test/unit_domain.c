/* unit_domain.c - domain-name helpers. */
#include "autoconfig.h"

#include <string.h>

#include "testlib.h"
#include "domain.h"

static char *
repeat(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

static void
domain_validity_follows_dns_limits(void **state)
{
	char label63[64], label64[65], name[300];

	(void)state;
	repeat(label63, 'a', 63);
	repeat(label64, 'a', 64);
	assert_true(am_domain_valid("example.com", 11));
	assert_true(am_domain_valid("example.com.", 12));
	assert_true(am_domain_valid("com", 3));
	assert_false(am_domain_valid("", 0));
	assert_false(am_domain_valid(".", 1));
	assert_false(am_domain_valid("a..b", 4));
	assert_false(am_domain_valid(".a", 2));
	assert_false(am_domain_valid("a.b..", 5));
	snprintf(name, sizeof(name), "%s.com", label63);
	assert_true(am_domain_valid(name, strlen(name)));
	snprintf(name, sizeof(name), "%s.com", label64);
	assert_false(am_domain_valid(name, strlen(name)));
	/* 253 characters is the longest name; 254 is too long. */
	snprintf(name, sizeof(name), "%s.%s.%s.%s", label63, label63, label63,
	    repeat(label64, 'b', 61));
	assert_int_equal(strlen(name), 253);
	assert_true(am_domain_valid(name, 253));
	strcat(name, "b");
	assert_false(am_domain_valid(name, 254));
	assert_false(am_domain_valid("a\0b.com", 7));
}

static void
domain_comparisons_ignore_case_and_trailing_dot(void **state)
{
	(void)state;
	assert_true(am_domain_equal("Example.COM", "example.com."));
	assert_false(am_domain_equal("example.com", "example.co"));
	assert_true(am_domain_is_within("mail.Example.com", "example.com"));
	assert_true(am_domain_is_within("example.com", "example.com."));
	assert_false(am_domain_is_within("badexample.com", "example.com"));
	assert_false(am_domain_is_within("com", "example.com"));
	assert_false(am_domain_is_within("example.com", ""));
	assert_int_equal(am_domain_labels("a.b.c.", 6), 3);
	assert_int_equal(am_domain_labels("com", 3), 1);
	assert_string_equal(am_domain_parent("a.b.c"), "b.c");
	assert_null(am_domain_parent("com"));
}

static void
domain_normalize_lowercases_and_drops_dot(void **state)
{
	struct am_arena *a = am_arena_new();

	(void)state;
	assert_string_equal(am_domain_normalize(a, "MaIl.Example.COM.", 17),
	    "mail.example.com");
	am_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(domain_validity_follows_dns_limits),
		cmocka_unit_test(domain_comparisons_ignore_case_and_trailing_dot),
		cmocka_unit_test(domain_normalize_lowercases_and_drops_dot),
	};
	return cmocka_run_group_tests_name("domain", tests, NULL, NULL);
}
