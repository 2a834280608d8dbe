/*
 * verdict.c - the end of a message: Author Domains, DMARC, policy, and
 * the Authentication-Results header (see verdict.h).
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "authres.h"
#include "buf.h"
#include "domain.h"
#include "verdict.h"

/* What was wrong with the From fields (RFC 9989 5.3.1, 11.5). */
static void
from_problem(struct am_arena *arena, const struct am_authors *authors,
    struct am_verdict *v)
{
	const struct am_authors_facts *f = am_authors_facts(authors);
	size_t n = am_authors_count(authors);

	v->from = AM_FROM_OK;
	if (f->fields == 0) {
		v->from = AM_FROM_MISSING;
		v->from_why = "no From header field";
	} else if (f->more) {
		/* Undecidable, never "no From": some domains went unseen. */
		v->from = AM_FROM_TOO_MANY;
		v->from_why = am_arena_printf(arena, "%s; %s", f->more_why,
		    n == 0 ? "none was evaluated" :
		    am_arena_printf(arena, "the first %zu were evaluated", n));
	} else if (n == 0) {
		v->from = AM_FROM_MISSING;
		v->from_why = f->malformed ? am_arena_printf(arena, "From is "
		    "malformed (%s) and names no domain", f->why) :
		    "From names no domain";
	} else if (f->malformed) {
		v->from = AM_FROM_MALFORMED;
		v->from_why = am_arena_printf(arena, "From is malformed (%s); "
		    "its domains were read leniently", f->why);
	} else if (f->fields > 1)
		v->from_why = am_arena_printf(arena, "%u From header fields",
		    f->fields);
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
    struct am_arena *arena, const struct am_authors *authors,
    struct am_policy_input *pin, struct am_trace *trace,
    struct am_verdict *v)
{
	struct am_policy_options defaults;
	const struct am_policy_options *opt = ctx->policy;
	const struct am_idna_name *name;
	struct am_dmarc_input in;
	size_t i, n = am_authors_count(authors);

	if (opt == NULL) {
		am_policy_defaults(&defaults);
		opt = &defaults;
	}
	from_problem(arena, authors, v);
	if (n > 0 && (v->authors = am_arena_zalloc(arena,
			  n * sizeof(*v->authors))) == NULL) {
		n = 0;
		v->from = AM_FROM_TOO_MANY;
		v->from_why = "out of memory";
	}
	for (i = 0; i < n; i++) {
		name = am_authors_get(authors, i);
		memset(&in, 0, sizeof(in));
		in.author_domain = name->ascii;
		if (name->hidden > 0) {
			in.shown = name->shown;
			in.hidden = name->hidden;
			in.invalid_why = name->why;
		}
		in.spf = v->spf_done ? &v->spf : NULL;
		in.dkim = v->dkim_done ? &v->dkim : NULL;
		am_dmarc_check(ctx, dns, arena, &in, trace,
		    &v->authors[i].dmarc);
	}
	v->nauthors = n;
	v->header_problem = pin->header_problem;
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
	for (i = 0; i < v->nauthors; i++)
		field(&b, "dmarc", am_result_name(v->authors[i].dmarc.result));
	field(&b, "action", am_action_name(v->decision.action));
	field(&b, "rule", v->decision.rule);
	if (v->decision.reason != NULL)
		quoted(&b, "reason", v->decision.reason);
	s = am_arena_strdup(arena, b.len > 0 ? am_buf_str(&b) + 1 : "");
	am_buf_release(&b);
	return s;
}
