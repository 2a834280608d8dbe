/*
 * authres.c - rendering Authentication-Results (RFC 8601 2.2), and
 * reading the authserv-id of incoming ones (RFC 8601 5).
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
 *
 * Reading: the daemon deletes every incoming field that claims our
 * authserv-id, so wherever our reading of the id and a downstream
 * reader's could differ, a forgery may pass.  am_authres_authserv_id()
 * reads what 2.2 says (leading CFWS, then a token or a quoted-string) and
 * folds the usual variants into one id: case, folds of CRLF or of a bare
 * LF or CR, either quoted form, blanks inside the quotes, trailing dots.
 * What it cannot read exactly (unclosed comments or quotes, nesting past
 * COMMENT_DEPTH, control characters inside quotes, anything else before
 * the id) is NULL, and a caller should remove such a field as if it were
 * ours: nobody can rely on it, and some lenient reader may see our id.
 *
 * Threads: no state; strings come from the caller's arena.
 */
#include "autoconfig.h"

#include <string.h>

#include "authres.h"

#define FOLD_AT		78
#define PREFIX_COLS	(sizeof(AM_AUTHRES_HEADER ": ") - 1)
#define HEADER_LINE_MAX 998 /* RFC 5322 2.1.1, without the CRLF */
/* The longest piece of a comment word: a line holds it after a fold's tab
 * and before a ";". */
#define WORD_MAX	(HEADER_LINE_MAX - 2)
#define COMMENT_DEPTH	32 /* comment nesting past this is unreadable */

/* Not allowed in an RFC 2045 token: SPACE, CTLs and tspecials. */
static bool
not_token_char(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

bool
am_authres_is_token(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80 ||
		    not_token_char((unsigned char)s[i]))
			return false;
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

/*
 * Appends one word, folding first when it would pass the limit.  One
 * column stays free for the ";" that the next result or "none" puts at
 * the end of the line.
 */
static void
word(struct am_authres *ar, const char *w, size_t len, bool space)
{
	if (space) {
		if (ar->col + 1 + len + 1 > FOLD_AT && ar->col > 1) {
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

/*
 * Where to cut an escaped comment word of len bytes into a piece of at
 * most max: never inside a quoted-pair or a UTF-8 sequence, unless one
 * unit alone is longer than max.
 */
static size_t
cut_at(const char *w, size_t len, size_t max)
{
	size_t i = 0, next;

	while (i < len) {
		next = i + (w[i] == '\\' ? 2 : 1);
		while (next < len && ((unsigned char)w[next] & 0xc0) == 0x80)
			next++;
		if (next > max)
			break;
		i = next;
	}
	return i > 0 ? i : max;
}

void
am_authres_comment(struct am_authres *ar, const char *text)
{
	struct am_buf esc;
	const char *p, *end, *sp;
	size_t n;

	am_buf_init(&esc, 0);
	am_buf_addc(&esc, '(');
	escape(&esc, text, strlen(text), "()\\");
	am_buf_addc(&esc, ')');
	/* Fold between the comment's words: FWS is allowed in ccontent.  A
	 * word too long for any line (hostile DNS text) is cut, so no line
	 * passes the limit of RFC 5322 2.1.1. */
	p = am_buf_str(&esc);
	end = p + esc.len;
	while (p < end) {
		sp = memchr(p, ' ', (size_t)(end - p));
		if (sp == NULL)
			sp = end;
		while ((size_t)(sp - p) > WORD_MAX) {
			n = cut_at(p, (size_t)(sp - p), WORD_MAX);
			word(ar, p, n, true);
			p += n;
		}
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

	if (ar->results == 0) {
		/* no-result = [CFWS] ";" [CFWS] "none": it may fold too. */
		am_buf_addc(&ar->buf, ';');
		ar->col++;
		word(ar, "none", 4, true);
	}
	s = am_buf_failed(&ar->buf) ? NULL :
	    am_arena_strndup(arena, am_buf_str(&ar->buf), ar->buf.len);
	am_buf_release(&ar->buf);
	return s;
}

/*
 * Reading the authserv-id.
 */

/* FWS, unfolded leniently: a CR or LF alone counts as part of a fold. */
static bool
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Skips CFWS (RFC 5322 3.2.2): FWS, and comments holding ctext,
 * quoted-pairs and nested comments.  NULL when a comment is not closed
 * within the value or nests deeper than COMMENT_DEPTH.
 */
static const char *
skip_cfws(const char *p, const char *end)
{
	unsigned depth = 0;

	for (; p < end; p++) {
		if (depth == 0) {
			if (*p == '(')
				depth = 1;
			else if (!is_fws(*p))
				return p;
		} else if (*p == '\\') {
			if (++p == end)
				return NULL;
		} else if (*p == '(') {
			if (++depth > COMMENT_DEPTH)
				return NULL;
		} else if (*p == ')')
			depth--;
	}
	return depth == 0 ? p : NULL;
}

/* The id from len bytes: trailing dots dropped (a root-anchored name is
 * the same name), ASCII lower-cased; NULL when nothing is left. */
static const char *
normalized_id(struct am_arena *arena, const char *s, size_t len)
{
	char *id;
	size_t i;

	while (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || (id = am_arena_strndup(arena, s, len)) == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		if (id[i] >= 'A' && id[i] <= 'Z')
			id[i] = (char)(id[i] - 'A' + 'a');
	return id;
}

/*
 * The content of a quoted-string whose opening quote is before p:
 * quoted-pairs resolved, folds removed, tabs read as spaces, blanks at
 * either end dropped.  NULL when the quote is not closed or the content
 * holds another control character (no reader agrees on those).
 */
static const char *
quoted_id(struct am_arena *arena, const char *p, const char *end)
{
	struct am_buf b;
	const char *id = NULL, *s;
	size_t len;

	am_buf_init(&b, 0);
	for (; p < end && *p != '"'; p++) {
		unsigned char c;

		if (*p == '\\' && ++p == end)
			break;
		c = (unsigned char)*p;
		if (c == '\r' || c == '\n')
			continue;
		if (c == '\t')
			c = ' ';
		if (c < 0x20 || c == 0x7f)
			break;
		am_buf_addc(&b, (char)c);
	}
	if (p < end && *p == '"' && !am_buf_failed(&b)) {
		s = am_buf_str(&b);
		len = b.len;
		while (len > 0 && s[len - 1] == ' ')
			len--;
		while (len > 0 && s[0] == ' ') {
			s++;
			len--;
		}
		id = normalized_id(arena, s, len);
	}
	am_buf_release(&b);
	return id;
}

const char *
am_authres_authserv_id(struct am_arena *arena, const char *value, size_t len)
{
	const char *end = value + len, *p, *start;

	if ((p = skip_cfws(value, end)) == NULL || p == end)
		return NULL;
	if (*p == '"')
		return quoted_id(arena, p + 1, end);
	for (start = p; p < end && !not_token_char((unsigned char)*p); p++)
		continue;
	return normalized_id(arena, start, (size_t)(p - start));
}
