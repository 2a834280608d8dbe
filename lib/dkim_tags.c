/*
 * dkim_tags.c - the DKIM-Signature tag parser, RFC 6376 3.2 (tag=value
 * lists) and 3.5 (the signature's tags).
 *
 * The wrapper reads d= and s= the moment a DKIM-Signature field arrives,
 * to start the key lookup while the message is still being transferred,
 * and reads t=, x=, l= and b= for its own checks.  The field is hostile:
 * the parser keeps to the given length, needs no NUL, allocates nothing,
 * and refuses anything the grammar does not allow rather than guessing.
 *
 * Threads: no state; safe anywhere.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dkim_internal.h"
#include "domain.h"

static const char *const tag_names[AM_DKIM_NTAGS] = {
	[AM_DKIM_TAG_V] = "v",
	[AM_DKIM_TAG_A] = "a",
	[AM_DKIM_TAG_B] = "b",
	[AM_DKIM_TAG_BH] = "bh",
	[AM_DKIM_TAG_C] = "c",
	[AM_DKIM_TAG_D] = "d",
	[AM_DKIM_TAG_H] = "h",
	[AM_DKIM_TAG_I] = "i",
	[AM_DKIM_TAG_L] = "l",
	[AM_DKIM_TAG_S] = "s",
	[AM_DKIM_TAG_T] = "t",
	[AM_DKIM_TAG_X] = "x",
};

/* RFC 6376 3.5: tags every signature carries. */
static const enum am_dkim_tag required[] = {
	AM_DKIM_TAG_V, AM_DKIM_TAG_A, AM_DKIM_TAG_B, AM_DKIM_TAG_BH,
	AM_DKIM_TAG_D, AM_DKIM_TAG_H, AM_DKIM_TAG_S,
};

#define NAME_SHOWN 16 /* bytes of a hostile tag name quoted in why */

static bool fail(struct am_dkim_sigtags *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool
fail(struct am_dkim_sigtags *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
	return false;
}

/* FWS (RFC 6376 2.8), with folds as CRLF or bare LF. */
static bool
is_fws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static size_t
skip_fws(const char *s, size_t len, size_t i)
{
	while (i < len && is_fws((unsigned char)s[i]))
		i++;
	return i;
}

/* Files one tag=value; a tag may appear only once (RFC 6376 3.2). */
static bool
record(struct am_dkim_sigtags *out, struct am_dkim_tagval *seen, size_t *nseen,
    const struct am_dkim_tagval *name, const struct am_dkim_tagval *val)
{
	size_t k;

	for (k = 0; k < *nseen; k++)
		if (seen[k].len == name->len &&
		    memcmp(seen[k].p, name->p, name->len) == 0)
			return fail(out, "tag %.*s= appears twice",
			    (int)(name->len < NAME_SHOWN ? name->len :
							   NAME_SHOWN),
			    name->p);
	if (*nseen == AM_DKIM_TAGS_MAX)
		return fail(out, "more than %d tags", AM_DKIM_TAGS_MAX);
	seen[(*nseen)++] = *name;
	for (k = 0; k < AM_DKIM_NTAGS; k++)
		if (strlen(tag_names[k]) == name->len &&
		    memcmp(tag_names[k], name->p, name->len) == 0)
			out->tag[k] = *val;
	return true;
}

/* tag-value up to the next ';': VALCHAR and FWS only (RFC 6376 3.2). */
static bool
scan_value(const char *s, size_t len, size_t *i, struct am_dkim_tagval *val,
    const struct am_dkim_tagval *name, struct am_dkim_sigtags *out)
{
	size_t start = *i, end;
	unsigned char c;

	for (; *i < len && s[*i] != ';'; (*i)++) {
		c = (unsigned char)s[*i];
		if (!is_fws(c) && (c < 0x21 || c > 0x7e))
			return fail(out, "byte 0x%02x in the value of %.*s=", c,
			    (int)(name->len < NAME_SHOWN ? name->len :
							   NAME_SHOWN),
			    name->p);
	}
	for (end = *i; end > start && is_fws((unsigned char)s[end - 1]); end--)
		;
	val->p = s + start;
	val->len = end - start;
	return true;
}

static bool
parse_list(const char *s, size_t len, struct am_dkim_sigtags *out)
{
	struct am_dkim_tagval seen[AM_DKIM_TAGS_MAX], name, val;
	size_t nseen = 0, i = 0;

	for (;;) {
		if ((i = skip_fws(s, len, i)) == len)
			return true;
		if (s[i] == ';') { /* an empty tag-spec: tolerated */
			i++;
			continue;
		}
		if (!is_alpha((unsigned char)s[i]))
			return fail(out, "tag name expected at offset %zu", i);
		name.p = s + i;
		while (i < len && (is_alpha((unsigned char)s[i]) ||
				      is_digit((unsigned char)s[i]) ||
				      s[i] == '_'))
			i++;
		name.len = (size_t)(s + i - name.p);
		if ((i = skip_fws(s, len, i)) == len || s[i] != '=')
			return fail(out, "'=' expected after %.*s",
			    (int)(name.len < NAME_SHOWN ? name.len :
							  NAME_SHOWN),
			    name.p);
		i = skip_fws(s, len, i + 1);
		if (!scan_value(s, len, &i, &val, &name, out) ||
		    !record(out, seen, &nseen, &name, &val))
			return false;
		if (i < len)
			i++; /* the ';' */
	}
}

/* 1*max DIGIT; larger values than uint64_t saturate. */
static bool
number(const struct am_dkim_tagval *v, size_t max, uint64_t *n)
{
	size_t k;

	if (v->len == 0 || v->len > max)
		return false;
	*n = 0;
	for (k = 0; k < v->len; k++) {
		if (!is_digit((unsigned char)v->p[k]))
			return false;
		if (*n > (UINT64_MAX - 9) / 10)
			*n = UINT64_MAX;
		else
			*n = *n * 10 + (uint64_t)(v->p[k] - '0');
	}
	return true;
}

/* RFC 6376 3.5 d= and 3.1 s=: dot-separated labels of letters, digits,
 * hyphens (underscores are tolerated in selectors, as DNS allows). */
static bool
dns_name(const struct am_dkim_tagval *v, bool underscore)
{
	size_t k;
	unsigned char c;

	if (!am_domain_valid(v->p, v->len) || v->p[v->len - 1] == '.')
		return false;
	for (k = 0; k < v->len; k++) {
		c = (unsigned char)v->p[k];
		if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' &&
		    !(underscore && c == '_'))
			return false;
	}
	return true;
}

/* RFC 6376 3.5 i=: its domain is d= or a subdomain of it. */
static bool
identity_within(const struct am_dkim_tagval *i, const struct am_dkim_tagval *d)
{
	const char *at = NULL, *dom;
	size_t k, len;

	for (k = 0; k < i->len; k++)
		if (i->p[k] == '@')
			at = i->p + k;
	if (at == NULL)
		return false;
	dom = at + 1;
	len = (size_t)(i->p + i->len - dom);
	if (len < d->len || strncasecmp(dom + len - d->len, d->p, d->len) != 0)
		return false;
	return len == d->len || dom[len - d->len - 1] == '.';
}

/* The names in h= (colon-separated). */
static size_t
count_names(const struct am_dkim_tagval *h)
{
	size_t k, n = 1;

	for (k = 0; k < h->len; k++)
		n += h->p[k] == ':';
	return n;
}

static bool
check_numbers(struct am_dkim_sigtags *out)
{
	const struct am_dkim_tagval *t = &out->tag[AM_DKIM_TAG_T],
				 *x = &out->tag[AM_DKIM_TAG_X],
				 *l = &out->tag[AM_DKIM_TAG_L];

	if (t->p != NULL && !number(t, 12, &out->t))
		return fail(out, "t= is not a number of 1 to 12 digits");
	if (x->p != NULL && !number(x, 12, &out->x))
		return fail(out, "x= is not a number of 1 to 12 digits");
	if (l->p != NULL && !number(l, 76, &out->l))
		return fail(out, "l= is not a number of 1 to 76 digits");
	if (t->p != NULL && x->p != NULL && out->x <= out->t)
		return fail(out, "x= is not after t=");
	return true;
}

static bool
check_tags(struct am_dkim_sigtags *out)
{
	const struct am_dkim_tagval *v = &out->tag[AM_DKIM_TAG_V];
	size_t k;

	for (k = 0; k < sizeof(required) / sizeof(required[0]); k++)
		if (out->tag[required[k]].p == NULL ||
		    out->tag[required[k]].len == 0)
			return fail(out, "%s= is %s", tag_names[required[k]],
			    out->tag[required[k]].p == NULL ? "missing" :
							      "empty");
	if (v->len != 1 || v->p[0] != '1')
		return fail(out, "v= is not 1");
	if (!dns_name(&out->tag[AM_DKIM_TAG_D], false))
		return fail(out, "d= is not a domain name");
	if (!dns_name(&out->tag[AM_DKIM_TAG_S], true))
		return fail(out, "s= is not a valid selector");
	if (out->tag[AM_DKIM_TAG_I].p != NULL &&
	    !identity_within(&out->tag[AM_DKIM_TAG_I], &out->tag[AM_DKIM_TAG_D]))
		return fail(out, "i= is not within d=");
	if (count_names(&out->tag[AM_DKIM_TAG_H]) > AM_DKIM_HNAMES_MAX)
		return fail(out, "h= names more than %d header fields",
		    AM_DKIM_HNAMES_MAX);
	return check_numbers(out);
}

bool
am_dkim_sigtags_parse(const char *value, size_t len, struct am_dkim_sigtags *out)
{
	memset(out, 0, sizeof(*out));
	return parse_list(value, len, out) && check_tags(out);
}

char *
am_dkim_tag_compact(struct am_arena *arena, const struct am_dkim_tagval *v)
{
	char *s;
	size_t k, n = 0;

	if (v->p == NULL || (s = am_arena_alloc(arena, v->len + 1)) == NULL)
		return NULL;
	for (k = 0; k < v->len; k++)
		if (!is_fws((unsigned char)v->p[k]))
			s[n++] = v->p[k];
	s[n] = '\0';
	return s;
}

char *
am_dkim_tag_copy(struct am_arena *arena, const struct am_dkim_tagval *v)
{
	return v->p != NULL ? am_arena_strndup(arena, v->p, v->len) : NULL;
}
