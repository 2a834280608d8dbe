/*
 * report_failure.c - which failure reports a verdict calls for, and
 * their material (see report.h).
 *
 * RFC 9989 4.7 (fo=), RFC 9991 2 and 4, RFC 6591 3:
 *   fo=0   a DMARC report when every mechanism failed to give an aligned
 *          pass (DMARC fail), the default
 *   fo=1   a DMARC report when any mechanism failed to give one
 *   fo=d   a DKIM report when a signature failed to verify, aligned or
 *          not (RFC 6651's kind)
 *   fo=s   an SPF report when SPF failed (RFC 6652's kind)
 * Never for a record that says psd=y (RFC 9991 2), never without ruf=.
 * The header block is kept (the third part of RFC 6591), redacted when
 * asked; the body is not (the daemon does not keep it).
 */
#include "autoconfig.h"

#include <string.h>

#include "buf.h"
#include "domain.h"
#include "report.h"
#include "report_internal.h"

#define HEADERS_MAX (64 * 1024)
#define DOMAIN_MAX  AM_DOMAIN_MAX

/* The header block, "Name:value" CRLF each, as received. */
static const char *
header_block(struct am_arena *arena, const struct am_verdict *v, bool redact)
{
	const struct am_header *h;
	struct am_buf b;
	const char *s;

	am_buf_init(&b, HEADERS_MAX);
	for (h = v->headers; h != NULL; h = h->next) {
		am_buf_add(&b, h->name, h->name_len);
		am_buf_addc(&b, ':');
		if (redact)
			am_report_redact(h->value, h->value_len, &b);
		else
			am_report_redact_none(h->value, h->value_len, &b);
		am_buf_adds(&b, "\r\n");
	}
	s = am_arena_strdup(arena, am_buf_str(&b));
	am_buf_release(&b);
	return s;
}

static const char *
mail_from(struct am_arena *arena, const struct am_verdict *v, bool redact)
{
	struct am_buf b;
	const char *s;

	if (v->mail_from == NULL)
		return NULL;
	am_buf_init(&b, 1024);
	am_buf_addc(&b, '<');
	if (redact)
		am_report_redact(v->mail_from, strlen(v->mail_from), &b);
	else
		am_report_redact_none(v->mail_from, strlen(v->mail_from), &b);
	am_buf_addc(&b, '>');
	s = am_report_clean(arena, am_buf_str(&b), 1024, false);
	am_buf_release(&b);
	return s;
}

/* RFC 6591 3.2.2 */
static const char *
delivery(const struct am_verdict *v)
{
	switch (v->decision.action) {
	case AM_ACTION_ACCEPT:
		return "delivered";
	case AM_ACTION_QUARANTINE:
		return "policy";
	case AM_ACTION_REJECT:
		return "reject";
	default:
		return "other";
	}
}

/* The identifier shares the Author Domain's Organizational Domain (or
 * is it, under strict alignment). */
static bool
aligned_id(const struct am_dmarc_outcome *d, const char *id, bool strict)
{
	if (id == NULL)
		return false;
	if (strict || d->org_domain == NULL)
		return am_domain_equal(id, d->author_domain) ||
		    (!strict && (am_domain_is_within(d->author_domain, id) ||
				    am_domain_is_within(id, d->author_domain)));
	return am_domain_is_within(id, d->org_domain);
}

static const char *
auth_failure_of(const struct am_dkim_sig *s)
{
	switch (s->why) {
	case AM_DKIM_BODY_CHANGED:
		return "bodyhash";
	case AM_DKIM_KEY_REVOKED:
		return "revoked";
	default:
		return "signature";
	}
}

static void
fill_dkim(struct am_arena *arena, const struct am_dkim_sig *s,
    struct am_report_failure *f)
{
	f->dkim_domain = am_report_clean(arena, s->domain, DOMAIN_MAX, true);
	f->dkim_selector = am_report_clean(arena, s->selector, DOMAIN_MAX,
	    false);
	f->dkim_identity = s->identity != NULL ?
	    am_report_clean(arena, s->identity, 512, false) :
	    am_arena_printf(arena, "@%s", f->dkim_domain);
}

/* The first signature that did not verify, aligned with the Author
 * Domain when aligned_only. */
static const struct am_dkim_sig *
failed_sig(const struct am_verdict *v, const struct am_dmarc_outcome *d,
    bool aligned_only)
{
	size_t i;

	for (i = 0; v->dkim_done && i < v->dkim.count; i++) {
		const struct am_dkim_sig *s = &v->dkim.sigs[i];

		if (s->result == AM_RESULT_PASS || s->result == AM_RESULT_NONE ||
		    s->domain == NULL || s->selector == NULL)
			continue;
		if (!aligned_only ||
		    aligned_id(d, s->domain, d->record.adkim_strict))
			return s;
	}
	return NULL;
}

static bool
spf_failed(const struct am_verdict *v)
{
	return v->spf_done && (v->spf.result == AM_RESULT_FAIL ||
	    v->spf.result == AM_RESULT_SOFTFAIL ||
	    v->spf.result == AM_RESULT_TEMPERROR ||
	    v->spf.result == AM_RESULT_PERMERROR);
}

/* RFC 9991 4: Identity-Alignment, and the DKIM and SPF fields it asks
 * for when an aligned identifier failed. */
static void
fill_dmarc(struct am_arena *arena, const struct am_verdict *v,
    const struct am_dmarc_outcome *d, const struct am_report_input *in,
    struct am_report_failure *f)
{
	const struct am_dkim_sig *s = failed_sig(v, d, true);

	f->kind = f->auth_failure = "dmarc";
	f->identity_alignment = !d->dkim_aligned && !d->spf_aligned ?
	    "dkim, spf" : !d->dkim_aligned ? "dkim" : !d->spf_aligned ?
	    "spf" : "none";
	f->authres = am_arena_printf(arena, "%s; dmarc=%s header.from=%s",
	    in->authserv_id, am_result_name(d->result), f->header_from);
	if (s != NULL)
		fill_dkim(arena, s, f);
	if (spf_failed(v) &&
	    aligned_id(d, v->spf.domain, d->record.aspf_strict))
		f->spf_domain = am_report_clean(arena, v->spf.domain,
		    DOMAIN_MAX, true);
}

static struct am_report_failure *
one(struct am_arena *arena, const struct am_verdict *v,
    const struct am_report_input *in, const struct am_dmarc_outcome *d,
    const char *kind, const struct am_dkim_sig *sig)
{
	struct am_report_failure f;
	char ip[AM_IP_STRLEN];

	memset(&f, 0, sizeof(f));
	am_ip_format(&v->iprev.client, ip);
	f.received = in->received;
	f.reporter = am_report_clean(arena, in->reporter != NULL ?
	    in->reporter : "", DOMAIN_MAX, false);
	f.policy_domain = am_report_clean(arena, d->policy_domain, DOMAIN_MAX,
	    true);
	f.header_from = am_report_clean(arena, d->author_domain, DOMAIN_MAX,
	    true);
	f.source_ip = ip;
	f.ruf = am_report_clean(arena, d->record.ruf, 1024, false);
	f.mail_from = mail_from(arena, v, in->redact);
	f.queue_id = am_report_clean(arena, in->queue_id, 64, false);
	f.delivery = delivery(v);
	f.headers = header_block(arena, v, in->redact);
	if (strcmp(kind, "dmarc") == 0)
		fill_dmarc(arena, v, d, in, &f);
	else if (strcmp(kind, "dkim") == 0) {
		f.kind = "dkim";
		f.auth_failure = auth_failure_of(sig);
		fill_dkim(arena, sig, &f);
		f.authres = am_arena_printf(arena, "%s; dkim=%s header.d=%s "
		    "header.s=%s", in->authserv_id, am_result_name(sig->result),
		    f.dkim_domain, f.dkim_selector);
	} else {
		f.kind = f.auth_failure = "spf";
		f.spf_domain = am_report_clean(arena, v->spf.domain, DOMAIN_MAX,
		    true);
		f.authres = am_arena_printf(arena, "%s; spf=%s smtp.mailfrom=%s",
		    in->authserv_id, am_result_name(v->spf.result),
		    f.spf_domain);
	}
	return am_report_failure_copy(&f);
}

static bool
wants_failures(const struct am_dmarc_outcome *d)
{
	return d->have_record && d->policy_domain != NULL &&
	    d->record.ruf != NULL && d->record.ruf[0] != '\0' &&
	    d->record.psd != AM_DMARC_PSD_YES;
}

/* The kinds fo= asks for, given the outcome: at most three. */
static size_t
kinds(const struct am_verdict *v, const struct am_dmarc_outcome *d,
    const char **k, const struct am_dkim_sig **sig)
{
	unsigned fo = d->record.fo;
	size_t n = 0;

	if ((fo & AM_DMARC_FO_1) != 0 ? !d->spf_aligned || !d->dkim_aligned :
					d->result == AM_RESULT_FAIL)
		k[n++] = "dmarc";
	if ((fo & AM_DMARC_FO_D) != 0 && (*sig = failed_sig(v, d, false)) !=
	    NULL)
		k[n++] = "dkim";
	if ((fo & AM_DMARC_FO_S) != 0 && spf_failed(v))
		k[n++] = "spf";
	return n;
}

size_t
am_report_failures(const struct am_verdict *v,
    const struct am_report_input *in, struct am_report_failure **out,
    size_t max)
{
	const struct am_dkim_sig *sig = NULL;
	struct am_arena *arena = NULL;
	const char *k[3];
	size_t i, j, nk, n = 0;

	if (!v->iprev_done)
		return 0;
	for (i = 0; i < v->nauthors && n < max; i++) {
		const struct am_dmarc_outcome *d = &v->authors[i].dmarc;

		if (!wants_failures(d) || (nk = kinds(v, d, k, &sig)) == 0)
			continue;
		if (arena == NULL && (arena = am_arena_new()) == NULL)
			return 0;
		for (j = 0; j < nk && n < max; j++)
			if ((out[n] = one(arena, v, in, d, k[j], sig)) != NULL)
				n++;
	}
	am_arena_free(arena);
	return n;
}
