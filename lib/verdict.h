/*
 * verdict.h - the end of a message: Author Domains from the From field,
 * DMARC for each, local policy, and the Authentication-Results header.
 */
#ifndef AM_VERDICT_H
#define AM_VERDICT_H

#include <stdbool.h>

#include "message.h"

/*
 * Finds the Author Domains in the From fields among headers (RFC 9989
 * 5.3.1, 11.5: every domain of every From field, deduplicated, bounded;
 * a malformed field is read leniently), evaluates DMARC for each with the
 * verdict's SPF and DKIM results, and decides by local policy (in holds
 * what policy needs of the client; the header-derived fields are filled
 * here).  Fills v->authors, v->nauthors, v->from, v->from_why,
 * v->header_problem, v->decision and v->label.
 */
void am_verdict_dmarc(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, const struct am_header *headers,
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
