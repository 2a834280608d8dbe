/*
 * dkim_internal.h - the pieces of the DKIM wrapper that are tested and
 * fuzzed on their own: the DKIM-Signature tag parser (dkim_tags.c), the
 * key record's PKCS#1 conversion (dkim_key.c) and the canonical body
 * length counter (dkim_bodylen.c).  Not a public interface.
 */
#ifndef AM_DKIM_INTERNAL_H
#define AM_DKIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* The DKIM-Signature tags the wrapper reads (RFC 6376 3.5). */
enum am_dkim_tag {
	AM_DKIM_TAG_V,
	AM_DKIM_TAG_A,
	AM_DKIM_TAG_B,
	AM_DKIM_TAG_BH,
	AM_DKIM_TAG_C,
	AM_DKIM_TAG_D,
	AM_DKIM_TAG_H,
	AM_DKIM_TAG_I,
	AM_DKIM_TAG_L,
	AM_DKIM_TAG_S,
	AM_DKIM_TAG_T,
	AM_DKIM_TAG_X,
	AM_DKIM_NTAGS
};

/* A tag's value as written: points into the parsed field, surrounding
 * white space trimmed, inner folding white space kept.  p is NULL when
 * the tag is absent. */
struct am_dkim_tagval {
	const char *p;
	size_t len;
};

#define AM_DKIM_TAGS_MAX 64 /* tags in one field; more is refused */
/* Header field names in h=; more is refused.  libopendkim matches every
 * name against every header field of the message, so this bounds that
 * work (RFC 6376 sets no limit; signers name a few dozen at most). */
#define AM_DKIM_HNAMES_MAX 256

struct am_dkim_sigtags {
	struct am_dkim_tagval tag[AM_DKIM_NTAGS];
	uint64_t t, x, l; /* numeric values, valid when the tag is present */
	char why[96];	  /* what is wrong, when parsing failed */
};

/*
 * Parses a DKIM-Signature field value (len bytes, no NUL needed) as an
 * RFC 6376 3.2 tag-list and checks the rules of 3.5: required tags,
 * v=1, d= and s= are domain names, i= lies within d=, numeric t= x= l=,
 * x= after t=, no tag twice; and h= names at most AM_DKIM_HNAMES_MAX
 * fields.  False, with out->why set, when the field
 * is not a usable signature.  Never reads past value + len.
 */
bool am_dkim_sigtags_parse(const char *value, size_t len,
    struct am_dkim_sigtags *out);

/* A NUL-terminated copy of a tag value without its folding white space
 * (for b=); NULL when absent or out of memory. */
char *am_dkim_tag_compact(struct am_arena *arena, const struct am_dkim_tagval *v);

/* A NUL-terminated copy of a tag value as written; NULL when absent. */
char *am_dkim_tag_copy(struct am_arena *arena, const struct am_dkim_tagval *v);

/*
 * The key record rec (len bytes, hostile DNS text) as libopendkim can read
 * it: when its p= holds a bare PKCS#1 RSAPublicKey of an RSA key (RFC 6376
 * 3.6.1), a copy with p= re-encoded as SubjectPublicKeyInfo, from arena,
 * NUL-terminated, and *converted set; otherwise rec itself.  *out_len is
 * the length of what is returned.  Never reads past rec + len.
 */
const char *am_dkim_key_normalize(struct am_arena *arena, const char *rec,
    size_t len, size_t *out_len, bool *converted);

/*
 * The length of a body after DKIM body canonicalization (RFC 6376 3.4.3
 * simple, 3.4.4 relaxed), counted as the body streams by: what l= is
 * measured against.  Lines end with CRLF.
 */
struct am_dkim_bodylen {
	bool relaxed;
	bool cr;	 /* the previous byte was a CR not yet judged */
	bool wsp;	 /* relaxed: a run of white space is pending */
	uint64_t total;	 /* bytes through the last non-empty line */
	uint64_t blanks; /* empty lines since that line */
	uint64_t line;	 /* canonical bytes of the current line */
};

void am_dkim_bodylen_init(struct am_dkim_bodylen *b, bool relaxed);
void am_dkim_bodylen_add(struct am_dkim_bodylen *b, const unsigned char *p,
    size_t len);
/* The canonical length of everything added so far. */
uint64_t am_dkim_bodylen_total(const struct am_dkim_bodylen *b);

#endif
