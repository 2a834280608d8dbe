/*
 * verdict.h - the end of a message: what its evaluation found (struct
 * am_verdict, what am_msg_finish() returns and every consumer of a
 * verdict reads), and how it is reached: Author Domains from the From
 * field, DMARC for each, local policy, the Authentication-Results header
 * and the log line.
 */
#ifndef AM_VERDICT_H
#define AM_VERDICT_H

#include <stdbool.h>

#include "arc.h"
#include "authors.h"
#include "dkim.h"
#include "iprev.h"
#include "message.h"
#include "policy.h"
#include "spf.h"
#include "trace.h"

/* What a message's evaluation found, and what to do. */
struct am_verdict {
	bool spf_done; /* false: no client address, SPF not evaluated */
	struct am_spf_outcome spf;
	bool dkim_done; /* false: DKIM not configured */
	struct am_dkim_result dkim;
	bool iprev_done;
	struct am_iprev_outcome iprev;
	struct am_arc_result arc;   /* RFC 8617 5.2, always evaluated */
	struct am_arc_seal seal;    /* our set, when sealing is configured */
	struct am_author *authors; /* one per Author Domain evaluated */
	size_t nauthors;
	enum am_from_problem from;
	const char *from_why; /* what was wrong with From, or NULL */
	const char *header_problem; /* "2 Date header fields", or NULL */
	struct am_decision decision;
	const char *label; /* for a verdict header: "reject-avoided; dmarc=fail;
			      reason=list" */
	const char *authres; /* the Authentication-Results value we add */
	const char *summary; /* one escaped line for the log */
	/* Incoming Authentication-Results fields claiming our authserv-id:
	 * their 1-based positions among the message's A-R fields, as
	 * libmilter's header-change call counts them. */
	const unsigned *forged;
	size_t nforged;
	/* Incoming fields named like our verdict header (ctx->verdict_header),
	 * 1-based among the fields of that name: removed too. */
	const unsigned *stale_verdicts;
	size_t nstale_verdicts;
	bool forged_overflow; /* one could not be remembered (no memory) */
	const struct am_trace *trace; /* NULL unless enabled */
	size_t header_bytes, body_bytes;
	bool headers_truncated; /* more header bytes than we keep */
	const char *auth_user;	/* SASL login, or NULL */
	const char *mail_from;	/* envelope sender without <> ("" for the
				   null sender), or NULL: none was given */
	const struct am_header *headers; /* the fields kept, in order */
};

/*
 * Evaluates DMARC for each Author Domain the message's From fields named
 * (authors.h: every domain of every From field, deduplicated, bounded; a
 * malformed field read leniently; a domain that is no DNS name as its
 * valid suffix) with the verdict's SPF and DKIM results, and decides by
 * local policy (in holds what policy needs of the client and of the
 * header fields).  Fills v->authors, v->nauthors, v->from, v->from_why,
 * v->header_problem, v->decision and v->label.
 */
void am_verdict_dmarc(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, const struct am_authors *authors,
    struct am_policy_input *in, struct am_trace *trace,
    struct am_verdict *v);

/*
 * The Authentication-Results value for v: iprev, spf (smtp.mailfrom, or
 * smtp.helo for the null sender), one dkim per signature (or dkim=none),
 * one dmarc per Author Domain.  NULL on ENOMEM.
 */
const char *am_verdict_render(const struct am_ctx *ctx,
    struct am_arena *arena, const struct am_verdict *v, bool null_sender);

/*
 * One line for the log: "ip=192.0.2.1 from=example.com spf=pass
 * dkim=pass dmarc=pass action=accept rule=dmarc-pass reason="DMARC pass
 * for example.com (SPF example.com)"".  Untrusted text is escaped.  From
 * arena.
 */
const char *am_verdict_summary(struct am_arena *arena,
    const struct am_verdict *v);

#endif
