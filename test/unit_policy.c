/* unit_policy.c - local policy, one named case per rule of policy.h:
 * DMARC dispositions and modes, indirect-flow signs, trusted ARC
 * sealers, per-domain modes, sender pinning, header rules, From trouble,
 * exemptions, the dry run. */
#include "autoconfig.h"

#include <string.h>

#include "testlib.h"
#include "policy.h"

struct author_in {
	enum am_result result;
	enum am_dmarc_policy requested;
};

/* What is special about the case's options or input. */
enum setup {
	PLAIN, TRUSTED, AUTHED, ALLOWED_NET, ALLOWED_DOMAIN, MODE_NONE,
	MODE_QUARANTINE, LIST, FORWARDER_NET, FORWARDER_NAME, SRS,
	DOMAIN_MODE, PINNED_WRONG, PINNED_RIGHT, BAD_HEADERS, DRY_RUN,
	TEMPFAIL_ON_TEMPERROR, MULTI_REJECT, MULTI_QUARANTINE,
	ALLOWED_DOMAINS_ALL,
	ARC_LIST, ARC_MODE_QUARANTINE, ARC_PINNED, /* ARC_* last: see run() */
};

struct policy_case {
	const char *name;
	struct author_in a[3];
	size_t n;
	enum am_from_problem from;
	enum setup setup;
	enum am_action action;
	const char *rule;
	const char *reason; /* substring */
	enum am_action wanted;
	const char *note; /* the first author's note, or NULL */
};

#define R(res, pol) {AM_RESULT_##res, AM_DMARC_POLICY_##pol}
#define ACCEPT	    AM_ACTION_ACCEPT
#define QUAR	    AM_ACTION_QUARANTINE
#define TEMP	    AM_ACTION_TEMPFAIL
#define REJ	    AM_ACTION_REJECT
#define OK	    AM_FROM_OK

static const struct policy_case cases[] = {
	{"pass is accepted", {R(PASS, REJECT)}, 1, OK, PLAIN, ACCEPT,
	    "dmarc-pass", "DMARC pass for a0.example", ACCEPT, NULL},
	{"fail under p=reject without indirect flow is rejected",
	    {R(FAIL, REJECT)}, 1, OK, PLAIN, REJ, "dmarc-reject",
	    "under p=reject, no sign of indirect flow", REJ, NULL},
	{"fail under p=quarantine is quarantined", {R(FAIL, QUARANTINE)}, 1,
	    OK, PLAIN, QUAR, "dmarc-quarantine", NULL, QUAR, NULL},
	{"fail under p=none is accepted", {R(FAIL, NONE)}, 1, OK, PLAIN,
	    ACCEPT, "dmarc-policy-none", NULL, ACCEPT, NULL},
	{"none and permerror are accepted", {R(NONE, NONE), R(PERMERROR, NONE)},
	    2, OK, PLAIN, ACCEPT, "dmarc-none", NULL, ACCEPT, NULL},
	{"temperror is accepted by default", {R(TEMPERROR, NONE)}, 1, OK, PLAIN,
	    ACCEPT, "dmarc-temperror", NULL, ACCEPT, NULL},
	{"temperror is tempfailed when configured", {R(TEMPERROR, NONE)}, 1,
	    OK, TEMPFAIL_ON_TEMPERROR, TEMP, "dmarc-temperror", NULL, TEMP,
	    NULL},
	{"mode quarantine: p=reject is quarantined (RFC 9989 7.4)",
	    {R(FAIL, REJECT)}, 1, OK, MODE_QUARANTINE, QUAR,
	    "dmarc-mode-quarantine", "as RFC 9989 7.4 treats p=reject", REJ,
	    "mode quarantine"},
	{"mode none: failures are recorded only", {R(FAIL, REJECT)}, 1, OK,
	    MODE_NONE, ACCEPT, "dmarc-mode-none", "recorded only", REJ,
	    "mode none"},
	{"list headers turn a reject into quarantine", {R(FAIL, REJECT)}, 1,
	    OK, LIST, QUAR, "indirect-flow", "quarantined, not rejected (list "
	    "mail: List-Id)", REJ, "list mail: List-Id"},
	{"a forwarder network turns a reject into quarantine",
	    {R(FAIL, REJECT)}, 1, OK, FORWARDER_NET, QUAR, "indirect-flow",
	    "forwarder 203.0.113.0/24", REJ, "forwarder 203.0.113.0/24"},
	{"a forwarder by confirmed host name turns a reject into quarantine",
	    {R(FAIL, REJECT)}, 1, OK, FORWARDER_NAME, QUAR, "indirect-flow",
	    "forwarder mx2.lists.example", REJ, "forwarder mx2.lists.example"},
	{"an SRS envelope sender turns a reject into quarantine",
	    {R(FAIL, REJECT)}, 1, OK, SRS, QUAR, "indirect-flow",
	    "SRS envelope sender", REJ, "SRS envelope sender"},
	{"indirect flow does not soften p=quarantine", {R(FAIL, QUARANTINE)},
	    1, OK, LIST, QUAR, "dmarc-quarantine", NULL, QUAR, NULL},
	{"a per-domain mode overrides the global one", {R(FAIL, REJECT)}, 1,
	    OK, DOMAIN_MODE, QUAR, "dmarc-mode-quarantine", NULL, REJ,
	    "mode quarantine"},
	{"a pinned domain from another network is rejected despite a pass",
	    {R(PASS, REJECT)}, 1, OK, PINNED_WRONG, REJ, "pinned-sender",
	    "From a0.example is pinned to its networks and 198.51.100.7 is "
	    "not in them", REJ, NULL},
	{"a pinned domain without a DMARC record is still pinned",
	    {R(NONE, NONE)}, 1, OK, PINNED_WRONG, REJ, "pinned-sender", NULL,
	    REJ, NULL},
	{"a pinned domain from its network is accepted", {R(PASS, REJECT)}, 1,
	    OK, PINNED_RIGHT, ACCEPT, "dmarc-pass", NULL, ACCEPT, NULL},
	{"a header rule applies its configured action", {R(PASS, REJECT)}, 1,
	    OK, BAD_HEADERS, QUAR, "header-rule", "2 Date header fields", QUAR,
	    NULL},
	{"several authors: the strictest wins", {R(PASS, REJECT),
	    R(FAIL, QUARANTINE), R(FAIL, REJECT)}, 3, OK, PLAIN, REJ,
	    "dmarc-reject", "a2.example", REJ, NULL},
	{"several authors: reject beats tempfail", {R(TEMPERROR, NONE),
	    R(FAIL, REJECT)}, 2, OK, TEMPFAIL_ON_TEMPERROR, REJ,
	    "dmarc-reject", NULL, REJ, NULL},
	{"several Author Domains may be rejected outright", {R(PASS, REJECT),
	    R(PASS, REJECT)}, 2, OK, MULTI_REJECT, REJ,
	    "multiple-author-domains", "2 Author Domains", REJ, NULL},
	{"several Author Domains may be quarantined at least", {R(PASS, NONE),
	    R(FAIL, REJECT)}, 2, OK, MULTI_QUARANTINE, REJ, "dmarc-reject",
	    NULL, REJ, NULL},
	{"no From is accepted by default", {R(PASS, NONE)}, 0,
	    AM_FROM_MISSING, PLAIN, ACCEPT, "no-author-domain", NULL, ACCEPT,
	    NULL},
	{"too many Author Domains is quarantined by default", {R(PASS, NONE)},
	    1, AM_FROM_TOO_MANY, PLAIN, QUAR, "too-many-author-domains",
	    "Author Domains left unevaluated (more than 5", QUAR, NULL},
	{"a trusted network is never rejected", {R(FAIL, REJECT)}, 1, OK,
	    TRUSTED, ACCEPT, "trusted-network", "would reject (DMARC fail for "
	    "a0.example under p=reject, no sign of indirect flow), but the "
	    "client is in trusted_networks", REJ, NULL},
	{"an authenticated client is never rejected", {R(FAIL, REJECT)}, 1,
	    OK, AUTHED, ACCEPT, "authenticated", "the client is authenticated",
	    REJ, NULL},
	{"an allowed network is never quarantined", {R(FAIL, QUARANTINE)}, 1,
	    OK, ALLOWED_NET, ACCEPT, "allow-network", NULL, QUAR, NULL},
	{"an allowed From domain (or its subdomain) is never rejected",
	    {R(FAIL, REJECT)}, 1, OK, ALLOWED_DOMAIN, ACCEPT,
	    "allow-from-domain", NULL, REJ, NULL},
	/* RFC 9989 11.5: with several Author Domains the strictest outcome
	 * applies, so one listed domain cannot exempt the others. */
	{"allow_from_domains: one listed author of two exempts nothing",
	    {R(FAIL, REJECT), R(FAIL, REJECT)}, 2, OK, ALLOWED_DOMAIN, REJ,
	    "dmarc-reject", "a0.example", REJ, NULL},
	{"allow_from_domains: every author listed exempts",
	    {R(FAIL, REJECT), R(FAIL, REJECT)}, 2, OK, ALLOWED_DOMAINS_ALL,
	    ACCEPT, "allow-from-domain", "every From domain is in "
	    "allow_from_domains", REJ, NULL},
	{"allow_from_domains: Author Domains left unevaluated exempt nothing",
	    {R(FAIL, REJECT), R(FAIL, REJECT)}, 2, AM_FROM_TOO_MANY,
	    ALLOWED_DOMAINS_ALL, REJ, "dmarc-reject", NULL, REJ, NULL},
	{"an exemption does not defer a trusted client either",
	    {R(TEMPERROR, NONE)}, 1, OK, TRUSTED, ACCEPT, "trusted-network",
	    "would tempfail", TEMP, NULL},
	{"a dry run never rejects but says what it would do",
	    {R(FAIL, REJECT)}, 1, OK, DRY_RUN, ACCEPT, "dry-run",
	    "dry run: would reject (DMARC fail for a0.example", REJ, NULL},
	{"a dry run covers pinning too", {R(PASS, REJECT)}, 1, OK, DRY_RUN,
	    ACCEPT, "dry-run", "dry run: would reject", REJ, NULL},
	{"a trusted ARC sealer's pass accepts a list's p=reject failure",
	    {R(FAIL, REJECT)}, 1, OK, ARC_LIST, ACCEPT, "arc-trusted-sealer",
	    "DMARC fail for a0.example under p=reject: accepted, its ARC chain "
	    "sealed by lists.example (a trusted sealer) reports a pass", REJ,
	    "reason=arc (sealer lists.example)"},
	{"a trusted ARC sealer avoids p=quarantine too",
	    {R(FAIL, QUARANTINE)}, 1, OK, ARC_LIST, ACCEPT,
	    "arc-trusted-sealer", NULL, QUAR,
	    "reason=arc (sealer lists.example)"},
	{"a trusted ARC sealer outweighs mode quarantine", {R(FAIL, REJECT)},
	    1, OK, ARC_MODE_QUARANTINE, ACCEPT, "arc-trusted-sealer", NULL, REJ,
	    "reason=arc (sealer lists.example)"},
	{"p=none needs no trusted sealer", {R(FAIL, NONE)}, 1, OK, ARC_LIST,
	    ACCEPT, "dmarc-policy-none", NULL, ACCEPT, NULL},
	{"a trusted ARC sealer does not lift sender pinning",
	    {R(FAIL, REJECT)}, 1, OK, ARC_PINNED, REJ, "pinned-sender", NULL,
	    REJ, "reason=arc (sealer lists.example)"},
};

static void
configure(const struct policy_case *c, struct am_policy_options *opt,
    struct am_policy_input *in, struct am_ip *ip)
{
	static const char *allowed[] = {"a0.example", "a1.example"};
	static struct am_cidr trusted, allow, fwd, partner;
	static struct am_forwarder forwarders[2];
	static struct am_domain_mode dm = {"a0.example", AM_MODE_QUARANTINE};
	static struct am_pin pin = {"a0.example", &partner, 1, AM_ACTION_REJECT};
	const char *addr = "198.51.100.7";

	am_policy_defaults(opt);
	memset(in, 0, sizeof(*in));
	assert_true(am_cidr_parse("192.0.2.0/24", 12, &trusted));
	assert_true(am_cidr_parse("198.51.100.0/24", 15, &allow));
	assert_true(am_cidr_parse("203.0.113.0/24", 14, &fwd));
	assert_true(am_cidr_parse("2001:db8:5::/48", 15, &partner));
	forwarders[0].is_network = true;
	forwarders[0].network = fwd;
	forwarders[1].name = "lists.example";
	opt->trusted_networks = &trusted;
	opt->ntrusted_networks = 1;
	opt->forwarders = forwarders;
	opt->nforwarders = 2;
	switch (c->setup) {
	case TRUSTED:
		addr = "192.0.2.7";
		opt->on_temperror = AM_ACTION_TEMPFAIL;
		break;
	case ALLOWED_NET:
		opt->allow_networks = &allow;
		opt->nallow_networks = 1;
		break;
	case ALLOWED_DOMAIN:
	case ALLOWED_DOMAINS_ALL:
		opt->allow_from_domains = (char *const *)allowed;
		opt->nallow_from_domains = c->setup == ALLOWED_DOMAIN ? 1 : 2;
		break;
	case AUTHED:
		in->auth_user = "alice";
		break;
	case MODE_NONE:
		opt->mode = AM_MODE_NONE;
		break;
	case MODE_QUARANTINE:
		opt->mode = AM_MODE_QUARANTINE;
		break;
	case LIST:
		in->list_header = "List-Id";
		break;
	case FORWARDER_NET:
		addr = "203.0.113.9";
		break;
	case FORWARDER_NAME:
		in->confirmed_name = "mx2.lists.example";
		break;
	case SRS:
		in->mail_from = "SRS0=HHH=TT=example.com=user@forward.example";
		break;
	case DOMAIN_MODE:
		opt->domain_modes = &dm;
		opt->ndomain_modes = 1;
		break;
	case PINNED_WRONG:
	case PINNED_RIGHT:
	case DRY_RUN:
		opt->pins = &pin;
		opt->npins = 1;
		if (c->setup == PINNED_RIGHT)
			addr = "2001:db8:5::25";
		opt->dry_run = c->setup == DRY_RUN;
		break;
	case BAD_HEADERS:
		in->header_problem = "2 Date header fields (RFC 5322 allows one)";
		opt->on_header_problem = AM_ACTION_QUARANTINE;
		break;
	case TEMPFAIL_ON_TEMPERROR:
		opt->on_temperror = AM_ACTION_TEMPFAIL;
		break;
	case MULTI_REJECT:
		opt->multiple_from = AM_MULTI_FROM_REJECT;
		break;
	case MULTI_QUARANTINE:
		opt->multiple_from = AM_MULTI_FROM_QUARANTINE;
		break;
	case ARC_LIST:
		in->list_header = "List-Id";
		break;
	case ARC_MODE_QUARANTINE:
		opt->mode = AM_MODE_QUARANTINE;
		break;
	case ARC_PINNED:
		opt->pins = &pin;
		opt->npins = 1;
		break;
	case PLAIN:
		break;
	}
	assert_true(am_ip_parse(addr, strlen(addr), ip));
	in->ip = ip;
}

static void
policy_named_case(void **state)
{
	const struct policy_case *c = *state;
	struct am_policy_options opt;
	struct am_policy_input in;
	struct am_author authors[3];
	struct am_decision d;
	struct am_ip ip;
	struct am_arena *arena = am_arena_new();
	size_t i;

	configure(c, &opt, &in, &ip);
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
		/* arc_trust.c's finding, for the ARC cases */
		if (c->setup >= ARC_LIST && c->a[i].result == AM_RESULT_FAIL)
			authors[i].arc_sealer = "lists.example";
	}
	am_policy_decide(&opt, arena, &in, authors, c->n, c->from, &d);
	if (d.action != c->action)
		fail_msg("action %s (%s: %s), want %s",
		    am_action_name(d.action), d.rule, d.reason,
		    am_action_name(c->action));
	assert_string_equal(d.rule, c->rule);
	if (c->reason != NULL && strstr(d.reason, c->reason) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", d.reason, c->reason);
	assert_int_equal(d.wanted, c->wanted);
	if (c->note != NULL)
		assert_string_equal(authors[0].note, c->note);
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
	return test_run_table("policy", "policy", TEST_ROWS(cases), policy_named_case,
	    NULL, 0, NULL, NULL);
}
