/*
 * dmarc.c - DMARC evaluation for one Author Domain, RFC 9989 (see
 * dmarc.h).  Record syntax is dmarc_record.c, the tree walk orgdomain.c.
 *
 * Threads: an evaluation uses only its arguments.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dmarc.h"
#include "domain.h"
#include "orgdomain.h"

enum align { ALIGNED, NOT_ALIGNED, UNKNOWN };

struct eval {
	struct am_dns_session *dns;
	struct am_arena *arena;
	struct am_trace *trace;
	const char *author;
	const char *author_org; /* computed on first need */
	bool author_org_failed;
	const char *why; /* the last lookup failure */
	struct am_dmarc_outcome *out;
};

void
am_dmarc_prefetch(struct am_dns_session *dns, const char *author_domain)
{
	char name[AM_DOMAIN_MAX + 16];

	snprintf(name, sizeof(name), "_dmarc.%s", author_domain);
	am_dns_session_prefetch(dns, name, AM_DNS_TXT);
}

/* The Organizational Domain of name (a full walk from name), or NULL
 * when a lookup failed (ev->why set). */
static const char *
org_domain(struct eval *ev, const char *name)
{
	struct am_walk walk;

	am_orgdomain_walk(ev->dns, ev->arena, name, true, ev->trace, &walk);
	if (walk.tempfail) {
		ev->why = walk.why;
		return NULL;
	}
	return am_orgdomain_select(&walk);
}

/* Labels the two names share at their right end. */
static size_t
common_labels(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = 0;

	while (la > 0 && lb > 0) {
		size_t i = la, j = lb;

		while (i > 0 && a[i - 1] != '.')
			i--;
		while (j > 0 && b[j - 1] != '.')
			j--;
		if (la - i != lb - j || strncasecmp(a + i, b + j, la - i) != 0)
			break;
		n++;
		la = i > 0 ? i - 1 : 0;
		lb = j > 0 ? j - 1 : 0;
	}
	return n;
}

/*
 * RFC 9989 3.2.10, 4.10.2: identical (strict), or one Organizational
 * Domain (relaxed).
 *
 * Which lookups may make the answer UNKNOWN (and the result temperror,
 * 5.3.6) matters: an attacker controls the DNS of his own identifiers.
 * The Author Domain's Organizational Domain comes from the Author
 * Domain's own tree and the public suffixes above it.  An identifier's
 * Organizational Domain is the identifier or one of its parents (4.10.2
 * selects it among the names walked), so it can only equal the Author's
 * when the identifier lies within the Author's Organizational Domain.
 * Outside it, no answer from the identifier's tree can make it align, so
 * that tree is not asked at all.  Only a lookup that could change the
 * outcome (the Author's tree, a public suffix, or a name inside the
 * Author's Organizational Domain) can leave alignment undetermined.
 */
static enum align
aligned(struct eval *ev, const char *id, bool strict)
{
	const char *org;

	if (am_domain_equal(id, ev->author))
		return ALIGNED;
	/* Organizational Domains never have fewer than two labels here
	 * (orgdomain.h): one shared label or none cannot align. */
	if (strict || common_labels(id, ev->author) < 2)
		return NOT_ALIGNED;
	if (ev->author_org == NULL && !ev->author_org_failed) {
		ev->author_org = org_domain(ev, ev->author);
		ev->author_org_failed = ev->author_org == NULL;
		ev->out->org_domain = ev->author_org;
	}
	if (ev->author_org == NULL)
		return UNKNOWN;
	if (!am_domain_is_within(id, ev->author_org))
		return NOT_ALIGNED;
	if ((org = org_domain(ev, id)) == NULL)
		return UNKNOWN;
	return am_domain_equal(org, ev->author_org) ? ALIGNED : NOT_ALIGNED;
}

/* " (Organizational Domain x)" when relaxed alignment compared them. */
static const char *
org_note(const struct eval *ev, bool strict)
{
	if (strict || ev->author_org == NULL ||
	    am_domain_equal(ev->author_org, ev->author))
		return "";
	return am_arena_printf(ev->arena, " (Organizational Domain %s)",
	    ev->author_org);
}

static const char *
dkim_verb(enum am_result r)
{
	switch (r) {
	case AM_RESULT_FAIL:
		return "failed";
	case AM_RESULT_POLICY:
		return "is not acceptable";
	default:
		return am_result_name(r);
	}
}

/* SPF's part of the explanation, and its alignment. */
static enum align
check_spf(struct eval *ev, const struct am_spf_outcome *spf, bool strict,
    struct am_buf *why)
{
	enum align a;

	if (spf == NULL) {
		am_buf_adds(why, "SPF was not evaluated");
		return NOT_ALIGNED;
	}
	if (spf->result != AM_RESULT_PASS) {
		am_buf_printf(why, "SPF %s for %s", am_result_name(spf->result),
		    spf->domain[0] != '\0' ? spf->domain : "(no domain)");
		return NOT_ALIGNED;
	}
	a = aligned(ev, spf->domain, strict);
	if (a == ALIGNED)
		am_buf_printf(why, "SPF pass for %s is aligned with header.from "
		    "%s", spf->domain, ev->author);
	else if (a == NOT_ALIGNED)
		am_buf_printf(why, "SPF pass for %s is not aligned with "
		    "header.from %s%s", spf->domain, ev->author,
		    strict ? " (aspf=s)" : org_note(ev, strict));
	else
		am_buf_printf(why, "alignment of SPF pass for %s could not be "
		    "determined: %s", spf->domain, ev->why);
	return a;
}

/* Each signature's part of the explanation; the best alignment. */
static enum align
check_dkim(struct eval *ev, const struct am_dkim_result *dkim, bool strict,
    struct am_buf *why, const char **by)
{
	enum align best = NOT_ALIGNED, a;
	size_t i;

	if (dkim == NULL || dkim->count == 0) {
		am_buf_adds(why, "no DKIM signature");
		return NOT_ALIGNED;
	}
	for (i = 0; i < dkim->count; i++) {
		const struct am_dkim_sig *s = &dkim->sigs[i];
		const char *d = s->domain != NULL ? s->domain : "(none)";

		if (i > 0)
			am_buf_adds(why, "; ");
		if (s->result != AM_RESULT_PASS || s->domain == NULL) {
			am_buf_printf(why, "DKIM d=%s %s: %s", d,
			    dkim_verb(s->result), s->reason);
			continue;
		}
		a = aligned(ev, s->domain, strict);
		if (a == ALIGNED) {
			am_buf_printf(why, "DKIM d=%s passed and is aligned",
			    d);
			if (best != ALIGNED)
				*by = am_arena_printf(ev->arena, "DKIM d=%s",
				    d);
			best = ALIGNED;
		} else if (a == NOT_ALIGNED)
			am_buf_printf(why, "DKIM d=%s passed but is not aligned "
			    "with header.from %s%s", d, ev->author,
			    strict ? " (adkim=s)" : org_note(ev, strict));
		else {
			am_buf_printf(why, "alignment of DKIM d=%s could not be "
			    "determined: %s", d, ev->why);
			if (best == NOT_ALIGNED)
				best = UNKNOWN;
		}
	}
	return best;
}

/* 4.10.1: the record that applies, or a result without one. */
static bool
discover(struct eval *ev)
{
	struct am_dmarc_outcome *out = ev->out;
	const struct am_walk_found *psd;
	struct am_walk walk;
	const char *org;
	size_t i;
	int r;

	r = am_orgdomain_lookup(ev->dns, ev->arena, ev->author, ev->trace,
	    &out->record, &ev->why);
	if (r < 0) {
		out->result = AM_RESULT_TEMPERROR;
		out->reason = ev->why;
		return false;
	}
	if (r > 0) {
		out->policy_domain = ev->author;
		return true;
	}
	/* No record for the Author Domain: walk from its parent. */
	am_orgdomain_walk(ev->dns, ev->arena, ev->author, false, ev->trace,
	    &walk);
	if (walk.tempfail) {
		out->result = AM_RESULT_TEMPERROR;
		out->reason = walk.why;
		return false;
	}
	if (walk.nfound == 0) {
		out->result = AM_RESULT_NONE;
		out->reason = am_arena_printf(ev->arena, "no DMARC record for "
		    "%s or any parent domain", ev->author);
		return false;
	}
	/* The same walk, seen from the Author Domain, names its
	 * Organizational Domain (the Author Domain itself had no record). */
	walk.start = ev->author;
	org = am_orgdomain_select(&walk);
	ev->author_org = out->org_domain = org;
	for (i = 0; i < walk.nfound; i++)
		if (am_domain_equal(walk.found[i].domain, org)) {
			out->policy_domain = walk.found[i].domain;
			out->record = walk.found[i].rec;
			return true;
		}
	/* Otherwise the Organizational Domain lies below a PSD whose record
	 * the walk found (rule 2 of 4.10.2 is the only other way). */
	if ((psd = am_orgdomain_psd(&walk)) == NULL) {
		out->result = AM_RESULT_NONE;
		out->reason = am_arena_printf(ev->arena, "no DMARC record "
		    "applies to %s", ev->author);
		return false;
	}
	out->policy_domain = psd->domain;
	out->record = psd->rec;
	return true;
}

/* 1 when the Author Domain exists, 0 when NXDOMAIN, -1 on failure. */
static int
author_exists(struct eval *ev)
{
	const struct am_dns_answer *a;

	/* Any type answers the question (RFC 9989 A.4); TXT is the one SPF
	 * most likely asked already for the same name. */
	a = am_dns_session_lookup(ev->dns, ev->author, AM_DNS_TXT);
	if (a->status == AM_DNS_TEMPFAIL) {
		ev->why = am_arena_printf(ev->arena, "no DNS answer for %s, "
		    "whose existence chooses between sp= and np= (%s)",
		    ev->author, a->why != NULL ? a->why : "failure");
		return -1;
	}
	return a->status != AM_DNS_NXDOMAIN;
}

/* 4.10.1: a record without a valid p= (or with an invalid sp= or np=)
 * acts as p=none when it has a valid rua=, else applies no DMARC at all;
 * false with a result in that case. */
static bool
usable_record(struct eval *ev)
{
	struct am_dmarc_outcome *out = ev->out;
	struct am_dmarc_record *rec = &out->record;

	if (rec->p_valid && (!rec->sp_present || rec->sp_valid) &&
	    (!rec->np_present || rec->np_valid))
		return true;
	if (!rec->rua_valid) {
		out->result = AM_RESULT_PERMERROR;
		out->reason = am_arena_printf(ev->arena, "the DMARC record of "
		    "%s has no valid p= (or an invalid sp= or np=) and no "
		    "rua=: not applied", out->policy_domain);
		return false;
	}
	rec->p = AM_DMARC_POLICY_NONE;
	rec->sp_present = rec->np_present = false;
	return true;
}

/* p, or sp for a subdomain (4.7, 4.10.1); np is settled after alignment
 * by np_policy(), because only a failure needs it. */
static void
choose_policy(struct eval *ev)
{
	struct am_dmarc_outcome *out = ev->out;
	const struct am_dmarc_record *rec = &out->record;

	out->policy_tag = "p";
	out->published = rec->p;
	if (am_domain_equal(out->policy_domain, ev->author))
		return;
	if (rec->sp_present) {
		out->policy_tag = "sp";
		out->published = rec->sp;
	}
}

/*
 * np= for a Non-Existent Author Domain (4.10.1, 3.2.13), when it differs
 * from what applies otherwise.  Existence is asked of the Author Domain's
 * own DNS.  A failure to answer changes the outcome only when DMARC
 * failed (a pass is a pass under any policy): then it is temperror.
 */
static void
np_policy(struct eval *ev)
{
	struct am_dmarc_outcome *out = ev->out;
	const struct am_dmarc_record *rec = &out->record;
	int exists;

	if (!rec->np_present || rec->np == out->published ||
	    am_domain_equal(out->policy_domain, ev->author))
		return;
	if ((exists = author_exists(ev)) < 0) {
		if (out->result == AM_RESULT_FAIL) {
			out->result = AM_RESULT_TEMPERROR;
			out->reason = am_arena_printf(ev->arena, "%s; %s",
			    out->reason, ev->why);
		}
		return;
	}
	if (exists == 0) {
		out->policy_tag = "np";
		out->published = rec->np;
	}
}

static enum am_dmarc_policy
one_level_lower(enum am_dmarc_policy p)
{
	return p == AM_DMARC_POLICY_REJECT ? AM_DMARC_POLICY_QUARANTINE :
					     AM_DMARC_POLICY_NONE;
}

/* What the Domain Owner asks for after t=y, and the A-R comment. */
static void
requested(struct eval *ev)
{
	struct am_dmarc_outcome *out = ev->out;

	out->requested = out->record.testing && out->published !=
	    AM_DMARC_POLICY_NONE ? one_level_lower(out->published) :
	    out->published;
	out->comment = am_arena_printf(ev->arena, "%s=%s%s", out->policy_tag,
	    am_dmarc_policy_name(out->published), out->record.testing ?
	    " t=y" : "");
}

/*
 * A From domain that is no valid DNS name, whose policy cannot be known:
 * no suffix of two labels or more is valid, or the Organizational Domain
 * would be one of the labels a reader sees but DNS cannot hold.  A DMARC
 * failure under the strictest policy there is, p=reject; because says
 * why, after the name.
 */
static void
strictest(struct eval *ev, const struct am_dmarc_input *in,
    const char *because)
{
	struct am_dmarc_outcome *out = ev->out;

	out->result = AM_RESULT_FAIL;
	out->published = out->requested = AM_DMARC_POLICY_REJECT;
	out->comment = "p=reject (assumed: no valid domain)";
	out->reason = am_arena_printf(ev->arena, "the From domain %s is no "
	    "valid DNS name (%s) and %s: a DMARC failure under the strictest "
	    "policy, p=reject", in->shown, in->invalid_why, because);
}

/*
 * 4.10.1 for a name that cannot exist below in->author_domain: the tree
 * walk starts at that suffix (at most 7 labels of it, as step 4 would
 * shorten the whole name), and the record of its Organizational Domain,
 * else of its PSD, applies.
 */
static bool
discover_below(struct eval *ev, const struct am_dmarc_input *in)
{
	struct am_dmarc_outcome *out = ev->out;
	const struct am_walk_found *f;
	const char *start = in->author_domain, *org;
	size_t x = am_domain_labels(start, strlen(start)), skipped = 0, i;
	struct am_walk walk;

	for (; x > 7; x--, skipped++)
		start = strchr(start, '.') + 1;
	am_orgdomain_walk(ev->dns, ev->arena, start, true, ev->trace, &walk);
	if (walk.tempfail) {
		out->result = AM_RESULT_TEMPERROR;
		out->reason = walk.why;
		return false;
	}
	walk.hidden = in->hidden + (unsigned)skipped;
	out->org_domain = org = am_orgdomain_select(&walk);
	for (i = 0, f = NULL; org != NULL && i < walk.nfound; i++)
		if (am_domain_equal(walk.found[i].domain, org))
			f = &walk.found[i];
	/* Without an Organizational Domain's record at or above the valid
	 * suffix, the Organizational Domain may be a label that is no valid
	 * name ("bank<U+0001>.co.uk"): neither "no record" nor the PSD's np=
	 * speaks for the domain a reader sees. */
	if (f == NULL) {
		strictest(ev, in, am_arena_printf(ev->arena, "no "
		    "Organizational Domain's record applies at or above %s",
		    in->author_domain));
		return false;
	}
	out->policy_domain = f->domain;
	out->record = f->rec;
	return true;
}

/*
 * A From domain that is no valid DNS name (dmarc.h): no identifier can be
 * aligned with a name that cannot exist, so a record that applies makes
 * it a failure; np= applies (3.2.13: it does not exist), else sp=, else
 * p=.
 */
static void
check_invalid(struct eval *ev, const struct am_dmarc_input *in)
{
	struct am_dmarc_outcome *out = ev->out;
	const struct am_dmarc_record *rec = &out->record;

	out->author_domain = in->shown;
	out->invalid_domain = true;
	am_trace_add(ev->trace, "dmarc", 0, "header.from %s is no valid DNS "
	    "name (%s)", in->shown, in->invalid_why);
	if (in->author_domain == NULL ||
	    am_domain_labels(in->author_domain, strlen(in->author_domain)) < 2) {
		strictest(ev, in, "has no valid parent below the top level");
		return;
	}
	if (!discover_below(ev, in) || !usable_record(ev))
		return;
	out->have_record = true;
	out->policy_tag = rec->np_present ? "np" : rec->sp_present ? "sp" : "p";
	out->published = rec->np_present ? rec->np : rec->sp_present ? rec->sp :
								       rec->p;
	requested(ev);
	out->result = AM_RESULT_FAIL;
	out->reason = am_arena_printf(ev->arena, "the From domain %s is no "
	    "valid DNS name (%s): evaluated as a name that cannot exist below "
	    "%s, which no identifier aligns with", in->shown, in->invalid_why,
	    in->author_domain);
}

void
am_dmarc_check(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, const struct am_dmarc_input *in,
    struct am_trace *trace, struct am_dmarc_outcome *out)
{
	struct eval ev = {dns, arena, trace, in->author_domain, NULL, false,
	    NULL, out};
	enum align spf, dkim;
	struct am_buf why;

	(void)ctx;
	memset(out, 0, sizeof(*out));
	out->author_domain = in->author_domain;
	if (in->shown != NULL) {
		check_invalid(&ev, in);
		am_trace_add(trace, "dmarc", 0, "result %s: %s",
		    am_result_name(out->result), out->reason);
		return;
	}
	am_trace_add(trace, "dmarc", 0, "policy discovery for header.from %s",
	    in->author_domain);
	if (!discover(&ev) || !usable_record(&ev)) {
		am_trace_add(trace, "dmarc", 0, "result %s: %s",
		    am_result_name(out->result), out->reason);
		return;
	}
	out->have_record = true;
	choose_policy(&ev);
	am_buf_init(&why, 4096);
	spf = check_spf(&ev, in->spf, out->record.aspf_strict, &why);
	am_buf_adds(&why, "; ");
	dkim = check_dkim(&ev, in->dkim, out->record.adkim_strict, &why,
	    &out->aligned_by);
	out->spf_aligned = spf == ALIGNED;
	out->dkim_aligned = dkim == ALIGNED;
	if (out->spf_aligned && out->aligned_by == NULL)
		out->aligned_by = am_arena_printf(arena, "SPF %s",
		    in->spf->domain);
	if (spf == ALIGNED || dkim == ALIGNED)
		out->result = AM_RESULT_PASS;
	else if (spf == UNKNOWN || dkim == UNKNOWN)
		out->result = AM_RESULT_TEMPERROR;
	else
		out->result = AM_RESULT_FAIL;
	out->reason = am_arena_strdup(arena, am_buf_str(&why));
	am_buf_release(&why);
	np_policy(&ev);
	requested(&ev);
	am_trace_add(trace, "dmarc", 0, "record of %s applies (%s); result "
	    "%s: %s", out->policy_domain, out->comment,
	    am_result_name(out->result), out->reason);
}
