/*
 * reply.c - carrying out a verdict through libmilter (see reply.h).
 *
 * Every decision was made in lib/ (policy.c), the decisive domain
 * included; this file only translates it.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reply.h"

/* The Author Domain the decision is about, for a reply's %s. */
static const char *
decisive_domain(const struct am_verdict *v)
{
	return v->decision.domain != NULL ? v->decision.domain : "the sender";
}

/*
 * Splits a configured reply ("550 5.7.1 text with %s") into its codes and
 * text, %s replaced by domain.  "%%" stays doubled: libmilter's
 * smfi_setreply() reads the text like a printf format.
 */
static sfsistat
set_reply(SMFICTX *ctx, const char *reply, const char *domain,
    sfsistat verdict)
{
	char rcode[4], xcode[32], text[512];
	const char *p = reply + 4, *sp = strchr(p, ' ');
	size_t o = 0;

	snprintf(rcode, sizeof(rcode), "%.3s", reply);
	snprintf(xcode, sizeof(xcode), "%.*s", (int)(sp - p), p);
	for (p = sp + 1; *p != '\0' && o + 1 < sizeof(text); p++) {
		if (p[0] == '%' && p[1] == 's') {
			o += (size_t)snprintf(text + o, sizeof(text) - o, "%s",
			    domain);
			if (o >= sizeof(text))
				o = sizeof(text) - 1;
			p++;
		} else
			text[o++] = *p;
	}
	text[o] = '\0';
	if (smfi_setreply(ctx, rcode, xcode, text) != MI_SUCCESS)
		log_msg(AM_LOG_WARNING, "smfi_setreply(%s %s) failed", rcode,
		    xcode);
	return verdict;
}

static sfsistat
quarantine(SMFICTX *ctx, const struct am_config *cfg,
    const struct am_verdict *v, bool leadspc)
{
	char why[256];

	/* The rule, not "DMARC": a pin or a header rule quarantines too. */
	snprintf(why, sizeof(why), "%s%s, From %s", leadspc ? " " : "",
	    v->decision.rule, decisive_domain(v));
	switch (cfg->quarantine) {
	case AM_QUARANTINE_HOLD:
		if (smfi_quarantine(ctx, why + (leadspc ? 1 : 0)) != MI_SUCCESS)
			return SMFIS_TEMPFAIL;
		break;
	case AM_QUARANTINE_HEADER:
		if (smfi_addheader(ctx, cfg->quarantine_header, why) !=
		    MI_SUCCESS)
			return SMFIS_TEMPFAIL;
		break;
	case AM_QUARANTINE_NONE:
		break;
	}
	return SMFIS_ACCEPT;
}

bool
reply_insert_top(SMFICTX *ctx, const char *name, const char *value,
    bool leadspc)
{
	char *text;
	int rc;

	if (!leadspc)
		return smfi_insheader(ctx, 0, (char *)name, (char *)value) ==
		    MI_SUCCESS;
	if ((text = malloc(strlen(value) + 2)) == NULL)
		return false;
	text[0] = ' ';
	memcpy(text + 1, value, strlen(value) + 1);
	rc = smfi_insheader(ctx, 0, (char *)name, text);
	free(text);
	return rc == MI_SUCCESS;
}

/* Deletes the fields of name at the given 1-based positions, last first
 * so that the positions stay valid whichever way the MTA counts. */
static bool
delete_fields(SMFICTX *ctx, const char *name, const unsigned *at, size_t n)
{
	size_t i;

	for (i = n; i > 0; i--)
		if (smfi_chgheader(ctx, (char *)name, (int)at[i - 1], NULL) !=
		    MI_SUCCESS)
			return false;
	return true;
}

void
reply_headers(struct eom *e)
{
	const struct am_verdict *v = e->v;
	const char *verdict = e->rt->ctx->verdict_header;

	/* A forged header that cannot be removed must not be delivered. */
	if (v->forged_overflow ||
	    !delete_fields(e->ctx, "Authentication-Results", v->forged,
		v->nforged) ||
	    (verdict != NULL && !delete_fields(e->ctx, verdict,
				    v->stale_verdicts, v->nstale_verdicts)) ||
	    /* the verdict first, so that ours ends up on top of it */
	    (verdict != NULL && !reply_insert_top(e->ctx, verdict, v->label,
				    e->leadspc)) ||
	    !reply_insert_top(e->ctx, "Authentication-Results", v->authres,
		e->leadspc)) {
		e->status = SMFIS_TEMPFAIL;
		e->header_refused = true;
	}
}

void
reply_action(struct eom *e)
{
	const struct am_verdict *v = e->v;
	const struct am_config *cfg = e->rt->cfg;

	if (e->status == SMFIS_TEMPFAIL)
		return;
	switch (v->decision.action) {
	case AM_ACTION_REJECT:
		e->status = set_reply(e->ctx, cfg->reject_reply,
		    decisive_domain(v), SMFIS_REJECT);
		break;
	case AM_ACTION_TEMPFAIL:
		e->status = set_reply(e->ctx, cfg->temperror_reply,
		    decisive_domain(v), SMFIS_TEMPFAIL);
		break;
	case AM_ACTION_QUARANTINE:
		e->status = quarantine(e->ctx, cfg, v, e->leadspc);
		if (e->status == SMFIS_TEMPFAIL)
			e->header_refused = true;
		break;
	case AM_ACTION_ACCEPT:
		e->status = SMFIS_ACCEPT;
		break;
	}
}
