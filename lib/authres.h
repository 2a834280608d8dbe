/*
 * authres.h - the Authentication-Results header field, RFC 8601.
 *
 * Rendering: one header value built result by result, each result on its
 * own line, folded so no line (counting the "Authentication-Results: "
 * prefix) passes 78 characters; values quoted where RFC 2045 tokens do
 * not suffice; comments escaped.  Lines are separated by "\n\t": callers
 * that need CRLF convert (libmilter and Postfix take LF).
 */
#ifndef AM_AUTHRES_H
#define AM_AUTHRES_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "result.h"

#define AM_AUTHRES_HEADER "Authentication-Results"

struct am_authres {
	struct am_buf buf;
	size_t col; /* characters on the current line */
	unsigned results;
};

/* Starts a header for authserv_id. */
void am_authres_begin(struct am_authres *ar, const char *authserv_id);

/* Starts a result ("; method=result"), with an optional comment. */
void am_authres_result(struct am_authres *ar, const char *method,
    enum am_result result, const char *comment);

/* Adds a property to the current result: "ptype.property=value". */
void am_authres_prop(struct am_authres *ar, const char *ptype,
    const char *property, const char *value);

/* Adds a comment to the current result. */
void am_authres_comment(struct am_authres *ar, const char *text);

/*
 * Finishes the header ("; none" when no result was added) and returns the
 * value, allocated from arena; NULL on ENOMEM.  Releases ar's storage.
 */
const char *am_authres_end(struct am_authres *ar, struct am_arena *arena);

/*
 * The authserv-id of an incoming Authentication-Results value (len bytes
 * after the colon): leading CFWS (nested comments, quoted-pairs) skipped,
 * then a token or a quoted-string, unquoted and lower-cased.  NULL when
 * none can be read.  Never trusts the rest of the header: results are not
 * parsed.
 */
const char *am_authres_authserv_id(struct am_arena *arena, const char *value,
    size_t len);

/* True when s can stand unquoted as an RFC 2045 token. */
bool am_authres_is_token(const char *s, size_t len);

#endif
