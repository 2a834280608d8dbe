/*
 * message.c - the per-message state machine (see message.h).
 *
 * SPF is evaluated at MAIL FROM: in the daemon the MTA does not wait for
 * that reply (SMFIP_NR_MAIL), so the lookups overlap the rest of the SMTP
 * dialogue.  DNS for DKIM keys and DMARC records starts as soon as their
 * header fields arrive.  Everything else waits for the end of the
 * message (verdict.c).  Per-message memory comes from the message's
 * arena; iprev, a property of the connection, lives in the connection's.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arc.h"
#include "arena.h"
#include "authors.h"
#include "authres.h"
#include "buf.h"
#include "dmarc.h"
#include "domain.h"
#include "fieldcount.h"
#include "message.h"
#include "verdict.h"

struct am_conn {
	const struct am_ctx *ctx;
	struct am_ip client;
	bool have_client;
	char *hostname;
	char *helo;
	struct am_arena *arena; /* connection lifetime: iprev */
	struct am_dns_session *dns;
	bool iprev_done;
	struct am_iprev_outcome iprev;
};

/* 1-based positions among the fields of one name, for removal; grows,
 * never capped (a 65th forged header must go like the first). */
struct positions {
	unsigned seen; /* fields of the name so far */
	unsigned *at;
	size_t n, cap;
};

struct am_msg {
	struct am_conn *conn;
	struct am_arena *arena;
	struct am_dns_session *dns;
	struct am_trace trace;
	bool tracing;
	char *mail_from; /* NULL before MAIL FROM */
	struct am_dkim *dkim;
	struct am_arc *arc;
	struct am_header *headers, **tail;
	size_t header_bytes;
	struct am_authors *authors; /* From fields, read as they arrive */
	struct am_fieldcount *fields; /* fields local policy counts */
	struct positions forged;   /* A-R fields to remove */
	struct positions verdicts; /* our verdict header's name */
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
	if ((conn->arena = am_arena_new()) == NULL ||
	    (conn->dns = am_dns_session_new(ctx->dns, conn->arena)) == NULL ||
	    (hostname != NULL && (conn->hostname = strdup(hostname)) == NULL)) {
		am_conn_free(conn);
		return NULL;
	}
	if (client != NULL) {
		conn->client = *client;
		conn->have_client = true;
		am_iprev_prefetch(conn->dns, client);
	}
	return conn;
}

void
am_conn_free(struct am_conn *conn)
{
	if (conn == NULL)
		return;
	am_dns_session_end(conn->dns);
	am_arena_free(conn->arena);
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
	struct am_policy_options defaults;
	const struct am_policy_options *opt = conn->ctx->policy;
	struct am_msg *msg;
	struct am_arena *arena = am_arena_new();

	if (arena == NULL)
		return NULL;
	if (opt == NULL) {
		am_policy_defaults(&defaults);
		opt = &defaults;
	}
	if ((msg = am_arena_zalloc(arena, sizeof(*msg))) == NULL ||
	    (msg->dns = am_dns_session_new(conn->ctx->dns, arena)) == NULL ||
	    (msg->authors = am_authors_new(arena, opt->max_authors > 0 ?
		 opt->max_authors : 1)) == NULL ||
	    (msg->fields = am_fieldcount_new(arena, opt)) == NULL) {
		am_arena_free(arena);
		return NULL;
	}
	msg->conn = conn;
	msg->arena = arena;
	msg->tail = &msg->headers;
	msg->tracing = trace;
	am_trace_init(&msg->trace, arena);
	if (conn->ctx->dkim != NULL &&
	    (msg->dkim = am_dkim_new(conn->ctx->dkim, conn->ctx, msg->dns,
		 arena, trace ? &msg->trace : NULL)) == NULL) {
		am_msg_free(msg);
		return NULL;
	}
	if ((msg->arc = am_arc_new(conn->ctx, msg->dns, arena,
		 trace ? &msg->trace : NULL, conn->ctx->arc_sealer != NULL)) ==
	    NULL) {
		am_msg_free(msg);
		return NULL;
	}
	return msg;
}

void
am_msg_free(struct am_msg *msg)
{
	if (msg == NULL)
		return;
	am_dkim_free(msg->dkim);
	am_arc_free(msg->arc);
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
am_msg_auth(struct am_msg *msg, const char *user)
{
	msg->verdict.auth_user = user != NULL && user[0] != '\0' ?
	    am_arena_strdup(msg->arena, user) : NULL;
}

static bool
name_is(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && strncasecmp(name, want, len) == 0;
}

static bool
contains_id(const char *s, size_t len, const char *id)
{
	size_t n = strlen(id), i;

	for (i = 0; n > 0 && i + n <= len; i++)
		if (strncasecmp(s + i, id, n) == 0)
			return true;
	return false;
}

/*
 * The text s..end with comments, white space, quotes and backslashes
 * left out: a lenient reader that tokenizes on '.' and drops CFWS reads
 * "mx . test", "mx.(c)test", "mx.<CRLF> test" and "mx\.test" as
 * "mx.test".
 */
static void
squeeze(const char *s, const char *end, struct am_buf *out)
{
	unsigned depth = 0;

	for (; s < end; s++) {
		if (*s == '\\' && s + 1 < end && depth > 0)
			s++; /* a quoted-pair inside a comment */
		else if (*s == '(')
			depth++;
		else if (*s == ')' && depth > 0)
			depth--;
		else if (depth == 0 && strchr(" \t\r\n\"\\", *s) == NULL)
			am_buf_addc(out, *s);
	}
}

/* Our id, or a configured one, appears before the first ";" (where a
 * lenient reader would look for the authserv-id), as written or once
 * CFWS, quotes and backslashes are left out. */
static bool
names_id(const char *value, size_t len, const char *id)
{
	const char *semi = memchr(value, ';', len);
	struct am_buf b;
	bool found;

	if (semi != NULL)
		len = (size_t)(semi - value);
	if (contains_id(value, len, id))
		return true;
	am_buf_init(&b, 0);
	squeeze(value, value + len, &b);
	found = contains_id(b.data, b.len, id) || am_buf_failed(&b);
	am_buf_release(&b);
	return found;
}

/*
 * RFC 8601 5: an incoming A-R that claims our authserv-id is removed,
 * whatever it says; so is one claiming a configured id, or any when so
 * configured.  A header whose id cannot be read at all is removed too,
 * and one that names our id before its first ";": a reader more lenient
 * than ours might take either for ours.
 */
static bool
forged(const struct am_ctx *ctx, struct am_arena *arena, const char *value,
    size_t len)
{
	const char *id = am_authres_authserv_id(arena, value, len);
	size_t i;

	if (ctx->authres_remove_all || id == NULL ||
	    am_domain_equal(id, ctx->authserv_id) ||
	    names_id(value, len, ctx->authserv_id))
		return true;
	for (i = 0; i < ctx->authres_remove_nids; i++)
		if (am_domain_equal(id, ctx->authres_remove_ids[i]))
			return true;
	return false;
}

/* Remembers the current field (the seen-th of its name) for removal;
 * false only when memory ran out. */
static bool
remember(struct am_arena *arena, struct positions *p)
{
	unsigned *grown;

	if (p->n == p->cap) {
		p->cap = p->cap != 0 ? p->cap * 2 : 8;
		if ((grown = am_arena_alloc(arena, p->cap * sizeof(*grown))) ==
		    NULL)
			return false;
		if (p->n > 0)
			memcpy(grown, p->at, p->n * sizeof(*grown));
		p->at = grown;
	}
	p->at[p->n++] = p->seen;
	return true;
}

/* A field whose removal matters: without memory to remember it the
 * verdict says so, and the daemon defers the message. */
static void
note_removal(struct am_msg *msg, struct positions *p, bool remove)
{
	p->seen++;
	if (remove && !remember(msg->arena, p))
		msg->verdict.forged_overflow = true;
}

/*
 * A From field, whether stored or not: its Author Domains are collected
 * now, and the DMARC record lookups of the new ones start.  A field
 * longer than the limit may have been cut (eml.h): domains may be lost.
 */
static void
from_field(struct am_msg *msg, const char *value, size_t len, size_t size)
{
	const struct am_idna_name *name;
	size_t n, i;

	n = am_authors_field(msg->authors, value, len);
	/* What was read is evaluated; what may be missing makes it
	 * undecidable as well. */
	if (size > AM_MSG_HEADER_MAX)
		am_authors_lost(msg->authors, "a From field longer than 1 MB "
					      "was not read whole");
	for (i = am_authors_count(msg->authors) - n;
	     i < am_authors_count(msg->authors); i++)
		if ((name = am_authors_get(msg->authors, i))->hidden == 0)
			am_dmarc_prefetch(msg->dns, name->ascii);
}

/*
 * The length of a field name without the blanks that obsolete syntax
 * allows before the colon (RFC 5322 4.5.3, 4.1).  An MTA may hand them
 * over as part of the name (libmilter passes what the MTA gives), and
 * every reader takes "From : ceo@example.com" for a From field: so must
 * we, or the field hides its Author Domain from DMARC.
 */
static size_t
field_name_len(const char *name, size_t len)
{
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	return len;
}

void
am_msg_header(struct am_msg *msg, const char *name, size_t sent_len,
    const char *value, size_t value_len)
{
	size_t size = sent_len + 1 + value_len; /* "name:value" */
	size_t name_len = field_name_len(name, sent_len);
	struct am_header *h;

	msg->verdict.header_bytes += size;
	if (name_is(name, name_len, AM_AUTHRES_HEADER))
		note_removal(msg, &msg->forged, forged(msg->conn->ctx,
		    msg->arena, value, value_len));
	else if (msg->conn->ctx->verdict_header != NULL &&
	    name_is(name, name_len, msg->conn->ctx->verdict_header))
		note_removal(msg, &msg->verdicts, true);
	/* DKIM gets the name without the blanks as well: Postfix hands
	 * fields over so, and libopendkim's relaxed canonicalization keeps
	 * a tab before the colon, which RFC 6376 3.4.2 deletes. */
	if (msg->dkim != NULL)
		am_dkim_header(msg->dkim, name, name_len, value, value_len);
	am_fieldcount_add(msg->fields, name, name_len);
	if (name_is(name, name_len, "From"))
		from_field(msg, value, value_len, size);
	if (size > AM_MSG_HEADER_MAX - msg->header_bytes ||
	    (h = am_arena_zalloc(msg->arena, sizeof(*h))) == NULL ||
	    (h->name = am_arena_strndup(msg->arena, name, name_len)) == NULL ||
	    (h->value = am_arena_strndup(msg->arena, value, value_len)) ==
		NULL) {
		msg->verdict.headers_truncated = true;
		am_arc_dropped(msg->arc, name, name_len);
		return;
	}
	h->name_len = name_len;
	h->value_len = value_len;
	msg->header_bytes += size;
	*msg->tail = h;
	msg->tail = &h->next;
	am_arc_header(msg->arc, h);
}

void
am_msg_end_headers(struct am_msg *msg)
{
	if (msg->dkim != NULL)
		am_dkim_end_headers(msg->dkim);
	am_arc_end_headers(msg->arc);
}

void
am_msg_body(struct am_msg *msg, const unsigned char *chunk, size_t len)
{
	msg->verdict.body_bytes += len;
	if (msg->dkim != NULL)
		am_dkim_body(msg->dkim, chunk, len);
	am_arc_body(msg->arc, chunk, len);
}

/* ARC keeps the body flowing while a chain's ARC-Message-Signature or
 * our own seal needs its hash. */
bool
am_msg_wants_body(const struct am_msg *msg)
{
	return (msg->dkim != NULL && am_dkim_wants_body(msg->dkim)) ||
	    am_arc_wants_body(msg->arc);
}

/* iprev belongs to the connection: evaluated once, for the first message
 * that ends. */
static void
connection_iprev(struct am_msg *msg)
{
	struct am_conn *conn = msg->conn;

	if (!conn->have_client)
		return;
	if (!conn->iprev_done) {
		am_iprev_check(conn->ctx, conn->dns, conn->arena, &conn->client,
		    tracer(msg), &conn->iprev);
		conn->iprev_done = true;
	}
	msg->verdict.iprev = conn->iprev;
	msg->verdict.iprev_done = true;
}

/* RFC 8617 5.1: our set goes on every message we pass on (accepted or
 * quarantined), after our Authentication-Results, which it copies. */
static void
seal(struct am_msg *msg)
{
	struct am_verdict *v = &msg->verdict;
	const struct am_ctx *ctx = msg->conn->ctx;

	if (ctx->arc_sealer == NULL || v->authres == NULL ||
	    v->decision.action == AM_ACTION_REJECT ||
	    v->decision.action == AM_ACTION_TEMPFAIL)
		return;
	am_arc_seal(msg->arc, ctx->arc_sealer, &v->arc, v->authres, NULL,
	    &v->seal);
}

const struct am_verdict *
am_msg_finish(struct am_msg *msg)
{
	struct am_verdict *v = &msg->verdict;
	const struct am_ctx *ctx = msg->conn->ctx;
	struct am_policy_input in;

	if (msg->finished)
		return v;
	msg->finished = true;
	if (msg->dkim != NULL) {
		am_dkim_finish(msg->dkim, &v->dkim);
		v->dkim_done = true;
	}
	am_arc_finish(msg->arc, msg->headers, v->headers_truncated, &v->arc);
	connection_iprev(msg);
	memset(&in, 0, sizeof(in));
	in.ip = msg->conn->have_client ? &msg->conn->client : NULL;
	in.auth_user = v->auth_user;
	in.confirmed_name = v->iprev_done && v->iprev.result ==
	    AM_RESULT_PASS ? v->iprev.name : NULL;
	in.mail_from = msg->mail_from;
	in.list_header = am_fieldcount_list(msg->fields);
	in.header_problem = am_fieldcount_problem(msg->fields, msg->arena);
	am_verdict_dmarc(ctx, msg->dns, msg->arena, msg->authors, &in,
	    tracer(msg), v);
	v->forged = msg->forged.at;
	v->nforged = msg->forged.n;
	v->stale_verdicts = msg->verdicts.at;
	v->nstale_verdicts = msg->verdicts.n;
	v->authres = am_verdict_render(ctx, msg->arena, v,
	    msg->mail_from == NULL || msg->mail_from[0] == '\0');
	seal(msg);
	v->summary = am_verdict_summary(msg->arena, v);
	v->trace = tracer(msg);
	v->mail_from = msg->mail_from;
	v->headers = msg->headers;
	return v;
}

size_t
am_msg_arena_used(const struct am_msg *msg)
{
	return am_arena_used(msg->arena);
}

unsigned
am_msg_dns_queries(const struct am_msg *msg)
{
	return am_dns_session_queries(msg->dns);
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
