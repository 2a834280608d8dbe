/*
 * base64.h - base64 (RFC 4648 4) as DKIM and ARC write it: b=, bh= and
 * the p= of key records (RFC 6376 2.4), where folding white space may
 * appear anywhere and is ignored; and in MIME's line form (RFC 2045 6.8)
 * for report attachments.
 *
 * Threads: no state.
 */
#ifndef AM_BASE64_H
#define AM_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/*
 * Decodes len bytes at s into out (at most outmax bytes), skipping SP,
 * HTAB, CR and LF.  False when a byte is outside the alphabet, the
 * padding is wrong (only at the end, at most two '=', completing a
 * quantum), the bits left over are not zero, or the result does not fit.
 * *outlen is the number of bytes decoded.
 */
bool am_base64_decode(const char *s, size_t len, unsigned char *out,
    size_t outmax, size_t *outlen);

/* Appends the base64 of len bytes at p to b, padded, on one line. */
void am_base64_encode(struct am_buf *b, const unsigned char *p, size_t len);

/*
 * Appends the base64 of len bytes at data to b as RFC 2045 6.8 writes it
 * in a body: lines of 76 characters, each ending in LF (a report goes to
 * the local sendmail, which takes local line ends); nothing for len 0.
 */
void am_base64_encode_mime(struct am_buf *b, const void *data, size_t len);

#endif
