/*
 * eml.h - feeding a stored message (RFC 5322 text) into am_msg.
 *
 * authmilter-check and the message fuzz target read .eml files; this
 * splits them into header fields and body the way an MTA would hand them
 * to a milter.  Incremental: the text may arrive in pieces of any size.
 *
 * - CRLF and bare LF line ends are both accepted; the body is passed with
 *   CRLF (DKIM canonicalization needs it).
 * - A leading mbox "From " line is skipped.
 * - The header block ends at the first empty line, or at the first line
 *   that is neither a field nor a continuation (which then starts the
 *   body), as Postfix's cleanup does.
 * - A header field longer than AM_MSG_HEADER_MAX is cut just past it, so
 *   the message reports its headers as truncated.
 */
#ifndef AM_EML_H
#define AM_EML_H

#include <stddef.h>

#include "message.h"

struct am_eml;

/* A splitter feeding msg.  Caller owns; free with am_eml_free(). */
struct am_eml *am_eml_new(struct am_msg *msg);
void am_eml_free(struct am_eml *eml);

void am_eml_feed(struct am_eml *eml, const char *data, size_t len);

/* Ends the text: flushes a last unterminated line and the header block. */
void am_eml_end(struct am_eml *eml);

#endif
