/*
 * taglist.c - tag=value lists, RFC 6376 3.2 (see taglist.h).
 *
 * DKIM (dkim_tags.c), key records and ARC (arc_tags.c) read their fields
 * with it; the field is hostile, so anything the grammar does not allow
 * is refused with a reason rather than guessed at.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "taglist.h"

#define NAME_SHOWN 16 /* bytes of a hostile tag name quoted in why */

bool
am_tag_fail(char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, AM_TAG_WHY, fmt, ap);
	va_end(ap);
	return false;
}

bool
am_tag_is_fws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool
am_tag_is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool
am_tag_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

size_t
am_tag_skip_fws(const char *s, size_t len, size_t i)
{
	while (i < len && am_tag_is_fws((unsigned char)s[i]))
		i++;
	return i;
}

int
am_tag_shown(size_t len)
{
	return (int)(len < NAME_SHOWN ? len : NAME_SHOWN);
}

/* tag-value up to ';': VALCHAR (%x21-3A / %x3C-7E), UTF-8 when utf8
 * (RFC 8616), and FWS. */
static bool
scan_value(const char *s, size_t len, size_t *i, struct am_tag *t,
    bool utf8, char *why)
{
	size_t start, end;
	unsigned char c;

	t->raw_start = *i;
	start = am_tag_skip_fws(s, len, *i);
	for (*i = start; *i < len && s[*i] != ';'; (*i)++) {
		c = (unsigned char)s[*i];
		if (!am_tag_is_fws(c) && (c < 0x21 || c == 0x7f || (c > 0x7f && !utf8)))
			return am_tag_fail(why, "byte 0x%02x in the value of %.*s=", c,
			    am_tag_shown(t->name.len), t->name.p);
	}
	t->raw_end = *i;
	for (end = *i; end > start && am_tag_is_fws((unsigned char)s[end - 1]); end--)
		;
	t->value.p = s + start;
	t->value.len = end - start;
	return true;
}

static bool
add_tag(struct am_taglist *out, const struct am_tag *t)
{
	size_t k;

	for (k = 0; k < out->n; k++)
		if (out->tag[k].name.len == t->name.len &&
		    memcmp(out->tag[k].name.p, t->name.p, t->name.len) == 0)
			return am_tag_fail(out->why, "tag %.*s= appears twice",
			    am_tag_shown(t->name.len), t->name.p);
	if (out->n == AM_TAGLIST_MAX)
		return am_tag_fail(out->why, "more than %d tags", AM_TAGLIST_MAX);
	out->tag[out->n++] = *t;
	return true;
}

/* One tag-spec at *i; *i ends on its ';' or at len. */
static bool
tag_spec(const char *s, size_t len, size_t *i, bool utf8,
    struct am_taglist *out)
{
	struct am_tag t;

	if (!am_tag_is_alpha((unsigned char)s[*i]))
		return am_tag_fail(out->why, "tag name expected at offset %zu", *i);
	t.name.p = s + *i;
	while (*i < len && (am_tag_is_alpha((unsigned char)s[*i]) ||
			       am_tag_is_digit((unsigned char)s[*i]) || s[*i] == '_'))
		(*i)++;
	t.name.len = (size_t)(s + *i - t.name.p);
	if ((*i = am_tag_skip_fws(s, len, *i)) == len || s[*i] != '=')
		return am_tag_fail(out->why, "'=' expected after %.*s",
		    am_tag_shown(t.name.len), t.name.p);
	(*i)++;
	return scan_value(s, len, i, &t, utf8, out->why) && add_tag(out, &t);
}

bool
am_taglist_parse(const char *s, size_t len, unsigned flags,
    struct am_taglist *out)
{
	size_t i = 0;

	out->n = 0;
	out->why[0] = '\0';
	for (;;) {
		if ((i = am_tag_skip_fws(s, len, i)) == len)
			return true;
		if (s[i] == ';') {
			/* a tag-spec has a name: ";;" and a leading ";"
			 * are not tag lists (a final ";" is consumed
			 * with its tag) */
			if ((flags & AM_TAGLIST_LENIENT) == 0)
				return am_tag_fail(out->why, "empty tag at offset %zu",
				    i);
			i++;
			continue;
		}
		if (!tag_spec(s, len, &i, (flags & AM_TAGLIST_UTF8) != 0, out))
			return false;
		if (i < len)
			i++; /* the ';' */
	}
}

const struct am_tag *
am_taglist_find(const struct am_taglist *list, const char *name)
{
	size_t k, n = strlen(name);

	for (k = 0; k < list->n; k++)
		if (list->tag[k].name.len == n &&
		    memcmp(list->tag[k].name.p, name, n) == 0)
			return &list->tag[k];
	return NULL;
}
