/* unit_dmarc.c - DMARC (RFC 9989): discovery, the tree walk, p/sp/np,
 * t=y, alignment, and the everyday cases operators ask about.  SPF and
 * DKIM results are given as inputs here; test/unit_message.c runs them
 * for real. */
#include "autoconfig.h"

#include <string.h>

#include "testlib.h"
#include "dmarc.h"
#include "orgdomain.h"

static const char zone[] =
    /* an Organizational Domain with everything */
    "_dmarc.example.com TXT \"v=DMARC1; p=reject; sp=quarantine; np=reject; "
    "rua=mailto:agg@example.com; ruf=mailto:fail@example.com; fo=1:d; "
    "pct=50; future=tag\"\n"
    "example.com        TXT \"v=spf1 -all\"\n"
    "mail.example.com   A   192.0.2.1\n"
    "bounce.example.com TXT \"v=spf1 -all\"\n"
    /* strict alignment */
    "_dmarc.strict.example TXT \"v=DMARC1; p=reject; adkim=s; aspf=s\"\n"
    "mail.strict.example A 192.0.2.1\n"
    /* a subdomain with a record of its own (no psd): org is higher */
    "_dmarc.news.example.org TXT \"v=DMARC1; p=none\"\n"
    "_dmarc.example.org TXT \"v=DMARC1; p=quarantine\"\n"
    "a.news.example.org A 192.0.2.1\n"
    /* psd=n stops the walk: the org domain is dept.example.net */
    "_dmarc.dept.example.net TXT \"v=DMARC1; p=reject; psd=n\"\n"
    "_dmarc.example.net TXT \"v=DMARC1; p=none\"\n"
    "x.dept.example.net A 192.0.2.1\n"
    "y.example.net A 192.0.2.1\n"
    /* psd=y at a PSD: the org domain is one label below */
    "_dmarc.psd.test TXT \"v=DMARC1; p=reject; psd=y\"\n"
    "_dmarc.brand.psd.test TXT \"v=DMARC1; p=none\"\n"
    "mail.brand.psd.test A 192.0.2.1\n"
    "other.psd.test A 192.0.2.1\n"
    /* a TLD record without psd=y: never organizational (our deviation) */
    "_dmarc.tld TXT \"v=DMARC1; p=reject\"\n"
    "bank.tld A 192.0.2.1\n"
    "evil.tld A 192.0.2.1\n"
    /* t=y */
    "_dmarc.testing.example TXT \"v=DMARC1; p=reject; t=y\"\n"
    "_dmarc.testq.example TXT \"v=DMARC1; p=quarantine; t=y\"\n"
    /* broken and odd records */
    "_dmarc.twice.example TXT \"v=DMARC1; p=reject\"\n"
    "_dmarc.twice.example TXT \"v=DMARC1; p=none\"\n"
    "_dmarc.notfirst.example TXT \"p=reject; v=DMARC1\"\n"
    "_dmarc.badp.example TXT \"v=DMARC1; p=bogus; rua=mailto:r@badp.example\"\n"
    "_dmarc.badpnorua.example TXT \"v=DMARC1; p=bogus\"\n"
    "_dmarc.nop.example TXT \"v=DMARC1; rua=mailto:r@nop.example\"\n"
    "_dmarc.lower.example TXT \"  v = DMARC1 ;P=Reject;ADKIM=S\"\n"
    "_dmarc.other.example TXT \"some unrelated text\"\n"
    "_dmarc.other.example TXT \"v=DMARC1; p=quarantine\"\n"
    /* DNS trouble */
    "_dmarc.slow.example TIMEOUT\n"
    "_dmarc.sub.slowparent.example TIMEOUT\n"
    "_dmarc.slowparent.example TXT \"v=DMARC1; p=reject\"\n"
    "_dmarc.np.example TXT \"v=DMARC1; p=none; np=reject\"\n"
    "exists.np.example A 192.0.2.1\n"
    "_dmarc.npslow.example TXT \"v=DMARC1; p=none; np=reject\"\n"
    "gone.npslow.example TIMEOUT\n"
    /* RFC 9989 4.10.2 with a two-label public suffix: co.example says
     * psd=y, so bank.co.example is its own Organizational Domain.  The
     * attacker's names under co.example answer SERVFAIL or time out. */
    "_dmarc.co.example TXT \"v=DMARC1; p=none; psd=y\"\n"
    "_dmarc.bank.co.example TXT \"v=DMARC1; p=reject\"\n"
    "mail.bank.co.example A 192.0.2.1\n"
    "_dmarc.evil.co.example SERVFAIL\n"
    "_dmarc.slow.co.example TIMEOUT\n"
    "_dmarc.x.evil.co.example TIMEOUT\n"
    /* a name inside the Author's own tree whose lookup fails */
    "_dmarc.flaky.bank.co.example SERVFAIL\n"
    /* a very long name */
    "_dmarc.deep.example TXT \"v=DMARC1; p=quarantine\"\n";

struct dmarc_case {
	const char *name;
	const char *author;
	const char *spf_domain;	 /* NULL: SPF not evaluated */
	enum am_result spf;
	const char *dkim_domain; /* NULL: no signature */
	enum am_result dkim;
	enum am_result result;
	const char *tag; /* "p", "sp", "np" or NULL */
	enum am_dmarc_policy requested;
	const char *reason; /* substring */
};

#define P_NONE AM_DMARC_POLICY_NONE
#define P_QUAR AM_DMARC_POLICY_QUARANTINE
#define P_REJ  AM_DMARC_POLICY_REJECT
#define PASS   AM_RESULT_PASS
#define FAIL   AM_RESULT_FAIL

static const struct dmarc_case cases[] = {
	/* the everyday cases */
	{"ESP default MAIL FROM, aligned DKIM -> pass", "example.com",
	    "bounce.esp.example", PASS, "example.com", PASS, PASS, "p", P_REJ,
	    "SPF pass for bounce.esp.example is not aligned with header.from "
	    "example.com; DKIM d=example.com passed and is aligned"},
	{"ESP default MAIL FROM, no DKIM -> fail", "example.com",
	    "bounce.esp.example", PASS, NULL, PASS, FAIL, "p", P_REJ,
	    "SPF pass for bounce.esp.example is not aligned"},
	{"custom MAIL FROM subdomain aligns when relaxed", "example.com",
	    "bounce.example.com", PASS, NULL, PASS, PASS, "p", P_REJ,
	    "SPF pass for bounce.example.com is aligned"},
	{"custom MAIL FROM subdomain does not align under aspf=s",
	    "strict.example", "bounce.strict.example", PASS, NULL, PASS, FAIL,
	    "p", P_REJ, "not aligned with header.from strict.example (aspf=s)"},
	{"subject tagged in transit: DKIM fails, SPF unaligned -> fail",
	    "example.com", "bounce.esp.example", PASS, "example.com", FAIL,
	    FAIL, "p", P_REJ, "DKIM d=example.com failed: test signature"},
	{"forwarded: SPF fails, DKIM intact -> pass", "example.com",
	    "example.com", FAIL, "example.com", PASS, PASS, "p", P_REJ,
	    "SPF fail for example.com; DKIM d=example.com passed and is "
	    "aligned"},
	{"no record anywhere -> none", "nothing.example", "nothing.example",
	    PASS, NULL, PASS, AM_RESULT_NONE, NULL, P_NONE,
	    "no DMARC record for nothing.example or any parent domain"},
	{"DNS timeout on the policy lookup -> temperror", "slow.example",
	    "slow.example", PASS, NULL, PASS, AM_RESULT_TEMPERROR, NULL, P_NONE,
	    "no DNS answer for TXT _dmarc.slow.example (timeout)"},
	/* p, sp, np */
	{"p= applies to the Organizational Domain itself", "example.com", NULL,
	    PASS, NULL, PASS, FAIL, "p", P_REJ, "SPF was not evaluated"},
	{"sp= applies to an existing subdomain", "mail.example.com", NULL, PASS,
	    NULL, PASS, FAIL, "sp", P_QUAR, "no DKIM signature"},
	{"np= applies to a non-existent subdomain", "ghost.example.com", NULL,
	    PASS, NULL, PASS, FAIL, "np", P_REJ, NULL},
	{"np= is not used for an existing subdomain", "exists.np.example",
	    NULL, PASS, NULL, PASS, FAIL, "p", P_NONE, NULL},
	{"np= from the org record for a non-existent name", "gone.np.example",
	    NULL, PASS, NULL, PASS, FAIL, "np", P_REJ, NULL},
	{"existence lookup timing out, when np= matters -> temperror",
	    "gone.npslow.example", NULL, PASS, NULL, PASS, AM_RESULT_TEMPERROR,
	    NULL, P_NONE, "whose existence chooses between sp= and np="},
	{"t=y: reject is applied as quarantine", "testing.example", NULL, PASS,
	    NULL, PASS, FAIL, "p", P_QUAR, NULL},
	{"t=y: quarantine is applied as none", "testq.example", NULL, PASS,
	    NULL, PASS, FAIL, "p", P_NONE, NULL},
	/* alignment */
	{"relaxed DKIM: d= is a sibling subdomain", "mail.example.com", NULL,
	    PASS, "news.example.com", PASS, PASS, "sp", P_QUAR,
	    "DKIM d=news.example.com passed and is aligned"},
	{"strict DKIM: a subdomain d= does not align (adkim=s)",
	    "strict.example", NULL, PASS, "mail.strict.example", PASS, FAIL,
	    "p", P_REJ, "(adkim=s)"},
	{"strict DKIM: identical d= aligns", "strict.example", NULL, PASS,
	    "STRICT.example", PASS, PASS, "p", P_REJ, NULL},
	{"unrelated d= never aligns", "example.com", NULL, PASS, "evil.example",
	    PASS, FAIL, "p", P_REJ, "not aligned with header.from example.com"},
	{"a record below the org domain does not make it organizational",
	    "a.news.example.org", "example.org", PASS, NULL, PASS, PASS, "p",
	    P_QUAR, "aligned"},
	{"psd=n stops the walk: parent d= is not aligned",
	    "x.dept.example.net", NULL, PASS, "example.net", PASS, FAIL, "p",
	    P_REJ, "not aligned"},
	{"psd=n: a sibling under the org domain aligns", "x.dept.example.net",
	    NULL, PASS, "dept.example.net", PASS, PASS, "p", P_REJ, NULL},
	{"psd=y: the org domain is one label below the PSD",
	    "mail.brand.psd.test", NULL, PASS, "brand.psd.test", PASS, PASS,
	    "p", P_NONE, NULL},
	{"psd=y: another registrant under the PSD does not align",
	    "mail.brand.psd.test", "other.psd.test", PASS, NULL, PASS, FAIL,
	    "p", P_NONE, NULL},
	{"psd=y: the PSD record applies when the org has none",
	    "other.psd.test", NULL, PASS, NULL, PASS, FAIL, "p", P_REJ, NULL},
	{"a TLD record without psd=y never aligns two registrants", "bank.tld",
	    "evil.tld", PASS, "evil.tld", PASS, FAIL, "p", P_REJ,
	    "SPF pass for evil.tld is not aligned"},
	/* the record */
	{"several records at one name are all discarded", "twice.example",
	    NULL, PASS, NULL, PASS, AM_RESULT_NONE, NULL, P_NONE, NULL},
	{"v=DMARC1 must be the first tag", "notfirst.example", NULL, PASS, NULL,
	    PASS, AM_RESULT_NONE, NULL, P_NONE, NULL},
	{"invalid p= with a valid rua= acts as p=none", "badp.example", NULL,
	    PASS, NULL, PASS, FAIL, "p", P_NONE, NULL},
	{"invalid p= without rua= is not applied", "badpnorua.example", NULL,
	    PASS, NULL, PASS, AM_RESULT_PERMERROR, NULL, P_NONE,
	    "has no valid p="},
	{"missing p= with rua= acts as p=none", "nop.example", NULL, PASS, NULL,
	    PASS, FAIL, "p", P_NONE, NULL},
	{"tag names and keywords ignore case, white space is allowed",
	    "lower.example", NULL, PASS, "sub.lower.example", PASS, FAIL, "p",
	    P_REJ, "(adkim=s)"},
	{"unrelated TXT records next to the DMARC record are ignored",
	    "other.example", NULL, PASS, NULL, PASS, FAIL, "p", P_QUAR, NULL},
	/* Temperror the attacker controls (RFC 9989 4.10.2, 5.3.5): once
	 * the Author Domain's Organizational Domain is known, an identifier
	 * outside it cannot align, whatever its own tree answers. */
	{"attacker's DKIM d= under a psd=y suffix, SERVFAIL in its tree -> "
	 "fail, not temperror", "bank.co.example", NULL, PASS,
	    "evil.co.example", PASS, FAIL, "p", P_REJ,
	    "DKIM d=evil.co.example passed but is not aligned"},
	{"attacker's SPF domain under a psd=y suffix, timeout in its tree -> "
	 "fail", "bank.co.example", "slow.co.example", PASS, NULL, PASS,
	    FAIL, "p", P_REJ, "SPF pass for slow.co.example is not aligned"},
	{"attacker's deeper d= under the suffix, timeout -> fail",
	    "mail.bank.co.example", NULL, PASS, "x.evil.co.example", PASS,
	    FAIL, "p", P_REJ, "Organizational Domain bank.co.example"},
	{"a failing lookup inside the Author's own tree is still temperror",
	    "bank.co.example", NULL, PASS, "flaky.bank.co.example", PASS,
	    AM_RESULT_TEMPERROR, "p", P_REJ,
	    "alignment of DKIM d=flaky.bank.co.example could not be "
	    "determined"},
	{"existence lookup timing out does not matter when DMARC passes",
	    "gone.npslow.example", NULL, PASS, "npslow.example", PASS, PASS,
	    "p", P_NONE, "DKIM d=npslow.example passed and is aligned"},
	{"a DNS failure during the tree walk is temperror",
	    "a.sub.slowparent.example", NULL, PASS, NULL, PASS,
	    AM_RESULT_TEMPERROR, NULL, P_NONE, "_dmarc.sub.slowparent.example"},
};

static void
dmarc_named_case(void **state)
{
	const struct dmarc_case *c = *state;
	struct am_dkim_sig sig;
	struct am_dkim_result dkim;
	struct am_spf_outcome spf;
	struct am_dmarc_input in;
	struct am_dmarc_outcome out;
	struct test_env env;

	test_env_init(&env, zone);
	memset(&in, 0, sizeof(in));
	in.author_domain = c->author;
	if (c->spf_domain != NULL) {
		memset(&spf, 0, sizeof(spf));
		spf.result = c->spf;
		spf.domain = c->spf_domain;
		in.spf = &spf;
	}
	memset(&dkim, 0, sizeof(dkim));
	if (c->dkim_domain != NULL) {
		memset(&sig, 0, sizeof(sig));
		sig.result = c->dkim;
		sig.domain = c->dkim_domain;
		sig.reason = "test signature";
		dkim.sigs = &sig;
		dkim.count = 1;
	}
	in.dkim = &dkim;
	am_dmarc_check(&env.ctx, env.session, env.arena, &in, NULL, &out);
	if (out.result != c->result)
		fail_msg("got %s (%s), want %s", am_result_name(out.result),
		    out.reason, am_result_name(c->result));
	if (c->tag != NULL && (out.policy_tag == NULL ||
				  strcmp(out.policy_tag, c->tag) != 0))
		fail_msg("policy tag %s, want %s", out.policy_tag, c->tag);
	if (out.requested != c->requested)
		fail_msg("requested %s, want %s",
		    am_dmarc_policy_name(out.requested),
		    am_dmarc_policy_name(c->requested));
	if (c->reason != NULL &&
	    (out.reason == NULL || strstr(out.reason, c->reason) == NULL))
		fail_msg("reason \"%s\" lacks \"%s\"", out.reason, c->reason);
	test_env_free(&env);
}

static void
dmarc_record_tags_are_read(void **state)
{
	struct test_env env;
	struct am_dmarc_outcome out;
	struct am_dmarc_input in = {.author_domain = "example.com"};

	(void)state;
	test_env_init(&env, zone);
	am_dmarc_check(&env.ctx, env.session, env.arena, &in, NULL, &out);
	assert_true(out.have_record);
	assert_string_equal(out.record.rua, "mailto:agg@example.com");
	assert_string_equal(out.record.ruf, "mailto:fail@example.com");
	assert_true(out.record.rua_valid);
	assert_int_equal(out.record.fo, AM_DMARC_FO_1 | AM_DMARC_FO_D);
	assert_int_equal(out.record.sp, AM_DMARC_POLICY_QUARANTINE);
	assert_int_equal(out.record.np, AM_DMARC_POLICY_REJECT);
	assert_false(out.record.adkim_strict);
	assert_string_equal(out.comment, "p=reject");
	test_env_free(&env);
}

static void
dmarc_tree_walk_makes_at_most_eight_queries(void **state)
{
	struct test_env env;
	struct am_walk walk;
	const char *name = "a.b.c.d.e.f.g.h.i.j.mail.deep.example";

	(void)state;
	test_env_init(&env, zone);
	am_orgdomain_walk(env.session, env.arena, name, true, NULL, &walk);
	assert_false(walk.tempfail);
	assert_int_equal(walk.queries, 8);
	assert_int_equal(am_dns_session_queries(env.session), 8);
	assert_int_equal(walk.nfound, 1);
	assert_string_equal(walk.found[0].domain, "deep.example");
	assert_string_equal(am_orgdomain_select(&walk), "deep.example");
	test_env_free(&env);
}

static void
dmarc_walk_query_names_follow_rfc9989(void **state)
{
	/* RFC 9989 4.10's example: 13 labels, eight queries, the second
	 * with 7 labels. */
	static const char *const want[] = {
		"_dmarc.a.b.c.d.e.f.g.h.i.j.mail.example.com",
		"_dmarc.g.h.i.j.mail.example.com", "_dmarc.h.i.j.mail.example.com",
		"_dmarc.i.j.mail.example.com", "_dmarc.j.mail.example.com",
		"_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com",
	};
	struct test_env env;
	struct am_trace trace;
	struct am_walk walk;
	const struct am_trace_line *l;
	size_t i = 0;

	(void)state;
	test_env_init(&env, "x.test A 192.0.2.1\n");
	am_trace_init(&trace, env.arena);
	am_orgdomain_walk(env.session, env.arena,
	    "a.b.c.d.e.f.g.h.i.j.mail.example.com", true, &trace, &walk);
	for (l = trace.head; l != NULL; l = l->next, i++) {
		assert_true(i < 8);
		assert_int_equal(strncmp(l->text + 4, want[i], strlen(want[i])),
		    0);
	}
	assert_int_equal(i, 8);
	test_env_free(&env);
}

static void
dmarc_alignment_walks_share_queries(void **state)
{
	struct test_env env;
	struct am_spf_outcome spf;
	struct am_dmarc_outcome out;
	struct am_dmarc_input in = {.author_domain = "mail.example.com",
	    .spf = &spf};

	(void)state;
	test_env_init(&env, zone);
	memset(&spf, 0, sizeof(spf));
	spf.result = AM_RESULT_PASS;
	spf.domain = "bounce.example.com";
	am_dmarc_check(&env.ctx, env.session, env.arena, &in, NULL, &out);
	assert_int_equal(out.result, AM_RESULT_PASS);
	assert_string_equal(out.org_domain, "example.com");
	/* _dmarc.{mail.example.com, example.com, com} for discovery, TXT
	 * mail.example.com (its existence picks sp= or np=), then
	 * _dmarc.bounce.example.com: the rest of the second walk comes from
	 * the session. */
	assert_int_equal(am_dns_session_queries(env.session), 5);
	test_env_free(&env);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(dmarc_record_tags_are_read),
		cmocka_unit_test(dmarc_tree_walk_makes_at_most_eight_queries),
		cmocka_unit_test(dmarc_walk_query_names_follow_rfc9989),
		cmocka_unit_test(dmarc_alignment_walks_share_queries),
	};

	return test_run_table("dmarc", "dmarc", TEST_ROWS(cases), dmarc_named_case,
	    fixed, sizeof(fixed) / sizeof(fixed[0]), NULL, NULL);
}
