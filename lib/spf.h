/*
 * spf.h - Sender Policy Framework, RFC 7208: our own evaluator.
 *
 * check_host() for the MAIL FROM identity (RFC 7208 2.4; the null sender
 * becomes postmaster@<HELO>) and the HELO identity (2.3), with every
 * mechanism and modifier, macros (7), and the processing limits of 4.6.4:
 * 10 DNS-querying terms across includes and redirects, 2 void lookups,
 * 10 MX and 10 PTR names, a time budget for the whole evaluation.
 *
 * All DNS goes through the message's lookup session; all memory comes from
 * the caller's arena.  Safe to call from any thread.
 */
#ifndef AM_SPF_H
#define AM_SPF_H

#include "arena.h"
#include "ctx.h"
#include "dns.h"
#include "ip.h"
#include "result.h"
#include "trace.h"

enum am_spf_identity {
	AM_SPF_MAILFROM,
	AM_SPF_HELO,
};

struct am_spf_request {
	struct am_ip client;
	const char *helo;      /* as given by the client; may be NULL */
	const char *mail_from; /* without <>; "" is the null sender */
};

struct am_spf_outcome {
	enum am_result result;
	enum am_spf_identity identity;
	const char *sender;	   /* <sender> as evaluated: local@domain */
	const char *domain;	   /* the identity's domain */
	const char *mechanism;	   /* the deciding directive as written, or
				      NULL (no match, or an error) */
	const char *record_domain; /* whose record held it */
	const char *explanation;   /* fail: the domain's explanation, or
				      NULL for the local default */
	const char *reason;	   /* one line for logs and A-R comments */
	unsigned lookups;	   /* DNS-querying terms used (limit 10) */
	unsigned void_lookups;
};

/*
 * Evaluates identity for req and fills *out (strings from arena).
 * trace may be NULL.  Never fails: trouble becomes temperror or permerror
 * with a reason.
 */
void am_spf_check(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, const struct am_spf_request *req,
    enum am_spf_identity identity, struct am_trace *trace,
    struct am_spf_outcome *out);

#endif
