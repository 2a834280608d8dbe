/*
 * gzip.h - RFC 1952 compression of a report (RFC 9990 3.5.2: the XML
 * SHOULD be gzip-compressed), with zlib.
 */
#ifndef AM_GZIP_H
#define AM_GZIP_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Appends the gzip form of len bytes at data to out; false on ENOMEM or
 * a zlib error (out is then failed). */
bool am_gzip(const void *data, size_t len, struct am_buf *out);

#endif
