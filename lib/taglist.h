/*
 * taglist.h - tag=value lists, RFC 6376 3.2: the syntax of
 * DKIM-Signature, of DKIM key records, and of ARC-Message-Signature and
 * ARC-Seal (RFC 8617 4.1.2, 4.1.3).
 *
 *   tag-list  = tag-spec *( ";" tag-spec ) [ ";" ]
 *   tag-spec  = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
 *   tag-name  = ALPHA *ALNUMPUNC
 *   tag-value = [ tval *( 1*(WSP / FWS) tval ) ]   ; VALCHAR, no ';'
 *
 * Names are case-sensitive and may not repeat; folds may be CRLF or a
 * bare LF.  The parser keeps to the given length, needs no NUL and
 * allocates nothing: every name and value points into the input.
 *
 * Threads: no state.
 */
#ifndef AM_TAGLIST_H
#define AM_TAGLIST_H

#include <stdbool.h>
#include <stddef.h>

#define AM_TAGLIST_MAX 64 /* tags in one list; more is refused */

/* Choices for am_taglist_parse(). */
#define AM_TAGLIST_LENIENT 0x1 /* skip empty tag-specs (";;"), as DKIM
				  fields and key records are written in
				  the wild; strict refuses them */
#define AM_TAGLIST_UTF8	   0x2 /* values may hold UTF-8 (RFC 8616) */

/* Bytes of a field: p is NULL for an absent tag. */
struct am_tagval {
	const char *p;
	size_t len;
};

struct am_tag {
	struct am_tagval name;
	struct am_tagval value;	   /* trimmed of white space */
	size_t raw_start, raw_end; /* after '=' up to ';' or the end: what
				      RFC 6376 3.7 deletes from b= */
};

#define AM_TAG_WHY 96 /* bytes of a reason */

struct am_taglist {
	struct am_tag tag[AM_TAGLIST_MAX];
	size_t n;
	char why[AM_TAG_WHY]; /* what is wrong, when parsing failed */
};

/* Parses len bytes at s; false with out->why set. */
bool am_taglist_parse(const char *s, size_t len, unsigned flags,
    struct am_taglist *out);

/* The tag called name, or NULL. */
const struct am_tag *am_taglist_find(const struct am_taglist *list,
    const char *name);

/* Helpers for the parsers of tag values (dkim_tags.c, arc_tags.c). */

/* Formats the reason into why (AM_TAG_WHY bytes); returns false. */
bool am_tag_fail(char *why, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* FWS (RFC 6376 2.8), folds as CRLF or bare LF. */
bool am_tag_is_fws(unsigned char c);

/* ALPHA and DIGIT of RFC 5234, ASCII only. */
bool am_tag_is_alpha(unsigned char c);
bool am_tag_is_digit(unsigned char c);

/* The index of the first byte at or after i that is not FWS. */
size_t am_tag_skip_fws(const char *s, size_t len, size_t i);

/* How much of a hostile name of len bytes a reason quotes (%.*s). */
int am_tag_shown(size_t len);

#endif
