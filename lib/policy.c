/*
 * policy.c - local policy: from results to an action (see policy.h).
 */
#include "autoconfig.h"

#include <string.h>
#include <strings.h>

#include "domain.h"
#include "policy.h"

/* The fields RFC 5322 3.6 allows once; config.c's default for
 * policy.single_headers names the same (unit_config checks it). */
static char *const once_only[] = {"Date", "From", "Sender", "Reply-To",
    "To", "Cc", "Bcc", "Message-ID", "In-Reply-To", "References", "Subject"};

void
am_policy_defaults(struct am_policy_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->mode = AM_MODE_REJECT;
	opt->on_temperror = AM_ACTION_ACCEPT;
	opt->on_no_author = AM_ACTION_ACCEPT;
	opt->on_too_many = AM_ACTION_QUARANTINE;
	opt->max_authors = 5;
	opt->multiple_from = AM_MULTI_FROM_EVALUATE;
	opt->trust_authenticated = true;
	opt->single_headers = once_only;
	opt->nsingle_headers = sizeof(once_only) / sizeof(once_only[0]);
	/* RFC 6376 8.15: a second From added to a signed message leaves the
	 * signature valid while a reader may show the added field. */
	opt->on_header_problem = AM_ACTION_QUARANTINE;
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

static bool
in_networks(const struct am_ip *ip, const struct am_cidr *nets, size_t n)
{
	size_t i;

	for (i = 0; ip != NULL && i < n; i++)
		if (am_cidr_contains(&nets[i], ip))
			return true;
	return false;
}

/* The mode of the most specific per-domain entry, else the global one. */
static enum am_dmarc_mode
mode_for(const struct am_policy_options *opt, const char *domain)
{
	size_t i, best = 0, len;
	enum am_dmarc_mode mode = opt->mode;

	for (i = 0; i < opt->ndomain_modes; i++)
		if (am_domain_is_within(domain, opt->domain_modes[i].domain) &&
		    (len = strlen(opt->domain_modes[i].domain)) > best) {
			best = len;
			mode = opt->domain_modes[i].mode;
		}
	return mode;
}

/* A sign of legitimate indirect flow, as a note, or NULL. */
static const char *
indirect_sign(const struct am_policy_options *opt, struct am_arena *arena,
    const struct am_policy_input *in, const char **tag)
{
	char net[AM_IP_STRLEN];
	size_t i;

	if (in->list_header != NULL) {
		*tag = "list";
		return am_arena_printf(arena, "list mail: %s", in->list_header);
	}
	for (i = 0; i < opt->nforwarders; i++) {
		const struct am_forwarder *f = &opt->forwarders[i];

		if (f->is_network && in->ip != NULL &&
		    am_cidr_contains(&f->network, in->ip)) {
			am_ip_format(&f->network.net, net);
			*tag = "forwarder";
			return am_arena_printf(arena, "forwarder %s/%u", net,
			    f->network.bits);
		}
		if (!f->is_network && in->confirmed_name != NULL &&
		    am_domain_is_within(in->confirmed_name, f->name)) {
			*tag = "forwarder";
			return am_arena_printf(arena, "forwarder %s",
			    in->confirmed_name);
		}
	}
	/* SRS (Sender Rewriting Scheme) local parts "SRS0=" and "SRS1=". */
	if (in->mail_from != NULL && (strncasecmp(in->mail_from, "SRS0=", 5) ==
					     0 ||
					 strncasecmp(in->mail_from, "SRS1=", 5) ==
					     0)) {
		*tag = "srs";
		return "SRS envelope sender";
	}
	return NULL;
}

/* The running verdict: the strictest action so far, and why. */
struct acc {
	enum am_action action;
	const char *domain, *rule, *reason, *tag;
	bool set;
};

/* domain: the Author Domain the rule is about, or NULL when the rule is
 * about the whole message. */
static void
consider(struct acc *acc, enum am_action action, const char *domain,
    const char *rule, const char *reason, const char *tag)
{
	if (!acc->set || action > acc->action) {
		acc->action = action;
		acc->domain = domain;
		acc->rule = rule;
		acc->reason = reason;
		acc->tag = tag;
		acc->set = true;
	}
}

/* A DMARC failure under p=reject, by mode and indirect flow. */
static void
dmarc_reject(const struct am_policy_options *opt, struct am_arena *arena,
    const struct am_policy_input *in, struct am_author *a, struct acc *acc)
{
	const struct am_dmarc_outcome *d = &a->dmarc;
	const char *sign, *tag = NULL;

	if (mode_for(opt, d->author_domain) == AM_MODE_QUARANTINE) {
		a->action = AM_ACTION_QUARANTINE;
		a->note = "mode quarantine";
		a->tag = "mode";
		consider(acc, a->action, d->author_domain,
		    "dmarc-mode-quarantine",
		    am_arena_printf(arena, "DMARC fail for %s under %s: "
			"quarantined, as RFC 9989 7.4 treats p=reject",
			d->author_domain, d->comment), "mode");
	} else if ((sign = indirect_sign(opt, arena, in, &tag)) != NULL) {
		a->action = AM_ACTION_QUARANTINE;
		a->note = sign;
		a->tag = tag;
		consider(acc, a->action, d->author_domain,
		    "indirect-flow",
		    am_arena_printf(arena, "DMARC fail for %s under %s: "
			"quarantined, not rejected (%s)", d->author_domain,
			d->comment, sign), tag);
	} else {
		a->action = AM_ACTION_REJECT;
		consider(acc, a->action, d->author_domain,
		    "dmarc-reject",
		    am_arena_printf(arena, "DMARC fail for %s under %s, no "
			"sign of indirect flow", d->author_domain, d->comment),
		    "dmarc");
	}
}

/* RFC 8617 7.2.1: a passing chain whose newest seal is by a trusted
 * sealer, reporting a pass for this domain, outweighs the failure. */
static void
arc_vouched(struct am_arena *arena, struct am_author *a, struct acc *acc)
{
	const struct am_dmarc_outcome *d = &a->dmarc;
	const char *tag = am_arena_printf(arena, "arc (sealer %s)",
	    a->arc_sealer);

	a->action = AM_ACTION_ACCEPT;
	a->note = am_arena_printf(arena, "reason=%s", tag);
	a->tag = "arc"; /* RFC 9990 3.1.6: trusted_forwarder */
	consider(acc, a->action, d->author_domain, "arc-trusted-sealer",
	    am_arena_printf(arena, "DMARC fail for %s under %s: accepted, its "
		"ARC chain sealed by %s (a trusted sealer) reports a pass",
		d->author_domain, d->comment, a->arc_sealer), tag);
}

static void
dmarc_one(const struct am_policy_options *opt, struct am_arena *arena,
    const struct am_policy_input *in, struct am_author *a, struct acc *acc)
{
	const struct am_dmarc_outcome *d = &a->dmarc;

	a->action = AM_ACTION_ACCEPT;
	switch (d->result) {
	case AM_RESULT_FAIL:
		if (d->requested == AM_DMARC_POLICY_NONE) {
			consider(acc, a->action, d->author_domain,
			    "dmarc-policy-none",
			    am_arena_printf(arena, "DMARC fail for %s under %s",
				d->author_domain, d->comment), "dmarc");
		} else if (a->arc_sealer != NULL) {
			arc_vouched(arena, a, acc);
		} else if (mode_for(opt, d->author_domain) == AM_MODE_NONE) {
			a->note = "mode none";
			a->tag = "mode";
			consider(acc, a->action, d->author_domain,
			    "dmarc-mode-none",
			    am_arena_printf(arena, "DMARC fail for %s under "
				"%s: recorded only (mode none)",
				d->author_domain, d->comment), "mode");
		} else if (d->requested == AM_DMARC_POLICY_QUARANTINE) {
			a->action = AM_ACTION_QUARANTINE;
			consider(acc, a->action, d->author_domain,
			    "dmarc-quarantine",
			    am_arena_printf(arena, "DMARC fail for %s under %s",
				d->author_domain, d->comment), "dmarc");
		} else
			dmarc_reject(opt, arena, in, a, acc);
		return;
	case AM_RESULT_TEMPERROR:
		a->action = opt->on_temperror;
		consider(acc, a->action, d->author_domain,
		    "dmarc-temperror",
		    am_arena_printf(arena, "DMARC temperror for %s: %s",
			d->author_domain, d->reason), "temperror");
		return;
	case AM_RESULT_PASS:
		consider(acc, a->action, d->author_domain,
		    "dmarc-pass",
		    am_arena_printf(arena, "DMARC pass for %s (%s)",
			d->author_domain, d->aligned_by != NULL ?
			d->aligned_by : "aligned"), "dmarc");
		return;
	default:
		consider(acc, a->action, d->author_domain,
		    d->result == AM_RESULT_NONE ?
		    "dmarc-none" : "dmarc-permerror",
		    am_arena_printf(arena, "DMARC %s for %s",
			am_result_name(d->result), d->author_domain), "dmarc");
		return;
	}
}

/* Pinned From domains must come from their networks. */
static void
pinning(const struct am_policy_options *opt, struct am_arena *arena,
    const struct am_policy_input *in, const struct am_author *authors,
    size_t n, struct acc *acc)
{
	char ip[AM_IP_STRLEN] = "an unknown address";
	size_t i, j;

	if (in->ip != NULL)
		am_ip_format(in->ip, ip);
	for (i = 0; i < n; i++)
		for (j = 0; j < opt->npins; j++) {
			const struct am_pin *p = &opt->pins[j];

			if (!am_domain_is_within(authors[i].dmarc.author_domain,
				p->domain) ||
			    in_networks(in->ip, p->networks, p->nnetworks))
				continue;
			consider(acc, p->action,
			    authors[i].dmarc.author_domain, "pinned-sender",
			    am_arena_printf(arena, "From %s is pinned to its "
				"networks and %s is not in them",
				authors[i].dmarc.author_domain, ip), "pinned");
		}
}

/* The From field's trouble, and several Author Domains. */
static void
from_rules(const struct am_policy_options *opt, struct am_arena *arena,
    enum am_from_problem from, size_t n, struct acc *acc)
{
	if (from == AM_FROM_MISSING)
		consider(acc, opt->on_no_author, NULL, "no-author-domain",
		    "no Author Domain to evaluate", "from");
	else if (from == AM_FROM_TOO_MANY)
		consider(acc, opt->on_too_many, NULL,
		    "too-many-author-domains",
		    am_arena_printf(arena, "Author Domains left unevaluated "
			"(more than %u, or a From field too large to read)",
			opt->max_authors), "from");
	if (n > 1 && opt->multiple_from != AM_MULTI_FROM_EVALUATE)
		consider(acc, opt->multiple_from == AM_MULTI_FROM_REJECT ?
		    AM_ACTION_REJECT : AM_ACTION_QUARANTINE, NULL,
		    "multiple-author-domains",
		    am_arena_printf(arena, "%zu Author Domains in From", n),
		    "from");
}

/* Every Author Domain is listed in allow_from_domains (or below a listed
 * one).  RFC 9989 11.5: with several Author Domains the strictest outcome
 * applies, so one listed domain cannot speak for the others; nor can any
 * when some Author Domains were not evaluated at all. */
static bool
all_authors_allowed(const struct am_policy_options *opt,
    const struct am_author *authors, size_t n, enum am_from_problem from)
{
	size_t i, j;

	if (n == 0 || from == AM_FROM_TOO_MANY)
		return false;
	for (i = 0; i < n; i++) {
		for (j = 0; j < opt->nallow_from_domains; j++)
			if (!authors[i].dmarc.invalid_domain &&
			    am_domain_is_within(authors[i].dmarc.author_domain,
				opt->allow_from_domains[j]))
				break;
		if (j == opt->nallow_from_domains)
			return false;
	}
	return true;
}

/* The exemption that applies, or NULL. */
static const char *
exemption(const struct am_policy_options *opt,
    const struct am_policy_input *in, const struct am_author *authors,
    size_t n, enum am_from_problem from, const char **rule)
{
	if (in_networks(in->ip, opt->trusted_networks,
		opt->ntrusted_networks)) {
		*rule = "trusted-network";
		return "the client is in trusted_networks";
	}
	if (opt->trust_authenticated && in->auth_user != NULL) {
		*rule = "authenticated";
		return "the client is authenticated";
	}
	if (in_networks(in->ip, opt->allow_networks, opt->nallow_networks)) {
		*rule = "allow-network";
		return "the client is in allow_networks";
	}
	if (all_authors_allowed(opt, authors, n, from)) {
		*rule = "allow-from-domain";
		return n == 1 ? "the From domain is in allow_from_domains" :
				"every From domain is in allow_from_domains";
	}
	return NULL;
}

/* Exemptions and the dry run turn a harsh action into accept. */
static void
soften(const struct am_policy_options *opt, struct am_arena *arena,
    const struct am_policy_input *in, const struct am_author *authors,
    size_t n, enum am_from_problem from, struct am_decision *out)
{
	const char *why, *rule;

	if (out->action == AM_ACTION_ACCEPT)
		return;
	if ((why = exemption(opt, in, authors, n, from, &rule)) != NULL) {
		out->reason = am_arena_printf(arena, "would %s (%s), but %s",
		    am_action_name(out->action), out->reason, why);
		out->rule = out->tag = rule;
	} else if (opt->dry_run) {
		out->reason = am_arena_printf(arena, "dry run: would %s (%s)",
		    am_action_name(out->action), out->reason);
		out->rule = out->tag = "dry-run";
	} else
		return;
	out->action = AM_ACTION_ACCEPT;
}

void
am_policy_decide(const struct am_policy_options *opt, struct am_arena *arena,
    const struct am_policy_input *in, struct am_author *authors, size_t n,
    enum am_from_problem from, struct am_decision *out)
{
	struct acc acc;
	size_t i;

	memset(&acc, 0, sizeof(acc));
	for (i = 0; i < n; i++)
		dmarc_one(opt, arena, in, &authors[i], &acc);
	pinning(opt, arena, in, authors, n, &acc);
	if (in->header_problem != NULL)
		consider(&acc, opt->on_header_problem, NULL, "header-rule",
		    in->header_problem, "header");
	from_rules(opt, arena, from, n, &acc);
	if (!acc.set)
		consider(&acc, AM_ACTION_ACCEPT, NULL, "no-author-domain",
		    "no Author Domain to evaluate", "from");
	out->action = acc.action;
	/* A rule about the whole message names the first Author Domain. */
	out->domain = acc.domain != NULL ? acc.domain : n > 0 ?
	    authors[0].dmarc.author_domain : NULL;
	out->rule = acc.rule;
	out->reason = acc.reason;
	out->tag = acc.tag;
	out->wanted = acc.action;
	/* what the rules would have done before indirect flow softened a
	 * DMARC reject */
	for (i = 0; i < n; i++) {
		if (authors[i].dmarc.result == AM_RESULT_FAIL &&
		    authors[i].dmarc.requested == AM_DMARC_POLICY_REJECT &&
		    authors[i].note != NULL)
			out->wanted = AM_ACTION_REJECT;
		/* a trusted sealer also avoids p=quarantine */
		if (authors[i].arc_sealer != NULL &&
		    authors[i].dmarc.requested == AM_DMARC_POLICY_QUARANTINE &&
		    out->wanted < AM_ACTION_QUARANTINE)
			out->wanted = AM_ACTION_QUARANTINE;
	}
	soften(opt, arena, in, authors, n, from, out);
	/* policy.dmarc records what was applied to each Author Domain. */
	for (i = 0; i < n; i++)
		authors[i].applied = out->action == AM_ACTION_ACCEPT ?
		    AM_DMARC_POLICY_NONE : policy_of(authors[i].action);
}
