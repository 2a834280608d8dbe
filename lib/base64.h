/*
 * base64.h - RFC 2045 6.8 base64 for report attachments: lines of 76
 * characters, each ending in LF (the message goes to the local sendmail,
 * which takes local line ends).
 */
#ifndef AM_BASE64_H
#define AM_BASE64_H

#include <stddef.h>

#include "buf.h"

void am_base64_encode(const void *data, size_t len, struct am_buf *out);

#endif
