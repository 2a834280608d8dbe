/*
 * report_row.c - a verdict's aggregate-report rows (see report.h):
 * RFC 9990 3.1.1.5 (policy_published), 3.1.1.9 (policy_evaluated and
 * its override reasons, 3.1.6), 3.1.1.10 (identifiers), 3.1.1.11 to
 * 3.1.1.13 (auth_results, DKIM signatures ordered as 3.1.3 asks).
 *
 * Strings are built in a scratch arena and packed with their struct into
 * one heap block (report_pack.c).  Pure: everything comes from the
 * verdict and the input.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "domain.h"
#include "report.h"
#include "report_internal.h"

/* Bounds on what one field may hold (a hostile message chooses d=, s=
 * and the reasons' text). */
#define DOMAIN_MAX  AM_DOMAIN_MAX
#define COMMENT_MAX 256
#define WHY_MAX	    1024
#define URI_MAX	    1024

static const char *
policy_name(enum am_dmarc_policy p)
{
	return am_dmarc_policy_name(p);
}

/* fo= as published, in a canonical order: "0", "1:d:s". */
static const char *
fo_text(struct am_arena *arena, unsigned fo)
{
	struct am_buf b;
	const char *s;

	am_buf_init(&b, 16);
	am_buf_adds(&b, (fo & AM_DMARC_FO_1) != 0 ? "1" : "0");
	if ((fo & AM_DMARC_FO_D) != 0)
		am_buf_adds(&b, ":d");
	if ((fo & AM_DMARC_FO_S) != 0)
		am_buf_adds(&b, ":s");
	s = am_arena_strdup(arena, am_buf_str(&b));
	am_buf_release(&b);
	return s;
}

/* The domain of an envelope sender: "" for the null sender. */
static const char *
sender_domain(struct am_arena *arena, const char *mail_from)
{
	const char *at;

	if (mail_from == NULL)
		return NULL;
	if ((at = strrchr(mail_from, '@')) == NULL)
		return "";
	return am_report_clean(arena, at + 1, DOMAIN_MAX, true);
}

/* RFC 9990 3.1.3: aligned passes (strict, then relaxed), other passes,
 * then the rest. */
static int
dkim_rank(const struct am_dkim_sig *s, const struct am_dmarc_outcome *d)
{
	const char *org = d->org_domain;

	if (s->result != AM_RESULT_PASS)
		return 3;
	if (am_domain_equal(s->domain, d->author_domain))
		return 0;
	if (org != NULL ? am_domain_is_within(s->domain, org) :
			  am_domain_is_within(d->author_domain, s->domain) ||
		am_domain_is_within(s->domain, d->author_domain))
		return 1;
	return 2;
}

/* "d<TAB>s<TAB>result" lines; signatures without d= or s= cannot be
 * reported (both are required). */
static const char *
dkim_list(struct am_arena *arena, const struct am_verdict *v,
    const struct am_dmarc_outcome *d)
{
	struct am_buf b;
	const char *s;
	size_t i, n = 0;
	int rank;

	if (!v->dkim_done)
		return "";
	am_buf_init(&b, 0);
	for (rank = 0; rank < 4; rank++)
		for (i = 0; i < v->dkim.count; i++) {
			const struct am_dkim_sig *sig = &v->dkim.sigs[i];

			if (sig->domain == NULL || sig->selector == NULL ||
			    dkim_rank(sig, d) != rank ||
			    n == AM_REPORT_DKIM_MAX)
				continue;
			am_report_clean_into(&b, sig->domain, DOMAIN_MAX);
			am_buf_addc(&b, '\t');
			am_report_clean_into(&b, sig->selector, DOMAIN_MAX);
			am_buf_addc(&b, '\t');
			am_buf_adds(&b, am_result_name(sig->result));
			am_buf_addc(&b, '\n');
			n++;
		}
	s = am_arena_strdup(arena, am_buf_str(&b));
	am_buf_release(&b);
	return s;
}

static void
reason(struct am_buf *b, const char *word, const char *comment)
{
	am_report_clean_into(b, word, 32);
	am_buf_addc(b, '\t');
	am_report_clean_into(b, comment != NULL ? comment : "", COMMENT_MAX);
	am_buf_addc(b, '\n');
}

static enum am_dmarc_policy
policy_of(enum am_action action)
{
	return action == AM_ACTION_REJECT ? AM_DMARC_POLICY_REJECT :
	    action == AM_ACTION_QUARANTINE ? AM_DMARC_POLICY_QUARANTINE :
					     AM_DMARC_POLICY_NONE;
}

/*
 * RFC 9990 3.1.1.9: when alignment fails and the policy applied differs
 * from the one published, say why: the sign of indirect flow or mode
 * policy found (a->tag), t=y, an exemption or the dry run that softened
 * the message's action, or else the rule that decided.
 */
static const char *
reasons(struct am_arena *arena, const struct am_verdict *v,
    const struct am_author *a)
{
	const struct am_dmarc_outcome *d = &a->dmarc;
	const struct am_decision *dec = &v->decision;
	struct am_buf b;
	const char *s;

	if (d->result == AM_RESULT_PASS)
		return "";
	am_buf_init(&b, 0);
	if (a->tag != NULL)
		reason(&b, a->tag, a->note);
	if (d->result == AM_RESULT_FAIL && d->record.testing &&
	    d->requested != d->published)
		reason(&b, "test-mode", am_arena_printf(arena, "t=y: %s "
		    "applied as %s", am_dmarc_policy_name(d->published),
		    am_dmarc_policy_name(d->requested)));
	if (a->applied < policy_of(a->action) && dec->tag != NULL)
		reason(&b, dec->tag, dec->reason);
	if (b.len == 0 && a->applied != d->published)
		reason(&b, d->result == AM_RESULT_TEMPERROR ? "temperror" :
		    dec->tag != NULL ? dec->tag : "local-policy",
		    d->result == AM_RESULT_TEMPERROR ? d->reason :
		    dec->reason);
	s = am_arena_strdup(arena, am_buf_str(&b));
	am_buf_release(&b);
	return s;
}

/* ActionDispositionType: "pass" is no action on a message that passed
 * under an enforcing policy. */
static const char *
disposition(const struct am_author *a)
{
	if (a->applied != AM_DMARC_POLICY_NONE)
		return policy_name(a->applied);
	return a->dmarc.result == AM_RESULT_PASS &&
		a->dmarc.published != AM_DMARC_POLICY_NONE ?
	    "pass" :
	    "none";
}

static const char *
policy_error(struct am_arena *arena, const struct am_dmarc_record *r)
{
	if (!r->p_valid)
		return "the record has no valid p= tag: applied as p=none";
	if (r->rua != NULL && !r->rua_valid)
		return am_arena_printf(arena, "no usable URI in rua=%.*s", 200,
		    r->rua);
	return NULL;
}

static void
fill_policy(struct am_arena *arena, const struct am_dmarc_outcome *d,
    struct am_report_row *r)
{
	const struct am_dmarc_record *rec = &d->record;

	r->policy_domain = am_report_clean(arena, d->policy_domain, DOMAIN_MAX,
	    true);
	r->p = policy_name(rec->p);
	r->sp = rec->sp_present && rec->sp_valid ? policy_name(rec->sp) : NULL;
	r->np = rec->np_present && rec->np_valid ? policy_name(rec->np) : NULL;
	r->adkim = rec->adkim_strict ? "s" : "r";
	r->aspf = rec->aspf_strict ? "s" : "r";
	r->testing = rec->testing ? "y" : "n";
	r->fo = fo_text(arena, rec->fo);
	r->rua = rec->rua != NULL ? am_report_clean(arena, rec->rua, URI_MAX,
					false) : "";
	r->ruf = rec->ruf != NULL ? am_report_clean(arena, rec->ruf, URI_MAX,
					false) : NULL;
	r->policy_error = policy_error(arena, rec);
}

static struct am_report_row *
one_row(struct am_arena *arena, const struct am_verdict *v,
    const struct am_report_input *in, const struct am_author *a,
    const char *ip)
{
	const struct am_dmarc_outcome *d = &a->dmarc;
	struct am_report_row r;

	memset(&r, 0, sizeof(r));
	r.received = in->received;
	r.reporter = am_report_clean(arena, in->reporter != NULL ?
	    in->reporter : "", DOMAIN_MAX, false);
	fill_policy(arena, d, &r);
	r.header_from = am_report_clean(arena, d->author_domain, DOMAIN_MAX,
	    true);
	r.envelope_from = sender_domain(arena, v->mail_from);
	r.source_ip = ip;
	r.dmarc = am_result_name(d->result);
	r.disposition = disposition(a);
	r.dkim_aligned = d->dkim_aligned ? "pass" : "fail";
	r.spf_aligned = d->spf_aligned ? "pass" : "fail";
	r.reasons = reasons(arena, v, a);
	r.dkim = dkim_list(arena, v, d);
	if (v->spf_done) {
		r.spf_domain = am_report_clean(arena, v->spf.domain,
		    DOMAIN_MAX, true);
		r.spf_scope = "mfrom"; /* RFC 7208 2.4: the null sender's
					  identity is postmaster@HELO */
		r.spf_result = am_result_name(v->spf.result);
	}
	r.why = am_report_clean(arena, d->reason != NULL ? d->reason : "",
	    WHY_MAX, false);
	return am_report_row_copy(&r);
}

/* The Author Domain is reported when its record asks for reports. */
static bool
wants_reports(const struct am_dmarc_outcome *d)
{
	return d->have_record && d->policy_domain != NULL &&
	    ((d->record.rua != NULL && d->record.rua[0] != '\0') ||
		(d->record.ruf != NULL && d->record.ruf[0] != '\0'));
}

size_t
am_report_rows(const struct am_verdict *v, const struct am_report_input *in,
    struct am_report_row **out, size_t max)
{
	struct am_arena *arena;
	char ip[AM_IP_STRLEN];
	size_t i, n = 0;

	if (!v->iprev_done)
		return 0; /* no client address */
	for (i = 0; i < v->nauthors; i++)
		if (wants_reports(&v->authors[i].dmarc))
			break;
	if (i == v->nauthors || (arena = am_arena_new()) == NULL)
		return 0; /* most mail: nothing to report */
	am_ip_format(&v->iprev.client, ip);
	for (i = 0; i < v->nauthors && n < max; i++) {
		if (!wants_reports(&v->authors[i].dmarc))
			continue;
		if ((out[n] = one_row(arena, v, in, &v->authors[i], ip)) ==
		    NULL)
			break;
		n++;
	}
	am_arena_free(arena);
	return n;
}
