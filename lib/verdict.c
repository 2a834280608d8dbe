/*
 * verdict.c - the end of a message: Author Domains, DMARC, policy, and
 * the Authentication-Results header (see verdict.h).
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "arc_trust.h"
#include "authres.h"
#include "buf.h"
#include "domain.h"
#include "verdict.h"

/* Addresses read from one From field; more is abuse (RFC 9989 11.5). */
#define FROM_ADDRESSES_MAX 32

struct authors {
	const char *domain[FROM_ADDRESSES_MAX];
	size_t n;
	bool more; /* distinct domains past the array */
};

static void
add_domain(struct authors *a, const char *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < a->n; i++)
		if (am_domain_equal(a->domain[i], d))
			return;
	if (a->n == FROM_ADDRESSES_MAX)
		a->more = true;
	else
		a->domain[a->n++] = d;
}

/* The domains of one From field; false when it had to be read
 * leniently. */
static bool
from_domains(struct am_arena *arena, const struct am_header *h,
    struct authors *a, const char **why)
{
	struct am_address_list list;
	const char *found[FROM_ADDRESSES_MAX];
	size_t i, n;

	if (am_address_parse_list(arena, h->value, h->value_len,
		FROM_ADDRESSES_MAX, &list, why)) {
		for (i = 0; i < list.count; i++)
			add_domain(a, list.addrs[i].ascii_domain);
		if (list.truncated)
			a->more = true;
		return true;
	}
	/* Read the way a lenient mail reader would still display it, so
	 * that breaking the syntax cannot hide a spoofed domain. */
	n = am_address_find_domains(arena, h->value, h->value_len, found,
	    FROM_ADDRESSES_MAX);
	for (i = 0; i < n; i++)
		add_domain(a, found[i]);
	return false;
}

static void
collect_authors(struct am_arena *arena, const struct am_header *headers,
    struct authors *a, struct am_verdict *v)
{
	const struct am_header *h;
	const char *why = NULL;
	unsigned fields = 0;
	bool malformed = false;

	memset(a, 0, sizeof(*a));
	for (h = headers; h != NULL; h = h->next) {
		if (strcasecmp(h->name, "From") != 0)
			continue;
		fields++;
		if (!from_domains(arena, h, a, &why))
			malformed = true;
	}
	v->from = AM_FROM_OK;
	if (fields == 0)
		v->from_why = "no From header field";
	else if (a->n == 0)
		v->from_why = malformed ? am_arena_printf(arena, "From is "
		    "malformed (%s) and names no domain", why) :
		    "From names no domain";
	else if (malformed)
		v->from_why = am_arena_printf(arena, "From is malformed (%s); "
		    "its domains were read leniently", why);
	else if (fields > 1)
		v->from_why = am_arena_printf(arena, "%u From header fields",
		    fields);
	if (a->n == 0)
		v->from = AM_FROM_MISSING;
	else if (malformed)
		v->from = AM_FROM_MALFORMED;
}

/* RFC 2369 and RFC 2919 headers: the message came through a list. */
static const char *
list_header(const struct am_header *headers)
{
	static const char *const names[] = {"List-Id", "List-Post",
	    "List-Unsubscribe"};
	const struct am_header *h;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		for (h = headers; h != NULL; h = h->next)
			if (strcasecmp(h->name, names[i]) == 0)
				return names[i];
	return NULL;
}

static unsigned
count_header(const struct am_header *headers, const char *name)
{
	const struct am_header *h;
	unsigned n = 0;

	for (h = headers; h != NULL; h = h->next)
		if (strcasecmp(h->name, name) == 0)
			n++;
	return n;
}

/* The header rules: a required field missing, a once-only field
 * repeated.  NULL when the message keeps them. */
static const char *
header_problem(const struct am_policy_options *opt, struct am_arena *arena,
    const struct am_header *headers)
{
	unsigned n;
	size_t i;

	for (i = 0; i < opt->nrequired_headers; i++)
		if (count_header(headers, opt->required_headers[i]) == 0)
			return am_arena_printf(arena, "no %s header field",
			    opt->required_headers[i]);
	for (i = 0; i < opt->nsingle_headers; i++)
		if ((n = count_header(headers, opt->single_headers[i])) > 1)
			return am_arena_printf(arena, "%u %s header fields "
			    "(RFC 5322 allows one)", n, opt->single_headers[i]);
	return NULL;
}

/* "reject-avoided; dmarc=fail; reason=list" */
static const char *
label(struct am_arena *arena, const struct am_verdict *v)
{
	const struct am_decision *d = &v->decision;
	const char *dmarc = v->nauthors > 0 ?
	    am_result_name(v->authors[0].dmarc.result) :
	    v->from == AM_FROM_OK ? "none" : "permerror";

	if (d->wanted > d->action)
		return am_arena_printf(arena, "%s-avoided; dmarc=%s; reason=%s",
		    am_action_name(d->wanted), dmarc, d->tag);
	return am_arena_printf(arena, "%s; dmarc=%s; reason=%s",
	    am_action_name(d->action), dmarc, d->tag);
}

void
am_verdict_dmarc(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, const struct am_header *headers,
    struct am_policy_input *pin, struct am_trace *trace,
    struct am_verdict *v)
{
	struct am_policy_options defaults;
	const struct am_policy_options *opt = ctx->policy;
	struct am_dmarc_input in;
	struct authors a;
	size_t i, n;

	if (opt == NULL) {
		am_policy_defaults(&defaults);
		opt = &defaults;
	}
	collect_authors(arena, headers, &a, v);
	n = a.n;
	if (n > opt->max_authors || a.more) {
		v->from = AM_FROM_TOO_MANY;
		v->from_why = am_arena_printf(arena, "more than %u Author "
		    "Domains in From; the first %u were evaluated",
		    opt->max_authors, opt->max_authors);
		if (n > opt->max_authors)
			n = opt->max_authors;
	}
	if (n > 0 && (v->authors = am_arena_zalloc(arena,
			  n * sizeof(*v->authors))) == NULL)
		n = 0;
	for (i = 0; i < n; i++) {
		in.author_domain = a.domain[i];
		in.spf = v->spf_done ? &v->spf : NULL;
		in.dkim = v->dkim_done ? &v->dkim : NULL;
		am_dmarc_check(ctx, dns, arena, &in, trace,
		    &v->authors[i].dmarc);
		/* RFC 8617 7.2.1: a trusted sealer may vouch for a failure */
		v->authors[i].arc_sealer = am_arc_vouch(dns, arena, opt,
		    &v->arc, &v->authors[i].dmarc, trace);
	}
	v->nauthors = n;
	pin->list_header = list_header(headers);
	pin->header_problem = v->header_problem =
	    header_problem(opt, arena, headers);
	am_policy_decide(opt, arena, pin, v->authors, n, v->from,
	    &v->decision);
	v->label = label(arena, v);
	am_trace_add(trace, "policy", 0, "action %s (%s): %s",
	    am_action_name(v->decision.action), v->decision.rule,
	    v->decision.reason);
}

static void
render_dkim(struct am_authres *ar, const struct am_dkim_sig *s)
{
	char bits[32];

	if (s->result == AM_RESULT_PASS) {
		if (s->key_bits > 0)
			snprintf(bits, sizeof(bits), "%u-bit key",
			    s->key_bits);
		am_authres_result(ar, "dkim", s->result, s->key_bits > 0 ?
		    bits : NULL);
	} else
		am_authres_result(ar, "dkim", s->result, s->reason);
	if (s->domain != NULL)
		am_authres_prop(ar, "header", "d", s->domain);
	if (s->selector != NULL)
		am_authres_prop(ar, "header", "s", s->selector);
	if (s->algorithm != NULL)
		am_authres_prop(ar, "header", "a", s->algorithm);
	if (s->b != NULL)
		am_authres_prop(ar, "header", "b", s->b);
}

/* RFC 8617 6 and 10.2: the chain's status, the client it came from and
 * the oldest instance whose AMS still verifies. */
static void
render_arc(struct am_authres *ar, const struct am_verdict *v)
{
	char ip[AM_IP_STRLEN], n[16];

	am_authres_result(ar, "arc", v->arc.result, v->arc.reason);
	if (v->arc.result == AM_RESULT_NONE)
		return;
	if (v->iprev_done) {
		am_ip_format(&v->iprev.client, ip);
		am_authres_prop(ar, "smtp", "remote-ip", ip);
	}
	if (v->arc.result == AM_RESULT_PASS) {
		snprintf(n, sizeof(n), "%u", v->arc.oldest_pass);
		am_authres_prop(ar, "header", "oldest-pass", n);
	}
}

static void
render_dmarc(struct am_authres *ar, struct am_arena *arena,
    const struct am_verdict *v)
{
	size_t i;

	if (v->nauthors == 0 && v->from != AM_FROM_OK) {
		am_authres_result(ar, "dmarc", AM_RESULT_PERMERROR,
		    v->from_why);
		return;
	}
	for (i = 0; i < v->nauthors; i++) {
		const struct am_dmarc_outcome *d = &v->authors[i].dmarc;

		am_authres_result(ar, "dmarc", d->result, !d->have_record ?
		    d->reason : v->authors[i].note != NULL ?
		    am_arena_printf(arena, "%s; %s", d->comment,
			v->authors[i].note) : d->comment);
		am_authres_prop(ar, "header", "from", d->author_domain);
		if (d->have_record)
			am_authres_prop(ar, "policy", "dmarc",
			    am_dmarc_policy_name(v->authors[i].applied));
	}
}

const char *
am_verdict_render(const struct am_ctx *ctx, struct am_arena *arena,
    const struct am_verdict *v, bool null_sender)
{
	struct am_authres ar;
	char ip[AM_IP_STRLEN];
	size_t i;

	am_authres_begin(&ar, ctx->authserv_id);
	if (v->iprev_done) {
		am_authres_result(&ar, "iprev", v->iprev.result,
		    v->iprev.result == AM_RESULT_PASS ? v->iprev.name :
							v->iprev.reason);
		am_ip_format(&v->iprev.client, ip);
		am_authres_prop(&ar, "policy", "iprev", ip);
	}
	if (v->spf_done) {
		am_authres_result(&ar, "spf", v->spf.result, v->spf.reason);
		if (v->spf.domain[0] != '\0')
			am_authres_prop(&ar, "smtp", null_sender ? "helo" :
			    "mailfrom", v->spf.domain);
	}
	if (v->dkim_done && v->dkim.count == 0)
		am_authres_result(&ar, "dkim", AM_RESULT_NONE,
		    "no signature");
	for (i = 0; v->dkim_done && i < v->dkim.count; i++)
		render_dkim(&ar, &v->dkim.sigs[i]);
	render_arc(&ar, v);
	render_dmarc(&ar, arena, v);
	return am_authres_end(&ar, arena);
}

/* Appends key=value, escaping what an untrusted value could abuse. */
static void
field(struct am_buf *b, const char *key, const char *value)
{
	const char *p;

	am_buf_printf(b, " %s=", key);
	for (p = value; *p != '\0' && p - value < 128; p++)
		am_buf_addc(b, (*p > 0x20 && *p < 0x7f && *p != '\\') ? *p :
							'?');
}

/* Appends key="text", the reason in words: printable ASCII, quotes and
 * backslashes escaped, anything else '?', at most 256 bytes of it. */
static void
quoted(struct am_buf *b, const char *key, const char *text)
{
	const char *p;

	am_buf_printf(b, " %s=\"", key);
	for (p = text; *p != '\0' && p - text < 256; p++) {
		if (*p == '"' || *p == '\\')
			am_buf_addc(b, '\\');
		am_buf_addc(b, (*p >= 0x20 && *p < 0x7f) ? *p : '?');
	}
	am_buf_addc(b, '"');
}

const char *
am_verdict_summary(struct am_arena *arena, const struct am_verdict *v)
{
	struct am_buf b;
	const char *s;
	char ip[AM_IP_STRLEN];
	size_t i;

	am_buf_init(&b, 2048);
	if (v->iprev_done) {
		am_ip_format(&v->iprev.client, ip);
		field(&b, "ip", ip);
	}
	for (i = 0; i < v->nauthors; i++)
		field(&b, "from", v->authors[i].dmarc.author_domain);
	if (v->spf_done)
		field(&b, "spf", am_result_name(v->spf.result));
	for (i = 0; v->dkim_done && i < v->dkim.count; i++)
		field(&b, "dkim", am_result_name(v->dkim.sigs[i].result));
	if (v->arc.result != AM_RESULT_NONE)
		field(&b, "arc", am_result_name(v->arc.result));
	for (i = 0; i < v->nauthors; i++)
		field(&b, "dmarc", am_result_name(v->authors[i].dmarc.result));
	field(&b, "action", am_action_name(v->decision.action));
	field(&b, "rule", v->decision.rule);
	if (v->decision.reason != NULL)
		quoted(&b, "reason", v->decision.reason);
	if (v->seal.aar != NULL)
		am_buf_printf(&b, " sealed=i=%u", v->seal.instance);
	else if (v->seal.why_not != NULL)
		quoted(&b, "unsealed", v->seal.why_not);
	s = am_arena_strdup(arena, b.len > 0 ? am_buf_str(&b) + 1 : "");
	am_buf_release(&b);
	return s;
}
