/*
 * orgdomain.c - the DNS Tree Walk, RFC 9989 4.10 (see orgdomain.h).
 *
 * All lookups go through the message's DNS session, so the several walks
 * one message needs (policy discovery, then one per identifier whose
 * alignment is relaxed) share their common queries.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "orgdomain.h"

int
am_orgdomain_lookup(struct am_dns_session *dns, struct am_arena *arena,
    const char *name, struct am_trace *trace, struct am_dmarc_record *rec,
    const char **why)
{
	const struct am_dns_answer *a;
	const struct am_dns_rr *found = NULL;
	char qname[AM_DOMAIN_MAX + 16];
	size_t i, n = 0;

	snprintf(qname, sizeof(qname), "_dmarc.%s", name);
	a = am_dns_session_lookup(dns, qname, AM_DNS_TXT);
	if (a->status == AM_DNS_TEMPFAIL) {
		*why = am_arena_printf(arena, "no DNS answer for TXT %s (%s)",
		    qname, a->why != NULL ? a->why : "failure");
		am_trace_add(trace, "dmarc", 1, "TXT %s -> %s", qname,
		    *why != NULL ? *why : "failure");
		return -1;
	}
	for (i = 0; i < a->count; i++)
		if (am_dmarc_record_is_dmarc(a->rr[i].text, a->rr[i].len)) {
			found = &a->rr[i];
			n++;
		}
	if (n == 0) {
		am_trace_add(trace, "dmarc", 1, "TXT %s -> %s", qname,
		    a->status == AM_DNS_OK ? "no DMARC record" :
					     am_dns_status_name(a->status));
		return 0;
	}
	if (n > 1) {
		/* RFC 9989 4.10 step 2: several records are all discarded. */
		am_trace_add(trace, "dmarc", 1, "TXT %s -> %zu DMARC records, "
		    "all discarded", qname, n);
		return 0;
	}
	am_trace_add(trace, "dmarc", 1, "TXT %s -> \"%.*s\"", qname,
	    (int)found->len, found->text);
	if (!am_dmarc_record_parse(arena, found->text, found->len, rec)) {
		*why = "out of memory";
		return -1;
	}
	return 1;
}

/* The name made of the last n labels of name (n >= 1). */
static const char *
suffix(const char *name, size_t labels, size_t n)
{
	const char *p = name;

	while (labels-- > n)
		p = strchr(p, '.') + 1;
	return p;
}

void
am_orgdomain_walk(struct am_dns_session *dns, struct am_arena *arena,
    const char *start, bool include_start, struct am_trace *trace,
    struct am_walk *out)
{
	size_t x = am_domain_labels(start, strlen(start)), n;
	struct am_dmarc_record rec;
	const char *name;
	int r;

	memset(out, 0, sizeof(*out));
	out->start = start;
	/* Steps 1, 4, 7: the start, then (at most 7 labels) each parent. */
	n = include_start ? x : (x > 8 ? 7 : x - 1);
	for (; n >= 1 && out->queries < AM_WALK_MAX; n--) {
		if (n == x - 1 && x > 8)
			n = 7; /* step 4: long names jump to 7 labels */
		name = suffix(start, x, n);
		out->queries++;
		r = am_orgdomain_lookup(dns, arena, name, trace, &rec,
		    &out->why);
		if (r < 0) {
			out->tempfail = true;
			return;
		}
		if (r == 0)
			continue;
		out->found[out->nfound].domain = name;
		out->found[out->nfound].rec = rec;
		out->nfound++;
		/* Steps 2, 6: an explicit psd= ends the walk. */
		if (rec.psd != AM_DMARC_PSD_UNKNOWN)
			return;
	}
}

/* A record our deviation treats as a PSD's: psd=y, or a single-label
 * name without psd=n. */
static bool
is_psd(const struct am_walk_found *f)
{
	return f->rec.psd == AM_DMARC_PSD_YES ||
	    (f->rec.psd == AM_DMARC_PSD_UNKNOWN &&
		am_domain_labels(f->domain, strlen(f->domain)) == 1);
}

const struct am_walk_found *
am_orgdomain_psd(const struct am_walk *walk)
{
	size_t i;

	/* Rule 2 skips the record of the name the walk started at; with
	 * hidden labels that name is not the start. */
	for (i = 0; i < walk->nfound; i++)
		if (is_psd(&walk->found[i]) && (walk->hidden > 0 ||
			strcmp(walk->found[i].domain, walk->start) != 0))
			return &walk->found[i];
	return NULL;
}

const char *
am_orgdomain_select(const struct am_walk *walk)
{
	size_t x = am_domain_labels(walk->start, strlen(walk->start));
	const struct am_walk_found *psd;
	size_t i;

	/* 4.10.2 rule 1: psd=n names the Organizational Domain. */
	for (i = 0; i < walk->nfound; i++)
		if (walk->found[i].rec.psd == AM_DMARC_PSD_NO)
			return walk->found[i].domain;
	/* Rule 2: below a PSD (not the start itself), one label down. */
	if ((psd = am_orgdomain_psd(walk)) != NULL) {
		size_t below = am_domain_labels(psd->domain,
				   strlen(psd->domain)) + 1;

		if (below > x && walk->hidden > 0)
			return NULL;
		return suffix(walk->start, x, below < x ? below : x);
	}
	/* Rule 3: the record with the fewest labels; none: the start. */
	if (walk->nfound == 0)
		return walk->hidden > 0 ? NULL : walk->start;
	return walk->found[walk->nfound - 1].domain;
}
