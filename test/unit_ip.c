/* unit_ip.c - IPv4 and IPv6 addresses and networks. */
#include "autoconfig.h"

#include <string.h>

#include "testlib.h"
#include "ip.h"

static struct am_ip
ip(const char *s)
{
	struct am_ip a;

	if (!am_ip_parse(s, strlen(s), &a))
		fail_msg("cannot parse %s", s);
	return a;
}

static void
ip_parse_accepts_strict_forms_only(void **state)
{
	static const struct {
		const char *text;
		int family; /* 0: rejected */
	} cases[] = {
		{"192.0.2.1", 4}, {"0.0.0.0", 4}, {"255.255.255.255", 4},
		{"2001:db8::1", 6}, {"::", 6}, {"::1", 6},
		{"2001:DB8:0:0:0:0:0:1", 6},
		{"::ffff:192.0.2.1", 4},  /* IPv4-mapped counts as IPv4 */
		{"192.0.2.01", 0},        /* no leading zeros (RFC 7208 qnum) */
		{"192.0.2", 0}, {"192.0.2.1.5", 0}, {"256.0.0.1", 0},
		{"1.2.3.4/24", 0}, {"[192.0.2.1]", 0}, {"", 0},
		{"2001:db8:::1", 0}, {"example.com", 0}, {" 192.0.2.1", 0},
	};
	struct am_ip a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok = am_ip_parse(cases[i].text, strlen(cases[i].text), &a);

		if (ok != (cases[i].family != 0) ||
		    (ok && (int)a.family != cases[i].family))
			fail_msg("%s: got %d/%d", cases[i].text, ok,
			    ok ? (int)a.family : 0);
	}
	/* a NUL inside the given length is never an address */
	assert_false(am_ip_parse("1.2.3.4\0", 8, &a));
}

static void
ip_networks_match_by_prefix(void **state)
{
	static const struct {
		const char *client, *net;
		unsigned bits;
		bool match;
	} cases[] = {
		{"192.0.2.1", "192.0.2.0", 24, true},
		{"192.0.3.1", "192.0.2.0", 24, false},
		{"192.0.2.129", "192.0.2.128", 25, true},
		{"192.0.2.127", "192.0.2.128", 25, false},
		{"203.0.113.9", "0.0.0.0", 0, true},
		{"192.0.2.1", "192.0.2.1", 32, true},
		{"192.0.2.1", "192.0.2.2", 31, false},
		{"192.0.2.3", "192.0.2.2", 31, true},
		{"2001:db8::1", "2001:db8::", 32, true},
		{"2001:db9::1", "2001:db8::", 32, false},
		{"2001:db8::1", "::", 0, true},
		{"2001:db8:ff::", "2001:db8:fe::", 47, true},
		{"2001:db8:ff::", "2001:db8:fe::", 48, false},
		{"::ffff:192.0.2.1", "192.0.2.0", 24, true},
		{"192.0.2.1", "::", 0, false}, /* families never mix */
		{"192.0.2.1", "192.0.2.1", 33, false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct am_ip c = ip(cases[i].client), n = ip(cases[i].net);

		if (am_ip_in_net(&c, &n, cases[i].bits) != cases[i].match)
			fail_msg("%s in %s/%u", cases[i].client, cases[i].net,
			    cases[i].bits);
	}
}

static void
ip_cidr_parse_defaults_to_host_length(void **state)
{
	struct am_cidr c;
	struct am_ip a = ip("192.0.2.200");

	(void)state;
	assert_true(am_cidr_parse("192.0.2.0/24", 12, &c));
	assert_int_equal(c.bits, 24);
	assert_true(am_cidr_contains(&c, &a));
	assert_true(am_cidr_parse("2001:db8::1", 11, &c));
	assert_int_equal(c.bits, 128);
	assert_false(am_cidr_parse("192.0.2.0/33", 12, &c));
	assert_false(am_cidr_parse("192.0.2.0/", 10, &c));
	assert_false(am_cidr_parse("192.0.2.0/2x", 12, &c));
	assert_false(am_cidr_parse("2001:db8::/129", 14, &c));
}

static void
ip_formats_and_reverse_names(void **state)
{
	char out[AM_IP_STRLEN];
	struct am_ip a = ip("192.0.2.3"), b = ip("2001:db8::cb01");

	(void)state;
	am_ip_format(&a, out);
	assert_string_equal(out, "192.0.2.3");
	am_ip_format(&b, out);
	assert_string_equal(out, "2001:db8::cb01");
	am_ip_reverse_name(&a, out);
	assert_string_equal(out, "3.2.0.192.in-addr.arpa");
	am_ip_reverse_name(&b, out);
	assert_string_equal(out, "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
				 "0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	assert_true(am_ip_equal(&a, &a));
	assert_false(am_ip_equal(&a, &b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ip_parse_accepts_strict_forms_only),
		cmocka_unit_test(ip_networks_match_by_prefix),
		cmocka_unit_test(ip_cidr_parse_defaults_to_host_length),
		cmocka_unit_test(ip_formats_and_reverse_names),
	};
	return cmocka_run_group_tests_name("ip", tests, NULL, NULL);
}
