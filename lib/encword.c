/*
 * encword.c - RFC 2047 encoded-words decoded for the From finder (see
 * encword.h).
 *
 * One pass over the text; a word that does not decode (a bad base64
 * text, an unknown encoding) is copied as written, as a reader would
 * show it.  The output is never longer than the input.
 */
#include "autoconfig.h"

#include <string.h>

#include "base64.h"
#include "encword.h"
#include "hex.h"

/* RFC 2047 4.2: "_" is a space, "=XX" a byte; a broken escape stays. */
static size_t
decode_q(const char *s, size_t len, char *out)
{
	size_t i, n = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '_')
			out[n++] = ' ';
		else if (s[i] == '=' && i + 2 < len &&
		    (hi = am_hex_digit(s[i + 1])) >= 0 &&
		    (lo = am_hex_digit(s[i + 2])) >= 0) {
			out[n++] = (char)(hi * 16 + lo);
			i += 2;
		} else
			out[n++] = s[i];
	}
	return n;
}

/*
 * The encoded-word at s (len bytes left, s[0..1] == "=?"): its decoded
 * bytes appended at out (*n advanced), its length returned; 0 when it is
 * none.
 */
static size_t
word(const char *s, size_t len, char *out, size_t *n)
{
	const char *charset_end, *enc_end, *text_end;
	size_t text_len, got;
	char enc;

	if ((charset_end = memchr(s + 2, '?', len - 2)) == NULL ||
	    (size_t)(charset_end - s) + 3 >= len || charset_end[2] != '?')
		return 0;
	enc = charset_end[1];
	enc_end = charset_end + 3;
	text_end = enc_end;
	while ((size_t)(text_end - s) + 1 < len &&
	    !(text_end[0] == '?' && text_end[1] == '='))
		text_end++;
	if ((size_t)(text_end - s) + 1 >= len)
		return 0;
	text_len = (size_t)(text_end - enc_end);
	if (enc == 'q' || enc == 'Q')
		*n += decode_q(enc_end, text_len, out + *n);
	else if ((enc == 'b' || enc == 'B') &&
	    am_base64_decode(
		enc_end, text_len, (unsigned char *)out + *n, text_len, &got))
		*n += got;
	else
		return 0;
	return (size_t)(text_end - s) + 2;
}

/* Where the first "=?" is, or NULL. */
static const char *
word_start(const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	while ((p = memchr(p, '=', (size_t)(end - p))) != NULL) {
		if (p + 1 < end && p[1] == '?')
			return p;
		p++;
	}
	return NULL;
}

const char *
am_encword_decode(
    struct am_arena *arena, const char *s, size_t len, size_t *outlen)
{
	const char *first;
	char *out;
	size_t i, n, w;
	bool found = false;

	/* every From local part comes here: no copy without a "=?" */
	if ((first = word_start(s, len)) == NULL ||
	    (out = am_arena_alloc(arena, len + 1)) == NULL)
		return NULL;
	i = n = (size_t)(first - s);
	memcpy(out, s, n);
	while (i < len) {
		if (i + 1 < len && s[i] == '=' && s[i + 1] == '?' &&
		    (w = word(s + i, len - i, out, &n)) > 0) {
			found = true;
			i += w;
		} else
			out[n++] = s[i++];
	}
	if (!found)
		return NULL;
	out[n] = '\0';
	*outlen = n;
	return out;
}
