/* unit_iprev.c - forward-confirmed reverse DNS (RFC 8601 2.7.3), one
 * named case per rule, answered from an inline zone. */
#include "autoconfig.h"

#include <string.h>

#include "testlib.h"
#include "iprev.h"

static const char zone[] =
    /* pass */
    "1.2.0.192.in-addr.arpa PTR mail.example.com\n"
    "mail.example.com A 192.0.2.1\n"
    /* 192.0.2.2 has no reverse name at all: NXDOMAIN */
    /* the reverse name exists without a PTR: NODATA */
    "3.2.0.192.in-addr.arpa TXT \"no PTR here\"\n"
    "4.2.0.192.in-addr.arpa TIMEOUT\n"
    "5.2.0.192.in-addr.arpa SERVFAIL PTR\n"
    /* the name points elsewhere; the name does not exist */
    "6.2.0.192.in-addr.arpa PTR liar.example.com\n"
    "liar.example.com A 198.51.100.6\n"
    "7.2.0.192.in-addr.arpa PTR gone.example.com\n"
    /* a forward lookup times out, the other name does not confirm */
    "8.2.0.192.in-addr.arpa PTR slow.example.com\n"
    "8.2.0.192.in-addr.arpa PTR liar.example.com\n"
    "slow.example.com TIMEOUT\n"
    /* a forward lookup times out, the other name confirms */
    "9.2.0.192.in-addr.arpa PTR slow.example.com\n"
    "9.2.0.192.in-addr.arpa PTR nine.example.com\n"
    "nine.example.com A 192.0.2.9\n"
    /* two names, the second confirms among several addresses */
    "10.2.0.192.in-addr.arpa PTR a.example\n"
    "10.2.0.192.in-addr.arpa PTR b.example\n"
    "a.example A 198.51.100.10\n"
    "b.example A 192.0.2.99\n"
    "b.example A 192.0.2.10\n"
    /* two names, neither confirms */
    "11.2.0.192.in-addr.arpa PTR a.example\n"
    "11.2.0.192.in-addr.arpa PTR b.example\n"
    /* the forward name is an alias */
    "12.2.0.192.in-addr.arpa PTR alias.example.com\n"
    "alias.example.com CNAME mail12.example.com\n"
    "mail12.example.com A 192.0.2.12\n"
    /* targets that are not host names; the first would confirm if it
     * were looked up */
    "13.2.0.192.in-addr.arpa PTR bad\\032name\\010.example\n"
    "bad\\032name\\010.example A 192.0.2.13\n"
    "14.2.0.192.in-addr.arpa PTR .\n"
    "15.2.0.192.in-addr.arpa PTR bad\\032name\\010.example\n"
    "15.2.0.192.in-addr.arpa PTR host15.example\n"
    "host15.example A 192.0.2.15\n"
    /* case: DNS names compare without case (RFC 4343) */
    "16.2.0.192.in-addr.arpa PTR MiXeD.Example.COM\n"
    "mixed.example.com A 192.0.2.16\n"
    /* RFC 2317 classless delegation: the PTR is reached by a CNAME */
    "17.2.0.192.in-addr.arpa CNAME 17.0-25.2.0.192.in-addr.arpa\n"
    "17.0-25.2.0.192.in-addr.arpa PTR host17.example\n"
    "host17.example A 192.0.2.17\n"
    /* eleven names: only ten are tried, the eleventh would confirm */
    "20.2.0.192.in-addr.arpa PTR p1.example\n"
    "20.2.0.192.in-addr.arpa PTR p2.example\n"
    "20.2.0.192.in-addr.arpa PTR p3.example\n"
    "20.2.0.192.in-addr.arpa PTR p4.example\n"
    "20.2.0.192.in-addr.arpa PTR p5.example\n"
    "20.2.0.192.in-addr.arpa PTR p6.example\n"
    "20.2.0.192.in-addr.arpa PTR p7.example\n"
    "20.2.0.192.in-addr.arpa PTR p8.example\n"
    "20.2.0.192.in-addr.arpa PTR p9.example\n"
    "20.2.0.192.in-addr.arpa PTR p10.example\n"
    "20.2.0.192.in-addr.arpa PTR p11.example\n"
    "p11.example A 192.0.2.20\n"
    /* ten names, the tenth confirms */
    "21.2.0.192.in-addr.arpa PTR p1.example\n"
    "21.2.0.192.in-addr.arpa PTR p2.example\n"
    "21.2.0.192.in-addr.arpa PTR p3.example\n"
    "21.2.0.192.in-addr.arpa PTR p4.example\n"
    "21.2.0.192.in-addr.arpa PTR p5.example\n"
    "21.2.0.192.in-addr.arpa PTR p6.example\n"
    "21.2.0.192.in-addr.arpa PTR p7.example\n"
    "21.2.0.192.in-addr.arpa PTR p8.example\n"
    "21.2.0.192.in-addr.arpa PTR p9.example\n"
    "21.2.0.192.in-addr.arpa PTR p21.example\n"
    "p21.example A 192.0.2.21\n"
    /* IPv6: AAAA confirms, A does not count */
    "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa "
    "PTR v6.example.com\n"
    "v6.example.com AAAA 2001:db8::25\n"
    "6.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa "
    "PTR v4only.example.com\n"
    "v4only.example.com A 192.0.2.26\n";

struct iprev_case {
	const char *name;
	const char *client;
	enum am_result result;
	const char *reason;  /* the whole reason */
	const char *ptrname; /* outcome's name, or NULL */
	unsigned queries;    /* DNS questions asked */
};

static const struct iprev_case cases[] = {
    {"a PTR name resolving back passes", "192.0.2.1", AM_RESULT_PASS,
	"mail.example.com resolves back to 192.0.2.1", "mail.example.com", 2},
    {"no reverse name (NXDOMAIN) is permerror", "192.0.2.2",
	AM_RESULT_PERMERROR, "192.0.2.2 has no PTR record", NULL, 1},
    {"a reverse name without PTR (NODATA) is permerror", "192.0.2.3",
	AM_RESULT_PERMERROR, "192.0.2.3 has no PTR record", NULL, 1},
    {"PTR lookup timeout is temperror", "192.0.2.4", AM_RESULT_TEMPERROR,
	"PTR lookup for 4.2.0.192.in-addr.arpa timed out", NULL, 1},
    {"PTR lookup SERVFAIL is temperror", "192.0.2.5", AM_RESULT_TEMPERROR,
	"PTR lookup for 5.2.0.192.in-addr.arpa failed (SERVFAIL)", NULL, 1},
    {"a PTR name resolving elsewhere fails", "192.0.2.6", AM_RESULT_FAIL,
	"liar.example.com does not resolve back to 192.0.2.6",
	"liar.example.com", 2},
    {"a PTR name that does not exist fails", "192.0.2.7", AM_RESULT_FAIL,
	"gone.example.com does not resolve back to 192.0.2.7",
	"gone.example.com", 2},
    {"a forward timeout with no other confirmation is temperror", "192.0.2.8",
	AM_RESULT_TEMPERROR,
	"no PTR name confirmed 192.0.2.8: A lookup for slow.example.com "
	"timed out",
	"slow.example.com", 3},
    {"a forward timeout does not hide a later confirmation", "192.0.2.9",
	AM_RESULT_PASS, "nine.example.com resolves back to 192.0.2.9",
	"nine.example.com", 3},
    {"the second of two PTR names confirms", "192.0.2.10", AM_RESULT_PASS,
	"b.example resolves back to 192.0.2.10", "b.example", 3},
    {"two PTR names, neither confirming, fail", "192.0.2.11", AM_RESULT_FAIL,
	"none of 2 PTR names (a.example, b.example) resolves back to "
	"192.0.2.11",
	"a.example", 3},
    {"the forward lookup follows a CNAME", "192.0.2.12", AM_RESULT_PASS,
	"alias.example.com resolves back to 192.0.2.12", "alias.example.com",
	2},
    {"a PTR target that is no host name is not looked up", "192.0.2.13",
	AM_RESULT_FAIL,
	"\"bad name\\010.example\" does not resolve back to 192.0.2.13", NULL,
	1},
    {"a PTR target of the root fails", "192.0.2.14", AM_RESULT_FAIL,
	"\".\" does not resolve back to 192.0.2.14", NULL, 1},
    {"a host name after an invalid target still confirms", "192.0.2.15",
	AM_RESULT_PASS, "host15.example resolves back to 192.0.2.15",
	"host15.example", 2},
    {"PTR names compare without case", "192.0.2.16", AM_RESULT_PASS,
	"mixed.example.com resolves back to 192.0.2.16", "mixed.example.com",
	2},
    {"a PTR behind an RFC 2317 CNAME confirms", "192.0.2.17", AM_RESULT_PASS,
	"host17.example resolves back to 192.0.2.17", "host17.example", 2},
    {"the eleventh PTR name is not tried even if it would confirm",
	"192.0.2.20", AM_RESULT_FAIL,
	"none of the first 10 of 11 PTR names (p1.example, p2.example, "
	"p3.example, p4.example, p5.example, p6.example, p7.example, "
	"p8.example, p9.example, p10.example) resolves back to 192.0.2.20",
	"p1.example", 11},
    {"the tenth PTR name is tried", "192.0.2.21", AM_RESULT_PASS,
	"p21.example resolves back to 192.0.2.21", "p21.example", 11},
    {"IPv4-mapped IPv6 client is IPv4", "::ffff:192.0.2.1", AM_RESULT_PASS,
	"mail.example.com resolves back to 192.0.2.1", "mail.example.com", 2},
    {"IPv6 client confirmed by AAAA", "2001:db8::25", AM_RESULT_PASS,
	"v6.example.com resolves back to 2001:db8::25", "v6.example.com", 2},
    {"IPv6 client is not confirmed by an A record", "2001:db8::26",
	AM_RESULT_FAIL,
	"v4only.example.com does not resolve back to 2001:db8::26",
	"v4only.example.com", 2},
    {"IPv6 client without PTR is permerror", "2001:db8::99",
	AM_RESULT_PERMERROR, "2001:db8::99 has no PTR record", NULL, 1},
};

static void
check(struct test_env *env, const char *client, struct am_trace *trace,
    struct am_iprev_outcome *out)
{
	struct am_ip ip;

	assert_true(am_ip_parse(client, strlen(client), &ip));
	am_iprev_check(&env->ctx, env->session, env->arena, &ip, trace, out);
	assert_true(am_ip_equal(&out->client, &ip));
}

/* One cmocka test per row, named after it. */
static void
iprev_named_case(void **state)
{
	const struct iprev_case *c = *state;
	struct am_iprev_outcome out;
	struct am_trace trace;
	struct test_env env;

	test_env_init(&env, zone);
	am_trace_init(&trace, env.arena);
	check(&env, c->client, &trace, &out);
	if (out.result != c->result)
		fail_msg("got %s (%s), want %s", am_result_name(out.result),
		    out.reason, am_result_name(c->result));
	assert_non_null(out.reason);
	assert_string_equal(out.reason, c->reason);
	if (c->ptrname == NULL)
		assert_null(out.name);
	else {
		assert_non_null(out.name);
		assert_string_equal(out.name, c->ptrname);
	}
	assert_int_equal(am_dns_session_queries(env.session), c->queries);
	test_env_free(&env);
}

/* The trace names every lookup and every name passed over. */
static void
iprev_trace_names_every_lookup(void **state)
{
	static const char *const want[] = {
	    "PTR 15.2.0.192.in-addr.arpa -> \"bad name\\010.example\", "
	    "host15.example",
	    "\"bad name\\010.example\" is not a host name: not looked up",
	    "A host15.example -> 192.0.2.15",
	};
	const struct am_trace_line *l;
	struct am_iprev_outcome out;
	struct am_trace trace;
	struct test_env env;
	size_t i = 0;

	(void)state;
	test_env_init(&env, zone);
	am_trace_init(&trace, env.arena);
	check(&env, "192.0.2.15", &trace, &out);
	for (l = trace.head; l != NULL; l = l->next, i++) {
		assert_true(i < sizeof(want) / sizeof(want[0]));
		assert_string_equal(l->method, "iprev");
		assert_string_equal(l->text, want[i]);
	}
	assert_int_equal(i, sizeof(want) / sizeof(want[0]));
	test_env_free(&env);
}

/* The trace says where a CNAME led and which names were left out. */
static void
iprev_trace_cname_and_limit(void **state)
{
	const struct am_trace_line *l;
	struct am_iprev_outcome out;
	struct am_trace trace;
	struct test_env env;
	bool cname = false, limit = false;

	(void)state;
	test_env_init(&env, zone);
	am_trace_init(&trace, env.arena);
	check(&env, "192.0.2.12", &trace, &out);
	check(&env, "192.0.2.20", &trace, &out);
	for (l = trace.head; l != NULL; l = l->next) {
		if (strcmp(l->text,
			"A alias.example.com -> 192.0.2.12 (via "
			"CNAME mail12.example.com)") == 0)
			cname = true;
		if (strcmp(l->text,
			"PTR names past the first 10 not "
			"tried: 1") == 0)
			limit = true;
	}
	assert_true(cname);
	assert_true(limit);
	test_env_free(&env);
}

/* The prefetched PTR lookup is the one the check uses. */
static void
iprev_prefetch_starts_the_ptr_lookup(void **state)
{
	struct am_iprev_outcome out;
	struct test_env env;
	struct am_ip ip;

	(void)state;
	test_env_init(&env, zone);
	assert_true(am_ip_parse("2001:db8::25", 12, &ip));
	am_iprev_prefetch(env.session, &ip);
	assert_int_equal(am_dns_session_queries(env.session), 1);
	check(&env, "2001:db8::25", NULL, &out);
	assert_int_equal(out.result, AM_RESULT_PASS);
	assert_int_equal(am_dns_session_queries(env.session), 2);
	test_env_free(&env);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(iprev_trace_names_every_lookup),
	    cmocka_unit_test(iprev_trace_cname_and_limit),
	    cmocka_unit_test(iprev_prefetch_starts_the_ptr_lookup),
	};

	return test_run_table("iprev", "iprev", TEST_ROWS(cases), iprev_named_case,
	    fixed, sizeof(fixed) / sizeof(fixed[0]), NULL, NULL);
}
