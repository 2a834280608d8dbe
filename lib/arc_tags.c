/*
 * arc_tags.c - the tags of the ARC header fields (RFC 8617 4.1) and of
 * the DKIM key records their signatures use (RFC 6376 3.6.1, RFC 8463).
 *
 * Every ARC field is hostile input read before anything is known about
 * its sender: the parsers keep to the given length, need no NUL,
 * allocate nothing, and refuse what the grammar does not allow
 * (RFC 6376 3.2: tag names are case-sensitive, a name may not repeat,
 * an empty tag-spec is not a tag-spec).  The AAR's instance is read as
 * 4.1.1 writes it, "i=N;" before the payload, and nowhere else.
 *
 * Threads: no state.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arc_internal.h"
#include "base64.h"

int
am_arc_kind_of(const char *name, size_t len)
{
	static const struct {
		const char *name;
		enum am_arc_kind kind;
	} names[] = {
		{"ARC-Authentication-Results", AM_ARC_AAR},
		{"ARC-Message-Signature", AM_ARC_AMS},
		{"ARC-Seal", AM_ARC_AS},
	};
	size_t k;

	/* white space before the colon does not count (RFC 5322 obs) */
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strlen(names[k].name) == len &&
		    strncasecmp(names[k].name, name, len) == 0)
			return (int)names[k].kind;
	return -1;
}

static bool
value_is(const struct am_tagval *v, const char *want)
{
	return v->len == strlen(want) && memcmp(v->p, want, v->len) == 0;
}

/* position = 1*2DIGIT, 1..50 (RFC 8617 3.9). */
static unsigned
position(const struct am_tagval *v)
{
	uint64_t n;

	if (!am_dkim_tag_number(v, 2, &n) || n < 1 || n > AM_ARC_MAX_SETS)
		return 0;
	return (unsigned)n;
}

/* The tag called name, or NULL when absent; required ones must be
 * present and not empty. */
static const struct am_tagval *
tag(const struct am_taglist *l, const char *name)
{
	const struct am_tag *t = am_taglist_find(l, name);

	return t != NULL ? &t->value : NULL;
}

static bool
required(const struct am_taglist *l, const char *const *names, char *why)
{
	const struct am_tagval *v;

	for (; *names != NULL; names++)
		if ((v = tag(l, *names)) == NULL || v->len == 0)
			return am_tag_fail(why, "%s= is %s", *names, v == NULL ?
			    "missing" : "empty");
	return true;
}

/* a=: RFC 8301 leaves rsa-sha256; RFC 8463 adds ed25519-sha256. */
static bool
algorithm(const struct am_tagval *a, struct am_arc_sigtags *out)
{
	if (value_is(a, "rsa-sha256"))
		out->ed25519 = false;
	else if (value_is(a, "ed25519-sha256"))
		out->ed25519 = true;
	else if (value_is(a, "rsa-sha1"))
		return am_tag_fail(out->why, "a=rsa-sha1 is not allowed (RFC 8301)");
	else
		return am_tag_fail(out->why, "a=%.*s is not a known algorithm",
		    am_tag_shown(a->len), a->p);
	return true;
}

static bool
common_tags(const struct am_taglist *l, struct am_arc_sigtags *out)
{
	const struct am_tag *b = am_taglist_find(l, "b");
	const struct am_tagval *t = tag(l, "t");

	if (!algorithm(tag(l, "a"), out))
		return false;
	if (!am_base64_decode(b->value.p, b->value.len, out->b, sizeof(out->b),
		&out->blen) || out->blen == 0)
		return am_tag_fail(out->why, "b= is not base64");
	out->b_start = b->raw_start;
	out->b_end = b->raw_end;
	out->d = *tag(l, "d");
	out->s = *tag(l, "s");
	if (!am_dkim_tag_dns_name(&out->d, false))
		return am_tag_fail(out->why, "d= is not a domain name");
	if (!am_dkim_tag_dns_name(&out->s, true))
		return am_tag_fail(out->why, "s= is not a valid selector");
	if ((out->has_t = t != NULL) && !am_dkim_tag_number(t, 12, &out->t))
		return am_tag_fail(out->why, "t= is not a number of 1 to 12 digits");
	return true;
}

/* c= header[/body] (RFC 6376 3.5); both default to simple. */
static bool
canonicalization(const struct am_tagval *c, struct am_arc_sigtags *out)
{
	const char *slash;
	struct am_tagval head, body = {NULL, 0};

	out->header_relaxed = out->body_relaxed = false;
	if (c == NULL)
		return true;
	head = *c;
	if ((slash = memchr(c->p, '/', c->len)) != NULL) {
		head.len = (size_t)(slash - c->p);
		body.p = slash + 1;
		body.len = c->len - head.len - 1;
	}
	if ((!value_is(&head, "simple") && !value_is(&head, "relaxed")) ||
	    (body.p != NULL && !value_is(&body, "simple") &&
		!value_is(&body, "relaxed")))
		return am_tag_fail(out->why, "c=%.*s is not a canonicalization",
		    am_tag_shown(c->len), c->p);
	out->header_relaxed = value_is(&head, "relaxed");
	out->body_relaxed = body.p != NULL && value_is(&body, "relaxed");
	return true;
}

static bool
ams_tags(const struct am_taglist *l, struct am_arc_sigtags *out)
{
	static const char *const req[] = {"a", "b", "bh", "d", "s", NULL};
	const struct am_tagval *bh, *x = tag(l, "x"), *len = tag(l, "l"),
					 *h = tag(l, "h");
	size_t n;

	if (!required(l, req, out->why))
		return false;
	/* h= may be empty: a signature over no header field but its own */
	if (h == NULL)
		return am_tag_fail(out->why, "h= is missing");
	out->h = *h;
	bh = tag(l, "bh");
	if (!am_base64_decode(bh->p, bh->len, out->bh, sizeof(out->bh), &n) ||
	    n != sizeof(out->bh))
		return am_tag_fail(out->why, "bh= is not a base64 SHA-256 hash");
	if ((out->has_x = x != NULL) && !am_dkim_tag_number(x, 12, &out->x))
		return am_tag_fail(out->why, "x= is not a number of 1 to 12 digits");
	if ((out->has_l = len != NULL) && !am_dkim_tag_number(len, 76,
					      &out->l))
		return am_tag_fail(out->why, "l= is not a number of 1 to 76 digits");
	return canonicalization(tag(l, "c"), out) && common_tags(l, out);
}

static bool
as_tags(const struct am_taglist *l, struct am_arc_sigtags *out)
{
	static const char *const req[] = {"a", "b", "cv", "d", "s", NULL};
	const struct am_tagval *cv;

	if (!required(l, req, out->why))
		return false;
	/* 4.1.3: the seal covers fixed fields; h= is an error */
	if (tag(l, "h") != NULL)
		return am_tag_fail(out->why, "h= is not allowed in an ARC-Seal");
	cv = tag(l, "cv");
	if (value_is(cv, "none"))
		out->cv = AM_ARC_CV_NONE;
	else if (value_is(cv, "pass"))
		out->cv = AM_ARC_CV_PASS;
	else if (value_is(cv, "fail"))
		out->cv = AM_ARC_CV_FAIL;
	else
		return am_tag_fail(out->why, "cv=%.*s is not none, pass or fail",
		    am_tag_shown(cv->len), cv->p);
	return common_tags(l, out);
}

bool
am_arc_sigtags_parse(enum am_arc_kind kind, const char *value, size_t len,
    struct am_arc_sigtags *out)
{
	struct am_taglist l;
	const struct am_tagval *i;

	memset(out, 0, sizeof(*out));
	if (!am_taglist_parse(value, len, AM_TAGLIST_UTF8, &l)) {
		memcpy(out->why, l.why, sizeof(out->why));
		return false;
	}
	if ((i = tag(&l, "i")) == NULL)
		return am_tag_fail(out->why, "i= is missing");
	if ((out->instance = position(i)) == 0)
		return am_tag_fail(out->why, "i=%.*s is not an instance of 1 to 50",
		    am_tag_shown(i->len), i->p);
	return kind == AM_ARC_AS ? as_tags(&l, out) : ams_tags(&l, out);
}

/* CFWS as far as an AAR's instance needs it: white space and comments
 * (nested, with quoted-pairs), at most a few levels deep. */
static size_t
skip_cfws(const char *s, size_t len, size_t i)
{
	unsigned depth = 0;

	for (; i < len; i++) {
		if (depth == 0 && am_tag_is_fws((unsigned char)s[i]))
			continue;
		if (s[i] == '(') {
			if (++depth > 8)
				return len;
		} else if (depth > 0 && s[i] == ')') {
			depth--;
		} else if (depth > 0 && s[i] == '\\' && i + 1 < len) {
			i++;
		} else if (depth == 0)
			break;
	}
	return depth > 0 ? len : i;
}

unsigned
am_arc_aar_instance(const char *value, size_t len, size_t *payload)
{
	size_t i = skip_cfws(value, len, 0), start;
	struct am_tagval v;
	unsigned n;

	if (i == len || value[i] != 'i')
		return 0;
	if ((i = skip_cfws(value, len, i + 1)) == len || value[i] != '=')
		return 0;
	start = i = skip_cfws(value, len, i + 1);
	while (i < len && value[i] >= '0' && value[i] <= '9')
		i++;
	v.p = value + start;
	v.len = i - start;
	if ((n = position(&v)) == 0)
		return 0;
	if ((i = skip_cfws(value, len, i)) == len || value[i] != ';')
		return 0;
	*payload = i + 1;
	return n;
}

/* A colon-separated list (h=, s=, t= of key records) holding want. */
static bool
list_has(const struct am_tagval *v, const char *want)
{
	size_t i = 0, start, end, n = strlen(want);

	while (i <= v->len) {
		start = am_tag_skip_fws(v->p, v->len, i);
		for (end = start; end < v->len && v->p[end] != ':'; end++)
			;
		i = end + 1;
		while (end > start && am_tag_is_fws((unsigned char)v->p[end - 1]))
			end--;
		if (end - start == n && strncasecmp(v->p + start, want, n) == 0)
			return true;
	}
	return false;
}

bool
am_arc_keyrec_parse(const char *txt, size_t len, struct am_arc_keyrec *out)
{
	struct am_taglist l;
	const struct am_tagval *v, *k, *p;

	memset(out, 0, sizeof(*out));
	if (!am_taglist_parse(txt, len, AM_TAGLIST_LENIENT | AM_TAGLIST_UTF8,
		&l)) {
		memcpy(out->why, l.why, sizeof(out->why));
		return false;
	}
	/* 3.6.1: v=, when present, is first and says DKIM1 */
	if ((v = tag(&l, "v")) != NULL &&
	    (!value_is(v, "DKIM1") || l.tag[0].value.p != v->p))
		return am_tag_fail(out->why, "v= is not DKIM1, first");
	if ((k = tag(&l, "k")) != NULL && !value_is(k, "rsa") &&
	    !value_is(k, "ed25519"))
		return am_tag_fail(out->why, "k=%.*s is not a known key type",
		    am_tag_shown(k->len), k->p);
	out->ed25519 = k != NULL && value_is(k, "ed25519");
	if ((v = tag(&l, "h")) != NULL && !list_has(v, "sha256"))
		return am_tag_fail(out->why, "h= does not allow sha256");
	if ((v = tag(&l, "s")) != NULL && !list_has(v, "*") &&
	    !list_has(v, "email"))
		return am_tag_fail(out->why, "s= does not allow email");
	out->testing = (v = tag(&l, "t")) != NULL && list_has(v, "y");
	if ((p = tag(&l, "p")) == NULL)
		return am_tag_fail(out->why, "p= is missing");
	if (p->len == 0)
		return am_tag_fail(out->why, "the key is revoked (empty p=)");
	out->p = *p;
	return true;
}
