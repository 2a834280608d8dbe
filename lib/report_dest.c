/*
 * report_dest.c - Verifying External Destinations, RFC 9990 4 (see
 * report_dest.h).  The Organizational Domains are found by the DNS Tree
 * Walk of RFC 9989 4.10 (orgdomain.c), through the caller's resolver.
 */
#include "autoconfig.h"

#include <string.h>

#include "dmarc_record.h"
#include "domain.h"
#include "orgdomain.h"
#include "report_dest.h"

/* The Organizational Domain of name, or NULL (*why) when DNS failed. */
static const char *
org_of(struct am_dns_session *dns, struct am_arena *arena, const char *name,
    const char **why)
{
	struct am_walk walk;

	am_orgdomain_walk(dns, arena, name, true, NULL, &walk);
	if (walk.tempfail) {
		*why = walk.why;
		return NULL;
	}
	return am_orgdomain_select(&walk);
}

/* Step 9: the override in the authorizing record, if it has one, must
 * keep to the destination host. */
static enum am_report_dest
override(struct am_arena *arena, const struct am_dmarc_record *rec,
    const char *tag, const struct am_report_uri *uri,
    struct am_report_uri *out, size_t max, size_t *n, const char **why)
{
	const char *list = strcmp(tag, "ruf") == 0 ? rec->ruf : rec->rua;
	size_t i, k;

	if (list == NULL || max == 0) {
		out[0] = *uri;
		*n = 1;
		return AM_REPORT_DEST_OK;
	}
	k = am_report_uris(arena, list, strlen(list), out, max, NULL);
	for (i = 0; i < k; i++)
		if (!am_domain_equal(out[i].host, uri->host)) {
			*why = am_arena_printf(arena, "the authorizing record "
			    "at %s redirects to %s, another host: no report "
			    "to either (RFC 9990 4)", uri->host, out[i].host);
			return AM_REPORT_DEST_REFUSED;
		}
	if (k == 0) { /* an override with no usable URI: keep the original */
		out[0] = *uri;
		k = 1;
	}
	*n = k;
	return AM_REPORT_DEST_OK;
}

/* Steps 5 to 8 on the answer for name. */
static enum am_report_dest
authorized(struct am_dns_session *dns, struct am_arena *arena,
    const char *name, const char *tag, const struct am_report_uri *uri,
    struct am_report_uri *out, size_t max, size_t *n, const char **why)
{
	const struct am_dns_answer *a = am_dns_session_lookup(dns, name,
	    AM_DNS_TXT);
	struct am_dmarc_record rec;
	size_t i;

	if (a->status == AM_DNS_TEMPFAIL) {
		*why = am_arena_printf(arena, "%s: %s", name, a->why != NULL ?
		    a->why : "DNS failure");
		return AM_REPORT_DEST_TEMPFAIL;
	}
	for (i = 0; a->status == AM_DNS_OK && i < a->count; i++)
		if (am_dmarc_record_is_dmarc(a->rr[i].text, a->rr[i].len) &&
		    am_dmarc_record_parse(arena, a->rr[i].text, a->rr[i].len,
			&rec))
			return override(arena, &rec, tag, uri, out, max, n,
			    why);
	*why = am_arena_printf(arena, "%s publishes no v=DMARC1 record at %s: "
	    "external reports not authorized (RFC 9990 4)", uri->host, name);
	return AM_REPORT_DEST_REFUSED;
}

enum am_report_dest
am_report_dest_check(struct am_dns_session *dns, struct am_arena *arena,
    const char *policy_domain, const char *tag,
    const struct am_report_uri *uri, struct am_report_uri *out, size_t max,
    size_t *n, const char **why)
{
	const char *org, *dest_org, *name;

	*n = 0;
	if ((org = org_of(dns, arena, policy_domain, why)) == NULL ||
	    (dest_org = org_of(dns, arena, uri->host, why)) == NULL)
		return AM_REPORT_DEST_TEMPFAIL;
	if (am_domain_equal(org, dest_org)) {
		if (max == 0)
			return AM_REPORT_DEST_REFUSED;
		out[0] = *uri;
		*n = 1;
		return AM_REPORT_DEST_OK;
	}
	/* Steps 1 to 4 */
	name = am_arena_printf(arena, "%s._report._dmarc.%s", policy_domain,
	    uri->host);
	if (name == NULL || !am_domain_valid(name, strlen(name))) {
		*why = "the verification name is too long for DNS (RFC 9990 4 "
		       "step 4)";
		return AM_REPORT_DEST_REFUSED;
	}
	return authorized(dns, arena, name, tag, uri, out, max, n, why);
}
