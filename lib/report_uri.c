/*
 * report_uri.c - parsing rua= and ruf= (see report_uri.h).
 *
 *   dmarc-urilist = (dmarc-uri / obs-dmarc-uri)
 *                   *(*WSP "," *WSP (dmarc-uri / obs-dmarc-uri))
 *   obs-dmarc-uri = dmarc-uri "!" 1*DIGIT [ "k" / "m" / "g" / "t" ]
 *
 * A mailto: URI (RFC 6068) becomes its one address: %-escapes decoded,
 * "?..." header fields dropped, then checked as local@domain with a
 * domain that can be queried.  Hostile input: bounded by its length.
 */
#include "autoconfig.h"

#include <string.h>
#include <strings.h>

#include "domain.h"
#include "hex.h"
#include "report_uri.h"

#define ADDRESS_MAX 320 /* RFC 5321 4.5.3.1: 64 + "@" + 255 */

/* %-decodes len bytes at s into out (at least len + 1 bytes); false on a
 * bad escape or a byte an address cannot hold. */
static bool
decode(const char *s, size_t len, char *out, size_t *outlen)
{
	size_t i, n = 0;
	int hi, lo;
	char c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '%') {
			if (i + 2 >= len || (hi = am_hex_digit(s[i + 1])) < 0 ||
			    (lo = am_hex_digit(s[i + 2])) < 0)
				return false;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if ((unsigned char)c <= 0x20 || (unsigned char)c >= 0x7f ||
		    c == '<' || c == '>' || c == ',')
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	*outlen = n;
	return true;
}

/* One mailto: URI (without its size suffix) into *u. */
static bool
parse_mailto(struct am_arena *arena, const char *s, size_t len,
    struct am_report_uri *u)
{
	char addr[ADDRESS_MAX + 1];
	const char *q, *at;
	size_t alen;

	if (len < 7 || strncasecmp(s, "mailto:", 7) != 0)
		return false;
	if ((q = memchr(s, '?', len)) != NULL)
		len = (size_t)(q - s); /* header fields: not used */
	if (len - 7 > ADDRESS_MAX || !decode(s + 7, len - 7, addr, &alen) ||
	    (at = strrchr(addr, '@')) == NULL || at == addr ||
	    !am_domain_valid(at + 1, strlen(at + 1)) ||
	    am_domain_labels(at + 1, strlen(at + 1)) < 2)
		return false;
	if ((u->uri = am_arena_strndup(arena, s, len)) == NULL ||
	    (u->address = am_arena_strdup(arena, addr)) == NULL ||
	    (u->host = am_domain_normalize(arena, at + 1, strlen(at + 1))) ==
		NULL)
		return false;
	return true;
}

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

size_t
am_report_uris(struct am_arena *arena, const char *list, size_t len,
    struct am_report_uri *out, size_t max, unsigned *ignored)
{
	const char *comma, *bang, *s;
	size_t n = 0, ulen;
	unsigned skipped = 0;

	while (len > 0) {
		comma = memchr(list, ',', len);
		ulen = comma != NULL ? (size_t)(comma - list) : len;
		s = list;
		while (ulen > 0 && is_wsp(*s)) {
			s++;
			ulen--;
		}
		while (ulen > 0 && is_wsp(s[ulen - 1]))
			ulen--;
		/* 4.8: a raw "!" starts the obsolete size */
		if ((bang = memchr(s, '!', ulen)) != NULL)
			ulen = (size_t)(bang - s);
		if (ulen > 0) {
			if (n < max && parse_mailto(arena, s, ulen, &out[n]))
				n++;
			else
				skipped++;
		}
		if (comma == NULL)
			break;
		len -= (size_t)(comma + 1 - list);
		list = comma + 1;
	}
	if (ignored != NULL)
		*ignored = skipped;
	return n;
}
