/*
 * dmarc_record.c - parsing the DMARC Policy Record, RFC 9989 4.7, 4.8.
 *
 *   dmarc-record  = dmarc-version *(dmarc-sep dmarc-tag) [dmarc-sep]
 *   dmarc-sep     = *WSP ";" *WSP
 *   dmarc-tag     = 1*ALPHA equals 1*dmarc-value
 *   dmarc-version = "v" equals %s"DMARC1"
 *
 * Two readings are more lenient than the ABNF, on purpose: white space
 * before "v" is skipped, and tag names and keyword values are compared
 * without regard to case (ABNF literals are case-insensitive; only
 * "DMARC1" is case-sensitive).  A receiver that ignored such a record
 * would treat a protected domain as unprotected.  Of a repeated tag the
 * first occurrence counts.
 *
 * Pure functions; hostile input is bounded by its length.
 */
#include "autoconfig.h"

#include <string.h>
#include <strings.h>

#include "dmarc_record.h"

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Trims WSP from both ends of [*s, *s + *len). */
static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && is_wsp(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && is_wsp((*s)[*len - 1]))
		(*len)--;
}

static bool
word_is(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && strncasecmp(s, word, len) == 0;
}

bool
am_dmarc_record_is_dmarc(const char *txt, size_t len)
{
	const char *end = memchr(txt, ';', len);
	size_t n = end != NULL ? (size_t)(end - txt) : len;
	const char *eq;

	trim(&txt, &n);
	if (n < 1 || (txt[0] != 'v' && txt[0] != 'V') ||
	    (eq = memchr(txt, '=', n)) == NULL)
		return false;
	/* "v" equals: only WSP between the name and "=" */
	for (const char *p = txt + 1; p < eq; p++)
		if (!is_wsp(*p))
			return false;
	n -= (size_t)(eq + 1 - txt);
	txt = eq + 1;
	trim(&txt, &n);
	return n == 6 && memcmp(txt, "DMARC1", 6) == 0;
}

static bool
parse_policy(const char *v, size_t len, enum am_dmarc_policy *out)
{
	if (word_is(v, len, "none"))
		*out = AM_DMARC_POLICY_NONE;
	else if (word_is(v, len, "quarantine"))
		*out = AM_DMARC_POLICY_QUARANTINE;
	else if (word_is(v, len, "reject"))
		*out = AM_DMARC_POLICY_REJECT;
	else
		return false;
	return true;
}

/* RFC 3986 scheme ":" rest, without white space or controls; a trailing
 * obs-dmarc-report-size ("!10m") is allowed. */
static bool
uri_valid(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0 || !is_alpha(s[0]))
		return false;
	while (i < len && (is_alpha(s[i]) || (s[i] >= '0' && s[i] <= '9') ||
			      s[i] == '+' || s[i] == '-' || s[i] == '.'))
		i++;
	if (i >= len || s[i] != ':' || i + 1 >= len)
		return false;
	for (i++; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static bool
urilist_valid(const char *s, size_t len)
{
	const char *comma;
	size_t n;

	while (len > 0) {
		comma = memchr(s, ',', len);
		n = comma != NULL ? (size_t)(comma - s) : len;
		{
			const char *u = s;
			size_t ulen = n;

			trim(&u, &ulen);
			if (uri_valid(u, ulen))
				return true;
		}
		if (comma == NULL)
			break;
		len -= n + 1;
		s = comma + 1;
	}
	return false;
}

/* dmarc-fo: "0"/"1" exclusive, "d" and "s" at most once, ":"-separated. */
static bool
parse_fo(const char *s, size_t len, unsigned *out)
{
	unsigned fo = 0, bit;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (i % 2 == 1) {
			if (c != ':')
				return false;
			continue;
		}
		bit = c == '0' ? AM_DMARC_FO_0 : c == '1' ? AM_DMARC_FO_1 :
		    c == 'd' || c == 'D' ? AM_DMARC_FO_D :
		    c == 's' || c == 'S' ? AM_DMARC_FO_S : 0;
		if (bit == 0 || (fo & bit) != 0)
			return false;
		fo |= bit;
	}
	if (len == 0 || len % 2 == 0 ||
	    (fo & (AM_DMARC_FO_0 | AM_DMARC_FO_1)) ==
		(AM_DMARC_FO_0 | AM_DMARC_FO_1))
		return false;
	*out = fo;
	return true;
}

/* y/n, r/s, y/n/u keywords; false when the value is not one of them. */
static bool
parse_flag(const char *v, size_t len, const char *yes, const char *no,
    bool *out)
{
	if (word_is(v, len, yes))
		*out = true;
	else if (word_is(v, len, no))
		*out = false;
	else
		return false;
	return true;
}

/* Tags seen so far, so that the first occurrence counts. */
enum {
	SEEN_P = 1 << 0, SEEN_SP = 1 << 1, SEEN_NP = 1 << 2,
	SEEN_ADKIM = 1 << 3, SEEN_ASPF = 1 << 4, SEEN_T = 1 << 5,
	SEEN_PSD = 1 << 6, SEEN_RUA = 1 << 7, SEEN_RUF = 1 << 8,
	SEEN_FO = 1 << 9,
};

static bool
tag(struct am_arena *arena, struct am_dmarc_record *r, unsigned *seen,
    const char *name, size_t nlen, const char *v, size_t vlen)
{
	static const struct {
		const char *name;
		unsigned bit;
	} tags[] = {
		{"p", SEEN_P}, {"sp", SEEN_SP}, {"np", SEEN_NP},
		{"adkim", SEEN_ADKIM}, {"aspf", SEEN_ASPF}, {"t", SEEN_T},
		{"psd", SEEN_PSD}, {"rua", SEEN_RUA}, {"ruf", SEEN_RUF},
		{"fo", SEEN_FO},
	};
	unsigned bit = 0;
	bool yes;
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(*tags); i++)
		if (word_is(name, nlen, tags[i].name))
			bit = tags[i].bit;
	if (bit == 0 || (*seen & bit) != 0)
		return true; /* unknown or repeated: ignored */
	*seen |= bit;
	switch (bit) {
	case SEEN_P:
		r->p_valid = parse_policy(v, vlen, &r->p);
		break;
	case SEEN_SP:
		r->sp_present = true;
		r->sp_valid = parse_policy(v, vlen, &r->sp);
		break;
	case SEEN_NP:
		r->np_present = true;
		r->np_valid = parse_policy(v, vlen, &r->np);
		break;
	case SEEN_ADKIM:
		if (parse_flag(v, vlen, "s", "r", &yes))
			r->adkim_strict = yes;
		break;
	case SEEN_ASPF:
		if (parse_flag(v, vlen, "s", "r", &yes))
			r->aspf_strict = yes;
		break;
	case SEEN_T:
		if (parse_flag(v, vlen, "y", "n", &yes))
			r->testing = yes;
		break;
	case SEEN_PSD:
		if (word_is(v, vlen, "y"))
			r->psd = AM_DMARC_PSD_YES;
		else if (word_is(v, vlen, "n"))
			r->psd = AM_DMARC_PSD_NO;
		break;
	case SEEN_RUA:
	case SEEN_RUF:
		if (bit == SEEN_RUA)
			r->rua_valid = urilist_valid(v, vlen);
		if ((*(bit == SEEN_RUA ? &r->rua : &r->ruf) =
			    am_arena_strndup(arena, v, vlen)) == NULL)
			return false;
		break;
	case SEEN_FO:
		if (!parse_fo(v, vlen, &r->fo))
			r->fo = AM_DMARC_FO_0;
		break;
	}
	return true;
}

bool
am_dmarc_record_parse(struct am_arena *arena, const char *txt, size_t len,
    struct am_dmarc_record *out)
{
	const char *s = txt, *semi, *eq, *name, *v;
	size_t n, nlen, vlen;
	unsigned seen = 0;
	bool first = true;

	memset(out, 0, sizeof(*out));
	out->fo = AM_DMARC_FO_0;
	if ((out->text = am_arena_strndup(arena, txt, len)) == NULL)
		return false;
	while (len > 0) {
		semi = memchr(s, ';', len);
		n = semi != NULL ? (size_t)(semi - s) : len;
		name = s;
		nlen = n;
		if (!first && (eq = memchr(s, '=', n)) != NULL) {
			nlen = (size_t)(eq - s);
			v = eq + 1;
			vlen = n - nlen - 1;
			trim(&name, &nlen);
			trim(&v, &vlen);
			for (size_t i = 0; i < nlen; i++)
				if (!is_alpha(name[i]))
					nlen = 0; /* not 1*ALPHA: ignore */
			if (nlen > 0 && vlen > 0 &&
			    !tag(arena, out, &seen, name, nlen, v, vlen))
				return false;
		}
		first = false; /* the version tag, checked by is_dmarc */
		if (semi == NULL)
			break;
		len -= n + 1;
		s = semi + 1;
	}
	return true;
}

const char *
am_dmarc_policy_name(enum am_dmarc_policy policy)
{
	switch (policy) {
	case AM_DMARC_POLICY_NONE:
		return "none";
	case AM_DMARC_POLICY_QUARANTINE:
		return "quarantine";
	case AM_DMARC_POLICY_REJECT:
		return "reject";
	}
	return "?";
}
