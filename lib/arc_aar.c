/*
 * arc_aar.c - reading the results an ARC-Authentication-Results reports
 * (RFC 8617 4.1.1: "i=N;" then an RFC 8601 2.2 authres-payload).
 *
 *   authres-payload = [CFWS] authserv-id [CFWS authres-version]
 *                     ( no-result / 1*resinfo ) [CFWS]
 *   resinfo  = [CFWS] ";" methodspec [CFWS reasonspec] [CFWS 1*propspec]
 *   propspec = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
 *   pvalue   = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]
 *
 * Only the newest set of a chain that verified is ever read, and only to
 * decide whether a trusted sealer vouches for the From domain (the
 * verdict's local policy): method, result, header.from, header.d,
 * header.i, smtp.mailfrom and smtp.helo.  A resinfo that cannot be read
 * is skipped up to the next ';' (nothing is inferred from it); one whose
 * properties cannot all be read is kept marked partial; results past
 * AM_AAR_RESULTS_MAX are counted, not kept.  Comments and quoted-strings
 * are skipped by one rule everywhere (skip_delimited()): a ';' or ')'
 * inside either never ends anything.
 *
 * Threads: no state; strings come from the caller's arena.
 */
#include "autoconfig.h"

#include <string.h>
#include <strings.h>

#include "arc_internal.h"
#include "authres.h"

#define COMMENT_DEPTH 32

struct cursor {
	const char *p, *end;
};

static bool
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Past the comment or quoted-string that starts at c->p ('(' or '"'),
 * by one rule wherever one is met: a backslash quotes the next character
 * in both, comments nest (RFC 5322 3.2.2), quoted-strings do not (3.2.4).
 * False when it is left open or nests deeper than COMMENT_DEPTH. */
static bool
skip_delimited(struct cursor *c)
{
	char open = *c->p, close = open == '(' ? ')' : '"';
	unsigned depth = 1;

	for (c->p++; c->p < c->end; c->p++) {
		if (*c->p == '\\') {
			if (++c->p == c->end)
				return false;
		} else if (*c->p == close) {
			if (--depth == 0) {
				c->p++;
				return true;
			}
		} else if (open == '(' && *c->p == '(' &&
		    ++depth > COMMENT_DEPTH)
			return false;
	}
	return false;
}

/* Skips CFWS; false when a comment is left open or nests too deep. */
static bool
cfws(struct cursor *c)
{
	while (c->p < c->end) {
		if (*c->p == '(') {
			if (!skip_delimited(c))
				return false;
		} else if (is_fws(*c->p))
			c->p++;
		else
			break;
	}
	return true;
}

/* An RFC 2045 token character; in a pvalue also '@' and the atext a
 * local-part may hold besides ('/', '=', '?': RFC 5322 3.2.3), which is
 * also how sealers write header.b's base64 unquoted. */
static bool
word_char(char ch, bool pvalue)
{
	unsigned char u = (unsigned char)ch;

	if (u <= 0x20 || u == 0x7f)
		return false;
	if (pvalue && strchr("@/=?", ch) != NULL)
		return true;
	return strchr("()<>@,;:\\\"/[]?=", ch) == NULL;
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Keyword (RFC 8601 2.2, RFC 5321's ldh-str): method, result, ptype,
 * property.  Lower-cased; NULL when there is none. */
static char *
keyword(struct am_arena *arena, struct cursor *c)
{
	const char *start = c->p;
	char *s;

	while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') ||
				    (*c->p >= 'A' && *c->p <= 'Z') ||
				    (*c->p >= '0' && *c->p <= '9') ||
				    *c->p == '-' || *c->p == '_'))
		c->p++;
	if (c->p == start ||
	    (s = am_arena_strndup(arena, start, (size_t)(c->p - start))) ==
		NULL)
		return NULL;
	lower(s);
	return s;
}

/* The quoted-string at c->p, unquoted (quoted-pairs undone, folds taken
 * out), appended to b; false when it is left open. */
static bool
quoted(struct cursor *c, struct am_buf *b)
{
	const char *q = c->p;

	if (!skip_delimited(c))
		return false;
	for (q++; q < c->p - 1; q++) {
		if (*q == '\\')
			q++;
		if (*q != '\r' && *q != '\n')
			am_buf_addc(b, *q);
	}
	return true;
}

/* The token at c->p appended to b; how many '@' it holds, or -1 when
 * there is none. */
static int
token(struct cursor *c, struct am_buf *b, bool pvalue)
{
	const char *start = c->p;
	int ats = 0;

	for (; c->p < c->end && word_char(*c->p, pvalue); c->p++) {
		ats += *c->p == '@';
		am_buf_addc(b, *c->p);
	}
	return c->p == start ? -1 : ats;
}

/* A pvalue (RFC 8601 2.2: value / [[local-part] "@"] domain-name) onto
 * b.  A quoted-string followed by '@' is the local-part of an address and
 * stays quoted, so that the address's domain is the one after its only
 * '@' outside quotes (domain_of() in arc_trust.c); a quoted-string alone
 * is a value, unquoted.  False when unreadable, or when an address has
 * more than one '@' outside quotes (no domain can be told then). */
static bool
pvalue(struct cursor *c, struct am_buf *b)
{
	const char *start = c->p;
	int ats;

	if (c->p == c->end || *c->p != '"')
		return (ats = token(c, b, true)) >= 0 && ats <= 1;
	if (!quoted(c, b))
		return false;
	if (c->p == c->end || *c->p != '@')
		return true;
	am_buf_reset(b);
	am_buf_add(b, start, (size_t)(c->p - start));
	return token(c, b, true) == 1 && c->p[-1] != '@';
}

/* A value (pvalue when pv, else RFC 2045 token / quoted-string) from the
 * arena, lower-cased when low; NULL when there is none or it cannot be
 * read. */
static char *
read_value(struct am_arena *arena, struct cursor *c, bool pv, bool low)
{
	struct am_buf b;
	char *s = NULL;
	bool ok;

	am_buf_init(&b, 1024);
	if (pv)
		ok = pvalue(c, &b);
	else if (c->p < c->end && *c->p == '"')
		ok = quoted(c, &b);
	else
		ok = token(c, &b, false) >= 0;
	if (ok && b.len > 0 && !am_buf_failed(&b) &&
	    (s = am_arena_strndup(arena, b.data, b.len)) != NULL && low)
		lower(s);
	am_buf_release(&b);
	return s;
}

static bool
expect(struct cursor *c, char ch)
{
	if (!cfws(c) || c->p == c->end || *c->p != ch)
		return false;
	c->p++;
	return cfws(c);
}

/* Where the next resinfo starts: the next ';' outside quotes and
 * comments (the end when one is left open). */
static void
next_resinfo(struct cursor *c)
{
	while (c->p < c->end && *c->p != ';') {
		if (*c->p != '"' && *c->p != '(')
			c->p++;
		else if (!skip_delimited(c))
			c->p = c->end;
	}
}

/* Keeps a property alignment reads; false when it was given before (which
 * one the sealer meant cannot be told). */
static bool
keep(
    struct am_aar_result *r, const char *ptype, const char *prop, const char *v)
{
	const char **slot = NULL;

	if (strcmp(ptype, "header") == 0 && strcmp(prop, "from") == 0)
		slot = &r->header_from;
	else if (strcmp(ptype, "header") == 0 && strcmp(prop, "d") == 0)
		slot = &r->header_d;
	else if (strcmp(ptype, "header") == 0 && strcmp(prop, "i") == 0)
		slot = &r->header_i;
	else if (strcmp(ptype, "smtp") == 0 && strcmp(prop, "mailfrom") == 0)
		slot = &r->smtp_mailfrom;
	else if (strcmp(ptype, "smtp") == 0 && strcmp(prop, "helo") == 0)
		slot = &r->smtp_helo;
	if (slot == NULL)
		return true;
	if (*slot != NULL)
		return false;
	*slot = v;
	return true;
}

/* One propspec, or a "keyword=value" without a ptype: reasonspec, and
 * Microsoft's "dmarc=pass action=none header.from=..." (not RFC 8601, but
 * what deployed sealers write), both passed over.  False when it cannot
 * be read. */
static bool
propspec(struct am_arena *arena, struct cursor *c, struct am_aar_result *r)
{
	char *ptype, *prop, *v;

	if ((ptype = keyword(arena, c)) == NULL || !cfws(c) || c->p == c->end)
		return false;
	if (*c->p == '=')
		return expect(c, '=') &&
		    read_value(arena, c, true, false) != NULL;
	return expect(c, '.') && (prop = keyword(arena, c)) != NULL &&
	    expect(c, '=') && (v = read_value(arena, c, true, true)) != NULL &&
	    keep(r, ptype, prop, v);
}

/* [reasonspec] *propspec, up to the next ';'.  Reading stops at the first
 * thing that cannot be read: what follows it is not known, so r is then
 * partial and vouches for nothing. */
static void
properties(struct am_arena *arena, struct cursor *c, struct am_aar_result *r)
{
	for (;;) {
		if (!cfws(c)) {
			r->partial = true;
			break;
		}
		if (c->p == c->end || *c->p == ';')
			break;
		if (!propspec(arena, c, r)) {
			r->partial = true;
			break;
		}
	}
	next_resinfo(c);
}

/* One resinfo after its ';'; false when it is not one. */
static bool
resinfo(struct am_arena *arena, struct cursor *c, struct am_aar_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!cfws(c) || (r->method = keyword(arena, c)) == NULL)
		return false;
	/* method-version: "/" [CFWS] 1*DIGIT */
	if (cfws(c) && c->p < c->end && *c->p == '/') {
		c->p++;
		if (!cfws(c) || keyword(arena, c) == NULL)
			return false;
	}
	if (!expect(c, '=') || (r->result = keyword(arena, c)) == NULL)
		return false;
	properties(arena, c, r);
	return true;
}

bool
am_aar_parse(struct am_arena *arena, const char *value, size_t len,
    struct am_aar *out)
{
	struct cursor c = {value, value + len};
	struct am_aar_result r;
	size_t payload;

	memset(out, 0, sizeof(*out));
	if ((out->instance = am_arc_aar_instance(value, len, &payload)) == 0)
		return false;
	c.p += payload;
	out->authserv_id = am_authres_authserv_id(arena, c.p,
	    (size_t)(c.end - c.p));
	if (out->authserv_id == NULL || !cfws(&c) ||
	    read_value(arena, &c, false, false) == NULL)
		return false;
	next_resinfo(&c); /* past an authres-version */
	while (c.p < c.end) {
		c.p++; /* the ';' */
		if (!resinfo(arena, &c, &r)) {
			next_resinfo(&c);
			continue;
		}
		if (out->n < AM_AAR_RESULTS_MAX)
			out->results[out->n++] = r;
		else
			out->truncated = true;
	}
	return true;
}
