/*
 * base64.c - base64 in MIME's line form (see base64.h).
 */
#include "autoconfig.h"

#include "base64.h"

void
am_base64_encode(const void *data, size_t len, struct am_buf *out)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	unsigned long v;
	size_t i, col = 0;

	for (i = 0; i < len; i += 3) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		am_buf_addc(out, alphabet[(v >> 18) & 63]);
		am_buf_addc(out, alphabet[(v >> 12) & 63]);
		am_buf_addc(out, i + 1 < len ? alphabet[(v >> 6) & 63] : '=');
		am_buf_addc(out, i + 2 < len ? alphabet[v & 63] : '=');
		if ((col += 4) == 76 && i + 3 < len) {
			am_buf_addc(out, '\n');
			col = 0;
		}
	}
	if (len > 0)
		am_buf_addc(out, '\n');
}
