/*
 * idna.c - internationalized domains to the form DNS queries use (see
 * idna.h).
 *
 * A name is split into labels at '.' and at the full stops RFC 3490 3.1
 * and UTS #46 map to it (U+3002, U+FF0E, U+FF61), because a reader shows
 * "bank\u3002example" as bank.example.  ASCII labels are checked and
 * lower-cased here: letters, digits, '-' and '_', 1 to 63 octets.  A
 * label with other characters goes to libidn2 alone (UTS #46 processing,
 * non-transitional, IDNA2008 validity); its result must again be such an
 * ASCII label.  libidn2's STD3 option is not used: in 2.3.3 it deletes
 * the characters it refuses ("bank}" would become "bank").  Then the
 * longest suffix of valid labels that fits in 253 octets is the name, or
 * its usable part.
 *
 * The Bidi rule (RFC 5893) is applied by libidn2 label by label, not
 * across labels; a name that needs the cross-label check is rare and
 * gains nothing from it here (it is either refused or a distinct name).
 *
 * Work: libidn2 costs a few microseconds a label; labels longer than
 * LABEL_INPUT_MAX octets are refused without it (no valid label maps
 * down from that many), so a hostile header cannot buy much.
 *
 * Pure functions, no state; safe from any thread.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "address.h"
#include "buf.h"
#include "domain.h"
#include "idna.h"

#define LABEL_INPUT_MAX 1024 /* octets of a U-label as written */
#define SHOWN_MAX	300  /* characters of a name shown in a reason */
#define LABELS_MAX	128  /* a 253-octet name has at most 127 labels */

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

/* One label as a DNS label (at most 63 octets) into out; NULL, or the
 * reason it is none. */
static const char *
ascii_label(const char *s, size_t n, char *out)
{
	size_t i;

	if (n == 0)
		return "empty label";
	if (n > AM_LABEL_MAX)
		return "label of more than 63 octets";
	for (i = 0; i < n; i++) {
		if (!am_idna_name_char((unsigned char)s[i]))
			return "character not allowed in a domain name";
		out[i] = lower(s[i]);
	}
	out[n] = '\0';
	return NULL;
}

/* idn2_to_ascii_8z() on a NUL-terminated label; the caller frees *out. */
static int
to_ascii(const char *in, char **out)
{
	*out = NULL;
	return idn2_to_ascii_8z(in, out, IDN2_NONTRANSITIONAL);
}

/* in without ZWNJ (U+200C) and ZWJ (U+200D), in place. */
static void
drop_joiners(char *in)
{
	char *w = in;

	for (; *in != '\0'; in++) {
		if (in[0] == '\xe2' && in[1] == '\x80' &&
		    (in[2] == '\x8c' || in[2] == '\x8d')) {
			in += 2;
			continue;
		}
		*w++ = *in;
	}
	*w = '\0';
}

static bool
kana_or_han(uint32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30ff && cp != 0x30fb) ||
	    (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
	    (cp >= 0x20000 && cp <= 0x3134f);
}

/*
 * RFC 5892 A.3, A.7: the MIDDLE DOT only between two "l" (Catalan), the
 * KATAKANA MIDDLE DOT only in a label with kana or Han.  libidn2 checks
 * these CONTEXTO rules when registering a name, not when looking one up,
 * and elsewhere both read as a dot: "bank<U+00B7>example" is no
 * bank.example.  Also the characters UTS #46 maps to them (U+0387 GREEK
 * ANO TELEIA, U+FF65 HALFWIDTH KATAKANA MIDDLE DOT).  s is valid UTF-8.
 */
static bool
dots_in_context(const char *s, size_t n)
{
	uint32_t cp, prev = 0, next;
	size_t i, k;
	bool kana = false, katakana_dot = false;

	for (i = 0; i < n; i += k) {
		k = am_idna_utf8_decode(s + i, n - i, &cp);
		kana = kana || kana_or_han(cp);
		katakana_dot = katakana_dot || cp == 0x30fb || cp == 0xff65;
		if (cp == 0xb7 || cp == 0x387) {
			next = 0;
			if (i + k < n)
				am_idna_utf8_decode(
				    s + i + k, n - i - k, &next);
			if ((prev | 0x20) != 'l' || (next | 0x20) != 'l')
				return false;
		}
		prev = cp;
	}
	return !katakana_dot || kana;
}

/* A label with non-ASCII characters, by UTS #46 and IDNA2008. */
static const char *
u_label(const char *s, size_t n, char *out)
{
	char in[LABEL_INPUT_MAX + 1], *conv;
	const char *why;
	uint32_t cp;
	size_t i, k;
	int rc;

	if (n > LABEL_INPUT_MAX)
		return "label of more than 63 octets";
	for (i = 0; i < n; i += k)
		if ((k = am_idna_utf8_decode(s + i, n - i, &cp)) == 0 ||
		    cp == 0)
			return "invalid UTF-8";
	if (!dots_in_context(s, n))
		return "a middle dot out of its context (RFC 5892 A.3, A.7)";
	memcpy(in, s, n);
	in[n] = '\0';
	rc = to_ascii(in, &conv);
	/* RFC 5892 A.1, A.2: a joiner outside its contexts is invisible to a
	 * reader; UTS #46 transitional processing removes it too. */
	if (rc == IDN2_CONTEXTJ || rc == IDN2_CONTEXTJ_NO_RULE) {
		drop_joiners(in);
		rc = to_ascii(in, &conv);
	}
	if (rc != IDN2_OK) {
		free(conv);
		return idn2_strerror(rc);
	}
	why = ascii_label(conv, strlen(conv), out);
	free(conv);
	return why != NULL ? "not a valid label after IDNA2008 mapping" : NULL;
}

/* One label of the name, converted into out (AM_LABEL_MAX + 1 bytes). */
static const char *
label(const char *s, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return u_label(s, n, out);
	return ascii_label(s, n, out);
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

/* The name as written, for reasons: see struct am_idna_name. */
static const char *
shown(struct am_arena *arena, const char *s, size_t len)
{
	struct am_buf b;
	const char *out;
	uint32_t cp;
	size_t i = 0, k;

	am_buf_init(&b, 0);
	while (i < len && b.len < SHOWN_MAX) {
		if ((k = separator(s, len, i)) > 0) {
			am_buf_addc(&b, '.');
		} else if ((k = am_idna_utf8_decode(s + i, len - i, &cp)) == 0) {
			am_buf_printf(&b, "<0x%02X>", (unsigned char)s[i]);
			k = 1;
		} else if (cp > 0x20 && cp < 0x7f && cp != '<' && cp != '>' &&
		    cp != '"' && cp != '\\' && cp != '%')
			am_buf_addc(&b, (char)cp);
		else
			am_buf_printf(&b, "<U+%04X>", (unsigned)cp);
		i += k;
	}
	if (i < len)
		am_buf_adds(&b, "...");
	out = am_buf_failed(&b) ? "(unreadable)" :
				   am_arena_strdup(arena, am_buf_str(&b));
	am_buf_release(&b);
	return out;
}

/* The labels of a name: where each starts and ends in the text. */
struct labels {
	size_t start[LABELS_MAX], end[LABELS_MAX];
	size_t n;
	bool more; /* more labels than LABELS_MAX: the leftmost are lost */
};

static void
split(const char *s, size_t len, struct labels *l)
{
	size_t i = len, end = len, sep;

	/* From the right, so that the labels kept are the rightmost. */
	l->n = 0;
	l->more = false;
	for (;;) {
		sep = 0;
		while (i > 0 && (sep = i >= 3 && separator(s, len, i - 3) == 3 ?
					   3 : separator(s, len, i - 1)) == 0)
			i--;
		if (l->n == LABELS_MAX) {
			l->more = true;
			return;
		}
		l->start[l->n] = i;
		l->end[l->n] = end;
		l->n++;
		if (i == 0)
			return;
		i -= sep;
		end = i;
	}
}

bool
am_idna_convert(struct am_arena *arena, const char *domain, size_t len,
    struct am_idna_name *out)
{
	char name[AM_DOMAIN_MAX + 1], one[AM_LABEL_MAX + 1];
	size_t pos = AM_DOMAIN_MAX, k, n, written = len;
	const char *why = NULL;
	struct labels l;

	memset(out, 0, sizeof(*out));
	name[pos] = '\0';
	len = without_trailing_dot(domain, len);
	split(domain, len, &l);
	/* Right to left: every label valid, the whole within 253 octets. */
	for (k = 0; k < l.n; k++) {
		why = label(domain + l.start[k], l.end[k] - l.start[k], one);
		if (why == NULL && (n = strlen(one)) + (k > 0) > pos)
			why = "name of more than 253 octets";
		if (why != NULL)
			break;
		if (k > 0)
			name[--pos] = '.';
		pos -= n;
		memcpy(name + pos, one, n);
	}
	if (why == NULL && l.more)
		why = "name of more than 253 octets";
	out->hidden = (unsigned)(l.n - k) + (l.more ? 1 : 0);
	if (k > 0 && (out->ascii = am_arena_strdup(arena, name + pos)) == NULL)
		why = "out of memory";
	if (out->hidden == 0 && out->ascii != NULL)
		return true;
	if (out->hidden == 0)
		out->hidden = 1;
	out->why = why;
	out->shown = written > 0 ? shown(arena, domain, written) : "(empty)";
	return false;
}

const char *
am_domain_to_ascii(struct am_arena *arena, const char *domain, size_t len)
{
	struct am_idna_name n;

	return am_idna_convert(arena, domain, len, &n) ? n.ascii : NULL;
}
