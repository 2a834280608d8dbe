/*
 * arc_aar.c - reading the results an ARC-Authentication-Results reports
 * (RFC 8617 4.1.1: "i=N;" then an RFC 8601 2.2 authres-payload).
 *
 *   authres-payload = [CFWS] authserv-id [CFWS authres-version]
 *                     ( no-result / 1*resinfo ) [CFWS]
 *   resinfo  = [CFWS] ";" methodspec [CFWS reasonspec] [CFWS 1*propspec]
 *   propspec = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
 *
 * Only the newest set of a chain that verified is ever read, and only to
 * decide whether a trusted sealer vouches for the From domain (the
 * verdict's local policy): method, result, header.from, header.d,
 * header.i and smtp.mailfrom.  A resinfo that cannot be read is skipped
 * up to the next ';' (nothing is inferred from it); results past
 * AM_AAR_RESULTS_MAX are counted, not kept.
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

/* Skips CFWS; false when a comment is left open or nests too deep. */
static bool
cfws(struct cursor *c)
{
	unsigned depth = 0;

	for (; c->p < c->end; c->p++) {
		if (depth == 0) {
			if (*c->p == '(')
				depth = 1;
			else if (!is_fws(*c->p))
				return true;
		} else if (*c->p == '\\') {
			if (++c->p == c->end)
				return false;
		} else if (*c->p == '(') {
			if (++depth > COMMENT_DEPTH)
				return false;
		} else if (*c->p == ')')
			depth--;
	}
	return depth == 0;
}

/* An RFC 2045 token character, or one a pvalue may hold besides
 * ('@', as in "user@example.com" and "@example.com"). */
static bool
word_char(char ch, bool pvalue)
{
	unsigned char u = (unsigned char)ch;

	if (u <= 0x20 || u == 0x7f)
		return false;
	if (pvalue && ch == '@')
		return true;
	return strchr("()<>@,;:\\\"/[]?=", ch) == NULL;
}

/* Keyword (RFC 8601 2.2, RFC 5321's ldh-str): method, result, ptype,
 * property.  Lower-cased; NULL when there is none. */
static char *
keyword(struct am_arena *arena, struct cursor *c)
{
	const char *start = c->p;
	char *s;
	size_t k;

	while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') ||
				    (*c->p >= 'A' && *c->p <= 'Z') ||
				    (*c->p >= '0' && *c->p <= '9') ||
				    *c->p == '-' || *c->p == '_'))
		c->p++;
	if (c->p == start ||
	    (s = am_arena_strndup(arena, start, (size_t)(c->p - start))) ==
		NULL)
		return NULL;
	for (k = 0; s[k] != '\0'; k++)
		if (s[k] >= 'A' && s[k] <= 'Z')
			s[k] = (char)(s[k] - 'A' + 'a');
	return s;
}

/* A token, or a quoted-string unquoted; lower-cased when lower. NULL
 * when there is none (the cursor does not move then). */
static char *
word(struct am_arena *arena, struct cursor *c, bool pvalue, bool lower)
{
	struct am_buf b;
	char *s = NULL;
	size_t k;

	am_buf_init(&b, 1024);
	if (c->p < c->end && *c->p == '"') {
		for (c->p++; c->p < c->end && *c->p != '"'; c->p++) {
			if (*c->p == '\\' && c->p + 1 < c->end)
				c->p++;
			if (*c->p != '\r' && *c->p != '\n')
				am_buf_addc(&b, *c->p);
		}
		if (c->p == c->end) {
			am_buf_release(&b);
			return NULL;
		}
		c->p++;
	} else
		for (; c->p < c->end && word_char(*c->p, pvalue); c->p++)
			am_buf_addc(&b, *c->p);
	if (b.len > 0 && !am_buf_failed(&b) &&
	    (s = am_arena_strndup(arena, b.data, b.len)) != NULL && lower)
		for (k = 0; s[k] != '\0'; k++)
			if (s[k] >= 'A' && s[k] <= 'Z')
				s[k] = (char)(s[k] - 'A' + 'a');
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
 * comments. */
static void
next_resinfo(struct cursor *c)
{
	while (c->p < c->end && *c->p != ';') {
		if (*c->p == '"' || *c->p == '(') {
			char close = *c->p == '"' ? '"' : ')';

			for (c->p++; c->p < c->end && *c->p != close; c->p++)
				if (*c->p == '\\' && c->p + 1 < c->end)
					c->p++;
		}
		if (c->p < c->end)
			c->p++;
	}
}

static void
keep(struct am_aar_result *r, const char *ptype, const char *prop,
    const char *value)
{
	if (strcmp(ptype, "header") == 0 && strcmp(prop, "from") == 0)
		r->header_from = value;
	else if (strcmp(ptype, "header") == 0 && strcmp(prop, "d") == 0)
		r->header_d = value;
	else if (strcmp(ptype, "header") == 0 && strcmp(prop, "i") == 0)
		r->header_i = value;
	else if (strcmp(ptype, "smtp") == 0 && strcmp(prop, "mailfrom") == 0)
		r->smtp_mailfrom = value;
}

/* [reasonspec] *propspec, up to the next ';'. */
static void
properties(struct am_arena *arena, struct cursor *c, struct am_aar_result *r)
{
	char *ptype, *prop, *value;

	while (cfws(c) && c->p < c->end && *c->p != ';') {
		if ((ptype = keyword(arena, c)) == NULL)
			break;
		if (strcmp(ptype, "reason") == 0 && expect(c, '=')) {
			if (word(arena, c, true, false) == NULL)
				break;
			continue;
		}
		if (!expect(c, '.') || (prop = keyword(arena, c)) == NULL ||
		    !expect(c, '=') || (value = word(arena, c, true, true)) ==
			NULL)
			break;
		keep(r, ptype, prop, value);
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
	    word(arena, &c, false, false) == NULL)
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
