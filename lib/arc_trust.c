/*
 * arc_trust.c - whether a trusted ARC sealer vouches for a From domain
 * whose DMARC evaluation failed (RFC 8617 7.2.1, RFC 9989 local policy).
 *
 * It does when the chain passed (5.2), the newest seal's d= is one of
 * arc.trusted_sealers (exactly), the newest ARC-Message-Signature signs
 * every From field, and that seal's own ARC-Authentication-Results
 * reports, in a result whose properties were all read, for the Author
 * Domain: dmarc=pass with header.from the Author Domain, or dkim=pass
 * with a header.d (else header.i's domain) aligned with it, or spf=pass
 * with an smtp.mailfrom (else smtp.helo) aligned with it, under the
 * Author Domain's adkim/aspf (RFC 9989 4.4: equal when strict, one
 * Organizational Domain when relaxed; as in dmarc.c, no lookup in the
 * tree of an identifier outside the Author Domain's Organizational
 * Domain).  The sealer's word is taken only about what it says it saw;
 * nothing else of the AAR is used.  A From domain that is no valid DNS
 * name is never vouched for.
 *
 * Threads: no state; lookups through the message's session.
 */
#include "autoconfig.h"

#include <string.h>

#include "arc_internal.h"
#include "arc_trust.h"
#include "domain.h"
#include "orgdomain.h"

static bool
trusted(const struct am_policy_options *opt, const char *sealer)
{
	size_t i;

	for (i = 0; i < opt->ntrusted_sealers; i++)
		if (am_domain_equal(sealer, opt->trusted_sealers[i]))
			return true;
	return false;
}

/* The domain of "user@domain", "@domain" or "domain". */
static const char *
domain_of(const char *id)
{
	const char *at = id != NULL ? strrchr(id, '@') : NULL;

	return at != NULL ? at + 1 : id;
}

/* The Organizational Domain of name, or NULL when a lookup failed. */
static const char *
org(struct am_dns_session *dns, struct am_arena *arena, const char *name,
    struct am_trace *trace)
{
	struct am_walk walk;

	am_orgdomain_walk(dns, arena, name, true, trace, &walk);
	return walk.tempfail ? NULL : am_orgdomain_select(&walk);
}

static bool
aligned(struct am_dns_session *dns, struct am_arena *arena,
    const struct am_dmarc_outcome *d, const char *id, bool strict,
    struct am_trace *trace)
{
	const char *a, *b;

	if (id == NULL || !am_domain_valid(id, strlen(id)))
		return false;
	if (am_domain_equal(id, d->author_domain))
		return true;
	if (strict)
		return false;
	a = d->org_domain != NULL ? d->org_domain :
				    org(dns, arena, d->author_domain, trace);
	/* As dmarc.c aligns (RFC 9989 4.10.2): an identifier outside the
	 * Author Domain's Organizational Domain cannot share it, so its own
	 * tree is not asked. */
	if (a == NULL || !am_domain_is_within(id, a))
		return false;
	b = org(dns, arena, id, trace);
	return b != NULL && am_domain_equal(a, b);
}

#define ALIGN_CHECKS_MAX 8 /* dkim/spf results tried (each a tree walk) */

/* "<label><id>" when id is given and aligned with the Author Domain,
 * else NULL; at most ALIGN_CHECKS_MAX checks by *tried. */
static const char *
aligned_pass(struct am_dns_session *dns, struct am_arena *arena,
    const struct am_dmarc_outcome *d, const char *label, const char *id,
    bool strict, size_t *tried, struct am_trace *trace)
{
	if (id == NULL || (*tried)++ >= ALIGN_CHECKS_MAX ||
	    !aligned(dns, arena, d, id, strict, trace))
		return NULL;
	return am_arena_printf(arena, "%s%s", label, id);
}

/* What r vouches for the Author Domain, or NULL.  Each method counts
 * only with the identifier DMARC aligns on given (RFC 9989 4.4): a pass
 * said of no domain, or of another, says nothing about this From; nor
 * does a result whose properties were not all read. */
static const char *
vouching(struct am_dns_session *dns, struct am_arena *arena,
    const struct am_aar_result *r, const struct am_dmarc_outcome *d,
    size_t *tried, struct am_trace *trace)
{
	if (r->partial || strcmp(r->result, "pass") != 0)
		return NULL;
	if (strcmp(r->method, "dmarc") == 0) {
		if (r->header_from == NULL ||
		    !am_domain_equal(
			domain_of(r->header_from), d->author_domain))
			return NULL;
		return "dmarc=pass";
	}
	if (strcmp(r->method, "dkim") == 0)
		return aligned_pass(dns, arena, d, "dkim=pass header.d=",
		    r->header_d != NULL ? r->header_d : domain_of(r->header_i),
		    d->record.adkim_strict, tried, trace);
	if (strcmp(r->method, "spf") != 0)
		return NULL;
	/* RFC 7208 2.4: HELO is the identity when MAIL FROM is null */
	if (r->smtp_mailfrom != NULL)
		return aligned_pass(dns, arena, d,
		    "spf=pass smtp.mailfrom=", domain_of(r->smtp_mailfrom),
		    d->record.aspf_strict, tried, trace);
	return aligned_pass(dns, arena, d, "spf=pass smtp.helo=", r->smtp_helo,
	    d->record.aspf_strict, tried, trace);
}

/* What in the AAR vouches for the Author Domain, or NULL. */
static const char *
vouching_result(struct am_dns_session *dns, struct am_arena *arena,
    const struct am_aar *aar, const struct am_dmarc_outcome *d,
    struct am_trace *trace)
{
	const char *what;
	size_t i, tried = 0;

	for (i = 0; i < aar->n; i++)
		if ((what = vouching(dns, arena, &aar->results[i], d, &tried,
			 trace)) != NULL)
			return what;
	return NULL;
}

const char *
am_arc_vouch(struct am_dns_session *dns, struct am_arena *arena,
    const struct am_policy_options *opt, const struct am_arc_result *arc,
    const struct am_dmarc_outcome *d, struct am_trace *trace)
{
	struct am_aar aar;
	const char *what;

	/* A From domain that is no DNS name (dmarc.h) cannot exist: no
	 * sealer can have seen a pass for it. */
	if (arc->result != AM_RESULT_PASS || opt->ntrusted_sealers == 0 ||
	    d->result != AM_RESULT_FAIL || d->invalid_domain)
		return NULL;
	if (!trusted(opt, arc->sealer)) {
		am_trace_add(trace, "arc", 0, "sealer %s is not in "
		    "trusted_sealers", arc->sealer);
		return NULL;
	}
	/* The sealer's word is about the From it saw; one it did not sign
	 * may have been added or swapped since. */
	if (!arc->from_signed) {
		am_trace_add(trace, "arc", 0,
		    "trusted sealer %s: the newest "
		    "ARC-Message-Signature does not sign every From field",
		    arc->sealer);
		return NULL;
	}
	if (!am_aar_parse(arena, arc->aar, strlen(arc->aar), &aar) ||
	    (what = vouching_result(dns, arena, &aar, d, trace)) == NULL) {
		am_trace_add(trace, "arc", 0, "trusted sealer %s reports no "
		    "pass aligned with %s", arc->sealer, d->author_domain);
		return NULL;
	}
	am_trace_add(trace, "arc", 0, "trusted sealer %s reports %s for %s",
	    arc->sealer, what, d->author_domain);
	return arc->sealer;
}
