/*
 * message.c - the per-message state machine (see message.h).
 *
 * SPF is evaluated at MAIL FROM: in the daemon the MTA does not wait for
 * that reply (SMFIP_NR_MAIL), so the lookups overlap the rest of the SMTP
 * dialogue.  Everything else waits for the end of the message.  All
 * per-message memory comes from the message's arena.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "authres.h"
#include "message.h"

struct am_conn {
	const struct am_ctx *ctx;
	struct am_ip client;
	bool have_client;
	char *hostname;
	char *helo;
};

struct am_msg {
	struct am_conn *conn;
	struct am_arena *arena;
	struct am_dns_session *dns;
	struct am_trace trace;
	bool tracing;
	char *mail_from; /* NULL before MAIL FROM */
	struct am_header *headers, **tail;
	size_t header_bytes;
	struct am_verdict verdict;
	bool finished;
};

struct am_conn *
am_conn_new(const struct am_ctx *ctx, const struct am_ip *client,
    const char *hostname)
{
	struct am_conn *conn = calloc(1, sizeof(*conn));

	if (conn == NULL)
		return NULL;
	conn->ctx = ctx;
	if (client != NULL) {
		conn->client = *client;
		conn->have_client = true;
	}
	if (hostname != NULL && (conn->hostname = strdup(hostname)) == NULL) {
		free(conn);
		return NULL;
	}
	return conn;
}

void
am_conn_free(struct am_conn *conn)
{
	if (conn == NULL)
		return;
	free(conn->hostname);
	free(conn->helo);
	free(conn);
}

void
am_conn_helo(struct am_conn *conn, const char *helo)
{
	free(conn->helo);
	conn->helo = helo != NULL ? strdup(helo) : NULL;
}

struct am_msg *
am_msg_new(struct am_conn *conn, bool trace)
{
	struct am_msg *msg;
	struct am_arena *arena = am_arena_new();

	if (arena == NULL)
		return NULL;
	if ((msg = am_arena_zalloc(arena, sizeof(*msg))) == NULL ||
	    (msg->dns = am_dns_session_new(conn->ctx->dns, arena)) == NULL) {
		am_arena_free(arena);
		return NULL;
	}
	msg->conn = conn;
	msg->arena = arena;
	msg->tail = &msg->headers;
	msg->tracing = trace;
	am_trace_init(&msg->trace, arena);
	return msg;
}

void
am_msg_free(struct am_msg *msg)
{
	if (msg == NULL)
		return;
	am_dns_session_end(msg->dns);
	am_arena_free(msg->arena);
}

static struct am_trace *
tracer(struct am_msg *msg)
{
	return msg->tracing ? &msg->trace : NULL;
}

/* "<user@example.com>" -> "user@example.com", dropping a source route
 * ("<@a,@b:user@c>", RFC 5321 4.1.2). */
static char *
strip_path(struct am_arena *arena, const char *addr)
{
	size_t len = strlen(addr);
	const char *colon;

	while (len > 0 && (addr[0] == ' ' || addr[0] == '\t')) {
		addr++;
		len--;
	}
	if (len >= 2 && addr[0] == '<' && addr[len - 1] == '>') {
		addr++;
		len -= 2;
	}
	if (len > 0 && addr[0] == '@' &&
	    (colon = memchr(addr, ':', len)) != NULL) {
		len -= (size_t)(colon + 1 - addr);
		addr = colon + 1;
	}
	return am_arena_strndup(arena, addr, len);
}

void
am_msg_mail_from(struct am_msg *msg, const char *addr)
{
	struct am_conn *conn = msg->conn;
	struct am_spf_request req;

	msg->mail_from = strip_path(msg->arena, addr != NULL ? addr : "");
	if (msg->mail_from == NULL || !conn->have_client)
		return;
	memset(&req, 0, sizeof(req));
	req.client = conn->client;
	req.helo = conn->helo;
	req.mail_from = msg->mail_from;
	am_spf_check(conn->ctx, msg->dns, msg->arena, &req, AM_SPF_MAILFROM,
	    tracer(msg), &msg->verdict.spf);
	msg->verdict.spf_done = true;
}

void
am_msg_rcpt(struct am_msg *msg, const char *addr)
{
	(void)addr;
	msg->verdict.recipients++;
}

void
am_msg_header(struct am_msg *msg, const char *name, size_t name_len,
    const char *value, size_t value_len)
{
	size_t size = name_len + 1 + value_len; /* "name:value" */
	struct am_header *h;

	msg->verdict.header_bytes += size;
	if (size > AM_MSG_HEADER_MAX - msg->header_bytes) {
		msg->verdict.headers_truncated = true;
		return;
	}
	if ((h = am_arena_zalloc(msg->arena, sizeof(*h))) == NULL ||
	    (h->name = am_arena_strndup(msg->arena, name, name_len)) == NULL ||
	    (h->value = am_arena_strndup(msg->arena, value, value_len)) ==
		NULL) {
		msg->verdict.headers_truncated = true;
		return;
	}
	h->name_len = name_len;
	h->value_len = value_len;
	msg->header_bytes += size;
	*msg->tail = h;
	msg->tail = &h->next;
}

void
am_msg_end_headers(struct am_msg *msg)
{
	(void)msg;
}

void
am_msg_body(struct am_msg *msg, const unsigned char *chunk, size_t len)
{
	(void)chunk;
	msg->verdict.body_bytes += len;
}

static void
render(struct am_msg *msg)
{
	const struct am_conn *conn = msg->conn;
	const struct am_spf_outcome *spf = &msg->verdict.spf;
	struct am_authres ar;

	am_authres_begin(&ar, conn->ctx->authserv_id);
	if (msg->verdict.spf_done) {
		am_authres_result(&ar, "spf", spf->result, spf->reason);
		if (spf->domain[0] != '\0')
			am_authres_prop(&ar, "smtp", msg->mail_from[0] != '\0' ?
			    "mailfrom" : "helo", spf->domain);
	}
	msg->verdict.authres = am_authres_end(&ar, msg->arena);
}

const struct am_verdict *
am_msg_finish(struct am_msg *msg)
{
	if (!msg->finished) {
		msg->finished = true;
		render(msg);
		msg->verdict.trace = msg->tracing ? &msg->trace : NULL;
	}
	return &msg->verdict;
}

const struct am_header *
am_msg_headers(const struct am_msg *msg)
{
	return msg->headers;
}

const struct am_header *
am_msg_find_header(const struct am_msg *msg, const char *name)
{
	const struct am_header *h;

	for (h = msg->headers; h != NULL; h = h->next)
		if (strcasecmp(h->name, name) == 0)
			return h;
	return NULL;
}

const char *
am_msg_envelope_from(const struct am_msg *msg)
{
	return msg->mail_from;
}
