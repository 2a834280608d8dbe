/*
 * base64.c - base64 for DKIM and ARC tag values, and in MIME's line form
 * for report attachments (see base64.h).
 *
 * The decoder is strict about the alphabet and the padding, so that two
 * readers cannot see two different signatures in one b= value, and
 * lenient about folding white space, which RFC 6376 3.5 allows anywhere
 * in b= and bh=.
 */
#include "autoconfig.h"

#include "base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
value_of(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static bool
is_fws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool
am_base64_decode(const char *s, size_t len, unsigned char *out, size_t outmax,
    size_t *outlen)
{
	unsigned long acc = 0;
	unsigned n = 0, pad = 0;
	size_t k, o = 0;
	int v;

	*outlen = 0;
	for (k = 0; k < len; k++) {
		unsigned char c = (unsigned char)s[k];

		if (is_fws(c))
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		/* nothing but white space and '=' after the first '=' */
		if (pad > 0 || (v = value_of(c)) < 0)
			return false;
		acc = (acc << 6) | (unsigned long)v;
		if (++n == 4) {
			if (outmax - o < 3)
				return false;
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
			n = 0;
		}
	}
	/* n characters of a last quantum: 2 or 3 with as much padding as
	 * completes it; the unused bits must be zero (RFC 4648 3.5). */
	if (n == 0) {
		*outlen = o;
		return pad == 0;
	}
	if (n == 1 || n + pad != 4 || outmax - o < n - 1)
		return false;
	if (n == 2) {
		if ((acc & 0xf) != 0)
			return false;
		out[o++] = (unsigned char)(acc >> 4);
	} else {
		if ((acc & 0x3) != 0)
			return false;
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	}
	*outlen = o;
	return true;
}

void
am_base64_encode(struct am_buf *b, const unsigned char *p, size_t len)
{
	unsigned long v;
	size_t k;

	for (k = 0; k + 2 < len; k += 3) {
		v = (unsigned long)p[k] << 16 | (unsigned long)p[k + 1] << 8 |
		    p[k + 2];
		am_buf_addc(b, alphabet[v >> 18 & 63]);
		am_buf_addc(b, alphabet[v >> 12 & 63]);
		am_buf_addc(b, alphabet[v >> 6 & 63]);
		am_buf_addc(b, alphabet[v & 63]);
	}
	if (len - k == 1) {
		v = (unsigned long)p[k] << 16;
		am_buf_addc(b, alphabet[v >> 18 & 63]);
		am_buf_addc(b, alphabet[v >> 12 & 63]);
		am_buf_adds(b, "==");
	} else if (len - k == 2) {
		v = (unsigned long)p[k] << 16 | (unsigned long)p[k + 1] << 8;
		am_buf_addc(b, alphabet[v >> 18 & 63]);
		am_buf_addc(b, alphabet[v >> 12 & 63]);
		am_buf_addc(b, alphabet[v >> 6 & 63]);
		am_buf_addc(b, '=');
	}
}

/* RFC 2045 6.8: 76 characters a line, so 57 bytes of input. */
#define MIME_LINE_BYTES 57

void
am_base64_encode_mime(struct am_buf *b, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t k, n;

	for (k = 0; k < len; k += n) {
		n = len - k < MIME_LINE_BYTES ? len - k : MIME_LINE_BYTES;
		am_base64_encode(b, p + k, n);
		am_buf_addc(b, '\n');
	}
}
