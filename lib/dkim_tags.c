/*
 * dkim_tags.c - the DKIM-Signature tag parser, RFC 6376 3.2 (tag=value
 * lists) and 3.5 (the signature's tags).
 *
 * The tag list itself is taglist.c's.  The wrapper reads d= and s= the
 * moment a DKIM-Signature field arrives,
 * to start the key lookup while the message is still being transferred,
 * and reads t=, x=, l= and b= for its own checks.  The field is hostile:
 * the parser keeps to the given length, needs no NUL, allocates nothing,
 * and refuses anything the grammar does not allow rather than guessing.
 *
 * Threads: no state; safe anywhere.
 */
#include "autoconfig.h"

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

/* The tag list (taglist.c, lenient: an empty tag-spec is tolerated, as
 * signers write them), then the tags the wrapper reads. */
static bool
parse_list(const char *s, size_t len, struct am_dkim_sigtags *out)
{
	struct am_taglist l;
	size_t i, k;

	if (!am_taglist_parse(s, len, AM_TAGLIST_LENIENT, &l)) {
		memcpy(out->why, l.why, sizeof(out->why));
		return false;
	}
	for (i = 0; i < l.n; i++)
		for (k = 0; k < AM_DKIM_NTAGS; k++)
			if (strlen(tag_names[k]) == l.tag[i].name.len &&
			    memcmp(tag_names[k], l.tag[i].name.p,
				l.tag[i].name.len) == 0)
				out->tag[k] = l.tag[i].value;
	return true;
}

bool
am_dkim_tag_number(const struct am_tagval *v, size_t max, uint64_t *n)
{
	size_t k;

	if (v->len == 0 || v->len > max)
		return false;
	*n = 0;
	for (k = 0; k < v->len; k++) {
		if (!am_tag_is_digit((unsigned char)v->p[k]))
			return false;
		if (*n > (UINT64_MAX - 9) / 10)
			*n = UINT64_MAX;
		else
			*n = *n * 10 + (uint64_t)(v->p[k] - '0');
	}
	return true;
}

bool
am_dkim_tag_dns_name(const struct am_tagval *v, bool underscore)
{
	size_t k;
	unsigned char c;

	if (!am_domain_valid(v->p, v->len) || v->p[v->len - 1] == '.')
		return false;
	for (k = 0; k < v->len; k++) {
		c = (unsigned char)v->p[k];
		if (!am_tag_is_alpha(c) && !am_tag_is_digit(c) && c != '-' && c != '.' &&
		    !(underscore && c == '_'))
			return false;
	}
	return true;
}

/* RFC 6376 3.5 i=: its domain is d= or a subdomain of it. */
static bool
identity_within(const struct am_tagval *i, const struct am_tagval *d)
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
count_names(const struct am_tagval *h)
{
	size_t k, n = 1;

	for (k = 0; k < h->len; k++)
		n += h->p[k] == ':';
	return n;
}

static bool
check_numbers(struct am_dkim_sigtags *out)
{
	const struct am_tagval *t = &out->tag[AM_DKIM_TAG_T],
				 *x = &out->tag[AM_DKIM_TAG_X],
				 *l = &out->tag[AM_DKIM_TAG_L];

	if (t->p != NULL && !am_dkim_tag_number(t, 12, &out->t))
		return am_tag_fail(out->why, "t= is not a number of 1 to 12 digits");
	if (x->p != NULL && !am_dkim_tag_number(x, 12, &out->x))
		return am_tag_fail(out->why, "x= is not a number of 1 to 12 digits");
	if (l->p != NULL && !am_dkim_tag_number(l, 76, &out->l))
		return am_tag_fail(out->why, "l= is not a number of 1 to 76 digits");
	if (t->p != NULL && x->p != NULL && out->x <= out->t)
		return am_tag_fail(out->why, "x= is not after t=");
	return true;
}

static bool
check_tags(struct am_dkim_sigtags *out)
{
	const struct am_tagval *v = &out->tag[AM_DKIM_TAG_V];
	size_t k;

	for (k = 0; k < sizeof(required) / sizeof(required[0]); k++)
		if (out->tag[required[k]].p == NULL ||
		    out->tag[required[k]].len == 0)
			return am_tag_fail(out->why, "%s= is %s", tag_names[required[k]],
			    out->tag[required[k]].p == NULL ? "missing" :
							      "empty");
	if (v->len != 1 || v->p[0] != '1')
		return am_tag_fail(out->why, "v= is not 1");
	if (!am_dkim_tag_dns_name(&out->tag[AM_DKIM_TAG_D], false))
		return am_tag_fail(out->why, "d= is not a domain name");
	if (!am_dkim_tag_dns_name(&out->tag[AM_DKIM_TAG_S], true))
		return am_tag_fail(out->why, "s= is not a valid selector");
	if (out->tag[AM_DKIM_TAG_I].p != NULL &&
	    !identity_within(&out->tag[AM_DKIM_TAG_I], &out->tag[AM_DKIM_TAG_D]))
		return am_tag_fail(out->why, "i= is not within d=");
	if (count_names(&out->tag[AM_DKIM_TAG_H]) > AM_DKIM_HNAMES_MAX)
		return am_tag_fail(out->why,
		    "h= names more than %d header fields", AM_DKIM_HNAMES_MAX);
	return check_numbers(out);
}

bool
am_dkim_sigtags_parse(const char *value, size_t len, struct am_dkim_sigtags *out)
{
	memset(out, 0, sizeof(*out));
	return parse_list(value, len, out) && check_tags(out);
}

char *
am_dkim_tag_compact(struct am_arena *arena, const struct am_tagval *v)
{
	char *s;
	size_t k, n = 0;

	if (v->p == NULL || (s = am_arena_alloc(arena, v->len + 1)) == NULL)
		return NULL;
	for (k = 0; k < v->len; k++)
		if (!am_tag_is_fws((unsigned char)v->p[k]))
			s[n++] = v->p[k];
	s[n] = '\0';
	return s;
}

char *
am_dkim_tag_copy(struct am_arena *arena, const struct am_tagval *v)
{
	return v->p != NULL ? am_arena_strndup(arena, v->p, v->len) : NULL;
}
