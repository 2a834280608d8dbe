/*
 * policy.c - local policy: from results to an action (see policy.h).
 */
#include "autoconfig.h"

#include <string.h>

#include "domain.h"
#include "policy.h"

void
am_policy_defaults(struct am_policy_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->enforce = true;
	opt->on_temperror = AM_ACTION_ACCEPT;
	opt->on_no_author = AM_ACTION_ACCEPT;
	opt->on_too_many = AM_ACTION_QUARANTINE;
	opt->max_authors = 5;
	opt->multiple_from = AM_MULTI_FROM_EVALUATE;
	opt->trust_authenticated = true;
}

const char *
am_action_name(enum am_action action)
{
	switch (action) {
	case AM_ACTION_ACCEPT:
		return "accept";
	case AM_ACTION_QUARANTINE:
		return "quarantine";
	case AM_ACTION_TEMPFAIL:
		return "tempfail";
	case AM_ACTION_REJECT:
		return "reject";
	}
	return "?";
}

static enum am_dmarc_policy
policy_of(enum am_action action)
{
	return action == AM_ACTION_REJECT ? AM_DMARC_POLICY_REJECT :
	    action == AM_ACTION_QUARANTINE ? AM_DMARC_POLICY_QUARANTINE :
					     AM_DMARC_POLICY_NONE;
}

/* One Author Domain's action, and the sentence that explains it. */
static const char *
decide_one(const struct am_policy_options *opt, struct am_arena *arena,
    struct am_author *a, const char **rule)
{
	const struct am_dmarc_outcome *d = &a->dmarc;

	a->action = AM_ACTION_ACCEPT;
	switch (d->result) {
	case AM_RESULT_FAIL:
		if (!opt->enforce) {
			*rule = "dmarc-not-enforced";
			return am_arena_printf(arena, "DMARC fail for %s under "
			    "%s, not enforced (dmarc.enforce)",
			    d->author_domain, d->comment);
		}
		a->action = d->requested == AM_DMARC_POLICY_REJECT ?
		    AM_ACTION_REJECT : d->requested ==
		    AM_DMARC_POLICY_QUARANTINE ? AM_ACTION_QUARANTINE :
		    AM_ACTION_ACCEPT;
		*rule = a->action == AM_ACTION_REJECT ? "dmarc-reject" :
		    a->action == AM_ACTION_QUARANTINE ? "dmarc-quarantine" :
							"dmarc-none";
		return am_arena_printf(arena, "DMARC fail for %s under %s%s",
		    d->author_domain, d->comment, d->record.testing ?
		    " (testing: one level lower)" : "");
	case AM_RESULT_TEMPERROR:
		a->action = opt->on_temperror;
		*rule = "dmarc-temperror";
		return am_arena_printf(arena, "DMARC temperror for %s: %s",
		    d->author_domain, d->reason);
	case AM_RESULT_PASS:
		*rule = "dmarc-pass";
		return am_arena_printf(arena, "DMARC pass for %s (%s)",
		    d->author_domain, d->aligned_by != NULL ? d->aligned_by :
							      "aligned");
	default:
		*rule = d->result == AM_RESULT_NONE ? "dmarc-none" :
						      "dmarc-permerror";
		return am_arena_printf(arena, "DMARC %s for %s",
		    am_result_name(d->result), d->author_domain);
	}
}

static bool
in_networks(const struct am_ip *ip, const struct am_cidr *nets, size_t n)
{
	size_t i;

	for (i = 0; ip != NULL && i < n; i++)
		if (am_cidr_contains(&nets[i], ip))
			return true;
	return false;
}

/* The exemption that applies, as "rule: why", or NULL. */
static const char *
exemption(const struct am_policy_options *opt,
    const struct am_policy_client *client, const struct am_author *authors,
    size_t n, const char **rule)
{
	size_t i, j;

	if (in_networks(client->ip, opt->trusted_networks,
		opt->ntrusted_networks)) {
		*rule = "trusted-network";
		return "the client is in trusted_networks";
	}
	if (opt->trust_authenticated && client->auth_user != NULL) {
		*rule = "authenticated";
		return "the client is authenticated";
	}
	if (in_networks(client->ip, opt->allow_networks,
		opt->nallow_networks)) {
		*rule = "allow-network";
		return "the client is in allow_networks";
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < opt->nallow_from_domains; j++)
			if (am_domain_is_within(authors[i].dmarc.author_domain,
				opt->allow_from_domains[j])) {
				*rule = "allow-from-domain";
				return "the From domain is in allow_from_domains";
			}
	return NULL;
}

void
am_policy_decide(const struct am_policy_options *opt, struct am_arena *arena,
    const struct am_policy_client *client, struct am_author *authors,
    size_t n, enum am_from_problem from, struct am_decision *out)
{
	const char *why;
	const char *rule, *reason;
	size_t i;

	out->action = AM_ACTION_ACCEPT;
	out->rule = "no-author-domain";
	out->reason = "no Author Domain to evaluate";
	if (from == AM_FROM_MISSING)
		out->action = opt->on_no_author;
	else if (from == AM_FROM_TOO_MANY) {
		out->action = opt->on_too_many;
		out->rule = "too-many-author-domains";
		out->reason = am_arena_printf(arena, "more than %u Author "
		    "Domains in From", opt->max_authors);
	}
	for (i = 0; i < n; i++) {
		reason = decide_one(opt, arena, &authors[i], &rule);
		/* the strictest wins; among equals, the first */
		if (i == 0 && from != AM_FROM_TOO_MANY) {
			out->action = authors[i].action;
			out->rule = rule;
			out->reason = reason;
		} else if (authors[i].action > out->action) {
			out->action = authors[i].action;
			out->rule = rule;
			out->reason = reason;
		}
	}
	if (n > 1 && opt->multiple_from != AM_MULTI_FROM_EVALUATE) {
		enum am_action a = opt->multiple_from == AM_MULTI_FROM_REJECT ?
		    AM_ACTION_REJECT : AM_ACTION_QUARANTINE;

		if (a > out->action) {
			out->action = a;
			out->rule = "multiple-author-domains";
			out->reason = am_arena_printf(arena, "%zu Author "
			    "Domains in From", n);
		}
	}
	if (out->action != AM_ACTION_ACCEPT &&
	    (why = exemption(opt, client, authors, n, &rule)) != NULL) {
		out->reason = am_arena_printf(arena, "would %s (%s), but %s",
		    am_action_name(out->action), out->reason, why);
		out->action = AM_ACTION_ACCEPT;
		out->rule = rule;
	} else if (out->action != AM_ACTION_ACCEPT && opt->dry_run) {
		out->reason = am_arena_printf(arena, "dry run: would %s (%s)",
		    am_action_name(out->action), out->reason);
		out->action = AM_ACTION_ACCEPT;
		out->rule = "dry-run";
	}
	/* policy.dmarc records what was applied to each Author Domain. */
	for (i = 0; i < n; i++)
		authors[i].applied = out->action == AM_ACTION_ACCEPT ?
		    AM_DMARC_POLICY_NONE : policy_of(authors[i].action);
}
