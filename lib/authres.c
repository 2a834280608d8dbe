/*
 * authres.c - rendering Authentication-Results (RFC 8601 2.2).
 *
 *   authres-payload = [CFWS] authserv-id [CFWS authres-version]
 *                     ( no-result / 1*resinfo ) [CFWS] CRLF
 *   resinfo  = [CFWS] ";" methodspec [CFWS reasonspec] [CFWS 1*propspec]
 *   propspec = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
 *   pvalue   = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]
 *
 * Untrusted text (reasons quoting DNS data or header content) only ever
 * lands in comments and quoted strings, escaped, with control characters
 * replaced, so it can neither end the header nor forge a result.
 */
#include "autoconfig.h"

#include <string.h>

#include "authres.h"

#define FOLD_AT	    78
#define PREFIX_COLS (sizeof(AM_AUTHRES_HEADER ": ") - 1)

bool
am_authres_is_token(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || strchr("()<>@,;:\\\"/[]?=", c))
			return false;
	}
	return true;
}

static bool
is_dot_atom(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f ||
		    (strchr("()<>@,;:\\\"[]", c) != NULL) ||
		    (c == '.' && s[i + 1] == '.'))
			return false;
	}
	return true;
}

/* Appends one word, folding first when it would pass the limit. */
static void
word(struct am_authres *ar, const char *w, size_t len, bool space)
{
	if (space) {
		if (ar->col + 1 + len > FOLD_AT && ar->col > 1) {
			am_buf_adds(&ar->buf, "\n\t");
			ar->col = 1;
		} else {
			am_buf_addc(&ar->buf, ' ');
			ar->col++;
		}
	}
	am_buf_add(&ar->buf, w, len);
	ar->col += len;
}

void
am_authres_begin(struct am_authres *ar, const char *authserv_id)
{
	am_buf_init(&ar->buf, 16384);
	ar->col = PREFIX_COLS;
	ar->results = 0;
	word(ar, authserv_id, strlen(authserv_id), false);
}

void
am_authres_result(struct am_authres *ar, const char *method,
    enum am_result result, const char *comment)
{
	am_buf_adds(&ar->buf, ";\n\t");
	ar->col = 1;
	am_buf_printf(&ar->buf, "%s=%s", method, am_result_name(result));
	ar->col += strlen(method) + 1 + strlen(am_result_name(result));
	ar->results++;
	if (comment != NULL && comment[0] != '\0')
		am_authres_comment(ar, comment);
}

/* Copies text into out, escaping for a comment or a quoted string. */
static void
escape(struct am_buf *out, const char *s, size_t len, const char *special)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			c = '?';
		if (strchr(special, c) != NULL && c != '\0')
			am_buf_addc(out, '\\');
		am_buf_addc(out, (char)c);
	}
}

void
am_authres_comment(struct am_authres *ar, const char *text)
{
	struct am_buf esc;
	const char *p, *end, *sp;

	am_buf_init(&esc, 0);
	am_buf_addc(&esc, '(');
	escape(&esc, text, strlen(text), "()\\");
	am_buf_addc(&esc, ')');
	/* Fold between the comment's words: FWS is allowed in ccontent. */
	p = am_buf_str(&esc);
	end = p + esc.len;
	while (p < end) {
		sp = memchr(p, ' ', (size_t)(end - p));
		if (sp == NULL)
			sp = end;
		if (sp > p)
			word(ar, p, (size_t)(sp - p), true);
		p = sp < end ? sp + 1 : end;
	}
	if (am_buf_failed(&esc))
		ar->buf.failed = true;
	am_buf_release(&esc);
}

void
am_authres_prop(struct am_authres *ar, const char *ptype,
    const char *property, const char *value)
{
	const char *at = strrchr(value, '@');
	size_t vlen = strlen(value);
	struct am_buf w;

	am_buf_init(&w, 0);
	am_buf_printf(&w, "%s.%s=", ptype, property);
	if (am_authres_is_token(value, vlen) ||
	    (at != NULL && (at == value || is_dot_atom(value,
					       (size_t)(at - value))) &&
		am_authres_is_token(at + 1, strlen(at + 1))))
		am_buf_add(&w, value, vlen);
	else {
		am_buf_addc(&w, '"');
		escape(&w, value, vlen, "\"\\");
		am_buf_addc(&w, '"');
	}
	word(ar, am_buf_str(&w), w.len, true);
	if (am_buf_failed(&w))
		ar->buf.failed = true;
	am_buf_release(&w);
}

const char *
am_authres_end(struct am_authres *ar, struct am_arena *arena)
{
	const char *s;

	if (ar->results == 0)
		am_buf_adds(&ar->buf, "; none");
	s = am_buf_failed(&ar->buf) ? NULL :
	    am_arena_strndup(arena, am_buf_str(&ar->buf), ar->buf.len);
	am_buf_release(&ar->buf);
	return s;
}
