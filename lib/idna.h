/*
 * idna.h - internationalized domain names: a domain as a header writes
 * it (A-labels, U-labels in UTF-8, or a mix) turned into the name DNS
 * queries use, and the character classes the address parser and the
 * lenient finder (address_find.c) share.
 *
 * U-labels are converted by libidn2: IDNA2008 (RFC 5891) with the UTS #46
 * mapping (non-transitional): NFC, case folding, and the default-
 * ignorable code points (soft hyphen, ZWSP, word joiner, BOM, CGJ,
 * variation selectors) mapped away; DISALLOWED code points refused.  ZWJ
 * and ZWNJ are valid only in the contexts RFC 5892 A.1, A.2 allow; a
 * label that breaks those rules is converted with them removed, as a
 * reader never sees them.  The middle dots that read as a dot are refused
 * outside the contexts of RFC 5892 A.3 and A.7, which libidn2 checks
 * only when registering a name.  So "ban<U+00AD>k", "BANK" and "bank" are one
 * name, and "BÄNK", "ba<U+0308>nk" and "bänk" another (xn--bnk-qla).
 *
 * A name that is no valid DNS name (a label of more than 63 octets, an
 * empty label, a character no label may hold, more than 253 octets, a
 * U-label IDNA2008 refuses) is not dropped: the caller gets its longest
 * suffix of valid labels and how many labels are left of it, so that
 * the domain a reader sees cannot hide from DMARC behind bad syntax.
 */
#ifndef AM_IDNA_H
#define AM_IDNA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* A domain as written, converted.  Strings from the caller's arena. */
struct am_idna_name {
	/* Lower-case A-labels, no trailing dot: the whole name when hidden
	 * is 0; else its longest suffix of valid labels that fits in 253
	 * octets, or NULL when not even the last label is valid. */
	const char *ascii;
	/* Labels left of ascii that are no valid DNS labels (or that do not
	 * fit); 0 for a valid name. */
	unsigned hidden;
	/* hidden > 0: the name as written, printable ASCII, other characters
	 * (and '%', '<', '>', '"', '\\', which replies, headers and logs
	 * treat specially) as "<U+XXXX>", bytes that are no UTF-8 as
	 * "<0xXX>", at most about 300 characters; and what is wrong with
	 * it, in a few words. */
	const char *shown;
	const char *why;
};

/*
 * Converts len bytes at domain (one trailing dot, or ideographic full
 * stop, allowed).  Returns true for a valid name (out->hidden == 0);
 * false otherwise, with out describing it.  Only names are converted,
 * never guessed at: nothing here trims white space or quotes.
 */
bool am_idna_convert(struct am_arena *arena, const char *domain, size_t len,
    struct am_idna_name *out);

/*
 * Decodes the character at s (len bytes available, len > 0) into *cp.
 * Returns its length, 1 to 4, or 0 when the bytes are not well-formed
 * UTF-8 (RFC 3629 4: no overlong forms, no surrogates, nothing past
 * U+10FFFF, no truncated sequence).  ASCII, NUL included, has length 1.
 */
size_t am_idna_utf8_decode(const char *s, size_t len, uint32_t *cp);

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
