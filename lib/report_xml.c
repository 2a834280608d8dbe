/*
 * report_xml.c - writing RFC 9990 aggregate reports (see report_xml.h).
 *
 * Element order follows the schema: feedback is a sequence (version,
 * report_metadata, policy_published, record+), so are record (row,
 * identifiers, auth_results), policy_evaluated (disposition, dkim, spf,
 * reason*) and auth_results (dkim*, spf?); the others are xs:all.
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <string.h>

#include "report_xml.h"

#define NS "urn:ietf:params:xml:ns:dmarc-2.0"

/* len bytes of s, escaped; bytes outside printable ASCII become '?'. */
static void
text(struct am_buf *b, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		switch (s[i]) {
		case '&':
			am_buf_adds(b, "&amp;");
			break;
		case '<':
			am_buf_adds(b, "&lt;");
			break;
		case '>':
			am_buf_adds(b, "&gt;");
			break;
		case '"':
			am_buf_adds(b, "&quot;");
			break;
		default:
			am_buf_addc(b, (unsigned char)s[i] >= 0x20 &&
				(unsigned char)s[i] < 0x7f ? s[i] : '?');
		}
}

/* <name>value</name> on a line of its own at depth. */
static void
elem(struct am_buf *b, int depth, const char *name, const char *value,
    size_t len)
{
	am_buf_printf(b, "%*s<%s>", depth * 2, "", name);
	text(b, value, len);
	am_buf_printf(b, "</%s>\n", name);
}

static void
elems(struct am_buf *b, int depth, const char *name, const char *value)
{
	elem(b, depth, name, value, strlen(value));
}

static void
open_tag(struct am_buf *b, int depth, const char *name)
{
	am_buf_printf(b, "%*s<%s>\n", depth * 2, "", name);
}

static void
close_tag(struct am_buf *b, int depth, const char *name)
{
	am_buf_printf(b, "%*s</%s>\n", depth * 2, "", name);
}

/* value when it is one of the schema's words, else fallback (the store
 * is not trusted to hold only valid ones). */
static const char *
one_of(const char *value, const char *const *words, const char *fallback)
{
	size_t i;

	for (i = 0; value != NULL && words[i] != NULL; i++)
		if (strcmp(value, words[i]) == 0)
			return words[i];
	return fallback;
}

static const char *const policies[] = {"none", "quarantine", "reject", NULL};
static const char *const alignments[] = {"r", "s", NULL};
static const char *const yes_no[] = {"n", "y", NULL};
static const char *const dispositions[] = {"none", "pass", "quarantine",
    "reject", NULL};
static const char *const pass_fail[] = {"pass", "fail", NULL};
static const char *const spf_results[] = {"none", "pass", "fail",
    "softfail", "policy", "neutral", "temperror", "permerror", NULL};

void
am_report_xml_head(struct am_buf *b, const struct am_report_meta *m,
    const struct am_report_policy *p)
{
	am_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<feedback xmlns=\"" NS "\">\n"
		       "  <version>1.0</version>\n");
	open_tag(b, 1, "report_metadata");
	elems(b, 2, "org_name", m->org_name);
	elems(b, 2, "email", m->email);
	if (m->extra_contact != NULL && m->extra_contact[0] != '\0')
		elems(b, 2, "extra_contact_info", m->extra_contact);
	elems(b, 2, "report_id", m->report_id);
	open_tag(b, 2, "date_range");
	am_buf_printf(b, "      <begin>%" PRId64 "</begin>\n"
			 "      <end>%" PRId64 "</end>\n",
	    m->begin, m->end);
	close_tag(b, 2, "date_range");
	if (m->error != NULL && m->error[0] != '\0')
		elems(b, 2, "error", m->error);
	if (m->generator != NULL)
		elems(b, 2, "generator", m->generator);
	close_tag(b, 1, "report_metadata");
	open_tag(b, 1, "policy_published");
	elems(b, 2, "domain", p->domain);
	elems(b, 2, "discovery_method", "treewalk");
	elems(b, 2, "p", one_of(p->p, policies, "none"));
	if (one_of(p->sp, policies, NULL) != NULL)
		elems(b, 2, "sp", p->sp);
	if (one_of(p->np, policies, NULL) != NULL)
		elems(b, 2, "np", p->np);
	elems(b, 2, "adkim", one_of(p->adkim, alignments, "r"));
	elems(b, 2, "aspf", one_of(p->aspf, alignments, "r"));
	elems(b, 2, "fo", p->fo != NULL ? p->fo : "0");
	elems(b, 2, "testing", one_of(p->testing, yes_no, "n"));
	close_tag(b, 1, "policy_published");
}

static const struct {
	const char *word, *type;
} overrides[] = {
	{"list", "mailing_list"},
	{"forwarder", "trusted_forwarder"},
	{"srs", "trusted_forwarder"},
	{"arc", "trusted_forwarder"},
	{"test-mode", "policy_test_mode"},
	{"mode", "local_policy"},
	{"dry-run", "local_policy"},
	{"trusted-network", "local_policy"},
	{"authenticated", "local_policy"},
	{"allow-network", "local_policy"},
	{"allow-from-domain", "local_policy"},
	{"local-policy", "local_policy"},
};

const char *
am_report_override_type(const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(overrides) / sizeof(*overrides); i++)
		if (strlen(overrides[i].word) == len &&
		    memcmp(overrides[i].word, word, len) == 0)
			return overrides[i].type;
	return "other";
}

/* The next line of an encoded list: *line and *len, and *rest after it.
 * False at the end. */
static bool
next_line(const char **rest, const char **line, size_t *len)
{
	const char *nl;

	if (**rest == '\0')
		return false;
	*line = *rest;
	nl = strchr(*rest, '\n');
	*len = nl != NULL ? (size_t)(nl - *rest) : strlen(*rest);
	*rest = nl != NULL ? nl + 1 : *rest + *len;
	return true;
}

/* Splits a line at TABs into at most n fields; the count found. */
static size_t
fields(const char *line, size_t len, const char **f, size_t *flen, size_t n)
{
	const char *tab;
	size_t k = 0;

	while (k < n) {
		tab = memchr(line, '\t', len);
		f[k] = line;
		flen[k] = tab != NULL ? (size_t)(tab - line) : len;
		k++;
		if (tab == NULL)
			break;
		len -= flen[k - 1] + 1;
		line = tab + 1;
	}
	return k;
}

static void
reasons(struct am_buf *b, const char *list)
{
	const char *line, *f[2], *type;
	size_t len, flen[2];

	while (list != NULL && next_line(&list, &line, &len)) {
		if (fields(line, len, f, flen, 2) != 2 || flen[0] == 0)
			continue;
		type = am_report_override_type(f[0], flen[0]);
		open_tag(b, 4, "reason");
		elems(b, 5, "type", type);
		am_buf_adds(b, "          <comment>");
		if (strcmp(type, "other") == 0 || flen[1] == 0) {
			text(b, f[0], flen[0]);
			if (flen[1] > 0)
				am_buf_adds(b, ": ");
		}
		text(b, f[1], flen[1]);
		am_buf_adds(b, "</comment>\n");
		close_tag(b, 4, "reason");
	}
}

static bool
dkim_result_valid(const char *r, size_t len)
{
	static const char *const valid[] = {"none", "pass", "fail", "policy",
	    "neutral", "temperror", "permerror"};
	size_t i;

	for (i = 0; i < sizeof(valid) / sizeof(*valid); i++)
		if (strlen(valid[i]) == len && memcmp(valid[i], r, len) == 0)
			return true;
	return false;
}

static void
dkim(struct am_buf *b, const char *list)
{
	const char *line, *f[3];
	size_t len, flen[3];

	while (list != NULL && next_line(&list, &line, &len)) {
		if (fields(line, len, f, flen, 3) != 3 ||
		    !dkim_result_valid(f[2], flen[2]))
			continue;
		open_tag(b, 3, "dkim");
		elem(b, 4, "domain", f[0], flen[0]);
		elem(b, 4, "selector", f[1], flen[1]);
		elem(b, 4, "result", f[2], flen[2]);
		close_tag(b, 3, "dkim");
	}
}

void
am_report_xml_record(struct am_buf *b, const struct am_report_record *r)
{
	open_tag(b, 1, "record");
	open_tag(b, 2, "row");
	elems(b, 3, "source_ip", r->source_ip);
	am_buf_printf(b, "      <count>%" PRIu64 "</count>\n", r->count);
	open_tag(b, 3, "policy_evaluated");
	elems(b, 4, "disposition", one_of(r->disposition, dispositions,
	    "none"));
	elems(b, 4, "dkim", one_of(r->dkim_aligned, pass_fail, "fail"));
	elems(b, 4, "spf", one_of(r->spf_aligned, pass_fail, "fail"));
	reasons(b, r->reasons);
	close_tag(b, 3, "policy_evaluated");
	close_tag(b, 2, "row");
	open_tag(b, 2, "identifiers");
	elems(b, 3, "header_from", r->header_from);
	if (r->envelope_from != NULL)
		elems(b, 3, "envelope_from", r->envelope_from);
	close_tag(b, 2, "identifiers");
	open_tag(b, 2, "auth_results");
	dkim(b, r->dkim);
	if (r->spf_domain != NULL && r->spf_result != NULL) {
		open_tag(b, 3, "spf");
		elems(b, 4, "domain", r->spf_domain);
		if (r->spf_scope != NULL && strcmp(r->spf_scope, "mfrom") == 0)
			elems(b, 4, "scope", "mfrom");
		elems(b, 4, "result", one_of(r->spf_result, spf_results,
		    "permerror"));
		close_tag(b, 3, "spf");
	}
	close_tag(b, 2, "auth_results");
	close_tag(b, 1, "record");
}

void
am_report_xml_tail(struct am_buf *b)
{
	am_buf_adds(b, "</feedback>\n");
}
