/*
 * iprev.h - forward-confirmed reverse DNS of the SMTP client, the "iprev"
 * method of RFC 8601 2.7.3.
 *
 *   pass       a PTR name of the client resolves back to the client
 *   fail       PTR names exist, but none resolves back to the client
 *   temperror  a lookup failed transiently and nothing confirmed
 *   permerror  the client's address has no PTR data at all
 *
 * At most 10 PTR names are tried (as RFC 7208 4.6.4 bounds SPF's ptr).
 */
#ifndef AM_IPREV_H
#define AM_IPREV_H

#include "arena.h"
#include "ctx.h"
#include "dns.h"
#include "ip.h"
#include "result.h"
#include "trace.h"

struct am_iprev_outcome {
	enum am_result result;
	struct am_ip client;
	const char *name;   /* pass: the confirmed name; otherwise the first
			       PTR name, or NULL */
	const char *reason; /* one line */
};

/* Evaluates client; strings from arena; trace may be NULL. */
void am_iprev_check(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, const struct am_ip *client,
    struct am_trace *trace, struct am_iprev_outcome *out);

/* Starts the lookups am_iprev_check() will need first (the PTR). */
void am_iprev_prefetch(struct am_dns_session *dns, const struct am_ip *client);

#endif
