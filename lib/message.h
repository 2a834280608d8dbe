/*
 * message.h - one SMTP connection and the messages it carries.
 *
 * The daemon's libmilter callbacks and authmilter-check drive the same
 * calls in the same order: am_conn_new (connect), am_conn_helo,
 * am_msg_new, am_msg_mail_from, am_msg_auth, am_msg_header for each
 * header, am_msg_end_headers, am_msg_body for each chunk, am_msg_finish.
 * Every behaviour of the daemon can therefore be tested, and explained,
 * without an MTA.
 *
 * What happens when:
 *   connect      the client's PTR lookup starts (iprev)
 *   MAIL FROM    SPF is evaluated (the MTA does not wait for this reply)
 *   headers      DKIM-Signature: its key lookup starts; From: its
 *                Author Domains are collected and the DMARC record
 *                lookups of new ones start; Authentication-Results:
 *                noted for removal when it claims our authserv-id
 *   body         streamed to DKIM while a signature needs it
 *   end          DKIM, iprev, DMARC, local policy, the header we add
 *
 * Threads: a connection and its messages belong to the thread serving
 * the connection; the context is shared read-only.
 */
#ifndef AM_MESSAGE_H
#define AM_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "ip.h"

struct am_conn;
struct am_msg;

/* Header bytes kept per message; headers past it are counted, not kept,
 * and the verdict says so.  What evaluation needs of a header is taken
 * as it arrives, kept or not: From (the Author Domains), DKIM-Signature
 * and the fields it signs, Authentication-Results to remove, and the
 * fields local policy counts. */
#define AM_MSG_HEADER_MAX (1u << 20)

struct am_header {
	struct am_header *next;
	const char *name; /* NUL-terminated copies */
	size_t name_len;
	const char *value; /* as after the colon, folds as CRLF */
	size_t value_len;
};

struct am_verdict; /* verdict.h */

/*
 * A connection from client (NULL when the MTA did not say) whose reverse
 * name, as the MTA saw it, is hostname (may be NULL).  Caller owns; free
 * with am_conn_free().  NULL on ENOMEM.
 */
struct am_conn *am_conn_new(const struct am_ctx *ctx,
    const struct am_ip *client, const char *hostname);
void am_conn_free(struct am_conn *conn);

/* The HELO/EHLO argument; a later call replaces an earlier one. */
void am_conn_helo(struct am_conn *conn, const char *helo);

/*
 * A new message on conn.  Caller owns; free with am_msg_free() before the
 * connection.  With trace, evaluations record their steps.
 */
struct am_msg *am_msg_new(struct am_conn *conn, bool trace);
void am_msg_free(struct am_msg *msg);

/* The MAIL FROM argument ("<a@b>", "a@b" or "<>"); evaluates SPF.  The
 * MTA gives it before the headers; a tool may give it later, but always
 * before am_msg_finish(). */
void am_msg_mail_from(struct am_msg *msg, const char *addr);

/* The client authenticated (SASL) as user; local policy exempts such
 * clients from rejection when so configured. */
void am_msg_auth(struct am_msg *msg, const char *user);

/*
 * One header field: len bytes of name, as sent (blanks before the colon
 * may end it; they are ignored), and of value
 * as it follows the colon (leading white space included, folds as CRLF
 * or LF, no final line break).  Neither needs a NUL.
 */
void am_msg_header(struct am_msg *msg, const char *name, size_t name_len,
    const char *value, size_t value_len);

void am_msg_end_headers(struct am_msg *msg);

/* A piece of the body, CRLF line ends. */
void am_msg_body(struct am_msg *msg, const unsigned char *chunk, size_t len);

/* False once nothing needs more of the body: the MTA may skip it. */
bool am_msg_wants_body(const struct am_msg *msg);

/* Evaluates what is left and returns the verdict.  Borrowed from msg;
 * valid until am_msg_free(). */
const struct am_verdict *am_msg_finish(struct am_msg *msg);

/* Bytes the message's evaluation has taken from its arena (bench). */
size_t am_msg_arena_used(const struct am_msg *msg);

/* DNS queries the message's evaluation has sent (tests of its bounds). */
unsigned am_msg_dns_queries(const struct am_msg *msg);

/* The first header field called name (case-insensitive), or NULL.
 * Borrowed from msg. */
const struct am_header *am_msg_find_header(const struct am_msg *msg,
    const char *name);

#endif
