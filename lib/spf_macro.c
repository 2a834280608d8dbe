/*
 * spf_macro.c - SPF macro syntax and expansion, RFC 7208 section 7.
 *
 * macro-string = *( macro-expand / macro-literal ), where a macro-expand
 * is "%{" letter [digits] ["r"] *delimiter "}" or one of "%%" "%_" "%-".
 * Expansion splits a value on its delimiters (default "."), optionally
 * reverses the parts, keeps the rightmost N, joins them with "." and, for
 * an upper-case letter, URL-escapes the result.
 *
 * Pure functions of their arguments; the one value that needs DNS (%{p})
 * comes through a callback supplied by the evaluator.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_internal.h"

#define DELIMITERS ".-+,/_="

struct macro {
	char letter;	  /* lower case */
	bool escape;	  /* the letter was upper case */
	unsigned digits;  /* 0: keep every part */
	bool reverse;
	char delims[8];	  /* NUL-terminated; "" means "." */
};

static bool
is_letter(char c, enum am_spf_macro_use use)
{
	if (c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	if (strchr("slodiphv", c) != NULL)
		return true;
	/* RFC 7208 7.1: c, r and t are for explanation strings only. */
	return use == AM_SPF_MACRO_EXPLAIN && strchr("crt", c) != NULL;
}

/*
 * Parses the macro-expand whose "%{" starts at s[i]; on success stores it
 * in *m and returns the index after "}", otherwise 0 with *why set.
 */
static size_t
parse_expand(const char *s, size_t len, size_t i, enum am_spf_macro_use use,
    struct macro *m, const char **why)
{
	size_t nd = 0;
	bool had_digits = false;

	memset(m, 0, sizeof(*m));
	i += 2;
	if (i >= len || !is_letter(s[i], use)) {
		*why = "unknown macro letter";
		return 0;
	}
	m->escape = s[i] >= 'A' && s[i] <= 'Z';
	m->letter = m->escape ? (char)(s[i] - 'A' + 'a') : s[i];
	for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		had_digits = true;
		/* More parts than any value has: saturate, keep them all. */
		if (m->digits < 1000)
			m->digits = m->digits * 10 + (unsigned)(s[i] - '0');
	}
	if (had_digits && m->digits == 0) {
		*why = "macro digit transformer of zero";
		return 0;
	}
	if (i < len && (s[i] == 'r' || s[i] == 'R')) {
		m->reverse = true;
		i++;
	}
	for (; i < len && strchr(DELIMITERS, s[i]) != NULL && s[i] != '\0';
	     i++)
		if (strchr(m->delims, s[i]) == NULL && nd < 7)
			m->delims[nd++] = s[i];
	if (i >= len || s[i] != '}') {
		*why = "malformed macro";
		return 0;
	}
	return i + 1;
}

/*
 * Walks a macro-string.  Calls emit for each literal run and each
 * expansion when out != NULL.  Sets *last_was_expand for domain-end.
 */
static bool
walk(const char *s, size_t len, enum am_spf_macro_use use,
    bool *last_was_expand, const char **why,
    bool (*expand)(const struct macro *, void *), void *arg,
    struct am_buf *out)
{
	struct macro m;
	size_t i = 0, next;

	*last_was_expand = false;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			if (i + 1 >= len) {
				*why = "'%' at the end of a macro-string";
				return false;
			}
			switch (s[i + 1]) {
			case '%':
			case '_':
			case '-':
				if (out != NULL)
					am_buf_adds(out, s[i + 1] == '%' ? "%" :
					    s[i + 1] == '_' ? " " : "%20");
				*last_was_expand = false;
				i += 2;
				continue;
			case '{':
				if ((next = parse_expand(s, len, i, use, &m,
					 why)) == 0)
					return false;
				if (expand != NULL && !expand(&m, arg)) {
					*why = "macro could not be expanded";
					return false;
				}
				*last_was_expand = true;
				i = next;
				continue;
			default:
				*why = "'%' not followed by '{', '%', '_' or "
				       "'-'";
				return false;
			}
		}
		if (c == ' ' && use == AM_SPF_MACRO_EXPLAIN) {
			/* explain-string admits spaces between macro-strings */
		} else if (c < 0x21 || c > 0x7e) {
			*why = c > 0x7e ? "non-ASCII character" :
					  "control character or space";
			return false;
		}
		if (out != NULL)
			am_buf_addc(out, (char)c);
		*last_was_expand = false;
		i++;
	}
	return true;
}

bool
am_spf_macro_valid(const char *s, size_t len, enum am_spf_macro_use use,
    const char **why)
{
	bool last;

	return walk(s, len, use, &last, why, NULL, NULL, NULL);
}

static bool
alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

bool
am_spf_domain_end_valid(const char *s, size_t len)
{
	const char *why, *top;
	bool last_expand, alpha = false;
	size_t tlen, i;

	if (!walk(s, len, AM_SPF_MACRO_DOMAIN, &last_expand, &why, NULL, NULL,
		NULL))
		return false;
	if (last_expand)
		return true;
	/* "." toplabel [ "." ] */
	if (len > 0 && s[len - 1] == '.')
		len--;
	for (i = len; i > 0 && s[i - 1] != '.'; i--)
		;
	if (i == 0)
		return false;
	top = s + i;
	tlen = len - i;
	if (tlen == 0)
		return false;
	for (i = 0; i < tlen; i++) {
		if (!alnum(top[i]) && top[i] != '-')
			return false;
		if ((top[i] >= 'a' && top[i] <= 'z') ||
		    (top[i] >= 'A' && top[i] <= 'Z'))
			alpha = true;
	}
	if (memchr(top, '-', tlen) != NULL)
		return alnum(top[0]) && alnum(top[tlen - 1]);
	return alpha;
}

struct expand_state {
	const struct am_spf_macro_env *env;
	struct am_buf *out;
};

/* Writes the raw value of a macro letter into val. */
static bool
letter_value(const struct am_spf_macro_env *env, char letter, struct am_buf *val)
{
	/* Upper-case nibbles: the OpenSPF suite (v-macro-ip6) expects them in
	 * explanations; RFC 7208 7.4's example is lower case, and DNS
	 * queries do not care. */
	static const char hex[] = "0123456789ABCDEF";
	char text[AM_IP_STRLEN];
	const char *p;
	int i;

	switch (letter) {
	case 's':
		am_buf_adds(val, env->sender);
		return true;
	case 'l':
		am_buf_adds(val, env->local);
		return true;
	case 'o':
		am_buf_adds(val, env->sender_domain);
		return true;
	case 'd':
		am_buf_adds(val, env->domain);
		return true;
	case 'h':
		am_buf_adds(val, env->helo != NULL ? env->helo : "unknown");
		return true;
	case 'r':
		am_buf_adds(val, env->receiver != NULL ? env->receiver :
							 "unknown");
		return true;
	case 't':
		am_buf_printf(val, "%lld", (long long)env->now);
		return true;
	case 'v':
		am_buf_adds(val,
		    env->client.family == AM_IP_V4 ? "in-addr" : "ip6");
		return true;
	case 'c':
		am_ip_format(&env->client, text);
		am_buf_adds(val, text);
		return true;
	case 'i':
		if (env->client.family == AM_IP_V4) {
			am_ip_format(&env->client, text);
			am_buf_adds(val, text);
			return true;
		}
		/* RFC 7208 7.3: IPv6 in dot-format, one nibble per label. */
		for (i = 0; i < 16; i++) {
			am_buf_addc(val, hex[env->client.addr[i] >> 4]);
			am_buf_addc(val, '.');
			am_buf_addc(val, hex[env->client.addr[i] & 0x0f]);
			if (i < 15)
				am_buf_addc(val, '.');
		}
		return true;
	case 'p':
		if (env->validated_name == NULL ||
		    (p = env->validated_name(env->arg)) == NULL)
			return false;
		am_buf_adds(val, p);
		return true;
	}
	return false;
}

/* RFC 3986 unreserved characters pass; everything else becomes %XX. */
static void
url_escape(const char *s, size_t len, struct am_buf *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (alnum((char)c) || c == '-' || c == '.' || c == '_' ||
		    c == '~')
			am_buf_addc(out, (char)c);
		else
			am_buf_printf(out, "%%%02X", c);
	}
}

/* Splits, reverses, truncates and joins val per m into res. */
static bool
transform(const struct macro *m, const struct am_buf *val, struct am_buf *res)
{
	const char *delims = m->delims[0] != '\0' ? m->delims : ".";
	const char *s = am_buf_str(val);
	size_t nparts = 1, i, k, first, *start;

	for (i = 0; i < val->len; i++)
		if (strchr(delims, s[i]) != NULL)
			nparts++;
	if ((start = malloc((nparts + 1) * sizeof(*start))) == NULL)
		return false;
	start[0] = 0;
	for (i = 0, k = 1; i < val->len; i++)
		if (strchr(delims, s[i]) != NULL)
			start[k++] = i + 1;
	start[nparts] = val->len + 1; /* one past the virtual delimiter */

	/* After optional reversal, keep the rightmost digits parts. */
	first = m->digits != 0 && m->digits < nparts ? nparts - m->digits : 0;
	for (k = first; k < nparts; k++) {
		size_t idx = m->reverse ? nparts - 1 - k : k;

		if (k > first)
			am_buf_addc(res, '.');
		am_buf_add(res, s + start[idx], start[idx + 1] - 1 -
		    start[idx]);
	}
	free(start);
	return true;
}

static bool
expand_one(const struct macro *m, void *arg)
{
	struct expand_state *st = arg;
	struct am_buf val, res;
	bool ok;

	am_buf_init(&val, st->out->limit);
	am_buf_init(&res, st->out->limit);
	ok = letter_value(st->env, m->letter, &val) && !am_buf_failed(&val) &&
	    transform(m, &val, &res) && !am_buf_failed(&res);
	if (ok) {
		if (m->escape)
			url_escape(am_buf_str(&res), res.len, st->out);
		else
			am_buf_add(st->out, res.data, res.len);
		ok = !am_buf_failed(st->out);
	}
	am_buf_release(&val);
	am_buf_release(&res);
	return ok;
}

bool
am_spf_macro_expand(const char *s, size_t len, enum am_spf_macro_use use,
    const struct am_spf_macro_env *env, struct am_buf *out, const char **why)
{
	struct expand_state st = {env, out};
	bool last;

	if (!walk(s, len, use, &last, why, expand_one, &st, out))
		return false;
	if (am_buf_failed(out)) {
		*why = "macro expansion too long";
		return false;
	}
	return true;
}
