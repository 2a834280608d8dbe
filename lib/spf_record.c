/*
 * spf_record.c - SPF record syntax, RFC 7208 sections 4.5, 4.6, 5, 6, 7.1.
 *
 * The whole record is checked before anything is evaluated: RFC 7208 4.6
 * says a syntax error anywhere makes the result permerror without further
 * interpretation.  Mechanism and modifier names are case-insensitive.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "spf_internal.h"

bool
am_spf_record_is_spf(const char *txt, size_t len)
{
	return len >= 6 && strncasecmp(txt, "v=spf1", 6) == 0 &&
	    (len == 6 || txt[6] == ' ');
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
domain_spec_valid(const char *s, size_t len, const char **why)
{
	if (len == 0) {
		*why = "empty domain-spec";
		return false;
	}
	if (!am_spf_macro_valid(s, len, AM_SPF_MACRO_DOMAIN, why))
		return false;
	if (!am_spf_domain_end_valid(s, len)) {
		*why = "domain-spec does not end in a valid top label";
		return false;
	}
	return true;
}

/*
 * A prefix length: "0" or a number without leading zero, at most max.
 * len bytes at s are the digits after the slash.
 */
static bool
cidr_value(const char *s, size_t len, unsigned max, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* Length of a trailing "/" 1*DIGIT at the end of s[0..len), or 0. */
static size_t
trailing_slash_number(const char *s, size_t len)
{
	size_t i = len;

	while (i > 0 && is_digit(s[i - 1]))
		i--;
	if (i == len || i == 0 || s[i - 1] != '/')
		return 0;
	return len - i + 1;
}

/*
 * Takes a dual-cidr-length off the end of s[0..*len) into t, shortening
 * *len (RFC 7208 5.6: [ "/" ip4-cidr ] [ "//" ip6-cidr ]).
 */
static bool
strip_dual_cidr(const char *s, size_t *len, struct am_spf_term *t,
    const char **why)
{
	size_t n;

	n = trailing_slash_number(s, *len);
	if (n > 0 && n < *len && s[*len - n - 1] == '/') {
		if (!cidr_value(s + *len - n + 1, n - 1, 128, &t->cidr6)) {
			*why = "bad IPv6 prefix length";
			return false;
		}
		*len -= n + 1;
		n = trailing_slash_number(s, *len);
	}
	if (n > 0) {
		if (!cidr_value(s + *len - n + 1, n - 1, 32, &t->cidr4)) {
			*why = "bad IPv4 prefix length";
			return false;
		}
		*len -= n;
	}
	return true;
}

static bool
parse_ip(const char *s, size_t len, struct am_spf_term *t, const char **why)
{
	char text[64];
	size_t n = trailing_slash_number(s, len), alen = len - n;
	bool v4 = t->mech == AM_SPF_MECH_IP4;

	if (n > 0 && !cidr_value(s + alen + 1, n - 1, v4 ? 32 : 128,
			 v4 ? &t->cidr4 : &t->cidr6)) {
		*why = v4 ? "bad IPv4 prefix length" : "bad IPv6 prefix length";
		return false;
	}
	if (alen == 0 || alen >= sizeof(text)) {
		*why = v4 ? "bad IPv4 network" : "bad IPv6 network";
		return false;
	}
	memcpy(text, s, alen);
	text[alen] = '\0';
	memset(&t->net, 0, sizeof(t->net));
	/* Raw inet_pton: ip6 keeps an IPv4-mapped network as IPv6, which
	 * never matches an IPv4 client (RFC 7208 5.6). */
	if (inet_pton(v4 ? AF_INET : AF_INET6, text, t->net.addr) != 1) {
		*why = v4 ? "bad IPv4 network" : "bad IPv6 network";
		return false;
	}
	t->net.family = v4 ? AM_IP_V4 : AM_IP_V6;
	return true;
}

static const struct {
	const char *name;
	enum am_spf_mech mech;
} mechanisms[] = {
	{"all", AM_SPF_MECH_ALL}, {"include", AM_SPF_MECH_INCLUDE}, {"a", AM_SPF_MECH_A},
	{"mx", AM_SPF_MECH_MX}, {"ptr", AM_SPF_MECH_PTR}, {"ip4", AM_SPF_MECH_IP4}, {"ip6", AM_SPF_MECH_IP6},
	{"exists", AM_SPF_MECH_EXISTS},
};

static bool
parse_directive(struct am_arena *arena, const char *s, size_t len,
    struct am_spf_term *t, const char **why)
{
	const char *arg;
	size_t i = 0, nlen, alen, k;
	bool found = false;

	t->qualifier = '+';
	if (len > 0 && strchr("+-~?", s[0]) != NULL) {
		t->qualifier = s[0];
		i = 1;
	}
	for (nlen = 0; i + nlen < len && (is_alpha(s[i + nlen]) ||
					     is_digit(s[i + nlen]));
	     nlen++)
		;
	for (k = 0; k < sizeof(mechanisms) / sizeof(*mechanisms); k++)
		if (strlen(mechanisms[k].name) == nlen &&
		    strncasecmp(s + i, mechanisms[k].name, nlen) == 0) {
			t->mech = mechanisms[k].mech;
			found = true;
			break;
		}
	if (!found) {
		*why = "unknown mechanism";
		return false;
	}
	arg = s + i + nlen;
	alen = len - i - nlen;
	t->cidr4 = 32;
	t->cidr6 = 128;
	switch (t->mech) {
	case AM_SPF_MECH_ALL:
		if (alen != 0) {
			*why = "\"all\" takes no argument";
			return false;
		}
		return true;
	case AM_SPF_MECH_IP4:
	case AM_SPF_MECH_IP6:
		if (alen < 2 || arg[0] != ':') {
			*why = "ip4/ip6 need \":\" and a network";
			return false;
		}
		return parse_ip(arg + 1, alen - 1, t, why);
	case AM_SPF_MECH_A:
	case AM_SPF_MECH_MX:
		if (!strip_dual_cidr(arg, &alen, t, why))
			return false;
		/* FALLTHROUGH */
	case AM_SPF_MECH_PTR:
		if (alen == 0)
			return true;
		/* FALLTHROUGH */
	case AM_SPF_MECH_INCLUDE:
	case AM_SPF_MECH_EXISTS:
		if (alen == 0 || arg[0] != ':') {
			*why = alen == 0 ? "mechanism needs \":\" and a "
					   "domain-spec" :
					   "unexpected text after mechanism";
			return false;
		}
		if (!domain_spec_valid(arg + 1, alen - 1, why))
			return false;
		t->spec = am_arena_strndup(arena, arg + 1, alen - 1);
		if (t->spec == NULL) {
			*why = "out of memory";
			return false;
		}
		return true;
	}
	*why = "unknown mechanism";
	return false;
}

/* If s is a modifier ("name=value"), returns the index of "=", else 0. */
static size_t
modifier_eq(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !is_alpha(s[0]))
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] == '=')
			return i;
		if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			return 0;
	}
	return 0;
}

static bool
parse_modifier(struct am_arena *arena, const char *s, size_t len, size_t eq,
    struct am_spf_record *rec, const char **why)
{
	const char *val = s + eq + 1, **slot = NULL;
	size_t vlen = len - eq - 1;

	if (eq == 8 && strncasecmp(s, "redirect", 8) == 0)
		slot = &rec->redirect;
	else if (eq == 3 && strncasecmp(s, "exp", 3) == 0)
		slot = &rec->exp;
	if (slot == NULL)
		/* RFC 7208 6: unknown modifiers are ignored, but their
		 * values must still be valid macro-strings. */
		return am_spf_macro_valid(val, vlen, AM_SPF_MACRO_DOMAIN, why);
	if (*slot != NULL) {
		*why = slot == &rec->redirect ? "more than one redirect" :
						"more than one exp";
		return false;
	}
	if (!domain_spec_valid(val, vlen, why))
		return false;
	if ((*slot = am_arena_strndup(arena, val, vlen)) == NULL) {
		*why = "out of memory";
		return false;
	}
	return true;
}

bool
am_spf_record_parse(struct am_arena *arena, const char *txt, size_t len,
    struct am_spf_record *out, const char **why)
{
	size_t i, start, n = 0, cap = 0, eq;

	memset(out, 0, sizeof(*out));
	if (len > AM_SPF_RECORD_MAX) {
		*why = "record too long";
		return false;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)txt[i] < 0x20 ||
		    (unsigned char)txt[i] > 0x7e) {
			/* RFC 7208 3.1, 4.6.1: ASCII, terms separated by
			 * spaces only. */
			*why = (unsigned char)txt[i] > 0x7e ?
			    "non-ASCII character in record" :
			    "control character in record";
			return false;
		}
	for (i = 6; i < len; i++)
		if (txt[i] != ' ' && (i == 6 || txt[i - 1] == ' '))
			cap++;
	if ((out->terms = am_arena_zalloc(arena,
		 (cap + 1) * sizeof(*out->terms))) == NULL) {
		*why = "out of memory";
		return false;
	}
	for (i = 6; i < len;) {
		while (i < len && txt[i] == ' ')
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && txt[i] != ' ')
			i++;
		if ((eq = modifier_eq(txt + start, i - start)) > 0) {
			if (!parse_modifier(arena, txt + start, i - start, eq,
				out, why))
				return false;
			continue;
		}
		if (!parse_directive(arena, txt + start, i - start,
			&out->terms[n], why))
			return false;
		out->terms[n].text = am_arena_strndup(arena, txt + start,
		    i - start);
		if (out->terms[n].text == NULL) {
			*why = "out of memory";
			return false;
		}
		n++;
	}
	out->nterms = n;
	return true;
}
