/*
 * gzip.c - gzip with zlib's deflate (see gzip.h).  A window of 15 bits
 * plus 16 asks zlib for the RFC 1952 header and trailer.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include <zlib.h>

#include "gzip.h"

bool
am_gzip(const void *data, size_t len, struct am_buf *out)
{
	unsigned char chunk[16384];
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
		Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	z.next_in = (unsigned char *)(uintptr_t)data;
	do {
		/* at most 1 GB per call: avail_in is an unsigned int */
		size_t take = len > (1u << 30) ? (1u << 30) : len;

		z.avail_in = (unsigned)take;
		len -= take;
		do {
			z.next_out = chunk;
			z.avail_out = sizeof(chunk);
			rc = deflate(&z, len == 0 ? Z_FINISH : Z_NO_FLUSH);
			if (rc == Z_STREAM_ERROR) {
				deflateEnd(&z);
				return false;
			}
			am_buf_add(out, chunk, sizeof(chunk) - z.avail_out);
		} while (z.avail_out == 0);
	} while (len > 0);
	deflateEnd(&z);
	return rc == Z_STREAM_END && !am_buf_failed(out);
}
