/* unit_policy.c - local policy: results to an action, one named case per
 * rule of policy.h. */
#include "autoconfig.h"

#include <string.h>

#include "testlib.h"
#include "policy.h"

struct author_in {
	enum am_result result;
	enum am_dmarc_policy requested;
};

enum client_kind {
	PLAIN, TRUSTED, AUTHED, ALLOWED_NET, ALLOWED_DOMAIN, NOT_ENFORCED
};

struct policy_case {
	const char *name;
	struct author_in a[3];
	size_t n;
	enum am_from_problem from;
	bool dry_run;
	enum client_kind client;
	bool tempfail_on_temperror;
	enum am_multi_from multi;
	enum am_action action;
	const char *rule;
	const char *reason; /* substring */
};

#define R(res, pol) {AM_RESULT_##res, AM_DMARC_POLICY_##pol}
#define EVAL	    AM_MULTI_FROM_EVALUATE

static const struct policy_case cases[] = {
	{"pass is accepted", {R(PASS, REJECT)}, 1, AM_FROM_OK, false, PLAIN, false, EVAL,
	    AM_ACTION_ACCEPT, "dmarc-pass", "DMARC pass for a0.example"},
	{"fail under p=reject is rejected", {R(FAIL, REJECT)}, 1, AM_FROM_OK,
	    false, PLAIN, false, EVAL, AM_ACTION_REJECT, "dmarc-reject", "p=reject"},
	{"fail under p=quarantine is quarantined", {R(FAIL, QUARANTINE)}, 1,
	    AM_FROM_OK, false, PLAIN, false, EVAL, AM_ACTION_QUARANTINE, "dmarc-quarantine",
	    NULL},
	{"fail under p=none is accepted", {R(FAIL, NONE)}, 1, AM_FROM_OK, false, PLAIN,
	    false, EVAL, AM_ACTION_ACCEPT, "dmarc-none", NULL},
	{"none is accepted", {R(NONE, NONE)}, 1, AM_FROM_OK, false, PLAIN, false, EVAL,
	    AM_ACTION_ACCEPT, "dmarc-none", NULL},
	{"permerror is accepted", {R(PERMERROR, NONE)}, 1, AM_FROM_OK, false, PLAIN,
	    false, EVAL, AM_ACTION_ACCEPT, "dmarc-permerror", NULL},
	{"temperror is accepted by default", {R(TEMPERROR, NONE)}, 1,
	    AM_FROM_OK, false, PLAIN, false, EVAL, AM_ACTION_ACCEPT, "dmarc-temperror",
	    NULL},
	{"temperror is tempfailed when configured", {R(TEMPERROR, NONE)}, 1,
	    AM_FROM_OK, false, PLAIN, true, EVAL, AM_ACTION_TEMPFAIL, "dmarc-temperror",
	    NULL},
	{"several authors: the strictest wins", {R(PASS, REJECT),
	    R(FAIL, QUARANTINE), R(FAIL, REJECT)}, 3, AM_FROM_OK, false, PLAIN, false, EVAL,
	    AM_ACTION_REJECT, "dmarc-reject", "a2.example"},
	{"several authors: reject beats tempfail", {R(TEMPERROR, NONE),
	    R(FAIL, REJECT)}, 2, AM_FROM_OK, false, PLAIN, true, EVAL, AM_ACTION_REJECT,
	    "dmarc-reject", NULL},
	{"dry run never rejects but says what it would do", {R(FAIL, REJECT)},
	    1, AM_FROM_OK, true, PLAIN, false, EVAL, AM_ACTION_ACCEPT, "dry-run",
	    "dry run: would reject (DMARC fail for a0.example under p=reject)"},
	{"no From is accepted by default", {R(PASS, NONE)}, 0, AM_FROM_MISSING,
	    false, PLAIN, false, EVAL, AM_ACTION_ACCEPT, "no-author-domain", NULL},
	{"too many Author Domains is quarantined by default", {R(PASS, NONE)},
	    1, AM_FROM_TOO_MANY, false, PLAIN, false, EVAL, AM_ACTION_QUARANTINE,
	    "too-many-author-domains", "more than 5 Author Domains"},
	{"several Author Domains may be rejected outright", {R(PASS, REJECT),
	    R(PASS, REJECT)}, 2, AM_FROM_OK, false, PLAIN, false,
	    AM_MULTI_FROM_REJECT, AM_ACTION_REJECT, "multiple-author-domains",
	    "2 Author Domains"},
	{"a trusted network is never rejected", {R(FAIL, REJECT)}, 1,
	    AM_FROM_OK, false, TRUSTED, false, EVAL, AM_ACTION_ACCEPT,
	    "trusted-network", "would reject (DMARC fail for a0.example under "
	    "p=reject), but the client is in trusted_networks"},
	{"an authenticated client is never rejected", {R(FAIL, REJECT)}, 1,
	    AM_FROM_OK, false, AUTHED, false, EVAL, AM_ACTION_ACCEPT,
	    "authenticated", "the client is authenticated"},
	{"an allowed network is never quarantined", {R(FAIL, QUARANTINE)}, 1,
	    AM_FROM_OK, false, ALLOWED_NET, false, EVAL, AM_ACTION_ACCEPT,
	    "allow-network", NULL},
	{"an allowed From domain (or its subdomain) is never rejected",
	    {R(FAIL, REJECT), R(FAIL, REJECT)}, 2, AM_FROM_OK, false,
	    ALLOWED_DOMAIN,
	    false, EVAL, AM_ACTION_ACCEPT, "allow-from-domain", NULL},
	{"an exemption does not defer a trusted client either",
	    {R(TEMPERROR, NONE)}, 1, AM_FROM_OK, false, TRUSTED, true, EVAL,
	    AM_ACTION_ACCEPT, "trusted-network", "would tempfail"},
	{"without DMARC enforcement a failure is recorded, not acted on",
	    {R(FAIL, REJECT)}, 1, AM_FROM_OK, false, NOT_ENFORCED, false, EVAL,
	    AM_ACTION_ACCEPT, "dmarc-not-enforced", "not enforced"},
	{"several Author Domains may be quarantined at least", {R(PASS, NONE),
	    R(FAIL, REJECT)}, 2, AM_FROM_OK, false, PLAIN, false,
	    AM_MULTI_FROM_QUARANTINE, AM_ACTION_REJECT, "dmarc-reject", NULL},
};

static void
policy_named_case(void **state)
{
	const struct policy_case *c = *state;
	static const char *allowed[] = {"a1.example"};
	struct am_policy_options opt;
	struct am_policy_client client = {NULL, NULL};
	struct am_cidr trusted, allow;
	struct am_ip ip;
	struct am_author authors[3];
	struct am_decision d;
	struct am_arena *arena = am_arena_new();
	size_t i;

	am_policy_defaults(&opt);
	opt.dry_run = c->dry_run;
	assert_true(am_cidr_parse("192.0.2.0/24", 12, &trusted));
	assert_true(am_cidr_parse("198.51.100.0/24", 15, &allow));
	opt.trusted_networks = &trusted;
	opt.ntrusted_networks = 1;
	opt.allow_networks = &allow;
	opt.nallow_networks = 1;
	if (c->client == ALLOWED_DOMAIN) {
		opt.allow_from_domains = (char *const *)allowed;
		opt.nallow_from_domains = 1;
	}
	if (c->client == NOT_ENFORCED)
		opt.enforce = false;
	if (c->client == TRUSTED || c->client == ALLOWED_NET) {
		const char *addr = c->client == TRUSTED ? "192.0.2.7" :
							  "198.51.100.7";

		assert_true(am_ip_parse(addr, strlen(addr), &ip));
		client.ip = &ip;
	}
	if (c->client == AUTHED)
		client.auth_user = "alice";
	if (c->tempfail_on_temperror)
		opt.on_temperror = AM_ACTION_TEMPFAIL;
	opt.multiple_from = c->multi;
	memset(authors, 0, sizeof(authors));
	for (i = 0; i < c->n; i++) {
		authors[i].dmarc.result = c->a[i].result;
		authors[i].dmarc.requested = c->a[i].requested;
		authors[i].dmarc.published = c->a[i].requested;
		authors[i].dmarc.author_domain = am_arena_printf(arena,
		    "a%zu.example", i);
		authors[i].dmarc.comment = am_arena_printf(arena, "p=%s",
		    am_dmarc_policy_name(c->a[i].requested));
		authors[i].dmarc.reason = "test";
	}
	am_policy_decide(&opt, arena, &client, authors, c->n, c->from, &d);
	if (d.action != c->action)
		fail_msg("action %s (%s), want %s", am_action_name(d.action),
		    d.reason, am_action_name(c->action));
	assert_string_equal(d.rule, c->rule);
	if (c->reason != NULL && strstr(d.reason, c->reason) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", d.reason, c->reason);
	/* policy.dmarc follows what was applied: nothing when accepted */
	for (i = 0; i < c->n; i++)
		if (d.action == AM_ACTION_ACCEPT)
			assert_int_equal(authors[i].applied,
			    AM_DMARC_POLICY_NONE);
	am_arena_free(arena);
}

int
main(void)
{
	enum { N = sizeof(cases) / sizeof(cases[0]) };
	struct CMUnitTest tests[N];
	char names[N][128];
	size_t i;

	for (i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "policy: %s", cases[i].name);
		memset(&tests[i], 0, sizeof(tests[i]));
		tests[i].name = names[i];
		tests[i].test_func = policy_named_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	return _cmocka_run_group_tests("policy", tests, N, NULL, NULL);
}
