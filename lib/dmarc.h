/*
 * dmarc.h - DMARC evaluation for one Author Domain, RFC 9989 (May 2026;
 * it obsoletes RFC 7489 and RFC 9091).
 *
 *   discovery    the record of the Author Domain, else of its
 *                Organizational Domain, else of its PSD (4.10.1), by the
 *                DNS Tree Walk of orgdomain.c; p, sp or np by whether the
 *                Author Domain is the record's domain and whether it
 *                exists (RFC 8020 NXDOMAIN); t=y one level lower; pct
 *                is gone
 *   alignment    the SPF MAIL FROM domain (when SPF passed) and the d= of
 *                every passing DKIM signature, strict or relaxed as
 *                aspf/adkim say (4.4, 4.10.2)
 *   result       pass, fail, none (no record), temperror (a lookup that
 *                decides failed), permerror (a record that cannot apply)
 *
 * The outcome explains itself: which identifier aligned, or why each one
 * did not ("SPF pass for bounce.esp.example is not aligned with
 * header.from example.com").  What to do with a failure is local policy
 * (policy.c), not decided here.
 */
#ifndef AM_DMARC_H
#define AM_DMARC_H

#include <stdbool.h>

#include "arena.h"
#include "ctx.h"
#include "dkim.h"
#include "dmarc_record.h"
#include "dns.h"
#include "result.h"
#include "spf.h"
#include "trace.h"

struct am_dmarc_input {
	const char *author_domain;	  /* lower-case A-labels */
	/*
	 * A From domain that is no valid DNS name (idna.h): shown is what it
	 * says, author_domain its longest valid suffix (NULL: none), hidden
	 * the labels left of that, invalid_why what is wrong.  Evaluated as
	 * a name that cannot exist below that suffix (np=, or sp=, or p=
	 * of the record a tree walk from the suffix finds), which nothing
	 * can align with; without a suffix of two labels or more, as a
	 * failure under p=reject, the strictest policy.  shown is NULL for a
	 * valid name.
	 */
	const char *shown;
	unsigned hidden;
	const char *invalid_why;
	const struct am_spf_outcome *spf; /* MAIL FROM identity, or NULL */
	const struct am_dkim_result *dkim; /* or NULL */
};

struct am_dmarc_outcome {
	enum am_result result; /* pass fail none temperror permerror */
	const char *author_domain;
	bool invalid_domain; /* the From domain is no valid DNS name:
				author_domain is then what it says (see
				struct am_dmarc_input) */
	bool have_record;
	struct am_dmarc_record record; /* the record applied */
	const char *policy_domain;     /* where it is published */
	const char *org_domain;	       /* of the Author Domain, when known */
	const char *policy_tag;	       /* "p", "sp" or "np" */
	enum am_dmarc_policy published; /* that tag's value */
	enum am_dmarc_policy requested; /* after t=y: what the Domain Owner
					   asks a receiver to do on failure */
	bool spf_aligned, dkim_aligned;
	const char *aligned_by; /* "SPF example.com", "DKIM d=example.com" */
	const char *reason;	/* the long explanation */
	const char *comment;	/* short, for the A-R comment: "p=reject" */
};

/* Evaluates in->author_domain; strings from arena; trace may be NULL. */
void am_dmarc_check(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, const struct am_dmarc_input *in,
    struct am_trace *trace, struct am_dmarc_outcome *out);

/* Starts the first lookup am_dmarc_check() will make for author_domain. */
void am_dmarc_prefetch(struct am_dns_session *dns, const char *author_domain);

#endif
