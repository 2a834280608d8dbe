/*
 * idna.c - internationalized domains to the form DNS queries use.
 *
 * am_domain_to_ascii() (address.h) turns a domain as written in a header,
 * A-labels, U-labels in UTF-8 or a mix, into lower-case A-labels: RFC 5890
 * 2.3.2.1 ("xn--" followed by RFC 3492 Punycode of the label).  Labels
 * are taken as sent: no Unicode case folding or normalization (RFC 5891
 * leaves mapping to the application, and a mapping we apply but the
 * sender's DNS does not would only make names that do not exist).  The
 * one mapping done is RFC 3490 3.1's: the ideographic and full-width
 * full stops separate labels as '.' does, because a reader shows
 * "bank\u3002example" as bank.example and must not get a different
 * Author Domain from us.
 *
 * Pure functions, no state; safe from any thread.
 */
#include "autoconfig.h"

#include <string.h>

#include "address.h"
#include "domain.h"
#include "idna.h"

/* RFC 3492 5: the Punycode parameters of Bootstring. */
#define PC_BASE		36
#define PC_TMIN		1
#define PC_TMAX		26
#define PC_SKEW		38
#define PC_DAMP		700
#define PC_INITIAL_BIAS 72
#define PC_INITIAL_N	128

size_t
am_idna_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c, min;
	size_t n, i;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	/* The lead byte gives the length; C0, C1 and F5..FF never lead. */
	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		n = 2;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		n = 3;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		n = 4;
	else
		return 0;
	c = u[0] & (0x7f >> n);
	min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* RFC 3492 6.1: the bias after each delta. */
static uint32_t
adapt(uint32_t delta, uint32_t numpoints, bool first)
{
	uint32_t k = 0;

	delta = first ? delta / PC_DAMP : delta / 2;
	delta += delta / numpoints;
	while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) / 2) {
		delta /= PC_BASE - PC_TMIN;
		k += PC_BASE;
	}
	return k + (PC_BASE - PC_TMIN + 1) * delta / (delta + PC_SKEW);
}

/* RFC 3492 5: digit values 0..25 are a..z, 26..35 are 0..9. */
static char
digit(uint32_t d)
{
	return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

/* The encoder's output: size bytes at s, len used, one kept for the NUL. */
struct sink {
	char *s;
	size_t size, len;
};

static bool
put(struct sink *o, char c)
{
	if (o->size - o->len < 2)
		return false;
	o->s[o->len++] = c;
	return true;
}

/* RFC 3492 3.3, 6.3: q as a generalized variable-length integer. */
static bool
put_number(struct sink *o, uint32_t q, uint32_t bias)
{
	uint32_t k, t;

	for (k = PC_BASE;; k += PC_BASE) {
		t = k <= bias		  ? PC_TMIN
		    : k >= bias + PC_TMAX ? PC_TMAX
					  : k - bias;
		if (q < t)
			break;
		if (!put(o, digit(t + (q - t) % (PC_BASE - t))))
			return false;
		q = (q - t) / (PC_BASE - t);
	}
	return put(o, digit(q));
}

/* The smallest code point in[] at or above n. */
static uint32_t
next_code_point(const uint32_t *in, size_t count, uint32_t n)
{
	uint32_t m = UINT32_MAX;
	size_t j;

	for (j = 0; j < count; j++)
		if (in[j] >= n && in[j] < m)
			m = in[j];
	return m;
}

/* RFC 3492 6.3: the deltas of the code points >= n, in order. */
static bool
put_deltas(struct sink *o, const uint32_t *in, size_t count, size_t b)
{
	uint32_t n = PC_INITIAL_N, delta = 0, bias = PC_INITIAL_BIAS, m;
	size_t h = b, j;

	while (h < count) {
		m = next_code_point(in, count, n);
		/* RFC 3492 6.4: refuse rather than wrap. */
		if (m - n > (UINT32_MAX - delta) / (h + 1))
			return false;
		delta += (m - n) * (uint32_t)(h + 1);
		n = m;
		for (j = 0; j < count; j++) {
			if (in[j] < n && ++delta == 0)
				return false;
			if (in[j] != n)
				continue;
			if (!put_number(o, delta, bias))
				return false;
			bias = adapt(delta, (uint32_t)(h + 1), h == b);
			delta = 0;
			h++;
		}
		delta++;
		n++;
	}
	return true;
}

bool
am_idna_punycode_encode(
    const uint32_t *in, size_t count, char *out, size_t size)
{
	struct sink o = {out, size, 0};
	size_t j, b;

	/* Every code point costs a character: this bounds the work, and
	 * the basic code points fit with the NUL. */
	if (count >= size)
		return false;
	for (j = 0; j < count; j++)
		if (in[j] < 0x80)
			out[o.len++] = (char)in[j];
	b = o.len;
	if (b > 0 && !put(&o, '-'))
		return false;
	if (!put_deltas(&o, in, count, b))
		return false;
	out[o.len] = '\0';
	return true;
}

/* Length of the label separator at s[i], or 0 (RFC 3490 3.1). */
static size_t
separator(const char *s, size_t len, size_t i)
{
	static const char *const dots[] = {
	    "\xe3\x80\x82", /* U+3002 ideographic full stop */
	    "\xef\xbc\x8e", /* U+FF0E fullwidth full stop */
	    "\xef\xbd\xa1", /* U+FF61 halfwidth ideographic full stop */
	};
	size_t k;

	if (s[i] == '.')
		return 1;
	for (k = 0; k < sizeof(dots) / sizeof(dots[0]); k++)
		if (len - i >= 3 && memcmp(s + i, dots[k], 3) == 0)
			return 3;
	return 0;
}

size_t
am_idna_at_sign(const char *s, size_t len)
{
	if (s[0] == '@')
		return 1;
	if (len >= 3 &&
	    (memcmp(s, "\xef\xbc\xa0", 3) == 0 ||
		memcmp(s, "\xef\xb9\xab", 3) == 0))
		return 3;
	return 0;
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* An ASCII label, lower-cased, into out[*olen..size). */
static bool
ascii_label(const char *s, size_t n, char *out, size_t *olen, size_t size)
{
	size_t i;

	if (n > size - *olen)
		return false;
	for (i = 0; i < n; i++) {
		if (!am_idna_name_char((unsigned char)s[i]))
			return false;
		out[(*olen)++] = lower(s[i]);
	}
	return true;
}

/* A label with non-ASCII characters as "xn--" + Punycode. */
static bool
u_label(const char *s, size_t n, char *out, size_t *olen, size_t size)
{
	uint32_t cp[AM_LABEL_MAX];
	char code[AM_LABEL_MAX - 4 + 1];
	size_t i = 0, k, count = 0, clen;

	while (i < n) {
		/* 63 code points already make more than 63 - 4 characters. */
		if (count == AM_LABEL_MAX ||
		    (k = am_idna_utf8_decode(s + i, n - i, &cp[count])) == 0)
			return false;
		if (am_idna_at_sign(s + i, n - i) > 0)
			return false;
		if (cp[count] < 0x80) {
			if (!am_idna_name_char((unsigned char)cp[count]))
				return false;
			cp[count] = (uint32_t)lower((char)cp[count]);
		}
		count++;
		i += k;
	}
	if (!am_idna_punycode_encode(cp, count, code, sizeof(code)))
		return false;
	clen = strlen(code);
	if (4 + clen > size - *olen)
		return false;
	memcpy(out + *olen, "xn--", 4);
	memcpy(out + *olen + 4, code, clen);
	*olen += 4 + clen;
	return true;
}

static bool
add_label(const char *s, size_t n, char *out, size_t *olen, size_t size)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return u_label(s, n, out, olen, size);
	return ascii_label(s, n, out, olen, size);
}

/* Length of domain[0..len) without one trailing separator. */
static size_t
without_trailing_dot(const char *domain, size_t len)
{
	if (len >= 1 && separator(domain, len, len - 1) == 1)
		return len - 1;
	if (len >= 3 && separator(domain, len, len - 3) == 3)
		return len - 3;
	return len;
}

const char *
am_domain_to_ascii(struct am_arena *arena, const char *domain, size_t len)
{
	char out[AM_DOMAIN_MAX + 1];
	size_t olen = 0, start = 0, i = 0, sep;

	len = without_trailing_dot(domain, len);
	for (;;) {
		sep = 0;
		while (i < len && (sep = separator(domain, len, i)) == 0)
			i++;
		if (!add_label(
			domain + start, i - start, out, &olen, sizeof(out)))
			return NULL;
		if (sep == 0) /* that was the last label */
			break;
		if (olen == sizeof(out))
			return NULL;
		out[olen++] = '.';
		i += sep;
		start = i;
	}
	if (!am_domain_valid(out, olen))
		return NULL;
	return am_arena_strndup(arena, out, olen);
}
