/*
 * iprev.c - forward-confirmed reverse DNS of the SMTP client, the "iprev"
 * method of RFC 8601 2.7.3 (see iprev.h).
 *
 * The client's reverse name is looked up for PTR records; each PTR name,
 * up to IPREV_NAME_LIMIT of them, is looked up for A (IPv4 client) or
 * AAAA (IPv6 client), and the first whose addresses include the client
 * passes.  The results follow 2.7.3 to the letter:
 *
 *   pass       a forward lookup returned the client's address
 *   fail       the PTR lookup returned names, the forward lookups
 *              completed, and none agreed (NXDOMAIN and NODATA on a
 *              forward lookup are completed lookups without a result)
 *   temperror  the PTR lookup failed transiently, or no name confirmed
 *              and at least one forward lookup failed transiently
 *   permerror  no PTR data is published (NXDOMAIN or NODATA on the PTR)
 *
 * A PTR target that is not a host name (the root, escaped bytes, labels
 * too long) names nothing to look up: it counts against the limit and
 * confirms nothing.  PTR data is hostile, so names quoted in reasons and
 * trace lines are shown with anything but printable ASCII escaped.
 *
 * Threads: an evaluation uses only its arguments.  Strings in the outcome
 * come from the arena passed in.
 */
#include "autoconfig.h"

#include <string.h>

#include "buf.h"
#include "domain.h"
#include "iprev.h"

#define IPREV_NAME_LIMIT 10  /* as RFC 7208 4.6.4 bounds SPF's ptr */
#define SHOWN_MAX	 100 /* bytes of a PTR target that is no host name */

struct iprev {
	struct am_dns_session *dns;
	struct am_arena *arena;
	struct am_trace *trace;
	const struct am_ip *client;
	char ip[AM_IP_STRLEN];
};

/* A PTR target usable as a host name: a valid name of letters, digits,
 * hyphens and underscores, without NUL bytes. */
static bool
host_name(const struct am_dns_rr *rr)
{
	size_t i;

	if (rr->text == NULL || strlen(rr->text) != rr->len ||
	    !am_domain_valid(rr->text, rr->len))
		return false;
	for (i = 0; i < rr->len; i++) {
		char c = rr->text[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '-' && c != '_' && c != '.')
			return false;
	}
	return true;
}

/* The buffer's text from the arena, " ..." marking a cut. */
static const char *
finish(struct iprev *ev, struct am_buf *b)
{
	const char *s = am_arena_printf(
	    ev->arena, "%s%s", am_buf_str(b), am_buf_failed(b) ? " ..." : "");

	am_buf_release(b);
	return s;
}

/* A PTR name as reasons and traces show it: lower-cased when it is a
 * host name, else quoted, cut at SHOWN_MAX bytes, with bytes outside
 * printable ASCII as \DDD. */
static const char *
shown(struct iprev *ev, const struct am_dns_rr *rr)
{
	struct am_buf b;
	const char *s;
	size_t i;

	if (host_name(rr)) {
		s = am_domain_normalize(ev->arena, rr->text, rr->len);
		return s != NULL ? s : rr->text;
	}
	am_buf_init(&b, 0);
	am_buf_addc(&b, '"');
	for (i = 0; rr->text != NULL && i < rr->len && i < SHOWN_MAX; i++) {
		unsigned char c = (unsigned char)rr->text[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			am_buf_printf(&b, "\\%03u", c);
		else
			am_buf_addc(&b, (char)c);
	}
	am_buf_adds(&b, i < rr->len ? "\"..." : "\"");
	s = finish(ev, &b);
	return s != NULL ? s : "(name)";
}

/* "timed out" or "failed (SERVFAIL)": a transient failure, briefly. */
static const char *
failure(struct iprev *ev, const struct am_dns_answer *a)
{
	if (a->why != NULL && strcmp(a->why, "timeout") == 0)
		return "timed out";
	return am_arena_printf(ev->arena, "failed (%s)",
	    a->why != NULL ? a->why : "temporary failure");
}

/* The addresses of an answer, for the trace. */
static void
trace_answer(struct iprev *ev, enum am_dns_type type, const char *name,
    const struct am_dns_answer *a)
{
	char ip[AM_IP_STRLEN];
	struct am_buf b;
	size_t i;

	if (ev->trace == NULL)
		return;
	if (a->status != AM_DNS_OK) {
		am_trace_add(ev->trace, "iprev", 0, "%s %s -> %s%s%s%s",
		    am_dns_type_name(type), name, am_dns_status_name(a->status),
		    a->why != NULL ? " (" : "", a->why != NULL ? a->why : "",
		    a->why != NULL ? ")" : "");
		return;
	}
	am_buf_init(&b, 4096);
	for (i = 0; i < a->count && !am_buf_failed(&b); i++) {
		if (i > 0)
			am_buf_adds(&b, ", ");
		if (type == AM_DNS_PTR)
			am_buf_adds(&b, shown(ev, &a->rr[i]));
		else {
			am_ip_format(&a->rr[i].addr, ip);
			am_buf_adds(&b, ip);
		}
	}
	if (a->canonical != NULL)
		am_buf_printf(&b, " (via CNAME %s)", a->canonical);
	am_trace_add(ev->trace, "iprev", 0, "%s %s -> %s",
	    am_dns_type_name(type), name, finish(ev, &b));
}

/* True when one address of a is the client's. */
static bool
has_client(const struct am_dns_answer *a, const struct am_ip *client)
{
	size_t i;

	if (a->status != AM_DNS_OK)
		return false;
	for (i = 0; i < a->count; i++)
		if (am_ip_equal(&a->rr[i].addr, client))
			return true;
	return false;
}

/* The fail reason: which names were tried, none confirming. */
static const char *
none_confirms(struct iprev *ev, const struct am_dns_answer *ptr, size_t tried)
{
	struct am_buf b;
	size_t i;

	if (ptr->count == 1)
		return am_arena_printf(ev->arena,
		    "%s does not resolve back to %s", shown(ev, &ptr->rr[0]),
		    ev->ip);
	am_buf_init(&b, 0); /* bounded: 10 names, each shown short */
	if (tried < ptr->count)
		am_buf_printf(&b, "none of the first %zu of %zu PTR names (",
		    tried, ptr->count);
	else
		am_buf_printf(&b, "none of %zu PTR names (", ptr->count);
	for (i = 0; i < tried; i++)
		am_buf_printf(
		    &b, "%s%s", i > 0 ? ", " : "", shown(ev, &ptr->rr[i]));
	am_buf_printf(&b, ") resolves back to %s", ev->ip);
	return finish(ev, &b);
}

/* Forward-confirms the PTR names of a successful PTR answer. */
static void
confirm(struct iprev *ev, const struct am_dns_answer *ptr,
    struct am_iprev_outcome *out)
{
	enum am_dns_type type =
	    ev->client->family == AM_IP_V4 ? AM_DNS_A : AM_DNS_AAAA;
	const struct am_dns_answer *a, *failed = NULL;
	const char *failed_name = NULL, *name;
	size_t i, tried;

	for (i = 0; i < ptr->count && i < IPREV_NAME_LIMIT; i++) {
		if (!host_name(&ptr->rr[i])) {
			am_trace_add(ev->trace, "iprev", 0,
			    "%s is not a host name: not looked up",
			    shown(ev, &ptr->rr[i]));
			continue;
		}
		name = shown(ev, &ptr->rr[i]);
		if (out->name == NULL)
			out->name = name;
		a = am_dns_session_lookup(ev->dns, name, type);
		trace_answer(ev, type, name, a);
		if (has_client(a, ev->client)) {
			out->result = AM_RESULT_PASS;
			out->name = name;
			out->reason = am_arena_printf(
			    ev->arena, "%s resolves back to %s", name, ev->ip);
			return;
		}
		if (a->status == AM_DNS_TEMPFAIL && failed == NULL) {
			failed = a;
			failed_name = name;
		}
	}
	tried = i;
	if (ptr->count > tried)
		am_trace_add(ev->trace, "iprev", 0,
		    "PTR names past the first %d not tried: %zu",
		    IPREV_NAME_LIMIT, ptr->count - tried);
	if (failed != NULL) {
		/* 2.7.3: a later attempt may still confirm. */
		out->result = AM_RESULT_TEMPERROR;
		out->reason = am_arena_printf(ev->arena,
		    "no PTR name confirmed %s: %s lookup for %s %s", ev->ip,
		    am_dns_type_name(type), failed_name, failure(ev, failed));
		return;
	}
	out->result = AM_RESULT_FAIL;
	out->reason = none_confirms(ev, ptr, tried);
}

void
am_iprev_check(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, const struct am_ip *client, struct am_trace *trace,
    struct am_iprev_outcome *out)
{
	struct iprev ev = {
	    .dns = dns,
	    .arena = arena,
	    .trace = trace,
	    .client = client,
	};
	const struct am_dns_answer *ptr;
	char rev[AM_IP_STRLEN];

	(void)ctx;
	memset(out, 0, sizeof(*out));
	out->client = *client;
	am_ip_format(client, ev.ip);
	am_ip_reverse_name(client, rev);
	ptr = am_dns_session_lookup(dns, rev, AM_DNS_PTR);
	trace_answer(&ev, AM_DNS_PTR, rev, ptr);
	switch (ptr->status) {
	case AM_DNS_OK:
		if (ptr->count > 0) {
			confirm(&ev, ptr, out);
			break;
		}
		/* FALLTHROUGH */
	case AM_DNS_NXDOMAIN:
	case AM_DNS_NODATA:
		out->result = AM_RESULT_PERMERROR;
		out->reason =
		    am_arena_printf(arena, "%s has no PTR record", ev.ip);
		break;
	case AM_DNS_TEMPFAIL:
		out->result = AM_RESULT_TEMPERROR;
		out->reason = am_arena_printf(
		    arena, "PTR lookup for %s %s", rev, failure(&ev, ptr));
		break;
	}
}

void
am_iprev_prefetch(struct am_dns_session *dns, const struct am_ip *client)
{
	char rev[AM_IP_STRLEN];

	am_ip_reverse_name(client, rev);
	am_dns_session_prefetch(dns, rev, AM_DNS_PTR);
}
