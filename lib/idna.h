/*
 * idna.h - the pieces of internationalized domain names that the address
 * module needs: UTF-8 decoding (RFC 3629), the Punycode encoder (RFC
 * 3492), and the character classes that the A-label conversion and the
 * lenient finder (address_find.c) must agree on.  am_domain_to_ascii(),
 * declared in address.h, is built from them in idna.c.
 */
#ifndef AM_IDNA_H
#define AM_IDNA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the character at s (len bytes available, len > 0) into *cp.
 * Returns its length, 1 to 4, or 0 when the bytes are not well-formed
 * UTF-8 (RFC 3629 4: no overlong forms, no surrogates, nothing past
 * U+10FFFF, no truncated sequence).  ASCII, NUL included, has length 1.
 */
size_t am_idna_utf8_decode(const char *s, size_t len, uint32_t *cp);

/*
 * Encodes the n code points at in as Punycode (RFC 3492 6.3), without
 * the "xn--" prefix, into out as a NUL-terminated string of at most
 * size - 1 characters.  Basic code points keep their case; digits are
 * lower-case.  Returns false when the result does not fit or the
 * encoder's integers would overflow (RFC 3492 6.4).  The work is
 * quadratic in n, which size bounds (every code point costs at least one
 * output character).
 */
bool am_idna_punycode_encode(
    const uint32_t *in, size_t n, char *out, size_t size);

/*
 * Length of the at-sign at s (len > 0): 1 for '@', 3 for U+FF20
 * FULLWIDTH or U+FE6B SMALL COMMERCIAL AT, which a reader takes for one;
 * else 0.  A domain label cannot hold them (RFC 5892 disallows both).
 */
size_t am_idna_at_sign(const char *s, size_t len);

/*
 * True for the ASCII characters a converted domain may hold besides the
 * dot: letters, digits, '-' and '_' (the last for DNS names such as
 * service labels).
 */
static inline bool
am_idna_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

#endif
